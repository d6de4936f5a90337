//! Extension points of the MLflow pod: extra env, envFrom, volumes, volume mounts,
//! containers and init containers, and extra egress for them. Each item is checked as the
//! Kubernetes object it is (unknown and missing fields included, named by its values key),
//! may not take a name the chart uses, and extra containers start from the restricted
//! security context.

use super::Acc;
use crate::model::Values;
use crate::validate::typed::check_as;
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, EnvFromSource, EnvVar, Secret, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::NetworkPolicyEgressRule;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The extension points, checked, ready for the templates.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extensions {
    pub env: Vec<Value>,
    pub env_from: Vec<Value>,
    pub volumes: Vec<Value>,
    pub volume_mounts: Vec<Value>,
    pub containers: Vec<Value>,
    pub init_containers: Vec<Value>,
    pub egress: Vec<Value>,
    /// `extraObjects`, each namespaced one without a namespace given the release's.
    pub objects: Vec<Value>,
    /// Secrets, ConfigMaps and PersistentVolumeClaims the extensions name (provided
    /// outside the render, e.g. a claim made before the release).
    #[serde(skip)]
    pub secrets: Vec<String>,
    #[serde(skip)]
    pub configmaps: Vec<String>,
    #[serde(skip)]
    pub claims: Vec<String>,
}

/// The Secrets, ConfigMaps and PersistentVolumeClaims an env var, envFrom source, volume
/// or container names.
#[derive(Default)]
struct Refs {
    secrets: Vec<String>,
    configmaps: Vec<String>,
    claims: Vec<String>,
}

impl Refs {
    fn env(&mut self, e: &EnvVar) {
        if let Some(f) = &e.value_from {
            self.secrets
                .extend(f.secret_key_ref.as_ref().map(|r| r.name.clone()));
            self.configmaps
                .extend(f.config_map_key_ref.as_ref().map(|r| r.name.clone()));
        }
    }
    fn env_from(&mut self, e: &EnvFromSource) {
        self.secrets
            .extend(e.secret_ref.as_ref().map(|r| r.name.clone()));
        self.configmaps
            .extend(e.config_map_ref.as_ref().map(|r| r.name.clone()));
    }
    fn volume(&mut self, v: &Volume) {
        self.claims.extend(
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.clone()),
        );
        self.secrets
            .extend(v.secret.as_ref().and_then(|s| s.secret_name.clone()));
        self.configmaps
            .extend(v.config_map.as_ref().map(|c| c.name.clone()));
        for p in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            self.secrets
                .extend(p.secret.as_ref().map(|s| s.name.clone()));
            self.configmaps
                .extend(p.config_map.as_ref().map(|c| c.name.clone()));
        }
    }
    fn container(&mut self, c: &Container) {
        c.env.iter().flatten().for_each(|e| self.env(e));
        c.env_from.iter().flatten().for_each(|e| self.env_from(e));
    }
}

/// The items that decode as `T` (the others are already reported).
fn decoded<T: DeserializeOwned>(items: &[Value]) -> Vec<T> {
    items
        .iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect()
}

/// Kubernetes' field rules for each item, checked inside a minimal object of the kind it
/// belongs in, problems named `key[n].path` (the rendered objects are checked again as a
/// whole, where a rule needs the rest of the pod).
/// A container's pod holds `volumes` (the values' extraVolumes: its volumeDevices name
/// them).
fn field_rules(key: &str, items: &[Value], volumes: &[Value], acc: &mut Acc) {
    for (n, item) in items.iter().enumerate() {
        let container = |extra: (&str, Value)| {
            let mut c = serde_json::json!({"name": "probe", "image": "registry.invalid/probe:1"});
            c[extra.0] = extra.1;
            c
        };
        let (object, prefix) = match key {
            "extraEnv" => (
                serde_json::json!({"spec": {"containers": [container(("env", Value::Array(vec![item.clone()])))]}}),
                "spec.containers[0].env[0]",
            ),
            "extraEnvFrom" => (
                serde_json::json!({"spec": {"containers": [container(("envFrom", Value::Array(vec![item.clone()])))]}}),
                "spec.containers[0].envFrom[0]",
            ),
            "extraVolumes" => (
                serde_json::json!({"spec": {"containers": [container(("args", serde_json::json!([])))], "volumes": [item]}}),
                "spec.volumes[0]",
            ),
            "extraVolumeMounts" => {
                let name = names(std::slice::from_ref(item)).remove(0);
                (
                    serde_json::json!({"spec": {"containers": [container(("volumeMounts", Value::Array(vec![item.clone()])))], "volumes": [{"name": name, "emptyDir": {}}]}}),
                    "spec.containers[0].volumeMounts[0]",
                )
            }
            "extraContainers" => (
                serde_json::json!({"spec": {"containers": [item], "volumes": volumes}}),
                "spec.containers[0]",
            ),
            "extraInitContainers" => (
                serde_json::json!({"spec": {"initContainers": [item], "containers": [container(("args", serde_json::json!([])))], "volumes": volumes}}),
                "spec.initContainers[0]",
            ),
            _ => (
                serde_json::json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "probe"}, "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [item]}}),
                "spec.egress[0]",
            ),
        };
        let mut object = object;
        if object.get("kind").is_none() {
            object["apiVersion"] = Value::from("v1");
            object["kind"] = Value::from("Pod");
            object["metadata"] = serde_json::json!({"name": "probe"});
        }
        let doc = crate::parse::Document {
            template: String::new(),
            value: object,
        };
        for p in crate::validate::rules::check(std::slice::from_ref(&doc)) {
            if let Some(rest) = p.path.strip_prefix(prefix) {
                acc.errors.push(format!("{key}[{n}]{rest}: {}", p.message));
            }
        }
    }
}

/// A projected ServiceAccount token with no audience (or the API server's) is a
/// Kubernetes API credential: the kubelet's TokenRequest names no audience when the
/// projection names none (pkg/volume/projected/projected.go, `auds` is left empty), and
/// the API server then gives the token its own audiences
/// (pkg/registry/core/serviceaccount/storage/token.go, `out.Spec.Audiences = r.auds`).
/// The chart mounts none in MLflow's pods
/// (automountServiceAccountToken: false); one the values add is said.
fn api_tokens(key: &str, volumes: &[Value], acc: &mut Acc) {
    for (n, v) in volumes.iter().enumerate() {
        let Ok(volume) = serde_json::from_value::<Volume>(v.clone()) else {
            continue;
        };
        let sources = volume.projected.and_then(|p| p.sources).unwrap_or_default();
        for (i, src) in sources.iter().enumerate() {
            let Some(token) = &src.service_account_token else {
                continue;
            };
            let audience = token.audience.as_deref().unwrap_or("");
            if audience.is_empty() || super::proxy::api_server_audience(audience) {
                acc.warnings.push(format!(
                    "{key}[{n}].projected.sources[{i}].serviceAccountToken mounts a Kubernetes API token (no audience, or the API server's) into MLflow's pods, whose ServiceAccount's rights it carries; the chart mounts none there: name the audience of the service the token is for"
                ));
            } else if let Some(whose) = super::proxy::foreign_audience(audience) {
                acc.warnings.push(format!(
                    "{key}[{n}].projected.sources[{i}].serviceAccountToken mounts a token for an audience {whose} accepts into MLflow's pods: whoever runs code there holds that credential"
                ));
            }
        }
    }
}

/// Each item of `list` as a `T`, problems named `key[n].path`.
fn typed<T: DeserializeOwned + Serialize>(
    key: &str,
    list: &[Map<String, Value>],
    acc: &mut Acc,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (n, item) in list.iter().enumerate() {
        let v = Value::Object(item.clone());
        for p in check_as::<T>(&v) {
            let at = if p.path.0.is_empty() {
                String::new()
            } else {
                format!(".{}", p.path)
            };
            acc.errors.push(format!(
                "{key}[{n}]{at}: {} (a Kubernetes object is expected here)",
                p.message
            ));
        }
        out.push(v);
    }
    out
}

/// The `name` of each item (every extension point's objects have one).
fn names(items: &[Value]) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Named {
        #[serde(default)]
        name: String,
    }
    items
        .iter()
        .map(|v| {
            serde_json::from_value::<Named>(v.clone())
                .map(|n| n.name)
                .unwrap_or_default()
        })
        .collect()
}

/// Names the chart gives that an extension may not take again.
fn taken(key: &str, items: &[Value], chart: &[&str], what: &str, acc: &mut Acc) {
    let mut seen = std::collections::BTreeSet::new();
    for (n, name) in names(items).iter().enumerate() {
        let name = name.as_str();
        if chart.contains(&name) {
            acc.errors.push(format!(
                "{key}[{n}].name {} is a {what} the chart sets: choose another name",
                crate::error::quoted(name)
            ));
        } else if !name.is_empty() && !seen.insert(name) {
            acc.errors.push(format!(
                "{key}[{n}].name {} is given twice",
                crate::error::quoted(name)
            ));
        }
    }
}

/// `extraEnvFrom` of a ConfigMap or Secret that `extraObjects` holds may not set what
/// `extraEnv` may not: each key (behind the source's `prefix`) becomes a variable. Of a
/// source outside the render the keys cannot be seen (docs/security.md says so).
fn envfrom_sets_no_server_option(
    env_from: &[Value],
    objects: &[Map<String, Value>],
    namespace: &str,
    acc: &mut Acc,
) {
    // Nothing to read the keys of: no copy of the objects either.
    if env_from.is_empty() || objects.is_empty() {
        return;
    }
    // The MLflow pod reads a source of its own namespace (an object without one is
    // applied into the release's).
    let here = |meta: &ObjectMeta, name: &str| {
        meta.name.as_deref() == Some(name)
            && meta
                .namespace
                .as_deref()
                .is_none_or(|ns| ns.is_empty() || ns == namespace)
    };
    // The objects of a kind, a List's items among them (kubectl creates each; the
    // validation's own expansion, which gives a typed list's items their kind).
    let stream: Vec<crate::parse::Document> = objects
        .iter()
        .map(|o| crate::parse::Document {
            template: String::new(),
            value: Value::Object(o.clone()),
        })
        .collect();
    let expanded = crate::validate::expand_lists(&stream);
    let of_kind = |kind: &str| {
        expanded
            .iter()
            .filter(|d| d.kind() == kind)
            .map(|d| d.value.clone())
            .collect::<Vec<Value>>()
    };
    fn keys<V>(m: &Option<std::collections::BTreeMap<String, V>>) -> impl Iterator<Item = &String> {
        m.iter().flat_map(|m| m.keys())
    }
    // Each ConfigMap and Secret the render holds, with the keys it gives a pod's env.
    let held: Vec<(&str, ObjectMeta, Vec<String>)> = decoded::<ConfigMap>(&of_kind("ConfigMap"))
        .into_iter()
        .map(|c| {
            let k = keys(&c.data).chain(keys(&c.binary_data)).cloned().collect();
            ("ConfigMap", c.metadata, k)
        })
        .chain(decoded::<Secret>(&of_kind("Secret")).into_iter().map(|s| {
            let k = keys(&s.data).chain(keys(&s.string_data)).cloned().collect();
            ("Secret", s.metadata, k)
        }))
        .collect();
    for (n, source) in decoded::<EnvFromSource>(env_from).iter().enumerate() {
        let prefix = source.prefix.as_deref().unwrap_or("");
        let refs = [
            source
                .config_map_ref
                .as_ref()
                .map(|r| ("ConfigMap", r.name.as_str())),
            source
                .secret_ref
                .as_ref()
                .map(|r| ("Secret", r.name.as_str())),
        ];
        for (kind, name) in refs.into_iter().flatten() {
            let sources = held
                .iter()
                .filter(|(k, meta, _)| *k == kind && here(meta, name));
            for key in sources.flat_map(|(_, _, keys)| keys) {
                let var = format!("{prefix}{key}");
                if let Some(what) = crate::render::checks::forbidden_env(&var) {
                    acc.errors.push(format!(
                        "extraEnvFrom[{n}] would set {var:?} (key {key:?} of {kind} {name:?} in extraObjects), that is {what}, which the chart decides: set it through the chart's own values, or leave the key out"
                    ));
                }
            }
        }
    }
}

pub(crate) fn build(
    values: &Values,
    namespace: &str,
    chart_env: &[Value],
    chart_volumes: &[&str],
    container: &Value,
    acc: &mut Acc,
) -> Extensions {
    let env = typed::<EnvVar>("extraEnv", &values.extra_env, acc);
    let mut chart_env_names = names(chart_env);
    // The chart decides where MLflow's periodic tasks run (exactly one pod).
    chart_env_names.push("MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS".into());
    // MLflow's Azure client prefers a connection string over an account key over workload
    // identity (azure_blob_artifact_repo.py, `__init__`, 3.17.2): the chart's credential
    // must be the one it uses.
    if values.azure_blob.enabled {
        chart_env_names.extend([
            "AZURE_STORAGE_CONNECTION_STRING".to_string(),
            "AZURE_STORAGE_ACCESS_KEY".to_string(),
        ]);
    }
    let chart_env_names: Vec<&str> = chart_env_names.iter().map(String::as_str).collect();
    taken("extraEnv", &env, &chart_env_names, "variable", acc);
    // `mlflow server` reads an option it is not given from its variable: extraEnv must not
    // set what extraArgs may not (MLFLOW_GUNICORN_OPTS=-b 0.0.0.0:5001 would add a
    // listener that skips the proxy).
    for (n, name) in names(&env).iter().enumerate() {
        if let Some(what) = crate::render::checks::forbidden_env(name)
            && !chart_env_names.contains(&name.as_str())
        {
            acc.errors.push(format!(
                "extraEnv[{n}].name {} would set {what}, which the chart decides (who can reach MLflow without the proxy, its request checks, or where it keeps its data): set it through the chart's own values, or choose another name",
                crate::error::quoted(name)
            ));
        }
    }
    let env_from = typed::<EnvFromSource>("extraEnvFrom", &values.extra_env_from, acc);
    envfrom_sets_no_server_option(&env_from, &values.extra_objects, namespace, acc);
    let volumes = typed::<Volume>("extraVolumes", &values.extra_volumes, acc);
    taken("extraVolumes", &volumes, chart_volumes, "volume", acc);
    api_tokens("extraVolumes", &volumes, acc);
    let volume_mounts = typed::<VolumeMount>("extraVolumeMounts", &values.extra_volume_mounts, acc);
    let chart_containers = ["mlflow", "oauth2-proxy", "metrics", "db-upgrade"];
    let mut containers = typed::<Container>("extraContainers", &values.extra_containers, acc);
    let mut init_containers =
        typed::<Container>("extraInitContainers", &values.extra_init_containers, acc);
    taken(
        "extraContainers",
        &containers,
        &chart_containers,
        "container",
        acc,
    );
    taken(
        "extraInitContainers",
        &init_containers,
        &chart_containers,
        "container",
        acc,
    );
    let sidecar_names = names(&containers);
    for (n, name) in names(&init_containers).iter().enumerate() {
        if !name.is_empty() && sidecar_names.contains(name) {
            acc.errors.push(format!(
                "extraInitContainers[{n}].name {} is also an extraContainers name: container names are unique in a pod", crate::error::quoted(name)
            ));
        }
    }
    // Extra containers start from the restricted security context; theirs merges over it.
    for c in containers.iter_mut().chain(init_containers.iter_mut()) {
        if let Some(m) = c.as_object_mut() {
            let mut sc = container.as_object().cloned().unwrap_or_default();
            if let Some(Value::Object(own)) = m.get("securityContext") {
                crate::values::coalesce(&mut sc, own.clone());
            }
            m.insert("securityContext".into(), Value::Object(sc));
        }
    }
    let egress = typed::<NetworkPolicyEgressRule>(
        "networkPolicy.extraEgress",
        &values.network_policy.extra_egress,
        acc,
    );
    if acc.errors.is_empty() {
        for (key, items) in [
            ("extraEnv", &env),
            ("extraEnvFrom", &env_from),
            ("extraVolumes", &volumes),
            ("extraVolumeMounts", &volume_mounts),
            ("extraContainers", &containers),
            ("extraInitContainers", &init_containers),
            ("networkPolicy.extraEgress", &egress),
        ] {
            field_rules(key, items, &volumes, acc);
        }
    }
    plain_credentials("extraEnv", &decoded::<EnvVar>(&env), &[], acc);
    for (key, list) in [
        ("extraContainers", &containers),
        ("extraInitContainers", &init_containers),
    ] {
        for (n, c) in decoded::<Container>(list).iter().enumerate() {
            let words: Vec<&String> = c.command.iter().chain(&c.args).flatten().collect();
            plain_credentials(
                &format!("{key}[{n}]"),
                c.env.as_deref().unwrap_or_default(),
                &words,
                acc,
            );
        }
    }
    let mut refs = Refs::default();
    decoded::<EnvVar>(&env).iter().for_each(|e| refs.env(e));
    decoded::<EnvFromSource>(&env_from)
        .iter()
        .for_each(|e| refs.env_from(e));
    decoded::<Volume>(&volumes)
        .iter()
        .for_each(|v| refs.volume(v));
    decoded::<Container>(&containers)
        .iter()
        .chain(&decoded::<Container>(&init_containers))
        .for_each(|c| refs.container(c));
    Extensions {
        secrets: refs.secrets,
        configmaps: refs.configmaps,
        claims: refs.claims,
        env,
        env_from,
        volumes,
        volume_mounts,
        containers,
        init_containers,
        egress,
        objects: objects(values, namespace, acc),
    }
}

/// Warns of credentials written into a pod spec in plain text: a literal `value` of a
/// variable named like a credential (`DB_PASSWORD`, `API_TOKEN`), and a URI with a
/// password, query or fragment credential in a value or an argument. Anyone who can read
/// the pod (`get pods`, far more common than `get secrets`) reads them. Only the key is
/// named, never the value.
fn plain_credentials(key: &str, env: &[EnvVar], words: &[&String], acc: &mut Acc) {
    let in_uri = |v: &str| crate::redact::uris(v) != v;
    for (n, e) in env.iter().enumerate() {
        let Some(v) = e.value.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        // Names that hold what is not secret: where a credential is (`TOKEN_URL`,
        // `SECRET_NAME`, `PASSWORD_FILE`) or a setting about it (`PASSWORD_MIN_LENGTH`).
        // A number is a setting (`MAX_TOKENS: "4096"`), except under a name of what is
        // often digits: a PIN, a one-time code, a password or secret (`values` masks
        // them all).
        let digits_credential = v.parse::<f64>().is_ok() && numeric_credential(&e.name);
        let about =
            crate::redact::about_credential(&e.name) || (not_secret(v) && !digits_credential);
        let what = if in_uri(v) {
            "a URI with a credential"
        } else if crate::redact::pairs(v) != v {
            "a credential pair (password=…)"
        } else if crate::redact::scheme_credential(v) {
            "an HTTP credential (Bearer or Basic)"
        } else if crate::redact::credential_name(&e.name) && !about {
            "a value of a credential's name"
        } else {
            continue;
        };
        let at = if key == "extraEnv" {
            format!("extraEnv[{n}]")
        } else {
            format!("{key}.env[{n}]")
        };
        acc.warnings.push(format!("{at} ({}) holds {what} in plain text in the pod spec, readable by anyone who can read pods: put it in a Secret and use valueFrom.secretKeyRef", crate::error::quoted(&e.name)));
    }
    // A credential flag with its value (`--password=X`, `--token X`), a pair inside a
    // script (`PGPASSWORD=X psql`), or a URI with a credential.
    let flag = |w: &str| {
        w.starts_with('-')
            && crate::redact::credential_name(w.trim_start_matches('-'))
            && !crate::redact::about_credential(w)
    };
    let carries = words.iter().enumerate().any(|(i, w)| {
        let joined = match w.split_once('=') {
            // `--flag=value`: the flag's name decides, and the value must be one.
            Some((f, value)) if w.starts_with('-') => flag(f) && !not_secret(value),
            _ => crate::redact::pairs(w) != w.as_str() && !refers_only(w),
        };
        in_uri(w)
            || joined
            || (flag(w)
                && !w.contains('=')
                && words
                    .get(i + 1)
                    .is_some_and(|n| !n.starts_with('-') && !not_secret(n)))
    });
    if carries {
        acc.warnings.push(format!("{key}'s command or args hold a credential in plain text (a credential flag's value, a password= pair or a URI with a password), readable by anyone who can read pods: read it from a Secret (an environment variable with valueFrom.secretKeyRef)"));
    }
}

/// Is `name` one of a credential that is often all digits: a PIN, a one-time password, a
/// password, passcode or secret (`SIM_PIN`, `OTP`, `DB_PASSWORD`)?
fn numeric_credential(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["pass", "secret", "pwd"].iter().any(|w| lower.contains(w))
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "pin" | "otp" | "pw"))
}

/// A value that cannot be a secret: a switch, a number, an absolute path, or only a
/// reference to a variable (`$(DB_PASSWORD)`, which Kubernetes fills from the pod's
/// environment, e.g. from a Secret).
fn not_secret(v: &str) -> bool {
    matches!(v, "true" | "false" | "True" | "False")
        || v.parse::<f64>().is_ok()
        || v.starts_with('/')
        || refers_only(v)
}

/// Is every credential the text holds only a reference to a variable (`$(VAR)`,
/// `${VAR}`, `$VAR`)?
fn refers_only(v: &str) -> bool {
    if v.starts_with('$') && !v.contains(char::is_whitespace) {
        return true;
    }
    let hidden: Vec<&str> = v
        .split([' ', '"', '\''])
        .filter_map(|w| w.split_once(['=', ':']).map(|(_, x)| x))
        .filter(|x| !x.is_empty())
        .collect();
    !hidden.is_empty() && hidden.iter().all(|x| x.starts_with('$'))
}

/// `extraObjects` as the release applies them: a namespaced object without a namespace
/// gets the release's (`kubectl apply` would otherwise put it in the context's
/// namespace, away from the pods that use it; Helm's install sets it the same way). An
/// object whose kind this build cannot place (a custom resource whose definition is not
/// among the extra objects) is left as it is, with a note.
fn objects(values: &Values, namespace: &str, acc: &mut Acc) -> Vec<Value> {
    /// What placing an object needs of it.
    #[derive(serde::Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Head {
        api_version: String,
        kind: String,
        metadata: Option<HeadMeta>,
        spec: Option<CrdSpec>,
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct HeadMeta {
        namespace: Option<Value>,
    }
    /// A CustomResourceDefinition's group, kind and scope.
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct CrdSpec {
        group: String,
        names: CrdNames,
        scope: String,
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct CrdNames {
        kind: String,
    }
    /// An object's head; one that does not decode (a kind that is not a string, …) is
    /// the validation's to refuse, and is placed as having none.
    fn head_of(o: &Map<String, Value>) -> Head {
        serde_json::from_value(Value::Object(o.clone())).unwrap_or_default()
    }
    let heads: Vec<Head> = values.extra_objects.iter().map(head_of).collect();
    // The scopes the extra objects' own CustomResourceDefinitions declare.
    let defined: Vec<(&str, &str, bool)> = heads
        .iter()
        .filter(|h| h.kind == "CustomResourceDefinition")
        .filter_map(|h| h.spec.as_ref())
        .map(|s| {
            (
                s.group.as_str(),
                s.names.kind.as_str(),
                s.scope == "Namespaced",
            )
        })
        .collect();
    // One object (`head` is its head): a namespaced kind without a namespace gets the
    // release's. A typed List's item may omit its kind (`SecretList`): it is the list's.
    let place = |o: &mut Map<String, Value>,
                 head: &Head,
                 at: &str,
                 of_list: Option<&Head>,
                 acc: &mut Acc| {
        let (mut api_version, mut kind) = (head.api_version.as_str(), head.kind.as_str());
        if kind.is_empty()
            && let Some(list) = of_list
        {
            kind = list.kind.strip_suffix("List").unwrap_or_default();
            api_version = list.api_version.as_str();
        }
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let scope = crate::validate::typed::namespaced(api_version, kind)
            .or_else(|| {
                defined
                    .iter()
                    .find(|(g, k, _)| *g == group && *k == kind)
                    .map(|(_, _, n)| *n)
            })
            // The custom resources the chart itself renders or reads.
            .or_else(|| {
                matches!(
                    (group, kind),
                    ("gateway.networking.k8s.io", "HTTPRoute")
                        | (
                            "monitoring.coreos.com",
                            "ServiceMonitor" | "PodMonitor" | "PrometheusRule"
                        )
                )
                .then_some(true)
            });
        let has_namespace = head
            .metadata
            .as_ref()
            .and_then(|m| m.namespace.as_ref())
            .is_some_and(|ns| !(ns.is_null() || *ns == Value::String(String::new())));
        match (scope, o.get_mut("metadata")) {
            (Some(true), Some(Value::Object(meta))) if !has_namespace => {
                meta.insert("namespace".into(), Value::String(namespace.to_string()));
            }
            (None, _) if !has_namespace && !kind.is_empty() => acc.notes.push(format!(
                "{at} ({api_version} {kind}) has no metadata.namespace, and this build does not know whether its kind is namespaced: give it metadata.namespace if it is, or kubectl applies it in its context's namespace"
            )),
            _ => {}
        }
    };
    let mut out = Vec::with_capacity(values.extra_objects.len());
    for (n, (o, head)) in values.extra_objects.iter().zip(&heads).enumerate() {
        let mut o = o.clone();
        let is_list = head.kind.ends_with("List") && o.get("items").is_some_and(Value::is_array);
        if is_list {
            // kubectl applies a List's items, each as an object of its own.
            if let Some(Value::Array(items)) = o.get_mut("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    if let Value::Object(item) = item {
                        let item_head = head_of(item);
                        place(
                            item,
                            &item_head,
                            &format!("extraObjects[{n}].items[{i}]"),
                            Some(head),
                            acc,
                        );
                    }
                }
            }
        } else {
            place(&mut o, head, &format!("extraObjects[{n}]"), None, acc);
        }
        out.push(Value::Object(o));
    }
    out
}
