//! The binary's contract: flags like `helm template`, exit codes, nothing on stdout on
//! any error, messages that name the file, line and key.

use crate::common;

use common::run;

const PROXY: &[&str] = &[
    "--set",
    "oauth2Proxy.clientID=mlflow",
    "--set",
    "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/ml",
];

fn render(extra: &[&str]) -> common::Run {
    let mut args = vec!["render", "mlflow", "-n", "mlflow"];
    args.extend_from_slice(PROXY);
    args.extend_from_slice(extra);
    run(&args, None)
}

fn tmp(name: &str, content: &[u8]) -> String {
    common::scratch_file("cli", name, content)
        .to_string_lossy()
        .into_owned()
}

fn assert_fails(r: &common::Run, code: i32, needles: &[&str]) {
    assert_eq!(r.code, code, "exit code; stderr: {}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "stdout must be empty on error, got {}",
        r.stdout
    );
    for n in needles {
        assert!(r.stderr.contains(n), "stderr lacks {n:?}: {}", r.stderr);
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn unknown_key_names_file_line_and_suggests() {
    let f = tmp(
        "unknown.yaml",
        b"replicaCount: 2\noauth2Proxy:\n  clientId: x\n",
    );
    let r = render(&["-f", &f]);
    assert_fails(
        &r,
        1,
        &[
            "oauth2Proxy.clientId: unknown key",
            "did you mean `clientID`",
            "unknown.yaml:3:3",
        ],
    );
}

#[test]
fn wrong_type_names_file_line_and_key() {
    let f = tmp("type.yaml", b"replicaCount: many\n");
    let r = render(&["-f", &f]);
    assert_fails(&r, 1, &["replicaCount: wrong type", "type.yaml:1:1"]);
}

#[test]
fn a_broken_chart_rule_names_where_its_key_was_set() {
    // The chart's rules run after the values check, on the typed values; the key they
    // name is still traced to its file and line, or to its flag.
    let f = tmp(
        "rule.yaml",
        b"replicaCount: 1\nexternalDatabase:\n  type: mysql\n",
    );
    let r = render(&["-f", &f]);
    assert_fails(
        &r,
        1,
        &[
            "externalDatabase.type is mysql but services.postgres.enabled is true",
            "(externalDatabase.type at ",
            "rule.yaml:3:3)",
        ],
    );
    let r = render(&["--set", "externalDatabase.type=mysql"]);
    assert_fails(&r, 1, &["(externalDatabase.type ", "--set"]);
    // Standard input is read once: its lines are still named.
    let mut args = vec!["render", "-q", "-f", "-"];
    args.extend_from_slice(PROXY);
    let r = run(
        &args,
        Some(b"replicaCount: 1\nexternalDatabase:\n  type: mysql\n"),
    );
    assert_fails(&r, 1, &["(externalDatabase.type at <stdin>:3:3)"]);
}

#[test]
fn broken_yaml_names_file_and_line() {
    let f = tmp("broken.yaml", b"a:\n  b: [1, 2\nc: 3\n");
    let r = render(&["-f", &f]);
    assert_fails(&r, 1, &["broken.yaml", "invalid YAML", "line"]);
}

#[test]
fn set_errors_name_the_flag() {
    let r = render(&["--set", "image.tag"]);
    assert_fails(&r, 1, &["--set", "image.tag", "has no value"]);
    let r = render(&["--set", "replicaCount=x"]);
    assert_fails(
        &r,
        1,
        &["replicaCount: wrong type", "from --set 'replicaCount=…'"],
    );
}

#[test]
fn all_problems_reported_at_once() {
    let r = render(&["--set", "replicaCount=x,service.port=0,foo=1"]);
    assert_fails(
        &r,
        1,
        &[
            "3 problems",
            "replicaCount",
            "service.port",
            "foo: unknown key",
        ],
    );
}

#[test]
fn missing_issuer_and_client_id_fail_with_both_keys() {
    let r = run(&["render"], None);
    assert_fails(
        &r,
        1,
        &[
            "oauth2Proxy.oidc.oidc_issuer_url",
            "oauth2Proxy.clientID",
            "oauth2Proxy.enabled=false",
        ],
    );
}

#[test]
fn usage_errors_exit_2() {
    // As Helm: a value it refuses (release name, namespace, version) is an error (1);
    // only a malformed command line (unknown flag, missing argument) is a usage error (2).
    assert_fails(
        &run(&["render", "Bad_Name"], None),
        1,
        &["invalid release name"],
    );
    assert_fails(
        &run(&["render", "-n", "NS!"], None),
        1,
        &["invalid namespace"],
    );
    assert_fails(
        &run(&["render", "--kube-version", "1.20"], None),
        1,
        &["not supported"],
    );
    assert_fails(
        &run(&["render", "--no-such-flag"], None),
        2,
        &["--no-such-flag"],
    );
    // Like Helm, a template that is not in the chart is a failure (1), not a usage error.
    assert_fails(
        &render(&["-s", "templates/nope.yaml"]),
        1,
        &["could not find template"],
    );
}

#[test]
fn unreadable_and_binary_files() {
    assert_fails(
        &render(&["-f", "/nonexistent/values.yaml"]),
        1,
        &["cannot read values file /nonexistent/values.yaml"],
    );
    let f = tmp("bin.yaml", &[0xff, 0xfe, 0x00, 0x01]);
    assert_fails(&render(&["-f", &f]), 1, &["not UTF-8"]);
}

#[test]
fn values_from_stdin_and_merge_order() {
    // -f files merge in order; --set wins over files; null deletes a default.
    let a = tmp("a.yaml", b"replicaCount: 2\nnodeSelector: {k1: a}\n");
    let b = tmp("b.yaml", b"replicaCount: 3\n");
    let r = run(
        &[
            "values",
            "-f",
            &a,
            "-f",
            &b,
            "--set",
            "nodeSelector.k2=b",
            "--set",
            "podAnnotations=null",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("replicaCount: 3"));
    assert!(r.stdout.contains("k1: a") && r.stdout.contains("k2: b"));
    assert!(!r.stdout.contains("podAnnotations"));
    let r = run(&["values", "-f", "-"], Some(b"replicaCount: 4\n"));
    assert!(r.stdout.contains("replicaCount: 4"), "{}", r.stderr);
}

#[test]
fn set_flag_families_apply_in_helm_order() {
    // --set-string is applied after --set whatever the command-line order.
    let r = run(
        &[
            "values",
            "--set-string",
            "image.tag=7",
            "--set",
            "image.tag=8",
        ],
        None,
    );
    assert!(r.stdout.contains("tag: \"7\""), "{}", r.stdout);
    let f = tmp("tag.txt", b"from-file");
    let r = run(
        &[
            "values",
            "--set-file",
            &format!("image.tag={f}"),
            "--set-literal",
            "oauth2Proxy.clientSecret=x,y",
            "--show-secrets",
        ],
        None,
    );
    assert!(r.stdout.contains("tag: from-file"), "{}", r.stderr);
    assert!(r.stdout.contains("clientSecret: x,y"), "{}", r.stdout);
}

#[test]
fn values_without_flags_prints_defaults_and_schema_prints_json() {
    let r = run(&["values"], None);
    assert_eq!(
        r.stdout,
        std::fs::read_to_string(common::root().join("values.yaml")).unwrap()
    );
    let r = run(&["schema"], None);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["additionalProperties"], false);
}

#[test]
fn show_only_and_output_dir() {
    let r = render(&["-s", "templates/service.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches("\n---\n").count() + 1, 1, "one document");
    assert!(
        r.stdout
            .starts_with("---\n# Source: mlflow-chart/templates/service.yaml\n")
    );
    let dir = common::scratch_root().join("outdir");
    let r = render(&["--output-dir", &dir.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dep = std::fs::read_to_string(dir.join("mlflow-chart/templates/deployment.yaml")).unwrap();
    assert!(
        dep.starts_with("---\n# Source: mlflow-chart/templates/deployment.yaml\nkind: Deployment")
            || dep.contains("kind: Deployment")
    );
}

/// `--output-dir` changes all files or none: a directory in the place of one file fails
/// the render before any file is replaced; a symbolic link in the way is replaced, not
/// written through; a file holding a Secret is its owner's only; an empty value prints
/// to stdout (Helm's `OutputDir != ""`).
#[test]
fn output_dir_is_all_or_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::scratch_root().join("outdir-all");
    let templates = dir.join("mlflow-chart/templates");
    std::fs::create_dir_all(templates.join("service.yaml")).unwrap();
    std::fs::write(templates.join("deployment.yaml"), "old\n").unwrap();
    let d = dir.to_string_lossy().into_owned();
    let r = render(&["--output-dir", &d]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("service.yaml: a directory is in its place"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("no file of the output directory was changed")
    );
    assert_eq!(
        std::fs::read_to_string(templates.join("deployment.yaml")).unwrap(),
        "old\n"
    );
    let left: Vec<_> = std::fs::read_dir(&templates).unwrap().collect();
    assert_eq!(left.len(), 2, "no file added: {left:?}");
    std::fs::remove_dir(templates.join("service.yaml")).unwrap();
    let target = dir.join("victim.txt");
    std::fs::write(&target, "untouched\n").unwrap();
    std::os::unix::fs::symlink(&target, templates.join("service.yaml")).unwrap();
    let r = render(&[
        "--output-dir",
        &d,
        "--set-string",
        "postgresql.auth.password=pw-0123456789",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched\n");
    let service = templates.join("service.yaml");
    assert!(!std::fs::symlink_metadata(&service).unwrap().is_symlink());
    assert!(
        std::fs::read_to_string(&service)
            .unwrap()
            .contains("kind: Service")
    );
    let mode = |f: &str| {
        std::fs::metadata(templates.join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("secret-postgresql.yaml"), 0o600);
    assert_eq!(mode("service.yaml") & 0o600, 0o600);
    assert!(
        std::fs::read_dir(&templates).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with('.'))
    );
    let r = render(&["--output-dir", ""]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("---\n# Source: "), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_output_is_a_v1_list() {
    let r = render(&["-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert!(v["items"].as_array().unwrap().len() > 10);
}

/// Flags read as Helm's pflag reads them: `-f` and `-a` are string slices (one CSV
/// record: comma-separated, `"` quotes), a flag given twice keeps its last value, a value
/// may start with `-`, `-n ''` is the default namespace; `--kube-version` as Helm parses
/// it (vendor suffixes); a `--set` with an empty key on top of a map that has values sets
/// nothing, as in Helm; a URL is not fetched.
#[test]
fn flags_are_read_as_helm_reads_them() {
    let a = tmp("slice-a.yaml", b"replicaCount: 2\nnodeSelector: {k1: a}\n");
    let b = tmp("slice-b.yaml", b"replicaCount: 3\n");
    let r = run(&["values", "-f", &format!("{a},{b}")], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("replicaCount: 3") && r.stdout.contains("k1: a"));
    let r = run(&["values", "-f", &format!("\"{a}\"")], None);
    assert!(r.stdout.contains("replicaCount: 2"), "{}", r.stderr);
    assert_fails(&run(&["values", "-f", "\"a,b"], None), 2, &["quoted-field"]);
    assert_fails(&run(&["values", "-f", "a\"b"], None), 2, &["bare \""]);
    let r = render(&[
        "--set",
        "metrics.enabled=true",
        "-a",
        "gateway.networking.k8s.io/v1,monitoring.coreos.com/v1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("kind: ServiceMonitor"));
    let r = render(&["-n", "team-a", "-n", "team-b"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("namespace: team-b") && !r.stdout.contains("namespace: team-a"));
    let r = run(
        &[
            "render",
            "-n",
            "",
            "--set",
            "oauth2Proxy.enabled=false",
            "-q",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("namespace: default"));
    for v in [
        "1.33.0+k3s1",
        "v1.35.0-gke.100",
        "1.34.x",
        "v1.33.4-eks-1234",
    ] {
        let r = render(&["--kube-version", v]);
        assert_eq!(r.code, 0, "{v}: {}", r.stderr);
    }
    assert_fails(
        &render(&["--kube-version", "2.0"]),
        1,
        &["Kubernetes 2 is not supported"],
    );
    let r = run(
        &[
            "values",
            "--set",
            "podAnnotations.x=a",
            "--set",
            "podAnnotations.=2",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("x: a"), "{}", r.stdout);
    assert_fails(
        &run(&["values", "--set", "podAnnotations.=2"], None),
        1,
        &["key map \"podAnnotations\" has no value"],
    );
    let r = run(
        &["values", "--skip-schema-validation", "--set", "-zz=1"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("-zz: 1"), "{}", r.stdout);
    assert_fails(
        &run(&["values", "-f", "https://example.org/values.yaml"], None),
        1,
        &["is a URL", "never the network"],
    );
    // Helm takes any path url.Parse finds an http, https or oci scheme in for a URL,
    // `http:w.yaml` too, even when a file has that name; `./http:w.yaml` is the file.
    let dir = common::scratch_root().join("scheme");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("http:w.yaml"), "zz: 4\n").unwrap();
    for (f, read) in [
        ("http:w.yaml", false),
        ("OCI:w.yaml", false),
        ("./http:w.yaml", true),
    ] {
        if f.starts_with("OCI") {
            std::fs::write(dir.join(f), "zz: 4\n").unwrap();
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlflow-chart"))
            .args(["values", "--skip-schema-validation", "-f", f])
            .current_dir(&dir)
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.success(), read, "{f}: {stderr}");
        assert_eq!(stdout.contains("zz: 4"), read, "{f}: {stdout}");
        assert_eq!(stderr.contains("is a URL"), !read, "{f}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
    // Paths Go's url.Parse refuses, which Helm refuses before reading: -f and --set-file.
    for args in [
        vec!["values", "-f", "values-100%.yaml"],
        vec!["values", "-f", "1http:w.yaml"],
        vec!["values", "--set-file", "k=h%zz.txt"],
    ] {
        let r = run(&args, None);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("Helm reads this path as a URL and refuses it"),
            "{}",
            r.stderr
        );
    }
    // Go lowercases the scheme; a credential in it is never shown, nor in a CSV error.
    for f in [
        "HTTPS://user:TOPSECRET@example.org/v.yaml",
        "\"https://user:TOPSECRET@example.org/v.yaml",
    ] {
        let r = run(&["values", "-f", f], None);
        assert_ne!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.is_empty() && !r.stderr.contains("TOPSECRET"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("user:…@example.org"), "{}", r.stderr);
    }
    // A boolean flag takes `=false`, as pflag's do.
    assert_fails(
        &run(
            &["values", "--skip-schema-validation=false", "--set", "foo=1"],
            None,
        ),
        1,
        &["foo: unknown key"],
    );
    let r = run(
        &["values", "--skip-schema-validation=true", "--set", "foo=1"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn capabilities_are_accepted() {
    let r = render(&[
        "--kube-version",
        "v1.35.1",
        "--api-versions",
        "monitoring.coreos.com/v1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn validate_command_reports_and_exits_nonzero() {
    let bad = tmp(
        "bad-manifest.yaml",
        b"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n  selektor: {a: b}\n",
    );
    let r = run(&["validate", &bad], None);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("spec.selektor: unknown field"),
        "{}",
        r.stdout
    );
    let r = run(&["validate", "-o", "json", &bad], None);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["valid"], false);
    let crd = tmp(
        "crd.yaml",
        b"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
    );
    assert_eq!(run(&["validate", &crd], None).code, 0);
    assert_eq!(run(&["validate", "--strict", &crd], None).code, 1);
}

#[test]
fn peer_renders_validate_cleanly() {
    let dir = common::root().join("tests/data/peer-renders");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("tests/data/peer-renders") {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let r = run(&["validate", &p.to_string_lossy()], None);
            assert_eq!(r.code, 0, "{}: {}", p.display(), r.stdout);
            n += 1;
        }
    }
    assert_eq!(n, 3);
}

#[test]
fn values_reference_in_docs_is_in_sync() {
    let r = run(&["schema", "--reference"], None);
    let doc = std::fs::read_to_string(common::root().join("docs/values.md")).unwrap();
    assert!(
        r.stdout == doc,
        "docs/values.md is stale: run `cargo run -- schema --reference > docs/values.md`"
    );
}

#[test]
fn diff_reports_same_changed_added_removed_with_exit_codes() {
    let g = |n: &str| {
        common::root()
            .join(format!("tests/golden/{n}.yaml"))
            .to_string_lossy()
            .into_owned()
    };
    let same = run(&["diff", &g("default"), &g("default")], None);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(
        same.stdout
            .ends_with("0 added, 0 removed, 0 changed, 24 unchanged\n"),
        "{}",
        same.stdout
    );
    let d = run(&["diff", &g("default"), &g("autoscaling")], None);
    assert_eq!(d.code, 1);
    assert!(
        d.stdout
            .contains("+ HorizontalPodAutoscaler/mlflow/mlflow (added)"),
        "{}",
        d.stdout
    );
    assert!(d.stdout.contains("~ Deployment/mlflow/mlflow (changed)"));
    assert!(d.stdout.contains("+      nodeSelector:"), "{}", d.stdout);
    let back = run(&["diff", &g("autoscaling"), &g("default")], None);
    assert!(
        back.stdout
            .contains("- HorizontalPodAutoscaler/mlflow/mlflow (removed)")
    );
    let j = run(
        &["diff", "-o", "json", &g("default"), &g("autoscaling")],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    // HPA, PDB and the metrics Service, plus both Jobs under their new input-derived
    // names (the old two removed).
    assert_eq!(
        (v["added"].as_u64(), v["removed"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(j.code, 1);
    // Errors are exit 2, like diff(1).
    assert_eq!(run(&["diff", &g("default")], None).code, 2);
    assert_eq!(
        run(&["diff", &g("default"), "/nonexistent.yaml"], None).code,
        2
    );
    // Rendering both sides from values.
    let a = common::root()
        .join("tests/scenarios/default.yaml")
        .to_string_lossy()
        .into_owned();
    let b = common::root()
        .join("tests/scenarios/public-client.yaml")
        .to_string_lossy()
        .into_owned();
    let r = run(
        &[
            "diff",
            "--values-old",
            &a,
            "--values-new",
            &b,
            "-n",
            "mlflow",
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("--client-id=mlflow-public"),
        "{}",
        r.stdout
    );
}

#[test]
fn completions_for_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let r = run(&["completions", shell], None);
        assert_eq!(r.code, 0);
        assert!(
            r.stdout.contains("render") && r.stdout.contains("set-string"),
            "{shell}"
        );
    }
}

#[test]
fn next_steps_on_stderr_and_quiet() {
    let r = render(&[]);
    assert!(
        r.stderr.contains("next steps:") && r.stderr.contains("mlflow-token"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("port-forward svc/mlflow"));
    let q = render(&["-q"]);
    assert!(!q.stderr.contains("next steps:"));
    assert_eq!(q.stdout, r.stdout);
    // `-q` silences the notes with the next steps; a warning still prints.
    let noted = ["--set", "httpRoute.enabled=true"];
    let r = render(&noted);
    assert!(
        r.stderr.contains("note: no HTTPRoute rendered"),
        "{}",
        r.stderr
    );
    let mut quiet = noted.to_vec();
    quiet.extend([
        "-q",
        "--set",
        "extraEnv[0].name=API_TOKEN,extraEnv[0].value=abcdef",
    ]);
    let q = render(&quiet);
    assert_eq!(q.code, 0, "{}", q.stderr);
    assert!(!q.stderr.contains("note:"), "{}", q.stderr);
    assert!(q.stderr.contains("warning: extraEnv[0]"), "{}", q.stderr);
}

#[test]
fn kustomize_builds_our_render_as_a_base_with_a_patch() {
    let kubectl = common::venv_bin("kubectl");
    let dir = common::scratch_root().join("kustomize");
    std::fs::create_dir_all(&dir).unwrap();
    let golden = std::fs::read_to_string(common::root().join("tests/golden/default.yaml")).unwrap();
    std::fs::write(dir.join("mlflow.yaml"), golden).unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources:\n- mlflow.yaml\npatches:\n- target: {kind: Deployment, name: mlflow}\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 3\ncommonLabels:\n  team: ml\n",
    )
    .unwrap();
    let out = std::process::Command::new(kubectl)
        .arg("kustomize")
        .arg(&dir)
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text).unwrap();
    let deploy = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert_eq!(deploy["spec"]["replicas"], 3);
    assert_eq!(deploy["metadata"]["labels"]["team"], "ml");
    assert_eq!(docs.iter().filter(|d| !d.is_null()).count(), 24);
}

#[test]
fn service_monitor_only_when_the_api_is_served() {
    let without = render(&["--set", "metrics.enabled=true"]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert!(!without.stdout.contains("kind: ServiceMonitor"));
    assert!(without.stdout.contains("--expose-prometheus"));
    // No unauthenticated route through the proxy, /metrics included (docs/security.md).
    assert!(!without.stdout.contains("--skip-auth-route"));
    let with = render(&[
        "--set",
        "metrics.enabled=true",
        "--api-versions",
        "monitoring.coreos.com/v1",
    ]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert!(with.stdout.contains("# Source: mlflow-chart/templates/servicemonitor.yaml\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor"));
    let off = render(&["--api-versions", "monitoring.coreos.com/v1"]);
    assert!(!off.stdout.contains("kind: ServiceMonitor"));
}

/// Jobs are immutable: their names follow the input so `kubectl apply` never has to
/// change an existing Job, while re-rendering the same input keeps the same names.
#[test]
fn job_names_follow_the_input() {
    let job_names = |r: &common::Run| -> Vec<String> {
        r.stdout
            .lines()
            .filter(|l| {
                l.starts_with("  name: mlflow-secret-generator-")
                    || l.starts_with("  name: mlflow-bucket-init-")
            })
            .map(str::to_string)
            .collect()
    };
    let a = job_names(&render(&[]));
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a, job_names(&render(&[])));
    let b = job_names(&render(&["--set", "image.tag=v3.18.0-full"]));
    assert_eq!(b.len(), 2);
    assert!(a.iter().zip(&b).all(|(x, y)| x != y), "{a:?} {b:?}");
}

/// NetworkPolicy egress follows the real endpoints: the IdP's port from the issuer URL,
/// the external database's port from its URI.
#[test]
fn egress_ports_follow_the_endpoints() {
    let r = run(
        &[
            "render",
            "-q",
            "-s",
            "templates/networkpolicy-tracking.yaml",
            "--set",
            "oauth2Proxy.clientID=c,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org:8443/realms/r",
        ],
        None,
    );
    assert!(r.stdout.contains("- port: 8443"), "{}", r.stdout);
    let r = run(
        &[
            "render",
            "-q",
            "-s",
            "templates/networkpolicy-tracking.yaml",
            "--set",
            "oauth2Proxy.enabled=false,services.postgres.enabled=false,services.postgres.externalURI=postgresql://u@db:6543/x",
        ],
        None,
    );
    assert!(r.stdout.contains("- port: 6543"), "{}", r.stdout);
}

/// Issue 19: what Helm users hit.
#[test]
fn helm_users_details() {
    // `values` shows a merge that does not pass the schema when asked to.
    let r = run(&["values", "--set", "podAnnotations.extra=1"], None);
    assert_eq!(r.code, 1);
    let r = run(
        &[
            "values",
            "--skip-schema-validation",
            "--set",
            "podAnnotations.extra=1",
            "--set-string",
            "replicaCount=3",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("extra: 1") && r.stdout.contains("replicaCount: \"3\""),
        "{}",
        r.stdout
    );
    // A feature left out for a missing capability, and a value without effect, get notes.
    let r = render(&["--set", "metrics.enabled=true"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("note: no ServiceMonitor rendered"),
        "{}",
        r.stderr
    );
    // An external database beside the in-cluster one is a warning, which -q keeps (the
    // data would go elsewhere than the user said), as the external S3 beside MinIO is.
    for set in [
        "externalDatabase.host=db.example.org",
        "services.postgres.externalURI=postgresql://db.example.org/mlflow",
    ] {
        let r = render(&["-q", "--set", set]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains(
                "warning: externalDatabase.* and services.postgres.externalURI are ignored while services.postgres.enabled is true"
            ),
            "{set}: {}",
            r.stderr
        );
    }
    let r = render(&["--set", "autoscaling.minReplicas=3"]);
    assert!(
        r.stderr.contains(
            "note: autoscaling.minReplicas has no effect while autoscaling.enabled is false"
        ),
        "{}",
        r.stderr
    );
    // The docs say what Helm users need.
    let root = common::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("kubectl create namespace"));
    let argocd = std::fs::read_to_string(root.join("docs/argocd.md")).unwrap();
    assert!(argocd.contains("at most 53 lowercase letters, digits, `-` and `.`"));
    let migration = std::fs::read_to_string(root.join("docs/migration.md")).unwrap();
    assert!(migration.contains("## Deliberate differences from Helm"));
}

/// `helm template`'s own flags and output order (pkg/cmd/template.go at v4.2.3): `-s`
/// prints pattern by pattern; objects with a `helm.sh/hook` annotation come after all
/// others; `--no-hooks` and `--skip-tests` leave hooks out; `--release-name` puts
/// `--output-dir`'s files under the release's name; `--include-crds` and `--is-upgrade`
/// are accepted.
#[test]
fn helm_template_flags_and_hook_order() {
    let r = render(&[
        "-s",
        "templates/service.yaml",
        "-s",
        "templates/serviceaccount.yaml",
        "-s",
        "templates/service*.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sources: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("# Source: mlflow-chart/templates/"))
        .collect();
    assert_eq!(sources[..2], ["service.yaml", "serviceaccount.yaml"]);
    assert_eq!(
        sources.iter().filter(|s| **s == "service.yaml").count(),
        1,
        "a template two patterns match is printed once: {sources:?}"
    );
    let hooks = tmp(
        "hooks.yaml",
        b"extraObjects:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: hooked, annotations: {helm.sh/hook: pre-install}}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: tested, annotations: {helm.sh/hook: 'post-install, test'}}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: plain}}\n",
    );
    let names = |extra: &[&str]| -> Vec<String> {
        let mut a = vec!["-q", "-f", hooks.as_str(), "--include-crds", "--is-upgrade"];
        a.extend_from_slice(extra);
        let r = render(&a);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let kinds: Vec<&str> = r
            .stdout
            .lines()
            .filter(|l| l.starts_with("kind: "))
            .collect();
        assert!(
            kinds.last() == Some(&"kind: ConfigMap") || extra.contains(&"--no-hooks"),
            "hooks come last: {kinds:?}"
        );
        r.stdout
            .lines()
            .filter_map(|l| l.strip_prefix("  name: "))
            .filter(|n| ["hooked", "tested", "plain"].contains(n))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(names(&[]), ["plain", "hooked", "tested"]);
    assert_eq!(names(&["--no-hooks"]), ["plain"]);
    assert_eq!(names(&["--skip-tests"]), ["plain", "hooked"]);
    assert_eq!(names(&["--no-hooks=false"]), ["plain", "hooked", "tested"]);
    // A template whose objects are all hooks prints nothing with --no-hooks: `-s` says
    // that flag left them out (not that the values switched them off).
    let only_hooks = tmp(
        "only-hooks.yaml",
        b"extraObjects:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: hooked, annotations: {helm.sh/hook: pre-install}}}\n",
    );
    let r = render(&[
        "-q",
        "-f",
        only_hooks.as_str(),
        "--no-hooks",
        "-s",
        "templates/extra-objects.yaml",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("its objects are hooks, which --no-hooks or --skip-tests leaves out"),
        "{}",
        r.stderr
    );
    let dir = common::scratch_root().join("relname");
    let r = render(&[
        "--output-dir",
        &dir.to_string_lossy(),
        "--release-name",
        "-s",
        "templates/service.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        dir.join("mlflow/mlflow-chart/templates/service.yaml")
            .is_file()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Keys of a values file are kept as written (docs/migration.md, "Map keys in values
/// files"): Helm's YAML 1.1 reading would make `1.10` into `1.1` and `on` into `true`.
#[test]
fn values_file_keys_are_kept_as_written() {
    let f = tmp(
        "keys.yaml",
        b"extraObjects:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: keys}, data: {1.10: a, on: b, y: c}}\npodAnnotations: {y: '1'}\n",
    );
    let r = render(&["-q", "-f", &f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("data:\n  \"1.10\": a\n  \"on\": b\n  \"y\": c\n")
    );
    assert!(
        r.stdout
            .contains("      annotations:\n        \"y\": \"1\"\n")
    );
}

/// A full disk is said on stderr, with exit 1: part of the output may be missing (a closed
/// pipe, the reader's choice, stays silent).
#[test]
fn a_failed_write_to_stdout_is_said() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlflow-chart"))
        .args(["render", "-q"])
        .args(PROXY)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write to standard output") && stderr.contains("incomplete"),
        "{stderr}"
    );
}

/// Output discarded on purpose is taken, whichever way /dev/null is opened: `>/dev/null`
/// (write-only) and Python's `subprocess.DEVNULL` or `1<>/dev/null` (read-write, as Rust's
/// runtime also fills a closed stdout, so `>&-` cannot be told apart and is taken too).
/// An independent review found a check for `>&-` refusing `subprocess.DEVNULL`.
#[test]
fn output_to_dev_null_is_taken_however_it_is_opened() {
    if !std::path::Path::new("/dev/null").exists() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_mlflow-chart");
    let render = format!("render -q {}", PROXY.join(" "));
    for args in [render.as_str(), "values", "--version", "schema"] {
        for redirect in [">/dev/null", "1<>/dev/null"] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("exec \"$0\" {args} {redirect}"))
                .arg(bin)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{args} {redirect}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// A flag whose value was left out (`-n $EMPTY --set=…`) does not take the next flag as
/// its value, which it would print in an error or use as a directory name: refused
/// without showing it. A boolean flag's optional value needs its `=`, so `--debug --set`
/// stays two flags; `--flag=-value` is a value starting with '-'.
#[test]
fn a_flag_does_not_swallow_the_next_one() {
    let secret = "S3CR3Tvalue";
    let set = format!("--set=postgresql.auth.password={secret}");
    let out = common::scratch_root().join("swallow");
    let cwd = out.to_string_lossy().into_owned();
    std::fs::create_dir_all(&out).unwrap();
    for (args, flag) in [
        (vec!["render", "-n", set.as_str()], "-n"),
        (vec!["render", "--namespace", set.as_str()], "--namespace"),
        (
            vec!["render", "--kube-version", set.as_str()],
            "--kube-version",
        ),
        (vec!["render", "-o", set.as_str()], "-o"),
        (vec!["render", "--output-dir", set.as_str()], "--output-dir"),
        (vec!["render", "-l", set.as_str()], "-l"),
        (
            vec!["render", "--description", set.as_str()],
            "--description",
        ),
        (vec!["render", "-n", "-f", "x.yaml"], "-n"),
        (vec!["diff", "-n", set.as_str()], "-n"),
        (
            vec!["validate", "--kube-version", set.as_str(), "x.yaml"],
            "--kube-version",
        ),
    ] {
        let r = common::run_in(&args, None, &out);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(!r.stderr.contains(secret), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "{flag} takes a value, but the argument after it is the flag"
            )),
            "{args:?}: {}",
            r.stderr
        );
    }
    // No directory named after the swallowed flag was made.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "{cwd}");
    for args in [
        vec!["render", "--debug", "--set=image.tag=v1", "-q"],
        vec!["render", "--skip-tests", "--set-string=image.tag=v1", "-q"],
        vec!["render", "--description=--set", "-q"],
    ] {
        let r = common::run_in(&args, None, &out);
        assert!(
            !r.stderr.contains("takes a value"),
            "{args:?}: {}",
            r.stderr
        );
    }
    std::fs::remove_dir_all(&out).ok();
}

/// A word the command line did not expect is never echoed: it is most often a value split
/// from its flag (`--set key S3CR3T`), and may be a credential.
#[test]
fn a_stray_word_is_not_echoed() {
    let secret = "S3CR3Tvalue";
    for args in [
        vec![
            "render",
            "mlflow",
            "--set",
            "postgresql.auth.password",
            secret,
        ],
        vec!["render", "--set", "postgresql.auth.password", secret],
        vec![
            "render",
            "--set-string",
            "minio.auth.rootPassword",
            secret,
            "-q",
        ],
        vec!["render", "mlflow", "-q", secret],
        vec!["diff", "a.yaml", "b.yaml", secret],
        vec!["render", "--set-json", "{\"a\":1}", "mlflow", secret],
        // A space typed after the '=': the word would be the release name, printed in
        // every object's name (a valid name) or in the refusal (an invalid one).
        vec!["render", "--set", "postgresql.auth.password=", secret],
        vec![
            "render",
            "--set",
            "a=1,postgresql.auth.password=",
            "s3cr3tvalue",
        ],
        vec!["render", "--set=minio.auth.rootPassword=", "s3cr3tvalue"],
        vec!["render", "--set-string", "minio.auth.rootPassword=", secret],
        // ... or after a comma.
        vec![
            "render",
            "--set-string",
            "minio.auth.rootPassword=,",
            "s3cr3tvalue",
        ],
        vec![
            "render",
            "--set",
            "postgresql.auth.username=mlflow,",
            "postgresql.auth.password=S3CR3Tvalue",
        ],
    ] {
        let r = common::run(&args, None);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(!r.stderr.contains(secret), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("s3cr3tvalue"), "{args:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("Error: "), "{args:?}: {}", r.stderr);
    }
    // A word that stays the release name but is no valid one is refused without being
    // shown, as Helm refuses it (pkg/chart/v2/util/validate_name.go:41-43 at v4.2.3).
    for args in [
        vec![
            "render",
            "--set",
            "postgresql.auth.username=mlflow,postgresql.auth.password",
            "Tr0ub4dor&3",
        ],
        vec![
            "render",
            "--set",
            "postgresql.auth.password=correct",
            "Horse-Battery-9",
        ],
    ] {
        let r = common::run(&args, None);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(r.stderr.contains("invalid release name"), "{}", r.stderr);
        assert!(!r.stderr.contains(args[3]), "{args:?}: {}", r.stderr);
    }
    let r = common::run(&["render", "--set", "a.b", "x"], None);
    assert!(
        r.stderr.contains("--set a.b: the value has no '='")
            && r.stderr.contains("--set a.b=VALUE"),
        "{}",
        r.stderr
    );
    // An empty value that is no credential, then the release name, is Helm's reading
    // (`--set image.digest=$DIGEST NAME` with an empty DIGEST).
    let r = common::run(
        &[
            "render",
            "-q",
            "--set",
            "oauth2Proxy.enabled=false,image.digest=",
            "team",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("name: team-mlflow"));
    // An empty value before the release name is still taken when the name comes first.
    let r = common::run(
        &[
            "render",
            "mlflow",
            "-q",
            "--set",
            "oauth2Proxy.enabled=false,podAnnotations.a=",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A misspelt flag is still named (it is no value), with clap's suggestion.
    let r = common::run(&["render", "--stet", "x=1"], None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'--stet'") && r.stderr.contains("--set"),
        "{}",
        r.stderr
    );
    // A whole JSON object needs no '='.
    let r = common::run(
        &[
            "render",
            "-q",
            "--set-json",
            "{\"oauth2Proxy\":{\"enabled\":false}}",
            "mlflow",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The flags `helm template` takes from `helm install` (and `--debug`) run here as they
/// are and change nothing; their values are checked as Helm checks them; `--dry-run=server`
/// is refused; an empty `--kube-version` is the default (pkg/cmd/template.go:80, v4.2.3).
#[test]
fn helm_install_flags_are_accepted_and_change_nothing() {
    let plain = render(&["-q"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    for flags in [
        &["--dry-run"][..],
        &["--dry-run=client"],
        &["--dry-run=true"],
        &["--debug", "--wait", "--wait=hookOnly", "--wait-for-jobs"],
        &["--timeout", "5m", "--timeout=1h30m", "--timeout", ".5s"],
        &[
            "-l",
            "team=ml,tier=web",
            "--labels",
            "a=b",
            "--description",
            "x",
        ],
        &[
            "--create-namespace",
            "--atomic",
            "--rollback-on-failure",
            "--skip-crds",
        ],
        &["--server-side=false", "--force-conflicts", "--replace"],
        &["--force-replace"],
        &[
            "--devel",
            "--dependency-update",
            "--disable-openapi-validation",
        ],
        &[
            "--enable-dns",
            "--take-ownership",
            "--hide-notes",
            "--render-subchart-notes",
        ],
        &["--kube-version="],
        &[
            "--wait=true",
            "--wait=false",
            "--timeout",
            "-9223372036854775808ns",
        ],
        &["--timeout", "2562047h47m16.854775807s"],
    ] {
        let mut args = vec!["-q"];
        args.extend(flags);
        let r = render(&args);
        assert_eq!(r.code, 0, "{flags:?}: {}", r.stderr);
        assert_eq!(r.stdout, plain.stdout, "{flags:?}");
    }
    for (flags, said) in [
        (&["--dry-run=server"][..], "needs a cluster"),
        (&["--dry-run=none"], r#"invalid dry-run value ("none")"#),
        (&["--dry-run=false"], r#"invalid dry-run value ("false")"#),
        (&["--wait=always"], "--wait"),
        (&["--timeout", "5"], r#"invalid duration "5""#),
        (&["--timeout", "1x"], "invalid duration"),
        (&["--labels", "team"], "team must be formatted as key=value"),
        (
            &["--labels", "a=b,owner=me"],
            "reserved label name \"owner\"",
        ),
        (&["--debug=maybe"], "not a boolean"),
        (&["--timeout", "9223372036854775808ns"], "invalid duration"),
        (
            &["--timeout", "2562047h47m16.854775808s"],
            "invalid duration",
        ),
        (
            &["--force-replace", "--force-conflicts"],
            "cannot be used with",
        ),
        (&["--force", "--force-conflicts"], "cannot be used with"),
    ] {
        let r = render(flags);
        assert_fails(&r, 2, &[said]);
    }
}

/// `--set-file` opens the path as written, spaces included (Helm's readFile trims only to
/// recognise `-`).
#[test]
fn set_file_path_is_taken_as_written() {
    let dir = common::scratch_root().join("setfile");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "plain\n").unwrap();
    std::fs::write(dir.join(" a.txt"), "spaced\n").unwrap();
    let values = |expr: &str| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mlflow-chart"));
        c.current_dir(&dir)
            .args(["values", "--skip-schema-validation", "--set-file", expr]);
        let out = c.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = values("zz= a.txt");
    assert_eq!(code, Some(0));
    assert!(out.contains("zz: |\n  spaced\n"), "{out}");
    let (code, out) = values("zz=a.txt ");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A broken rule names the key that decides it and where that key was written, not a
/// neighbour a flag touched: the host of an ingress entry written in a file while a flag
/// sets its path; an image tag (MLflow 2, or no tag at all); a fullnameOverride whose
/// derived names collide once cut to 63 characters.
#[test]
fn rules_name_the_deciding_key_and_its_source() {
    let ip = tmp(
        "ip.yaml",
        b"ingress:\n  enabled: true\n  hosts:\n  - paths: [{path: /, pathType: Prefix}]\n    host: 10.0.0.1\n",
    );
    let r = render(&["-f", &ip, "--set", "ingress.hosts[0].paths[0].path=/x"]);
    assert_fails(
        &r,
        1,
        &[
            "ingress.hosts[0].host: 10.0.0.1 is an IP address",
            "(ingress.hosts[0].host at ",
        ],
    );
    assert!(r.stderr.contains("ip.yaml:5:5)"), "{}", r.stderr);
    let r = render(&["--set", "image.tag=2.9.0"]);
    assert_fails(
        &r,
        1,
        &["image.tag: ", "(image.tag from --set 'image.tag=…')"],
    );
    let long = format!("postgresql.image.tag={}", "a".repeat(200));
    let r = render(&["--set", &long]);
    assert_fails(
        &r,
        1,
        &[
            "postgresql.image.tag: not an image tag",
            "(this one has 200 characters)",
        ],
    );
    assert!(!r.stderr.contains(&"a".repeat(150)), "{}", r.stderr);
    let over = format!("fullnameOverride={}-scheduler", "a".repeat(53));
    let r = render(&["--set", &over]);
    assert_fails(
        &r,
        1,
        &[
            "fullnameOverride: the base name",
            "MLflow and the scheduler would both be named",
            "(fullnameOverride from --set 'fullnameOverride=…')",
        ],
    );
}

/// Helm's persistent flags before the command (`helm -n ns --debug template …`), Helm's
/// `--color/--colour`, and the flags of `helm template` that need a cluster, a repository
/// or a plugin, each refused with its reason and without its value.
#[test]
fn helm_global_flags_and_flags_a_render_cannot_honour() {
    let after = render(&["-q"]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    let mut before = vec!["-n", "mlflow", "--debug", "render", "mlflow"];
    before.extend_from_slice(PROXY);
    before.push("-q");
    let hoisted = run(&before, None);
    assert_eq!(hoisted.code, 0, "{}", hoisted.stderr);
    assert_eq!(hoisted.stdout, after.stdout);
    let other = run(&["--namespace=team", "render", "mlflow", "-q"], None);
    assert!(
        !other.stderr.contains("unexpected argument"),
        "{}",
        other.stderr
    );
    // Without a command after them, the flags stay where they are and clap says so.
    assert_fails(&run(&["-n", "render"], None), 2, &["'-n'"]);
    // Several of them together, --color among them.
    let mut mixed = vec![
        "-n", "mlflow", "--color", "never", "--debug", "render", "mlflow",
    ];
    mixed.extend_from_slice(PROXY);
    mixed.push("-q");
    let m = run(&mixed, None);
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert_eq!(m.stdout, after.stdout);
    // --version with a command or a value is refused, its value unseen.
    for v in [
        &["--version", "1.2.3", "render"][..],
        &["-V", "render"],
        &["--version=SeCr3tV", "render"],
    ] {
        let r = run(v, None);
        assert_fails(&r, 2, &["--version prints mlflow-chart's version"]);
        assert!(!r.stderr.contains("SeCr3tV"), "{}", r.stderr);
    }
    // Values given to the wrong flag are not echoed.
    for (args, needle) in [
        (&["-f", "postgresql.auth.password=SeCr3tF"][..], "holds '='"),
        (&["-s", "postgresql.auth.password=SeCr3tF"], "holds '='"),
        (
            &["--set=postgresql.auth.password", "SeCr3tF"],
            "not shown: it may be a secret",
        ),
        (
            &[
                "--set-json",
                r#"{"postgresql":{"auth":{"password":"SeCr3tF=="}}"#,
            ],
            "'{…}'",
        ),
    ] {
        let r = render(args);
        assert_fails(&r, r.code.max(1), &[needle]);
        assert!(!r.stderr.contains("SeCr3tF"), "{args:?}: {}", r.stderr);
    }

    for color in [
        &["--color", "never"][..],
        &["--colour=always"],
        &["--color=auto"],
    ] {
        let r = render(&[&["-q"][..], color].concat());
        assert_eq!(r.code, 0, "{color:?}: {}", r.stderr);
        assert_eq!(r.stdout, after.stdout, "{color:?}");
    }
    assert_fails(&render(&["--color=sometimes"]), 2, &["never, auto, always"]);
    let red = run(
        &[
            "--color",
            "always",
            "render",
            "mlflow",
            "--set",
            "image.tag=nope bad",
        ],
        None,
    );
    assert!(red.stderr.contains("\x1b[1;31mError:"), "{}", red.stderr);
    let plain = run(
        &[
            "render",
            "mlflow",
            "--set",
            "image.tag=nope bad",
            "--color",
            "never",
        ],
        None,
    );
    assert!(plain.stderr.starts_with("Error:"), "{}", plain.stderr);

    for (flag, why) in [
        ("--post-renderer=kustomize", "no plugins"),
        ("--post-renderer-args=x", "no plugins"),
        ("--generate-name", "makes up the release name"),
        ("-g", "makes up the release name"),
        (
            "--name-template={{randAlpha 5}}",
            "makes up the release name",
        ),
        ("--kube-context=prod", "talks to a cluster"),
        ("--kube-token=SeCr3tT0ken", "talks to a cluster"),
        ("--validate", "talks to a cluster"),
        ("--password=SeCr3tT0ken", "from a repository"),
        ("--repo=https://charts.example.org", "from a repository"),
        ("--version=1.2.3", "from a repository"),
    ] {
        let r = render(&[flag]);
        assert_fails(&r, 2, &[why, "leave it out"]);
        assert!(!r.stderr.contains("SeCr3t"), "{flag}: {}", r.stderr);
        assert!(!r.stderr.contains("tip:"), "{flag}: {}", r.stderr);
    }
}

/// A non-UTF-8 `--output-dir` is refused like every other path on the command line.
#[test]
fn a_non_utf8_output_dir_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = std::ffi::OsStr::from_bytes(b"out\xfe");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlflow-chart"))
        .args(["render", "mlflow", "-n", "mlflow"])
        .args(PROXY)
        .arg("--output-dir")
        .arg(dir)
        .current_dir(common::scratch_root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Named by its place and flag, never shown.
    assert!(
        stderr.contains("argument 10, the argument after --output-dir, is not UTF-8 text"),
        "{stderr}"
    );
    assert!(!stderr.contains("out\u{fffd}"), "{stderr}");
    assert!(!common::scratch_root().join(dir).exists());
}

/// `--color` and `--dry-run` given twice: the last counts, as in Helm (both are string
/// flags checked after the parse), so an invalid earlier value is no error; an invalid
/// last one still is. A trailing carriage return in `-f` is dropped, as Go's CSV reader
/// drops it.
#[test]
fn last_choice_wins_and_csv_drops_a_final_carriage_return() {
    let base = [
        "render",
        "mlflow",
        "-q",
        "--set",
        "oauth2Proxy.enabled=false",
    ];
    for (extra, code) in [
        (&["--dry-run=server", "--dry-run=client"][..], 0),
        (&["--dry-run=client", "--dry-run=server"][..], 2),
        (&["--color", "bogus", "--color", "never"][..], 0),
        (&["--colour=bogus", "--color=never"][..], 0),
        (&["--color", "never", "--color=bogus"][..], 2),
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let r = common::run(&args, None);
        assert_eq!(r.code, code, "{extra:?}: {}", r.stderr);
    }
    let dir = common::scratch_root().join("cr");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("v.yaml");
    std::fs::write(&f, "oauth2Proxy:\n  enabled: false\n").unwrap();
    let with_cr = format!("{}\r", f.display());
    let r = common::run(&["render", "mlflow", "-q", "-f", &with_cr], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--output-dir` prints one `wrote` line per file, in file order, and with `-s` writes
/// only the chosen templates (docs/migration.md, "`-s` and `--output-dir`").
#[test]
fn output_dir_with_show_only_writes_only_the_chosen_files() {
    let dir = common::scratch_root().join("outdir-s");
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_string_lossy().into_owned();
    let r = render(&[
        "--output-dir",
        &d,
        "-s",
        "templates/service.yaml",
        "-s",
        "templates/deploy*.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let templates = dir.join("mlflow-chart/templates");
    let mut written: Vec<String> = std::fs::read_dir(&templates)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "deployment-scheduler.yaml",
            "deployment.yaml",
            "service.yaml"
        ]
    );
    let lines: Vec<&str> = r.stdout.lines().collect();
    let expected: Vec<String> = written
        .iter()
        .map(|f| format!("wrote {}", templates.join(f).display()))
        .collect();
    assert_eq!(lines, expected, "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A render reads no environment: the namespace comes from `-n` only, not Helm's
/// HELM_NAMESPACE (docs/migration.md, "Namespace").
#[test]
fn helm_namespace_is_not_read() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mlflow-chart"));
    child
        .args(["render", "mlflow", "-q"])
        .args(PROXY)
        .env("NO_COLOR", "1")
        .env("HELM_NAMESPACE", "zzz");
    let out = child.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("namespace: default\n"), "{text}");
    assert!(!text.contains("zzz"), "{text}");
}

/// Schema problems are all counted and the first 50 listed (README, "Errors").
#[test]
fn schema_problems_list_the_first_fifty() {
    let mut file = String::from("podAnnotations:\n");
    for i in 0..70 {
        file.push_str(&format!("  a{i}: [1]\n"));
    }
    let f = tmp("seventy-problems.yaml", file.as_bytes());
    let r = render(&["-f", &f]);
    assert_fails(
        &r,
        1,
        &[
            "(70 problems)",
            "… and 20 more (only the first 50 are listed)",
        ],
    );
    assert_eq!(
        r.stderr.matches("\n  - podAnnotations.a").count(),
        50,
        "{}",
        r.stderr
    );
}

/// Values files: the chosen differences from Helm's YAML reader (docs/migration.md,
/// "Inputs Helm reads and a render refuses"), each as the docs say.
#[test]
fn yaml_differences_from_helm_are_as_documented() {
    let values = |name: &str, text: &str| {
        let f = tmp(name, text.as_bytes());
        run(&["values", "--skip-schema-validation", "-f", &f], None)
    };
    for (text, expected) in [
        ("x: tRUE\n", "x: true\n"),
        // Numbers to both readers.
        ("x: 1_000\n", "x: 1000\n"),
        ("x: 0b101\n", "x: 5\n"),
        ("x: 9007199254740993\n", "x: 9007199254740993\n"),
        ("x: !custom 5\n", "x: 5\n"),
        ("x: !!timestamp 2001-12-14\n", "x: \"2001-12-14\"\n"),
        (
            "b: &b {y: 2}\nx:\n  y: mine\n  <<: *b\n",
            "x:\n  \"y\": mine\n",
        ),
        (
            "a: &a {x: \"1\"}\nb: &b {x: \"2\"}\nx:\n  <<: [*a, *b]\n",
            "x:\n  x: \"1\"\n",
        ),
    ] {
        let r = values("yaml-difference.yaml", text);
        assert_eq!(r.code, 0, "{text}: {}", r.stderr);
        assert!(r.stdout.contains(expected), "{text}: {}", r.stdout);
    }
    // Text to this reader where Helm's YAML 1.1 reader finds numbers: refused, located.
    for text in [
        "x: 0X1F\n",
        "x: 1_0.5\n",
        "x: 0B1\n",
        "x: 1_\n",
        "x: [a, 1__0]\n",
    ] {
        let r = values("yaml-difference.yaml", text);
        assert_fails(
            &r,
            1,
            &[
                "yaml-difference.yaml:1:",
                "is a number to Helm's YAML reader",
            ],
        );
        assert!(
            !r.stderr.contains(text.trim_start_matches("x: ").trim()),
            "{}",
            r.stderr
        );
    }
    let r = values("only-end.yaml", "...\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    for json in [
        r#"podAnnotations={"a":"\ud800"}"#,
        "podAnnotations.a=1.2.podAnnotations.b=3",
    ] {
        let r = run(
            &["values", "--skip-schema-validation", "--set-json", json],
            None,
        );
        assert_fails(&r, 1, &["--set-json"]);
    }
}

/// Errors are coloured on a terminal unless NO_COLOR is set (README, "Usage"); off a
/// terminal they are plain. The terminal is script(1)'s (util-linux, on every Debian).
#[test]
fn errors_are_coloured_on_a_terminal_unless_no_color() {
    let bin = env!("CARGO_BIN_EXE_mlflow-chart");
    let on_tty = |no_color: Option<&str>, flag: &str| {
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &format!("{bin} render -n Bad {flag}"), "/dev/null"])
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let out = c.output().expect("script(1) runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_tty(None, "");
    assert!(coloured.contains("\u{1b}[1;31mError:"), "{coloured:?}");
    let plain = on_tty(Some("1"), "");
    assert!(plain.starts_with("Error: invalid namespace"), "{plain:?}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    // --color always wins over NO_COLOR; never over a terminal.
    assert!(on_tty(Some("1"), "--color always").contains('\u{1b}'));
    assert!(!on_tty(None, "--color never").contains('\u{1b}'));
    // Off a terminal (a pipe), plain without NO_COLOR too.
    let out = std::process::Command::new(bin)
        .args(["render", "-n", "Bad"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}
