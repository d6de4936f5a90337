//! The values reference (docs/values.md): every key documented in values.yaml by a
//! comment that starts with its path, with its type and description from the schema
//! (generated from the values model) and its default.

use crate::locate::{KeyPath, Seg};
use crate::schema;
use crate::values::{DEFAULT_VALUES, parse_yaml};
use serde_json::Value;

/// `(path, description)` for each `# path -- description` comment (continuation comment
/// lines are joined).
pub fn documented_keys(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let t = line.trim_start();
        let Some(comment) = t.strip_prefix('#') else {
            open = false;
            continue;
        };
        let comment = comment.trim();
        if let Some((path, desc)) = comment.split_once(" -- ")
            && !path.contains(' ')
        {
            out.push((path.to_string(), desc.trim().to_string()));
            open = true;
        } else if open && let Some(last) = out.last_mut() {
            last.1.push(' ');
            last.1.push_str(comment);
        }
    }
    out
}

fn key_path(dotted: &str) -> KeyPath {
    KeyPath(dotted.split('.').map(|k| Seg::Key(k.to_string())).collect())
}

fn type_of(schema: &Value, path: &KeyPath) -> String {
    let Some(node) = schema::schema_at(schema, path) else {
        return "?".into();
    };
    if let Some(e) = node.get("enum").and_then(Value::as_array) {
        return e
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" \\| ");
    }
    if let Some(alts) = node.get("oneOf").and_then(Value::as_array) {
        return alts
            .iter()
            .map(|a| type_of_node(schema, a))
            .collect::<Vec<_>>()
            .join(" or ");
    }
    type_of_node(schema, node)
}

fn type_of_node(schema: &Value, node: &Value) -> String {
    let node = schema::resolve(schema, node).unwrap_or(node);
    match node.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let item = node
                .get("items")
                .map(|i| type_of_node(schema, i))
                .unwrap_or_default();
            format!("list of {item}")
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ if node.get("const").is_some() => format!("always {}", node["const"]),
        _ => "object".into(),
    }
}

/// The schema's description of the key at `path` (the model field's doc comment).
fn description(schema: &Value, path: &KeyPath) -> String {
    // The field's own node: a `$ref` field keeps its description beside the reference.
    let node = match path.0.split_last() {
        Some((Seg::Key(k), parent)) => schema::schema_at(schema, &KeyPath(parent.to_vec()))
            .and_then(|p| p.get("properties"))
            .and_then(|p| p.get(k)),
        _ => schema::schema_at(schema, path),
    };
    node.and_then(|n| n.get("description"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .replace('\n', " ")
}

/// The Markdown reference.
pub fn markdown() -> String {
    let schema: Value = serde_json::from_str(schema::SCHEMA).unwrap_or(Value::Null);
    let defaults = parse_yaml("values.yaml", DEFAULT_VALUES)
        .map(Value::Object)
        .unwrap_or(Value::Null);
    let mut s = String::from(
        "# Values reference\n\n\
         Generated from `values.yaml` and `values.schema.json` by `mlflow-chart schema --reference`;\n\
         a test keeps this file in sync. Editors complete and check values files with the\n\
         schema (yaml-language-server): save it with `mlflow-chart schema > values.schema.json`\n\
         next to your values file and make this the file's first line:\n\n\
         ```yaml\n# yaml-language-server: $schema=./values.schema.json\n```\n\n\
         | key | type | default | description |\n|---|---|---|---|\n",
    );
    for (path, _) in documented_keys(DEFAULT_VALUES) {
        let kp = key_path(&path);
        // The description is the model's doc comment (a unit test holds the values.yaml
        // comment to the same text).
        let desc = description(&schema, &kp);
        let default = crate::locate::lookup(&defaults, &kp)
            .map(|v| serde_json::to_string(v).unwrap_or_default())
            .unwrap_or_default();
        s.push_str(&format!(
            "| `{path}` | {} | `{}` | {} |\n",
            type_of(&schema, &kp),
            default.replace('|', "\\|"),
            desc.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_parse() {
        let keys = documented_keys("# a.b -- first\n# more\nx: 1\n# not a key\n# c -- second\n");
        assert_eq!(
            keys,
            vec![
                ("a.b".into(), "first more".into()),
                ("c".into(), "second".into())
            ]
        );
    }

    /// The comments users read in values.yaml say what the model's doc comments say.
    #[test]
    fn values_yaml_comments_match_the_model() {
        let schema = crate::model::generate();
        let mut wrong = Vec::new();
        for (path, desc) in documented_keys(DEFAULT_VALUES) {
            let model = description(&schema, &key_path(&path));
            if model != desc {
                wrong.push(format!(
                    "{path}:\n  values.yaml: {desc}\n  model:       {model}"
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn every_leaf_default_is_documented() {
        let documented: Vec<String> = documented_keys(DEFAULT_VALUES)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let defaults = Value::Object(parse_yaml("values.yaml", DEFAULT_VALUES).unwrap());
        fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) if !m.is_empty() => {
                    for (k, c) in m {
                        leaves(
                            c,
                            if at.is_empty() {
                                k.clone()
                            } else {
                                format!("{at}.{k}")
                            },
                            out,
                        )
                    }
                }
                _ => out.push(at),
            }
        }
        let mut all = Vec::new();
        leaves(&defaults, String::new(), &mut all);
        for leaf in all {
            assert!(
                documented
                    .iter()
                    .any(|d| leaf == *d || leaf.starts_with(&format!("{d}."))),
                "{leaf} has no `# {leaf} -- ...` comment in values.yaml"
            );
        }
    }
}
