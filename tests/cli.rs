//! The binary's contract: flags like `helm template`, exit codes, nothing on stdout on
//! any error, messages that name the file, line and key.

mod common;

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
    let dir = std::env::temp_dir().join(format!("mlflow-chart-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
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
    assert_fails(
        &run(&["render", "Bad_Name"], None),
        2,
        &["invalid release name"],
    );
    assert_fails(
        &run(&["render", "-n", "NS!"], None),
        2,
        &["invalid namespace"],
    );
    assert_fails(
        &run(&["render", "--kube-version", "1.20"], None),
        2,
        &["not supported"],
    );
    assert_fails(
        &run(&["render", "--no-such-flag"], None),
        2,
        &["--no-such-flag"],
    );
    assert_fails(
        &render(&["-s", "templates/nope.yaml"]),
        2,
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
    let dir = std::env::temp_dir().join(format!("mlflow-chart-outdir-{}", std::process::id()));
    let r = render(&["--output-dir", &dir.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dep = std::fs::read_to_string(dir.join("mlflow-chart/templates/deployment.yaml")).unwrap();
    assert!(
        dep.starts_with("---\n# Source: mlflow-chart/templates/deployment.yaml\nkind: Deployment")
            || dep.contains("kind: Deployment")
    );
}

#[test]
fn json_output_is_a_v1_list() {
    let r = render(&["-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert!(v["items"].as_array().unwrap().len() > 10);
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
    let dir = common::root().join("../shared/testdata/peer-renders");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("shared/testdata/peer-renders") {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let r = run(&["validate", &p.to_string_lossy()], None);
            assert_eq!(r.code, 0, "{}: {}", p.display(), r.stdout);
            n += 1;
        }
    }
    assert_eq!(n, 3);
}
