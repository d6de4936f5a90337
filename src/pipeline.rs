//! The pipeline as a library: a plain [`Request`] in; values → render → parse → validate
//! → sort; the sorted, validated documents and the stderr lines out. The CLI (`cli.rs`)
//! only turns flags into a request and the result into output.

use crate::error::Failure;
use crate::parse::At;
use crate::parse::{self, Document};
use crate::render::{self, Capabilities, wiring::Release};
use crate::validate::{self, Known};
use crate::values::{self, ValuesArgs};
use crate::{schema, sort};

/// What to render.
#[derive(Debug, Clone)]
pub struct Request {
    pub release: String,
    pub namespace: String,
    /// Kubernetes version the templates target (1.33 or later).
    pub kube_version: String,
    /// Extra API versions the cluster serves.
    pub api_versions: Vec<String>,
    pub values: ValuesArgs,
    /// Do not check the values against the schema (they are still decoded).
    pub skip_schema_validation: bool,
}

impl Request {
    /// A request with Helm's defaults (Kubernetes 1.33, schema checked).
    pub fn new(release: &str, namespace: &str, values: ValuesArgs) -> Self {
        Request {
            release: release.into(),
            namespace: namespace.into(),
            kube_version: "1.33".into(),
            api_versions: Vec::new(),
            values,
            skip_schema_validation: false,
        }
    }
}

/// The whole render pipeline; returns the sorted, validated documents and stderr lines.
pub fn render(args: &Request) -> Result<(Vec<Document>, Vec<String>), Failure> {
    if !is_release_name(&args.release) {
        return Err(Failure::input(format!(
            "invalid release name {:?}: use at most 53 lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit",
            args.release
        )));
    }
    if !is_dns_label(&args.namespace, 63) {
        return Err(Failure::input(format!(
            "invalid namespace {:?}: a namespace is a DNS-1123 label (lowercase letters, digits, '-', at most 63)",
            args.namespace
        )));
    }
    check_kube_version(&args.kube_version)?;
    let release = Release {
        name: args.release.clone(),
        namespace: args.namespace.clone(),
    };
    let caps = Capabilities {
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
    };

    let mut computed = values::compute(&args.values)?;
    schema::restore_deleted(&mut computed)?;
    let model = checked_model(&computed, args.skip_schema_validation)?;
    render_model(&computed, &model, &release, &caps)
}

/// The pipeline after values are computed: check → render → parse → validate → sort.
pub fn render_computed(
    computed: &values::Computed,
    release: &Release,
    caps: &Capabilities,
    skip_schema_validation: bool,
) -> Result<(Vec<Document>, Vec<String>), Failure> {
    let model = checked_model(computed, skip_schema_validation)?;
    render_model(computed, &model, release, caps)
}

/// The values checked against the schema (unless skipped) and decoded into the model.
fn checked_model(
    computed: &values::Computed,
    skip_schema_validation: bool,
) -> Result<crate::model::Values, Failure> {
    if !skip_schema_validation {
        schema::check(computed)?;
    }
    schema::decode(computed)
}

/// render → parse → validate → sort, from the checked model.
fn render_model(
    computed: &values::Computed,
    model: &crate::model::Values,
    release: &Release,
    caps: &Capabilities,
) -> Result<(Vec<Document>, Vec<String>), Failure> {
    let rendered = render::render(model, release, caps).map_err(|f| located(f, computed))?;
    let mut docs = parse::parse(rendered.files)?;
    let w = &rendered.wiring;
    let known = Known {
        secrets: w.secrets_outside.iter().cloned().collect(),
        configmaps: w.configmaps_outside.iter().cloned().collect(),
        serviceaccounts: w.serviceaccounts_outside.iter().cloned().collect(),
        crds: Default::default(),
    };
    let report = validate::check(&docs, &known)?;
    restricted(&docs)?;
    if model.openshift {
        openshift_ids(&docs)?;
    }
    let mut broad = broad_grants(&docs);
    // Custom resources nothing here has a schema for (extraObjects of other kinds, the
    // ServiceMonitor): rendered, but say so.
    broad.extend(report.not_validated.iter().map(|n| {
        format!("{n} is not validated: no schema for its kind (check it with `mlflow-chart validate --crd FILE`, giving its CustomResourceDefinition)")
    }));
    sort::sort(&mut docs);

    let mut stderr: Vec<String> = computed
        .warnings
        .iter()
        .chain(&w.warnings)
        .chain(&broad)
        .map(|m| format!("warning: {m}"))
        .collect();
    stderr.extend(w.notes.iter().map(|m| format!("note: {m}")));
    stderr.extend(render::wiring::next_steps(model, w, release));
    Ok((docs, stderr))
}

/// The first values key path a wiring message names (`minio.auth.rootPassword`,
/// `MLFlow.allowedHosts[2]`), if the values hold it.
fn named_key(message: &str, values: &serde_json::Value) -> Option<crate::locate::KeyPath> {
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']');
    message
        .split(|c: char| !is_key_char(c))
        .filter(|t| t.contains('.') && !t.starts_with('.'))
        .find_map(|token| {
            let mut path = crate::locate::KeyPath::default();
            for part in token.trim_end_matches('.').split('.') {
                let (name, rest) = part.split_once('[').unwrap_or((part, ""));
                path = path.key(name);
                for idx in rest.split('[').filter(|x| !x.is_empty()) {
                    path = path.index(idx.trim_end_matches(']').parse().ok()?);
                }
            }
            crate::locate::lookup(values, &path).map(|_| path)
        })
}

/// A broken rule of the wiring names its key; this adds where the key's value came from
/// (file:line or flag), as the schema's messages do.
fn located(mut f: Failure, computed: &values::Computed) -> Failure {
    for p in &mut f.problems {
        if let Some(path) = named_key(p, &computed.values) {
            let origin = computed.origin(&path);
            if !origin.contains("(chart defaults)") && !origin.starts_with("in the computed") {
                p.push_str(&format!(" ({path} {origin})"));
            }
        }
    }
    f
}

/// `extraObjects` (List items included) that bind the cluster-wide superuser roles: valid
/// Kubernetes, so rendered, but said on stderr, as a review would.
fn broad_grants(docs: &[Document]) -> Vec<String> {
    validate::expand_lists(docs)
        .iter()
        .filter(|d| d.template == "extra-objects.yaml" && d.kind().ends_with("RoleBinding"))
        .filter(|d| {
            matches!(
                d.value
                    .at("/roleRef/name")
                    .and_then(serde_json::Value::as_str),
                Some("cluster-admin" | "admin" | "edit")
            )
        })
        .map(|d| {
            format!(
                "extraObjects: {} grants the {} ClusterRole; check that this is intended",
                d.id(),
                d.value["roleRef"]["name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Rule problems as located lines (template: object: path: message), or none.
fn located_problems(docs: &[Document], problems: Vec<validate::rules::Problem>) -> Vec<String> {
    problems
        .into_iter()
        .map(|p| {
            let d = &docs[p.doc];
            format!("{}: {}: {}: {}", d.template, d.id(), p.path, p.message)
        })
        .collect()
}

/// The chart's own pods (not `extraObjects`) stay within the restricted Pod Security
/// Standard whatever `podSecurityContext`/`securityContext` merge into them.
fn restricted(docs: &[Document]) -> Result<(), Failure> {
    let problems = located_problems(
        docs,
        validate::rules::restricted(docs, "extra-objects.yaml"),
    );
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::input(format!(
        "the values would take the chart's pods out of the restricted Pod Security Standard ({} problem{})",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ))
    .with_problems(problems.into_iter().take(crate::schema::MAX_LISTED).collect())
    .hint("podSecurityContext and securityContext (MLflow's, and postgresql.*, minio.*, versitygw.*) merge over the restricted defaults; remove the setting named above from the component's values"))
}

/// Under `openshift: true` no pod of the render names a user, group or fsGroup ID,
/// `extraObjects` included: OpenShift's restricted-v2 SCC would refuse it.
fn openshift_ids(docs: &[Document]) -> Result<(), Failure> {
    let problems = located_problems(docs, validate::rules::fixed_ids(docs));
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::input(format!(
        "with openshift: true no pod may name a user, group or fsGroup ID ({} found)",
        problems.len()
    ))
    .with_problems(problems.into_iter().take(crate::schema::MAX_LISTED).collect())
    .hint("remove the IDs from the objects named above (extraObjects included): OpenShift's restricted-v2 SCC assigns them from the namespace's range"))
}

/// `--kube-version`: 1.33 or later, as `1.33`, `v1.34` or `v1.34.2`.
pub fn check_kube_version(v: &str) -> Result<(), Failure> {
    let t = v.trim_start_matches('v');
    let parts: Vec<&str> = t.split('.').collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    match nums.as_deref() {
        Some([1, minor, ..]) if (2..=3).contains(&parts.len()) && *minor >= 33 => Ok(()),
        Some([1, _, ..]) if (2..=3).contains(&parts.len()) => Err(Failure::input(format!(
            "--kube-version {v}: Kubernetes before 1.33 is not supported (the manifests are validated against 1.33)"
        ))),
        _ => Err(Failure::input(format!(
            "--kube-version {v:?} is not a version like 1.33 or v1.34.2"
        ))),
    }
}

fn is_dns_label(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Helm's release-name rule (pkg/chartutil `ValidateReleaseName`): at most 53 characters
/// matching `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`.
fn is_release_name(s: &str) -> bool {
    s.len() <= 53 && s.split('.').all(|p| is_dns_label(p, 53))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions() {
        assert!(check_kube_version("1.33").is_ok());
        assert!(check_kube_version("v1.37.1").is_ok());
        assert!(check_kube_version("1.20").is_err());
        assert!(check_kube_version("latest").is_err());
    }

    #[test]
    fn wiring_messages_name_their_key() {
        let v = serde_json::json!({"minio": {"auth": {"rootPassword": "x"}}, "a": {"b": [1, 2]}});
        assert_eq!(
            named_key("minio.auth.rootPassword must be at least 8", &v).map(|p| p.to_string()),
            Some("minio.auth.rootPassword".into())
        );
        assert_eq!(
            named_key("a.b[1] is empty", &v).map(|p| p.to_string()),
            Some("a.b[1]".into())
        );
        assert!(named_key("no key here.", &v).is_none());
    }

    #[test]
    fn release_names() {
        assert!(is_release_name("mlflow"));
        assert!(is_release_name("a.b"));
        assert!(!is_release_name(&"a".repeat(54)));
        assert!(!is_release_name("A"));
    }
}
