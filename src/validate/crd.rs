//! Custom resources: validated against the `openAPIV3Schema` of their
//! CustomResourceDefinition — from the stream itself or from `validate --crd FILE|DIR` —
//! as the API server does: the schema's rules, and unknown fields (which
//! `kubectl apply`'s default server-side field validation refuses) wherever the schema
//! does not preserve them (`x-kubernetes-preserve-unknown-fields`).

use crate::locate::KeyPath;
use crate::parse::At;
use crate::parse::Document;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::typed::TypedProblem;

/// (apiVersion, kind) → the version's `openAPIV3Schema`, or None when the CRD defines
/// the version without serving it.
#[derive(Debug, Default, Clone)]
pub struct Schemas(HashMap<(String, String), Option<Value>>);

/// The CustomResourceDefinitions the binary carries, for the custom resources the chart
/// renders: the Gateway API's HTTPRoute (crds/, gateway-api v1.6.1, standard channel).
/// Parsed on first use.
pub fn bundled() -> &'static Schemas {
    static BUNDLED: OnceLock<Schemas> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        let crd: Value = serde_saphyr::from_str(include_str!(
            "../../crds/gateway.networking.k8s.io_httproutes.yaml"
        ))
        .unwrap_or(Value::Null);
        Schemas::from_values([&crd])
    })
}

impl Schemas {
    /// The schemas of every CustomResourceDefinition among `docs`.
    pub fn from_docs(docs: &[Document]) -> Schemas {
        Schemas::from_values(docs.iter().map(|d| &d.value))
    }

    /// The schemas of every CustomResourceDefinition among `objects`.
    pub fn from_values<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Schemas {
        let mut out = Schemas::default();
        for d in objects {
            if d["kind"] != "CustomResourceDefinition"
                || !d["apiVersion"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("apiextensions.k8s.io/"))
            {
                continue;
            }
            let spec = &d["spec"];
            let (Some(group), Some(kind)) = (
                spec["group"].as_str(),
                spec.at("/names/kind").and_then(Value::as_str),
            ) else {
                continue;
            };
            for v in spec["versions"].as_array().into_iter().flatten() {
                let (Some(name), Some(schema)) =
                    (v["name"].as_str(), v.at("/schema/openAPIV3Schema"))
                else {
                    continue;
                };
                let served = v["served"] != Value::Bool(false);
                out.0.insert(
                    (format!("{group}/{name}"), kind.to_string()),
                    served.then(|| schema.clone()),
                );
            }
        }
        out
    }

    /// Adds the schemas of `other` (later definitions win).
    pub fn extend(&mut self, other: Schemas) {
        self.0.extend(other.0);
    }

    /// The schema of a served version: `Some(Some(schema))`; `Some(None)` when the CRD
    /// knows the kind but does not serve this version; `None` for a kind it does not
    /// define.
    pub fn get(&self, api_version: &str, kind: &str) -> Option<Option<&Value>> {
        if let Some(s) = self.0.get(&(api_version.to_string(), kind.to_string())) {
            return Some(s.as_ref());
        }
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        self.0
            .keys()
            .any(|(a, k)| k == kind && a.rsplit_once('/').is_some_and(|(g, _)| g == group))
            .then_some(None)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The OpenAPI v3.0 schema as JSON Schema: `nullable: true` is null or the node; the
/// boolean `exclusiveMinimum`/`exclusiveMaximum` of v3.0 become the numeric bounds.
fn json_schema(node: &Value) -> Value {
    match node {
        Value::Object(m) => {
            let mut out: serde_json::Map<String, Value> =
                m.iter().map(|(k, v)| (k.clone(), json_schema(v))).collect();
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(on)) = m.get(flag) {
                    out.remove(flag);
                    if *on && let Some(b) = out.remove(bound) {
                        out.insert(flag.into(), b);
                    }
                }
            }
            if m.get("nullable") == Some(&Value::Bool(true)) {
                out.remove("nullable");
                return serde_json::json!({"anyOf": [{"type": "null"}, Value::Object(out)]});
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(json_schema).collect()),
        other => other.clone(),
    }
}

/// A JSON pointer of the instance as a key path.
fn key_path(pointer: &str) -> KeyPath {
    let mut p = KeyPath::default();
    for raw in pointer.split('/').skip(1) {
        let tok = raw.replace("~1", "/").replace("~0", "~");
        p = match tok.parse::<usize>() {
            Ok(i) => p.index(i),
            Err(_) => p.key(&tok),
        };
    }
    p
}

/// Fields the schema does not know, where it does not preserve unknown fields.
fn unknown(doc: &Value, schema: &Value, at: &KeyPath, root: bool, out: &mut Vec<TypedProblem>) {
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
        return;
    }
    match doc {
        Value::Object(m) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties").filter(|a| a.is_object());
            for (k, v) in m {
                if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                match (props.and_then(|p| p.get(k)), extra) {
                    (Some(s), _) => unknown(v, s, &at.key(k), false, out),
                    (None, Some(s)) => unknown(v, s, &at.key(k), false, out),
                    (None, None) if props.is_some() || schema.get("type") == Some(&Value::from("object")) => {
                        out.push(TypedProblem {
                            path: at.key(k),
                            message: "unknown field (the CustomResourceDefinition's schema does not declare it)".into(),
                        })
                    }
                    (None, None) => {}
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items") {
                for (i, v) in a.iter().enumerate() {
                    unknown(v, items, &at.index(i), false, out);
                }
            }
        }
        _ => {}
    }
}

/// What the API server does before validating: drops nulls of fields that are not
/// nullable and fills in the schema's defaults.
fn defaulted(v: &mut Value, schema: &Value) {
    match v {
        Value::Object(m) => {
            let props = schema.get("properties").and_then(Value::as_object);
            m.retain(|k, x| {
                !(x.is_null()
                    && props
                        .and_then(|p| p.get(k))
                        .is_none_or(|s| s.get("nullable") != Some(&Value::Bool(true))))
            });
            for (k, s) in props.into_iter().flatten() {
                if !m.contains_key(k)
                    && let Some(d) = s.get("default")
                {
                    m.insert(k.clone(), d.clone());
                }
            }
            for (k, x) in m.iter_mut() {
                if let Some(s) = props
                    .and_then(|p| p.get(k))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
                {
                    defaulted(x, s);
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items") {
                a.iter_mut().for_each(|x| defaulted(x, items));
            }
        }
        _ => {}
    }
}

/// Validates a custom resource against its version's schema.
pub fn check(doc: &Value, schema: &Value) -> Vec<TypedProblem> {
    let compiled = match jsonschema::validator_for(&json_schema(schema)) {
        Ok(v) => v,
        Err(e) => {
            return vec![TypedProblem {
                path: KeyPath::default(),
                message: format!("the CustomResourceDefinition's schema is not usable: {e}"),
            }];
        }
    };
    // The API server validates the object without its type and object metadata.
    let mut body = doc.clone();
    if let Value::Object(m) = &mut body {
        m.remove("metadata");
        m.remove("apiVersion");
        m.remove("kind");
    }
    defaulted(&mut body, schema);
    let mut out: Vec<TypedProblem> = compiled
        .iter_errors(&body)
        .map(|e| TypedProblem {
            path: key_path(e.instance_path().as_str()),
            message: crate::schema::describe(&e),
        })
        .collect();
    unknown(doc, schema, &KeyPath::default(), true, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd() -> Document {
        Document {
            template: "crd.yaml".into(),
            value: json!({
                "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                "metadata": {"name": "widgets.example.com"},
                "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
                  "scope": "Namespaced",
                  "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "required": ["size"],
                      "properties": {"size": {"type": "integer", "minimum": 1},
                                     "color": {"type": "string", "enum": ["red", "blue"], "nullable": true},
                                     "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}}}]}
            }),
        }
    }

    #[test]
    fn validates_against_the_crd() {
        let s = Schemas::from_docs(&[crd()]);
        let schema = s.get("example.com/v1", "Widget").unwrap().unwrap();
        let ok = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"size": 2, "color": null, "extra": {"anything": 1}}});
        assert!(check(&ok, schema).is_empty(), "{:?}", check(&ok, schema));
        let bad = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"size": 0, "colour": "red"}});
        let p = check(&bad, schema);
        let paths: Vec<String> = p.iter().map(|x| x.path.to_string()).collect();
        assert!(paths.contains(&"spec.size".to_string()), "{p:?}");
        assert!(paths.contains(&"spec.colour".to_string()), "{p:?}");
        // Another version of a known kind: known, not served.
        assert_eq!(s.get("example.com/v2", "Widget"), Some(None));
        assert!(s.get("example.com/v1", "Gadget").is_none());
    }
}
