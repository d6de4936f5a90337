//! Held values: a map, a list or a long string that a template prints whole does not go
//! through JSON text and back through the YAML parser. The template's text gets a token
//! (`U+E000`, the value's number, `U+E001`) and the value is held beside the text; the
//! parse stage puts the value in the token's place. The text is otherwise what JSON
//! auto-escaping writes, and the parse reads the same objects from either (a property test
//! in `parse` compares the two).
//!
//! The tokens are safe because they can be checked: a template's own text has no `U+E000`
//! or `U+E001` and no block that captures or transforms what it prints (unit tests), a
//! token is written only here, and a template whose text does not hold each of its tokens
//! exactly once and no other token character (a user's string holding one, a value
//! printed twice) is rendered again without holding anything.

use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Error, Output, State, Value as JValue};
use std::cell::RefCell;

/// Opens a token.
pub const OPEN: char = '\u{E000}';
/// Closes a token.
pub const CLOSE: char = '\u{E001}';
/// Strings at least this long are held (shorter ones cost less to parse than to hold).
const LONG_STRING: usize = 48;

thread_local! {
    /// Tests turn holding off to compare the two readings.
    #[cfg(test)]
    static OFF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The values held for the template being rendered on this thread, or `None` when
    /// nothing is to be held (values are then printed as JSON).
    static HELD: RefCell<Option<Vec<serde_json::Value>>> = const { RefCell::new(None) };
}

/// The template formatter: holds a value worth holding when holding is on, and prints
/// everything else as minijinja's default formatter does (JSON in `.yaml` templates).
pub fn formatter(out: &mut Output, state: &mut State, value: &JValue) -> Result<(), Error> {
    if matches!(state.auto_escape(), AutoEscape::Json) && worth_holding(value) {
        let number = HELD.with_borrow_mut(|held| {
            let held = held.as_mut()?;
            // Anything serde_json cannot take (an integer past 64 bits) is printed instead.
            let v = serde_json::to_value(value).ok()?;
            held.push(v);
            Some(held.len() - 1)
        });
        if let Some(n) = number {
            return write!(out, "{OPEN}{n}{CLOSE}").map_err(Error::from);
        }
    }
    minijinja::escape_formatter(out, state, value)
}

/// A map, a list, or a long string that is not marked safe.
fn worth_holding(value: &JValue) -> bool {
    match value.kind() {
        ValueKind::Map | ValueKind::Seq => true,
        ValueKind::String => {
            !value.is_safe() && value.as_str().is_some_and(|s| s.len() >= LONG_STRING)
        }
        _ => false,
    }
}

/// Runs `render` holding the values it prints; returns its text and the held values, or,
/// when the text holds token characters that are not its tokens, renders it again with
/// nothing held.
pub fn render_holding(
    mut render: impl FnMut() -> Result<String, Error>,
) -> Result<(String, Vec<serde_json::Value>), Error> {
    #[cfg(test)]
    if OFF.get() {
        return Ok((render()?, Vec::new()));
    }
    let previous = HELD.replace(Some(Vec::new()));
    let text = render();
    let held = HELD.replace(previous).unwrap_or_default();
    let text = text?;
    if each_token_once(&text, held.len()) {
        return Ok((text, held));
    }
    let previous = HELD.replace(None);
    let text = render();
    HELD.set(previous);
    Ok((text?, Vec::new()))
}

/// Whether the token characters in `text` are exactly the tokens `0..n`, each once (a
/// value printed twice through a capture, or a user's string holding a token character,
/// makes this false).
fn each_token_once(text: &str, n: usize) -> bool {
    let mut seen = vec![false; n];
    let mut rest = text;
    while let Some(start) = rest.find([OPEN, CLOSE]) {
        match leading_token(&rest[start..]) {
            Some((k, after)) if k < n && !std::mem::replace(&mut seen[k], true) => rest = after,
            _ => return false,
        }
    }
    seen.iter().all(|&s| s)
}

/// The token `text` starts with, if it starts with one, and the text after it.
fn leading_token(text: &str) -> Option<(usize, &str)> {
    let end = text.find(CLOSE)? + CLOSE.len_utf8();
    Some((token(&text[..end])?, &text[end..]))
}

/// Runs `f` with holding off on this thread (every value printed as JSON).
#[cfg(test)]
pub fn without_holding<R>(f: impl FnOnce() -> R) -> R {
    OFF.set(true);
    let r = f();
    OFF.set(false);
    r
}

/// The number in `text` when it is exactly one token.
pub fn token(text: &str) -> Option<usize> {
    let digits = text.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `text` with every token replaced by its value as JSON: the text the template would
/// have printed without holding (up to the spelling of the same JSON values).
pub fn expand(text: &str, held: &[serde_json::Value]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let at = &rest[start..];
        match leading_token(at).and_then(|(n, after)| Some((held.get(n)?, after))) {
            Some((v, after)) => {
                out.push_str(&v.to_string());
                rest = after;
            }
            None => {
                out.push(OPEN);
                rest = &at[OPEN.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// How deeply `value` nests (a scalar 0, a collection one more than its deepest member)
/// once the held values are in their tokens' places.
pub fn depth(value: &serde_json::Value, held: &[serde_json::Value]) -> usize {
    match value {
        serde_json::Value::String(s) => token(s)
            .and_then(|n| held.get(n))
            .map_or(0, |v| depth(v, &[])),
        serde_json::Value::Array(items) => {
            1 + items.iter().map(|v| depth(v, held)).max().unwrap_or(0)
        }
        serde_json::Value::Object(map) => {
            1 + map.values().map(|v| depth(v, held)).max().unwrap_or(0)
        }
        _ => 0,
    }
}

/// Puts the held values in the place of their tokens in `value` (a document read by the
/// direct reader, where a string with a token character is exactly one token).
pub fn substitute(value: &mut serde_json::Value, held: &mut [serde_json::Value]) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(v) = token(s).and_then(|n| held.get_mut(n)) {
                *value = std::mem::take(v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, held)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| substitute(v, held)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::value::Serde;
    use serde_json::json;

    #[test]
    fn tokens_are_read_back_and_nothing_else_is() {
        assert_eq!(token("\u{E000}0\u{E001}"), Some(0));
        assert_eq!(token("\u{E000}17\u{E001}"), Some(17));
        for t in [
            "",
            "17",
            "\u{E000}\u{E001}",
            "\u{E000}1",
            "1\u{E001}",
            "x\u{E000}1\u{E001}",
            "\u{E000}1\u{E001}x",
            "\u{E000}+1\u{E001}",
            "\u{E000}1 \u{E001}",
            "\u{E000}99999999999999999999999\u{E001}",
        ] {
            assert_eq!(token(t), None, "{t:?}");
        }
    }

    #[test]
    fn expanding_writes_the_json_and_leaves_stray_characters() {
        let held = [json!({"a": [1, "b"]}), json!("long")];
        assert_eq!(
            expand("x: \u{E000}0\u{E001}\ny: [\u{E000}1\u{E001}]\n", &held),
            "x: {\"a\":[1,\"b\"]}\ny: [\"long\"]\n"
        );
        assert_eq!(
            expand("a\u{E000}9\u{E001}b\u{E000}c\u{E001}", &held),
            "a\u{E000}9\u{E001}b\u{E000}c\u{E001}"
        );
    }

    #[test]
    fn substituting_replaces_exact_tokens_only() {
        let mut held = vec![json!({"k": "v"}), json!([1])];
        let mut doc = json!({"a": "\u{E000}0\u{E001}", "b": ["\u{E000}1\u{E001}", "c"], "d": "\u{E000}7\u{E001}"});
        substitute(&mut doc, &mut held);
        assert_eq!(
            doc,
            json!({"a": {"k": "v"}, "b": [[1], "c"], "d": "\u{E000}7\u{E001}"})
        );
    }

    #[test]
    fn each_token_must_be_there_once() {
        let t = |k: usize| format!("{OPEN}{k}{CLOSE}");
        assert!(each_token_once("a: x\n", 0));
        assert!(each_token_once(&format!("a: {}\nb: {}\n", t(1), t(0)), 2));
        for (text, n) in [
            (format!("a: {}\n", t(0)), 2),
            (format!("a: {}\nb: {}\n", t(0), t(0)), 2),
            (format!("a: {}\n", t(2)), 1),
            (format!("a: {}{OPEN}\n", t(0)), 1),
            (format!("a: {}{CLOSE}\n", t(0)), 1),
            (format!("a: {OPEN}0\n"), 1),
            ("a: \u{E001}\n".to_string(), 0),
        ] {
            assert!(!each_token_once(&text, n), "{text:?} {n}");
        }
    }

    /// A template never transforms or repeats what it prints through a block (a value
    /// held behind a token would skip the transformation): no captures, macros, filter
    /// or call blocks.
    #[test]
    fn templates_print_values_only_directly() {
        for entry in std::fs::read_dir("templates").unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for block in [
                "{% set",
                "{%- set",
                "{% macro",
                "{%- macro",
                "{% filter",
                "{%- filter",
                "{% call",
                "{%- call",
            ] {
                assert!(!compact.contains(block), "{}: {block}", path.display());
            }
            assert!(!text.contains([OPEN, CLOSE]), "{}", path.display());
        }
    }

    #[test]
    fn depth_counts_the_held_values() {
        let held = [json!({"a": [[1]]}), json!("\u{E000}0\u{E001}")];
        assert_eq!(depth(&json!("x"), &held), 0);
        assert_eq!(depth(&json!({"k": "\u{E000}0\u{E001}"}), &held), 4);
        assert_eq!(depth(&json!([{}, ["\u{E000}1\u{E001}"]]), &held), 2);
        // A held string is not read as a token again.
        assert_eq!(depth(&json!("\u{E000}1\u{E001}"), &held), 0);
    }

    fn env() -> minijinja::Environment<'static> {
        let mut env = minijinja::Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Json);
        env.set_formatter(formatter);
        env.add_template("t.yaml", "a: {{ m }}\nb: {{ s }}\nc: {{ n }}\n")
            .unwrap();
        env
    }

    #[test]
    fn maps_lists_and_long_strings_are_held_only_while_holding() {
        let env = env();
        let t = env.get_template("t.yaml").unwrap();
        let long = "x".repeat(LONG_STRING);
        let ctx =
            minijinja::context! { m => Serde(json!({"k": [1, 2]})), s => long.clone(), n => 5 };
        let (text, held) = render_holding(|| t.render(&ctx)).unwrap();
        assert_eq!(text, "a: \u{E000}0\u{E001}\nb: \u{E000}1\u{E001}\nc: 5");
        assert_eq!(held, vec![json!({"k": [1, 2]}), json!(long)]);
        // Outside render_holding, everything is JSON.
        assert_eq!(
            t.render(&ctx).unwrap(),
            format!("a: {{\"k\":[1,2]}}\nb: \"{long}\"\nc: 5")
        );
    }

    #[test]
    fn a_text_with_stray_token_characters_is_rendered_without_holding() {
        let env = env();
        let t = env.get_template("t.yaml").unwrap();
        let ctx = minijinja::context! { m => Serde(json!([1])), s => "\u{E000}0\u{E001}", n => 5 };
        let (text, held) = render_holding(|| t.render(&ctx)).unwrap();
        assert!(held.is_empty());
        assert_eq!(text, "a: [1]\nb: \"\u{E000}0\u{E001}\"\nc: 5");
    }
}
