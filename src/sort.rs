//! Sort: orders documents the way Helm installs them (by kind, one plain list); kinds not
//! in the list go last, alphabetically; the sort is stable so template order holds within
//! a kind.

use crate::parse::Document;

/// Helm's install order.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// Sorts in place, stably.
pub fn sort(docs: &mut [Document]) {
    sort_by_kind(docs, Document::kind);
}

/// Sorts anything that has a kind (a document with what goes with it) as [`sort`] does.
pub fn sort_by_kind<T>(items: &mut [T], kind: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| rank(kind(a)).cmp(&rank(kind(b))));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(kind: &str, name: &str) -> Document {
        Document {
            template: "t".into(),
            value: json!({"kind": kind, "metadata": {"name": name}}),
        }
    }

    #[test]
    fn helm_order_unknown_last_stable() {
        let mut d = vec![
            doc("Zeta", "z"),
            doc("Deployment", "d"),
            doc("Alpha", "a"),
            doc("Service", "s1"),
            doc("Namespace", "n"),
            doc("Service", "s2"),
        ];
        sort(&mut d);
        let ids: Vec<_> = d.iter().map(|d| d.id()).collect();
        assert_eq!(
            ids,
            [
                "Namespace/n",
                "Service/s1",
                "Service/s2",
                "Deployment/d",
                "Alpha/a",
                "Zeta/z"
            ]
        );
    }
}
