//! The `--set` family parser on arbitrary input, in every mode: never panics, and a
//! successful parse always yields a map whose list indices stay within Helm's bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlflow_chart::strvals::{Mode, parse_into, parse_json_flag};
use serde_json::{Map, Value};

fn bounded(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.len() <= 65537 && a.iter().all(bounded),
        Value::Object(m) => m.values().all(bounded),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let Ok(expr) = std::str::from_utf8(rest) else { return };
    let reader = |path: &str| -> Result<String, String> { Ok(format!("file:{path}")) };
    let mut m = Map::new();
    let res = match mode % 6 {
        0 => parse_into(expr, &mut m, Mode::Typed),
        1 => parse_into(expr, &mut m, Mode::Str),
        2 => parse_into(expr, &mut m, Mode::Json),
        3 => parse_into(expr, &mut m, Mode::File(&reader)),
        4 => parse_into(expr, &mut m, Mode::Literal),
        _ => parse_json_flag(expr, &mut m),
    };
    if res.is_ok() {
        assert!(bounded(&Value::Object(m)));
    }
});
