//! The Gateway API's HTTPRoute rules that its CRD states in CEL (`x-kubernetes-validations`),
//! which the schema check does not evaluate: the two rules on `spec.parentRefs`
//! (gateway-api v1.6.1, crds/gateway.networking.k8s.io_httproutes.yaml, "sectionName must be
//! specified / must be unique when parentRefs includes 2 or more references to the same
//! parent"), with the schema's defaults applied first as the API server does.

use serde_json::Value;

/// (group, kind, namespace, name) with the CRD's defaults, and the section ("" = none).
fn parent(p: &Value) -> ((String, String, String, String), String) {
    let s = |k: &str, default: &str| {
        p.get(k)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_string()
    };
    (
        (
            s("group", "gateway.networking.k8s.io"),
            s("kind", "Gateway"),
            s("namespace", ""),
            s("name", ""),
        ),
        s("sectionName", ""),
    )
}

/// Problems of a list of ParentReferences, by index: a reference to the same parent as
/// another must name a sectionName when the other does, and no two may name the same.
pub fn parent_refs(refs: &[Value]) -> Vec<(usize, String)> {
    let parents: Vec<_> = refs.iter().map(parent).collect();
    let mut out = Vec::new();
    for (i, (key, section)) in parents.iter().enumerate() {
        for (j, (other, other_section)) in parents.iter().enumerate().take(i) {
            if key != other {
                continue;
            }
            if section.is_empty() != other_section.is_empty() {
                out.push((i, format!("refers to the same parent as parentRefs[{j}]: sectionName must be specified when parentRefs includes 2 or more references to the same parent")));
            } else if section == other_section {
                out.push((i, format!("repeats parentRefs[{j}] (the same parent and section): sectionName must be unique when parentRefs includes 2 or more references to the same parent")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_parent_rules() {
        let ok = [
            json!([{"name": "a"}]),
            json!([{"name": "a", "sectionName": "x"}, {"name": "a", "sectionName": "y"}]),
            json!([{"name": "a"}, {"name": "b"}]),
            json!([{"name": "a"}, {"name": "a", "namespace": "other"}]),
            json!([{"name": "a"}, {"name": "a", "kind": "Service", "group": ""}]),
        ];
        for refs in ok {
            assert!(parent_refs(refs.as_array().unwrap()).is_empty(), "{refs}");
        }
        let bad = [
            json!([{"name": "a"}, {"name": "a"}]),
            json!([{"name": "a", "sectionName": "x"}, {"name": "a"}]),
            json!([{"name": "a", "sectionName": "x"}, {"name": "a", "sectionName": "x"}]),
            // Explicit defaults, an empty namespace and a port make no other parent.
            json!([{"name": "a", "group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": ""},
                   {"name": "a", "port": 443}]),
        ];
        for refs in bad {
            assert_eq!(parent_refs(refs.as_array().unwrap()).len(), 1, "{refs}");
        }
    }
}
