//! Validate: every document against its typed k8s-openapi struct (wrong types, unknown
//! and missing required fields) plus cross-object checks; all problems are collected and
//! reported together, each naming the template, the object and the path.

pub mod rules;
pub mod semantic;
pub mod typed;

use crate::error::Failure;
use crate::parse::Document;
pub use semantic::Known;

/// Annotation by which a render declares the Secrets it references but does not contain
/// (generated in the cluster, or provided by the user), so `validate` accepts them.
pub const SECRETS_OUTSIDE_ANNOTATION: &str = "mlflow-chart.io/secrets-outside";

/// Annotation by which a render declares the ConfigMaps it references but does not
/// contain (the values name them, e.g. a CA bundle).
pub const CONFIGMAPS_OUTSIDE_ANNOTATION: &str = "mlflow-chart.io/configmaps-outside";

/// The names a stream declares, in `annotation`, as existing outside it.
pub fn declared(docs: &[Document], annotation: &str) -> Vec<String> {
    let mut names: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            d.value
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(annotation))
        })
        .filter_map(|v| v.as_str())
        .flat_map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The Secrets a stream declares as existing outside it.
pub fn declared_outside(docs: &[Document]) -> Vec<String> {
    declared(docs, SECRETS_OUTSIDE_ANNOTATION)
}

/// The outcome over a stream.
#[derive(Debug, Default)]
pub struct Report {
    /// `template: Kind/name: path: message`, in document order.
    pub problems: Vec<String>,
    /// Documents whose kind has no typed struct: `template: apiVersion/Kind name`.
    pub not_validated: Vec<String>,
}

/// Structured form of one problem, for `-o json`.
#[derive(Debug, serde::Serialize)]
pub struct ProblemRecord {
    pub source: String,
    pub object: String,
    pub path: String,
    pub message: String,
}

/// Validates a whole stream.
/// The documents with every `kind: List` (and `*List`) replaced by its items, each
/// validated like a document of its own (kubectl applies them one by one).
pub fn expand_lists(docs: &[Document]) -> Vec<Document> {
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let is_list = d.kind().ends_with("List")
            && d.value
                .get("items")
                .is_some_and(serde_json::Value::is_array);
        if is_list {
            for item in d.value["items"].as_array().into_iter().flatten() {
                let mut item = item.clone();
                // Items of a typed list (e.g. SecretList) may omit their kind.
                if item.get("kind").is_none()
                    && let Some(k) = d.kind().strip_suffix("List")
                    && !k.is_empty()
                    && let Some(obj) = item.as_object_mut()
                {
                    obj.insert("kind".into(), k.into());
                    obj.insert("apiVersion".into(), d.api_version().into());
                }
                out.push(Document {
                    template: d.template.clone(),
                    value: item,
                });
            }
        } else {
            out.push(d.clone());
        }
    }
    out
}

/// Built-in kinds whose apiVersion moved, with the version Kubernetes 1.33 serves (a
/// document with an old or wrong version of them is refused by the API server).
const SERVED: &[(&str, &str)] = &[
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("ReplicaSet", "apps/v1"),
    ("Ingress", "networking.k8s.io/v1"),
    ("IngressClass", "networking.k8s.io/v1"),
    ("NetworkPolicy", "networking.k8s.io/v1"),
    ("PodDisruptionBudget", "policy/v1"),
    ("CronJob", "batch/v1"),
    ("Job", "batch/v1"),
    ("Role", "rbac.authorization.k8s.io/v1"),
    ("RoleBinding", "rbac.authorization.k8s.io/v1"),
    ("ClusterRole", "rbac.authorization.k8s.io/v1"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
    ("StorageClass", "storage.k8s.io/v1"),
    ("Pod", "v1"),
    ("Service", "v1"),
    ("ConfigMap", "v1"),
    ("Secret", "v1"),
    ("ServiceAccount", "v1"),
    ("PersistentVolumeClaim", "v1"),
    ("PersistentVolume", "v1"),
    ("Namespace", "v1"),
];

/// A document the API server refuses before looking at its fields: no kind or apiVersion,
/// a built-in kind under an API version that does not serve it.
fn identity_problem(d: &Document) -> Option<(String, String)> {
    if d.kind().is_empty() {
        return Some((
            "kind".into(),
            "missing: every object needs apiVersion and kind".into(),
        ));
    }
    if d.api_version().is_empty() {
        return Some((
            "apiVersion".into(),
            "missing: every object needs apiVersion and kind".into(),
        ));
    }
    let served = SERVED.iter().find(|(k, _)| *k == d.kind())?.1;
    let group = |v: &str| v.rsplit_once('/').map_or("", |(g, _)| g).to_string();
    // A kind of the same name in another API group (a CRD) is someone else's.
    let same_group = group(served) == group(d.api_version())
        || ["extensions", "apps", ""].contains(&group(d.api_version()).as_str())
            && ["apps", "networking.k8s.io", "policy", ""].contains(&group(served).as_str());
    same_group.then(|| {
        (
            "apiVersion".into(),
            format!(
                "{} is not served as {} by Kubernetes 1.33: use {served}",
                d.kind(),
                d.api_version()
            ),
        )
    })
}

/// What the API server refuses about every object: a name (unless generateName), and a
/// ConfigMap's or Secret's data within 1 MiB (core/validation: MaxSecretSize, and
/// ValidateConfigMap's total-size check).
fn object_problems(d: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let meta = d.value.get("metadata");
    let named = meta
        .and_then(|m| m.get("name"))
        .and_then(serde_json::Value::as_str)
        .is_some_and(|n| !n.is_empty())
        || meta
            .and_then(|m| m.get("generateName"))
            .and_then(serde_json::Value::as_str)
            .is_some_and(|n| !n.is_empty());
    if !named && !d.kind().ends_with("List") {
        out.push((
            "metadata.name".into(),
            "missing: every object needs a name".into(),
        ));
    }
    if matches!(d.kind(), "ConfigMap" | "Secret") {
        let size: usize = ["data", "stringData", "binaryData"]
            .iter()
            .filter_map(|f| d.value.get(*f).and_then(serde_json::Value::as_object))
            .flat_map(|m| m.iter())
            .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
            .sum();
        if size > 1024 * 1024 {
            out.push((
                "data".into(),
                format!(
                    "{} bytes of data: Kubernetes stores at most 1 MiB (1048576 bytes)",
                    size
                ),
            ));
        }
    }
    out
}

/// Validates a whole stream (`kind: List` items included, as objects of their own).
pub fn validate(docs: &[Document], known: &Known) -> (Report, Vec<ProblemRecord>) {
    let expanded = expand_lists(docs);
    let docs = expanded.as_slice();
    let mut records = Vec::new();
    let mut report = Report::default();
    for d in docs {
        for (path, message) in object_problems(d) {
            records.push(ProblemRecord {
                source: d.template.clone(),
                object: d.id(),
                path,
                message,
            });
        }
        match typed::check(&d.value) {
            typed::Checked::Done(problems) => {
                for p in problems {
                    records.push(ProblemRecord {
                        source: d.template.clone(),
                        object: d.id(),
                        path: p.path.to_string(),
                        message: p.message,
                    });
                }
            }
            typed::Checked::Unknown => {
                if let Some(p) = identity_problem(d) {
                    records.push(ProblemRecord {
                        source: d.template.clone(),
                        object: d.id(),
                        path: p.0,
                        message: p.1,
                    });
                    continue;
                }
                report.not_validated.push(format!(
                    "{}: {}/{} {}",
                    d.template,
                    d.api_version(),
                    d.kind(),
                    d.name()
                ));
            }
        }
    }
    for p in rules::check(docs)
        .into_iter()
        .chain(semantic::check(docs, known))
    {
        let d = &docs[p.doc];
        records.push(ProblemRecord {
            source: d.template.clone(),
            object: d.id(),
            path: p.path,
            message: p.message,
        });
    }
    report.problems = records
        .iter()
        .map(|r| format!("{}: {}: {}: {}", r.source, r.object, r.path, r.message))
        .collect();
    (report, records)
}

/// Validation as a pipeline stage: fails with every problem listed.
pub fn check(docs: &[Document], known: &Known) -> Result<Report, Failure> {
    let (report, _) = validate(docs, known);
    if report.problems.is_empty() {
        Ok(report)
    } else {
        let n = report.problems.len();
        let mut listed: Vec<String> = report
            .problems
            .into_iter()
            .take(crate::schema::MAX_LISTED)
            .collect();
        if n > listed.len() {
            listed.push(format!(
                "… and {} more (only the first {} are listed)",
                n - listed.len(),
                listed.len()
            ));
        }
        Err(Failure::invalid(
            format!("the rendered manifests are invalid ({n} problem{})", if n == 1 { "" } else { "s" }),
            listed,
        )
        .hint("values passed through verbatim (podSecurityContext, securityContext, affinity, tolerations, resources, extraObjects, …) end up in these fields: check the one named above; if none of your values reaches it, please report the problem"))
    }
}
