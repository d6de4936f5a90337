//! Diff: compares two manifest streams object by object (kind/namespace/name): added,
//! removed, and changed objects with a unified diff of each, plus a summary.

use crate::emit;
use crate::parse::Document;
use serde::Serialize;
use similar::TextDiff;
use std::collections::BTreeMap;

/// One object's change.
#[derive(Debug, Serialize, PartialEq)]
pub struct Change {
    pub object: String,
    pub change: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub diff: String,
}

/// The comparison of two streams.
#[derive(Debug, Serialize)]
pub struct Report {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub changes: Vec<Change>,
}

impl Report {
    pub fn differs(&self) -> bool {
        self.added + self.removed + self.changed > 0
    }

    /// Human form: each change, then the summary line.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.changes {
            let mark = match c.change {
                "added" => '+',
                "removed" => '-',
                _ => '~',
            };
            s.push_str(&format!("{mark} {} ({})\n", c.object, c.change));
            s.push_str(&c.diff);
        }
        s.push_str(&format!(
            "{} added, {} removed, {} changed, {} unchanged\n",
            self.added, self.removed, self.changed, self.unchanged
        ));
        s
    }
}

fn key(d: &Document) -> String {
    let ns = d.str_at("/metadata/namespace");
    let ns = if ns.is_empty() { "-" } else { ns };
    format!("{}/{}/{}", d.kind(), ns, d.name())
}

fn yaml(d: &Document) -> String {
    emit::to_yaml(&d.value).unwrap_or_default()
}

/// Compares `old` with `new`.
pub fn compare(old: &[Document], new: &[Document]) -> Report {
    let o: BTreeMap<String, &Document> = old.iter().map(|d| (key(d), d)).collect();
    let n: BTreeMap<String, &Document> = new.iter().map(|d| (key(d), d)).collect();
    let mut r = Report {
        added: 0,
        removed: 0,
        changed: 0,
        unchanged: 0,
        changes: Vec::new(),
    };
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        match (o.get(k), n.get(k)) {
            (Some(a), Some(b)) if a.value == b.value => r.unchanged += 1,
            (Some(a), Some(b)) => {
                r.changed += 1;
                let (ya, yb) = (yaml(a), yaml(b));
                let diff = TextDiff::from_lines(&ya, &yb)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("old/{k}"), &format!("new/{k}"))
                    .to_string();
                r.changes.push(Change {
                    object: k.clone(),
                    change: "changed",
                    diff,
                });
            }
            (None, Some(_)) => {
                r.added += 1;
                r.changes.push(Change {
                    object: k.clone(),
                    change: "added",
                    diff: String::new(),
                });
            }
            (Some(_), None) => {
                r.removed += 1;
                r.changes.push(Change {
                    object: k.clone(),
                    change: "removed",
                    diff: String::new(),
                });
            }
            (None, None) => {}
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(kind: &str, name: &str, replicas: i64) -> Document {
        Document {
            template: "t".into(),
            value: json!({"kind": kind, "metadata": {"name": name, "namespace": "ns"}, "spec": {"replicas": replicas}}),
        }
    }

    #[test]
    fn same_changed_added_removed() {
        let old = vec![
            doc("Deployment", "a", 1),
            doc("Service", "s", 1),
            doc("ConfigMap", "gone", 1),
        ];
        let new = vec![
            doc("Deployment", "a", 2),
            doc("Service", "s", 1),
            doc("Secret", "new", 1),
        ];
        let r = compare(&old, &new);
        assert_eq!((r.added, r.removed, r.changed, r.unchanged), (1, 1, 1, 1));
        let changed = r.changes.iter().find(|c| c.change == "changed").unwrap();
        assert!(
            changed.diff.contains("-  replicas: 1\n+  replicas: 2"),
            "{}",
            changed.diff
        );
        assert!(!compare(&old, &old).differs());
    }
}
