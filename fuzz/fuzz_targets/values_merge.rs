//! Values loading and merging on arbitrary YAML: up to three documents (split on NUL)
//! are parsed, merged like `-f a -f b -f c` and coalesced over the chart defaults.
//! Never panics; the result never holds a null (a null deletes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlflow_chart::values::{DEFAULT_VALUES, coalesce, merge_maps, parse_yaml};
use serde_json::{Map, Value};

fn no_nulls(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(_) => true,
        Value::Object(m) => m.values().all(no_nulls),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut user = Map::new();
    for part in text.split('\0').take(3) {
        if let Ok(m) = parse_yaml("fuzz", part) {
            merge_maps(&mut user, m);
        }
    }
    let mut values = parse_yaml("defaults", DEFAULT_VALUES).expect("defaults parse");
    coalesce(&mut values, user);
    assert!(no_nulls(&Value::Object(values)));
});
