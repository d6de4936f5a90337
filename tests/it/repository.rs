//! The repository is self-contained: no source, test, script or build file refers to a
//! directory beside the checkout (a fresh clone has nothing there), and every file the
//! tests read is vendored under tests/data with its provenance.

use crate::common;
use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name.starts_with(".venv") || name == ".git" || name == "corpus" {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn nothing_refers_to_a_sibling_directory() {
    // Built at run time so this file does not match itself.
    let needles = [
        format!("..{}shared", '/'),
        format!("..{}..{}shared", '/', '/'),
    ];
    let root = common::root();
    let mut files = Vec::new();
    for top in [
        "src",
        "tests",
        "scripts",
        ".ci",
        "benches",
        "fuzz",
        "templates",
        "files",
    ] {
        walk(&root.join(top), &mut files);
    }
    for f in ["build.rs", "Cargo.toml", "README.md"] {
        files.push(root.join(f));
    }
    assert!(files.len() > 50, "walked only {} files", files.len());
    let mut offenders = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        if needles.iter().any(|n| text.contains(n.as_str())) {
            offenders.push(f.strip_prefix(&root).unwrap_or(f).display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "these files refer to a directory outside the repository: {offenders:?}; vendor the data under tests/data"
    );
}

#[test]
fn vendored_data_has_provenance() {
    let root = common::root().join("tests/data");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("tests/data/README.md");
    let mut files = Vec::new();
    walk(&root, &mut files);
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("README.md") {
            continue;
        }
        assert!(
            readme.contains(&format!("`{rel}`")),
            "tests/data/{rel} is not listed with its provenance in tests/data/README.md"
        );
    }
}

/// Templates read typed values only: every `values.a.b` a template names is a key of the
/// values schema (generated from the model), so a typo cannot silently render nothing.
#[test]
fn templates_name_only_keys_of_the_model() {
    let root = common::root();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("values.schema.json")).unwrap())
            .unwrap();
    let mut files = Vec::new();
    walk(&root.join("templates"), &mut files);
    let mut unknown = Vec::new();
    let mut seen = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("values.") {
            let before = rest[..at].chars().next_back();
            let tail = &rest[at + "values.".len()..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(tail.len());
            if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                seen += 1;
                let mut node = &schema;
                for part in tail[..end].trim_end_matches('.').split('.') {
                    match node.get("properties").and_then(|p| p.get(part)) {
                        Some(n) => node = n,
                        None => {
                            unknown.push(format!("{}: values.{}", f.display(), &tail[..end]));
                            break;
                        }
                    }
                    if node.get("$ref").is_some() {
                        break;
                    }
                }
            }
            rest = &tail[end..];
        }
    }
    assert!(seen > 50, "only {seen} value references found");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

/// The wiring reads the typed model: no lookup of values by a string path is left.
#[test]
fn the_wiring_reads_no_string_paths() {
    let mut files = Vec::new();
    walk(&common::root().join("src/render/wiring"), &mut files);
    assert!(files.len() >= 8, "{files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for bad in [".pointer(", "values.get(\"", "Value::as_str"] {
            assert!(!text.contains(bad), "{}: {bad}", f.display());
        }
    }
}

#[test]
fn the_link_order_lists_the_two_thread_render() {
    // build.rs hands link/hot-functions.txt to the linker so that the code a render runs
    // lies side by side. A list made from one-thread runs only (pinned, or on one core)
    // leaves the crew's functions, and what they call, scattered: 3 MB more peak RSS.
    let list = std::fs::read_to_string(common::root().join("link/hot-functions.txt"))
        .expect("link/hot-functions.txt is readable");
    let names: Vec<&str> = list.lines().collect();
    assert!(names.len() > 1000, "only {} names", names.len());
    for wanted in [
        // The second thread's own function (never inlined, src/crew.rs), and what both
        // threads run of each stage.
        "12mlflow_chart4crew6second",
        "mlflow_chart..crew..Job$GT$4work",
        "12mlflow_chart8pipeline",
        "12mlflow_chart8validate5rules",
    ] {
        assert!(
            names.iter().any(|n| n.contains(wanted)),
            "link/hot-functions.txt names no {wanted}: run scripts/hot-functions.sh on a machine with two or more cores"
        );
    }
    assert!(
        names
            .iter()
            .all(|n| !n.is_empty() && !n.contains(char::is_whitespace)),
        "one linker symbol a line"
    );
}
