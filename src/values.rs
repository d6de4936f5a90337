//! Values: loads the embedded defaults, `-f` files and the `--set` family, and merges them
//! with Helm's rules (maps deep-merge, scalars and lists replace, a user `null` deletes).

use crate::error::Failure;
use crate::locate::{self, KeyPath};
use crate::strvals::{self, Mode};
use serde_json::{Map, Value};

/// The chart's default values, embedded at build time.
pub const DEFAULT_VALUES: &str = include_str!("../values.yaml");

/// Everything the user passed that feeds the values (the flags of `render` and `values`).
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ValuesArgs {
    /// Values file (YAML), repeatable, merged in order; `-` reads standard input.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub files: Vec<String>,
    /// Set values: `a.b=1,c[0]=x` (Helm's --set rules), repeatable.
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Set string values (no type inference), repeatable.
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Set JSON values (`a={"b":1}` or a whole JSON object), repeatable.
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to the content of a file: `key=path`, repeatable.
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set a literal string value: everything after the first `=`, repeatable.
    #[arg(long = "set-literal", value_name = "KEY=VAL")]
    pub set_literal: Vec<String>,
}

/// A values document the user gave, kept for locating keys in error messages.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// The merged values and where they came from.
pub struct Computed {
    pub values: Value,
    pub sources: Vec<Source>,
    pub args: ValuesArgs,
}

/// Parses YAML text as one values document (an empty document is an empty map).
pub fn parse_yaml(name: &str, text: &str) -> Result<Map<String, Value>, Failure> {
    let v: Value = serde_saphyr::from_str_with_options(text, crate::parse::yaml_options())
        .map_err(|e| {
            Failure::input(format!(
                "{name}: invalid YAML: {}",
                crate::parse::yaml_error(name, &e)
            ))
            .hint("fix the YAML syntax at the position shown")
        })?;
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(Failure::input(format!(
            "{name}: a values file must be a YAML mapping at the top level, found {}",
            kind_name(&other)
        ))
        .hint("start the file with `key: value` lines")),
    }
}

/// A name for the JSON type of a value, for messages.
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn read_input(path: &str) -> Result<String, Failure> {
    let bytes = if path.trim() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure::input(format!("reading values from standard input: {e}")))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| {
            Failure::input(format!("cannot read values file {path}: {e}"))
                .hint("check the path given to -f/--values")
        })?
    };
    String::from_utf8(bytes).map_err(|e| {
        Failure::input(format!(
            "{path}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
        .hint("values files must be UTF-8 encoded YAML")
    })
}

/// Helm's `mergeMaps` for `-f` files: maps merge recursively, anything else replaces
/// (a `null` is kept here and deletes a default later, in [`coalesce`]).
pub fn merge_maps(dest: &mut Map<String, Value>, src: Map<String, Value>) {
    for (k, v) in src {
        match (dest.get_mut(&k), v) {
            (Some(Value::Object(d)), Value::Object(s)) => merge_maps(d, s),
            (_, v) => {
                dest.insert(k, v);
            }
        }
    }
}

/// Helm's coalesce of user values over chart defaults: the user wins, maps merge, and a
/// user `null` deletes the key (nulls with no default to delete are dropped too).
pub fn coalesce(defaults: &mut Map<String, Value>, user: Map<String, Value>) {
    for (k, v) in user {
        match (defaults.get_mut(&k), v) {
            (_, Value::Null) => {
                defaults.shift_remove(&k);
            }
            (Some(Value::Object(d)), Value::Object(u)) => coalesce(d, u),
            (_, mut v) => {
                strip_nulls(&mut v);
                defaults.insert(k, v);
            }
        }
    }
}

fn strip_nulls(v: &mut Value) {
    if let Value::Object(m) = v {
        m.retain(|_, x| !x.is_null());
        m.values_mut().for_each(strip_nulls);
    }
}

/// Computes the final values: defaults <- files <- set-json <- set <- set-string <-
/// set-file <- set-literal (Helm's fixed order by flag type).
pub fn compute(args: &ValuesArgs) -> Result<Computed, Failure> {
    let mut sources = Vec::new();
    let mut user = Map::new();
    for path in &args.files {
        let text = read_input(path)?;
        let name = if path.trim() == "-" { "<stdin>" } else { path };
        let m = parse_yaml(name, &text)?;
        merge_maps(&mut user, m);
        sources.push(Source {
            name: name.to_string(),
            text,
        });
    }
    apply_set_flags(args, &mut user)?;
    let mut values = parse_yaml("values.yaml (defaults)", DEFAULT_VALUES)?;
    coalesce(&mut values, user);
    Ok(Computed {
        values: Value::Object(values),
        sources,
        args: args.clone(),
    })
}

fn read_set_file(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path.trim()).map_err(|e| format!("cannot read {path:?}: {e}"))?;
    String::from_utf8(bytes).map_err(|_| format!("{path:?} is not UTF-8 text"))
}

/// The flag families in the order Helm applies them.
fn flag_families(args: &ValuesArgs) -> [(&'static str, &Vec<String>); 5] {
    [
        ("--set-json", &args.set_json),
        ("--set", &args.set),
        ("--set-string", &args.set_string),
        ("--set-file", &args.set_file),
        ("--set-literal", &args.set_literal),
    ]
}

fn apply_one(flag: &str, expr: &str, dest: &mut Map<String, Value>) -> Result<(), String> {
    match flag {
        "--set-json" => strvals::parse_json_flag(expr, dest),
        "--set" => strvals::parse_into(expr, dest, Mode::Typed),
        "--set-string" => strvals::parse_into(expr, dest, Mode::Str),
        "--set-file" => strvals::parse_into(expr, dest, Mode::File(&read_set_file)),
        _ => strvals::parse_into(expr, dest, Mode::Literal),
    }
}

fn apply_set_flags(args: &ValuesArgs, user: &mut Map<String, Value>) -> Result<(), Failure> {
    for (flag, exprs) in flag_families(args) {
        for expr in exprs {
            apply_one(flag, expr, user).map_err(|e| {
                Failure::input(format!("failed parsing {flag} {}: {e}", shown_expr(expr)))
                    .hint("the syntax is key=value[,key=value]; escape literal commas and dots with a backslash")
            })?;
        }
    }
    Ok(())
}

/// A `--set`-family argument as shown in messages: its first key only, never the value
/// (it may be a credential).
fn shown_expr(expr: &str) -> String {
    let key = expr.split('=').next().unwrap_or("");
    format!("'{key}=…'")
}

impl Computed {
    /// Says where the value at `path` came from: a `--set` flag, or a file with line and
    /// column, or the chart defaults.
    pub fn origin(&self, path: &KeyPath) -> String {
        let families = flag_families(&self.args);
        for (flag, exprs) in families.iter().rev() {
            for expr in exprs.iter().rev() {
                let mut m = Map::new();
                if apply_one(flag, expr, &mut m).is_ok()
                    && locate::lookup(&Value::Object(m), path).is_some()
                {
                    return format!("from {flag} {}", shown_expr(expr));
                }
            }
        }
        for src in self.sources.iter().rev() {
            if let Some((line, col)) = locate::find(&src.text, path) {
                return format!("at {}:{line}:{col}", src.name);
            }
        }
        match locate::find(DEFAULT_VALUES, path) {
            Some((line, col)) => format!("at values.yaml:{line}:{col} (chart defaults)"),
            None => "in the computed values".to_string(),
        }
    }
}

/// Sorts map keys recursively, for printing computed values like Helm does.
pub fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<_> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn coalesce_rules() {
        let mut d = obj(json!({"a": {"b": 1, "c": 2}, "l": [1, 2], "s": "x", "gone": 1}));
        coalesce(
            &mut d,
            obj(
                json!({"a": {"b": 5, "n": null}, "l": [3], "gone": null, "new": {"k": null, "j": 1}}),
            ),
        );
        assert_eq!(
            Value::Object(d),
            json!({"a": {"b": 5, "c": 2}, "l": [3], "s": "x", "new": {"j": 1}})
        );
    }

    #[test]
    fn merge_keeps_null_for_later_delete() {
        let mut d = obj(json!({"a": {"b": 1}}));
        merge_maps(&mut d, obj(json!({"a": {"b": null, "c": 1}})));
        assert_eq!(Value::Object(d), json!({"a": {"b": null, "c": 1}}));
    }

    #[test]
    fn legacy_octal_like_helm() {
        let m = parse_yaml("t", "mode: 0755\nname: yes\n").unwrap();
        assert_eq!(m["mode"], json!(493));
        // Helm reads values with a YAML 1.1 reader: `yes` is a boolean there too.
        assert_eq!(m["name"], json!(true));
    }

    #[test]
    fn top_level_must_be_map() {
        assert!(parse_yaml("t", "- a\n").is_err());
        assert!(parse_yaml("t", "").unwrap().is_empty());
    }
}
