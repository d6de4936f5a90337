//! RBAC: rules, role references and subjects, and object names — kubernetes
//! `pkg/apis/rbac/validation/validation.go` at v1.33 (`ValidatePolicyRule`,
//! `ValidateRoleBinding`, `ValidateRoleBindingSubject`, `ValidateRBACName`).

use super::Out;
use super::fields::{get, path_segment};
use super::items;
use crate::parse::At;
use serde_json::Value;

const GROUP: &str = "rbac.authorization.k8s.io";

pub(super) fn check(o: &mut Out<'_>, kind: &str, v: &Value) {
    if !matches!(
        kind,
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
    ) {
        return;
    }
    // ValidateRBACName: a path segment name.
    if let Some(n) = v.at("/metadata/name").and_then(Value::as_str)
        && !n.is_empty()
        && !path_segment(n)
    {
        o.add(
            "metadata.name",
            "may not be '.' or '..' and may not contain '/' or '%'",
        );
    }
    match kind {
        "Role" | "ClusterRole" => {
            for (n, r) in items(v.get("rules")) {
                rule(o, r, &format!("rules[{n}]"), kind == "Role");
            }
            // ValidateClusterRole: an aggregation rule has at least one selector, each a
            // valid label selector.
            if kind == "ClusterRole"
                && let Some(agg) = get(v, "aggregationRule")
            {
                let selectors: Vec<(usize, &Value)> =
                    items(agg.get("clusterRoleSelectors")).collect();
                if selectors.is_empty() {
                    o.add(
                        "aggregationRule.clusterRoleSelectors",
                        "required: at least one clusterRoleSelector when aggregationRule is set",
                    );
                }
                for (n, sel) in selectors {
                    super::label_selector(
                        o,
                        sel,
                        &format!("aggregationRule.clusterRoleSelectors[{n}]"),
                    );
                }
            }
        }
        _ => binding(o, v, kind == "RoleBinding"),
    }
}

/// ValidatePolicyRule.
fn rule(o: &mut Out<'_>, r: &Value, at: &str, namespaced: bool) {
    let count = |k: &str| items(r.get(k)).count();
    if count("verbs") == 0 {
        o.add(
            format!("{at}.verbs"),
            "verbs must contain at least one value",
        );
    }
    let (resources, urls) = (count("resources"), count("nonResourceURLs"));
    if urls > 0 {
        if namespaced {
            o.add(
                format!("{at}.nonResourceURLs"),
                "namespaced rules cannot apply to non-resource URLs",
            );
        }
        if resources > 0 || count("apiGroups") > 0 || count("resourceNames") > 0 {
            o.add(
                format!("{at}.nonResourceURLs"),
                "rules cannot apply to both regular resources and non-resource URLs",
            );
        }
        return;
    }
    if resources == 0 {
        o.add(
            format!("{at}.resources"),
            "resource rules must supply at least one resource",
        );
    }
    if count("apiGroups") == 0 {
        o.add(
            format!("{at}.apiGroups"),
            "resource rules must supply at least one api group",
        );
    }
}

/// ValidateRoleBinding / ValidateClusterRoleBinding and their subjects.
/// A missing or empty `roleRef.apiGroup`, and a User's or Group's, are the API server's to
/// fill in before it validates (pkg/apis/rbac/v1/defaults.go: SetDefaults_RoleBinding,
/// SetDefaults_ClusterRoleBinding and SetDefaults_Subject set rbac.authorization.k8s.io),
/// so only a group given otherwise is wrong.
fn binding(o: &mut Out<'_>, v: &Value, namespaced: bool) {
    let r = v.get("roleRef");
    let ref_group = r
        .and_then(|r| get(r, "apiGroup"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if !ref_group.is_empty() && ref_group != GROUP {
        o.add(
            "roleRef.apiGroup",
            format!("unsupported value: must be {GROUP}"),
        );
    }
    let kind = r
        .and_then(|r| r.get("kind"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let kinds: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !kinds.contains(&kind) {
        o.add(
            "roleRef.kind",
            format!("unsupported value: must be {}", kinds.join(" or ")),
        );
    }
    match r.and_then(|r| r.get("name")).and_then(Value::as_str) {
        Some(n) if path_segment(n) => {}
        Some(n) if !n.is_empty() => o.add(
            "roleRef.name",
            "may not be '.' or '..' and may not contain '/' or '%'",
        ),
        _ => o.add("roleRef.name", "required"),
    }
    for (n, s) in items(v.get("subjects")) {
        let at = format!("subjects[{n}]");
        let name = s.text("name");
        if name.is_empty() {
            o.add(format!("{at}.name"), "required");
        }
        let group = s.text("apiGroup");
        match s.text("kind") {
            "ServiceAccount" => {
                // ValidateServiceAccountName.
                if !name.is_empty() && !super::dns_subdomain(name) {
                    o.add(
                        format!("{at}.name"),
                        "must be a ServiceAccount name (a DNS-1123 subdomain)",
                    );
                }
                if !group.is_empty() {
                    o.add(
                        format!("{at}.apiGroup"),
                        "must be empty for a ServiceAccount",
                    );
                }
                if !namespaced
                    && s.get("namespace")
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                {
                    o.add(
                        format!("{at}.namespace"),
                        "required for a ServiceAccount in a ClusterRoleBinding",
                    );
                }
            }
            "User" | "Group" => {
                if !group.is_empty() && group != GROUP {
                    o.add(
                        format!("{at}.apiGroup"),
                        format!("must be {GROUP} for a User or Group"),
                    );
                }
            }
            _ => o.add(
                format!("{at}.kind"),
                "unsupported value: must be ServiceAccount, User or Group",
            ),
        }
    }
}
