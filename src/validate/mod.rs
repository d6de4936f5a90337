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

/// Validates a whole stream (`kind: List` items included, as objects of their own).
pub fn validate(docs: &[Document], known: &Known) -> (Report, Vec<ProblemRecord>) {
    let expanded = expand_lists(docs);
    let docs = expanded.as_slice();
    let mut records = Vec::new();
    let mut report = Report::default();
    for d in docs {
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
