//! Embeds `templates/` into the binary (the directory is the single list of templates; see
//! `embed_templates`),
//! turns the chart's `values.yaml` into JSON once, here, so that no run parses its YAML, and
//! sets the release binary's link layout (see `link_layout`).
use std::path::{Path, PathBuf};

#[path = "src/render/guard.rs"]
mod guard;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // The target tuple, for a test that asks `cargo metadata` about this build's packages.
    println!(
        "cargo:rustc-env=MLFLOW_CHART_TARGET={}",
        std::env::var("TARGET").expect("cargo sets TARGET")
    );
    embed_templates(&out);
    println!("cargo:rerun-if-changed=values.yaml");
    println!("cargo:rerun-if-changed=values.schema.json");
    println!("cargo:rerun-if-changed=values.schema.compiled.json");
    let yaml = std::fs::read_to_string("values.yaml").expect("values.yaml is readable");
    // The same reading options as values::parse_yaml (a unit test compares the two).
    let options = serde_saphyr::options! { legacy_octal_numbers: true, with_snippet: false };
    let defaults: serde_json::Value = serde_saphyr::from_str_with_options(&yaml, options)
        .unwrap_or_else(|e| panic!("values.yaml does not parse: {e}"));
    assert!(defaults.is_object(), "values.yaml is a mapping");
    std::fs::write(
        out.join("defaults.json"),
        serde_json::to_string(&defaults).expect("JSON"),
    )
    .expect("OUT_DIR is writable");
    schema_for_checks(&out);
    known_matches(&out, &defaults);
    single_line_paths(&out);
    link_layout();
}

/// Writes `$OUT_DIR/known-matches.rs`: for each `x-pattern` of the compiled schema, the
/// strings of `values.yaml` that it matches, found here with regex-lite (as the run time
/// would). A value that is one of them passes its pattern without the expression being
/// built: most values are defaults, and building is most of a values check.
fn known_matches(out: &Path, defaults: &serde_json::Value) {
    fn patterns(node: &serde_json::Value, found: &mut std::collections::BTreeSet<String>) {
        match node {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("x-pattern", serde_json::Value::String(p)) => {
                            found.insert(p.clone());
                        }
                        _ => patterns(v, found),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| patterns(v, found)),
            _ => {}
        }
    }
    fn strings(node: &serde_json::Value, found: &mut std::collections::BTreeSet<String>) {
        match node {
            serde_json::Value::String(s) => {
                found.insert(s.clone());
            }
            serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, found)),
            serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, found)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string("values.schema.compiled.json")
        .expect("values.schema.compiled.json is readable");
    let schema: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("values.schema.compiled.json does not parse: {e}"));
    let mut all_patterns = std::collections::BTreeSet::new();
    patterns(&schema, &mut all_patterns);
    let mut all_strings = std::collections::BTreeSet::new();
    strings(defaults, &mut all_strings);
    let mut code = String::from("&[\n");
    for p in &all_patterns {
        let regex = regex_lite::Regex::new(p)
            .unwrap_or_else(|e| panic!("x-pattern {p} does not build: {e}"));
        let matching: Vec<&String> = all_strings.iter().filter(|s| regex.is_match(s)).collect();
        code.push_str(&format!("    ({p:?}, &{matching:?}),\n"));
    }
    code.push_str("]\n");
    std::fs::write(out.join("known-matches.rs"), code).expect("OUT_DIR is writable");
}

/// Writes `$OUT_DIR/single-line.rs`: the key paths (`a.b`, `[]` for a list item) of every
/// string of the chart's own typed objects (`additionalProperties: false`), sorted: a
/// name, a URL, a claim or a password is one line, and a line break or tab in it is a
/// mistake (a file given with `--set-file` ends with a line break) that would land in a
/// command-line argument or a credential. Strings of open maps (annotations) and of
/// Kubernetes objects passed through (extraObjects, extraEnv, …) may hold several lines.
fn single_line_paths(out: &Path) {
    use serde_json::Value;
    fn walk(
        node: &Value,
        defs: &Value,
        path: &str,
        found: &mut std::collections::BTreeSet<String>,
    ) {
        let Value::Object(map) = node else {
            return;
        };
        if let Some(Value::String(r)) = map.get("$ref") {
            let name = r.trim_start_matches("#/$defs/");
            return walk(&defs[name], defs, path, found);
        }
        for alternatives in ["oneOf", "anyOf"] {
            if let Some(Value::Array(items)) = map.get(alternatives) {
                for item in items {
                    walk(item, defs, path, found);
                }
            }
        }
        match map.get("type").and_then(Value::as_str) {
            Some("string") if !path.is_empty() => {
                found.insert(path.to_string());
            }
            Some("array") => {
                if let Some(items) = map.get("items") {
                    walk(items, defs, &format!("{path}[]"), found);
                }
            }
            Some("object") if map.get("additionalProperties") == Some(&Value::Bool(false)) => {
                for (key, property) in map
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let at = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(property, defs, &at, found);
                }
            }
            _ => {}
        }
    }
    let text = std::fs::read_to_string("values.schema.compiled.json")
        .expect("values.schema.compiled.json is readable");
    let schema: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("values.schema.compiled.json does not parse: {e}"));
    let mut found = std::collections::BTreeSet::new();
    walk(&schema, &schema["$defs"], "", &mut found);
    assert!(
        found.contains("oauth2Proxy.clientID"),
        "the single-line paths miss oauth2Proxy.clientID"
    );
    let list: Vec<&String> = found.iter().collect();
    std::fs::write(out.join("single-line.rs"), format!("&{list:?}\n"))
        .expect("OUT_DIR is writable");
}

/// Writes `$OUT_DIR/schema-check.json`: `values.schema.json` minified and without its
/// annotations (`description` and the like, two thirds of the file), the tree a run
/// decodes to check values. Annotations never change what a schema accepts; the printed
/// schema (`mlflow-chart schema`) and the reference keep them.
fn schema_for_checks(out: &Path) {
    let text =
        std::fs::read_to_string("values.schema.json").expect("values.schema.json is readable");
    let mut schema: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("values.schema.json does not parse: {e}"));
    strip_annotations(&mut schema);
    std::fs::write(
        out.join("schema-check.json"),
        serde_json::to_string(&schema).expect("JSON"),
    )
    .expect("OUT_DIR is writable");
}

/// Removes the annotation keywords of a schema node and of every subschema under it,
/// following the keywords that hold subschemas (so a property named `description` stays).
fn strip_annotations(node: &mut serde_json::Value) {
    let serde_json::Value::Object(map) = node else {
        return;
    };
    for k in [
        "description",
        "title",
        "examples",
        "default",
        "deprecated",
        "$comment",
    ] {
        map.shift_remove(k);
    }
    for (k, v) in map.iter_mut() {
        match (k.as_str(), v) {
            (
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
                serde_json::Value::Object(subs),
            ) => subs.values_mut().for_each(strip_annotations),
            (
                "allOf" | "anyOf" | "oneOf" | "prefixItems" | "items",
                serde_json::Value::Array(subs),
            ) => subs.iter_mut().for_each(strip_annotations),
            (
                "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "additionalItems"
                | "unevaluatedItems"
                | "unevaluatedProperties",
                sub,
            ) => strip_annotations(sub),
            _ => {}
        }
    }
}

/// Writes `$OUT_DIR/templates.rs`: `TEMPLATES`, every file of `templates/` as (name,
/// source), sorted by name, each source `include_str!`-ed so cargo tracks it. The render
/// compiles each output template when it renders it (not all of them up front), so a name
/// list and the sources are all the binary needs.
fn embed_templates(out: &Path) {
    println!("cargo:rerun-if-changed=templates");
    let dir = Path::new("templates")
        .canonicalize()
        .expect("templates/ exists");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("templates/ is readable")
        .map(|e| {
            e.expect("templates/ entry")
                .file_name()
                .into_string()
                .expect("UTF-8 template name")
        })
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let mut table = String::from(
        "/// Every template: (name under `templates/`, source, outer guard), sorted by name.\n",
    );
    table.push_str("pub const TEMPLATES: &[(&str, &str, Option<&str>)] = &[\n");
    for name in &names {
        assert!(
            name.ends_with(".yaml") || name.ends_with(".tpl"),
            "templates/{name}: a template is a .yaml (output) or a .tpl (helpers)"
        );
        let path = dir.join(name);
        let source = std::fs::read_to_string(&path).expect("templates are UTF-8 text");
        let guard = guard::outer_if(&source).filter(|_| name.ends_with(".yaml"));
        table.push_str(&format!(
            "    ({name:?}, include_str!({:?}), {guard:?}),\n",
            path.display().to_string()
        ));
    }
    table.push_str("];\n");
    std::fs::write(out.join("templates.rs"), table).expect("OUT_DIR is writable");
}

/// Release binaries for x86_64 Linux (glibc), linked by rustc's own LLD (the default from
/// Rust 1.90 on), get two linker options that change layout only, never behaviour:
/// - `--symbol-ordering-file=link/hot-functions.txt`: the functions a render runs are put
///   side by side at the start of `.text`, so a run maps about 3 MB of code instead of most
///   of the 11 MB (the kernel maps code in 64 KiB blocks around each first touch). A name the
///   binary does not have is skipped, so a list older than the code only helps less;
///   `scripts/hot-functions.sh` writes it anew.
/// - `-z pack-relative-relocs` (DT_RELR): the 25,000 relative relocations of a
///   position-independent binary take 7 KB instead of 600 KB. Only where the C library the
///   binary is built against reads them (glibc 2.36 on), as its `GLIBC_ABI_DT_RELR` says.
///
/// Anything else (another target, a debug build, a cross build, a linker set by the user,
/// `MLFLOW_CHART_PLAIN_LINK=1`) links as before.
fn link_layout() {
    println!("cargo:rerun-if-changed=link/hot-functions.txt");
    println!("cargo:rerun-if-env-changed=MLFLOW_CHART_PLAIN_LINK");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let wanted = var("PROFILE") == "release"
        && var("TARGET") == "x86_64-unknown-linux-gnu"
        && var("HOST") == var("TARGET")
        && var("MLFLOW_CHART_PLAIN_LINK").is_empty()
        && std::env::var_os("RUSTC_LINKER").is_none()
        && !["linker", "fuse-ld", "link-self-contained"]
            .iter()
            .any(|flag| var("CARGO_ENCODED_RUSTFLAGS").contains(flag))
        && rustc_minor().is_some_and(|minor| minor >= 90);
    if !wanted {
        return;
    }
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join("link/hot-functions.txt");
    if order.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
    if glibc_reads_relr() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The minor version of the compiler cargo runs (`1.95.0` gives 95).
fn rustc_minor() -> Option<u32> {
    let rustc = std::env::var_os("RUSTC")?;
    let out = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split('.');
    (parts.next()? == "1").then_some(())?;
    parts.next()?.parse().ok()
}

/// Whether this machine's glibc has the symbol version that marks DT_RELR support.
fn glibc_reads_relr() -> bool {
    [
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/lib64/libc.so.6",
        "/usr/lib64/libc.so.6",
    ]
    .iter()
    .filter_map(|path| std::fs::read(path).ok())
    .any(|bytes| {
        bytes
            .windows(b"GLIBC_ABI_DT_RELR".len())
            .any(|w| w == b"GLIBC_ABI_DT_RELR")
    })
}
