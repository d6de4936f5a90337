//! The values model: every value the chart needs is present (a null that deletes one is a
//! located error naming the key), integer keys accept `2.0`-style numbers as the integer,
//! output and Job names do not depend on key order, generated names are valid, and the
//! original chart's and bitnami's keys either work or name what replaces them.

use crate::common;
use serde_json::Value;

const P: [&str; 4] = [
    "--set",
    "oauth2Proxy.clientID=c",
    "--set",
    "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r",
];

fn render(extra: &[&str]) -> common::Run {
    let mut a = vec!["render", "-q"];
    a.extend_from_slice(&P);
    a.extend_from_slice(extra);
    common::run(&a, None)
}

fn defaults_and_schema() -> (Value, Value) {
    let root = common::root();
    let defaults: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(root.join("values.yaml")).unwrap())
            .unwrap();
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("values.schema.json")).unwrap())
            .unwrap();
    (defaults, schema)
}

/// (dotted key, default, schema type) of every scalar under the chart's own closed objects.
fn typed_scalars() -> Vec<(String, Value, String)> {
    fn walk(d: &Value, node: &Value, at: &str, out: &mut Vec<(String, Value, String)>) {
        let (Some(props), Some(map)) = (node.get("properties"), d.as_object()) else {
            return;
        };
        if node.get("additionalProperties") != Some(&Value::Bool(false)) {
            return;
        }
        for (k, v) in map {
            let Some(child) = props.get(k) else { continue };
            if child.get("$ref").is_some() {
                continue;
            }
            let key = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            match v {
                Value::Object(_) => walk(v, child, &key, out),
                Value::Array(_) | Value::Null => {}
                _ => out.push((
                    key,
                    v.clone(),
                    child
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                )),
            }
        }
    }
    let (d, s) = defaults_and_schema();
    let mut out = Vec::new();
    walk(&d, &s, "", &mut out);
    out
}

/// Does the schema say a null at `key` (dotted) means "none" (`x-null-is-none`)?
fn null_is_none(key: &str) -> bool {
    let (_, schema) = defaults_and_schema();
    let node = key
        .split('.')
        .try_fold(&schema, |n, k| n.get("properties")?.get(k));
    node.and_then(|n| n.get("x-null-is-none")) == Some(&Value::Bool(true))
}

#[test]
fn a_null_for_every_needed_value_is_a_located_error() {
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut none = 0;
    for (key, default, _) in typed_scalars() {
        let empty = matches!(&default, Value::String(s) if s.is_empty())
            || default == Value::Bool(false)
            || default == serde_json::json!(0);
        let r = render(&["--set", &format!("{key}=null")]);
        if null_is_none(&key) {
            // A null that means "none" (the original chart's template read it so).
            none += 1;
            if r.code != 0 {
                problems.push(format!("{key} (null is none): {}", r.stderr));
            }
            continue;
        }
        if empty {
            // An empty default deleted means the same: nothing. It must still render.
            if r.code != 0 && !r.stderr.contains(&key) {
                problems.push(format!("{key} (empty default): {}", r.stderr));
            }
            continue;
        }
        checked += 1;
        let ok = r.code == 1
            && r.stdout.is_empty()
            && r.stderr
                .contains(&format!("{key}: the chart needs this value"))
            && r.stderr.contains(&format!("--set '{key}=…'"));
        if !ok {
            problems.push(format!("{key}: exit {}: {}", r.code, r.stderr));
        }
    }
    assert!(checked >= 20, "only {checked} needed keys");
    assert_eq!(none, 2, "the autoscaling targets");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A null over a whole map in a values file (`service:` with nothing under it, an old
/// file's `image:` whose keys are commented out) is named where it is written, not where
/// an earlier file or the defaults set the keys it deleted.
#[test]
fn a_null_over_a_map_in_a_file_is_located_at_the_null() {
    let dir = common::scratch_root().join("null-map");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let f = dir.join(name);
        std::fs::write(&f, text).unwrap();
        f.to_str().unwrap().to_string()
    };
    let a = write("a.yaml", "service:\n  port: 5000\n");
    let b = write("b.yaml", "# the service block, emptied\nservice:\n");
    let c = write("c.yaml", "postgresql:\n  image:\n    # tag: 15\n");
    let r = render(&["-f", &a, "-f", &b]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    for key in ["service.port", "service.type"] {
        assert!(
            r.stderr.contains(&format!(
                "{key}: the chart needs this value, but a null deleted it at {b}:2:1"
            )),
            "{key}: {}",
            r.stderr
        );
    }
    let r = render(&["-f", &c]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "postgresql.image.tag: the chart needs this value, but a null deleted it at {c}:2:3"
        )),
        "{}",
        r.stderr
    );
    // A list the chart needs, under a map a file nulled (`ingress: null`), after a file
    // that wrote it: the null is named, not the earlier file (found by an independent
    // review); this path is the typed decode's, not the defaults' restore.
    let e = write("e.yaml", "ingress:\n  hosts:\n    - host: a.example.org\n");
    let f = write("f.yaml", "ingress: null\n");
    let r = render(&["-f", &e, "-f", &f]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "ingress.hosts: the chart needs this value, but a null deleted it at {f}:1:1"
        )),
        "{}",
        r.stderr
    );
    // A later file that writes the map again brings it back, and the defaults fill it (as
    // Helm coalesces the chart's values into the user's).
    let d = write("d.yaml", "service:\n  type: ClusterIP\n");
    let r = render(&["-f", &a, "-f", &b, "-f", &d]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn integer_keys_take_integral_floats_as_the_integer() {
    let base = render(&[]);
    assert_eq!(base.code, 0, "{}", base.stderr);
    let mut checked = 0;
    for (key, default, ty) in typed_scalars() {
        if ty != "integer" || !default.is_i64() {
            continue;
        }
        checked += 1;
        let r = render(&["--set-json", &format!("{key}={}.0", default)]);
        assert_eq!(r.code, 0, "{key}: {}", r.stderr);
        assert_eq!(
            r.stdout, base.stdout,
            "{key}={default}.0 renders differently from {default}"
        );
        let r = render(&["--set-json", &format!("{key}={}.5", default)]);
        assert_eq!(r.code, 1, "{key}={default}.5 must be refused");
        assert!(r.stderr.contains(&key), "{}", r.stderr);
        // Without the schema the typed decode still refuses it (it used to render 0).
        let r = render(&[
            "--skip-schema-validation",
            "--set-json",
            &format!("{key}={}.5", default),
        ]);
        assert_eq!(
            r.code, 1,
            "{key}={default}.5 without the schema: {}",
            r.stdout
        );
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains(&format!("{key}: invalid type")),
            "{}",
            r.stderr
        );
    }
    assert!(checked >= 4, "only {checked} integer keys");
}

#[test]
fn key_order_does_not_change_the_output() {
    let d = common::scratch_root().join("order");
    std::fs::create_dir_all(&d).unwrap();
    let a = d.join("a.yaml");
    let b = d.join("b.yaml");
    std::fs::write(&a, "podAnnotations: {x: \"1\", a: \"2\", m: \"3\"}\nreplicaCount: 2\nserviceAccount:\n  annotations: {z: q, b: r}\n").unwrap();
    std::fs::write(&b, "serviceAccount:\n  annotations: {b: r, z: q}\nreplicaCount: 2\npodAnnotations: {m: \"3\", a: \"2\", x: \"1\"}\n").unwrap();
    let ra = render(&["-f", a.to_str().unwrap()]);
    let rb = render(&["-f", b.to_str().unwrap()]);
    assert_eq!(ra.code, 0, "{}", ra.stderr);
    assert_eq!(ra.stdout, rb.stdout);
    let rc = render(&["--set", "podAnnotations.a=x", "--set", "podAnnotations.b=y"]);
    let rd = render(&["--set", "podAnnotations.b=y", "--set", "podAnnotations.a=x"]);
    assert_eq!(rc.stdout, rd.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn generated_names_are_valid_for_their_kind() {
    let r = common::run(&["render", "1team", "-q", P[0], P[1], P[2], P[3]], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("must start with a letter") && r.stderr.contains("fullnameOverride"),
        "{}",
        r.stderr
    );
    let long = "a".repeat(53);
    let r = common::run(&["render", &long, "-q", P[0], P[1], P[2], P[3]], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs: Vec<Value> = serde_saphyr::from_multiple(&r.stdout).unwrap();
    let mut sts = 0;
    for d in docs.iter().filter(|d| d["kind"] == "StatefulSet") {
        sts += 1;
        let name = d["metadata"]["name"].as_str().unwrap();
        // controller-revision-hash = "<name>-<up to 10 characters>" must fit 63.
        assert!(name.len() <= 52, "{name} ({} characters)", name.len());
    }
    assert_eq!(sts, 2);
    for d in &docs {
        let name = d["metadata"]["name"].as_str().unwrap_or("");
        assert!(name.len() <= 63, "{name}");
    }
}

#[test]
fn every_replaced_key_names_its_replacement_and_is_documented() {
    let doc = std::fs::read_to_string(common::root().join("docs/migration.md")).unwrap();
    for (key, what) in mlflow_chart::migration::REPLACED {
        let set = if key.ends_with('.') {
            format!("{key}x=1")
        } else {
            format!("{key}=1")
        };
        let r = render(&["--set", &set]);
        assert_eq!(r.code, 1, "{set}: {}", r.stderr);
        assert!(r.stderr.contains(what), "{set}: {}", r.stderr);
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/migration.md does not list `{key}`"
        );
    }
    // And the table lists nothing else: a key it calls replaced is refused.
    let table = doc
        .split("## Keys of the original chart and of bitnami's subcharts that are replaced")
        .nth(1)
        .expect("the table's section");
    let table = table.split("\n## ").next().unwrap();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let key = line.split('`').nth(1).unwrap();
        assert!(
            mlflow_chart::migration::REPLACED
                .iter()
                .any(|(k, _)| *k == key),
            "docs/migration.md calls `{key}` replaced, but it is not refused"
        );
    }
}

#[test]
fn original_chart_forms_render() {
    // bitnami's "-": no StorageClass (storageClassName ""), not the cluster default.
    let r = render(&[
        "--set-string",
        "postgresql.persistence.storageClass=-,minio.persistence.storageClass=-",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.matches("storageClassName: \"\"").count(),
        2,
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("storageClassName: -"));
    // A null in a list item's map is the key left out, as elsewhere.
    let r = render(&[
        "--set-json",
        r#"ingress={"enabled":true,"hosts":[{"host":"ml.example.org","paths":[{"path":"/","pathType":null}]}],"tls":[{"hosts":["ml.example.org"],"secretName":null}]}"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("pathType: Prefix"), "{}", r.stdout);
    // A quoted number says how to write it.
    let r = render(&["--set-string", "replicaCount=2"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("replicaCount: wrong type: expected integer")
            && r.stderr.contains("a number is needed, not text"),
        "{}",
        r.stderr
    );
    // services.minio.externalURI has no effect beside the chart's MinIO, and says so.
    let r = render(&["--set", "services.minio.externalURI=https://s3.example.org"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("services.minio.externalURI is ignored while services.minio.enabled is true"),
        "{}",
        r.stderr
    );
    // allowed_roles as the original's comma-separated string.
    let r = render(&[
        "--set",
        "oauth2Proxy.keycloak.allowed_roles=mlflow-user\\,admin",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("--allowed-role=mlflow-user")
            && r.stdout.contains("--allowed-role=admin")
    );
    // emailDomains as one string.
    let r = render(&["--set", "oauth2Proxy.emailDomains=example.org"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("--email-domain=example.org"));
    // A password without the superuser password: the other is generated in the cluster.
    let r = render(&["--set", "postgresql.auth.password=abcdefgh12"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("mlflow-postgresql-generated"));
    // A blank bucket name (the original default) is refused, never s3://.
    let r = render(&["--set", "MLFlow.artifacts.bucketName="]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("MLFlow.artifacts.bucketName"),
        "{}",
        r.stderr
    );
    // Images that do not fit the pods are refused with the reason.
    for (k, v) in [
        ("postgresql.image.repository", "bitnamilegacy/postgresql"),
        ("minio.image.repository", "bitnamilegacy/minio"),
        ("image.repository", "evk02/mlflow"),
    ] {
        let r = render(&["--set", &format!("{k}={v}")]);
        assert_eq!(r.code, 1, "{k}: {}", r.stderr);
        assert!(r.stderr.contains(k), "{}", r.stderr);
    }
}

/// A value of the wrong type never renders, even with `--skip-schema-validation`: the
/// merged values are decoded into the typed model, and the error names the key, where the
/// value came from, and never the value.
#[test]
fn a_mistyped_value_never_renders() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (key, _, ty) in typed_scalars() {
        // The proxy's two required values are set by every render here (`P`, with --set,
        // which Helm applies after --set-json).
        if P.iter().any(|p| p.starts_with(&format!("{key}="))) {
            continue;
        }
        let wrong = match ty.as_str() {
            "string" | "" => r#"{"x": "SECRET-VALUE"}"#,
            "integer" => r#""SECRET-VALUE""#,
            "boolean" => r#""SECRET-VALUE""#,
            _ => continue,
        };
        checked += 1;
        for skip in [false, true] {
            let mut args = vec!["--set-json".to_string(), format!("{key}={wrong}")];
            if skip {
                args.push("--skip-schema-validation".into());
            }
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = render(&a);
            let ok = r.code == 1
                && r.stdout.is_empty()
                && r.stderr.contains(&key)
                && r.stderr.contains("--set-json")
                && !r.stderr.contains("SECRET-VALUE");
            if !ok {
                problems.push(format!(
                    "{key} (skip={skip}): exit {}: {}",
                    r.code, r.stderr
                ));
            }
        }
    }
    assert!(checked >= 60, "only {checked} typed keys");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The ServiceMonitor's interval is a Prometheus duration as prometheus-operator's CRD
/// takes it (each unit once, largest first); its ServiceMonitor is rendered with a warning
/// that no schema checked it.
#[test]
fn service_monitor_interval_is_a_prometheus_duration() {
    let base = [
        "render",
        "--set",
        "oauth2Proxy.enabled=false,metrics.enabled=true",
        "--api-versions",
        "monitoring.coreos.com/v1",
        "--set",
    ];
    for ok in ["30s", "1m30s", "1h", "500ms", "1h0m30s"] {
        let mut a = base.to_vec();
        let set = format!("metrics.serviceMonitor.interval={ok}");
        a.push(&set);
        let r = crate::common::run(&a, None);
        assert_eq!(r.code, 0, "{ok}: {}", r.stderr);
        assert!(
            r.stderr.contains("ServiceMonitor mlflow is not validated"),
            "{}",
            r.stderr
        );
    }
    for bad in ["30s30s", "1s1h", "5ms1s", "1x", ""] {
        let mut a = base.to_vec();
        let set = format!("metrics.serviceMonitor.interval={bad}");
        a.push(&set);
        let r = crate::common::run(&a, None);
        assert_ne!(r.code, 0, "{bad}");
        assert!(
            r.stderr.contains("metrics.serviceMonitor.interval"),
            "{bad}: {}",
            r.stderr
        );
    }
}

/// The original chart's naming: `fullnameOverride` (and the chart name) cut to 63
/// characters with no trailing '-' (values contract), not refused.
#[test]
fn name_overrides_are_cut_as_the_original_chart_cut_them() {
    let long = format!("team-{}", "m".repeat(70));
    for (args, full, name) in [
        (
            vec!["--set", "fullnameOverride=team-mlflow-"],
            "team-mlflow".to_string(),
            "mlflow",
        ),
        (
            vec!["--set", &format!("fullnameOverride={long}")],
            long[..63].to_string(),
            "mlflow",
        ),
        (
            vec!["--set", "nameOverride=tracking-"],
            "mlflow-tracking".to_string(),
            "tracking",
        ),
    ] {
        let r = render(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let docs: Vec<Value> = serde_saphyr::from_multiple(&r.stdout).unwrap();
        let deployment = docs
            .iter()
            .find(|d| d["kind"] == "Deployment" && d["metadata"]["name"] == full.as_str())
            .unwrap_or_else(|| panic!("{args:?}: no Deployment named {full}"));
        assert_eq!(
            deployment["metadata"]["labels"]["app.kubernetes.io/name"], name,
            "{args:?}"
        );
    }
    // Still refused: what no cut makes a name.
    for bad in [
        "fullnameOverride=Team",
        "fullnameOverride=-team",
        "nameOverride=a_b",
    ] {
        let r = render(&["--set", bad]);
        assert_eq!(r.code, 1, "{bad}");
        assert!(r.stdout.is_empty());
    }
}

/// PostgreSQL role and database names with '-' or '.' (which the original chart's
/// subchart took) render: the init script quotes them as identifiers (psql's :"name") and
/// the backend URI percent-encodes them. Checked by hand against PostgreSQL 15's psql.
#[test]
fn postgresql_names_may_hold_dashes_and_dots() {
    let r = render(&[
        "--set",
        "postgresql.auth.username=mlflow-user.x,postgresql.auth.database=mlflow-db",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("value: mlflow-user.x"), "the role");
    assert!(
        r.stdout.contains("@mlflow-postgresql:5432/mlflow-db"),
        "the backend URI"
    );
    for bad in [
        "postgresql.auth.username=-x",
        "postgresql.auth.database=a b",
        "postgresql.auth.username=a\"b",
    ] {
        let r = render(&["--set", bad]);
        assert_eq!(r.code, 1, "{bad}");
    }
}

/// What `values` prints reads back with `-f`: a string with two signs (`--1_`, text to
/// Helm's go-yaml v2 as to this reader) is neither quoted nor refused.
#[test]
fn values_output_reads_back() {
    for v in ["--1_", "-+0B1", "+_+98", "1e--5"] {
        let m = common::run(
            &["values", "--set-string", &format!("podAnnotations.a={v}")],
            None,
        );
        assert_eq!(m.code, 0, "{v}: {}", m.stderr);
        let f = common::scratch_file("read-back", "v.yaml", &m.stdout);
        let back = common::run(&["values", "-f", f.to_str().unwrap()], None);
        assert_eq!(back.code, 0, "{v}: {}", back.stderr);
        assert_eq!(back.stdout, m.stdout, "{v}");
    }
}
