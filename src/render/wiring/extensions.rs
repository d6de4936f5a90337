//! Extension points of the MLflow pod: extra env, envFrom, volumes, volume mounts,
//! containers and init containers, and extra egress for them. Each item is checked as the
//! Kubernetes object it is (unknown and missing fields included, named by its values key),
//! may not take a name the chart uses, and extra containers start from the restricted
//! security context.

use super::Acc;
use crate::model::Values;
use crate::validate::typed::check_as;
use k8s_openapi::api::core::v1::{Container, EnvFromSource, EnvVar, Volume, VolumeMount};
use k8s_openapi::api::networking::v1::NetworkPolicyEgressRule;
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
    /// Secrets and ConfigMaps the extensions name (provided outside the render).
    #[serde(skip)]
    pub secrets: Vec<String>,
    #[serde(skip)]
    pub configmaps: Vec<String>,
}

/// The Secrets and ConfigMaps an env var, envFrom source or volume names.
fn references(items: &[&Value], secrets: &mut Vec<String>, configmaps: &mut Vec<String>) {
    fn walk(v: &Value, secrets: &mut Vec<String>, configmaps: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let named = |x: &Value, key: &str| {
                        x.get(key).and_then(Value::as_str).map(str::to_string)
                    };
                    match k.as_str() {
                        "secretKeyRef" | "secretRef" => secrets.extend(named(x, "name")),
                        "configMapKeyRef" | "configMapRef" => configmaps.extend(named(x, "name")),
                        "secret" => secrets.extend(named(x, "secretName").or(named(x, "name"))),
                        "configMap" => configmaps.extend(named(x, "name")),
                        _ => {}
                    }
                    walk(x, secrets, configmaps);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, secrets, configmaps)),
            _ => {}
        }
    }
    for v in items {
        walk(v, secrets, configmaps);
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

fn name_of(v: &Value) -> &str {
    v.get("name").and_then(Value::as_str).unwrap_or("")
}

/// Names the chart gives that an extension may not take again.
fn taken(key: &str, items: &[Value], chart: &[&str], what: &str, acc: &mut Acc) {
    let mut seen = std::collections::BTreeSet::new();
    for (n, v) in items.iter().enumerate() {
        let name = name_of(v);
        if chart.contains(&name) {
            acc.errors.push(format!(
                "{key}[{n}].name {name:?} is a {what} the chart sets: choose another name"
            ));
        } else if !name.is_empty() && !seen.insert(name) {
            acc.errors
                .push(format!("{key}[{n}].name {name:?} is given twice"));
        }
    }
}

pub(crate) fn build(
    values: &Values,
    chart_env: &[Value],
    chart_volumes: &[&str],
    container: &Value,
    acc: &mut Acc,
) -> Extensions {
    let env = typed::<EnvVar>("extraEnv", &values.extra_env, acc);
    let chart_env_names: Vec<&str> = chart_env.iter().map(name_of).collect();
    taken("extraEnv", &env, &chart_env_names, "variable", acc);
    let env_from = typed::<EnvFromSource>("extraEnvFrom", &values.extra_env_from, acc);
    let volumes = typed::<Volume>("extraVolumes", &values.extra_volumes, acc);
    taken("extraVolumes", &volumes, chart_volumes, "volume", acc);
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
    for (n, c) in init_containers.iter().enumerate() {
        if containers.iter().any(|x| name_of(x) == name_of(c)) {
            acc.errors.push(format!(
                "extraInitContainers[{n}].name {:?} is also an extraContainers name: container names are unique in a pod",
                name_of(c)
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
    let (mut secrets, mut configmaps) = (Vec::new(), Vec::new());
    let named: Vec<&Value> = env
        .iter()
        .chain(&env_from)
        .chain(&volumes)
        .chain(&containers)
        .chain(&init_containers)
        .collect();
    references(&named, &mut secrets, &mut configmaps);
    Extensions {
        secrets,
        configmaps,
        env,
        env_from,
        volumes,
        volume_mounts,
        containers,
        init_containers,
        egress,
    }
}
