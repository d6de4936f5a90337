//! Validate: every document against its typed k8s-openapi struct (wrong types, unknown
//! and missing required fields) plus cross-object checks; all problems are collected and
//! reported together, each naming the template, the object and the path.

pub mod crd;
pub mod rules;
pub mod semantic;
pub mod typed;

use crate::error::Failure;
use crate::parse::At;
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
    // The objects themselves and the items of a `kind: List` (`render -o json`).
    let objects = docs.iter().flat_map(|d| {
        std::iter::once(&d.value).chain(
            d.value
                .get("items")
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten(),
        )
    });
    let mut names: Vec<String> = objects
        .filter_map(|v| {
            v.at("/metadata/annotations")
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
    /// Problems that depend on an object the stream may not hold (a reference, a
    /// selector): warnings when validating an arbitrary stream.
    pub warnings: Vec<String>,
    /// Documents whose kind has no typed struct: `template: apiVersion/Kind name`.
    pub not_validated: Vec<String>,
}

/// How a problem counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Structured form of one problem, for `-o json`.
#[derive(Debug, serde::Serialize)]
pub struct ProblemRecord {
    pub source: String,
    pub object: String,
    pub path: String,
    pub message: String,
    pub severity: Severity,
}

impl ProblemRecord {
    /// The problem as one line of a report: `source: Kind/name: path: message`.
    pub fn line(&self) -> String {
        format!(
            "{}: {}: {}: {}",
            self.source, self.object, self.path, self.message
        )
    }
}

/// Validates a whole stream.
/// The documents with every `kind: List` (and `*List`) replaced by its items, each
/// validated like a document of its own (kubectl applies them one by one).
pub fn expand_lists(docs: &[Document]) -> std::borrow::Cow<'_, [Document]> {
    let is_list = |d: &Document| {
        d.kind().ends_with("List")
            && d.value
                .get("items")
                .is_some_and(|i| i.is_array() || i.is_null())
    };
    if !docs.iter().any(is_list) {
        // The common case: nothing to expand, nothing to copy.
        return std::borrow::Cow::Borrowed(docs);
    }
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        if is_list(d) {
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
    std::borrow::Cow::Owned(out)
}

/// The API group of an apiVersion (`apps/v1` → `apps`, `v1` → the core group "").
fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Built-in API groups Kubernetes no longer serves at all (their kinds moved; `extensions`
/// lost its last ones in 1.22).
const REMOVED_GROUPS: &[&str] = &["extensions"];

/// A document the API server refuses before looking at its fields: no kind or apiVersion,
/// or a kind that its built-in API group/version does not serve (custom resources, of
/// groups Kubernetes does not define, are someone else's).
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
    let (api, kind) = (d.api_version(), d.kind());
    if typed::is_builtin(api, kind) {
        return None;
    }
    let group = group_of(api);
    // `group/version` or `version`: a lowercase DNS subdomain and a DNS label. Groups of
    // custom resources hold a dot (a CRD's spec.group must), so a dotless group that
    // Kubernetes does not define (`core/v1`) is served by nobody.
    let version = api.rsplit('/').next().unwrap_or("");
    let syntax_ok = api.matches('/').count() <= 1
        && rules::dns_subdomain_or_empty(group)
        && !version.is_empty()
        && version
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && version.starts_with('v');
    if !syntax_ok {
        return Some((
            "apiVersion".into(),
            format!("{api:?} is not an API version like v1, apps/v1 or example.com/v1alpha1"),
        ));
    }
    if !group.is_empty()
        && !group.contains('.')
        && !typed::builtin_groups().contains(group)
        && !REMOVED_GROUPS.contains(&group)
    {
        return Some((
            "apiVersion".into(),
            format!(
                "no API group {group:?} exists in Kubernetes 1.33, and custom resource groups contain a dot (the core group is written v1)"
            ),
        ));
    }
    if !typed::builtin_groups().contains(group) && !REMOVED_GROUPS.contains(&group) {
        // A custom resource's kind is its CRD's spec.names.kind: "may have mixed case,
        // but should otherwise match" a DNS-1035 label (apiextensions-apiserver
        // pkg/apis/apiextensions/validation/validation.go,
        // ValidateCustomResourceDefinitionNames).
        let lower = kind.to_ascii_lowercase();
        let label = lower.len() <= 63
            && lower.starts_with(|c: char| c.is_ascii_lowercase())
            && semantic::is_dns1123_label(&lower);
        if !label {
            return Some((
                "kind".into(),
                format!(
                    "{} is no kind a CustomResourceDefinition can define: letters, digits and '-', starting with a letter, at most 63 characters",
                    crate::error::quoted(kind)
                ),
            ));
        }
        return None;
    }
    let served = typed::served_as(kind);
    let message = if served.is_empty() {
        format!(
            "Kubernetes 1.33 serves no kind {kind} in {api} (check the kind's spelling and its API group)"
        )
    } else {
        format!(
            "{kind} is not served as {api} by Kubernetes 1.33: use {}",
            served.join(" or ")
        )
    };
    Some(("apiVersion".into(), message))
}

/// The bytes a ConfigMap or Secret stores, as the API server counts them against 1 MiB:
/// the values only, decoded (ValidateSecret sums `len(value)` of `data`, into which
/// `stringData` is merged, a key of both taking stringData's; ValidateConfigMap sums
/// `data` and the decoded `binaryData`; pkg/apis/core/validation/validation.go at
/// v1.33). Keys are not counted.
fn data_size(d: &Document) -> usize {
    let field = |f: &str| d.value.get(f).and_then(serde_json::Value::as_object);
    let text = |v: &serde_json::Value| v.as_str().map_or(0, str::len);
    // The bytes a base64 text decodes to (line breaks ignored, as Go's decoder does).
    let decoded = |v: &serde_json::Value| {
        let s = v.as_str().unwrap_or("");
        let n = s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).count();
        let pad = s
            .trim_end_matches(['\r', '\n'])
            .bytes()
            .rev()
            .take_while(|b| *b == b'=')
            .count();
        (n / 4 * 3).saturating_sub(pad.min(2))
    };
    // A Secret's base64 is `data` and its text `stringData`; a ConfigMap's, `binaryData`
    // and `data`.
    let secret = d.kind() == "Secret";
    let (binary, strings) = if secret {
        (field("data"), field("stringData"))
    } else {
        (field("binaryData"), field("data"))
    };
    let overridden = |k: &String| secret && strings.is_some_and(|s| s.contains_key(k));
    binary
        .into_iter()
        .flatten()
        .filter(|(k, _)| !overridden(k))
        .map(|(_, v)| decoded(v))
        .chain(strings.into_iter().flatten().map(|(_, v)| text(v)))
        .sum()
}

/// API groups that aggregated API servers serve, not CustomResourceDefinitions, with
/// name rules of their own: OpenShift's (`user.openshift.io` Users and Groups take names
/// such as `alice@example.com`, ValidateUserName forbids only ':', '~', '/', '%', `.`
/// and `..`) and the metrics APIs.
fn aggregated(group: &str) -> bool {
    group == "openshift.io" || group.ends_with(".openshift.io") || group.ends_with("metrics.k8s.io")
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
    // A custom resource's name is a DNS-1123 subdomain (apiextensions-apiserver
    // pkg/registry/customresource/validator.go: ValidateObjectMetaAccessor with
    // NameIsDNSSubdomain); built-in kinds' names are their own validation's.
    if let Some(name) = meta
        .and_then(|m| m.get("name"))
        .and_then(serde_json::Value::as_str)
        && !name.is_empty()
        && !typed::is_builtin(d.api_version(), d.kind())
        && !aggregated(group_of(d.api_version()))
        && !d.kind().ends_with("List")
        && !semantic::is_dns1123_subdomain(name)
    {
        out.push((
            "metadata.name".into(),
            format!(
                "{} is not a valid custom resource name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
                crate::error::quoted(name)
            ),
        ));
    }
    // The API server refuses to create an object that carries a resourceVersion
    // (storage.ErrResourceVersionSetOnCreate, returned by the etcd3 store's Create:
    // k8s.io/apiserver pkg/storage/etcd3/store.go:262 at v0.33.0), and kubectl apply
    // creates a new object as given; on an existing one it is a stale precondition.
    if meta
        .and_then(|m| m.get("resourceVersion"))
        .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
    {
        out.push((
            "metadata.resourceVersion".into(),
            "must not be set: the API server refuses to create an object that has one (it is the cluster's, from `kubectl get`); remove it".into(),
        ));
    }
    // The API server reads at most 3 MiB of a request body (MaxRequestBodyBytes, set in
    // k8s.io/apiserver pkg/server/config.go NewConfig at v0.33.0: twice etcd's default
    // 1.5 MiB request limit, as JSON shrinks when it is stored as protobuf): a larger
    // object is refused (413) by every kind of apply. Measured only when its strings alone
    // come near (a lower bound of its JSON size).
    if text_bytes(&d.value) > ETCD_REQUEST_MAX / 2 {
        let json = serde_json::to_vec(&d.value).map_or(0, |j| j.len());
        if json > REQUEST_BODY_MAX {
            out.push((
                "(whole object)".into(),
                format!(
                    "the object is {json} bytes as JSON: the API server reads at most {REQUEST_BODY_MAX} bytes (3 MiB) of a request, and etcd stores at most about 1.5 MiB; move the large content out (a ConfigMap of its own, a mounted file, an image)"
                ),
            ));
        }
    }
    if matches!(d.kind(), "ConfigMap" | "Secret") {
        let size = data_size(d);
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

/// The API server's limit on a request body (k8s.io/apiserver pkg/server/config.go,
/// `MaxRequestBodyBytes: int64(3 * 1024 * 1024)`, v0.33.0).
pub const REQUEST_BODY_MAX: usize = 3 * 1024 * 1024;

/// etcd's default request limit (1.5 MiB, `--max-request-bytes`), as the API server's
/// config cites it beside [`REQUEST_BODY_MAX`].
pub const ETCD_REQUEST_MAX: usize = 3 * 512 * 1024;

/// The bytes of a value's strings and keys: less than its JSON, measured without writing it.
fn text_bytes(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::String(s) => s.len(),
        serde_json::Value::Array(a) => a.iter().map(text_bytes).sum(),
        serde_json::Value::Object(m) => m.iter().map(|(k, x)| k.len() + text_bytes(x)).sum(),
        _ => 0,
    }
}

/// Validates a whole stream (`kind: List` items included, as objects of their own).
pub fn validate(
    docs: &[Document],
    known: &Known,
    cross_objects: Severity,
) -> (Report, Vec<ProblemRecord>) {
    validate_with(docs, known, cross_objects, None, None)
}

/// A document's checks that need no other document: what every object needs
/// (`object_problems`), its typed check and the field rules (`rules`). A kind the typed
/// check does not know is left to [`Alone::finish`], which has the stream's CRDs.
pub struct Alone {
    problems: Vec<(String, String)>,
    unknown_kind: bool,
    rules: Vec<rules::Problem>,
}

/// [`Alone`] for document number `i` (of a stream whose `List`s are expanded).
pub fn check_alone(i: usize, d: &Document) -> Alone {
    let mut problems = object_problems(d);
    let unknown_kind = match typed::check(&d.value) {
        typed::Checked::Done(typed) => {
            problems.extend(typed.into_iter().map(|p| (p.path.to_string(), p.message)));
            false
        }
        typed::Checked::Unknown => true,
    };
    Alone {
        problems,
        unknown_kind,
        rules: rules::check_one(i, d),
    }
}

impl Alone {
    /// The document's problems, its kind checked against the CRDs when the typed check did
    /// not know it; and, for a kind nothing here knows, the line for "not validated".
    fn finish(self, d: &Document, crds: &crd::Schemas) -> (Vec<(String, String)>, Option<String>) {
        let mut problems = self.problems;
        if !self.unknown_kind {
            return (problems, None);
        }
        let mut unknown = None;
        let typed_problems = match crds.get(d.api_version(), d.kind()) {
            Some(Some(schema)) => crd::check(&d.value, schema),
            Some(None) => vec![typed::TypedProblem {
                path: crate::locate::KeyPath::default().key("apiVersion"),
                message: format!(
                    "the CustomResourceDefinition of {} does not serve {}",
                    d.kind(),
                    d.api_version()
                ),
            }],
            None => {
                if let Some(p) = identity_problem(d) {
                    problems.push(p);
                } else {
                    unknown = Some(format!(
                        "{}: {}/{} {}",
                        d.template,
                        d.api_version(),
                        d.kind(),
                        d.name()
                    ));
                }
                Vec::new()
            }
        };
        problems.extend(
            typed_problems
                .into_iter()
                .map(|p| (p.path.to_string(), p.message)),
        );
        (problems, unknown)
    }
}

/// [`validate`], with the [`Alone`] checks already done, e.g. by the render's crew (see
/// `crew`): `alone` must be [`check_alone`] of each object of `expand_lists(docs)`, in
/// order (the objects a `List` holds, not the `List`). The cross-object problems of the
/// documents of template `warn_from` are warnings whatever `cross_objects` says: objects
/// the user brings may reference what the cluster already holds.
pub fn validate_with(
    docs: &[Document],
    known: &Known,
    cross_objects: Severity,
    warn_from: Option<&str>,
    alone: Option<Vec<Alone>>,
) -> (Report, Vec<ProblemRecord>) {
    let expanded = expand_lists(docs);
    let docs: &[Document] = &expanded;
    // Custom resources are checked against the CRDs in the stream and those given.
    // The bundled CRDs (the Gateway API's) first: those in the stream and given win.
    let mut crds = if docs
        .iter()
        .any(|d| d.api_version().starts_with("gateway.networking.k8s.io/"))
    {
        crd::bundled().clone()
    } else {
        crd::Schemas::default()
    };
    crds.extend(known.crds.clone());
    crds.extend(crd::Schemas::from_docs(docs));
    // Each document alone (on every core for a large stream), unless given; then, for a
    // kind the typed check does not know, its CRD.
    let alone = match alone {
        Some(a) if a.len() == docs.len() => a,
        _ => {
            let indexed: Vec<(usize, &Document)> = docs.iter().enumerate().collect();
            crate::parallel::map(&indexed, |&(i, d)| check_alone(i, d))
        }
    };
    let mut records = Vec::new();
    let mut report = Report::default();
    let mut rule_problems = Vec::new();
    for (d, mut a) in docs.iter().zip(alone) {
        rule_problems.append(&mut a.rules);
        let (problems, unknown) = a.finish(d, &crds);
        for (path, message) in problems {
            records.push(ProblemRecord {
                source: d.template.clone(),
                object: d.id(),
                path,
                message,
                severity: Severity::Error,
            });
        }
        report.not_validated.extend(unknown);
    }
    for p in rule_problems
        .into_iter()
        .chain(semantic::check(docs, known))
    {
        let d = &docs[p.doc];
        records.push(ProblemRecord {
            source: d.template.clone(),
            object: d.id(),
            severity: if p.is_advisory() {
                if warn_from == Some(d.template.as_str()) || (warn_from.is_some() && p.is_repeat())
                {
                    Severity::Warning
                } else {
                    cross_objects
                }
            } else {
                Severity::Error
            },
            path: p.path,
            message: p.message,
        });
    }
    report.problems = records
        .iter()
        .filter(|r| r.severity == Severity::Error)
        .map(ProblemRecord::line)
        .collect();
    report.warnings = records
        .iter()
        .filter(|r| r.severity == Severity::Warning)
        .map(ProblemRecord::line)
        .collect();
    (report, records)
}

/// Validation as a pipeline stage: fails with every problem listed.
pub fn check(docs: &[Document], known: &Known) -> Result<Report, Failure> {
    check_with(docs, known, None, None)
}

/// [`check`], with each document's [`Alone`] checks already done (see [`validate_with`]);
/// the cross-object problems of `extraObjects` (template `extra_template`) are warnings in
/// the report: a Deployment of the user's may run as a ServiceAccount the cluster has.
pub fn check_with(
    docs: &[Document],
    known: &Known,
    extra_template: Option<&str>,
    alone: Option<Vec<Alone>>,
) -> Result<Report, Failure> {
    let (report, _) = validate_with(docs, known, Severity::Error, extra_template, alone);
    if report.problems.is_empty() {
        Ok(report)
    } else {
        let n = report.problems.len();
        let listed = crate::schema::capped(report.problems);
        Err(Failure::invalid(
            format!("the rendered manifests are invalid ({n} problem{})", if n == 1 { "" } else { "s" }),
            listed,
        )
        .hint("values passed through verbatim (podAnnotations, podSecurityContext, securityContext, affinity, tolerations, resources, extraEnv, extraVolumes, extraVolumeMounts, extraContainers, extraInitContainers, extraObjects, …) end up in these fields: check the one named above; if none of your values reaches it, please report the problem"))
    }
}
