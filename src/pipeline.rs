//! The pipeline as a library: a plain [`Request`] in; values → render → parse → validate
//! → sort; the sorted, validated documents and the stderr lines out. The CLI (`cli.rs`)
//! only turns flags into a request and the result into output.

use crate::crew::Crew;
use crate::emit;
use crate::error::Failure;
use crate::parse::At;
use crate::parse::{self, Document};
use crate::render::{self, Capabilities, wiring::Release};
use crate::validate::{self, Known};
use crate::values::{self, ValuesArgs};
use crate::{schema, sort};

use crate::origin::{EXTRA_OBJECTS, Found, Origins};

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
    /// Emit each document's YAML (for the YAML stream) as it is validated: see
    /// [`Rendered::yaml`].
    pub yaml: bool,
}

/// What a render made: the sorted, validated documents and the stderr lines.
#[derive(Debug)]
pub struct Rendered {
    pub docs: Vec<Document>,
    /// When the request asked for YAML: each document as it stands in the stream, in the
    /// documents' order (the stream is these, one after the other).
    pub yaml: Option<Vec<String>>,
    pub stderr: Vec<String>,
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
            yaml: false,
        }
    }
}

/// The whole render pipeline; returns the sorted, validated documents and stderr lines.
pub fn render(args: &Request) -> Result<(Vec<Document>, Vec<String>), Failure> {
    run(args).map(|r| (r.docs, r.stderr))
}

/// [`render`], with the documents' YAML when the request asks for it.
pub fn run(args: &Request) -> Result<Rendered, Failure> {
    // The crew's second thread starts now, so that it is running by the time the
    // templates are.
    run_with(args, Crew::start())
}

/// [`run`] with this crew.
fn run_with(args: &Request, crew: Crew) -> Result<Rendered, Failure> {
    if !is_release_name(&args.release) {
        // Not shown, as Helm does not show it (pkg/chart/v2/util/validate_name.go:41-43
        // at v4.2.3): a release name that is not one is most often a word split from a
        // --set flag by a space (`--set a=1,b S3CR3T`), which may be a credential.
        return Err(Failure::input(
            "invalid release name (not shown: a word that is no release name is most often a value split from its --set flag by a space, and may be a secret): use at most 53 lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit".to_string(),
        ));
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

    // The template engine is built on the second thread, if it is up, while the values
    // are computed.
    let engine = crew.offer(vec![()], |()| render::Engine::new());
    let mut computed = values::compute(&args.values)?;
    schema::restore_deleted(&mut computed)?;
    refuse_hidden(&computed)?;
    // The schema check on the second thread while this one decodes the values into the
    // model; the check's problems, if any, are the error, as when it runs first.
    let computed = std::sync::Arc::new(computed);
    let checking = (!args.skip_schema_validation).then(|| {
        let values = computed.clone();
        crew.offer(vec![()], move |()| schema::check(&values))
    });
    let model = schema::decode(&computed);
    if let Some(check) = checking {
        check
            .finish()
            .into_iter()
            .collect::<Result<(), Failure>>()?;
    }
    let model = model?;
    render_model(
        &computed,
        &model,
        &release,
        &caps,
        (&crew, engine),
        args.yaml,
    )
}

/// No value is the marker `mlflow-chart values` prints in place of a credential: a values
/// file made from its output would otherwise set that text as a password.
fn refuse_hidden(computed: &values::Computed) -> Result<(), Failure> {
    let hidden = values::hidden_paths(&computed.values);
    if hidden.is_empty() {
        return Ok(());
    }
    Err(Failure::input(
        "a value is the marker `mlflow-chart values` prints in place of a credential",
    )
    .with_problems(
        hidden
            .iter()
            .map(|p| format!("{p} {}", computed.origin(p)))
            .collect(),
    )
    .hint("give the credential itself (`mlflow-chart values --show-secrets` prints the merged values with it), or leave the key out"))
}

/// render → parse → validate → sort (and emit, when `yaml`), from the checked model; each
/// stage's items shared by the crew.
fn render_model(
    computed: &values::Computed,
    model: &crate::model::Values,
    release: &Release,
    caps: &Capabilities,
    (crew, engine): (&Crew, crate::crew::Stage<(), render::Engine>),
    yaml: bool,
) -> Result<Rendered, Failure> {
    let render::Prepared { wiring, ctx } =
        render::prepare(model, release, caps).map_err(|f| located(f, computed))?;
    let engine = std::sync::Arc::new(engine.finish().pop().unwrap_or_default());
    engine.bind(model, release);
    // render: every template (all that fail are reported)
    let templates: Vec<usize> = (0..render::output_count()).collect();
    let rendered = crew.map(templates, move |index| engine.render_one(index, &ctx));
    let files = render::gather(rendered).map_err(|f| located(f, computed))?;
    // parse: every text (all that fail are reported)
    let parsed = crew.map(files, |f| {
        parse::parse_rendered(&f.template, &f.text, f.held)
    });
    let docs = parse::gather(parsed).map_err(parse::failed)?;
    // validate: each object alone (the stream's objects: `List`s expanded), then across
    // objects
    let docs = std::sync::Arc::new(docs);
    let objects = match validate::expand_lists(&docs) {
        std::borrow::Cow::Borrowed(_) => docs.clone(),
        std::borrow::Cow::Owned(expanded) => std::sync::Arc::new(expanded),
    };
    let alone = crew.map((0..objects.len()).collect(), move |i| {
        validate::check_alone(i, &objects[i])
    });
    let each: Vec<usize> = (0..docs.len()).collect();
    // emit, on the other thread while this one checks across objects
    let emitting = yaml.then(|| {
        let all = docs.clone();
        crew.offer(each, move |i| emit::document(&all[i]))
    });
    let w = &wiring;
    let known = Known {
        secrets: w.secrets_outside.iter().cloned().collect(),
        configmaps: w.configmaps_outside.iter().cloned().collect(),
        serviceaccounts: w.serviceaccounts_outside.iter().cloned().collect(),
        claims: w.ext.claims.iter().cloned().collect(),
        crds: Default::default(),
    };
    let report = validate::check_with(&docs, &known, Some(EXTRA_OBJECTS), Some(alone))
        .map_err(|f| copied_from_values(f, &docs, &known, computed))?;
    let minor = render::parse_kube_version(&caps.kube_version).map_or(33, |(_, m)| m);
    restricted(&docs, minor, computed)?;
    gated_fields(&docs, minor, computed)?;
    gated_apis(&docs, &caps.api_versions, computed)?;
    resource_claims(&docs, computed)?;
    if model.openshift {
        openshift_ids(&docs, computed)?;
    }
    let texts = emitting.map(|stage| stage.finish());
    // The stages' closures are gone (a stage's results are in once `finish` returns, and
    // the other thread drops its share of the closure right after); a copy if not yet.
    let mut docs = std::sync::Arc::try_unwrap(docs).unwrap_or_else(|shared| (*shared).clone());
    let mut broad = broad_grants(&docs);
    // What extraObjects reference that the render does not hold (the cluster may).
    broad.extend(report.warnings.iter().map(|w| {
        if validate::semantic::is_api_warning(w) {
            // Kubernetes takes it and warns (a repeat, an unqualified finalizer, …): the
            // message says what to change; there is nothing in the cluster to check.
            w.clone()
        } else {
            format!("{w} (kubectl accepts it; make sure the cluster has it)")
        }
    }));
    broad.extend(partly_checked(&docs));
    broad.extend(defined_in_the_stream(&docs));
    broad.extend(unrestricted_extras(&docs, minor));
    // Custom resources nothing here has a schema for (extraObjects of other kinds, the
    // ServiceMonitor): rendered, but say so.
    broad.extend(report.not_validated.iter().map(|n| {
        format!("{n} is not validated: no schema for its kind (check it with `mlflow-chart validate --crd FILE`, giving its CustomResourceDefinition)")
    }));
    let yaml = if let Some(texts) = texts {
        let mut pairs: Vec<(Document, Result<String, Failure>)> =
            docs.into_iter().zip(texts).collect();
        sort::sort_by_kind(&mut pairs, |(d, _)| d);
        let (sorted, texts): (Vec<Document>, Vec<_>) = pairs.into_iter().unzip();
        docs = sorted;
        broad.extend(too_large_for_client_side_apply(&docs, &texts));
        // The first document that failed to serialise, in stream order, as `emit::stream`.
        Some(
            texts
                .into_iter()
                .collect::<Result<Vec<String>, Failure>>()?,
        )
    } else {
        sort::sort(&mut docs);
        None
    };

    let mut stderr: Vec<String> = computed
        .warnings
        .iter()
        .chain(&w.warnings)
        .chain(&broad)
        .map(|m| format!("warning: {m}"))
        .collect();
    stderr.extend(w.notes.iter().map(|m| format!("note: {m}")));
    stderr.extend(render::wiring::next_steps(model, w, release));
    Ok(Rendered { docs, yaml, stderr })
}

/// Every values key path a wiring message names (`minio.auth.rootPassword`,
/// `MLFlow.allowedHosts[2]`), in its order, that the values hold.
fn named_keys<'a>(
    message: &'a str,
    values: &'a serde_json::Value,
) -> impl Iterator<Item = crate::locate::KeyPath> + 'a {
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']');
    // A top-level key leading the message (`fullnameOverride: …`, `replicaCount must …`).
    let head = message
        .split([':', ' '])
        .next()
        .filter(|head| {
            !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .map(|head| crate::locate::KeyPath::default().key(head))
        .filter(|path| crate::locate::lookup(values, path).is_some());
    let named = message
        .split(move |c: char| !is_key_char(c))
        .filter(|t| (t.contains('.') || t.contains('[')) && !t.starts_with(['.', '[']))
        .filter_map(|token| {
            let mut path = crate::locate::KeyPath::default();
            for part in token.trim_end_matches('.').split('.') {
                let (name, rest) = part.split_once('[').unwrap_or((part, ""));
                path = path.key(name);
                for idx in rest.split('[').filter(|x| !x.is_empty()) {
                    path = path.index(idx.trim_end_matches(']').parse().ok()?);
                }
            }
            // A field the message says is missing: its nearest ancestor the values hold
            // (`extraEnvFrom[1].secretRef`), no shallower than two steps.
            while crate::locate::lookup(values, &path).is_none() && path.0.len() > 2 {
                path.0.pop();
            }
            crate::locate::lookup(values, &path).map(|_| path)
        });
    head.into_iter().chain(named)
}

/// A broken rule of the wiring names its key; this adds where the key's value came from
/// (file:line or flag), as the schema's messages do.
fn located(mut f: Failure, computed: &values::Computed) -> Failure {
    for p in &mut f.problems {
        // Each key the rule names that the user gave (a request and the limit it is
        // above: either may be the one that changed).
        let mut given: Vec<crate::locate::KeyPath> = Vec::new();
        for path in named_keys(p, &computed.values) {
            if !given.contains(&path)
                && matches!(
                    computed.provenance(&path),
                    values::Provenance::Flag(_) | values::Provenance::File(_)
                )
            {
                given.push(path);
            }
        }
        if !given.is_empty() {
            let shown: Vec<String> = given
                .iter()
                .map(|path| format!("{path} {}", computed.origin(path)))
                .collect();
            p.push_str(&format!(" ({})", shown.join("; ")));
        }
    }
    f
}

/// A problem in a chart object at a node the values hold whole (`tolerations`,
/// `affinity`, `podSecurityContext`, an `extraEnv` item, …, as the user wrote them) names
/// that values key, with the rest of the path, and where it was written (file:line or
/// flag); the same problem copied into several objects is listed once, with their count.
/// Runs only on the way to an error: the problems are gathered again, with their objects.
fn copied_from_values(
    mut f: Failure,
    docs: &[Document],
    known: &Known,
    computed: &values::Computed,
) -> Failure {
    let Some(origins) = Origins::new(computed) else {
        return f;
    };
    let (_, records) = validate::validate_with(
        docs,
        known,
        validate::Severity::Error,
        Some(EXTRA_OBJECTS),
        None,
    );
    let found: Vec<Found> = records
        .iter()
        .filter(|r| r.severity == validate::Severity::Error)
        .map(|r| Found {
            source: &r.source,
            object: &r.object,
            path: &r.path,
            message: &r.message,
            line: r.line(),
        })
        .collect();
    if let Some(lines) = origins.annotate(docs, &found) {
        f.problems = crate::schema::capped(lines);
    }
    f
}

/// Built-in kinds whose API-server validation goes beyond what is checked here (fields,
/// types, metadata): CEL expressions, webhook client configurations, CRD structure, CSR
/// contents, priority and flow-control ranges.
const PARTLY_CHECKED: &[&str] = &[
    "CustomResourceDefinition",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "CertificateSigningRequest",
    "APIService",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "VolumeAttachment",
    "CSIDriver",
    "CSINode",
    "ResourceClaim",
    "ResourceClaimTemplate",
    "DeviceClass",
    "VolumeAttributesClass",
];

/// `extraObjects` (List items included) of kinds checked for their fields and types only:
/// rendered, with a warning that the API server checks more.
fn partly_checked(docs: &[Document]) -> Vec<String> {
    validate::expand_lists(docs)
        .iter()
        .filter(|d| d.template == EXTRA_OBJECTS && PARTLY_CHECKED.contains(&d.kind()))
        .map(|d| {
            format!(
                "extraObjects: {} is checked for its fields, types and metadata only: the API server checks more of a {} (its expressions, references and structure), so `kubectl apply --dry-run=server` it before relying on it",
                d.id(),
                d.kind()
            )
        })
        .collect()
}

/// Custom resources of a kind that a CustomResourceDefinition in the same render defines
/// (List items included): `kubectl apply -f -` maps every object to its resource before
/// it creates any, and an object whose kind the API server does not serve yet fails with
/// "resource mapping not found … ensure CRDs are installed first" (cli-runtime v0.33.9
/// pkg/resource/mapper.go:69), so the first apply of the stream refuses them; a later one
/// takes them. Rendered, with a warning saying how to apply them.
fn defined_in_the_stream(docs: &[Document]) -> Vec<String> {
    let docs = validate::expand_lists(docs);
    let defined: Vec<(&str, &str, &str)> = docs
        .iter()
        .filter(|d| {
            d.kind() == "CustomResourceDefinition"
                && d.api_version().starts_with("apiextensions.k8s.io/")
        })
        .filter_map(|d| {
            let spec = &d.value["spec"];
            Some((
                spec["group"].as_str()?,
                spec["names"]["kind"].as_str()?,
                d.name(),
            ))
        })
        .collect();
    if defined.is_empty() {
        return Vec::new();
    }
    docs.iter()
        .filter_map(|d| {
            let group = d.api_version().rsplit_once('/')?.0;
            let (_, _, crd) = defined
                .iter()
                .find(|(g, k, _)| *g == group && *k == d.kind())?;
            Some(format!(
                "extraObjects: {} is of a kind that CustomResourceDefinition {crd} in this same render defines: the first `kubectl apply` of the stream refuses it (\"no matches for kind\", \"ensure CRDs are installed first\") while the API server does not serve the kind yet; apply the definition alone first and wait for it (`kubectl wait --for=condition=Established crd/{crd}`), then the whole stream",
                d.id()
            ))
        })
        .collect()
}

/// `extraObjects` pods (List items included) outside the restricted Pod Security
/// Standard, which the chart's own pods always meet: rendered (they are the user's), but
/// said on stderr, with what breaks it, since a namespace that enforces the standard
/// refuses them and a review would flag them.
fn unrestricted_extras(docs: &[Document], minor: u32) -> Vec<String> {
    let docs = validate::expand_lists(docs);
    let mut by_doc: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for p in validate::rules::restricted(&docs, minor, |d| d.template == EXTRA_OBJECTS) {
        by_doc.entry(p.doc).or_default().push(p.path);
    }
    by_doc
        .into_iter()
        .map(|(doc, mut paths)| {
            paths.dedup();
            let more = paths.len().saturating_sub(6);
            paths.truncate(6);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "extraObjects: {} is outside the restricted Pod Security Standard ({}{more}): a namespace that enforces the standard refuses the pod",
                docs[doc].id(),
                paths.join(", ")
            )
        })
        .collect()
}

/// `extraObjects` (List items included) that bind the cluster-wide superuser roles: valid
/// Kubernetes, so rendered, but said on stderr, as a review would.
fn broad_grants(docs: &[Document]) -> Vec<String> {
    validate::expand_lists(docs)
        .iter()
        .filter(|d| d.template == EXTRA_OBJECTS && d.kind().ends_with("RoleBinding"))
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

/// Objects that `kubectl apply` (client-side, the README's command) cannot create: it
/// writes the whole object as JSON into the annotation
/// `kubectl.kubernetes.io/last-applied-configuration`, and an object's annotations may
/// total 256 KiB (apimachinery pkg/api/validation/objectmeta.go:36, 58-66 at v0.33.0).
/// Only documents whose YAML is near that size are measured as JSON.
fn too_large_for_client_side_apply(
    docs: &[Document],
    texts: &[Result<String, Failure>],
) -> Vec<String> {
    const LIMIT: usize = validate::rules::ANNOTATIONS_MAX;
    const KEY: &str = "kubectl.kubernetes.io/last-applied-configuration";
    docs.iter()
        .zip(texts)
        // Go's JSON writes `<`, `>` and `&` as six bytes each (\u003c): an object's JSON
        // may be six times its YAML.
        .filter(|(_, t)| t.as_ref().is_ok_and(|t| t.len() > LIMIT / 6))
        .filter_map(|(d, _)| {
            let annotations = d
                .value
                .at("/metadata/annotations")
                .and_then(serde_json::Value::as_object)
                .map_or(0, validate::rules::annotations_size);
            let json = serde_json::to_string(&d.value).map_or(0, |j| {
                j.len() + 5 * j.bytes().filter(|b| matches!(b, b'<' | b'>' | b'&')).count()
            });
            let total = annotations + KEY.len() + json;
            (total > LIMIT).then(|| {
                if json > validate::ETCD_REQUEST_MAX {
                    return format!(
                        "{} is {json} bytes as JSON, above etcd's default request limit (1.5 MiB, `--max-request-bytes`, which the API server's own 3 MiB body limit is sized from): unless its protobuf form is smaller, the cluster refuses it however it is applied; move the large content out (a ConfigMap of its own, a mounted file, an image)",
                        d.id()
                    );
                }
                format!(
                    "{} is {json} bytes as JSON: `kubectl apply` without --server-side copies it into the {KEY} annotation, and annotations may total 262144 bytes, so the API server refuses it; apply with `kubectl apply --server-side` (Argo CD: ServerSideApply=true)",
                    d.id()
                )
            })
        })
        .collect()
}

/// Rule problems as located lines (template: object: path: message), each followed by
/// the values key it came from and where that was written, when that can be told.
fn located_problems(
    docs: &[Document],
    problems: Vec<validate::rules::Problem>,
    computed: &values::Computed,
) -> Vec<String> {
    let ids: Vec<String> = problems.iter().map(|p| docs[p.doc].id()).collect();
    let found: Vec<Found> = problems
        .iter()
        .zip(&ids)
        .map(|(p, id)| {
            let d = &docs[p.doc];
            Found {
                source: &d.template,
                object: id,
                path: &p.path,
                message: &p.message,
                line: format!("{}: {id}: {}: {}", d.template, p.path, p.message),
            }
        })
        .collect();
    Origins::new(computed)
        .and_then(|origins| origins.annotate(docs, &found))
        .unwrap_or_else(|| found.into_iter().map(|f| f.line).collect())
}

/// The chart's own pods (not `extraObjects`) stay within the restricted Pod Security
/// Standard whatever `podSecurityContext`/`securityContext` merge into them.
fn restricted(docs: &[Document], minor: u32, computed: &values::Computed) -> Result<(), Failure> {
    refuse(
        docs,
        computed,
        validate::rules::restricted(docs, minor, |d| d.template != EXTRA_OBJECTS),
        "the values would take the chart's pods out of the restricted Pod Security Standard",
        "podSecurityContext and securityContext (MLflow's, and postgresql.*, minio.*, versitygw.*) merge over the restricted defaults; remove the setting named above from the component's values",
    )
}

/// No object of the render uses a field the target Kubernetes version refuses by default
/// (a volume source, a traffic distribution).
fn gated_fields(docs: &[Document], minor: u32, computed: &values::Computed) -> Result<(), Failure> {
    // The items of a `kind: List` are applied one by one: each is checked as an object.
    let docs = validate::expand_lists(docs);
    refuse(
        &docs,
        computed,
        validate::rules::gated_fields(&docs, minor),
        &format!("the manifests use a field Kubernetes 1.{minor} does not serve by default"),
        "use what the message names instead, or --kube-version for a cluster that serves it",
    )
}

/// Objects of built-in alpha API versions the cluster is not said to serve
/// (`validate::rules::gated_apis`).
fn gated_apis(
    docs: &[Document],
    api_versions: &[String],
    computed: &values::Computed,
) -> Result<(), Failure> {
    let docs = validate::expand_lists(docs);
    refuse(
        &docs,
        computed,
        validate::rules::gated_apis(&docs, api_versions),
        "the manifests use an API version Kubernetes does not serve by default",
        "use the kind's GA version, or --api-versions GROUP/VERSION for a cluster that enables it",
    )
}

/// The pods' dynamic resource allocation fields as Kubernetes 1.34 and later check them
/// (`validate::rules::resource_claims`), whatever `--kube-version`: 1.33 drops the fields,
/// so a render that passes here applies to every cluster from 1.33 on.
fn resource_claims(docs: &[Document], computed: &values::Computed) -> Result<(), Failure> {
    let docs = validate::expand_lists(docs);
    refuse(
        &docs,
        computed,
        validate::rules::resource_claims(&docs),
        "the pods' resource claims would be refused by Kubernetes 1.34 and later",
        "a container's resources.claims names an entry of the pod's resourceClaims, each of which gives exactly one of resourceClaimName and resourceClaimTemplateName",
    )
}

/// A failure listing the problems (with their objects and sources) under `what`, if any.
fn refuse(
    docs: &[Document],
    computed: &values::Computed,
    problems: Vec<validate::rules::Problem>,
    what: &str,
    hint: &str,
) -> Result<(), Failure> {
    if problems.is_empty() {
        return Ok(());
    }
    let problems = located_problems(docs, problems, computed);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::input(format!(
        "{what} ({} problem{})",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    ))
    .with_problems(
        problems
            .into_iter()
            .take(crate::schema::MAX_LISTED)
            .collect(),
    )
    .hint(hint))
}

/// Under `openshift: true` no pod of the render names a user, group or fsGroup ID,
/// `extraObjects` included: OpenShift's restricted-v2 SCC would refuse it.
fn openshift_ids(docs: &[Document], computed: &values::Computed) -> Result<(), Failure> {
    let problems = validate::rules::fixed_ids(docs);
    if problems.is_empty() {
        return Ok(());
    }
    let problems = located_problems(docs, problems, computed);
    Err(Failure::input(format!(
        "with openshift: true no pod may name a user, group or fsGroup ID ({} found)",
        problems.len()
    ))
    .with_problems(problems.into_iter().take(crate::schema::MAX_LISTED).collect())
    .hint("remove the IDs from the objects named above (extraObjects included): OpenShift's restricted-v2 SCC assigns them from the namespace's range"))
}

/// `--kube-version`: 1.33 or later, read as Helm reads it (`render::parse_kube_version`).
pub fn check_kube_version(v: &str) -> Result<(), Failure> {
    match render::parse_kube_version(v) {
        Some((1, minor)) if minor >= 33 => Ok(()),
        Some((1, _)) => Err(Failure::input(format!(
            "--kube-version {v}: Kubernetes before 1.33 is not supported (the manifests are validated against 1.33)"
        ))),
        Some((major, _)) => Err(Failure::input(format!(
            "--kube-version {v}: Kubernetes {major} is not supported (the manifests are for Kubernetes 1, from 1.33)"
        ))),
        None => Err(Failure::input(format!(
            "--kube-version {v:?} is not a version like 1.33, v1.34.2 or 1.33.4-gke.100"
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
        assert!(check_kube_version("1.33.0+k3s1").is_ok());
        assert!(check_kube_version("v1.35.0-gke.100").is_ok());
        assert!(check_kube_version("2.0").is_err());
    }

    #[test]
    fn wiring_messages_name_their_key() {
        let v = serde_json::json!({"minio": {"auth": {"rootPassword": "x"}}, "a": {"b": [1, 2]}});
        assert_eq!(
            named_keys("minio.auth.rootPassword must be at least 8", &v)
                .next()
                .map(|p| p.to_string()),
            Some("minio.auth.rootPassword".into())
        );
        assert_eq!(
            named_keys("a.b[1] is empty", &v)
                .next()
                .map(|p| p.to_string()),
            Some("a.b[1]".into())
        );
        assert!(named_keys("no key here.", &v).next().is_none());
    }

    /// A render's whole result, as text: the documents, their YAML and stderr, or the
    /// failure's message and problems.
    fn outcome(r: Result<Rendered, Failure>) -> String {
        match r {
            Ok(r) => {
                let docs: Vec<String> = r
                    .docs
                    .iter()
                    .map(|d| format!("{} {}", d.template, d.value))
                    .collect();
                format!("{docs:?}\n{:?}\n{:?}", r.yaml, r.stderr)
            }
            Err(f) => format!("error {}: {f}", f.exit_code()),
        }
    }

    #[test]
    fn one_thread_and_two_render_the_same() {
        let mut requests = Vec::new();
        // Every golden scenario (its `# args:` API versions too), YAML asked for or not.
        let mut scenarios: Vec<_> = std::fs::read_dir("tests/scenarios")
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        scenarios.sort();
        for path in scenarios {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut r = Request::new(
                "mlflow",
                "mlflow",
                ValuesArgs {
                    files: vec![path.to_string_lossy().into_owned()],
                    ..Default::default()
                },
            );
            r.api_versions = text
                .lines()
                .filter_map(|l| l.strip_prefix("# args: --api-versions "))
                .map(str::to_string)
                .collect();
            for yaml in [true, false] {
                requests.push(Request { yaml, ..r.clone() });
            }
        }
        // And renders that fail after the values (an object invalid alone or in a List, the
        // restricted standard, OpenShift's IDs), a List, a kind nothing here knows.
        for case in [
            "extraObjects[0].apiVersion=v1,extraObjects[0].kind=Service,extraObjects[0].metadata.name=x,extraObjects[0].spec.ports[0].port=0",
            "extraObjects[0].apiVersion=v1,extraObjects[0].kind=List,extraObjects[0].metadata.name=l,extraObjects[0].items[0].apiVersion=v1,extraObjects[0].items[0].kind=ConfigMap,extraObjects[0].items[0].metadata.name=a,extraObjects[0].items[1].apiVersion=v1,extraObjects[0].items[1].kind=Secret,extraObjects[0].items[1].metadata.labels.x=y",
            "extraObjects[0].apiVersion=v1,extraObjects[0].kind=List,extraObjects[0].metadata.name=l,extraObjects[0].items[0].apiVersion=v1,extraObjects[0].items[0].kind=ConfigMap,extraObjects[0].items[0].metadata.name=a",
            "extraObjects[0].apiVersion=example.org/v1,extraObjects[0].kind=Thing,extraObjects[0].metadata.name=t",
            "securityContext.runAsUser=0",
            "openshift=true,extraObjects[0].apiVersion=v1,extraObjects[0].kind=Pod,extraObjects[0].metadata.name=p,extraObjects[0].spec.securityContext.runAsUser=5,extraObjects[0].spec.containers[0].name=c,extraObjects[0].spec.containers[0].image=i",
            "services.postgres.enabled=false,externalDatabase.host=db.example.org",
        ] {
            for yaml in [true, false] {
                let mut r = Request::new(
                    "mlflow",
                    "mlflow",
                    ValuesArgs {
                        set: vec!["oauth2Proxy.enabled=false".into(), case.into()],
                        ..Default::default()
                    },
                );
                r.yaml = yaml;
                requests.push(r);
            }
        }
        let mut failed = 0;
        for r in &requests {
            let one = outcome(run_with(r, Crew::of(1)));
            let two = outcome(run_with(r, Crew::of(2)));
            assert_eq!(one, two, "{:?}", r.values);
            failed += usize::from(one.starts_with("error"));
            if r.yaml && !one.starts_with("error") {
                // The YAML is the stream, document by document.
                let (docs, _) = run_with(r, Crew::of(2)).map(|x| (x.docs, x.yaml)).unwrap();
                let yaml = run_with(r, Crew::of(2)).unwrap().yaml.unwrap();
                assert_eq!(yaml.concat(), crate::emit::stream(&docs).unwrap());
            }
        }
        // Four cases fail after the values (invalid alone, invalid in a List, restricted,
        // OpenShift's IDs), each with and without YAML: errors are compared too.
        assert_eq!(failed, 8);
    }

    #[test]
    fn release_names() {
        assert!(is_release_name("mlflow"));
        assert!(is_release_name("a.b"));
        assert!(!is_release_name(&"a".repeat(54)));
        assert!(!is_release_name("A"));
    }
}
