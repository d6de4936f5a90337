//! Embeds `templates/` into the binary (the directory is the single list of templates) and
//! turns the chart's `values.yaml` into JSON once, here, so that no run parses its YAML.
fn main() {
    minijinja_embed::embed_templates!("templates", &[".yaml", ".tpl", ".txt"]);
    println!("cargo:rerun-if-changed=values.yaml");
    println!("cargo:rerun-if-changed=values.schema.json");
    let yaml = std::fs::read_to_string("values.yaml").expect("values.yaml is readable");
    // The same reading options as values::parse_yaml (a unit test compares the two).
    let options = serde_saphyr::options! { legacy_octal_numbers: true, with_snippet: false };
    let defaults: serde_json::Value = serde_saphyr::from_str_with_options(&yaml, options)
        .unwrap_or_else(|e| panic!("values.yaml does not parse: {e}"));
    assert!(defaults.is_object(), "values.yaml is a mapping");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(
        out.join("defaults.json"),
        serde_json::to_string(&defaults).expect("JSON"),
    )
    .expect("OUT_DIR is writable");
}
