//! Kubernetes' field rules, case by case: every manifest in tests/data/validate-rules.json
//! breaks one rule of the API server (its validation function is named in the case) and
//! must be refused at that path, under `validate --strict`; every stream in
//! tests/data/validate-valid.json is valid and must pass `validate --strict` without an
//! error or warning (no false alarms).

use crate::common;
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(common::root().join("tests/data").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validate(stream: &str, strict: bool) -> (i32, Value) {
    let mut args = vec!["validate", "-o", "json", "-"];
    if strict {
        args.push("--strict");
    }
    let r = common::run(&args, Some(stream.as_bytes()));
    let report = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json report ({e}): {} {}", r.stdout, r.stderr));
    (r.code, report)
}

#[test]
fn every_broken_manifest_names_the_rule_it_breaks() {
    let cases = load("validate-rules.json");
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut misses = Vec::new();
    for case in &cases {
        let (name, path, message) = (
            case["name"].as_str().unwrap(),
            case["path"].as_str().unwrap(),
            case["message"].as_str().unwrap(),
        );
        assert!(
            !case["rule"].as_str().unwrap_or("").is_empty(),
            "{name}: no rule named"
        );
        let (code, report) = validate(&case["object"].to_string(), true);
        let hit = report["problems"].as_array().unwrap().iter().any(|p| {
            p["severity"] == "error"
                && p["path"] == path
                && p["message"].as_str().unwrap_or("").contains(message)
        });
        if code != 1 || !hit {
            misses.push(format!(
                "{name} ({}): wanted {path}: {message}; got exit {code}: {}",
                case["rule"], report["problems"]
            ));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn valid_edge_cases_pass() {
    let cases = load("validate-valid.json");
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut alarms = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let stream = case["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n---\n");
        // A custom resource is "not validated", an error under --strict by design.
        let strict = !name.starts_with("crd-");
        let (code, report) = validate(&stream, strict);
        if code != 0 || report["problems"].as_array().is_none_or(|p| !p.is_empty()) {
            alarms.push(format!("{name}: exit {code}: {}", report["problems"]));
        }
    }
    assert!(alarms.is_empty(), "{}", alarms.join("\n"));
}

/// Annotations may total 256 KiB (ValidateAnnotationsSize); one byte more is refused.
#[test]
fn annotation_size_limit_is_exact() {
    let doc = |n: usize| {
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "annotations": {"a": "x".repeat(n)}}})
        .to_string()
    };
    let (code, _) = validate(&doc(256 * 1024 - 1), true);
    assert_eq!(code, 0);
    let (code, report) = validate(&doc(256 * 1024), true);
    assert_eq!(code, 1, "{report}");
}
