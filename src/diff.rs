//! Diff: compares two manifest streams object by object (kind/namespace/name): added,
//! removed, and changed objects with a unified diff of each, the upgrade preflight
//! (src/preflight.rs), plus a summary. Secret
//! values are masked the way helm-diff does it: which keys changed, never to what,
//! unless the caller asks to see them.

use crate::emit;
use crate::parse::At;
use crate::parse::Document;
use crate::preflight::{self, Preflight};
use serde::Serialize;
use serde_json::Value;
use similar::TextDiff;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

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
    /// Changes the API server refuses in place, and data migrations.
    pub preflight: Preflight,
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
        s.push_str(&self.preflight.text());
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

/// What a masked Secret value shows in place of the value.
const HIDDEN_SAME: &str = "(hidden; unchanged)";
const HIDDEN_OLD: &str = "(hidden; old value)";
const HIDDEN_NEW: &str = "(hidden; new value)";

/// The annotation in which `kubectl apply` keeps a copy of the whole object (with the
/// Secret's data).
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Masks every Secret in `v` (the object itself, or the items of a `kind: List`, at any
/// depth): each `data`/`stringData` value becomes a marker — the same marker where `other`
/// (the other side, at the same place) has the same value — and kubectl's last-applied
/// copy is hidden.
fn mask_secrets(v: &mut Value, other: Option<&Value>, mark: &str) {
    // `List`, `SecretList` and every other `*List` kind carry their objects in `items`.
    if v.get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && let Some(items) = v.get_mut("items").and_then(Value::as_array_mut)
    {
        for (n, item) in items.iter_mut().enumerate() {
            let o = other.and_then(|o| o.get("items")).and_then(|i| i.get(n));
            mask_secrets(item, o, mark);
        }
        return;
    }
    let kind = v.get("kind").and_then(Value::as_str);
    // Items of a SecretList may omit their kind.
    if kind != Some("Secret") && !(kind.is_none() && mark_items_as_secrets(v)) {
        return;
    }
    for field in ["data", "stringData"] {
        let theirs = other.and_then(|o| o.get(field));
        let Some(mine) = v.get_mut(field) else {
            continue;
        };
        let masked = match &*mine {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| {
                        let same = theirs.and_then(|t| t.get(k)) == Some(x);
                        (
                            k.clone(),
                            Value::from(if same { HIDDEN_SAME } else { mark }),
                        )
                    })
                    .collect(),
            ),
            other_shape => Value::from(if Some(other_shape) == theirs {
                HIDDEN_SAME
            } else {
                mark
            }),
        };
        *mine = masked;
    }
    if let Some(a) = v
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
        && let Some(x) = a.get_mut(LAST_APPLIED)
    {
        let same = other
            .and_then(|o| o.at("/metadata/annotations"))
            .and_then(|o| o.get(LAST_APPLIED))
            == Some(&*x);
        *x = Value::from(if same { HIDDEN_SAME } else { mark });
    }
}

/// An object without a kind is treated as a Secret when it has Secret fields.
fn mark_items_as_secrets(v: &Value) -> bool {
    v.get("data").is_some() || v.get("stringData").is_some()
}

/// Masks the credentials other objects hold in plain sight, at any depth: the value of an
/// environment variable (a `name`/`value` pair) whose name is a credential's
/// (`MLFLOW_TRACKING_PASSWORD`, `API_TOKEN`), and the argument after a flag that is one
/// (`--client-secret X`; `--client-secret=X` is masked in the text). Markers as in
/// [`mask_secrets`], by the value at the same place on the other side.
fn mask_credentials(v: &mut Value, other: Option<&Value>, mark: &str) {
    let marker = |mine: &Value, theirs: Option<&Value>| {
        Value::from(if theirs == Some(mine) {
            HIDDEN_SAME
        } else {
            mark
        })
    };
    match v {
        Value::Object(m) => {
            // A key written `NAME=value` under a credential's name (a Secret's key or an
            // annotation typed as in a `.env` file) holds the value: cut at its `=`.
            let pair_key = crate::redact::pair_key;
            if m.keys().any(|k| pair_key(k).is_some()) {
                *m = std::mem::take(m)
                    .into_iter()
                    .map(|(k, x)| (pair_key(&k).unwrap_or(k), x))
                    .collect();
            }
            // A `name`/`value` pair (an environment variable), or a `key`/`value` one
            // (a CI variable, a custom resource's settings list).
            let credential = m.iter().any(|(id, n)| {
                matches!(
                    id.to_ascii_lowercase().as_str(),
                    "name" | "key" | "type" | "id" | "parameter" | "field" | "label" | "variable"
                ) && n.as_str().is_some_and(|n| {
                    crate::redact::credential_name(n) && !crate::redact::about_credential(n)
                })
            });
            for (k, x) in m.iter_mut() {
                let theirs = other.and_then(|o| o.get(k));
                // A text under a credential's key (`password: |` in a ConfigMap's data),
                // not a reference to one (`secretName`, `secretKeyRef`).
                let lower = k.to_ascii_lowercase();
                // The chart's own annotation lists Secret names, not credentials.
                // Nor a setting about a credential (`tokenTTL`, `existingSecret`).
                let credential_key = crate::redact::credential_name(k)
                    && !crate::redact::about_credential(k)
                    && k != crate::validate::SECRETS_OUTSIDE_ANNOTATION
                    && !lower.ends_with("name")
                    && !lower.ends_with("ref")
                    && match &*x {
                        // A password may be written as a number.
                        Value::String(_) | Value::Number(_) => true,
                        Value::Array(a) => a.iter().all(Value::is_string),
                        _ => false,
                    };
                // A Secret's value is masked already (as unchanged, when it is): kept.
                let masked_already = x
                    .as_str()
                    .is_some_and(|t| [HIDDEN_SAME, HIDDEN_OLD, HIDDEN_NEW, mark].contains(&t));
                // A Kubernetes name (`secretName`, `claimName`) names an object; it holds
                // no credential. Not `passwordName` or `tokenName`, which may hold one.
                // One holding '=' is none: it is a pair (`name: DB_PASSWORD=x`, an
                // environment variable written as in a `.env` file), read as text.
                let object_name =
                    x.as_str().is_some_and(|s| !s.contains('=')) && object_name_key(k);
                if masked_already || object_name {
                    continue;
                }
                // A map or list under a credential's key (`credentials: [{type:
                // password, value: …}]`, `apiKeys: {prod: …}`, `password: {value: …}`):
                // every text and number in it, but references by name.
                // An `auth:` map is a section of settings, read key by key.
                let credential_tree = crate::redact::credential_name(k)
                    && k != crate::validate::SECRETS_OUTSIDE_ANNOTATION
                    && !lower.ends_with("name")
                    && !lower.ends_with("ref")
                    && !crate::redact::about_credential(k)
                    && (x.is_object() || x.is_array())
                    && !(x.is_object() && crate::redact::auth_section(k))
                    && !crate::redact::names_a_reference(x);
                let value_key = matches!(
                    lower.as_str(),
                    "value" | "val" | "data" | "default" | "text"
                );
                if credential_key || (credential && value_key && (x.is_string() || x.is_number())) {
                    *x = marker(x, theirs);
                } else if credential_tree {
                    mask_leaves(x, theirs, mark, true);
                } else if credential && value_key && !x.is_null() {
                    // The value of a credential's pair given as a list or map (the wrong
                    // type for an environment variable, which `values` still prints):
                    // every text and number in it, names too.
                    mask_leaves(x, theirs, mark, false);
                } else {
                    mask_credentials(x, theirs, mark);
                }
            }
        }
        Value::Array(items) => {
            let mut after_flag = false;
            for (n, x) in items.iter_mut().enumerate() {
                let theirs = other.and_then(|o| o.get(n));
                match x.as_str() {
                    Some(s) if after_flag && !s.starts_with('-') => *x = marker(x, theirs),
                    _ => mask_credentials(x, theirs, mark),
                }
                after_flag = x.as_str().is_some_and(|s| {
                    s.starts_with('-')
                        && !s.contains('=')
                        && crate::redact::credential_name(s.trim_start_matches('-'))
                });
            }
        }
        // A text value (a ConfigMap's file, an argument) is masked as text before it is
        // quoted for YAML: once quoted, JSON's `"password": "x"` reads `\"password\": …`.
        Value::String(text) => {
            // A URI's query is masked only where it holds a credential: a plain one
            // (`auth-signin: https://…/start?rd=…`) is a setting, shown.
            let uris = if crate::redact::uri_credential(text) {
                crate::redact::uris(text)
            } else {
                std::borrow::Cow::Borrowed(text.as_str())
            };
            // A flag (`--cookie-secure=true`) or a plain URL is read as pairs only: hiding
            // it whole for a word in it would hide changes that matter.
            let single = !uris.contains('\n');
            let lines = if single
                && (uris.starts_with('-')
                    || (uris.starts_with("http") && !uris.contains(char::is_whitespace)))
            {
                std::borrow::Cow::Borrowed(uris.as_ref())
            } else {
                crate::redact::credential_lines(&uris)
            };
            let mut masked = crate::redact::flag_values(&crate::redact::pairs(&lines)).into_owned();
            if masked != *text {
                // Two different texts masked alike would show as an unchanged line: the
                // change is said with the marker instead.
                let theirs = other.and_then(Value::as_str);
                let alike = theirs.is_some_and(|t| t != text.as_str() && mask_text(t) == masked);
                if !alike
                    && let Some(t) = theirs
                    && t != text.as_str()
                    && masked.lines().count() == text.lines().count()
                {
                    // In a text of several lines, a masked line the other side does not
                    // have word for word changed: it carries the marker, so that it is not
                    // shown as an unchanged line beside the lines that did change.
                    let other_lines: std::collections::HashSet<&str> = t.lines().collect();
                    let mut out = String::with_capacity(masked.len());
                    for (orig, line) in text.split_inclusive('\n').zip(masked.split_inclusive('\n'))
                    {
                        let body = orig.trim_end_matches(['\n', '\r']);
                        if line != orig && !other_lines.contains(body) {
                            let indent = body.len() - body.trim_start().len();
                            out.push_str(&body[..indent]);
                            out.push_str(mark);
                            out.push_str(&orig[body.len()..]);
                        } else {
                            out.push_str(line);
                        }
                    }
                    masked = out;
                }
                *text = if alike { mark.to_string() } else { masked };
            }
        }
        _ => {}
    }
}

/// Is `key` one naming a Kubernetes object (`name`, `secretName`, `claimName`), not a
/// credential (`passwordName`, `tokenName`, `clientSecretName` may hold one)? Compared
/// in any case (the diff's lines are lowercased).
pub(crate) fn object_name_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let Some(stem) = lower.strip_suffix("name") else {
        return false;
    };
    // `tlsSecretName`, `passwordSecretName`: a Secret's name.
    matches!(stem, "" | "secret")
        || stem.ends_with("secret")
        || !crate::redact::credential_name(stem)
}

/// A text as [`mask_credentials`] masks it.
fn mask_text(text: &str) -> String {
    let mut v = Value::from(text);
    mask_credentials(&mut v, None, HIDDEN_OLD);
    match v {
        Value::String(s) => s,
        _ => String::new(),
    }
}

/// Every text and number under a credential's key masked (see [`mask_credentials`]),
/// but, with `keep_references`, those under a key naming a reference (`name`,
/// `secretName`, `secretKeyRef`).
fn mask_leaves(v: &mut Value, other: Option<&Value>, mark: &str, keep_references: bool) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let lower = k.to_ascii_lowercase();
                if !(keep_references && (lower.ends_with("name") || lower.ends_with("ref"))) {
                    mask_leaves(x, other.and_then(|o| o.get(k)), mark, keep_references);
                }
            }
        }
        Value::Array(items) => {
            for (n, x) in items.iter_mut().enumerate() {
                mask_leaves(x, other.and_then(|o| o.get(n)), mark, keep_references);
            }
        }
        Value::String(t) if [HIDDEN_SAME, HIDDEN_OLD, HIDDEN_NEW, mark].contains(&t.as_str()) => {}
        Value::String(_) | Value::Number(_) => {
            *v = Value::from(if other == Some(&*v) {
                HIDDEN_SAME
            } else {
                mark
            });
        }
        _ => {}
    }
}

/// An object, or a list of objects or arguments, with its Secret values and other
/// credentials replaced by `mark` (for values printed by `values`: `extraObjects`,
/// `extraEnv`, `MLFlow.extraArgs`, …).
pub fn mask_object(v: &mut Value, mark: &str) {
    // Credentials first: the marker Secrets get is text the text masker would read.
    mask_credentials(v, None, mark);
    match v {
        Value::Array(items) => items.iter_mut().for_each(|x| mask_secrets(x, None, mark)),
        _ => mask_secrets(v, None, mark),
    }
}

/// The two sides of a changed object with Secret values and other credentials masked
/// (see [`mask_secrets`] and [`mask_credentials`]).
fn masked(a: &Document, b: &Document) -> (Value, Value) {
    let (mut va, mut vb) = (a.value.clone(), b.value.clone());
    mask_secrets(&mut va, Some(&b.value), HIDDEN_OLD);
    mask_secrets(&mut vb, Some(&a.value), HIDDEN_NEW);
    mask_credentials(&mut va, Some(&b.value), HIDDEN_OLD);
    mask_credentials(&mut vb, Some(&a.value), HIDDEN_NEW);
    (va, vb)
}

/// The API group of an apiVersion (`apps/v1`: `apps`; `v1`: the core group, "").
fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Which kinds outside the built-in types live in a namespace, by (group, kind), as far
/// as the two sides tell: a CustomResourceDefinition's `spec.scope` in either, the custom
/// resources the chart renders, and otherwise a kind of which some object in either side
/// names a namespace.
fn custom_scopes(sides: [&[Document]; 2]) -> BTreeMap<(String, String), bool> {
    let mut scopes: BTreeMap<(String, String), bool> = [
        ("gateway.networking.k8s.io", "HTTPRoute"),
        ("monitoring.coreos.com", "ServiceMonitor"),
        ("monitoring.coreos.com", "PodMonitor"),
        ("monitoring.coreos.com", "PrometheusRule"),
    ]
    .into_iter()
    .map(|(g, k)| ((g.to_string(), k.to_string()), true))
    .collect();
    let expanded: Vec<_> = sides
        .iter()
        .map(|s| crate::validate::expand_lists(s))
        .collect();
    let all = || expanded.iter().flat_map(|s| s.iter());
    for d in all().filter(|d| d.kind() == "CustomResourceDefinition") {
        let (g, k) = (d.str_at("/spec/group"), d.str_at("/spec/names/kind"));
        match d.str_at("/spec/scope") {
            "Namespaced" => scopes.insert((g.into(), k.into()), true),
            "Cluster" => scopes.insert((g.into(), k.into()), false),
            _ => None,
        };
    }
    for d in all().filter(|d| !d.str_at("/metadata/namespace").is_empty()) {
        scopes
            .entry((group(d.api_version()).into(), d.kind().into()))
            .or_insert(true);
    }
    scopes
}

/// `d` in the namespace `kubectl apply -n namespace` puts it in: a namespaced object
/// without `metadata.namespace` gets `namespace` (kubectl's `Visit` with
/// `NamespaceParam(...).DefaultNamespace()`, staging/src/k8s.io/cli-runtime/pkg/resource/
/// visitor.go `SetNamespace`: only where the REST mapping's scope is namespaced), so it is
/// the same object as one that names it; a cluster-scoped one, and one whose scope
/// neither the built-in types nor `scopes` tell, stays as it is.
fn placed<'a>(
    d: std::borrow::Cow<'a, Document>,
    namespace: &str,
    scopes: &BTreeMap<(String, String), bool>,
) -> std::borrow::Cow<'a, Document> {
    let (api_version, kind) = (d.api_version(), d.kind());
    let namespaced = crate::validate::typed::namespaced(api_version, kind).or_else(|| {
        scopes
            .get(&(group(api_version).to_string(), kind.to_string()))
            .copied()
    });
    let named = d
        .value
        .at("/metadata/namespace")
        .is_some_and(|n| !n.is_null());
    // A cluster-scoped object that names a namespace is stored without it (the API
    // server's rest.BeforeCreate/BeforeUpdate, staging/src/k8s.io/apiserver/pkg/registry/
    // rest/create.go: `SetNamespace(metav1.NamespaceNone)` when the strategy is not
    // NamespaceScoped): the same object as one that names none.
    let strip = namespaced == Some(false) && named;
    // A namespace that is not a string is refused by the caller, as it is.
    let fill = !named && namespaced == Some(true);
    if !(strip || fill) {
        return d;
    }
    let mut d = d;
    if let Some(meta) = d
        .to_mut()
        .value
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
    {
        if strip {
            meta.shift_remove("namespace");
        } else {
            meta.insert("namespace".into(), Value::from(namespace));
        }
    }
    d
}

/// The objects of one side of a diff as kubectl would apply them with `-n namespace`:
/// the items of each `kind: List` (`render -o json`) as objects of their own, each with a
/// kind, a name and a string namespace (a namespaced object without one is in
/// `namespace`; `other` is the other side, whose custom resource definitions and objects
/// tell which custom kinds are namespaced), and no object defined twice in two different
/// ways (the same definition twice counts once). Each problem names the source and the
/// object.
pub fn objects(
    docs: &[Document],
    other: &[Document],
    namespace: &str,
) -> Result<Vec<Document>, Vec<String>> {
    let scopes = custom_scopes([docs, other]);
    let expanded = crate::validate::expand_lists(docs);
    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<Document> = Vec::with_capacity(expanded.len());
    for (i, d) in expanded.iter().enumerate() {
        let at = format!("{}: object {} ({})", d.template, i + 1, d.id());
        // An empty namespace is none (kubectl applies both to its context's namespace).
        let mut d = std::borrow::Cow::Borrowed(d);
        if d.value.at("/metadata/namespace") == Some(&Value::String(String::new()))
            && let Some(meta) = d
                .to_mut()
                .value
                .get_mut("metadata")
                .and_then(Value::as_object_mut)
        {
            meta.shift_remove("namespace");
        }
        let d = placed(d, namespace, &scopes);
        let d = d.as_ref();
        let namespace = d.value.at("/metadata/namespace");
        if d.kind().is_empty() {
            problems.push(format!("{at}: no kind: every object needs one"));
        } else if d.name().is_empty() {
            problems.push(format!(
                "{at}: no metadata.name: diff compares objects by kind, namespace and name"
            ));
        } else if namespace.is_some_and(|n| !n.is_null() && !n.is_string()) {
            problems.push(format!(
                "{at}: metadata.namespace is not a string (quote it: an unquoted y, n, yes, no, on or off is a boolean to YAML 1.1 readers)"
            ));
        } else {
            match seen.entry(key(d)) {
                Entry::Occupied(j) if out[*j.get()].value == d.value => {}
                Entry::Occupied(_) => problems.push(format!(
                    "{at}: defined twice, differently; the API server would keep only the last one applied"
                )),
                Entry::Vacant(slot) => {
                    slot.insert(out.len());
                    out.push(d.clone());
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Compares `old` with `new`; Secret values are masked unless `show_secrets`.
pub fn compare(old: &[Document], new: &[Document], show_secrets: bool) -> Report {
    let o: BTreeMap<String, &Document> = old.iter().map(|d| (key(d), d)).collect();
    let n: BTreeMap<String, &Document> = new.iter().map(|d| (key(d), d)).collect();
    let mut r = Report {
        added: 0,
        removed: 0,
        changed: 0,
        unchanged: 0,
        changes: Vec::new(),
        preflight: preflight::check(&o, &n),
    };
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        match (o.get(k), n.get(k)) {
            // The same as the API server compares them (8Gi = 8192Mi, `{}` = absent): the
            // apply changes nothing.
            (Some(a), Some(b))
                if a.value == b.value
                    || preflight::semantic(&a.value) == preflight::semantic(&b.value) =>
            {
                r.unchanged += 1
            }
            (Some(a), Some(b)) => {
                r.changed += 1;
                let (ya, yb) = if !show_secrets {
                    let (ma, mb) = masked(a, b);
                    let y = |v: &Value| {
                        let y = emit::to_yaml(v).unwrap_or_default();
                        // Line by line (a quoted value ends at its line anyway): the chart's
                        // annotation of Secret names is a `name: value` pair whose name says
                        // "secrets", and lists names, not credentials.
                        y.split_inclusive('\n')
                            .map(|line| {
                                let annotation =
                                    format!("{}: ", crate::validate::SECRETS_OUTSIDE_ANNOTATION);
                                // A Kubernetes name (`secretName: db-creds`) names an
                                // object and holds no credential: masked, a changed one
                                // would show as an unchanged line.
                                let key = line
                                    .trim_start()
                                    .trim_start_matches("- ")
                                    .split_once(": ")
                                    .map(|(k, _)| k.to_ascii_lowercase());
                                let object_name = key.is_some_and(|k| {
                                    !k.contains(char::is_whitespace) && object_name_key(&k)
                                });
                                // A URI's credentials (a plain query is a setting).
                                let line = if crate::redact::uri_credential(line) {
                                    crate::redact::uris(line)
                                } else {
                                    std::borrow::Cow::Borrowed(line)
                                };
                                if line.trim_start().starts_with(&annotation) || object_name {
                                    line.into_owned()
                                } else {
                                    crate::redact::pairs(&line).into_owned()
                                }
                            })
                            .collect::<String>()
                    };
                    (y(&ma), y(&mb))
                } else {
                    (yaml(a), yaml(b))
                };
                let diff = if ya == yb {
                    // Only masked values differ: say so, without them.
                    "  (a masked credential changed; --show-secrets shows it)\n".to_string()
                } else {
                    TextDiff::from_lines(&ya, &yb)
                        .unified_diff()
                        .context_radius(3)
                        .header(&format!("old/{k}"), &format!("new/{k}"))
                        .to_string()
                };
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
        let r = compare(&old, &new, false);
        assert_eq!((r.added, r.removed, r.changed, r.unchanged), (1, 1, 1, 1));
        let changed = r.changes.iter().find(|c| c.change == "changed").unwrap();
        assert!(
            changed.diff.contains("-  replicas: 1\n+  replicas: 2"),
            "{}",
            changed.diff
        );
        assert!(!compare(&old, &old, false).differs());
    }

    #[test]
    fn secret_values_are_masked_unless_asked() {
        let secret = |pw: &str, user: &str| Document {
            template: "t".into(),
            value: json!({"kind": "Secret", "metadata": {"name": "s"},
                "data": {"password": pw, "user": user}, "stringData": {"token": pw}}),
        };
        let old = vec![secret("T0xEU0VDUkVU", "dXNlcg==")];
        let new = vec![secret("TkVXU0VDUkVU", "dXNlcg==")];
        let r = compare(&old, &new, false);
        assert_eq!(r.changed, 1);
        let d = &r.changes[0].diff;
        assert!(
            !d.contains("T0xEU0VDUkVU") && !d.contains("TkVXU0VDUkVU") && !d.contains("dXNlcg=="),
            "{d}"
        );
        assert!(d.contains("-  password: (hidden; old value)"), "{d}");
        assert!(d.contains("+  password: (hidden; new value)"), "{d}");
        assert!(d.contains("  user: (hidden; unchanged)"), "{d}");
        // Inside a List, with non-map data, and in kubectl's last-applied copy.
        let list = |pw: &str| Document {
            template: "t".into(),
            value: json!({"kind": "List", "metadata": {"name": "l"}, "items": [
                {"kind": "Secret", "metadata": {"name": "s", "annotations": {LAST_APPLIED: pw}},
                 "data": pw, "stringData": {"a": pw}}]}),
        };
        let r = compare(&[list("T0xEU0VDUkVU")], &[list("TkVXU0VDUkVU")], false);
        let d = &r.changes[0].diff;
        assert!(
            !d.contains("T0xEU0VDUkVU") && !d.contains("TkVXU0VDUkVU"),
            "{d}"
        );
        let shown = compare(&old, &new, true);
        assert!(shown.changes[0].diff.contains("TkVXU0VDUkVU"));
        // An unchanged credential-named key stays unchanged when something else changes.
        let labelled = |v: &str| Document {
            template: "t".into(),
            value: json!({"kind": "Secret", "metadata": {"name": "s", "labels": {"v": v}},
                "stringData": {"password": "SAME", "api-key": "SAME2"}}),
        };
        let r = compare(&[labelled("1")], &[labelled("2")], false);
        let d = &r.changes[0].diff;
        assert!(
            d.contains("  password: (hidden; unchanged)")
                && d.contains("  api-key: (hidden; unchanged)")
                && !d.contains("(hidden; new value)")
                && !d.contains("SAME"),
            "{d}"
        );
    }

    /// A credential line that changed inside a text of several lines carries the
    /// markers, never the look of an unchanged line; one the same on both sides stays
    /// context; settings and plain query strings are shown (found by an independent
    /// re-attack).
    #[test]
    fn changed_credential_lines_in_a_text_are_marked() {
        let cm = |ini: &str, ttl: &str| Document {
            template: "t".into(),
            value: json!({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "ns"},
                "data": {"app.ini": ini, "tokenTTL": ttl,
                "signin": "https://auth.example.org/oauth2/start?rd=/x"}}),
        };
        let r = compare(
            &[cm(
                "[db]\nuser = u\npassword = AAA1\napi_key = SAME\nx = 1\n",
                "10m",
            )],
            &[cm(
                "[db]\nuser = u\npassword = BBB2\napi_key = SAME\nx = 2\n",
                "20m",
            )],
            false,
        );
        let d = &r.changes[0].diff;
        assert!(
            !d.contains("AAA1") && !d.contains("BBB2") && !d.contains("SAME"),
            "{d}"
        );
        assert!(
            d.contains(&format!("-    {HIDDEN_OLD}")) && d.contains(&format!("+    {HIDDEN_NEW}")),
            "{d}"
        );
        assert!(
            d.contains("\n     …\n"),
            "the unchanged api_key line is context: {d}"
        );
        assert!(
            d.contains("-  tokenTTL: 10m") && d.contains("+  tokenTTL: 20m"),
            "{d}"
        );
        assert!(d.contains("rd=/x") || !d.contains("signin"), "{d}");
    }

    #[test]
    fn the_chart_annotation_of_secret_names_is_shown() {
        let annotated = |replicas: i64| Document {
            template: "t".into(),
            value: json!({"kind": "Deployment", "metadata": {"name": "m", "annotations": {
                crate::validate::SECRETS_OUTSIDE_ANNOTATION: "mlflow-crypto,mlflow-minio"}},
                "spec": {"replicas": replicas}}),
        };
        let r = compare(&[annotated(1)], &[annotated(2)], false);
        assert!(
            r.changes[0]
                .diff
                .contains("secrets-outside: mlflow-crypto,mlflow-minio"),
            "{}",
            r.changes[0].diff
        );
    }
}
