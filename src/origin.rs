//! Which values key a problem found in a rendered object came from, so that a refusal
//! made after rendering (validation, the Pod Security Standard, gated fields) names the
//! key path and where it was written (file:line or flag), as the values check does.
//!
//! Runs only on the way to an error. A key is named only when it can be told: a node the
//! user wrote and the object holds unchanged (`tolerations`, an `extraEnv` item, a scalar
//! of a merged `securityContext`), or else the user's map that the chart merged into the
//! node (`postgresql.securityContext`); never a key that two equal values could be.

use crate::locate::{KeyPath, Seg, lookup};
use crate::parse::Document;
use crate::values::{self, Computed};
use serde_json::Value;
use std::collections::BTreeMap;

/// The template that renders `extraObjects`.
pub const EXTRA_OBJECTS: &str = "extra-objects.yaml";

/// Most problems matched: matching is quadratic in what it compares, so a larger failure
/// is listed as it is.
const MOST_PROBLEMS: usize = 200;
/// Most values nodes compared.
const MOST_WRITTEN: usize = 5000;

/// The components whose own values are under a key of their name (`postgresql.*`, …).
const COMPONENTS: [&str; 3] = ["postgresql", "minio", "versitygw"];

/// A problem in one object, before it is listed.
pub struct Found<'p> {
    /// The template the object came from (`deployment.yaml`, [`EXTRA_OBJECTS`]).
    pub source: &'p str,
    /// `Kind/name`.
    pub object: &'p str,
    /// The field's path in the object (`spec.template.spec.tolerations[0].key`).
    pub path: &'p str,
    pub message: &'p str,
    /// The problem as a line (`source: Kind/name: path: message`).
    pub line: String,
}

/// The values the user wrote, to find the key a problem came from.
pub struct Origins<'c> {
    computed: &'c Computed,
    /// Every map, list and scalar the user wrote (not the chart's defaults, not inside
    /// extraObjects, which are objects of their own), with its key path.
    nodes: Vec<(KeyPath, &'c Value)>,
}

impl<'c> Origins<'c> {
    /// `None` when the user wrote too much to compare.
    pub fn new(computed: &'c Computed) -> Option<Origins<'c>> {
        let mut nodes = Vec::new();
        written(&computed.values, KeyPath::default(), computed, &mut nodes);
        (nodes.len() <= MOST_WRITTEN).then_some(Origins { computed, nodes })
    }

    /// Each problem line with, after it, the values key it came from and where that was
    /// written; a problem copied into several objects from one key is listed once, with
    /// the number of the other objects. `None` when no key could be told (list the
    /// problems as they are).
    pub fn annotate(&self, docs: &[Document], problems: &[Found]) -> Option<Vec<String>> {
        if problems.len() > MOST_PROBLEMS {
            return None;
        }
        let mut groups: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
        let mut lines: Vec<(&str, Option<(String, String)>)> = Vec::new();
        for p in problems {
            // An object defined twice, once by the chart and once in extraObjects: the
            // extraObjects item is the one to change.
            let duplicate = p.message.starts_with(crate::validate::semantic::DUPLICATE);
            let key = if p.source == EXTRA_OBJECTS || duplicate {
                self.of_extra_object(p.object, p.path, p.message)
            } else {
                None
            }
            .or_else(|| {
                docs.iter()
                    .find(|d| d.template == p.source && d.id() == p.object)
                    .filter(|d| d.template != EXTRA_OBJECTS)
                    .zip(KeyPath::parse(p.path))
                    .and_then(|(d, path)| self.of_chart_object(d, &path))
            });
            match key {
                Some(key) => {
                    let group = (key.to_string(), p.message.to_string());
                    let objects = groups.entry(group.clone()).or_default();
                    if objects.is_empty() {
                        lines.push((&p.line, Some(group)));
                    }
                    if !objects.contains(&p.object) {
                        objects.push(p.object);
                    }
                }
                None => lines.push((&p.line, None)),
            }
        }
        if groups.is_empty() {
            return None;
        }
        Some(
            lines
                .into_iter()
                .map(|(line, group)| match group {
                    None => line.to_string(),
                    Some(group) => {
                        let key = KeyPath::parse(&group.0).unwrap_or_default();
                        let also = match groups[&group].len() - 1 {
                            0 => String::new(),
                            1 => "; the same in 1 more object".to_string(),
                            n => format!("; the same in {n} more objects"),
                        };
                        format!("{line} ({} {}{also})", group.0, self.computed.origin(&key))
                    }
                })
                .collect(),
        )
    }

    /// The values key a chart object's node at `path` came from.
    fn of_chart_object(&self, doc: &Document, path: &KeyPath) -> Option<KeyPath> {
        self.copied(doc, path)
            .or_else(|| self.merged(doc, path))
            .filter(|key| self.by_user(key))
    }

    /// The one values node equal to the object's node at `path` or at its nearest
    /// ancestor, under the same last key (an item: the same list key), of the object's
    /// component or of the top level, with the rest of the path; none when two such nodes
    /// are equal (which one was copied cannot be told), or when the path below it is not
    /// in the values.
    fn copied(&self, doc: &Document, path: &KeyPath) -> Option<KeyPath> {
        let own = own_component(doc);
        for depth in (1..=path.0.len()).rev() {
            let at = KeyPath(path.0[..depth].to_vec());
            let Some(node) = lookup(&doc.value, &at) else {
                continue;
            };
            // The key naming the node (for a list item, its list's key).
            let name = at.0.iter().rev().find_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            })?;
            let item = matches!(at.0.last(), Some(Seg::Index(_)));
            let pod_level = at.0.len() >= 2
                && at.0[at.0.len() - 2] == Seg::Key("spec".into())
                && name == "securityContext";
            let matches: Vec<&KeyPath> = self
                .nodes
                .iter()
                .filter(|(k, v)| {
                    *v == node
                        && matches!(k.0.last(), Some(Seg::Index(_))) == item
                        && {
                            let key_of = if item {
                                KeyPath(k.0[..k.0.len() - 1].to_vec())
                            } else {
                                k.clone()
                            };
                            object_key(&key_of, pod_level) == Some(name)
                        }
                        && match k.0.first() {
                            // Another component's own keys never reach this object.
                            Some(Seg::Key(top)) if COMPONENTS.contains(&top.as_str()) => {
                                own == Some(top.as_str())
                            }
                            _ => true,
                        }
                })
                .map(|(k, _)| k)
                .collect();
            match matches.as_slice() {
                [] => continue,
                [one] => {
                    let mut key = (*one).clone();
                    key.0.extend(path.0[depth..].iter().cloned());
                    return lookup(&self.computed.values, &key).is_some().then_some(key);
                }
                _ => return None,
            }
        }
        None
    }

    /// A node the chart merges the user's map into (a pod's or a container's
    /// `securityContext`, a pod template's annotations): the deepest key below that map
    /// the user wrote on the problem's path, else the map itself.
    fn merged(&self, doc: &Document, path: &KeyPath) -> Option<KeyPath> {
        let prefix = values_prefix(doc)?;
        let segs = &path.0;
        let key = |i: usize| match segs.get(i) {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        // The deepest merged node on the path, and the values key it is merged from.
        let (end, merged_from) = (0..segs.len()).rev().find_map(|i| {
            let from = match (key(i)?, i.checked_sub(1).and_then(key)) {
                ("securityContext", Some("spec")) => "podSecurityContext",
                ("securityContext", _)
                    if i >= 2
                        && matches!(segs[i - 1], Seg::Index(_))
                        && matches!(key(i - 2), Some("containers" | "initContainers")) =>
                {
                    "securityContext"
                }
                ("annotations", Some("metadata"))
                    if i >= 2 && matches!(key(i - 2), Some("template")) =>
                {
                    "podAnnotations"
                }
                _ => return None,
            };
            Some((i, from))
        })?;
        let base = prefix.key(merged_from);
        let mut at = base.clone();
        at.0.extend(segs[end + 1..].iter().cloned());
        while at.0.len() > base.0.len() && !self.by_user(&at) {
            at.0.pop();
        }
        Some(at)
    }

    /// The values key of an extraObjects object's field: the one item of that kind and
    /// name (a List's item under its `items`), with the problem's path below it, as deep
    /// as the values hold it (a field a default filled in is not written there). Of an
    /// object defined twice, the later definition.
    fn of_extra_object(&self, object: &str, path: &str, message: &str) -> Option<KeyPath> {
        let values = &self.computed.values;
        let list = lookup(values, &KeyPath::default().key("extraObjects"))?.as_array()?;
        let id = crate::parse::object_id;
        let mut found = Vec::new();
        for (i, o) in list.iter().enumerate() {
            let at = KeyPath::default().key("extraObjects").index(i);
            if id(o) == object {
                found.push(at.clone());
            }
            let items = o.get("items").and_then(Value::as_array);
            for (j, item) in items.into_iter().flatten().enumerate() {
                if id(item) == object {
                    found.push(at.clone().key("items").index(j));
                }
            }
        }
        let one = match found.as_slice() {
            [one] => one,
            [.., last] if message.starts_with(crate::validate::semantic::DUPLICATE) => last,
            _ => return None,
        };
        let mut key = one.clone();
        key.0.extend(KeyPath::parse(path)?.0);
        while lookup(values, &key).is_none() && key.0.len() > one.0.len() {
            key.0.pop();
        }
        Some(key)
    }

    /// Did the user write the value at `key` (a values file or a flag)?
    fn by_user(&self, key: &KeyPath) -> bool {
        lookup(&self.computed.values, key).is_some()
            && matches!(
                self.computed.provenance(key),
                values::Provenance::Flag(_) | values::Provenance::File(_)
            )
    }
}

/// Every map, list and scalar under `at` that the user wrote, outside extraObjects.
fn written<'v>(
    v: &'v Value,
    at: KeyPath,
    computed: &Computed,
    out: &mut Vec<(KeyPath, &'v Value)>,
) {
    if out.len() > MOST_WRITTEN || at.0.first() == Some(&Seg::Key("extraObjects".into())) {
        return;
    }
    let user =
        !at.0.is_empty() && !matches!(computed.provenance(&at), values::Provenance::Defaults(..));
    match v {
        Value::Object(m) => {
            if user && !m.is_empty() {
                out.push((at.clone(), v));
            }
            for (k, x) in m {
                written(x, at.key(k), computed, out);
            }
        }
        Value::Array(a) => {
            if user && !a.is_empty() {
                out.push((at.clone(), v));
            }
            for (i, x) in a.iter().enumerate() {
                written(x, at.index(i), computed, out);
            }
        }
        _ if user => out.push((at, v)),
        _ => {}
    }
}

/// The object's component when its values are under a key of its name.
fn own_component(doc: &Document) -> Option<&str> {
    let c = doc.str_at("/metadata/labels/app.kubernetes.io~1component");
    COMPONENTS.contains(&c).then_some(c)
}

/// Where the values of the object's component are: the top level for MLflow's pods, a key
/// of its own for PostgreSQL, MinIO and the gateway; none for the others (their pods take
/// no merged user map).
fn values_prefix(doc: &Document) -> Option<KeyPath> {
    match doc.str_at("/metadata/labels/app.kubernetes.io~1component") {
        "tracking" | "scheduler" => Some(KeyPath::default()),
        c if COMPONENTS.contains(&c) => Some(KeyPath::default().key(c)),
        _ => None,
    }
}

/// The object field a values key's node is copied into: its last key, a list of extra
/// items being the pod's list (`extraVolumes` → `volumes`), `podSecurityContext` the
/// pod's `securityContext`.
fn object_key(key: &KeyPath, pod_level: bool) -> Option<&str> {
    let Some(Seg::Key(k)) = key.0.last() else {
        return None;
    };
    Some(match k.as_str() {
        "podSecurityContext" if pod_level => "securityContext",
        "extraEnv" => "env",
        "extraEnvFrom" => "envFrom",
        "extraVolumes" => "volumes",
        "extraVolumeMounts" => "volumeMounts",
        "extraContainers" => "containers",
        "extraInitContainers" => "initContainers",
        other => other,
    })
}
