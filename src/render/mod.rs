//! Render: runs every embedded template (`templates/*.yaml`, `_`-prefixed ones are helpers)
//! with minijinja against a Helm-like context. Every `{{ value }}` in a `.yaml` template is
//! JSON-escaped, so a user value can only ever be one YAML scalar, never new keys.

pub mod checks;
#[cfg(test)]
mod guard;
pub mod held;
pub mod wiring;

use crate::error::Failure;
use crate::model::Values;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value as JValue};
use serde_json::json;
use wiring::{Release, Wiring};

/// Kubernetes version and API versions the templates may ask about (`--kube-version`,
/// `--api-versions`).
#[derive(Debug, Clone)]
pub struct Capabilities {
    pub kube_version: String,
    pub api_versions: Vec<String>,
}

/// The API versions every supported cluster serves (Kubernetes 1.33+ built-ins).
const BUILTIN_APIS: &[&str] = &[
    "v1",
    "apps/v1",
    "batch/v1",
    "autoscaling/v2",
    "policy/v1",
    "networking.k8s.io/v1",
    "rbac.authorization.k8s.io/v1",
];

/// One rendered template: its path under `templates/`, its text, and the values held
/// beside the text (see [`held`]).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub template: String,
    pub text: String,
    pub held: Vec<serde_json::Value>,
}

/// What rendering produced, plus the messages for stderr.
pub struct Output {
    pub files: Vec<Rendered>,
    pub wiring: Wiring,
}

mod embedded {
    // `TEMPLATES`, written by build.rs from `templates/`.
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// Is this template one that produces output (a `.yaml` not starting with `_`), rather than
/// helpers for the others?
fn is_output(name: &str) -> bool {
    name.ends_with(".yaml") && !name.starts_with('_')
}

/// An environment with the chart's settings (JSON auto-escaping, strict undefined, trimmed
/// blocks) and the helper templates (`.tpl`) compiled; output templates come separately.
fn base_env() -> Environment<'static> {
    let mut env = Environment::new();
    // Every printed value is a JSON literal: valid YAML that can never break structure.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".yaml") || name.ends_with(".tpl") {
            AutoEscape::Json
        } else {
            AutoEscape::None
        }
    });
    // A template reads typed values and wiring only: anything undefined is a chart bug,
    // in an `if` as much as in output.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    // Prints as the default formatter does, but holds whole values while rendering holds.
    env.set_formatter(held::formatter);
    for (name, source, _) in embedded::TEMPLATES {
        if !is_output(name) {
            env.add_template(name, source)
                .expect("the chart's helper templates compile (checked by a unit test)");
        }
    }
    env
}

/// Every template compiled into one environment (for the benchmarks and tests). A render
/// does not use it: it compiles each output template as it renders it and drops it after,
/// so at most one (tens of kilobytes) is in memory at a time, not all (half a megabyte).
pub fn env() -> Environment<'static> {
    let mut env = base_env();
    for (name, source, _) in embedded::TEMPLATES {
        if is_output(name) {
            env.add_template(name, source)
                .expect("the chart's templates compile (checked by a unit test)");
        }
    }
    env
}

/// Names of the templates that produce output (helpers excluded), sorted.
pub fn template_names() -> Vec<String> {
    output_templates()
        .map(|(name, _, _)| name.to_string())
        .collect()
}

/// The output templates, (name, source, outer guard), sorted by name.
fn output_templates()
-> impl Iterator<Item = &'static (&'static str, &'static str, Option<&'static str>)> {
    embedded::TEMPLATES
        .iter()
        .filter(|(name, _, _)| is_output(name))
}

/// A template function of a component's name that computes its answer once per component
/// (templates ask for the same labels many times) and hands out the same value after.
fn per_component(
    bound: Bound,
    compute: impl Fn(&Values, &Release, &str) -> JValue + Send + Sync + 'static,
) -> impl Fn(String) -> Result<JValue, minijinja::Error> + Send + Sync + 'static {
    let known: std::sync::Mutex<Vec<(String, JValue)>> = std::sync::Mutex::new(Vec::new());
    move |component: String| {
        let Some((values, release)) = bound.get() else {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                "the templates ran before the values were bound",
            ));
        };
        let mut known = known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, v)) = known.iter().find(|(c, _)| *c == component) {
            return Ok(v.clone());
        }
        let v = compute(values, release, &component);
        known.push((component, v.clone()));
        Ok(v)
    }
}

/// The values and release the template functions read, bound once they are known (the
/// engine is built before).
type Bound = std::sync::Arc<std::sync::OnceLock<(Values, Release)>>;

/// The templates' engine: the environment with the chart's settings, its helper templates
/// and its functions. It is built before the values are known (so that it can be, on
/// another core, while they are computed); [`Engine::bind`] gives the functions the values.
/// Shared by reference between threads.
pub struct Engine {
    env: Environment<'static>,
    bound: Bound,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// The environment, its helpers compiled and its functions added.
    pub fn new() -> Self {
        let mut env = base_env();
        let bound = Bound::default();
        env.add_function(
            "labels",
            per_component(bound.clone(), |values, release, component| {
                JValue::from(Serde(wiring::labels(values, release, component)))
            }),
        );
        env.add_function(
            "pod_labels",
            per_component(bound.clone(), |values, release, component| {
                let mut labels = wiring::labels(values, release, component);
                labels.extend(wiring::object_store::workload_identity_labels(values));
                JValue::from(Serde(labels))
            }),
        );
        env.add_function(
            "pod_annotations",
            per_component(bound.clone(), |values, _, component| {
                // A per-container AppArmor annotation for the MLflow server's container
                // (`mlflow`) names the scheduler pod's server container (`scheduler`)
                // there: the API server refuses one that names no container of the pod
                // (ValidateAppArmorPodAnnotations).
                const APPARMOR_MLFLOW: &str =
                    "container.apparmor.security.beta.kubernetes.io/mlflow";
                let mut a: serde_json::Map<String, serde_json::Value> = values
                    .pod_annotations
                    .iter()
                    .map(|(k, v)| {
                        let k = if component == "scheduler" && k == APPARMOR_MLFLOW {
                            "container.apparmor.security.beta.kubernetes.io/scheduler".to_string()
                        } else {
                            k.clone()
                        };
                        (k, serde_json::Value::from(v.clone()))
                    })
                    // In key order, as a Go map prints, the renamed key included.
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into_iter()
                    .collect();
                for (k, v) in wiring::object_store::workload_identity_annotations(values, component)
                {
                    a.entry(k).or_insert(v);
                }
                JValue::from(Serde(a))
            }),
        );
        env.add_function(
            "selector",
            per_component(bound.clone(), |values, release, component| {
                JValue::from(Serde(wiring::selector(values, release, component)))
            }),
        );
        Engine { env, bound }
    }

    /// Gives the template functions the values and release (once; a second call is
    /// ignored: an engine renders one release).
    pub fn bind(&self, values: &Values, release: &Release) {
        let _ = self.bound.set((values.clone(), release.clone()));
    }

    /// Renders output template `index` of [`output_templates`] against `ctx`: its text and
    /// held values (empty when its guard is off), or the located problem.
    pub fn render_one(&self, index: usize, ctx: &JValue) -> Result<Rendered, String> {
        let (name, source, guard) = OUTPUTS[index];
        let env = &self.env;
        if guarded_off(env, guard, ctx) {
            // What the template would print: whitespace at most (debug builds check).
            #[cfg(debug_assertions)]
            assert_prints_nothing(env, name, source, ctx);
            return Ok(Rendered {
                template: name.to_string(),
                text: String::new(),
                held: Vec::new(),
            });
        }
        // Compiled here and dropped after: one template (tens of kilobytes) in memory at a
        // time, not all of them.
        let tmpl = env
            .template_from_named_str(name, source)
            .map_err(|e| describe_template_error(name, &e))?;
        let (text, held) = held::render_holding(|| tmpl.render(ctx))
            .map_err(|e| describe_template_error(name, &e))?;
        Ok(Rendered {
            template: name.to_string(),
            text,
            held,
        })
    }
}

/// The output templates, (name, source, outer guard), in name order.
static OUTPUTS: std::sync::LazyLock<Vec<(&'static str, &'static str, Option<&'static str>)>> =
    std::sync::LazyLock::new(|| output_templates().copied().collect());

/// How many output templates there are (indexes for [`Engine::render_one`]).
pub fn output_count() -> usize {
    OUTPUTS.len()
}

/// Is the template's outer guard (see `guard`) false, so that it prints nothing? `false`
/// when it has none, or when evaluating it fails (the whole template then reports it).
fn guarded_off(env: &Environment<'_>, guard: Option<&str>, ctx: &JValue) -> bool {
    guard.is_some_and(|g| {
        env.compile_expression(g)
            .and_then(|e| e.eval(ctx))
            .is_ok_and(|v| !v.is_true())
    })
}

/// What the templates see: the values, the wiring (`w`), and Helm's other top-level
/// objects and the chart's constants (`rest`).
#[derive(serde::Serialize)]
struct Context<'a> {
    values: &'a Values,
    w: &'a Wiring,
    #[serde(flatten)]
    rest: serde_json::Value,
}

/// The wiring of a release, and the context the templates render against.
pub struct Prepared {
    pub wiring: Wiring,
    pub ctx: JValue,
}

/// Renders every template against the typed values, one after the other (the pipeline
/// runs [`Engine::render_one`] on two cores instead; benchmarks and tests use this).
pub fn render(values: &Values, release: &Release, caps: &Capabilities) -> Result<Output, Failure> {
    let Prepared { wiring, ctx } = prepare(values, release, caps)?;
    let engine = Engine::new();
    engine.bind(values, release);
    let files = gather((0..output_count()).map(|index| engine.render_one(index, &ctx)))?;
    Ok(Output { files, wiring })
}

/// The rendered templates in order, or the failure naming every template that did not
/// render.
pub fn gather(
    results: impl IntoIterator<Item = Result<Rendered, String>>,
) -> Result<Vec<Rendered>, Failure> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Failure::render("rendering the chart's templates failed").with_problems(problems))
    }
}

/// The wiring and the templates' context for these values.
pub fn prepare(
    values: &Values,
    release: &Release,
    caps: &Capabilities,
) -> Result<Prepared, Failure> {
    // Helm's --api-versions takes a group/version or a group/version/Kind.
    let gateway_api = caps.api_versions.iter().any(|a| {
        a == "gateway.networking.k8s.io/v1" || a == "gateway.networking.k8s.io/v1/HTTPRoute"
    });
    let mut wiring = wiring::build(values, release, gateway_api)?;
    let mut apis: Vec<String> = BUILTIN_APIS.iter().map(|s| s.to_string()).collect();
    apis.extend(caps.api_versions.iter().cloned());
    if values.metrics.enabled
        && values.metrics.service_monitor.enabled
        && !apis.iter().any(|a| a == "monitoring.coreos.com/v1")
    {
        wiring.notes.push("no ServiceMonitor rendered: the cluster's API versions do not include monitoring.coreos.com/v1 (pass --api-versions monitoring.coreos.com/v1 if the Prometheus Operator is installed); the metrics Service is there either way".into());
    }
    let (major, minor) = split_version(&caps.kube_version);
    // The values and the wiring go straight into minijinja's values, without a JSON tree
    // between; the rest is small.
    let ctx = JValue::from(Serde(&Context {
        values,
        w: &wiring,
        rest: json!({
        "release": {"name": release.name, "namespace": release.namespace, "service": "mlflow-chart"},
        "chart": {"name": wiring::CHART_NAME, "version": wiring::CHART_VERSION, "appVersion": wiring::APP_VERSION},
        "capabilities": {
            "kubeVersion": {"version": format!("v{major}.{minor}.0"), "major": major, "minor": minor},
            "apiVersions": apis,
        },
        "ports": {"mlflow": wiring::MLFLOW_PORT, "proxy": wiring::PROXY_PORT, "postgres": wiring::POSTGRES_PORT, "minio": wiring::MINIO_PORT, "metrics": wiring::METRICS_PORT},
        "caDir": wiring::CA_DIR,
        "machinesDir": wiring::proxy::MACHINES_DIR,
        "issuerCaDir": wiring::proxy::ISSUER_CA_DIR,
        "files": {
            "generateSecrets": include_str!("../../files/generate-secrets.py"),
            "gc": include_str!("../../files/gc.py"),
            "createBucket": include_str!("../../files/create-bucket.py"),
            "dbUpgrade": include_str!("../../files/db-upgrade.py"),
            "withDbPassword": include_str!("../../files/with-db-password.py"),
            "postgresInit": include_str!("../../files/postgres-init.sh"),
            "postgresGuard": include_str!("../../files/postgres-guard.sh"),
            "metricsExporter": include_str!("../../files/metrics-exporter.py"),
        },
        }),
    }));
    Ok(Prepared { wiring, ctx })
}

/// Debug builds (every test) render a template whose guard is false anyway, and check
/// that it prints whitespace at most: the guard is right in every scenario tested.
#[cfg(debug_assertions)]
fn assert_prints_nothing(env: &Environment<'_>, name: &str, source: &str, ctx: &JValue) {
    let text = env
        .template_from_named_str(name, source)
        .and_then(|t| t.render(ctx));
    assert!(
        text.as_ref().is_ok_and(|t| t.trim().is_empty()),
        "templates/{name}: its guard is false, yet it prints {text:?}"
    );
}

/// A template error with its location, without dumping the values (they may hold secrets).
fn describe_template_error(name: &str, e: &minijinja::Error) -> String {
    let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
    let mut msg = format!("templates/{name}{line}: {}", e.kind());
    if let Some(detail) = e.detail() {
        msg.push_str(&format!(": {detail}"));
    }
    msg
}

/// Parses `1.33`, `v1.33.2` into (major, minor).
pub fn split_version(v: &str) -> (u32, u32) {
    parse_kube_version(v).unwrap_or((1, 33))
}

/// A Kubernetes version as Helm reads `--kube-version` (`ParseKubeVersion`,
/// pkg/chart/common/capabilities.go:95 at v4.2.3, calls apimachinery's
/// `version.ParseGeneric`, pkg/util/version/version.go:40-139 at v0.36.1, the version
/// Helm 4.2.3's go.mod pins): leading white space,
/// an optional `v`, two or more dot-separated numbers (the first without a leading zero),
/// and anything after them (`1.33.0+k3s1`, `v1.35.0-gke.100`, `1.33.x`). (major, minor).
pub fn parse_kube_version(v: &str) -> Option<(u32, u32)> {
    // `\s` is Go's ASCII white space; `.` does not match a line break, so the text after
    // the numbers (`(.*)*$`) holds none.
    let v = v.trim_start_matches([' ', '\t', '\n', '\x0c', '\r']);
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut numbers = Vec::new();
    let mut rest = v;
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        numbers.push(&rest[..digits]);
        rest = &rest[digits..];
        match rest.strip_prefix('.') {
            Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
            _ => break,
        }
    }
    // The first number has no leading zero; each is a 64-bit ParseUint.
    if rest.contains('\n')
        || numbers
            .first()
            .is_some_and(|m| m.len() > 1 && m.starts_with('0'))
    {
        return None;
    }
    let numbers: Vec<u64> = numbers
        .iter()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    let [major, minor, ..] = numbers[..] else {
        return None;
    };
    // A minor past u32 is a version far past any support check.
    Some((
        u32::try_from(major).ok()?,
        u32::try_from(minor).unwrap_or(u32::MAX),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(split_version("v1.34.2"), (1, 34));
        assert_eq!(split_version("1.35"), (1, 35));
        for (v, want) in [
            ("1.33.0+k3s1", Some((1, 33))),
            ("v1.35.0-gke.100", Some((1, 35))),
            (" 1.33", Some((1, 33))),
            ("1.33.x", Some((1, 33))),
            ("v1.34.2-eks-1234", Some((1, 34))),
            ("1.034", Some((1, 34))),
            ("1", None),
            ("01.33", None),
            ("latest", None),
            ("", None),
            ("v", None),
            ("1.", None),
            ("x1.33", None),
            ("1.34\n", None),
            ("1.33.999999999999999999999", None),
            ("\n1.33", Some((1, 33))),
        ] {
            assert_eq!(parse_kube_version(v), want, "{v:?}");
        }
    }

    #[test]
    fn every_template_compiles_and_the_list_is_the_directory() {
        let env = env();
        let mut on_disk: Vec<String> = std::fs::read_dir("templates")
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = embedded::TEMPLATES.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(embedded, on_disk);
        for name in &on_disk {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
        let outputs: Vec<&String> = on_disk.iter().filter(|n| n.ends_with(".yaml")).collect();
        assert_eq!(template_names().iter().collect::<Vec<_>>(), outputs);
    }

    #[test]
    fn helpers_are_not_emitted() {
        assert!(template_names().iter().all(|n| !n.starts_with('_')));
        assert!(template_names().contains(&"deployment.yaml".to_string()));
    }

    #[test]
    fn values_are_json_escaped() {
        let mut env = env();
        env.add_template("t.yaml", "a: {{ x }}\n").unwrap();
        let out = env
            .get_template("t.yaml")
            .unwrap()
            .render(minijinja::context! { x => "v\nkind: ClusterRole" })
            .unwrap();
        assert_eq!(out, "a: \"v\\nkind: ClusterRole\"\n");
    }
}
