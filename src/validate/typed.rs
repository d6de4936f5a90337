//! The typed table: (apiVersion, kind) -> k8s-openapi struct, and the strict decode that
//! finds wrong types (typed decode), unknown fields (in the input, not in the round-trip)
//! and missing required fields (in the round-trip, not in the input).
//!
//! k8s-openapi's own deserializers ignore unknown keys and default missing required
//! fields, so the decode alone would accept `contianers:`; the round-trip diff catches it.

use crate::locate::{KeyPath, Seg};
use crate::parse::At;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One schema-level problem: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedProblem {
    pub path: KeyPath,
    pub message: String,
}

/// Outcome of looking a document up in the table.
pub enum Checked {
    /// Validated; the problems (possibly none).
    Done(Vec<TypedProblem>),
    /// No typed struct for this (apiVersion, kind).
    Unknown,
}

pub(crate) type CheckFn = fn(&Value) -> Vec<TypedProblem>;

/// Builds the table from a list of k8s-openapi types: each row's apiVersion and kind are
/// the type's own `Resource` constants.
macro_rules! table {
    ($($t:ty),* $(,)?) => {
        /// Every (apiVersion, kind) we validate, keyed by k8s-openapi's own constants.
        pub(crate) const TABLE: &[(&str, &str, super::CheckFn)] = &[
            $((<$t as k8s_openapi::Resource>::API_VERSION, <$t as k8s_openapi::Resource>::KIND, super::check_as::<$t>)),*
        ];
        /// Whether each (apiVersion, kind) lives in a namespace (k8s-openapi's scope of it;
        /// a subresource such as Scale counts as not).
        pub(crate) const SCOPES: &[(&str, &str, bool)] = &[
            $((<$t as k8s_openapi::Resource>::API_VERSION, <$t as k8s_openapi::Resource>::KIND, <<$t as k8s_openapi::Resource>::Scope as super::Scope>::NAMESPACED)),*
        ];
        /// The same table checking every document the slow way (for the tests).
        #[cfg(test)]
        pub(crate) const DIFFED: &[(&str, &str, super::CheckFn)] = &[
            $((<$t as k8s_openapi::Resource>::API_VERSION, <$t as k8s_openapi::Resource>::KIND, super::check_diffed::<$t>)),*
        ];
    };
}

/// The list of types, generated from the k8s-openapi source (see its test).
mod kinds;
pub(crate) mod quantities;
mod same;
use kinds::TABLE;

/// A k8s-openapi resource scope, as a constant.
trait Scope {
    const NAMESPACED: bool;
}
impl Scope for k8s_openapi::NamespaceResourceScope {
    const NAMESPACED: bool = true;
}
impl Scope for k8s_openapi::ClusterResourceScope {
    const NAMESPACED: bool = false;
}
impl Scope for k8s_openapi::SubResourceScope {
    const NAMESPACED: bool = false;
}

/// Does this built-in (apiVersion, kind) live in a namespace? `None` when it is not a
/// built-in type.
pub fn namespaced(api_version: &str, kind: &str) -> Option<bool> {
    kinds::SCOPES
        .iter()
        .find(|(a, k, _)| *a == api_version && *k == kind)
        .map(|(_, _, n)| *n)
}

/// Is this (apiVersion, kind) a built-in type we decode?
pub fn is_builtin(api_version: &str, kind: &str) -> bool {
    TABLE
        .iter()
        .any(|(a, k, _)| *a == api_version && *k == kind)
}

/// The apiVersions that serve `kind` (built-in types only), in table order.
pub fn served_as(kind: &str) -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|(_, k, _)| *k == kind)
        .map(|(a, _, _)| *a)
        .collect()
}

/// The API groups of the built-in types ("" is the core group).
pub fn builtin_groups() -> std::collections::BTreeSet<&'static str> {
    TABLE
        .iter()
        .map(|(a, _, _)| a.rsplit_once('/').map_or("", |(g, _)| g))
        .collect()
}

/// Validates one document against its typed struct.
pub fn check(doc: &Value) -> Checked {
    let api = doc.text("apiVersion");
    let kind = doc.text("kind");
    match TABLE.iter().find(|(a, k, _)| *a == api && *k == kind) {
        Some((_, _, f)) => Checked::Done(f(&as_the_server_reads(doc, kind))),
        None => Checked::Unknown,
    }
}

/// The document as the API server decodes it: kubectl sends `1.0` and `1e3` as the JSON
/// integers 1 and 1000, and a few required fields have server-side defaults
/// (`SetDefaults_Job`: an onPodConditions entry's status is "True"; a PriorityClass's
/// missing value is 0). Base64 is read as Go reads it in `check_typed`.
fn as_the_server_reads<'a>(doc: &'a Value, kind: &str) -> std::borrow::Cow<'a, Value> {
    // Most documents need no change: no copy for them.
    if !matches!(
        kind,
        "Job" | "CronJob" | "PriorityClass" | "RoleBinding" | "ClusterRoleBinding"
    ) && !has_float(doc)
    {
        return std::borrow::Cow::Borrowed(doc);
    }
    let mut d = doc.clone();
    crate::values::integral_floats_to_ints(&mut d);
    let job_specs = ["/spec", "/spec/jobTemplate/spec"];
    if matches!(kind, "Job" | "CronJob") {
        for at in job_specs {
            let rules = d
                .pointer_mut(&format!("{at}/podFailurePolicy/rules"))
                .and_then(Value::as_array_mut);
            for r in rules.into_iter().flatten() {
                for c in r
                    .get_mut("onPodConditions")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Some(m) = c.as_object_mut() {
                        m.entry("status").or_insert_with(|| Value::from("True"));
                    }
                }
            }
        }
    }
    if kind == "PriorityClass"
        && let Some(m) = d.as_object_mut()
    {
        m.entry("value").or_insert_with(|| Value::from(0));
    }
    // SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding / SetDefaults_Subject
    // (pkg/apis/rbac/v1/defaults.go): the role's group, and a User's or Group's.
    if matches!(kind, "RoleBinding" | "ClusterRoleBinding") {
        const RBAC: &str = "rbac.authorization.k8s.io";
        let unset = |v: Option<&Value>| v.is_none_or(|g| g.is_null() || g == "");
        if let Some(Value::Object(r)) = d.get_mut("roleRef")
            && unset(r.get("apiGroup"))
        {
            r.insert("apiGroup".into(), Value::from(RBAC));
        }
        if let Some(Value::Array(subjects)) = d.get_mut("subjects") {
            for s in subjects.iter_mut().filter_map(Value::as_object_mut) {
                let person = matches!(s.get("kind"), Some(k) if k == "User" || k == "Group");
                if person && unset(s.get("apiGroup")) {
                    s.insert("apiGroup".into(), Value::from(RBAC));
                }
            }
        }
    }
    std::borrow::Cow::Owned(d)
}

/// Does the tree hold a number that is not an integer (`1.0`, `1e3`)?
fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => !n.is_i64() && !n.is_u64(),
        Value::Array(a) => a.iter().any(has_float),
        Value::Object(m) => m.values().any(has_float),
        _ => false,
    }
}

pub(crate) fn check_as<T: DeserializeOwned + Serialize>(doc: &Value) -> Vec<TypedProblem> {
    check_typed::<T>(doc, true)
}

/// [`check_as`] without the shortcut for clean documents.
#[cfg(test)]
pub(crate) fn check_diffed<T: DeserializeOwned + Serialize>(doc: &Value) -> Vec<TypedProblem> {
    check_typed::<T>(doc, false)
}

fn check_typed<T: DeserializeOwned + Serialize>(doc: &Value, shortcut: bool) -> Vec<TypedProblem> {
    // The document with each base64 string that Go reads but the base64 crate does not
    // (line breaks, non-zero padding bits) written as Go decodes it; made only when needed.
    let mut as_go: Option<Value> = None;
    // Decoded without tracking the path first (most documents decode); a failure is
    // decoded again, tracked, for the path of what failed.
    let typed: T = loop {
        let doc = as_go.as_ref().unwrap_or(doc);
        let plain = match <T as serde::Deserialize>::deserialize(doc) {
            Ok(t) => break t,
            Err(plain) => plain,
        };
        // The path for the message, and the path to the value (a key may hold a dot).
        let (path, at, what) = match serde_path_to_error::deserialize::<_, T>(doc) {
            Err(e) => (
                parse_serde_path(&e.path().to_string()),
                KeyPath::from(e.path()),
                e.inner().to_string(),
            ),
            // Decoding is deterministic; should it not be, the first error stands.
            Ok(_) => (KeyPath::default(), KeyPath::default(), plain.to_string()),
        };
        if what.starts_with("Invalid ")
            && let Some(Value::String(s)) = crate::locate::lookup(doc, &at)
            && let Some(canonical) = go_base64(s).filter(|c| c != s)
        {
            let mut fixed = doc.clone();
            if let Some(slot) = crate::locate::lookup_mut(&mut fixed, &at) {
                *slot = Value::String(canonical);
                as_go = Some(fixed);
                continue;
            }
        }
        return vec![TypedProblem {
            path,
            message: format!(
                "wrong type or value: {}",
                crate::redact::decode_error(&what)
            ),
        }];
    };
    let doc = as_go.as_ref().unwrap_or(doc);
    // Quantities k8s-openapi took as any string, parsed as the API server parses them.
    let quantities = quantities::unparsable(&typed)
        .into_iter()
        .map(|path| TypedProblem {
            path,
            message: "not a quantity the API server can parse (like 500m, 1Gi or 2; an exponent beyond ±10000000 takes it longer than a request may)".into(),
        });
    // A clean document (the usual case) is known clean without its re-encoded tree.
    if shortcut && same::round_trip_is_clean(&typed, doc) {
        return quantities.collect();
    }
    let round = match serde_json::to_value(&typed) {
        Ok(v) => v,
        Err(e) => {
            return vec![TypedProblem {
                path: KeyPath::default(),
                message: format!("cannot re-encode: {e}"),
            }];
        }
    };
    let mut out = Vec::new();
    diff(doc, &round, &mut Vec::new(), &mut out);
    out.extend(quantities);
    out
}

/// A base64 string as Go's `base64.StdEncoding` reads it, written the canonical way (as
/// the base64 crate reads it): line breaks are ignored ("New line characters (\r and \n)
/// are ignored") and the unused bits of the last symbol need not be zero (the default,
/// non-strict decoder; encoding/base64/base64.go). `None` if Go would refuse it too.
pub(crate) fn go_base64(s: &str) -> Option<String> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let text: Vec<u8> = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let pad = text.iter().rev().take_while(|b| **b == b'=').count();
    if pad > 2 {
        return None;
    }
    let mut bits: Vec<u8> = Vec::with_capacity(text.len());
    for b in &text[..text.len() - pad] {
        bits.push(u8::try_from(ALPHABET.iter().position(|a| a == b)?).ok()?);
    }
    // Decode whole bytes, dropping the leftover bits, then encode them again.
    let mut bytes = Vec::with_capacity(bits.len() * 3 / 4);
    let (mut acc, mut held) = (0u32, 0u32);
    for v in bits {
        acc = (acc << 6) | u32::from(v);
        held += 6;
        if held >= 8 {
            held -= 8;
            bytes.push(u8::try_from((acc >> held) & 0xff).ok()?);
        }
    }
    if held >= 6 {
        return None;
    }
    Some(base64(&bytes))
}

/// Standard base64 with padding (Go's `base64.StdEncoding`, which the API server uses for
/// a Secret's `data`).
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Turns serde_path_to_error's `a.b[0].c` into a key path.
fn parse_serde_path(p: &str) -> KeyPath {
    let mut path = KeyPath::default();
    if p == "." {
        return path;
    }
    for part in p.split('.') {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            path = path.key(name);
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse::<usize>() {
                path = path.index(i);
            }
        }
    }
    path
}

/// One step of the path [`diff`] is at: borrowed from the input, copied into a
/// [`KeyPath`] only for a problem.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Is `at` an entry of an `imagePullSecrets` list? Its LocalObjectReference's `name` is
/// `+default=""` (core/v1 types.go: "effectively required, but due to backwards
/// compatibility is allowed to be empty"), and validateImagePullSecrets checks nothing of
/// it: the API server takes `{}` and warns (the rules warn alike).
fn pull_secret(at: &[Step<'_>]) -> bool {
    matches!(at, [.., Step::Key("imagePullSecrets"), Step::Index(_)])
}

fn path_of(at: &[Step<'_>]) -> KeyPath {
    KeyPath(
        at.iter()
            .map(|s| match s {
                Step::Key(k) => Seg::Key((*k).to_string()),
                Step::Index(i) => Seg::Index(*i),
            })
            .collect(),
    )
}

/// Compares the input with its round-trip; `at` is the path so far, extended and restored
/// in place.
fn diff<'a>(input: &'a Value, round: &Value, at: &mut Vec<Step<'a>>, out: &mut Vec<TypedProblem>) {
    match (input, round) {
        (Value::Object(i), Value::Object(r)) => {
            for (k, v) in i {
                if v.is_null() {
                    continue;
                }
                match crate::parse::field(r, k) {
                    None => out.push(TypedProblem {
                        path: path_of(at).key(k),
                        message: "unknown field".into(),
                    }),
                    Some(rv) => {
                        at.push(Step::Key(k));
                        diff(v, rv, at, out);
                        at.pop();
                    }
                }
            }
            for k in r.keys() {
                // Embedded resources (volumeClaimTemplates) re-encode with their own
                // apiVersion/kind; in the input those are optional.
                let embedded_type_meta = !at.is_empty() && (k == "apiVersion" || k == "kind");
                if crate::parse::field(i, k).is_none_or(Value::is_null)
                    && !embedded_type_meta
                    && !(k == "name" && pull_secret(at))
                {
                    out.push(TypedProblem {
                        path: path_of(at).key(k),
                        message: "missing required field".into(),
                    });
                }
            }
        }
        (Value::Array(i), Value::Array(r)) => {
            for (n, (iv, rv)) in i.iter().zip(r).enumerate() {
                at.push(Step::Index(n));
                diff(iv, rv, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Go's base64.StdEncoding (non-strict) against canonical base64, case by case.
    #[test]
    fn base64_as_go_reads_it() {
        for (go, canonical) in [
            ("YWJj", Some("YWJj")),
            ("YWJj\nZGVm", Some("YWJjZGVm")),
            ("aGVsbG8g\r\nd29ybGQ=\n", Some("aGVsbG8gd29ybGQ=")),
            ("YR==", Some("YQ==")),
            ("YWJ=", Some("YWI=")),
            ("", Some("")),
            ("YWJ", None),
            ("Y@==", None),
            ("Y===", None),
            ("YQ=a", None),
            ("YQ", None),
        ] {
            assert_eq!(go_base64(go).as_deref(), canonical, "{go:?}");
        }
    }

    /// The chart's own documents, rendered in-process: the defaults (with the proxy's two
    /// required values), every component on, and the proxy and MinIO off.
    fn rendered() -> &'static [Value] {
        static DOCS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
        DOCS.get_or_init(|| {
            let proxy = "oauth2Proxy.clientID=m,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r";
            let scenarios = [
                crate::values::ValuesArgs {
                    set: vec![proxy.into()],
                    ..Default::default()
                },
                crate::values::ValuesArgs {
                    files: vec!["scripts/all-components.yaml".into()],
                    ..Default::default()
                },
                crate::values::ValuesArgs {
                    set: vec!["oauth2Proxy.enabled=false,services.minio.enabled=false,services.versitygw.enabled=true".into()],
                    ..Default::default()
                },
            ];
            let mut docs = Vec::new();
            for args in scenarios {
                let mut request = crate::pipeline::Request::new("mlflow", "mlflow", args);
                request.api_versions =
                    vec!["monitoring.coreos.com/v1".into(), "gateway.networking.k8s.io/v1".into()];
                let (d, _) = crate::pipeline::render(&request).unwrap_or_else(|f| panic!("{f:?}"));
                docs.extend(d.into_iter().map(|d| d.value));
            }
            docs
        })
    }

    /// Every JSON Pointer to a mapping in `v`.
    fn mappings(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                out.push(at.clone());
                for (k, c) in m {
                    mappings(
                        c,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    mappings(c, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The shortcut for clean documents answers as the diff does, for the chart's own
        /// documents and for them with a field added, removed or nulled anywhere.
        #[test]
        fn the_clean_shortcut_agrees_with_the_diff(
            doc in 0usize..1000,
            place in 0usize..1000,
            what in 0u8..5,
            pick in 0usize..100,
        ) {
            let docs = rendered();
            let mut d = docs[doc % docs.len()].clone();
            let mut places = Vec::new();
            mappings(&d, String::new(), &mut places);
            let at = &places[place % places.len()];
            if let Some(Value::Object(m)) = d.pointer_mut(at) {
                let key = m.keys().nth(pick % m.len().max(1)).cloned();
                match (what, key) {
                    (0, _) => {}
                    (1, _) => { m.insert("zzUnknown".into(), json!("x")); }
                    (2, Some(k)) => { m.shift_remove(&k); }
                    (3, Some(k)) => { m.insert(k, Value::Null); }
                    (4, _) => { m.insert("zzNull".into(), Value::Null); }
                    _ => {}
                }
            }
            let api = d.text("apiVersion").to_string();
            let kind = d.text("kind").to_string();
            let row = |t: &[(&str, &str, CheckFn)]| t.iter().find(|(a, k, _)| *a == api && *k == kind).map(|r| r.2);
            if let (Some(fast), Some(slow)) = (row(TABLE), row(kinds::DIFFED)) {
                proptest::prop_assert_eq!(fast(&d), slow(&d));
            }
        }
    }

    #[test]
    fn the_clean_shortcut_sees_every_kind_of_problem() {
        let docs = rendered();
        assert!(docs.len() > 40, "{}", docs.len());
        let sts = docs
            .iter()
            .find(|d| d["kind"] == "StatefulSet")
            .unwrap()
            .clone();
        let check = |d: &Value| match check(d) {
            Checked::Done(p) => p
                .into_iter()
                .map(|p| format!("{} {}", p.path, p.message))
                .collect::<Vec<_>>(),
            Checked::Unknown => vec!["unknown".into()],
        };
        assert_eq!(check(&sts), Vec::<String>::new());
        let mut unknown = sts.clone();
        unknown["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = json!("Always");
        assert_eq!(
            check(&unknown),
            ["spec.template.spec.containers[0].imagePullPolcy unknown field"]
        );
        let mut missing = sts.clone();
        missing["spec"]["template"]["spec"]["containers"][0]
            .as_object_mut()
            .unwrap()
            .shift_remove("name");
        assert_eq!(
            check(&missing),
            ["spec.template.spec.containers[0].name missing required field"]
        );
        // An embedded resource may leave out its apiVersion and kind; the root may not.
        let mut embedded = sts.clone();
        if let Some(t) = embedded["spec"]["volumeClaimTemplates"][0].as_object_mut() {
            t.shift_remove("apiVersion");
            t.shift_remove("kind");
        }
        assert_eq!(check(&embedded), Vec::<String>::new());
    }

    #[test]
    fn decode_errors_never_show_the_value() {
        let p = problems(
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "stringData": {"password": 12345678}}),
        );
        assert!(p.iter().all(|(_, m)| !m.contains("12345678")), "{p:?}");
    }

    fn problems(v: Value) -> Vec<(String, String)> {
        match check(&v) {
            Checked::Done(p) => p
                .into_iter()
                .map(|p| (p.path.to_string(), p.message))
                .collect(),
            Checked::Unknown => vec![("".into(), "unknown".into())],
        }
    }

    fn deployment(container: Value) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}},
                     "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [container]}}}
        })
    }

    #[test]
    fn clean_deployment_passes() {
        assert_eq!(
            problems(deployment(json!({"name": "c", "image": "i"}))),
            vec![]
        );
    }

    #[test]
    fn unknown_field_deep() {
        assert_eq!(
            problems(deployment(
                json!({"name": "c", "image": "i", "imagePullPolcy": "Always"})
            )),
            vec![(
                "spec.template.spec.containers[0].imagePullPolcy".into(),
                "unknown field".into()
            )]
        );
    }

    #[test]
    fn missing_required_name() {
        assert_eq!(
            problems(deployment(json!({"image": "i"}))),
            vec![(
                "spec.template.spec.containers[0].name".into(),
                "missing required field".into()
            )]
        );
    }

    #[test]
    fn wrong_type_has_path() {
        let p = problems(deployment(
            json!({"name": "c", "ports": [{"containerPort": "http"}]}),
        ));
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].0,
            "spec.template.spec.containers[0].ports[0].containerPort"
        );
    }

    #[test]
    fn quantities_may_be_numbers_and_unknown_kinds_are_reported() {
        let c = json!({"name": "c", "resources": {"limits": {"cpu": 1}}});
        assert_eq!(problems(deployment(c)), vec![]);
        assert!(matches!(
            check(&json!({"apiVersion": "x/v1", "kind": "Y"})),
            Checked::Unknown
        ));
    }
}
