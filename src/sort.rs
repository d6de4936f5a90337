//! Sort: orders documents the way `helm template` prints them: by kind (one plain list;
//! kinds not in it last, alphabetically), objects with a `helm.sh/hook` annotation after
//! all others and sorted the same way among themselves; the sort is stable so template
//! order holds within a kind.

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

/// Is the document a Helm hook? Helm takes such objects out of the release's manifest
/// and `helm template` prints them after it, sorted by kind (pkg/release/v1/util/
/// manifest_sorter.go:163-171 and kind_sorter.go:131-138, pkg/cmd/template.go:119-129 at
/// v4.2.3).
pub fn is_hook(doc: &Document) -> bool {
    doc.value
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("helm.sh/hook"))
        .is_some()
}

/// Is the document a test hook (`helm.sh/hook: test` or `test-success`, among its
/// comma-separated events), which `helm template --skip-tests` leaves out
/// (pkg/cmd/template.go:124-126 and 228-230, pkg/release/v1/util/manifest_sorter.go:53-66
/// at v4.2.3)?
pub fn is_test_hook(doc: &Document) -> bool {
    doc.value
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("helm.sh/hook"))
        .and_then(serde_json::Value::as_str)
        .is_some_and(|events| {
            events
                .split(',')
                .any(|e| matches!(e.trim().to_lowercase().as_str(), "test" | "test-success"))
        })
}

/// Sorts in place, stably.
pub fn sort(docs: &mut [Document]) {
    sort_by_kind(docs, |d| d);
}

/// Sorts anything that holds a document (a document with what goes with it) as [`sort`]
/// does.
pub fn sort_by_kind<T>(items: &mut [T], doc: impl Fn(&T) -> &Document) {
    // Each item's place is worked out once (a stable sort by key; an unknown kind's name
    // is the only allocation).
    items.sort_by_cached_key(|item| {
        let d = doc(item);
        let (rank, unknown) = rank(d.kind());
        (is_hook(d), rank, unknown.to_string())
    });
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

    #[test]
    fn hooks_after_everything_sorted_by_kind() {
        let hook = |kind: &str, name: &str| Document {
            template: "t".into(),
            value: json!({"kind": kind, "metadata": {"name": name, "annotations": {"helm.sh/hook": "pre-install"}}}),
        };
        let mut d = vec![
            hook("Job", "j"),
            doc("Zeta", "z"),
            hook("ConfigMap", "c"),
            doc("Deployment", "d"),
        ];
        sort(&mut d);
        let ids: Vec<_> = d.iter().map(|d| d.id()).collect();
        assert_eq!(ids, ["Deployment/d", "Zeta/z", "ConfigMap/c", "Job/j"]);
    }
}
