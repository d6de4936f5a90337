//! What the readers' tests share: serde-saphyr's reading, the documents that are not
//! empty, and the texts the chart renders in every golden scenario.

use crate::render::Rendered;
use serde_json::Value;

/// What serde-saphyr reads, with the options every manifest is read with.
pub fn saphyr(text: &str) -> Result<Vec<Value>, String> {
    serde_saphyr::from_multiple_with_options(text, crate::yaml::manifest_options())
        .map_err(|e| e.to_string())
}

/// The documents that are not empty (the parse drops empty ones, however they were read).
pub fn objects(v: &[Value]) -> Vec<Value> {
    v.iter().filter(|d| !d.is_null()).cloned().collect()
}

/// Each golden scenario's values file and the texts the chart renders from it.
pub fn scenario_texts() -> Vec<(String, Vec<Rendered>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut scenarios: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 10);
    let release = crate::render::wiring::Release {
        name: "mlflow".into(),
        namespace: "mlflow".into(),
    };
    let caps = crate::render::Capabilities {
        kube_version: "1.33".into(),
        api_versions: vec!["gateway.networking.k8s.io/v1".into()],
    };
    scenarios
        .into_iter()
        .map(|path| {
            let args = crate::values::ValuesArgs {
                files: vec![path.display().to_string()],
                ..Default::default()
            };
            let mut computed = crate::values::compute(&args).unwrap();
            crate::schema::restore_deleted(&mut computed).unwrap();
            let model = crate::schema::decode(&computed).unwrap();
            let out = crate::render::render(&model, &release, &caps).unwrap();
            (path.display().to_string(), out.files)
        })
        .collect()
}
