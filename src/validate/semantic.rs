//! Cross-object checks over a whole manifest stream: selectors, ports, references,
//! names, labels, quantities — what Kubernetes would reject or what would never work.

use crate::parse::At;
use crate::parse::Document;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};

/// One semantic problem, on one document, at one path.
#[derive(Debug, Clone)]
pub struct SemanticProblem {
    pub doc: usize,
    pub path: String,
    pub message: String,
}

impl SemanticProblem {
    /// Is the problem advisory for an arbitrary stream: does it depend on another object
    /// (a reference, a selector, a port of another object), which may live elsewhere, or
    /// is it one the API server does not refuse but that can never work (a probe on an
    /// undeclared port name, an image reference no registry serves)? `validate` warns
    /// about these (errors under `--strict`); in the chart's own render every object is
    /// ours and they are errors.
    pub fn is_advisory(&self) -> bool {
        const ADVISORY: &[&str] = &[
            "in the manifests",
            "declared as provided",
            "no selected container has",
            "has no such port",
            "has no key",
            "the container has no port named",
            "is not an image reference",
        ];
        ADVISORY.iter().any(|c| self.message.contains(c)) || is_api_warning(&self.message)
    }

    /// A repeat Kubernetes keeps the last of (an environment variable): a warning in a
    /// render too, whoever's object it is.
    pub fn is_repeat(&self) -> bool {
        is_repeat(&self.message)
    }
}

/// How the problem of an object defined twice begins.
pub const DUPLICATE: &str = "duplicate object";

/// What a problem says of a repeat that Kubernetes resolves by keeping the last.
const LAST_WINS: &str = "the last one wins";

/// What a problem says of an `imagePullSecrets` entry with an empty name: the API server
/// takes the pod and warns (`invalid empty name`, pkg/api/pod/warnings.go), so `validate`
/// warns; a render refuses it in the chart's own pods.
pub const EMPTY_PULL_SECRET: &str =
    "invalid empty name: no Secret is used; give the name of a Secret or remove the entry";

/// What a problem says of a finalizer without a '/' that is not a standard one: the API
/// server takes it (ValidateFinalizerName wants a qualified name only) and warns, in the
/// words of apiextensions-apiserver's validateKubeFinalizerName, so `validate` warns.
pub const UNQUALIFIED_FINALIZER: &str = "prefer a domain-qualified finalizer name";

/// What a problem says of a Job name that is not a DNS label where nothing refuses it
/// (with manualSelector no job-name label is generated): the API server warns
/// (pkg/registry/batch/job/strategy.go WarningsOnCreate), so `validate` warns.
pub const JOB_NAME_NOT_LABEL: &str = "this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended";

/// What a problem says of a claim's `dataSource` that the API server drops at creation
/// (neither a claim nor a VolumeSnapshot of snapshot.storage.k8s.io, with no
/// dataSourceRef: pkg/api/persistentvolumeclaim/util.go
/// EnforceDataSourceBackwardsCompatibility): taken, and the claim starts empty.
pub const DROPPED_DATA_SOURCE: &str = "the API server drops this dataSource and the claim starts empty: only a PersistentVolumeClaim or a VolumeSnapshot (apiGroup snapshot.storage.k8s.io) may be given here; give other sources in dataSourceRef";

/// Does a problem's text say Kubernetes accepts the object and warns (the `validate`
/// output says so beside the warning)?
pub fn is_api_warning(message: &str) -> bool {
    // Kubernetes warns about a repeated variable and keeps the last (ValidateEnv has no
    // check for it; the kubelet sets them in order).
    [
        LAST_WINS,
        EMPTY_PULL_SECRET,
        UNQUALIFIED_FINALIZER,
        JOB_NAME_NOT_LABEL,
        DROPPED_DATA_SOURCE,
    ]
    .iter()
    .any(|c| message.contains(c))
}

/// Does a problem's text say it is a repeat Kubernetes resolves (the last one wins)?
pub fn is_repeat(message: &str) -> bool {
    message.contains(LAST_WINS)
}

/// What the stream may reference without defining it.
#[derive(Debug, Default)]
pub struct Known {
    /// Secrets that exist outside the stream (declared by the values, or generated in-cluster).
    pub secrets: BTreeSet<String>,
    /// ConfigMaps that exist outside the stream (e.g. a CA bundle the values name).
    pub configmaps: BTreeSet<String>,
    /// ServiceAccounts that exist outside the stream (`serviceAccount.create=false`).
    pub serviceaccounts: BTreeSet<String>,
    /// PersistentVolumeClaims that exist outside the stream (named by `extraVolumes`).
    pub claims: BTreeSet<String>,
    /// Schemas of custom resources defined outside the stream (`validate --crd`).
    pub crds: super::crd::Schemas,
}

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
];

/// A pod template found in the stream: owner doc, path prefix, spec and labels.
#[derive(Clone)]
struct PodTemplate<'a> {
    doc: usize,
    prefix: String,
    labels: Map<String, Value>,
    spec: &'a Value,
}

fn pod_templates(docs: &[Document]) -> Vec<PodTemplate<'_>> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let (prefix, tmpl) = match d.kind() {
            "Pod" => ("".to_string(), Some(&d.value)),
            "CronJob" => (
                "spec.jobTemplate.spec.template.".to_string(),
                d.value.at("/spec/jobTemplate/spec/template"),
            ),
            // ValidatePodTemplate → ValidatePodTemplateSpec: a PodTemplate's pod spec is
            // checked as a workload's template is (port and variable names, mounts).
            "PodTemplate" => ("template.".to_string(), d.value.get("template")),
            k if WORKLOADS.contains(&k) => {
                ("spec.template.".to_string(), d.value.at("/spec/template"))
            }
            _ => continue,
        };
        let Some(tmpl) = tmpl else { continue };
        let labels = tmpl
            .at("/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(spec) = tmpl.get("spec") {
            out.push(PodTemplate {
                doc: i,
                prefix,
                labels,
                spec,
            });
        }
    }
    out
}

fn containers(spec: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for field in ["initContainers", "containers"] {
        if let Some(list) = spec.get(field).and_then(Value::as_array) {
            for (n, c) in list.iter().enumerate() {
                out.push((format!("spec.{field}[{n}]"), c));
            }
        }
    }
    out
}

/// matchLabels ⊆ labels, and every matchExpression holds.
pub(crate) fn selector_matches(sel: &Value, labels: &Map<String, Value>) -> bool {
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object)
        && !ml.iter().all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e.text("key");
            let vals: Vec<&Value> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            let have = labels.get(key);
            let ok = match e.text("operator") {
                "In" => have.is_some_and(|h| vals.contains(&h)),
                "NotIn" => have.is_none_or(|h| !vals.contains(&h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// A plain map selector (Service.spec.selector) against labels.
fn map_selects(sel: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v))
}

pub(crate) fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// apimachinery `IsDNS1123Subdomain`: at most 253 characters of dot-separated parts made
/// of lowercase letters, digits and '-' (no per-part length limit, unlike a label).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !p.starts_with('-')
                && !p.ends_with('-')
        })
}

pub(crate) fn is_label_value(s: &str) -> bool {
    s.is_empty()
        || (s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric())
}

pub(crate) fn is_label_key(k: &str) -> bool {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    prefix.is_none_or(is_dns1123_subdomain) && !name.is_empty() && is_label_value(name)
}

/// IANA_SVC_NAME: ≤ 15 chars, lowercase alphanumerics and '-', a letter, no '--'.
pub(crate) fn is_port_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 15
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// apimachinery `IsRelaxedEnvVarName` (RelaxedEnvironmentVariableValidation is on by
/// default in 1.33): printable ASCII other than '='.
fn is_env_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'=')
}

/// An environment variable's name as a message quotes it: cut after its first '=', since
/// a name written `NAME=value` (as in a `.env` file) holds the value, which may be a
/// credential (`DB_PASSWORD=…`).
fn env_name(name: &str) -> String {
    match name.split_once('=') {
        Some((head, _)) => crate::error::quoted(&format!("{head}=…")),
        None => crate::error::quoted(name),
    }
}

struct Ctx<'a> {
    docs: &'a [Document],
    out: Vec<SemanticProblem>,
    /// (kind, name) → the documents with it, in order: a reference looks only at these.
    by_name: HashMap<(&'a str, &'a str), Vec<usize>>,
}

/// Pod templates indexed by label (key, value), so a selector looks only at the pods
/// that carry its first label instead of at every pod in the stream.
struct Pods<'a> {
    all: Vec<PodTemplate<'a>>,
    by_label: HashMap<(String, String), Vec<usize>>,
}

impl<'a> Pods<'a> {
    fn new(all: Vec<PodTemplate<'a>>) -> Self {
        let mut by_label: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (n, p) in all.iter().enumerate() {
            for (k, v) in &p.labels {
                by_label
                    .entry((k.clone(), v.to_string()))
                    .or_default()
                    .push(n);
            }
        }
        Pods { all, by_label }
    }

    /// The pods a selector could match: those with its first required label, or all.
    fn candidates(&self, required: Option<&Map<String, Value>>) -> Vec<&PodTemplate<'a>> {
        match required.and_then(|m| m.iter().next()) {
            Some((k, v)) => self
                .by_label
                .get(&(k.clone(), v.to_string()))
                .map(|ix| ix.iter().map(|&n| &self.all[n]).collect())
                .unwrap_or_default(),
            None => self.all.iter().collect(),
        }
    }

    /// Does any pod template match this LabelSelector?
    fn any_selected(&self, sel: &Value) -> bool {
        let required = sel.get("matchLabels").and_then(Value::as_object);
        self.candidates(required)
            .into_iter()
            .any(|p| selector_matches(sel, &p.labels))
    }
}

impl Ctx<'_> {
    fn add(&mut self, doc: usize, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(SemanticProblem {
            doc,
            path: path.into(),
            message: message.into(),
        });
    }
    /// The object `kind`/`name` that the object `from` can reference: in its namespace
    /// (an object without one lands in the namespace it is applied to, so it matches any).
    fn find(&self, kind: &str, name: &str, from: usize) -> Option<&Document> {
        let ns = self.docs[from].str_at("/metadata/namespace");
        self.by_name
            .get(&(kind, name))?
            .iter()
            .map(|&i| &self.docs[i])
            .find(|d| {
                let there = d.str_at("/metadata/namespace");
                there == ns || there.is_empty() || ns.is_empty()
            })
    }
}

/// Runs every cross-object check.
pub fn check(docs: &[Document], known: &Known) -> Vec<SemanticProblem> {
    let mut by_name = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_name
            .entry((d.kind(), d.name()))
            .or_insert_with(Vec::new)
            .push(i);
    }
    let mut cx = Ctx {
        docs,
        out: Vec::new(),
        by_name,
    };
    let templates = pod_templates(docs);
    // A PodTemplate runs no pod: no selector selects it.
    let pods = Pods::new(
        templates
            .iter()
            .filter(|p| docs[p.doc].kind() != "PodTemplate")
            .cloned()
            .collect(),
    );
    names_and_labels(&mut cx);
    workload_selectors(&mut cx, &pods.all);
    containers_check(&mut cx, &templates, known);
    services(&mut cx, &pods);
    ingresses(&mut cx);
    scale_and_disruption(&mut cx, &pods);
    network_policies(&mut cx, &pods);
    cx.out
}

fn names_and_labels(cx: &mut Ctx<'_>) {
    let mut seen: HashMap<(String, String, String), Vec<String>> = HashMap::new();
    for (i, d) in cx.docs.iter().enumerate() {
        let name = d.name().to_string();
        // A missing name (generateName, or the missing-name problem) is reported elsewhere.
        let named = !name.is_empty();
        let label_kinds = ["Service", "Namespace"];
        // Custom resources' names are only path segments (ValidateObjectMeta with
        // path.IsValidPathSegmentName); RBAC names too (ValidateRBACName, in rules/rbac.rs).
        let subdomain_kind = super::typed::is_builtin(d.api_version(), d.kind())
            && !d.kind().ends_with("Binding")
            && !d.kind().ends_with("Role");
        if d.kind() == "Service"
            && !name.starts_with(|c: char| c.is_ascii_lowercase())
            && is_dns1123_label(&name)
        {
            // ValidateServiceName: a DNS-1035 label, which starts with a letter.
            cx.add(
                i,
                "metadata.name",
                format!("{name:?} must start with a letter (a Service name is a DNS-1035 label)"),
            );
        }
        if !named {
        } else if d.kind() == "IPAddress" && d.api_version().starts_with("networking.k8s.io/") {
            // ValidateIPAddressName (pkg/apis/networking/validation, v1.33): the name is an
            // IP address (apimachinery's IsValidIP), not a DNS subdomain.
            if name.parse::<std::net::IpAddr>().is_err() {
                cx.add(i, "metadata.name", format!("{name:?} must be an IP address (an IPAddress is named by its address, e.g. 10.96.0.10 or 2001:db8::1)"));
            }
        } else if (d.kind() == "Event" && d.api_version() == "v1")
            || (d.kind() == "CertificateSigningRequest"
                && d.api_version().starts_with("certificates.k8s.io/"))
        {
            // A core v1 Event (ValidateEventCreate applies legacyValidateEvent alone to
            // requests of v1: pkg/apis/core/validation/events.go) and a CSR
            // (ValidateCertificateRequestName: "We don't care what you call your
            // certificate requests", pkg/apis/certificates/validation/validation.go) have
            // no name rule of their own: only the API server's path segment rule
            // (apiserver rest.BeforeCreate, path.IsValidPathSegmentName).
            if !super::rules::path_segment(&name) {
                cx.add(
                    i,
                    "metadata.name",
                    format!("{name:?} may not be '.' or '..' or contain '/' or '%'"),
                );
            }
        } else if label_kinds.contains(&d.kind()) {
            if !is_dns1123_label(&name) {
                cx.add(i, "metadata.name", format!("{name:?} is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)"));
            }
        } else if subdomain_kind && !is_dns1123_subdomain(&name) {
            cx.add(i, "metadata.name", format!("{name:?} is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters)"));
        }
        // The same object twice: same API group, kind and name, in the same namespace —
        // and an object without a namespace goes to whichever namespace it is applied to
        // (`kubectl apply -n`), so it collides with a namespaced twin of any namespace.
        let ns = d.str_at("/metadata/namespace").to_string();
        let group = d
            .api_version()
            .rsplit_once('/')
            .map_or("", |(g, _)| g)
            .to_string();
        let spaces = seen
            .entry((group, d.kind().to_string(), name.clone()))
            .or_default();
        // Objects named by generateName get a fresh name each: they never collide.
        if named
            && spaces
                .iter()
                .any(|s| *s == ns || s.is_empty() || ns.is_empty())
        {
            cx.add(
                i,
                "metadata.name",
                format!(
                    "{DUPLICATE}: {} is defined twice{}",
                    d.id(),
                    if ns.is_empty() {
                        " (one has no namespace, so it lands in the same one)"
                    } else {
                        ""
                    }
                ),
            );
        }
        spaces.push(ns);
        let mut label_sets: Vec<(String, &Value)> = Vec::new();
        if let Some(l) = d.value.at("/metadata/labels") {
            label_sets.push(("metadata.labels".into(), l));
        }
        if let Some(l) = d.value.at("/spec/template/metadata/labels") {
            label_sets.push(("spec.template.metadata.labels".into(), l));
        }
        for (at, labels) in label_sets {
            for (k, v) in labels.as_object().into_iter().flatten() {
                if !is_label_key(k) {
                    cx.add(i, format!("{at}[{k:?}]"), "invalid label key");
                }
                match v.as_str() {
                    Some(s) if is_label_value(s) => {}
                    _ => cx.add(i, format!("{at}[{k:?}]"), "invalid label value (at most 63 characters: alphanumerics, '-', '_', '.', starting and ending alphanumeric)"),
                }
            }
        }
    }
}

fn workload_selectors(cx: &mut Ctx<'_>, pods: &[PodTemplate<'_>]) {
    for p in pods {
        let d = &cx.docs[p.doc];
        // Pods and CronJobs have no selector; a Job's is usually generated.
        // A Job's selector is the API server's to generate unless manualSelector is true
        // (rules::workloads checks a given one against the generated labels).
        if d.kind() == "Pod"
            || d.kind() == "CronJob"
            || d.kind() == "Job" && d.value.at("/spec/manualSelector") != Some(&Value::Bool(true))
        {
            continue;
        }
        // The apps kinds refuse an empty selector, `matchLabels: {}` and
        // `matchExpressions: []` included: `len(MatchLabels)+len(MatchExpressions) == 0`
        // is "empty selector is invalid for deployment" (ValidateDeploymentSpec, and the
        // same in ValidateReplicaSetSpec, ValidateDaemonSetSpec, ValidateStatefulSetSpec,
        // pkg/apis/apps/validation/validation.go, v1.33). A Job's may be empty.
        let apps = matches!(
            d.kind(),
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet"
        );
        let present = |sel: &Value, key: &str| match sel.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Object(m)) => !apps || !m.is_empty(),
            Some(Value::Array(a)) => !apps || !a.is_empty(),
            Some(_) => true,
        };
        match d.value.at("/spec/selector") {
            Some(sel)
                if present(sel, "matchLabels")
                    || present(sel, "matchExpressions")
                    || (!apps && sel.is_object()) =>
            {
                if !selector_matches(sel, &p.labels) {
                    cx.add(
                        p.doc,
                        "spec.selector",
                        "the selector does not match the pod template's labels",
                    );
                }
            }
            _ => cx.add(
                p.doc,
                "spec.selector",
                "missing selector (matchLabels or matchExpressions, not both empty)",
            ),
        }
        if d.kind() == "StatefulSet" {
            let svc = d.str_at("/spec/serviceName");
            if !svc.is_empty() && cx.find("Service", svc, p.doc).is_none() {
                cx.add(
                    p.doc,
                    "spec.serviceName",
                    format!("no Service named {svc:?} in the manifests"),
                );
            }
        }
    }
}

fn secret_known(cx: &Ctx<'_>, known: &Known, name: &str, from: usize) -> bool {
    cx.find("Secret", name, from).is_some() || known.secrets.contains(name)
}

fn containers_check(cx: &mut Ctx<'_>, pods: &[PodTemplate<'_>], known: &Known) {
    for p in pods {
        let spec = p.spec;
        let pre = p.prefix.to_string();
        let sa = spec
            .get("serviceAccountName")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !sa.is_empty()
            && sa != "default"
            && cx.find("ServiceAccount", sa, p.doc).is_none()
            && !known.serviceaccounts.contains(sa)
        {
            cx.add(
                p.doc,
                format!("{pre}spec.serviceAccountName"),
                format!("no ServiceAccount named {sa:?} in the manifests"),
            );
        }
        let volumes: Vec<&Value> = spec
            .get("volumes")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let vol_names: HashSet<&str> = volumes
            .iter()
            .filter_map(|v| v.get("name").and_then(Value::as_str))
            .collect();
        for (n, v) in volumes.iter().enumerate() {
            let at = format!("{pre}spec.volumes[{n}]");
            if let Some(name) = v.at("/secret/secretName").and_then(Value::as_str) {
                let optional = v
                    .at("/secret/optional")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if !optional && !secret_known(cx, known, name, p.doc) {
                    cx.add(
                        p.doc,
                        format!("{at}.secret.secretName"),
                        format!(
                            "Secret {name:?} is neither in the manifests nor declared as provided"
                        ),
                    );
                }
            }
            if let Some(name) = v.at("/configMap/name").and_then(Value::as_str) {
                let optional = v
                    .at("/configMap/optional")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if !optional
                    && cx.find("ConfigMap", name, p.doc).is_none()
                    && !known.configmaps.contains(name)
                {
                    cx.add(
                        p.doc,
                        format!("{at}.configMap.name"),
                        format!("no ConfigMap named {name:?} in the manifests"),
                    );
                }
            }
            if let Some(claim) = v
                .at("/persistentVolumeClaim/claimName")
                .and_then(Value::as_str)
            {
                let from_sts = cx.docs[p.doc].kind() == "StatefulSet";
                if !from_sts
                    && cx.find("PersistentVolumeClaim", claim, p.doc).is_none()
                    && !known.claims.contains(claim)
                {
                    cx.add(
                        p.doc,
                        format!("{at}.persistentVolumeClaim.claimName"),
                        format!("no PersistentVolumeClaim named {claim:?} in the manifests"),
                    );
                }
            }
        }
        let claim_templates: HashSet<String> = cx.docs[p.doc]
            .value
            .at("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| {
                        c.at("/metadata/name")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (cpath, c) in containers(spec) {
            let at = format!("{pre}{cpath}");
            let port_names: HashSet<&str> = c
                .get("ports")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.get("name").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            for (n, port) in c
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(name) = port.get("name").and_then(Value::as_str)
                    && !is_port_name(name)
                {
                    cx.add(p.doc, format!("{at}.ports[{n}].name"), format!("{name:?} is not a valid port name (at most 15 lowercase alphanumerics or '-', with a letter)"));
                }
            }
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                for kind in ["httpGet", "tcpSocket", "grpc"] {
                    if let Some(Value::String(name)) = c
                        .get(probe)
                        .and_then(|pr| pr.get(kind))
                        .and_then(|h| h.get("port"))
                        && !port_names.contains(name.as_str())
                    {
                        cx.add(
                            p.doc,
                            format!("{at}.{probe}.{kind}.port"),
                            format!("the container has no port named {name:?}"),
                        );
                    }
                }
            }
            let mut env_seen = HashSet::new();
            for (n, e) in c
                .get("env")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let name = e.text("name");
                if !is_env_name(name) {
                    let hint = if name.contains('=') {
                        ": a name holds no '=' (its value goes in `value`)"
                    } else {
                        ""
                    };
                    cx.add(
                        p.doc,
                        format!("{at}.env[{n}].name"),
                        format!(
                            "{} is not a valid environment variable name{hint}",
                            env_name(name)
                        ),
                    );
                }
                if !env_seen.insert(name) {
                    cx.add(
                        p.doc,
                        format!("{at}.env[{n}].name"),
                        format!(
                            "environment variable {} is given twice: {LAST_WINS}",
                            env_name(name)
                        ),
                    );
                }
                if let Some(r) = e.at("/valueFrom/secretKeyRef") {
                    let sname = r.text("name");
                    let optional = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
                    if !optional && !secret_known(cx, known, sname, p.doc) {
                        cx.add(p.doc, format!("{at}.env[{n}].valueFrom.secretKeyRef.name"), format!("Secret {sname:?} is neither in the manifests nor declared as provided"));
                    } else if let Some(s) = cx.find("Secret", sname, p.doc) {
                        let key = r.text("key");
                        let has = ["/data", "/stringData"]
                            .iter()
                            .any(|f| s.value.at(f).and_then(|m| m.get(key)).is_some());
                        if !has && !optional {
                            cx.add(
                                p.doc,
                                format!("{at}.env[{n}].valueFrom.secretKeyRef.key"),
                                format!("Secret {sname:?} has no key {key:?}"),
                            );
                        }
                    }
                }
                if let Some(r) = e.at("/valueFrom/configMapKeyRef") {
                    let cname = r.text("name");
                    let optional = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
                    match cx.find("ConfigMap", cname, p.doc) {
                        None if !optional => cx.add(
                            p.doc,
                            format!("{at}.env[{n}].valueFrom.configMapKeyRef.name"),
                            format!("no ConfigMap named {cname:?} in the manifests"),
                        ),
                        Some(cm) => {
                            let key = r.text("key");
                            if cm.value.at("/data").and_then(|m| m.get(key)).is_none() && !optional
                            {
                                cx.add(
                                    p.doc,
                                    format!("{at}.env[{n}].valueFrom.configMapKeyRef.key"),
                                    format!("ConfigMap {cname:?} has no key {key:?}"),
                                );
                            }
                        }
                        None => {}
                    }
                }
            }
            for (n, e) in c
                .get("envFrom")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(sname) = e.at("/secretRef/name").and_then(Value::as_str) {
                    let optional = e
                        .at("/secretRef/optional")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    if !optional && !secret_known(cx, known, sname, p.doc) {
                        cx.add(p.doc, format!("{at}.envFrom[{n}].secretRef.name"), format!("Secret {sname:?} is neither in the manifests nor declared as provided"));
                    }
                }
                if let Some(cname) = e.at("/configMapRef/name").and_then(Value::as_str) {
                    let optional = e
                        .at("/configMapRef/optional")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    if !optional
                        && cx.find("ConfigMap", cname, p.doc).is_none()
                        && !known.configmaps.contains(cname)
                    {
                        cx.add(
                            p.doc,
                            format!("{at}.envFrom[{n}].configMapRef.name"),
                            format!("no ConfigMap named {cname:?} in the manifests"),
                        );
                    }
                }
            }
            for (n, m) in c
                .get("volumeMounts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let name = m.text("name");
                if !vol_names.contains(name) && !claim_templates.contains(name) {
                    cx.add(
                        p.doc,
                        format!("{at}.volumeMounts[{n}].name"),
                        format!("no volume named {name:?} in the pod"),
                    );
                }
            }
        }
    }
    // Quantities (resources, storage requests) are parsed by the typed check, as the
    // API server parses them (typed/quantities.rs).
}

fn services(cx: &mut Ctx<'_>, pods: &Pods<'_>) {
    for (i, d) in cx.docs.iter().enumerate() {
        if d.kind() != "Service" {
            continue;
        }
        let Some(sel) = d.value.at("/spec/selector").and_then(Value::as_object) else {
            continue; // selector-less Services (external endpoints) are fine
        };
        let selected: Vec<&PodTemplate<'_>> = pods
            .candidates(Some(sel))
            .into_iter()
            .filter(|p| map_selects(sel, &p.labels))
            .collect();
        if selected.is_empty() {
            cx.out.push(SemanticProblem {
                doc: i,
                path: "spec.selector".into(),
                message: "the selector matches no pod template in the manifests".into(),
            });
            continue;
        }
        for (n, port) in d
            .value
            .at("/spec/ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            // targetPort defaults to port; a name must be a declared container port, and so
            // must a number (otherwise nothing in the selected pods listens there).
            // (0 and "" default to it too: SetDefaults_Service.)
            let Some(target) = port
                .get("targetPort")
                .filter(|t| !(t.as_i64() == Some(0) || t.as_str() == Some("")))
                .or_else(|| port.get("port"))
            else {
                continue;
            };
            if !(target.is_string() || target.is_number()) {
                continue;
            }
            let found = selected.iter().any(|p| {
                containers(p.spec).iter().any(|(path, c)| {
                    path.starts_with("spec.containers")
                        && c.get("ports")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .any(|cp| port_matches(cp, target))
                })
            });
            if !found {
                let what = if target.is_string() {
                    "a port named"
                } else {
                    "a containerPort"
                };
                cx.out.push(SemanticProblem {
                    doc: i,
                    path: format!("spec.ports[{n}].targetPort"),
                    message: format!("no selected container has {what} {target}"),
                });
            }
        }
    }
}

/// A container port matches a Service targetPort by name (string) or number.
fn port_matches(container_port: &Value, target: &Value) -> bool {
    match target {
        Value::String(name) => container_port.get("name").and_then(Value::as_str) == Some(name),
        Value::Number(n) => {
            container_port.get("containerPort").and_then(Value::as_u64) == n.as_u64()
        }
        _ => false,
    }
}

fn service_has_port(svc: &Document, port: &Value) -> bool {
    svc.value
        .at("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|p| {
            port.get("name").is_some_and(|n| p.get("name") == Some(n))
                || port.get("number").is_some_and(|n| p.get("port") == Some(n))
        })
}

fn ingresses(cx: &mut Ctx<'_>) {
    let mut problems = Vec::new();
    for (i, d) in cx.docs.iter().enumerate() {
        if d.kind() != "Ingress" {
            continue;
        }
        let mut backends: Vec<(String, &Value)> = Vec::new();
        if let Some(b) = d.value.at("/spec/defaultBackend/service") {
            backends.push(("spec.defaultBackend.service".into(), b));
        }
        for (r, rule) in d
            .value
            .at("/spec/rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (p, path) in rule
                .at("/http/paths")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(b) = path.at("/backend/service") {
                    backends.push((
                        format!("spec.rules[{r}].http.paths[{p}].backend.service"),
                        b,
                    ));
                }
            }
        }
        for (at, b) in backends {
            let name = b.text("name");
            match cx.find("Service", name, i) {
                None => problems.push(SemanticProblem {
                    doc: i,
                    path: format!("{at}.name"),
                    message: format!("no Service named {name:?} in the manifests"),
                }),
                Some(svc) => {
                    if let Some(port) = b.get("port")
                        && !service_has_port(svc, port)
                    {
                        problems.push(SemanticProblem {
                            doc: i,
                            path: format!("{at}.port"),
                            message: format!("Service {name:?} has no such port"),
                        });
                    }
                }
            }
        }
    }
    cx.out.extend(problems);
}

fn scale_and_disruption(cx: &mut Ctx<'_>, pods: &Pods<'_>) {
    let mut problems = Vec::new();
    for (i, d) in cx.docs.iter().enumerate() {
        match d.kind() {
            "HorizontalPodAutoscaler" => {
                let kind = d.str_at("/spec/scaleTargetRef/kind");
                let name = d.str_at("/spec/scaleTargetRef/name");
                if cx.find(kind, name, i).is_none() {
                    problems.push(SemanticProblem {
                        doc: i,
                        path: "spec.scaleTargetRef".into(),
                        message: format!("no {kind} named {name:?} in the manifests"),
                    });
                }
                let (min, max) = (
                    d.value
                        .at("/spec/minReplicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(1),
                    d.value
                        .at("/spec/maxReplicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(0),
                );
                if min > max {
                    problems.push(SemanticProblem {
                        doc: i,
                        path: "spec.minReplicas".into(),
                        message: format!("minReplicas {min} is greater than maxReplicas {max}"),
                    });
                }
            }
            "PodDisruptionBudget" => {
                if let Some(sel) = d.value.at("/spec/selector")
                    && !pods.any_selected(sel)
                {
                    problems.push(SemanticProblem {
                        doc: i,
                        path: "spec.selector".into(),
                        message: "the selector matches no pod template in the manifests".into(),
                    });
                }
            }
            _ => {}
        }
    }
    cx.out.extend(problems);
}

fn network_policies(cx: &mut Ctx<'_>, pods: &Pods<'_>) {
    let mut problems = Vec::new();
    for (i, d) in cx.docs.iter().enumerate() {
        if d.kind() != "NetworkPolicy" {
            continue;
        }
        if let Some(sel) = d.value.at("/spec/podSelector") {
            let empty = sel.as_object().is_none_or(|m| {
                m.values().all(|v| {
                    v.as_object().is_some_and(|o| o.is_empty())
                        || v.as_array().is_some_and(|a| a.is_empty())
                })
            });
            if !empty && !pods.any_selected(sel) {
                problems.push(SemanticProblem {
                    doc: i,
                    path: "spec.podSelector".into(),
                    message: "the podSelector matches no pod template in the manifests".into(),
                });
            }
        }
    }
    cx.out.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name written `NAME=value` is quoted up to its '=': the value may be a credential.
    #[test]
    fn env_names_are_quoted_without_a_value() {
        assert_eq!(env_name("DB_PASSWORD=hunter2"), "\"DB_PASSWORD=…\"");
        assert_eq!(env_name("=x"), "\"=…\"");
        assert_eq!(env_name("PATH"), "\"PATH\"");
        assert!(!env_name(&format!("A={}", "s".repeat(500))).contains('s'));
    }

    /// The canonical quantity syntax the chart's values take (the typed check parses a
    /// manifest's quantities as the API server does: typed/quantities.rs).
    #[test]
    fn quantity_table() {
        for ok in ["1", "500m", "1.5Gi", "256Mi", "1e3", "+1", "0.5"] {
            assert!(crate::model::is_quantity(ok), "{ok}");
        }
        for bad in ["", "1GB", "abc", "1..2", "Mi", "1e"] {
            assert!(!crate::model::is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(is_port_name("http"));
        assert!(!is_port_name("a-very-long-port-name"));
        assert!(!is_port_name("8080"));
        assert!(is_label_key("app.kubernetes.io/name"));
        assert!(!is_label_key("-bad"));
        assert!(is_dns1123_label("mlflow-postgresql"));
        assert!(!is_dns1123_label("MLflow"));
    }
}
