//! The line reader against serde-saphyr and the event reader: whatever text it reads,
//! serde-saphyr reads to the same documents; with held-value tokens or without, the event
//! reader, when it reads the text, reads the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlflow_chart::parse::{direct, lines};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let objects =
        |v: &[Value]| -> Vec<Value> { v.iter().filter(|d| !d.is_null()).cloned().collect() };
    if let Some(read) = lines::documents(text, false) {
        let theirs: Vec<Value> =
            serde_saphyr::from_multiple_with_options(text, mlflow_chart::yaml::manifest_options())
                .unwrap_or_else(|e| panic!("read what serde-saphyr rejects: {e}"));
        assert_eq!(objects(&read), objects(&theirs));
    }
    for tokens in [false, true] {
        if let (Some(read), Some(events)) =
            (lines::documents(text, tokens), direct::events(text, tokens))
        {
            assert_eq!(objects(&read), objects(&events));
        }
    }
});
