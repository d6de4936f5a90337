//! The security boundary, one test per line of docs/security.md's threat model: each reads
//! the rendered proxy arguments, probes and policies and asserts the invariant. Each cites
//! the upstream rule it relies on (OAuth2-Proxy v7.15.3, file:line at the tag).

use crate::common;
use serde_json::Value;

const P: [&str; 4] = [
    "--set",
    "oauth2Proxy.clientID=c",
    "--set",
    "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r",
];

fn render(extra: &[&str]) -> common::Run {
    let mut a = vec!["render"];
    a.extend_from_slice(&P);
    a.extend_from_slice(extra);
    common::run(&a, None)
}

fn docs(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(text)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

fn container<'a>(docs: &'a [Value], name: &str) -> Option<&'a Value> {
    docs.iter()
        .filter(|d| d["kind"] == "Deployment")
        .flat_map(|d| {
            d["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
                .iter()
        })
        .find(|c| c["name"] == name)
}

fn args(c: &Value) -> Vec<String> {
    c["args"]
        .as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// What OAuth2-Proxy v7.15.3 lets through without a session, for a request with this
/// method, path and headers from a peer address, given its arguments. A model of:
/// `IsAllowedRequest` → skip-auth routes, matched by method (oauthproxy.go:594-596) against
/// `GetRequestPath` (oauthproxy.go:599), which is the X-Forwarded-Uri header when the peer
/// is trusted (requests/util/util.go:51-61; trust: middleware/scope.go:71-86, everyone when
/// --reverse-proxy has no --trusted-proxy-ip, oauthproxy.go:401-409). Any skip-auth route
/// or --skip-auth-regex/--trusted-ip/--skip-auth-preflight makes the model refuse to
/// judge: the test then fails, because the threat model allows none.
fn reaches_mlflow_unauthenticated(proxy_args: &[String], path: &str) -> bool {
    let forbidden = [
        "--skip-auth-route",
        "--skip-auth-regex",
        "--trusted-ip",
        "--skip-auth-preflight=true",
        "--skip-auth-strip-headers=false",
    ];
    for a in proxy_args {
        assert!(
            !forbidden.iter().any(|f| a.starts_with(f)),
            "the proxy has an unauthenticated route option {a}; docs/security.md allows none"
        );
    }
    // /ping and /ready are answered by the proxy itself, never proxied
    // (oauthproxy.go:372-394, healthcheck.go:33-54): they do not reach MLflow.
    let _ = path;
    false
}

#[test]
fn no_request_reaches_mlflow_without_authentication() {
    let mut checked = 0;
    for (name, path) in common::scenarios() {
        let run = common::render_scenario(&path);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let d = docs(&run.stdout);
        let Some(proxy) = container(&d, "oauth2-proxy") else {
            continue;
        };
        let a = args(proxy);
        for p in [
            "/api/2.0/mlflow/experiments/search",
            "/health",
            "//health",
            "/health/../api/2.0/mlflow/runs/get",
            "/%68ealth",
            "/metrics",
            "/ajax-api/2.0/mlflow/runs/search;/health",
        ] {
            assert!(!reaches_mlflow_unauthenticated(&a, p), "{name}: {p}");
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} proxy scenarios");
}

/// X-Forwarded-* headers are trusted from nobody unless the user names proxy networks:
/// `--reverse-proxy=false` makes CanTrustForwardedHeaders false (middleware/scope.go:72).
#[test]
fn forwarded_headers_are_not_trusted_by_default() {
    for (name, path) in common::scenarios() {
        let run = common::render_scenario(&path);
        let d = docs(&run.stdout);
        let Some(proxy) = container(&d, "oauth2-proxy") else {
            continue;
        };
        let a = args(proxy);
        assert!(
            a.contains(&"--reverse-proxy=false".to_string()),
            "{name}: {a:?}"
        );
        assert!(
            !a.iter().any(|x| x.starts_with("--trusted-proxy-ip")),
            "{name}"
        );
        // The proxy's upstream is MLflow on loopback, and MLflow listens nowhere else.
        assert!(
            a.contains(&"--upstream=http://127.0.0.1:5000/".to_string()),
            "{name}"
        );
        let mlflow = container(&d, "mlflow").unwrap();
        assert!(
            mlflow.get("ports").is_none(),
            "{name}: MLflow declares a port"
        );
        let margs = args(mlflow);
        let host = margs
            .iter()
            .position(|x| x == "--host")
            .map(|i| &margs[i + 1]);
        assert_eq!(host.map(String::as_str), Some("127.0.0.1"), "{name}");
    }
}

#[test]
fn trusted_proxy_networks_are_the_users_and_never_everyone() {
    let r = render(&[
        "--set",
        "oauth2Proxy.trustedProxyCIDRs={10.42.0.0/16,fd00:10::/48}",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = docs(&r.stdout);
    let a = args(container(&d, "oauth2-proxy").unwrap());
    assert!(a.contains(&"--reverse-proxy=true".to_string()));
    assert!(a.contains(&"--trusted-proxy-ip=10.42.0.0/16".to_string()));
    assert!(a.contains(&"--trusted-proxy-ip=fd00:10::/48".to_string()));
    for bad in [
        "0.0.0.0/0",
        "::/0",
        "10.0.0.0",
        "10.0.0.0/33",
        "example.org/8",
    ] {
        let r = render(&["--set", &format!("oauth2Proxy.trustedProxyCIDRs={{{bad}}}")]);
        assert_eq!(r.code, 1, "{bad}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("oauth2Proxy.trustedProxyCIDRs"),
            "{bad}: {}",
            r.stderr
        );
    }
}

/// Probes never need an unauthenticated route into MLflow: the proxy answers /ping and
/// /ready itself (oauthproxy.go:372-394); MLflow's own probe is an exec on loopback.
#[test]
fn probes_use_the_proxys_endpoints_and_loopback() {
    let r = render(&[]);
    let d = docs(&r.stdout);
    let proxy = container(&d, "oauth2-proxy").unwrap();
    assert_eq!(proxy["livenessProbe"]["httpGet"]["path"], "/ping");
    assert_eq!(proxy["readinessProbe"]["httpGet"]["path"], "/ready");
    let mlflow = container(&d, "mlflow").unwrap();
    for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
        let cmd = mlflow[probe]["exec"]["command"].to_string();
        assert!(
            cmd.contains("http://127.0.0.1:5000/health"),
            "{probe}: {cmd}"
        );
        assert!(mlflow[probe].get("httpGet").is_none(), "{probe}");
    }
}

/// Every container of the tracking pod has a readiness probe but the metrics sidecar,
/// whose lack the Deployment's checkov skip explains (a pod is ready only when all its
/// containers are): the skip must not hide a missing probe anywhere else.
#[test]
fn only_the_metrics_sidecar_goes_without_a_readiness_probe() {
    for proxy in ["true", "false"] {
        let r = render(&[
            "--set",
            "metrics.enabled=true",
            "--set",
            &format!("oauth2Proxy.enabled={proxy}"),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let d = docs(&r.stdout);
        let deployment = d
            .iter()
            .find(|o| o["kind"] == "Deployment" && o["metadata"]["name"] == "mlflow")
            .expect("the tracking Deployment");
        let skips = deployment["metadata"]["annotations"].to_string();
        assert!(skips.contains("CKV_K8S_9="), "{skips}");
        let containers = deployment["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = containers
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"metrics"), "{names:?}");
        for c in containers {
            assert_eq!(
                c.get("readinessProbe").is_some(),
                c["name"] != "metrics",
                "{}",
                c["name"]
            );
        }
    }
    let r = render(&[]);
    assert!(
        !r.stdout.contains("CKV_K8S_9="),
        "the skip is only there with the sidecar"
    );
}

/// The login callback is a concrete host: an absolute --redirect-url is used as it is
/// (oauthproxy.go:1115-1116); a wildcard there would be no URL at all.
#[test]
fn wildcard_hosts_never_become_the_callback() {
    let r = render(&[
        "--set",
        "ingress.enabled=true",
        "--set",
        "ingress.hosts[0].host=*.example.org",
        "--set",
        "ingress.hosts[1].host=mlflow.example.org",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("--redirect-url=http://mlflow.example.org/oauth2/callback")
    );
    assert!(!r.stdout.contains("--redirect-url=http://*"));
    let r = render(&[
        "--set",
        "ingress.enabled=true",
        "--set",
        "ingress.hosts[0].host=*.example.org",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("only wildcard hosts"), "{}", r.stderr);
}

#[test]
fn an_open_mlflow_is_said_out_loud() {
    let r = common::run(&["render", "--set", "oauth2Proxy.enabled=false"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: oauth2Proxy.enabled is false")
            && r.stderr.contains("without authentication"),
        "{}",
        r.stderr
    );
    // -q keeps warnings.
    let r = common::run(
        &["render", "-q", "--set", "oauth2Proxy.enabled=false"],
        None,
    );
    assert!(r.stderr.contains("without authentication"), "{}", r.stderr);
}

/// Without an ingress the cookie is Secure and the callback https (oauthproxy.go:1120-1133):
/// next steps must not promise a browser login over a port-forward.
#[test]
fn next_steps_promise_only_what_works_without_ingress() {
    let r = render(&[]);
    assert!(r.stderr.contains("MLFLOW_TRACKING_TOKEN"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("then http://localhost:5000/"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("needs an ingress with TLS"),
        "{}",
        r.stderr
    );
    let d = docs(&r.stdout);
    let a = args(container(&d, "oauth2-proxy").unwrap());
    assert!(a.contains(&"--cookie-secure=true".to_string()));
}

/// Least-privilege egress: DNS only to the cluster DNS pods (53 and 5353); with every
/// `networkPolicy.*To` given, every egress rule of every policy names its destination;
/// without them, only the rules docs/security.md lists (IdP, external DB and S3, API
/// server) may lack one.
#[test]
fn every_egress_rule_names_a_destination_or_a_documented_reason() {
    let peer = r#"[{"ipBlock":{"cidr":"203.0.113.10/32"}}]"#;
    let all_to = [
        "--set",
        "services.postgres.enabled=false",
        "--set",
        "externalDatabase.host=db.example.org",
        "--set",
        "externalDatabase.existingSecret=db",
        "--set",
        "services.minio.enabled=false",
        "--set",
        "s3.url=https://s3.example.org",
        "--set",
        "s3.secret=s3",
    ];
    let mut args: Vec<String> = all_to.iter().map(|s| s.to_string()).collect();
    for k in [
        "identityProviderTo",
        "externalDatabaseTo",
        "externalS3To",
        "apiServerTo",
    ] {
        args.push("--set-json".into());
        args.push(format!("networkPolicy.{k}={peer}"));
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = render(&argv);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut rules = 0;
    for d in docs(&r.stdout)
        .iter()
        .filter(|d| d["kind"] == "NetworkPolicy")
    {
        for rule in d["spec"]["egress"].as_array().into_iter().flatten() {
            rules += 1;
            assert!(
                rule["to"].as_array().is_some_and(|t| !t.is_empty()),
                "{}: egress rule without destination: {rule}",
                d["metadata"]["name"]
            );
        }
    }
    assert!(rules >= 4, "{rules}");
    // Defaults: DNS always has a destination and includes 5353.
    let r = render(&[]);
    let mut dns = 0;
    for d in docs(&r.stdout)
        .iter()
        .filter(|d| d["kind"] == "NetworkPolicy")
    {
        for rule in d["spec"]["egress"].as_array().into_iter().flatten() {
            let ports: Vec<i64> = rule["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["port"].as_i64())
                .collect();
            if ports.contains(&53) {
                dns += 1;
                assert!(ports.contains(&5353), "{rule}");
                assert_eq!(
                    rule["to"][0]["podSelector"]["matchLabels"]["k8s-app"],
                    "kube-dns"
                );
            } else if rule.get("to").is_none() {
                // Documented: the IdP (issuer port 443) and the API server (443, 6443).
                assert!(
                    ports.iter().all(|p| [443, 6443].contains(p)),
                    "{}: undocumented open egress {rule}",
                    d["metadata"]["name"]
                );
            }
        }
    }
    assert!(dns >= 3, "{dns}");
}

/// Metrics reach Prometheus without opening anything else: a separate exporter container
/// (files/metrics-exporter.py, reading the server's prometheus_client multiprocess files;
/// mlflow/server/__init__.py and prometheus_exporter.py at 3.17.2) on port 9090, a ClusterIP
/// Service whatever service.type is, a ServiceMonitor on that port only, and a NetworkPolicy
/// rule for 9090 alone. The tracking port and the proxy are unchanged (no skip-auth route).
#[test]
fn metrics_open_only_the_metrics_port() {
    let r = render(&[
        "--set",
        "metrics.enabled=true",
        "--set",
        "service.type=LoadBalancer",
        "--set-json",
        r#"metrics.scrapeFrom=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}]"#,
        "--api-versions",
        "monitoring.coreos.com/v1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = docs(&r.stdout);
    let exporter = container(&d, "metrics").expect("metrics container");
    let cmd = exporter["command"].to_string();
    assert!(
        cmd.contains("MultiProcessCollector") && cmd.contains("start_http_server"),
        "{cmd}"
    );
    assert_eq!(exporter["ports"][0]["containerPort"], 9090);
    let proxy = args(container(&d, "oauth2-proxy").unwrap());
    assert!(
        !proxy.iter().any(|a| a.starts_with("--skip-auth")),
        "{proxy:?}"
    );
    let svc = d
        .iter()
        .find(|x| x["kind"] == "Service" && x["metadata"]["name"] == "mlflow-metrics")
        .expect("metrics Service");
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    assert_eq!(svc["spec"]["ports"].as_array().unwrap().len(), 1);
    let sm = d.iter().find(|x| x["kind"] == "ServiceMonitor").unwrap();
    assert_eq!(sm["spec"]["endpoints"][0]["port"], "metrics");
    assert_eq!(
        sm["spec"]["selector"]["matchLabels"],
        svc["metadata"]["labels"]
            .as_object()
            .map(|l| serde_json::json!({
                "app.kubernetes.io/name": l["app.kubernetes.io/name"],
                "app.kubernetes.io/instance": l["app.kubernetes.io/instance"],
                "app.kubernetes.io/component": l["app.kubernetes.io/component"],
            }))
            .unwrap()
    );
    let np = d
        .iter()
        .find(|x| x["kind"] == "NetworkPolicy" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    let ingress = np["spec"]["ingress"].as_array().unwrap();
    let metrics_rule = ingress
        .iter()
        .find(|r| r["ports"][0]["port"] == 9090)
        .expect("a rule for 9090");
    assert_eq!(metrics_rule["ports"].as_array().unwrap().len(), 1);
    assert_eq!(
        metrics_rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "monitoring"
    );
}

/// Nothing in the values can move MLflow off loopback or switch the proxy off by accident:
/// extra MLflow arguments may not set the bind address or port (`--host` is defined at
/// mlflow/utils/cli_args.py:162-165 at 3.17.2, and the last one given wins: click 8.5.1
/// parser.py:170-171 stores each value over the one before), extra environment variables
/// may not set them either (click reads an option that is not given from its `envvar`),
/// and oauth2Proxy.enabled must be a boolean even with --skip-schema-validation.
#[test]
fn values_cannot_route_around_the_proxy() {
    for extra in [
        r#"["--host","0.0.0.0"]"#,
        r#"["-h0.0.0.0"]"#,
        r#"["--host=0.0.0.0"]"#,
        r#"["--port","5001"]"#,
        r#"["--uvicorn-opts","--host 0.0.0.0"]"#,
        r#"["--gunicorn-opts=--bind 0.0.0.0:5000"]"#,
    ] {
        let r = render(&["--set-json", &format!("MLFlow.extraArgs={extra}")]);
        assert_eq!(r.code, 1, "{extra}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("MLFlow.extraArgs"),
            "{extra}: {}",
            r.stderr
        );
    }
    // `MLFLOW_GUNICORN_OPTS=-b 0.0.0.0:5001` would switch MLflow to gunicorn with a second
    // listener on every address; the others move the bind address or the checks.
    for name in [
        "MLFLOW_GUNICORN_OPTS",
        "MLFLOW_UVICORN_OPTS",
        "MLFLOW_HOST",
        "MLFLOW_PORT",
        "MLFLOW_SERVER_ALLOWED_HOSTS",
        "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE",
        "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS",
        "MLFLOW_ARTIFACTS_DESTINATION",
        "MLFLOW_SERVE_ARTIFACTS",
        "MLFLOW_REGISTRY_STORE_URI",
    ] {
        let r = render(&[
            "--set-json",
            &format!(r#"extraEnv=[{{"name":"{name}","value":"-b 0.0.0.0:5001"}}]"#),
        ]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains(&format!(
                "extraEnv[0].name \"{name}\" would set `mlflow server"
            )),
            "{name}: {}",
            r.stderr
        );
    }
    // Variables of MLflow's S3 client, botocore, libpq, uvicorn and gunicorn that would
    // move a store or the listener are refused whatever the configuration: with AWS S3
    // (no s3.url) the chart sets no endpoint for one of them to replace.
    let aws = "services.minio.enabled=false,s3.secret=s3creds,MLFlow.artifacts.bucketName=mlflow";
    let with_env = |config: &str, name: &str| {
        render(&[
            "--set",
            config,
            "--set-json",
            &format!(r#"extraEnv=[{{"name":"{name}","value":"x"}}]"#),
        ])
    };
    for (name, what) in [
        ("MLFLOW_S3_ENDPOINT_URL", "the S3 endpoint (s3.url)"),
        ("AWS_ENDPOINT_URL_S3", "the S3 endpoint (s3.url)"),
        ("MLFLOW_S3_IGNORE_TLS", "certificate check"),
        ("PGHOSTADDR", "externalDatabase.host"),
        ("PGSERVICE", "services.postgres.externalURI"),
        ("PGSSLMODE", "externalDatabase.sslmode"),
        ("UVICORN_ENV_FILE", "uvicorn"),
        ("UVICORN_UDS", "uvicorn"),
        ("GUNICORN_CMD_ARGS", "gunicorn"),
        // Would let a client behind the proxy pose as 127.0.0.1 to MLflow's assistant.
        ("FORWARDED_ALLOW_IPS", "X-Forwarded-For"),
        ("PGOPTIONS", "the schema it reads"),
        ("PGCHANNELBINDING", "the database's TLS"),
        ("AWS_CONFIG_FILE", "the S3 endpoint (s3.url)"),
        ("AWS_ENDPOINT_URL_STS", "an AWS endpoint"),
        ("STORAGE_EMULATOR_HOST", "the GCS endpoint"),
        (
            "_MLFLOW_SERVER_ARTIFACTS_ONLY",
            "an internal variable of `mlflow server`",
        ),
    ] {
        for config in [aws, "MLFlow.artifacts.bucketName=mlflow"] {
            let r = with_env(config, name);
            assert_eq!(r.code, 1, "{name} with {config}: {}", r.stderr);
            assert!(r.stdout.is_empty());
            // With MinIO the chart sets MLFLOW_S3_ENDPOINT_URL itself, and says so.
            let said = format!("extraEnv[0].name \"{name}\" ");
            assert!(
                r.stderr.contains(&said)
                    && (r.stderr.contains(what)
                        || r.stderr.contains("is a variable the chart sets")),
                "{name} with {config}: {}",
                r.stderr
            );
        }
    }
    // Variables that only tune a client stay the user's.
    for name in ["HTTPS_PROXY", "PGAPPNAME", "AWS_CA_BUNDLE", "UVICORN"] {
        let r = with_env(aws, name);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
    }
    // extraEnvFrom of a ConfigMap or Secret the render holds: its keys (behind the
    // prefix) are the variables, and the same names are refused.
    let r = render(&[
        "--set-json",
        r#"extraEnvFrom=[{"prefix":"MLFLOW_","configMapRef":{"name":"cm1"}},{"secretRef":{"name":"s1"}}]"#,
        "--set-json",
        r#"extraObjects=[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm1"},"data":{"GUNICORN_OPTS":"-b 0.0.0.0:5001","OK":"x"}},{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"stringData":{"MLFLOW_HOST":"0.0.0.0","UVICORN_ENV_FILE":"/tmp/env"}}]"#,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    for needle in [
        "extraEnvFrom[0] would set \"MLFLOW_GUNICORN_OPTS\"",
        "extraEnvFrom[1] would set \"MLFLOW_HOST\"",
        "extraEnvFrom[1] would set \"UVICORN_ENV_FILE\"",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    // The items of a List (and of a typed list, whose items may leave out their kind)
    // are objects of their own.
    let r = render(&[
        "--set-json",
        r#"extraEnvFrom=[{"secretRef":{"name":"s1"}},{"configMapRef":{"name":"c1"}}]"#,
        "--set-json",
        r#"extraObjects=[{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"stringData":{"PGHOSTADDR":"203.0.113.9"}}]},{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"name":"l"},"items":[{"metadata":{"name":"c1"},"data":{"UVICORN_UDS":"/tmp/s"}}]}]"#,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    for needle in [
        "extraEnvFrom[0] would set \"PGHOSTADDR\"",
        "extraEnvFrom[1] would set \"UVICORN_UDS\"",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    // A Secret of another namespace is not the one the MLflow pod reads.
    let r = render(&[
        "--set-json",
        r#"extraEnvFrom=[{"secretRef":{"name":"s1"}}]"#,
        "--set-json",
        r#"extraObjects=[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1","namespace":"elsewhere"},"stringData":{"MLFLOW_HOST":"0.0.0.0"}}]"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Other MLflow variables stay the user's.
    let r = render(&[
        "--set-json",
        r#"extraEnv=[{"name":"MLFLOW_SERVER_X_FRAME_OPTIONS","value":"DENY"},{"name":"MLFLOW_LOGGING_LEVEL","value":"DEBUG"}]"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for (flag, val) in [
        ("--set-string", "oauth2Proxy.enabled=true"),
        ("--set-string", "oauth2Proxy.enabled=false"),
        ("--set-json", "oauth2Proxy.enabled=1"),
        ("--set-json", "oauth2Proxy.enabled={}"),
        ("--set-json", r#"oauth2Proxy.enabled="yes""#),
    ] {
        let r = render(&["--skip-schema-validation", flag, val]);
        assert_eq!(r.code, 1, "{flag} {val}: {}", r.stderr);
        assert!(
            r.stderr.contains("oauth2Proxy.enabled: invalid type")
                && r.stderr.contains("expected a boolean"),
            "{}",
            r.stderr
        );
    }
    // A comma would be split by the proxy's string-slice flags: `example.org,*` = everyone.
    for key in ["emailDomains", "allowedGroups", "extraAudiences"] {
        let r = render(&[
            "--set-json",
            &format!(r#"oauth2Proxy.{key}=["example.org,*"]"#),
        ]);
        assert_eq!(r.code, 1, "{key}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("oauth2Proxy.{key}")),
            "{}",
            r.stderr
        );
    }
    // A line break would make the proxy read one line of the item only (pflag reads one
    // CSV record, and Go's CSV reader skips empty lines): `*\nexample.org` and `\n*` are
    // `*`, and a leading line break hides the API server's audience from its own check.
    let machine = "oauth2Proxy.machineTokens.enabled=true,oauth2Proxy.machineTokens.issuer=https://kubernetes.default.svc.cluster.local,oauth2Proxy.machineTokens.serviceAccounts[0]=ml:trainer";
    for (key, item) in [
        ("emailDomains", r#"*\nexample.org"#),
        ("emailDomains", r#"\n*"#),
        ("emailDomains", r#"example.org\r\n*"#),
        ("allowedGroups", r#"\nadmins"#),
        ("extraAudiences", r#"\nhttps://kubernetes.default.svc"#),
        ("keycloak.allowed_roles", r#"\nmlflow"#),
    ] {
        let r = render(&[
            "--set",
            machine,
            "--set",
            "oauth2Proxy.provider=keycloak-oidc",
            "--set-json",
            &format!(r#"oauth2Proxy.{key}=["{item}"]"#),
        ]);
        assert_eq!(r.code, 1, "{key}={item}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains(&format!(
                "oauth2Proxy.{key}[0]: holds a line break or a tab, but this value is one line"
            )),
            "{key}={item}: {}",
            r.stderr
        );
    }
    let r = render(&[
        "--set-json",
        r#"MLFlow.corsAllowedOrigins=["https://u:TOPSECRET@x.example.org"]"#,
    ]);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains("TOPSECRET"), "{}", r.stderr);
}

/// `extraObjects` that bind cluster-admin (directly or inside a `kind: List`) are valid
/// Kubernetes and render, but never silently: stderr says so.
#[test]
fn broad_grants_in_extra_objects_are_said() {
    let binding = r#"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"pwn"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"default"}]}"#;
    for extra in [
        format!("extraObjects=[{binding}]"),
        format!(
            r#"extraObjects=[{{"apiVersion":"v1","kind":"List","metadata":{{"name":"l"}},"items":[{binding}]}}]"#
        ),
    ] {
        let r = render(&["--set-json", &extra]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("ClusterRoleBinding/pwn grants the cluster-admin ClusterRole"),
            "{}",
            r.stderr
        );
    }
}

/// A PodDisruptionBudget never blocks a node drain: it is rendered only when at least two
/// MLflow replicas always run (with autoscaling, minReplicas), and lets one go at a time.
#[test]
fn disruption_budgets_never_block_drains() {
    let pdbs = |args: &[&str]| -> Vec<Value> {
        let r = render(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        docs(&r.stdout)
            .into_iter()
            .filter(|d| d["kind"] == "PodDisruptionBudget")
            .collect()
    };
    assert!(pdbs(&[]).is_empty());
    assert!(
        pdbs(&[
            "--set",
            "autoscaling.enabled=true,autoscaling.minReplicas=1,autoscaling.maxReplicas=5"
        ])
        .is_empty()
    );
    for args in [
        vec!["--set", "replicaCount=2"],
        vec![
            "--set",
            "autoscaling.enabled=true,autoscaling.minReplicas=2",
        ],
    ] {
        let p = pdbs(&args);
        assert_eq!(p.len(), 1, "{args:?}");
        assert_eq!(p[0]["spec"]["maxUnavailable"], 1, "{args:?}");
        // Unready pods never hold a drain (the default IfHealthyBudget would).
        assert_eq!(p[0]["spec"]["unhealthyPodEvictionPolicy"], "AlwaysAllow");
        assert!(p[0]["spec"].get("minAvailable").is_none());
    }
    // Configurable: more evictions at once, or no budget at all; never zero.
    let p = pdbs(&[
        "--set",
        "replicaCount=4,podDisruptionBudget.maxUnavailable=2",
    ]);
    assert_eq!(p[0]["spec"]["maxUnavailable"], 2);
    assert!(pdbs(&["--set", "replicaCount=4,podDisruptionBudget.enabled=false"]).is_empty());
    for extra in [&[][..], &["--skip-schema-validation"][..]] {
        let mut args = vec![
            "--set",
            "replicaCount=4,podDisruptionBudget.maxUnavailable=0",
        ];
        args.extend_from_slice(extra);
        let r = render(&args);
        assert_ne!(r.code, 0, "{extra:?}");
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("podDisruptionBudget.maxUnavailable"),
            "{}",
            r.stderr
        );
    }
}

/// An image pinned by a sha512 digest (OCI's other registered algorithm) renders pinned.
#[test]
fn sha512_digests_pin_images() {
    let digest = format!("sha512:{}", "0f".repeat(64));
    let set = format!("image.digest={digest},postgresql.image.digest={digest}");
    let r = common::run(
        &[
            "render",
            "--set",
            "oauth2Proxy.enabled=false",
            "--set",
            &set,
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("-full@{digest}")),
        "MLflow's image"
    );
    assert!(
        r.stdout.contains(&format!("postgres:17.6@{digest}")),
        "PostgreSQL's image"
    );
}

/// Each image has its own pull policy; unset, the render writes Kubernetes' own default
/// (IfNotPresent for a pinned tag or a digest, Always for "latest").
#[test]
fn each_image_has_its_own_pull_policy() {
    let policies = |args: &[&str]| -> Vec<(String, String)> {
        let r = render(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut out = Vec::new();
        for d in docs(&r.stdout) {
            let spec = if d["kind"] == "CronJob" {
                &d["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            } else {
                &d["spec"]["template"]["spec"]
            };
            for key in ["initContainers", "containers"] {
                for c in spec[key].as_array().into_iter().flatten() {
                    out.push((
                        c["image"].as_str().unwrap().to_string(),
                        c["imagePullPolicy"].as_str().unwrap().to_string(),
                    ));
                }
            }
        }
        assert!(out.len() >= 6, "{out:?}");
        out
    };
    for (image, policy) in policies(&[]) {
        assert_eq!(policy, "IfNotPresent", "{image} is pinned");
    }
    let got = policies(&[
        "--set",
        "postgresql.image.tag=latest,minio.clientImage.pullPolicy=Always,oauth2Proxy.pullPolicy=Never,image.tag=latest,image.digest=sha256:0000000000000000000000000000000000000000000000000000000000000000",
    ]);
    let policy_of = |needle: &str| -> Vec<&str> {
        got.iter()
            .filter(|(i, _)| i.contains(needle))
            .map(|(_, p)| p.as_str())
            .collect()
    };
    assert_eq!(
        policy_of("postgres:latest"),
        ["Always", "Always"],
        "guard and server"
    );
    assert_eq!(policy_of("minio/mc"), ["Always"]);
    assert_eq!(policy_of("minio/minio"), ["IfNotPresent"]);
    assert_eq!(policy_of("oauth2-proxy"), ["Never"]);
    // "latest" beside a digest is still "latest" to the API server's defaulting.
    let mlflow = policy_of("mlflow/mlflow");
    assert!(
        mlflow.len() >= 2 && mlflow.iter().all(|p| *p == "Always"),
        "{mlflow:?}"
    );
}

/// The Secrets generated in the cluster survive GitOps pruning: no
/// `app.kubernetes.io/instance` label (ArgoCD's label tracking would count them as its
/// own, extraneous, and prune them), and ArgoCD's no-prune and ignore-extraneous
/// annotations for annotation tracking.
#[test]
fn generated_secrets_survive_gitops_pruning() {
    // Every render that generates Secrets: the default, Versity's gateway with only its
    // access key given, and MinIO with its user given (its password generated).
    for extra in [
        &[][..],
        &[
            "--set",
            "services.minio.enabled=false,services.versitygw.enabled=true,versitygw.auth.accessKey=AKIAEXAMPLE",
        ][..],
        &["--set", "minio.auth.rootUser=admin-user"][..],
    ] {
        generated_secrets_survive_in(extra);
    }
}

fn generated_secrets_survive_in(extra: &[&str]) {
    let r = render(extra);
    assert_eq!(r.code, 0, "{extra:?}: {}", r.stderr);
    let job = docs(&r.stdout)
        .into_iter()
        .find(|d| {
            d["kind"] == "Job"
                && d["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .contains("secret-generator")
        })
        .expect("the generator Job");
    let env = job["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "SECRETS")
        .expect("SECRETS")["value"]
        .as_str()
        .unwrap()
        .to_string();
    let specs: Vec<Value> = serde_json::from_str(&env).unwrap();
    assert!(specs.len() >= 3, "{specs:?}");
    for s in specs {
        let labels = &s["labels"];
        assert!(labels.get("app.kubernetes.io/instance").is_none(), "{s}");
        assert_eq!(labels["mlflow-chart.io/release"], "mlflow", "{s}");
        assert_eq!(
            s["annotations"]["argocd.argoproj.io/sync-options"],
            "Prune=false"
        );
        assert_eq!(
            s["annotations"]["argocd.argoproj.io/compare-options"],
            "IgnoreExtraneous"
        );
    }
}

/// MLflow encrypts stored secrets (AI Gateway keys) under MLFLOW_CRYPTO_KEK_PASSPHRASE and
/// otherwise uses a built-in passphrase every installation shares (mlflow/utils/crypto.py,
/// DEFAULT_KEK_PASSPHRASE, 3.17.2): every MLflow server gets one of its own, generated once
/// in the cluster or from a Secret, never rendered.
#[test]
fn mlflow_secrets_are_encrypted_with_a_passphrase_of_its_own() {
    let kek = |args: &[&str]| -> Vec<Value> {
        let r = render(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains("mlflow-default-kek-passphrase"));
        let d = docs(&r.stdout);
        let mut out = Vec::new();
        for x in d.iter().filter(|x| x["kind"] == "Deployment") {
            for c in x["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
            {
                if c["command"][0] == "mlflow" {
                    let e = c["env"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|e| e["name"] == "MLFLOW_CRYPTO_KEK_PASSPHRASE")
                        .unwrap_or_else(|| panic!("{} has no passphrase", x["metadata"]["name"]));
                    assert!(e.get("value").is_none(), "never a literal");
                    out.push(e["valueFrom"]["secretKeyRef"].clone());
                }
            }
        }
        out
    };
    let generated = kek(&["--set", "replicaCount=2"]);
    assert_eq!(generated.len(), 2, "tracking and scheduler");
    assert!(
        generated
            .iter()
            .all(|r| r["name"] == "mlflow-crypto" && r["key"] == "kek-passphrase")
    );
    let r = render(&[]);
    assert!(
        r.stderr.contains("mlflow-crypto"),
        "generated once: {}",
        r.stderr
    );
    let given = kek(&["--set", "MLFlow.crypto.existingSecret=team-kek"]);
    assert!(given.iter().all(|r| r["name"] == "team-kek"));
}

/// Settings that weaken the release but have real uses render, and say so on stderr (also
/// with -q).
#[test]
fn weakening_settings_are_said_out_loud() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--set", "networkPolicy.enabled=false"],
            "networkPolicy.enabled is false: no NetworkPolicy is rendered, so any pod in the cluster can reach MLflow's Service and PostgreSQL, MinIO directly",
        ),
        (
            &["--set", "service.type=LoadBalancer"],
            "service.type is LoadBalancer: the MLflow Service's port is reachable from outside the cluster over plain http",
        ),
        (
            &["--set", "service.type=NodePort"],
            "service.type is NodePort",
        ),
        (
            &[
                "--set",
                "oauth2Proxy.oidc.allowHttpIssuer=true,oauth2Proxy.oidc.oidc_issuer_url=http://kc.example.org/realms/ml",
            ],
            "allowHttpIssuer is true and the issuer (or its JWKS URL) is plain http",
        ),
        (
            &[
                "--set",
                "ingress.enabled=true,ingress.hosts[0].host=a.example.org,ingress.hosts[1].host=b.example.org,ingress.tls[0].hosts[0]=a.example.org,ingress.tls[0].secretName=tls",
            ],
            "host b.example.org is served without TLS",
        ),
        (
            &[
                "--set-json",
                r#"MLFlow.allowedHosts=["ml.example.org","?*"]"#,
            ],
            "MLFlow.allowedHosts[1] is \"?*\", which matches every Host header",
        ),
        (
            &["--set-json", r#"MLFlow.allowedHosts=["?","[*]","*.*"]"#],
            "MLFlow.allowedHosts[2] is \"*.*\", which matches every Host header",
        ),
    ];
    for (args, said) in cases {
        let mut all = vec!["-q"];
        all.extend_from_slice(args);
        let r = render(&all);
        assert!(r.stderr.contains(said), "{args:?}: {}", r.stderr);
    }
    // The defaults say none of it.
    let r = render(&["-q"]);
    for quiet in [
        "networkPolicy.enabled",
        "service.type",
        "allowHttpIssuer",
        "without TLS",
    ] {
        assert!(!r.stderr.contains(quiet), "{quiet}: {}", r.stderr);
    }
    // An https issuer with the switch on is not worth a warning.
    let r = render(&["-q", "--set", "oauth2Proxy.oidc.allowHttpIssuer=true"]);
    assert!(!r.stderr.contains("allowHttpIssuer"), "{}", r.stderr);
}

/// A groups claim of the user's own profile with groups or roles restricting access lets a
/// user name themselves into the allowed set: refused. Without a restriction it is harmless.
#[test]
fn a_groups_claim_users_write_is_refused_only_when_it_restricts() {
    let r = render(&[
        "--set",
        "oauth2Proxy.allowedGroups[0]=ml,oauth2Proxy.oidc.oidc_groups_claim=name",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = render(&[
        "--set",
        "oauth2Proxy.allowedGroups[0]=ml,oauth2Proxy.oidc.oidc_groups_claim=groups",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("--oidc-groups-claim=groups"));
    let r = render(&["--set", "oauth2Proxy.oidc.oidc_groups_claim=name"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Renders the defaults, which must pass `flag` to the one proxy
/// and never `unwanted`.
fn proxy_flag(flag: &str, unwanted: &str) {
    let r = render(&["-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches(flag).count(), 1, "one proxy: {flag}");
    assert!(!r.stdout.contains(unwanted), "{unwanted}");
}

/// The session cookie (and the CSRF cookie, which takes its setting) is SameSite=Lax:
/// OAuth2-Proxy's default sets no SameSite attribute (pkg/apis/options/cookie.go at
/// v7.15.3).
#[test]
fn the_session_cookie_is_same_site_lax() {
    proxy_flag("--cookie-samesite=lax", "--cookie-csrf-samesite");
}

/// The login's ID token must carry the nonce the proxy sent: OAuth2-Proxy v7.15.3 skips
/// the nonce by default (pkg/apis/options/legacy_options.go:603).
#[test]
fn the_login_checks_the_id_token_nonce() {
    proxy_flag(
        "--insecure-oidc-skip-nonce=false",
        "--insecure-oidc-skip-nonce=true",
    );
}

/// Keycloak's built-in clients are in the audience of tokens other clients get (the
/// default roles hold the `account` client's roles): as the client ID or an extra
/// audience they would let any application's token through the proxy.
#[test]
fn keycloak_built_in_clients_are_no_audience() {
    for (args, key) in [
        (
            r#"oauth2Proxy.extraAudiences=["mlflow-api","account"]"#,
            "oauth2Proxy.extraAudiences",
        ),
        (
            r#"oauth2Proxy.extraAudiences=["realm-management"]"#,
            "oauth2Proxy.extraAudiences",
        ),
        ("oauth2Proxy.clientID=broker", "oauth2Proxy.clientID"),
    ] {
        let flag = if args.contains('[') {
            "--set-json"
        } else {
            "--set"
        };
        let r = render(&[flag, args]);
        assert_eq!(r.code, 1, "{args}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr
                .contains(&format!("{key} names Keycloak's built-in client")),
            "{args}: {}",
            r.stderr
        );
    }
    let r = render(&[
        "--set-json",
        r#"oauth2Proxy.extraAudiences=["mlflow-api","accounts"]"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The master realm holds a `<realm>-realm` client for every realm.
    let master = "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/master";
    let r = render(&["--set", master, "--set", "oauth2Proxy.clientID=ml-realm"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("built-in client \"ml-realm\""),
        "{}",
        r.stderr
    );
    let r = render(&["--set", "oauth2Proxy.clientID=ml-realm"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The machine tokens' audience: with the realm as their issuer, `account` would let
    // every application's token of the realm in (found by an independent review).
    let machines = |audience: &str| {
        render(&[
            "--set",
            "oauth2Proxy.machineTokens.enabled=true,oauth2Proxy.emailDomains[0]=example.org",
            "--set",
            "oauth2Proxy.machineTokens.serviceAccounts[0]=ml:trainer",
            "--set",
            "oauth2Proxy.machineTokens.issuer=https://keycloak.example.org/realms/mlflow",
            "--set",
            &format!("oauth2Proxy.machineTokens.audience={audience}"),
        ])
    };
    for audience in ["account", "admin-cli", "realm-management", "broker"] {
        let r = machines(audience);
        assert_eq!(r.code, 1, "{audience}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains(&format!(
                "oauth2Proxy.machineTokens.audience names Keycloak's built-in client {audience:?}"
            )),
            "{audience}: {}",
            r.stderr
        );
    }
    let r = machines("mlflow-machines");
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// What weakens the boundary through the values is said on stderr, never silent, and
/// names the key, not the value: an external database whose server libpq does not verify
/// (its default sslmode is prefer), an S3 endpoint over plain http, a credential in plain
/// text in a pod spec, egress to every address; a published default password is refused.
#[test]
fn weakening_values_are_said_or_refused() {
    let external_db = [
        "--set",
        "services.postgres.enabled=false",
        "--set",
        "externalDatabase.host=db.example.org",
        "--set",
        "externalDatabase.existingSecret=dbs",
    ];
    let warns = |extra: &[&str], said: &str, warned: bool| {
        let mut a = vec!["-q"];
        a.extend_from_slice(extra);
        let r = render(&a);
        assert_eq!(r.code, 0, "{extra:?}: {}", r.stderr);
        assert_eq!(r.stderr.contains(said), warned, "{extra:?}: {}", r.stderr);
        assert!(!r.stderr.contains("SEKRET"), "{}", r.stderr);
    };
    let unverified = "the connection to the external PostgreSQL server is not verified";
    warns(&external_db, unverified, true);
    // The original chart's password keys do not reach an external server: said, not noted.
    let no_password = "the external database gets no password";
    warns(&external_db, no_password, false);
    let from_the_old_chart = [
        "--set",
        "services.postgres.enabled=false",
        "--set",
        "services.postgres.externalURI=postgresql://mlflow@db.example.org/mlflow?sslmode=verify-full",
        "--set",
        "postgresql.auth.existingSecret=old-pg",
    ];
    warns(&from_the_old_chart, no_password, true);
    warns(&from_the_old_chart[..4], no_password, false);
    // A session is checked with Keycloak only once it is cookie-refresh old, never at 0.
    for (refresh, warned) in [
        ("0", true),
        ("0s", true),
        ("0.5ns", true),
        ("2h", true),
        ("5m", false),
        ("1h", false),
    ] {
        warns(
            &[
                "--set-string",
                &format!("oauth2Proxy.cookieRefresh={refresh}"),
            ],
            "keeps access",
            warned,
        );
    }
    warns(
        &[
            "--set",
            "oauth2Proxy.oidc.oidc_jwks_url=https://other.example.net/jwks",
        ],
        "oauth2Proxy.oidc.oidc_jwks_url has no effect",
        true,
    );
    let halves = r#"[{"ipBlock":{"cidr":"0.0.0.0/1"}},{"ipBlock":{"cidr":"128.0.0.0/1"}}]"#;
    warns(
        &[
            "--set-json",
            &format!(r#"networkPolicy.extraEgress=[{{"to":{halves}}}]"#),
        ],
        "networkPolicy.extraEgress's ipBlocks together cover every address",
        true,
    );
    warns(
        &["--set-json", &format!("networkPolicy.dnsTo={halves}")],
        "networkPolicy.dnsTo's ipBlocks together cover every address",
        true,
    );
    for selector in [
        r#"{"namespaceSelector":{}}"#,
        r#"{"namespaceSelector":{"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"Exists"}]}}"#,
    ] {
        warns(
            &["--set-json", &format!("networkPolicy.dnsTo=[{selector}]")],
            "networkPolicy.dnsTo[0] may be every pod in every namespace",
            true,
        );
    }
    warns(
        &[
            "--set-json",
            r#"networkPolicy.dnsTo=[{"namespaceSelector":{},"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}}]"#,
        ],
        "may be every pod in every namespace",
        false,
    );
    let meta = "hold a cloud metadata service";
    warns(
        &[
            "--set-json",
            r#"networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"128.0.0.0/1"}}]}]"#,
        ],
        meta,
        true,
    );
    warns(
        &[
            "--set-json",
            r#"networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"128.0.0.0/1","except":["169.254.0.0/16"]}}]}]"#,
        ],
        meta,
        false,
    );
    warns(
        &[
            "--set-json",
            r#"networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"0.0.0.0/1"}},{"ipBlock":{"cidr":"128.0.0.0/2"}}]}]"#,
        ],
        "together cover every address",
        false,
    );
    for (pattern, warned) in [
        ("[!x]*", true),
        ("*i*", true),
        ("*example.org", true),
        ("mlflow.example.*", true),
        ("*.example.org", false),
        ("mlflow.example.org:*", false),
        // No `*`, but listed with `:*` too, so MLflow fnmatches it.
        ("mlflow?example.org", true),
        // Anyone can register a name under a public suffix.
        ("*.co.uk", true),
        ("*.duckdns.org", true),
        ("*.example.co.uk", false),
        ("mlflow.example.or[g]", true),
        ("[ab].example.org", false),
    ] {
        warns(
            &[
                "--set-json",
                &format!(r#"MLFlow.allowedHosts=["{pattern}"]"#),
            ],
            "it weakens MLflow's check against DNS rebinding",
            warned,
        );
    }
    for (key, warned) in [
        ("securityContext.readOnlyRootFilesystem=false", true),
        (
            "postgresql.securityContext.readOnlyRootFilesystem=false",
            true,
        ),
        ("minio.securityContext.readOnlyRootFilesystem=false", true),
        ("securityContext.readOnlyRootFilesystem=true", false),
    ] {
        let what = key.split('=').next().unwrap();
        warns(&["--set", key], &format!("{what} is false"), warned);
    }
    warns(
        &[
            "--set-json",
            r#"extraContainers=[{"name":"side","image":"busybox:1.36","securityContext":{"readOnlyRootFilesystem":false}}]"#,
        ],
        "extraContainers[0].securityContext.readOnlyRootFilesystem is false",
        true,
    );
    // An extra container starts from the restricted context (read-only root included),
    // and a null cannot take that away: nothing to warn about, whatever it gives.
    for context in [
        "",
        r#","securityContext":{"readOnlyRootFilesystem":null}"#,
        r#","securityContext":{"readOnlyRootFilesystem":true}"#,
    ] {
        let set = format!(r#"extraContainers=[{{"name":"side","image":"busybox:1.36"{context}}}]"#);
        warns(&["--set-json", &set], "readOnlyRootFilesystem", false);
        let r = common::run(
            &[
                "render",
                "mlflow",
                "--set",
                "oauth2Proxy.clientID=c,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/r",
                "--set-json",
                &set,
            ],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let side = common::documents(&r)
            .into_iter()
            .filter(|d| d["kind"] == "Deployment")
            .flat_map(|d| {
                d["spec"]["template"]["spec"]["containers"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .find(|c| c["name"] == "side")
            .expect("the extra container");
        assert_eq!(
            side["securityContext"]["readOnlyRootFilesystem"], true,
            "{context}"
        );
    }
    for (mode, warned) in [
        ("disable", true),
        ("prefer", true),
        ("require", true),
        ("verify-ca", false),
        ("verify-full", false),
    ] {
        let set = format!("externalDatabase.sslmode={mode}");
        let mut a = external_db.to_vec();
        a.extend(["--set", &set]);
        warns(&a, unverified, warned);
    }
    warns(
        &[
            "--set",
            "services.postgres.enabled=false",
            "--set",
            "services.postgres.externalURI=postgresql://u@db:5432/m?sslmode=verify-full",
        ],
        unverified,
        false,
    );
    let s3 = |url: &str| {
        vec![
            "--set".to_string(),
            "services.minio.enabled=false".into(),
            "--set".into(),
            format!("s3.url={url}"),
            "--set".into(),
            "s3.secret=s3s".into(),
        ]
    };
    for (url, warned) in [
        ("http://s3.example.org", true),
        ("https://s3.example.org", false),
    ] {
        let a = s3(url);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        warns(&a, "s3.url is plain http", warned);
    }
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"DB_URI","value":"postgresql://u:SEKRET1@h/d"},{"name":"APP_PASSWORD","value":"SEKRET2"},{"name":"LEVEL","value":"debug"}]"#,
        ],
        "extraEnv[1] (\"APP_PASSWORD\") holds a value of a credential's name in plain text",
        true,
    );
    // A PIN or a one-time code is digits: four or more are warned about; a short number
    // under a credential's name is a setting.
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"PIN","value":"123456"}]"#,
        ],
        "extraEnv[0] (\"PIN\") holds a value of a credential's name in plain text",
        true,
    );
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"TOKEN_RETRIES","value":"3"}]"#,
        ],
        "in plain text",
        false,
    );
    // An HTTP credential by its scheme, whatever the variable's name.
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"AUTH_HEADER","value":"Bearer abcdef2ghij"}]"#,
        ],
        "extraEnv[0] (\"AUTH_HEADER\") holds an HTTP credential (Bearer or Basic) in plain text",
        true,
    );
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"LEVEL","value":"debug"}]"#,
        ],
        "in plain text",
        false,
    );
    warns(
        &[
            "--set-json",
            r#"networkPolicy.extraEgress=[{"ports":[{"port":443}]}]"#,
        ],
        "networkPolicy.extraEgress[0] lets MLflow's pods reach every address",
        true,
    );
    warns(
        &[
            "--set-json",
            r#"networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"10.1.0.0/16"}}]}]"#,
        ],
        "reach every address",
        false,
    );
    warns(
        &[
            "--set-json",
            r#"networkPolicy.dnsTo=[{"ipBlock":{"cidr":"0.0.0.0/0"}}]"#,
        ],
        "networkPolicy.dnsTo[0] is every address",
        true,
    );
    // Other spellings of every address (a prefix with leading zeros, IPv4-mapped IPv6).
    for cidr in ["0.0.0.0/00", "::/000", "::ffff:0.0.0.0/96", "::ffff:0:0/80"] {
        let set =
            format!(r#"networkPolicy.extraEgress=[{{"to":[{{"ipBlock":{{"cidr":"{cidr}"}}}}]}}]"#);
        warns(&["--set-json", &set], "reach every address", true);
    }
    let set = r#"networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"::ffff:10.0.0.0/104"}}]}]"#;
    warns(&["--set-json", set], "reach every address", false);
    // Names about a credential hold none; a credential pair in any value does.
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"TOKEN_URL","value":"https://kc/token"},{"name":"PASSWORD_MIN_LENGTH","value":"12"},{"name":"SECRET_NAME","value":"s"}]"#,
        ],
        "in plain text",
        false,
    );
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"CONN","value":"Endpoint=x;AccountKey=SEKRET3"}]"#,
        ],
        "extraEnv[0] (\"CONN\") holds a credential pair",
        true,
    );
    for args in [
        r#"["--token=SEKRET4"]"#,
        r#"["--api-key", "SEKRET5"]"#,
        r#"["sh", "-c", "PGPASSWORD=SEKRET6 psql"]"#,
    ] {
        let set =
            format!(r#"extraInitContainers=[{{"name":"i","image":"busybox:1","args":{args}}}]"#);
        warns(
            &["--set-json", &set],
            "extraInitContainers[0]'s command or args hold a credential in plain text",
            true,
        );
    }
    let set = r#"extraContainers=[{"name":"c","image":"busybox:1","args":["--verbose","--log-level","debug"]}]"#;
    warns(&["--set-json", set], "in plain text", false);
    // What the warning recommends, and settings about credentials, are no alarm.
    let set = r#"extraContainers=[{"name":"c","image":"busybox:1","args":["--password","$(DB_PASSWORD)","--password-file","/run/pw","--token-file=/run/t","--max-tokens","4096","--skip-jwt-bearer-tokens=true"]}]"#;
    warns(&["--set-json", set], "in plain text", false);
    warns(
        &[
            "--set-json",
            r#"extraEnv=[{"name":"TOKENIZERS_PARALLELISM","value":"false"},{"name":"MAX_TOKENS","value":"4096"},{"name":"GOOGLE_APPLICATION_CREDENTIALS","value":"/var/run/key.json"},{"name":"API_TOKEN","value":"$(OTHER)"}]"#,
        ],
        "in plain text",
        false,
    );
    for (key, value) in [
        ("postgresql.auth.password", "leftfoot1"),
        ("postgresql.auth.postgresPassword", "leftfoot1"),
        ("minio.auth.rootPassword", "minioadmin"),
    ] {
        let set = format!("{key}={value}");
        let r = render(&["-q", "--set", &set]);
        assert_eq!(r.code, 1, "{key}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr
                .contains(&format!("{key} is a published default password")),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains(value), "{}", r.stderr);
    }
    let r = render(&["-q", "--set", "minio.auth.rootUser=minioadmin"]);
    assert_eq!(r.code, 0, "a user name is no password: {}", r.stderr);
    for (flags, key) in [
        (
            "services.minio.enabled=false,s3.url=https://s3.example.org,s3.user=minioadmin,s3.key=minioadmin",
            "s3.key",
        ),
        (
            "services.minio.enabled=false,services.versitygw.enabled=true,versitygw.auth.secretKey=leftfoot1",
            "versitygw.auth.secretKey",
        ),
    ] {
        let r = render(&["-q", "--set", flags]);
        assert_eq!(r.code, 1, "{key}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("{key} is a published default password")),
            "{}",
            r.stderr
        );
    }
}

/// The session cookie is a `__Host-` cookie whenever it is Secure (browsers then refuse it
/// from a sibling subdomain, RFC 6265bis 4.1.3.2; the proxy sets no Domain and path `/`,
/// pkg/cookies/cookies.go:27-46 at v7.15.3), and keeps the proxy's default name when a
/// host is served without TLS (a `__Host-` cookie must be Secure, or the browser drops it
/// and no login could finish).
#[test]
fn the_session_cookie_is_host_only_when_secure() {
    let cookie_flags = |extra: &[&str]| {
        let r = render(extra);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let d = docs(&r.stdout);
        let a = args(container(&d, "oauth2-proxy").expect("proxy container"));
        a.into_iter()
            .filter(|a| a.starts_with("--cookie-name") || a.starts_with("--cookie-secure"))
            .collect::<Vec<_>>()
    };
    let host_only = vec![
        "--cookie-secure=true".to_string(),
        "--cookie-name=__Host-mlflow-oauth2-proxy".to_string(),
    ];
    assert_eq!(cookie_flags(&["-q"]), host_only);
    let tls = [
        "-q",
        "--set",
        "ingress.enabled=true,ingress.hosts[0].host=ml.example.org,ingress.tls[0].hosts[0]=ml.example.org,ingress.tls[0].secretName=t",
    ];
    assert_eq!(cookie_flags(&tls), host_only);
    let plain = [
        "-q",
        "--set",
        "ingress.enabled=true,ingress.hosts[0].host=ml.example.org",
    ];
    assert_eq!(
        cookie_flags(&plain),
        vec!["--cookie-secure=false".to_string()]
    );
    // With two hosts, a browser login works on the callback host only (the CSRF cookie
    // belongs to the host it started on, oauthproxy.go:914-923): said, never implied.
    let two = "ingress.enabled=true,ingress.hosts[0].host=a.example.org,ingress.hosts[1].host=b.example.org,ingress.tls[0].hosts={a.example.org,b.example.org},ingress.tls[0].secretName=t";
    let r = render(&["-q", "--set", two]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("browser logins work on a.example.org only")
            && r.stderr.contains("a login started on b.example.org fails"),
        "{}",
        r.stderr
    );
    let r = render(&["-q", "--set", tls[2]]);
    assert!(!r.stderr.contains("browser logins work"), "{}", r.stderr);
}

/// `values` prints no credential unless asked (`--show-secrets`), and a render refuses the
/// marker it prints in their place, so a values file made of its output cannot set that
/// text as a password.
#[test]
fn values_masks_credentials_and_render_refuses_the_mask() {
    const S: &str = "Zq9XmarkSECRET";
    let sets = [
        "--set",
        "postgresql.auth.password=Zq9XmarkSECRET,minio.auth.rootUser=Zq9XmarkSECRET,s3.key=Zq9XmarkSECRET",
        "--set",
        "oauth2Proxy.clientSecret=Zq9XmarkSECRET,oauth2Proxy.cookieSecret=Zq9XmarkSECRET0123456789abcdef",
        "--set-json",
        r#"extraEnv=[{"name":"HF_TOKEN","value":"Zq9XmarkSECRET"},{"name":"LOG_LEVEL","value":"debug"},{"name":"GITHUB_PAT","value":"Zq9XmarkSECRET"},{"name":"NPM_AUTH","value":"Zq9XmarkSECRET"},{"name":"DB_CREDS","value":"Zq9XmarkSECRET"},{"name":"HMAC_SIGNING","value":"Zq9XmarkSECRET"},{"name":"OTP_SEED","value":"Zq9XmarkSECRET"},{"name":"PIN","value":"Zq9XmarkSECRET"}]"#,
        "--set-json",
        r#"extraObjects=[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"},"stringData":{"k":"Zq9XmarkSECRET"}}]"#,
        "--set-json",
        r#"MLFlow.extraArgs=["--app-token","Zq9XmarkSECRET","--opt=password=Zq9XmarkSECRET"]"#,
    ];
    let mut masked = vec!["values"];
    masked.extend_from_slice(&sets);
    let m = common::run(&masked, None);
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(!m.stdout.contains(S), "{}", m.stdout);
    assert!(m.stdout.contains("value: debug"), "{}", m.stdout);
    let mut shown = masked.clone();
    shown.push("--show-secrets");
    let s = common::run(&shown, None);
    assert_eq!(s.code, 0, "{}", s.stderr);
    assert_eq!(s.stdout.matches(S).count(), 15, "{}", s.stdout);

    let dir = common::scratch_root().join("values");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("merged.yaml");
    std::fs::write(&file, &m.stdout).unwrap();
    let mut again = vec!["render", "mlflow", "-f", file.to_str().unwrap()];
    again.extend_from_slice(&P);
    let r = common::run(&again, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    for key in [
        "postgresql.auth.password",
        "oauth2Proxy.cookieSecret",
        "extraEnv[0].value",
        "extraObjects[0].stringData.k",
        "MLFlow.extraArgs[2]",
    ] {
        assert!(
            r.stderr.contains(&format!("  - {key} at ")),
            "{key}: {}",
            r.stderr
        );
    }
    std::fs::write(&file, &s.stdout).unwrap();
    let ok = common::run(&again, None);
    assert!(!ok.stderr.contains("marker"), "{}", ok.stderr);
}

/// The release binary is a static-pie executable with RELRO and a non-executable stack
/// (docs/security.md, "The binary itself"): read from its ELF program headers, so a
/// change of .cargo/config.toml or the profile that drops one of them fails here. The test
/// binary is built with the same target flags.
#[test]
fn the_binary_is_static_pie_with_relro_and_no_executable_stack() {
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_mlflow-chart")).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    assert_eq!(bytes[4], 2, "64-bit");
    assert_eq!(bytes[5], 1, "little-endian");
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]);
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap());
    // ET_DYN: position-independent.
    assert_eq!(u16_at(16), 3, "a PIE is of type ET_DYN");
    let (phoff, phentsize, phnum) = (u64_at(32) as usize, u16_at(54) as usize, u16_at(56));
    let types: Vec<(u32, u32)> = (0..phnum as usize)
        .map(|i| {
            let at = phoff + i * phentsize;
            (u32_at(at), u32_at(at + 4))
        })
        .collect();
    const PT_INTERP: u32 = 3;
    const PT_GNU_STACK: u32 = 0x6474_e551;
    const PT_GNU_RELRO: u32 = 0x6474_e552;
    const PF_X: u32 = 1;
    assert!(
        !types.iter().any(|(t, _)| *t == PT_INTERP),
        "static: no program interpreter"
    );
    assert!(types.iter().any(|(t, _)| *t == PT_GNU_RELRO), "RELRO");
    let stack = types
        .iter()
        .find(|(t, _)| *t == PT_GNU_STACK)
        .expect("a GNU_STACK header");
    assert_eq!(stack.1 & PF_X, 0, "a non-executable stack");
}

/// Keys the schema does not know (a bitnami-style `global.postgresql.auth`, a misspelled
/// `clientSecrett`), printed with `values --skip-schema-validation`, are masked by their
/// names; known keys that name a Secret rather than hold a credential are shown.
#[test]
fn values_masks_credentials_under_unknown_keys() {
    const S: &str = "Zq9XunknownSECRET";
    let file = common::scratch_root().join("unknown-credentials.yaml");
    std::fs::write(
        &file,
        format!(
            "global:\n  postgresql:\n    auth:\n      postgresPassword: {S}\n      replicationPassword: {S}\noauth2Proxy:\n  clientSecrett: {S}\n  cookie_secret: {S}\n  secret: my-proxy-secret\nexternalDatabase:\n  password: {S}\n  existingSecret: my-db-secret\ns3:\n  secretAccessKey: {S}\nminio:\n  auth:\n    rootPasswd: {S}\ntokens: [{S}]\npasswords:\n  a: {{value: {S}}}\n"
        ),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let m = common::run(&["values", "--skip-schema-validation", "-f", f], None);
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(!m.stdout.contains(S), "{}", m.stdout);
    assert!(
        m.stdout.contains("secret: my-proxy-secret")
            && m.stdout.contains("existingSecret: my-db-secret"),
        "{}",
        m.stdout
    );
    let s = common::run(
        &[
            "values",
            "--skip-schema-validation",
            "--show-secrets",
            "-f",
            f,
        ],
        None,
    );
    assert_eq!(s.stdout.matches(S).count(), 9, "{}", s.stdout);
    let _ = std::fs::remove_file(&file);
}

/// What no schema describes is masked as `diff` masks an object (found by an independent
/// review): the original chart's bitnami-style `extraEnvVars` pairs, `extraArgs` with
/// `--flag value`, a `password=` pair in a connection string and credential lines in a
/// script or config text, under keys `values --skip-schema-validation` prints as given.
/// An environment variable written `NAME=value` in its name is masked in `values` and
/// never quoted past its '=' in an error; a list index that is no number is not shown.
#[test]
fn values_masks_pairs_flags_and_text_under_unknown_keys() {
    const S: &str = "Zq9XpairSECRET";
    let dir = common::scratch_root().join("pairs");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("old-chart.yaml");
    std::fs::write(
        &file,
        format!(
            "postgresql:\n  primary:\n    extraEnvVars: [{{name: POSTGRESQL_PASSWORD, value: {S}1}}]\n    initdb:\n      scripts:\n        init.sql: \"CREATE USER x WITH PASSWORD '{S}2';\"\nminio:\n  extraEnvVars: [{{name: MINIO_ROOT_PASSWORD, value: {S}3}}]\noauth2Proxy:\n  configuration:\n    content: \"client_secret = \\\"{S}4\\\"\\n\"\n  extraArgs: [\"--client-secret={S}5\", \"--cookie-secret\", \"{S}6\"]\ndsn: host=db user=u password={S}7\nplain: keep-me\n"
        ),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let m = common::run(&["values", "--skip-schema-validation", "-f", f], None);
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(!m.stdout.contains(S), "{}", m.stdout);
    assert!(m.stdout.contains("plain: keep-me"), "{}", m.stdout);
    assert!(
        m.stdout.contains("name: POSTGRESQL_PASSWORD"),
        "{}",
        m.stdout
    );
    let shown = common::run(
        &[
            "values",
            "--skip-schema-validation",
            "--show-secrets",
            "-f",
            f,
        ],
        None,
    );
    assert_eq!(shown.stdout.matches(S).count(), 7, "{}", shown.stdout);

    let env = dir.join("env-name.yaml");
    std::fs::write(&env, format!("extraEnv:\n  - name: DB_PASSWORD={S}\n")).unwrap();
    let e = env.to_str().unwrap();
    let v = common::run(&["values", "-f", e], None);
    assert!(!v.stdout.contains(S), "{}", v.stdout);
    let r = render(&["-f", e]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(!r.stderr.contains(S), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("\"DB_PASSWORD=…\" is not a valid environment variable name"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("env-name.yaml:2:5"), "{}", r.stderr);

    let i = common::run(
        &[
            "values",
            "--set",
            &format!("postgresql.auth.password[{S}]=1"),
        ],
        None,
    );
    assert_eq!(i.code, 1, "{}", i.stderr);
    assert!(!i.stderr.contains(S), "{}", i.stderr);
    assert!(
        i.stderr.contains("postgresql.auth.password[…]"),
        "{}",
        i.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Credentials nested under a credential's key (a custom resource's `credentials: [{type:
/// password, value: …}]`, `apiKeys: {prod: …}`, `password: {value: …}`), `key`/`value`
/// pairs, a `--kek` argument, a password in a `--dsn` and a `KEK` variable stay hidden in `values` and in
/// `diff`, while references by name (`imagePullSecrets`) show.
#[test]
fn nested_credentials_are_masked_in_values_and_diff() {
    let dir = common::scratch_root().join("nested");
    std::fs::create_dir_all(&dir).unwrap();
    let object = |n: u8| {
        format!(
            "extraObjects:\n- apiVersion: k8s.keycloak.org/v2alpha1\n  kind: KeycloakRealmImport\n  metadata: {{name: realm}}\n  spec:\n    realm: {{users: [{{username: alice, credentials: [{{type: password, value: Kc{n}pw}}]}}]}}\n    password: {{value: Pw{n}x}}\n    apiKeys: {{prod: Ak{n}y}}\n    tokens: [Tk{n}z]\n    variables: [{{key: DB_PASSWORD, value: Var{n}w}}]\n    args: [--kek, Kek{n}a, --dsn, 'postgresql://u:Dsn{n}b@db/x']\n    env: [{{name: KEK, value: Env{n}c}}]\n    imagePullSecrets: [{{name: regcred}}]\n    params: [{{type: password, value: Pt{n}q}}]\n    privateKeys: {{name: ok, optional: Op{n}r}}\n    passwordName: Pn{n}s\n"
        )
    };
    let secrets = |n: u8| {
        [
            "Kc", "Pw", "Ak", "Tk", "Var", "Kek", "Dsn", "Env", "Pt", "Op", "Pn",
        ]
        .map(|p| {
            let tail = match p {
                "Pt" => "q",
                "Op" => "r",
                "Pn" => "s",
                "Kc" => "pw",
                "Pw" => "x",
                "Ak" => "y",
                "Tk" => "z",
                "Var" => "w",
                "Kek" => "a",
                "Dsn" => "b",
                _ => "c",
            };
            format!("{p}{n}{tail}")
        })
    };
    let (a, b, base) = (
        dir.join("a.yaml"),
        dir.join("b.yaml"),
        dir.join("base.yaml"),
    );
    std::fs::write(&a, object(1)).unwrap();
    std::fs::write(&b, object(2)).unwrap();
    std::fs::write(
        &base,
        "oauth2Proxy: {clientID: c, oidc: {oidc_issuer_url: https://kc.example.org/realms/r}}\n",
    )
    .unwrap();
    let (a, b, base) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        base.to_str().unwrap(),
    );
    let m = common::run(&["values", "-f", a], None);
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(m.stdout.contains("KeycloakRealmImport"), "{}", m.stdout);
    for s in secrets(1) {
        assert!(!m.stdout.contains(&s), "{s}: {}", m.stdout);
    }
    assert!(m.stdout.contains("name: regcred"), "{}", m.stdout);
    let shown = common::run(&["values", "-f", a, "--show-secrets"], None);
    for s in secrets(1) {
        assert!(shown.stdout.contains(&s), "{s}: {}", shown.stdout);
    }
    for json in [false, true] {
        let mut args = vec![
            "diff",
            "--values-old",
            base,
            "--values-old",
            a,
            "--values-new",
            base,
            "--values-new",
            b,
        ];
        if json {
            args.extend(["-o", "json"]);
        }
        let d = common::run(&args, None);
        assert_eq!(d.code, 1, "{}", d.stderr);
        for s in secrets(1).into_iter().chain(secrets(2)) {
            assert!(!d.stdout.contains(&s), "{s}: {}", d.stdout);
            assert!(!d.stderr.contains(&s), "{s}: {}", d.stderr);
        }
        assert!(d.stdout.contains("regcred"), "{}", d.stdout);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `diff` shows what holds no credential though named like one (a topology key, a
/// projected token's audience, a Secret's name, a path naming secrets), and a text whose
/// masked forms are alike on both sides (`password=…`) as changed, not as an unchanged
/// line.
#[test]
fn diff_shows_names_and_marks_masked_changes() {
    let dir = common::scratch_root().join("overmask");
    std::fs::create_dir_all(&dir).unwrap();
    let side = |n: u8| {
        let f = dir.join(format!("{n}.yaml"));
        std::fs::write(
            &f,
            format!(
                "oauth2Proxy: {{enabled: false}}\nextraObjects:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {{name: x}}\n  spec:\n    selector: {{matchLabels: {{a: b}}}}\n    template:\n      metadata: {{labels: {{a: b}}}}\n      spec:\n        topologySpreadConstraints: [{{maxSkew: 1, topologyKey: zone{n}, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{a: b}}}}}}]\n        containers: [{{name: c, image: busybox:1.37, env: [{{name: TOKEN_FILE, value: /secrets/pw{n}.txt}}, {{name: OPTS, value: \"x password=pw{n}\"}}]}}]\n        volumes:\n        - {{name: v, secret: {{secretName: db-creds-{n}}}}}\n        - {{name: t, projected: {{sources: [{{serviceAccountToken: {{audience: aud{n}, path: tok}}}}]}}}}\n"
            ),
        )
        .unwrap();
        f
    };
    let (a, b) = (side(1), side(2));
    let r = common::run(
        &[
            "diff",
            "--values-old",
            a.to_str().unwrap(),
            "--values-new",
            b.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    for line in [
        "-        topologyKey: zone1",
        "+        topologyKey: zone2",
        "-          secretName: db-creds-1",
        "+          secretName: db-creds-2",
        "-              audience: aud1",
        "+              audience: aud2",
        "-          value: /secrets/pw1.txt",
        "+          value: /secrets/pw2.txt",
        "-          value: (hidden; old value)",
        "+          value: (hidden; new value)",
    ] {
        assert!(r.stdout.contains(line), "{line}: {}", r.stdout);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client of MLflow's API without a valid session or token gets a 401, not a redirect
/// to the login page: the proxy answers 401 for `--api-route` patterns (oauthproxy.go:
/// 1055-1061 at v7.15.3, regexps matched against the request URI), and redirects a
/// browser's page request.
#[test]
fn api_requests_without_a_session_get_401_and_pages_a_login() {
    let r = render(&["-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = docs(&r.stdout);
    let proxy = container(&d, "oauth2-proxy").expect("the proxy container");
    let routes: Vec<regex_lite::Regex> = args(proxy)
        .iter()
        .filter_map(|a| a.strip_prefix("--api-route="))
        .map(|p| {
            assert!(!p.contains(','), "a string-slice flag splits {p} at commas");
            regex_lite::Regex::new(p).unwrap()
        })
        .collect();
    let api = |uri: &str| routes.iter().any(|r| r.is_match(uri));
    for uri in [
        "/api/2.0/mlflow/experiments/search",
        "/api/2.0/mlflow-artifacts/artifacts/1/a/b.txt",
        "/ajax-api/2.0/mlflow/runs/search?x=1",
        "/ajax-api/3.0/mlflow/traces",
        "/graphql",
        "/graphql?query=x",
        "/get-artifact?path=a&run_uuid=1",
        "/model-versions/get-artifact?path=a",
        "/version",
        "/v1/traces",
        "/gateway/chat/invocations",
    ] {
        assert!(api(uri), "{uri} would be redirected to the login page");
    }
    for uri in [
        "/",
        "/static-files/index.html",
        "/#/experiments/1",
        "/apiary",
        "/versions",
        "/graphqlx",
    ] {
        assert!(!api(uri), "{uri} would get a 401 instead of the login page");
    }
}

/// MLflow's pods hold no Kubernetes API credential: a projected ServiceAccount token with
/// the API server's audience (none named) in extraVolumes is said, one with a named
/// service's audience is not, and the pods may not run as the secret generator's
/// ServiceAccount (its Role creates Secrets).
#[test]
fn mlflow_pods_hold_no_api_credentials() {
    let volume = |audience: &str| {
        format!(
            r#"extraVolumes=[{{"name":"t","projected":{{"sources":[{{"serviceAccountToken":{{"path":"token"{audience}}}}}]}}}}]"#
        )
    };
    for (audience, said) in [
        ("", true),
        (
            r#","audience":"https://kubernetes.default.svc.cluster.local""#,
            true,
        ),
        (r#","audience":"sts.amazonaws.com""#, true),
        (r#","audience":"vault.example.org""#, false),
    ] {
        let r = render(&["--set-json", &volume(audience)]);
        assert_eq!(r.code, 0, "{audience}: {}", r.stderr);
        assert_eq!(
            r.stderr
                .contains("extraVolumes[0].projected.sources[0].serviceAccountToken mounts"),
            said,
            "{audience}: {}",
            r.stderr
        );
    }
    for args in [
        &[
            "--set",
            "serviceAccount.create=false,serviceAccount.name=mlflow-secret-generator",
        ][..],
        &["--set", "serviceAccount.name=mlflow-secret-generator"][..],
        &[
            "--set",
            "fullnameOverride=ml,serviceAccount.name=ml-secret-generator",
        ][..],
    ] {
        let r = render(args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr
                .contains("is the secret generator's ServiceAccount"),
            "{}",
            r.stderr
        );
    }
    let r = render(&["--set", "serviceAccount.name=mlflow-runner"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// One-line values (the proxy's client ID, groups, audiences, domains, passwords, …) hold
/// no Unicode line separator (a line break to YAML 1.1 readers and to Unicode) and no
/// invisible formatting character (zero-width, bidirectional controls), which would make
/// the value read other than it is; multi-line values (annotations) keep them.
#[test]
fn one_line_values_hold_no_hidden_breaks() {
    for (key, c, want) in [
        ("oauth2Proxy.clientID", '\u{2028}', "holds a line break"),
        ("oauth2Proxy.clientID", '\u{2029}', "holds a line break"),
        (
            "oauth2Proxy.allowedGroups[0]",
            '\u{202E}',
            "invisible formatting character",
        ),
        (
            "oauth2Proxy.emailDomains[0]",
            '\u{200B}',
            "invisible formatting character",
        ),
        (
            "postgresql.auth.password",
            '\u{2066}',
            "invisible formatting character",
        ),
        (
            "oauth2Proxy.allowedGroups[0]",
            '\u{061C}',
            "invisible formatting character",
        ),
        (
            "oauth2Proxy.clientID",
            '\u{E0041}',
            "invisible formatting character",
        ),
    ] {
        let arg = format!("{key}=ab{c}cdSECRETxx");
        let r = render(&["--set-string", &arg]);
        assert_eq!(r.code, 1, "{key} {c:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(want), "{key} {c:?}: {}", r.stderr);
        assert!(!r.stderr.contains("SECRET"), "{}", r.stderr);
    }
    let r = render(&["--set-string", "podAnnotations.note=a\u{2028}b\u{202E}c"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // ZWNJ is part of Persian spelling: a group's name may hold it.
    let r = render(&[
        "--set",
        "oauth2Proxy.oidc.oidc_groups_claim=groups",
        "--set-string",
        "oauth2Proxy.allowedGroups[0]=\u{62f}\u{627}\u{646}\u{200C}\u{634}",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The kubelet's expansion of a container's arguments (kubernetes
/// third_party/forked/golang/expansion/expand.go, `Expand`): `$$` is `$`, `$(NAME)` is the
/// variable's value when the container defines it, anything else stays as written.
fn kubelet_expand(arg: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = arg;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('(')
            && let Some(end) = tail.find(')')
        {
            let name = &tail[..end];
            match env.iter().find(|(k, _)| k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&format!("$({name})")),
            }
            rest = &tail[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `MLFlow.extraArgs` reach `mlflow server` verbatim in every container that runs it: after
/// the kubelet's expansion, `$(AWS_SECRET_ACCESS_KEY)` is that text, not the S3 key the
/// container holds (which MLflow would send back in a header it sets from the argument).
#[test]
fn extra_args_reach_mlflow_verbatim_after_the_kubelets_expansion() {
    let given = [
        "--x-frame-options=$(AWS_SECRET_ACCESS_KEY)",
        "--static-label=$$(S3)",
        "--note=cost $5",
    ];
    let json = serde_json::to_string(&given).unwrap();
    let r = render(&[
        "--set-json",
        &format!("MLFlow.extraArgs={json}"),
        "--set",
        "replicaCount=2",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs = docs(&r.stdout);
    let mut seen = 0;
    for name in ["mlflow", "scheduler"] {
        let Some(c) = container(&docs, name) else {
            continue;
        };
        seen += 1;
        // Every variable the container could expand, with a value of its own.
        let env: Vec<(String, String)> = c["env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["name"].as_str())
            .map(|n| (n.to_string(), format!("<value of {n}>")))
            .collect();
        assert!(
            env.iter().any(|(n, _)| n == "AWS_SECRET_ACCESS_KEY"),
            "{name}"
        );
        let args: Vec<String> = c["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| kubelet_expand(a.as_str().unwrap(), &env))
            .collect();
        for g in given {
            assert!(args.iter().any(|a| a == g), "{name}: {g} not in {args:?}");
        }
        assert!(!args.iter().any(|a| a.contains("<value of")), "{args:?}");
    }
    assert_eq!(seen, 2, "the tracking and scheduler containers");
}

/// A values file of the original chart that names an existing Secret and still holds the
/// literal credential renders with the Secret, as the original did ("literal AWS env
/// values when `s3.secret` is unset"; `existingSecret` read whenever set): the literal is
/// printed nowhere, and a warning says it is not used.
#[test]
fn an_existing_secret_wins_over_literal_credentials() {
    let r = common::run(
        &[
            "render",
            "--set",
            "oauth2Proxy.enabled=false",
            "--set",
            "postgresql.auth.existingSecret=team-pg,postgresql.auth.password=TOPSECRET-pg-1234",
            "--set",
            "services.minio.enabled=false,s3.url=https://s3.example.org,s3.secret=team-s3",
            "--set",
            "s3.user=AKIATOPSECRET,s3.key=TOPSECRET-s3-1234",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("TOPSECRET") && !r.stderr.contains("TOPSECRET"));
    assert!(
        r.stderr.contains(
            "postgresql.auth.existingSecret is set, so postgresql.auth.password is not used"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("s3.secret is set, so s3.user/s3.key are not used"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("name: team-pg") && r.stdout.contains("name: team-s3"));
}

/// A wildcard Ingress host is no CORS origin: MLflow matches origins holding `*` with
/// fnmatch (mlflow/server/security_utils.py:106-124, 3.17.2), so `https://*.example.org`
/// would let a page on any sibling host make state-changing calls with the user's
/// SameSite=Lax session cookie.
#[test]
fn a_wildcard_host_is_no_cors_origin() {
    let r = render(&[
        "--set",
        "ingress.enabled=true",
        "--set-json",
        r#"ingress.hosts=[{"host":"mlflow.example.org","paths":[{"path":"/","pathType":"Prefix"}]},{"host":"*.example.org","paths":[{"path":"/","pathType":"Prefix"}]}]"#,
        "--set-json",
        r#"ingress.tls=[{"hosts":["mlflow.example.org","*.example.org"],"secretName":"t"}]"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = docs(&r.stdout);
    let args: Vec<String> = container(&d, "mlflow").expect("mlflow container")["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let at = args
        .iter()
        .position(|a| a == "--cors-allowed-origins")
        .unwrap();
    assert_eq!(args[at + 1], "https://mlflow.example.org");
}

/// An external store named by DNS name on port 80, with no peers named, opens egress to
/// any address on port 80, the cloud metadata services included: a warning names the key
/// that closes it. A peer given, no warning.
#[test]
fn port_80_to_any_address_is_warned_of() {
    let s3 = [
        "--set",
        "services.minio.enabled=false",
        "--set",
        "s3.secret=s3",
        "--set",
        "s3.url=http://rgw.rook-ceph.svc",
    ];
    let r = render(&s3);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("169.254.169.254:80") && r.stderr.contains("networkPolicy.externalS3To"),
        "{}",
        r.stderr
    );
    let mut named = s3.to_vec();
    named.extend([
        "--set-json",
        r#"networkPolicy.externalS3To=[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"rook-ceph"}}}]"#,
    ]);
    let r = render(&named);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("169.254.169.254:80"), "{}", r.stderr);
    // On 443 nothing is said.
    let r = render(&[
        "--set",
        "services.minio.enabled=false",
        "--set",
        "s3.secret=s3",
        "--set",
        "s3.url=https://s3.example.org",
    ]);
    assert!(!r.stderr.contains("169.254.169.254:80"), "{}", r.stderr);
}

/// AWS's IPv6 metadata endpoint and Alibaba Cloud's are metadata services too.
#[test]
fn every_metadata_address_is_warned_of() {
    for cidr in ["fd00:ec2::254/128", "fd00:ec2::/32", "100.100.100.200/32"] {
        let rule = format!(
            r#"networkPolicy.extraEgress=[{{"to":[{{"ipBlock":{{"cidr":"{cidr}"}}}}],"ports":[{{"port":80}}]}}]"#
        );
        let r = render(&["--set-json", &rule]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains("cloud metadata service"),
            "{cidr}: {}",
            r.stderr
        );
    }
    let r = render(&[
        "--set-json",
        r#"networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"fd00:ec2::/32","except":["fd00:ec2::254/128"]}}],"ports":[{"port":80}]}]"#,
    ]);
    assert!(!r.stderr.contains("cloud metadata service"), "{}", r.stderr);
}

/// `values` masks a credential in a URI-valued key however it is written: libpq's
/// keyword form, a fragment, a userinfo without a scheme; an image reference with a port
/// and digest stays shown.
#[test]
fn values_masks_credentials_beyond_userinfo() {
    for set in [
        "services.postgres.externalURI=host=db.example.org password=S3CR3T",
        "services.postgres.externalURI=postgresql://db.example.org/mlflow#password=S3CR3T",
        "s3.url=https://s3.example.org/#access_token=S3CR3T",
        "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/x#access_token=S3CR3T",
        "externalDatabase.host=mlflow:S3CR3T@db.example.org",
    ] {
        let r = common::run(&["values", "--set-string", set], None);
        assert_eq!(r.code, 0, "{set}: {}", r.stderr);
        assert!(!r.stdout.contains("S3CR3T"), "{set}");
        assert!(r.stdout.contains("(hidden:"), "{set}");
    }
    let r = common::run(
        &[
            "values",
            "--set-string",
            "image.repository=registry:5000/repo@sha256:abc",
        ],
        None,
    );
    assert!(
        r.stdout.contains("registry:5000/repo@sha256:abc"),
        "{}",
        r.stdout
    );
}

/// A scalar or list where a mapping holding a credential belongs (`--set-file
/// postgresql.auth=pw.txt`, schema check skipped) is that credential as far as `values`
/// can tell: it is hidden, and a mapping there still shows its keys.
#[test]
fn values_masks_a_scalar_in_place_of_a_credential_map() {
    let pw = common::scratch_file("credential-parent", "pw.txt", "S3CR3T-FROM-FILE");
    let pw = pw.display();
    for set in [
        vec!["--set-file".to_string(), format!("postgresql.auth={pw}")],
        vec!["--set-file".to_string(), format!("postgresql={pw}")],
        vec!["--set-file".to_string(), format!("minio.auth={pw}")],
        vec!["--set-file".to_string(), format!("s3={pw}")],
        vec!["--set-file".to_string(), format!("oauth2Proxy={pw}")],
        vec![
            "--set".to_string(),
            "versitygw.auth={S3CR3T-FROM-FILE}".to_string(),
        ],
    ] {
        let mut args = vec!["values", "--skip-schema-validation"];
        args.extend(set.iter().map(String::as_str));
        let r = common::run(&args, None);
        assert_eq!(r.code, 0, "{set:?}: {}", r.stderr);
        assert!(!r.stdout.contains("S3CR3T"), "{set:?}: {}", r.stdout);
        assert!(r.stdout.contains("(hidden:"), "{set:?}");
    }
    let r = common::run(
        &["values", "--set", "postgresql.auth.username=mlflow"],
        None,
    );
    assert!(r.stdout.contains("username: mlflow"), "{}", r.stdout);
}

/// The bucket Job gives MinIO's keys to `mc` on its standard input, never as arguments
/// (a process list shows those), and its own arguments follow `--` (mc reads any argument
/// starting with `-` as a flag before one: minio/cli v1.24.2 command.go:136-176): the
/// rendered command runs here under `sh` with a stand-in `mc` that records its arguments
/// and what it reads.
#[test]
fn the_bucket_job_never_puts_keys_in_arguments() {
    let r = render(&["--show-only", "templates/job-minio-bucket.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let job: serde_json::Value = serde_saphyr::from_str(&r.stdout).unwrap();
    let c = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["command"], serde_json::json!(["/bin/sh", "-ec"]));
    let script = c["args"][0].as_str().unwrap();
    let bin = common::scratch_file(
        "mc-stub",
        "mc",
        "#!/bin/sh\nprintf 'ARGS %s\\n' \"$*\" >> \"$LOG\"\nif [ \"$1\" = alias ]; then while IFS= read -r l; do printf 'IN %s\\n' \"$l\" >> \"$LOG\"; done; fi\n",
    );
    let log = bin.with_file_name("log");
    let _ = std::fs::remove_file(&log);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("/bin/sh")
        .args(["-ec", script])
        .env("PATH", path)
        .env("LOG", &log)
        .env("S3_ENDPOINT", "http://minio:9000")
        .env("BUCKET", "mlflow")
        .env("S3_USER", "ROOTUSER-X1")
        .env("S3_PASSWORD", "ROOTPASS-Y2 with spaces")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let log = std::fs::read_to_string(&log).unwrap();
    for line in log.lines().filter(|l| l.starts_with("ARGS")) {
        assert!(
            !line.contains("ROOTUSER") && !line.contains("ROOTPASS"),
            "{log}"
        );
    }
    assert!(
        log.contains("ARGS alias set -- target http://minio:9000\n"),
        "{log}"
    );
    assert!(
        log.contains("IN ROOTUSER-X1\nIN ROOTPASS-Y2 with spaces\n"),
        "{log}"
    );
    assert!(
        log.contains("ARGS mb --ignore-existing target/mlflow"),
        "{log}"
    );
}

/// A credential in a value that a message quotes is masked there too (an independent
/// attack found these): a registry login in an image reference, a token in an
/// allowedHosts entry, a `--set=key=secret` after `--`; and `values` hides an unknown
/// `key` (`azureBlob.key`) as it hides other credentials no schema knows.
#[test]
fn messages_never_quote_a_credential_in_a_value() {
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "--set",
            "image.repository=robot:glpat-S3CR3T@registry.example.org/ml/mlflow",
        ],
        vec![
            "--set",
            "postgresql.image.repository=robot:glpat-S3CR3T@registry.example.org/pg",
        ],
        vec![
            "--set",
            "minio.clientImage.registry=robot:glpat-S3CR3T@registry.example.org",
        ],
        vec![
            "--set",
            "MLFlow.allowedHosts[0]=mlflow.example.org?token=S3CR3T",
        ],
        vec!["--", "--set=postgresql.auth.password=S3CR3T"],
    ];
    for args in cases {
        let r = render(&args);
        assert!(!r.stderr.contains("S3CR3T"), "{args:?}: {}", r.stderr);
    }
    for command in ["values", "schema"] {
        let r = common::run(
            &[command, "--", "--set=postgresql.auth.password=S3CR3T"],
            None,
        );
        assert_ne!(r.code, 0);
        assert!(!r.stderr.contains("S3CR3T"), "{command}: {}", r.stderr);
    }
    let r = common::run(
        &[
            "values",
            "--skip-schema-validation",
            "--set",
            "azureBlob.key=S3CR3T,gcs.key=S3CR3T,minio.auth.key=S3CR3T",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("S3CR3T"), "{}", r.stdout);
}

/// A URI's parameters that hold no secret are taken: libpq's connection parameters that
/// name a file or a session's kind (`passfile`, `sslkey`, `target_session_attrs`); the
/// ones that do (`pw`, a session id) are refused, and never shown.
#[test]
fn connection_parameters_that_hold_no_secret_are_taken() {
    let with = |query: &str| {
        render(&[
            "--set",
            "services.postgres.enabled=false",
            "--set",
            "externalDatabase.existingSecret=pg",
            "--set-string",
            &format!(
                "services.postgres.externalURI=postgresql://mlflow@db.example.org:5432/mlflow?sslmode=verify-full&{query}"
            ),
        ])
    };
    for fine in [
        "target_session_attrs=read-write",
        "passfile=/etc/pgpass",
        "sslkey=/tls/client.key",
        "sslrootcert=/tls/ca.crt",
    ] {
        let r = with(fine);
        assert_eq!(r.code, 0, "{fine}: {}", r.stderr);
    }
    for secret in [
        "pw=Zq9SECRETx",
        "jsessionid=Zq9SECRETx",
        "PHPSESSID=Zq9SECRETx",
        "session_id=Zq9SECRETx",
    ] {
        let r = with(secret);
        assert_eq!(r.code, 1, "{secret}");
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("must not carry a credential"),
            "{secret}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("Zq9SECRET"), "{}", r.stderr);
    }
}
