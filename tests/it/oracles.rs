//! Independent checks of every golden render with tools nobody on this team wrote:
//! kubernetes-validate --strict (schema, unknown fields; any WARN fails) and PyYAML
//! (a YAML 1.1 reader must read exactly what we meant).

use crate::common;

use serde_json::Value;
use std::process::Command;

fn golden_files() -> Vec<String> {
    common::scenarios()
        .iter()
        .map(|(n, _)| common::golden_path(n).to_string_lossy().into_owned())
        .collect()
}

#[test]
fn kubernetes_validate_strict_accepts_every_golden() {
    let tool = common::venv_bin("kubernetes-validate");
    let out = Command::new(tool)
        .args(["--strict", "-k", "1.33", "--quiet"])
        .args(golden_files())
        .output()
        .expect("kubernetes-validate runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "kubernetes-validate rejected a golden:\n{text}"
    );
    // kubernetes-validate knows no custom resources: the HTTPRoute is checked by
    // `httproutes_match_the_gateway_api_crd` instead; any other warning fails.
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN"))
        .filter(|l| {
            !l.contains("Couldn't find schema for kind HTTPRoute with api version gateway.networking.k8s.io/v1")
        })
        .collect();
    assert!(warnings.is_empty(), "kubernetes-validate warned:\n{text}");
    assert!(!text.contains("ERROR"), "{text}");
}

/// The HTTPRoutes of the goldens against the vendored Gateway API CRD, with
/// python-jsonschema (tests/oracle/crd_validate.py); and a broken route is refused by it.
#[test]
fn httproutes_match_the_gateway_api_crd() {
    let python = common::venv_bin("python");
    let crd = common::root().join("crds/gateway.networking.k8s.io_httproutes.yaml");
    let script = common::root().join("tests/oracle/crd_validate.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&crd)
        .args(golden_files())
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("checked "))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(checked >= 1, "no HTTPRoute among the goldens: {text}");
    let golden = std::fs::read_to_string(common::golden_path("gateway-api")).unwrap();
    let bad = golden.replace("type: PathPrefix", "type: Prefix");
    assert_ne!(bad, golden);
    let dir = common::scratch_root().join("crd");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.yaml");
    std::fs::write(&f, bad).unwrap();
    let out = Command::new(&python)
        .arg(&script)
        .arg(&crd)
        .arg(&f)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !out.status.success(),
        "the oracle must refuse a bad path type"
    );
}

#[test]
fn pyyaml_reads_what_we_read() {
    let python = common::venv_bin("python");
    let files = golden_files();
    let out = Command::new(python)
        .arg(common::root().join("tests/oracle/yaml_equal.py"))
        .args(&files)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: serde_json::Map<String, Value> = serde_json::from_slice(&out.stdout).unwrap();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let ours: Vec<Value> = serde_saphyr::from_multiple::<Value>(&text)
            .unwrap()
            .into_iter()
            .filter(|d| !d.is_null())
            .collect();
        let py = theirs[f].as_array().unwrap();
        assert_eq!(ours.len(), py.len(), "{f}: document count");
        for (a, b) in ours.iter().zip(py) {
            assert_eq!(a, b, "{f}: PyYAML reads a document differently");
        }
    }
}

#[test]
fn checkov_finds_nothing_in_any_golden() {
    let tool = common::venv_bin("checkov");
    let mut cmd = Command::new(tool);
    for f in golden_files() {
        cmd.args(["-f", &f]);
    }
    let out = cmd
        .args([
            "--framework",
            "kubernetes",
            "--skip-download",
            "--quiet",
            "--compact",
            "-o",
            "json",
        ])
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "true")
        .output()
        .expect("checkov runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("checkov JSON report");
    let reports = match report {
        Value::Array(a) => a,
        one => vec![one],
    };
    let mut failed = Vec::new();
    let mut passed = 0;
    for r in &reports {
        passed += r["summary"]["passed"].as_u64().unwrap_or(0);
        for f in r["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            failed.push(format!(
                "{} {} {}",
                f["check_id"], f["file_path"], f["resource"]
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "checkov findings:\n{}",
        failed.join("\n")
    );
    assert!(passed > 1000, "checkov checked too little: {passed} passed");
    assert!(out.status.success());
}
