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
