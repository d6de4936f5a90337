//! MLflow: the tracking server's command line (bind address, workers, stores, allowed
//! hosts and origins, extra arguments), its replicas, security contexts and probe.

use super::network::IngressHosts;
use super::{Acc, Db, MLFLOW_PORT, Names, Release, S3};
use crate::model::Values;
use crate::render::checks;
use serde_json::{Map, Value, json};

/// The Host patterns MLflow accepts (fnmatch): every name this service is reached by, the
/// ingress hosts and `MLFlow.allowedHosts`, each also with any port.
fn allowed_hosts(
    values: &Values,
    release: &Release,
    svc: &str,
    ingress: &IngressHosts,
    acc: &mut Acc,
) -> String {
    let ns = &release.namespace;
    let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into()];
    hosts.extend([
        svc.to_string(),
        format!("{svc}.{ns}"),
        format!("{svc}.{ns}.svc"),
        format!("{svc}.{ns}.svc.cluster.local"),
    ]);
    hosts.extend(ingress.hosts.iter().cloned());
    for (n, h) in values.mlflow.allowed_hosts.iter().enumerate() {
        // '$': Kubernetes would expand $(NAME) in the argument.
        if h.contains(['@', '/', ',', '$']) || h.chars().any(char::is_whitespace) {
            acc.errors.push(format!(
                "MLFlow.allowedHosts[{n}] is not a host pattern like mlflow.example.org or *.example.org"
            ));
        } else if h.contains(['*', '?', '[']) && !names_its_domain(h) {
            // MLflow admits every Host when "*" is listed, matches a pattern with `*` by
            // fnmatch and any other one as it is (mlflow/server/security_utils.py:157-169
            // at 3.17.2): a pattern other than `*.<domain>` or `<host>:*` matches host
            // names outside the domain it names (`*`, `[!x]*`, `*example.org`,
            // `mlflow.example.*`), which an attacker's DNS name could take. A pattern
            // with `?` or `[` and no `*` is fnmatched too: below it is also listed with
            // `:*`, so `mlflow?example.org` admits `mlflowxexample.org:80`.
            let listed = if h.contains(':') {
                h.clone()
            } else {
                format!("{h}:*")
            };
            let every = if matches_any_host(&listed) {
                "every Host header"
            } else {
                "host names outside the domain it names"
            };
            acc.warnings.push(format!(
                "MLFlow.allowedHosts[{n}] is {}, which matches {every}: it weakens MLflow's check against DNS rebinding (the proxy still authenticates every request); name your hosts, like *.example.org or mlflow.example.org:*",
                crate::error::quoted(h)
            ));
        }
    }
    hosts.extend(values.mlflow.allowed_hosts.iter().cloned());
    let mut with_ports = Vec::new();
    for h in &hosts {
        with_ports.push(h.clone());
        if !h.contains(':') {
            with_ports.push(format!("{h}:*"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    with_ports.retain(|h| seen.insert(h.clone()));
    with_ports.join(",")
}

/// `mlflow server …`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn args(
    values: &Values,
    release: &Release,
    names: &Names,
    ingress: &IngressHosts,
    db: &Db,
    s3: &S3,
    behind_proxy: bool,
    acc: &mut Acc,
) -> Vec<String> {
    let m = &values.mlflow;
    // Behind the proxy MLflow listens on loopback only: nothing reaches it around the proxy.
    let bind = if behind_proxy { "127.0.0.1" } else { "0.0.0.0" };
    let mut args = vec![
        "server".to_string(),
        "--host".into(),
        bind.into(),
        "--port".into(),
        MLFLOW_PORT.to_string(),
        "--workers".into(),
        m.workers.to_string(),
        "--serve-artifacts".into(),
        "--artifacts-destination".into(),
        s3.destination.clone(),
        "--allowed-hosts".into(),
        allowed_hosts(values, release, &names.mlflow, ingress, acc),
    ];
    // With MySQL the launcher puts the password into MLFLOW_BACKEND_STORE_URI, which
    // `mlflow server` reads when --backend-store-uri is absent (mlflow/cli/__init__.py,
    // `--backend-store-uri` envvar, 3.17.2).
    if !db.mysql {
        args.splice(7..7, ["--backend-store-uri".to_string(), db.uri.clone()]);
    }
    if !(1..=64).contains(&m.workers) {
        acc.errors
            .push("MLFlow.workers must be a number from 1 to 64".into());
    }
    // MLflow 3 refuses state-changing API calls whose Origin it does not know (403), and
    // browsers send Origin even on same-origin POSTs: the UI's own origins must be listed.
    // A wildcard host (`*.example.org`) is no origin: MLflow matches origins holding `*`
    // with fnmatch (mlflow/server/security_utils.py:106-124, `should_block_cors_request`,
    // 3.17.2), so it would let a page on any sibling host make state-changing calls with
    // the user's session cookie (SameSite=Lax sends it within the site).
    let mut origins: Vec<String> = ingress
        .hosts
        .iter()
        .filter(|h| !h.contains('*'))
        .map(|h| format!("{}://{h}", ingress.scheme(h)))
        .collect();
    for o in &m.cors_allowed_origins {
        acc.errors
            .extend(checks::origin("MLFlow.corsAllowedOrigins", o));
    }
    origins.extend(m.cors_allowed_origins.iter().cloned());
    if !origins.is_empty() {
        args.extend(["--cors-allowed-origins".to_string(), origins.join(",")]);
    }
    // Workspaces mode (mlflow/cli/__init__.py, `server --enable-workspaces`, 3.17.2): the
    // workspace store defaults to the backend store.
    if m.workspaces.enabled {
        args.push("--enable-workspaces".into());
    }
    if values.metrics.enabled {
        args.extend([
            "--expose-prometheus".to_string(),
            "/tmp/prometheus".to_string(),
        ]);
    }
    for (n, a) in m.extra_args.iter().enumerate() {
        if crate::redact::uris(a) != *a {
            acc.errors.push(format!(
                "MLFlow.extraArgs[{n}] carries a credential in a URI (user:password@, a query value or a fragment): arguments are visible to anyone who can read the pod; give credentials through a Secret"
            ));
        }
        if let Some(flag) = checks::forbidden_mlflow_arg(a) {
            acc.errors.push(format!(
                "MLFlow.extraArgs: {flag} is set by the chart and cannot be overridden (it decides who can reach MLflow without the proxy, or where MLflow keeps its data and whether it proxies the artifacts)"
            ));
        }
    }
    // Verbatim: the kubelet expands `$(NAME)` in a container's arguments from its
    // environment and reads `$$` as `$` (third_party/forked/golang/expansion/expand.go,
    // Expand), so every `$` is doubled; `$(AWS_SECRET_ACCESS_KEY)` stays that text rather
    // than becoming the key.
    args.extend(m.extra_args.iter().map(|a| a.replace('$', "$$")));
    args
}

/// Whether more than one tracking replica may run. MLflow runs its periodic server tasks
/// (online scoring, trace archival) in every instance whose
/// `MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS` is true, and wants exactly one such instance
/// in a multi-replica deployment (mlflow/environment_variables.py and
/// mlflow/server/jobs/_job_runner.py at 3.17.2): then the tracking replicas turn them off and
/// a single-replica scheduler Deployment runs them.
pub(crate) fn needs_scheduler(values: &Values) -> bool {
    values.autoscaling.enabled || values.replica_count > 1
}

/// The scheduler's `mlflow server` line: the tracking server's, on loopback with one worker
/// and without the metrics directory (nothing reaches it; it only runs periodic tasks).
pub(crate) fn scheduler_args(tracking: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = tracking.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--host" | "--workers" => {
                it.next();
                out.push(a.clone());
                out.push(if a == "--host" { "127.0.0.1" } else { "1" }.into());
            }
            "--expose-prometheus" => {
                it.next();
            }
            _ => out.push(a.clone()),
        }
    }
    out
}

/// The garbage collection CronJob's command (files/gc.py), when `MLFlow.gc.enabled`.
pub(crate) fn gc_command(values: &Values, s3: &S3, acc: &mut Acc) -> Option<Vec<String>> {
    let gc = &values.mlflow.gc;
    if !gc.enabled {
        return None;
    }
    if let Err(why) = crate::validate::rules::cron_schedule(&gc.schedule) {
        acc.errors.push(format!(
            "MLFlow.gc.schedule is not a cron schedule ({why}): give five fields like \"30 3 * * *\" or a macro like @daily"
        ));
    }
    if !gc.time_zone.is_empty() && !crate::validate::rules::time_zone_ok(&gc.time_zone) {
        acc.errors.push(
            "MLFlow.gc.timeZone is not an IANA time zone name like Europe/Berlin or UTC".into(),
        );
    }
    if !checks::older_than(&gc.older_than) {
        acc.errors.push(
            "MLFlow.gc.olderThan is not an age like 30d, 12h or 1d2h3m4s (days, hours, minutes, seconds, in that order; at most 100 years)".into(),
        );
    }
    let mut cmd: Vec<String> = vec![
        "python".into(),
        "/scripts/gc.py".into(),
        "--artifacts-destination".into(),
        s3.destination.clone(),
        "--port".into(),
        MLFLOW_PORT.to_string(),
    ];
    if !gc.older_than.is_empty() {
        cmd.extend(["--older-than".into(), gc.older_than.clone()]);
    }
    if gc.jobs {
        cmd.push("--jobs".into());
    }
    if values.mlflow.workspaces.enabled {
        cmd.push("--all-workspaces".into());
    }
    Some(cmd)
}

/// MLflow encrypts the secrets it stores (AI Gateway API keys) under a key derived from
/// MLFLOW_CRYPTO_KEK_PASSPHRASE, and without it uses a built-in passphrase that every
/// installation shares (mlflow/utils/crypto.py, DEFAULT_KEK_PASSPHRASE, at 3.17.2): the
/// chart gives every MLflow server its own, generated once in the cluster or from a Secret,
/// never rendered.
pub(crate) fn kek_passphrase(values: &Values, names: &Names, acc: &mut Acc) -> Value {
    let refs = super::credentials::resolve(
        &super::credentials::CredentialSet {
            base: "MLFlow.crypto",
            what: "MLflow's key-encryption passphrase",
            existing_secret: values.mlflow.crypto.existing_secret.as_str(),
            credentials: &[super::credentials::Credential {
                key: "kek-passphrase",
                value_key: "passphrase",
                value: "",
                length: 48,
            }],
            name: &names.crypto,
            component: "tracking",
        },
        acc,
    );
    let r = refs.get("kek-passphrase").cloned();
    r.map(|r| super::credentials::secret_env("MLFLOW_CRYPTO_KEK_PASSPHRASE", &r))
        .unwrap_or(Value::Null)
}

/// The fewest MLflow replicas that run (for the PodDisruptionBudget: with one, a budget
/// would block every node drain).
pub(crate) fn replicas_min(values: &Values, acc: &mut Acc) -> i64 {
    let a = &values.autoscaling;
    if !a.enabled {
        return values.replica_count;
    }
    if a.min_replicas > a.max_replicas {
        acc.errors.push(format!(
            "autoscaling.minReplicas ({}) is greater than autoscaling.maxReplicas ({})",
            a.min_replicas, a.max_replicas
        ));
    }
    // averageUtilization is an int32 above 0 (ValidateMetricTarget); 0 or null is none.
    for (key, t) in [
        (
            "targetCPUUtilizationPercentage",
            a.target_cpu_utilization_percentage,
        ),
        (
            "targetMemoryUtilizationPercentage",
            a.target_memory_utilization_percentage,
        ),
    ] {
        if t.is_some_and(|t| !(0..=i64::from(i32::MAX)).contains(&t)) {
            acc.errors.push(format!(
                "autoscaling.{key} must be a whole number from 1 to 2147483647 (0 or null: no such metric)"
            ));
        }
    }
    let none = |t: Option<i64>| t.unwrap_or(0) == 0;
    if none(a.target_cpu_utilization_percentage) && none(a.target_memory_utilization_percentage) {
        acc.errors.push("autoscaling.enabled needs autoscaling.targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage above 0".into());
    }
    a.min_replicas
}

/// Is a host pattern one whose wildcards stay inside the domain or host it names: its
/// wildcards (`*`, `?`, `[...]`) all stand before a `.` that starts a written-out domain
/// of two or more labels (`*.example.org`, `ml-?.example.org`, `[ab].example.org`), and
/// its port is a number or `*`; a pattern with no wildcard names itself.
fn names_its_domain(pattern: &str) -> bool {
    let host = match pattern.rsplit_once(':') {
        Some((h, p)) if p == "*" || p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => pattern,
    };
    let wild = ['*', '?', '[', ']'];
    match host.rfind(wild) {
        None => true,
        Some(last) => host[last + 1..].strip_prefix('.').is_some_and(|domain| {
            !domain.starts_with('.')
                && domain.contains('.')
                && !domain.ends_with('.')
                && !public_suffix(domain)
        }),
    }
}

/// A domain under which anyone can get a name (so `*.<it>` names no one's domain): a
/// country's second-level registry (`co.uk`, `com.au`, `org.br`: a two-label domain whose
/// first label is one registries use) or a well-known shared hosting or dynamic DNS
/// domain. A short list, not the Public Suffix List: a name missing here is not warned of.
fn public_suffix(domain: &str) -> bool {
    const REGISTRY: &[&str] = &[
        "ac", "co", "com", "edu", "gob", "gov", "go", "ltd", "me", "mil", "ne", "net", "nom", "or",
        "org", "plc", "sch",
    ];
    const SHARED: &[&str] = &[
        "amazonaws.com",
        "appspot.com",
        "azurewebsites.net",
        "cloudfront.net",
        "ddns.net",
        "duckdns.org",
        "eu.org",
        "firebaseapp.com",
        "fly.dev",
        "github.io",
        "gitlab.io",
        "herokuapp.com",
        "netlify.app",
        "nip.io",
        "ngrok.io",
        "ngrok-free.app",
        "no-ip.org",
        "onrender.com",
        "pages.dev",
        "sslip.io",
        "vercel.app",
        "web.app",
        "workers.dev",
    ];
    let d = domain.to_ascii_lowercase();
    let labels: Vec<&str> = d.split('.').collect();
    (labels.len() == 2 && REGISTRY.contains(&labels[0])) || SHARED.contains(&d.as_str())
}

/// Does the fnmatch pattern `pattern` (Python's fnmatch.translate: `*`, `?`, `[seq]`,
/// `[!seq]`, everything else literal, case-sensitive on POSIX) match a host name an
/// attacker chooses, with or without a port?
fn matches_any_host(pattern: &str) -> bool {
    let mut re = String::from("^(?s:");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '[' => {
                // A set runs to the first `]` after its first character (which may be
                // `]` or follow `!`); without one, `[` is literal.
                let mut j = i + 1;
                if chars.get(j) == Some(&'!') {
                    j += 1;
                }
                if chars.get(j) == Some(&']') {
                    j += 1;
                }
                while j < chars.len() && chars[j] != ']' {
                    j += 1;
                }
                if j >= chars.len() {
                    re.push_str("\\[");
                } else {
                    let inner: String = chars[i + 1..j].iter().collect();
                    let (negate, inner) = match inner.strip_prefix('!') {
                        Some(rest) => (true, rest.to_string()),
                        None => (false, inner),
                    };
                    re.push('[');
                    if negate {
                        re.push('^');
                    }
                    for c in inner.chars() {
                        if matches!(c, '\\' | '[' | ']' | '^') {
                            re.push('\\');
                        }
                        re.push(c);
                    }
                    re.push(']');
                    i = j;
                }
            }
            c => re.push_str(&regex_lite::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push_str(")$");
    let Ok(re) = regex_lite::Regex::new(&re) else {
        return false;
    };
    [
        "attacker.invalid",
        "attacker.invalid:443",
        "rebind.attacker.invalid:5000",
    ]
    .iter()
    .any(|host| re.is_match(host))
}

/// (template name, values key prefix, pod context, container context) of one component.
type ComponentContexts<'a> = (
    &'static str,
    &'static str,
    &'a Map<String, Value>,
    &'a Map<String, Value>,
);

/// Each component's pod and container security contexts in the values: one table for
/// the merge in [`security`] and for the OpenShift check.
fn component_contexts(values: &Values) -> [ComponentContexts<'_>; 4] {
    [
        (
            "mlflow",
            "",
            &values.pod_security_context,
            &values.security_context,
        ),
        (
            "postgresql",
            "postgresql.",
            &values.postgresql.pod_security_context,
            &values.postgresql.security_context,
        ),
        (
            "minio",
            "minio.",
            &values.minio.pod_security_context,
            &values.minio.security_context,
        ),
        (
            "versitygw",
            "versitygw.",
            &values.versitygw.pod_security_context,
            &values.versitygw.security_context,
        ),
    ]
}

/// Restricted security contexts: the chart's defaults (without fixed IDs under
/// `openshift`), and each component's with its `podSecurityContext`/`securityContext`
/// merged over them.
pub(crate) fn security(values: &Values) -> Value {
    // On OpenShift the restricted-v2 SCC assigns user, group and fsGroup from the
    // namespace's range and refuses pods that name others: leave them out there.
    let pod = if values.openshift {
        json!({"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}})
    } else {
        json!({
            "runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        })
    };
    let container = json!({
        "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
        "privileged": false, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"},
    });
    let merged = |base: &Value, over: &Map<String, Value>| {
        let mut m = base.as_object().cloned().unwrap_or_default();
        crate::values::coalesce(&mut m, over.clone());
        Value::Object(m)
    };
    let mut out = Map::new();
    for (name, _, pod_values, container_values) in component_contexts(values) {
        out.insert(format!("{name}Pod"), merged(&pod, pod_values));
        out.insert(
            format!("{name}Container"),
            merged(&container, container_values),
        );
    }
    out.insert("pod".into(), pod);
    out.insert("container".into(), container);
    Value::Object(out)
}

/// The extra containers and init containers, each with its key (`extraContainers[0]`).
fn extra_containers(values: &Values) -> impl Iterator<Item = (String, &Map<String, Value>)> {
    [
        ("extraContainers", &values.extra_containers),
        ("extraInitContainers", &values.extra_init_containers),
    ]
    .into_iter()
    .flat_map(|(key, list)| {
        list.iter()
            .enumerate()
            .map(move |(n, c)| (format!("{key}[{n}]"), c))
    })
}

/// The security contexts of the extra containers and init containers, with their keys.
fn extra_contexts(values: &Values) -> Vec<(String, &Map<String, Value>)> {
    extra_containers(values)
        .filter_map(|(key, c)| match c.get("securityContext") {
            Some(Value::Object(sc)) => Some((format!("{key}.securityContext"), sc)),
            _ => None,
        })
        .collect()
}

/// A container whose root filesystem the values make writable: the restricted Pod
/// Security Standard allows it, but it is a weakening (a compromised process may then
/// change the image's programs and libraries), so it is said.
pub(crate) fn writable_root(values: &Values, acc: &mut Acc) {
    let mut contexts: Vec<(String, &Map<String, Value>)> = component_contexts(values)
        .into_iter()
        .map(|(_, prefix, _, container)| (format!("{prefix}securityContext"), container))
        .collect();
    contexts.extend(extra_contexts(values));
    for (key, sc) in contexts {
        if sc.get("readOnlyRootFilesystem") == Some(&Value::Bool(false)) {
            acc.warnings.push(format!(
                "{key}.readOnlyRootFilesystem is false: the container may write to its image's files (a compromised process could change its programs); the chart's containers need no writable root, give a writable path as an emptyDir volume instead"
            ));
        }
    }
}

/// Under `openshift`, the restricted-v2 SCC assigns user, group and fsGroup from the
/// namespace's range and allows only the runtime/default seccomp profile
/// (openshift/cluster-kube-apiserver-operator,
/// bindata/bootkube/scc-manifests/0000_20_kube-apiserver-operator_00_scc-restricted-v2.yaml):
/// a security context in the values that names them would be refused at admission.
pub(crate) fn openshift_conflicts(values: &Values, acc: &mut Acc) {
    if !values.openshift {
        return;
    }
    let mut contexts: Vec<(String, &Map<String, Value>)> = Vec::new();
    for (_, prefix, pod, container) in component_contexts(values) {
        contexts.push((format!("{prefix}podSecurityContext"), pod));
        contexts.push((format!("{prefix}securityContext"), container));
    }
    contexts.extend(extra_contexts(values));
    for (key, sc) in contexts {
        for id in ["runAsUser", "runAsGroup", "fsGroup"] {
            if sc.get(id).is_some_and(|v| !v.is_null()) {
                acc.errors.push(format!(
                    "{key}.{id} is set, but with openshift: true the restricted-v2 SCC assigns it from the namespace's range and refuses pods that name another: remove it"
                ));
            }
        }
        if let Some(t) = sc.get("seccompProfile").and_then(|p| p.get("type"))
            && *t != "RuntimeDefault"
        {
            acc.errors.push(format!(
                "{key}.seccompProfile.type is {t}, but with openshift: true the restricted-v2 SCC allows only RuntimeDefault"
            ));
        }
    }
}

/// The exec probe of MLflow's /health on loopback (used when the proxy is in front).
pub(crate) fn health_probe_command() -> Vec<String> {
    vec![
        "python".into(),
        "-c".into(),
        format!(
            "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{MLFLOW_PORT}/health', timeout=4)"
        ),
    ]
}

#[cfg(test)]
mod host_pattern_tests {
    #[test]
    fn patterns_that_stay_in_their_domain() {
        for ok in [
            "*.example.org",
            "mlflow.example.org:*",
            "*.example.org:*",
            "mlflow.example.org",
            "*.svc.cluster.local:5000",
            "ml-?.example.org",
            "[ab].example.org:*",
            "*.example.co.uk",
        ] {
            assert!(super::names_its_domain(ok), "{ok}");
        }
        for wide in [
            "*",
            "*:*",
            "*example.org",
            "mlflow.example.*",
            "mlflow*",
            "mlflow.example.org*",
            "*.org*",
            "*.*",
            "[!x]*",
            "*.com",
            "mlflow?example.org",
            "mlflow.example.or?",
            "[.]example.org",
            "?",
            "*..org",
            "*.example.",
            "*.co.uk",
            "*.com.au",
            "*.duckdns.org",
            "*.GitHub.io",
            "ml-*.nip.io:*",
        ] {
            assert!(!super::names_its_domain(wide), "{wide}");
        }
    }
    #[test]
    fn patterns_that_admit_any_host() {
        for wide in ["*", "*:*", "[!x]*", "?*", "*.*", "*i*", "[a-z]*"] {
            assert!(super::matches_any_host(wide), "{wide}");
        }
        for narrow in [
            "*.example.org",
            "mlflow.example.org:*",
            "[ab].example.org",
            "[x]*",
            "[!a]*.example.org",
        ] {
            assert!(!super::matches_any_host(narrow), "{narrow}");
        }
    }
}
