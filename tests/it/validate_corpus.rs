//! The broken-manifest corpus (tests/validate-corpus/): every file must be rejected by
//! `mlflow-chart validate` with a problem at the path its header names. Files marked
//! `schema-level: yes` also go through `kubernetes-validate --strict`: whatever it rejects,
//! we must reject too.

use crate::common;

use std::path::PathBuf;

struct Case {
    file: PathBuf,
    path: String,
    message: String,
    schema_level: bool,
    /// The problem depends on another object: a warning in `validate` (that object may
    /// live elsewhere), an error under `--strict`.
    cross_object: bool,
}

fn header(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("# {key}: ")))
        .unwrap_or_else(|| panic!("missing header {key}"))
        .to_string()
}

fn corpus() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::root().join("tests/validate-corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            Case {
                path: header(&text, "expect-path"),
                message: header(&text, "expect-message"),
                schema_level: header(&text, "schema-level") == "yes",
                cross_object: text.lines().any(|l| l == "# cross-object: yes"),
                file,
            }
        })
        .collect()
}

#[test]
fn corpus_is_big_enough() {
    assert!(corpus().len() >= 40);
}

#[test]
fn every_broken_manifest_is_rejected_at_its_path() {
    let mut misses = Vec::new();
    for case in corpus() {
        let file = case.file.to_string_lossy().into_owned();
        let mut args = vec!["validate", "-o", "json", &file];
        if case.cross_object {
            // Without --strict: a warning, exit 0.
            let r = common::run(&args, None);
            let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
            let warned = report["problems"].as_array().unwrap().iter().any(|p| {
                p["path"] == case.path.as_str()
                    && p["severity"] == "warning"
                    && p["message"].as_str().unwrap().contains(&case.message)
            });
            if r.code != 0 || !warned {
                misses.push(format!("{file}: wanted a warning at {}", case.path));
            }
            args.push("--strict");
        }
        let r = common::run(&args, None);
        let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
        let hit = report["problems"].as_array().unwrap().iter().any(|p| {
            p["path"] == case.path.as_str()
                && p["severity"] == "error"
                && p["message"].as_str().unwrap().contains(&case.message)
        });
        if r.code != 1 || !hit {
            misses.push(format!(
                "{}: wanted {} ({}), got {}",
                case.file.display(),
                case.path,
                case.message,
                report["problems"]
            ));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn we_reject_whatever_kubernetes_validate_rejects() {
    let tool = common::venv_bin("kubernetes-validate");
    let cases: Vec<Case> = corpus().into_iter().filter(|c| c.schema_level).collect();
    assert!(cases.len() >= 20);
    let mut they_reject = 0;
    for case in &cases {
        let out = std::process::Command::new(&tool)
            .args(["--strict", "-k", "1.33", "--quiet"])
            .arg(&case.file)
            .output()
            .expect("kubernetes-validate runs");
        let rejected = !out.status.success();
        if rejected {
            they_reject += 1;
            let ours = common::run(&["validate", &case.file.to_string_lossy()], None);
            assert_eq!(
                ours.code,
                1,
                "{} rejected by kubernetes-validate but not by us",
                case.file.display()
            );
        }
    }
    // The oracle must actually disagree with these files, or the comparison proves nothing.
    assert!(
        they_reject * 10 >= cases.len() * 8,
        "kubernetes-validate rejected only {they_reject} of {}",
        cases.len()
    );
}
