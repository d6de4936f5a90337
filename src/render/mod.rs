//! Render: runs every embedded template (`templates/*.yaml`, `_`-prefixed ones are helpers)
//! with minijinja against a Helm-like context. Every `{{ value }}` in a `.yaml` template is
//! JSON-escaped, so a user value can only ever be one YAML scalar, never new keys.

pub mod checks;
pub mod context;

use crate::error::Failure;
use context::{Release, Wiring};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value as JValue};
use serde_json::{Value, json};

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

/// One rendered template: its path under `templates/` and its text.
#[derive(Debug)]
pub struct Rendered {
    pub template: String,
    pub text: String,
}

/// What rendering produced, plus the messages for stderr.
pub struct Output {
    pub files: Vec<Rendered>,
    pub wiring: Wiring,
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    // Every printed value is a JSON literal: valid YAML that can never break structure.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".yaml") || name.ends_with(".tpl") {
            AutoEscape::Json
        } else {
            AutoEscape::None
        }
    });
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    minijinja_embed::load_templates!(&mut env);
    env
}

/// Names of the templates that produce output (helpers excluded), sorted.
pub fn template_names() -> Vec<String> {
    output_templates(&env())
}

fn output_templates(env: &Environment<'_>) -> Vec<String> {
    let mut names: Vec<String> = env
        .templates()
        .map(|(name, _)| name.to_string())
        .filter(|n| n.ends_with(".yaml") && !n.rsplit('/').next().unwrap_or(n).starts_with('_'))
        .collect();
    names.sort();
    names
}

/// Renders every template against the values.
pub fn render(values: &Value, release: &Release, caps: &Capabilities) -> Result<Output, Failure> {
    let wiring = context::build(values, release)?;
    let mut env = env();
    let (v1, r1) = (values.clone(), release.clone());
    env.add_function("labels", move |component: String| {
        JValue::from(Serde(context::labels(&v1, &r1, &component)))
    });
    let (v2, r2) = (values.clone(), release.clone());
    env.add_function("selector", move |component: String| {
        JValue::from(Serde(context::selector(&v2, &r2, &component)))
    });
    let mut apis: Vec<String> = BUILTIN_APIS.iter().map(|s| s.to_string()).collect();
    apis.extend(caps.api_versions.iter().cloned());
    let mut wiring = wiring;
    let flag = |p: &str| values.pointer(p).and_then(Value::as_bool) == Some(true);
    if flag("/metrics/enabled")
        && flag("/metrics/serviceMonitor/enabled")
        && !apis.iter().any(|a| a == "monitoring.coreos.com/v1")
    {
        wiring.notes.push("no ServiceMonitor rendered: the cluster's API versions do not include monitoring.coreos.com/v1 (pass --api-versions monitoring.coreos.com/v1 if the Prometheus Operator is installed); the metrics Service is there either way".into());
    }
    let (major, minor) = split_version(&caps.kube_version);
    let ctx = json!({
        "values": values,
        "release": {"name": release.name, "namespace": release.namespace, "service": "mlflow-chart"},
        "chart": {"name": context::CHART_NAME, "version": context::CHART_VERSION, "appVersion": context::APP_VERSION},
        "capabilities": {
            "kubeVersion": {"version": format!("v{major}.{minor}.0"), "major": major, "minor": minor},
            "apiVersions": apis,
        },
        "w": &wiring,
        "ports": {"mlflow": context::MLFLOW_PORT, "proxy": context::PROXY_PORT, "postgres": context::POSTGRES_PORT, "metrics": context::METRICS_PORT},
        "caDir": context::CA_DIR,
        "files": {
            "generateSecrets": include_str!("../../files/generate-secrets.py"),
            "dbUpgrade": include_str!("../../files/db-upgrade.py"),
            "postgresInit": include_str!("../../files/postgres-init.sh"),
            "metricsExporter": include_str!("../../files/metrics-exporter.py"),
        },
    });
    let ctx = JValue::from(Serde(&ctx));
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut missing_values = Vec::new();
    for name in output_templates(&env) {
        let tmpl = env
            .get_template(&name)
            .map_err(|e| Failure::render(format!("templates/{name}: {e}")))?;
        match tmpl.render(&ctx) {
            Ok(text) => files.push(Rendered {
                template: name,
                text,
            }),
            Err(e) => {
                let deleted = deleted_values(&tmpl, &e, values);
                if deleted.is_empty() {
                    problems.push(describe_template_error(&name, &e));
                } else {
                    missing_values.extend(deleted.into_iter().map(|key| {
                        format!("{key}: the chart needs this value (templates/{name}), but it is not set; a `null` deletes the chart's default")
                    }));
                }
            }
        }
    }
    if !missing_values.is_empty() {
        missing_values.sort();
        missing_values.dedup();
        return Err(Failure::input(format!(
            "{} value{} the chart needs {} missing",
            missing_values.len(),
            if missing_values.len() == 1 { "" } else { "s" },
            if missing_values.len() == 1 {
                "is"
            } else {
                "are"
            },
        ))
        .with_problems(missing_values)
        .hint("remove the null, or set a value (see docs/values.md for each key's default)"));
    }
    if !problems.is_empty() {
        return Err(
            Failure::render("rendering the chart's templates failed").with_problems(problems)
        );
    }
    Ok(Output { files, wiring })
}

/// For an "undefined value" error: the `values.…` keys used on the failing template line
/// that are absent from the values (deleted by a user `null`), as values key paths.
fn deleted_values(
    tmpl: &minijinja::Template<'_, '_>,
    e: &minijinja::Error,
    values: &Value,
) -> Vec<String> {
    if e.kind() != minijinja::ErrorKind::UndefinedError {
        return Vec::new();
    }
    let Some(line) = e
        .line()
        .and_then(|l| tmpl.source().lines().nth(l.saturating_sub(1)))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("values.") {
        let before_ok = at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphanumeric();
        let tail = &rest[at + "values.".len()..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        let dotted = tail[..end].trim_end_matches('.');
        if before_ok && !dotted.is_empty() {
            let mut path = crate::locate::KeyPath::default();
            for part in dotted.split('.') {
                path = path.key(part);
                if crate::locate::lookup(values, &path).is_none() {
                    out.push(path.to_string());
                    break;
                }
            }
        }
        rest = &tail[end..];
    }
    out
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
    let v = v.trim_start_matches('v');
    let mut it = v.split('.').map(|p| p.parse::<u32>().ok());
    let major = it.next().flatten().unwrap_or(1);
    let minor = it.next().flatten().unwrap_or(33);
    (major, minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(split_version("v1.34.2"), (1, 34));
        assert_eq!(split_version("1.35"), (1, 35));
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
