//! Emit: serialises the sorted documents, each under Helm's `# Source:` header, into one
//! buffer (stdout sees it only when everything succeeded), or one file per template.

use crate::error::Failure;
use crate::parse::Document;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod yaml;

/// The chart name used in `# Source:` headers.
pub const SOURCE_PREFIX: &str = "mlflow-chart/templates/";

/// One document as YAML text (YAML-1.1-safe quoting, block style).
pub fn to_yaml(value: &Value) -> Result<String, Failure> {
    let mut out = String::new();
    write_yaml(&mut out, value)?;
    Ok(out)
}

/// [`to_yaml`], appended to `out`.
fn write_yaml(out: &mut String, value: &Value) -> Result<(), Failure> {
    yaml::write(out, value)
        .map_err(|e| Failure::render(format!("serialising a document failed: {e}")))
}

/// The whole stream: `---\n# Source: ...\n<doc>` for each document.
pub fn stream(docs: &[Document]) -> Result<String, Failure> {
    let mut out = String::new();
    for d in docs {
        write_document(&mut out, d)?;
    }
    Ok(out)
}

/// One document as it stands in the stream, header included (see [`stream`]); the
/// stream is these, one after the other.
pub fn document(d: &Document) -> Result<String, Failure> {
    let mut out = String::new();
    write_document(&mut out, d)?;
    Ok(out)
}

/// [`document`], appended to `out`.
fn write_document(out: &mut String, d: &Document) -> Result<(), Failure> {
    out.push_str("---\n# Source: ");
    out.push_str(SOURCE_PREFIX);
    out.push_str(&d.template);
    out.push('\n');
    // Straight into the stream, not through a string of its own.
    write_yaml(out, &d.value)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(())
}

/// The stream as JSON: one `v1` `List`.
pub fn json_list(docs: &[Document]) -> Result<String, Failure> {
    let list = serde_json::json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": docs.iter().map(|d| d.value.clone()).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&list)
        .map(|s| s + "\n")
        .map_err(|e| Failure::render(format!("serialising JSON failed: {e}")))
}

/// Writes one file per template under `dir/mlflow-chart/templates/`, like Helm's
/// `--output-dir`, all or nothing as far as the file system allows: every file is first
/// written beside its place under a temporary name (a file holding a Secret readable by
/// its owner only), and only when all are written are they renamed into place. A failure
/// before that removes the temporary files and changes no file; a rename replaces a
/// symbolic link rather than writing where it points.
pub fn write_dir(dir: &Path, docs: &[Document]) -> Result<Vec<String>, Failure> {
    let mut by_template: BTreeMap<&str, Vec<Document>> = BTreeMap::new();
    for d in docs {
        by_template
            .entry(d.template.as_str())
            .or_default()
            .push(d.clone());
    }
    let mut contents = Vec::new();
    for (template, ds) in &by_template {
        let secret = crate::validate::expand_lists(ds)
            .iter()
            .any(|d| d.kind() == "Secret");
        contents.push((
            dir.join(format!("{SOURCE_PREFIX}{template}")),
            stream(ds)?,
            secret,
        ));
    }
    let fail = |what: &str, path: &Path, e: &std::io::Error| {
        Failure::input(format!(
            "cannot {what} {}: {}",
            path.display(),
            crate::input::io_reason(e)
        ))
    };
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let unstage = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (path, text, secret) in &contents {
        let step = || -> Result<PathBuf, Failure> {
            let parent = path.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(parent).map_err(|e| fail("create", parent, &e))?;
            if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
                return Err(Failure::input(format!(
                    "cannot write {}: a directory is in its place",
                    path.display()
                )));
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let tmp = parent.join(format!(".{name}.mlflow-chart-{}", std::process::id()));
            let _ = std::fs::remove_file(&tmp);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(if *secret { 0o600 } else { 0o644 });
            }
            let mut file = options.open(&tmp).map_err(|e| fail("write", path, &e))?;
            let written = std::io::Write::write_all(&mut file, text.as_bytes())
                .and_then(|()| file.sync_data());
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(fail("write", path, &e));
            }
            Ok(tmp)
        };
        match step() {
            Ok(tmp) => staged.push((tmp, path.clone())),
            Err(f) => {
                unstage(&staged);
                return Err(f.hint("no file of the output directory was changed"));
            }
        }
    }
    let mut written = Vec::new();
    for (n, (tmp, path)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            unstage(&staged[n..]);
            let f = fail("write", path, &e);
            return Err(if written.is_empty() {
                f.hint("no file of the output directory was changed")
            } else {
                f.hint(format!(
                    "these files were already written: {}",
                    written.join(", ")
                ))
            });
        }
        written.push(path.display().to_string());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml11_ambiguous_strings_are_quoted() {
        for s in [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "~",
            "null",
            "0755",
            "0x1F",
            "1e3",
            "1_000",
            "12:30",
            "2024-01-01",
            ".inf",
            ".nan",
            "true",
        ] {
            let y = to_yaml(&json!({ "k": s })).unwrap();
            assert!(
                y.contains('"') || y.contains('\''),
                "{s} must be quoted, got {y}"
            );
        }
    }

    #[test]
    fn headers() {
        let d = Document {
            template: "service.yaml".into(),
            value: json!({"kind": "Service"}),
        };
        assert_eq!(
            stream(&[d]).unwrap(),
            "---\n# Source: mlflow-chart/templates/service.yaml\nkind: Service\n"
        );
    }
}
