//! The whole pipeline from an arbitrary values file: schema check, render, parse,
//! validate, sort, emit. Never panics; a success always emits YAML that reads back to the
//! same documents.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlflow_chart::pipeline::render_computed;
use mlflow_chart::render::Capabilities;
use mlflow_chart::render::wiring::Release;
use mlflow_chart::locate;
use mlflow_chart::values::{Computed, DEFAULT_VALUES, Source, coalesce, parse_yaml};
use mlflow_chart::{emit, parse};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(user) = parse_yaml("fuzz.yaml", text) else { return };
    let mut values = parse_yaml("defaults", DEFAULT_VALUES).expect("defaults parse");
    coalesce(&mut values, user);
    let computed = Computed {
        values: Value::Object(values),
        sources: vec![Source { name: "fuzz.yaml".into(), index: locate::Index::new(text) }],
        flags: vec![],
        warnings: vec![],
    };
    let release = Release { name: "mlflow".into(), namespace: "mlflow".into() };
    let caps = Capabilities { kube_version: "1.33".into(), api_versions: vec![] };
    if let Ok((docs, _)) = render_computed(&computed, &release, &caps, false) {
        let out = emit::stream(&docs).expect("emit");
        let back = parse::parse_stream("out", &out).expect("our output parses");
        assert_eq!(back.len(), docs.len());
        for (a, b) in back.iter().zip(&docs) {
            assert_eq!(a.value, b.value);
        }
    }
});
