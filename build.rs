//! Embeds `templates/` into the binary; the directory is the single list of templates.
fn main() {
    minijinja_embed::embed_templates!("templates", &[".yaml", ".tpl", ".txt"]);
    println!("cargo:rerun-if-changed=values.yaml");
    println!("cargo:rerun-if-changed=values.schema.json");
}
