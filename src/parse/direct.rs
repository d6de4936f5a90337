//! Direct reading: plain YAML, such as the chart's own rendered templates, read from the
//! YAML parser's events straight into JSON values, without the serde layer (half the cost
//! of a parse). It reads only a subset, exactly as serde-saphyr reads it; for anything
//! else it answers `None` and serde-saphyr reads the text (and reports any error).
//!
//! The subset, from serde-saphyr 2.2.0's `deserialize_any` (src/de/deserializer.rs,
//! typeless scalars) and `parse_scalars.rs`:
//! - no tags, anchors, aliases, `%YAML` directives or complex keys;
//! - a quoted or block scalar is a string (only plain scalars are resolved);
//! - a plain scalar is null for `""`, `~`, `null`, `Null`, `NULL`; `true` or `false`; an
//!   integer when it is `0` or a decimal without a leading zero or `+` that fits in an
//!   `i64`; a string when it does not start like a number (digit, `+`, `-`, `.`) and is
//!   none of the words YAML 1.1 or Rust's float parser give a meaning (`yes`, `off`,
//!   `nan`, `inf`, …, in any case);
//!   anything else (floats, octal, hex, `+1`, `.5`, `True`) is left to serde-saphyr;
//! - a key is its text (a JSON object's keys are read as strings), never a plain null, a
//!   plain key that may be an integer (serde-saphyr finds duplicates among those by value)
//!   or `<<` (a merge key);
//! - no key twice in a mapping; every document a mapping or empty;
//! - at most 1 MiB of text, 512 documents and 32 levels of nesting, well inside
//!   serde-saphyr's budgets, so no budget it enforces can differ.

use crate::render::held::{CLOSE, OPEN, token};
use granit_parser::{Event, Options, Parser, ScalarStyle};
use serde_json::{Map, Value};
use std::borrow::Cow;

pub(super) const MAX_TEXT: usize = 1 << 20;
pub(super) const MAX_DOCUMENTS: usize = 512;
pub(super) const MAX_DEPTH: usize = 32;

/// An open collection while its events arrive. Its members wait in the reader's shared
/// buffers (from the index it holds) until it ends, when it is built at its exact size:
/// no growing and no slack in the documents, which stay in memory until the output.
enum Open {
    /// A sequence whose items start at this index of the items buffer.
    Seq(usize),
    /// A mapping whose entries start at this index of the entries buffer, and the key
    /// whose value comes next.
    Map(usize, Option<String>),
}

/// The documents of `text` (empty ones as `Null`), or `None` when the text is outside the
/// subset this reads (see the module documentation). With `tokens`, the text holds tokens
/// for held values (`render::held`): a scalar with a token character is then read only
/// when it is a plain value that is exactly one token (it stays a string here; the caller
/// puts the value in). The line reader ([`super::lines`]) reads it when it can, the
/// parser's events otherwise.
pub fn documents(text: &str, tokens: bool) -> Option<Vec<Value>> {
    super::lines::documents(text, tokens).or_else(|| events(text, tokens))
}

/// [`documents`], read from the YAML parser's events.
pub fn events(text: &str, tokens: bool) -> Option<Vec<Value>> {
    if text.len() > MAX_TEXT {
        return None;
    }
    // serde-saphyr's parser options for our budgets are the parser's defaults; comments
    // are not wanted.
    let mut options = Options::default();
    options.set_emit_comments(false);
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut items: Vec<Value> = Vec::new();
    let mut entries: Vec<(String, Value)> = Vec::new();
    let mut root: Option<Value> = None;
    for item in Parser::new_from_str_with_options(text, options) {
        let (event, _) = item.ok()?;
        let value = match event {
            Event::StreamStart | Event::StreamEnd => continue,
            Event::DocumentStart(_, version) => {
                if version.is_some() || docs.len() >= MAX_DOCUMENTS {
                    return None;
                }
                continue;
            }
            Event::DocumentEnd => {
                match root.take() {
                    None | Some(Value::Null) => docs.push(Value::Null),
                    Some(v @ Value::Object(_)) => docs.push(v),
                    // A whole document printed by one token (the caller puts it in).
                    Some(Value::String(t)) if tokens && token(&t).is_some() => {
                        docs.push(Value::String(t))
                    }
                    Some(_) => return None,
                }
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                if tokens && text.contains([OPEN, CLOSE]) {
                    let is_key = matches!(stack.last(), Some(Open::Map(_, None)));
                    if is_key || style != ScalarStyle::Plain || token(&text).is_none() {
                        return None;
                    }
                    Value::String(text.into_owned())
                } else if let Some(Open::Map(_, key @ None)) = stack.last_mut() {
                    *key = Some(key_text(text, style)?.into_owned());
                    continue;
                } else {
                    scalar(text, style)?
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                let is_key = matches!(stack.last(), Some(Open::Map(_, None)));
                if anchor != 0 || tag.is_some() || is_key || stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(items.len())
                } else {
                    Open::Map(entries.len(), None)
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(start) => Value::Array(items.drain(start..).collect()),
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(start, None) => {
                    let mut map = Map::with_capacity(entries.len() - start);
                    for (key, value) in entries.drain(start..) {
                        insert_new(&mut map, key, value)?;
                    }
                    Value::Object(map)
                }
                _ => return None,
            },
            _ => return None,
        };
        match stack.last_mut() {
            None if root.is_none() => root = Some(value),
            None => return None,
            Some(Open::Seq(_)) => items.push(value),
            Some(Open::Map(_, key)) => entries.push((key.take()?, value)),
        }
    }
    (stack.is_empty() && root.is_none()).then_some(docs)
}

/// Puts a key's value in a mapping; `None` when the key is there already (a key twice:
/// serde-saphyr says how it reads that).
pub(super) fn insert_new(map: &mut Map<String, Value>, key: String, value: Value) -> Option<()> {
    match map.entry(key) {
        serde_json::map::Entry::Vacant(slot) => {
            slot.insert(value);
            Some(())
        }
        serde_json::map::Entry::Occupied(_) => None,
    }
}

/// A value scalar, or `None` when its reading is not certain here.
pub(super) fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(text.into_owned()));
    }
    Some(match &*text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        t if is_plain_string(t) => Value::String(text.into_owned()),
        t => Value::from(integer(t)?),
    })
}

/// A key, or `None` when serde-saphyr might read it otherwise. A JSON object's keys are
/// read as strings (`deserialize_str`), which takes any scalar's text but a null's. Plain
/// keys that may be integers are left to serde-saphyr too: it finds duplicates among them
/// by value (`1` and `0x1` are the same key; src/de/key_nodes.rs,
/// `integer_key_fingerprint`), where this compares text.
pub(super) fn key_text(text: Cow<'_, str>, style: ScalarStyle) -> Option<Cow<'_, str>> {
    let plain = style == ScalarStyle::Plain;
    let null = plain && matches!(&*text, "" | "~" | "null" | "Null" | "NULL");
    (!null && text != "<<" && !(plain && may_be_integer(&text))).then_some(text)
}

/// Whether `t` might be an integer in some spelling YAML readers take (decimal, `0x`, `0o`,
/// `0b`, legacy octal, signs, `_` separators): it starts with a digit or sign and holds only
/// characters such spellings use.
fn may_be_integer(t: &str) -> bool {
    t.as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-'))
        && t.bytes().all(|b| {
            b.is_ascii_hexdigit() || matches!(b, b'_' | b'x' | b'X' | b'o' | b'O' | b'+' | b'-')
        })
}

/// A plain scalar every YAML reading here takes as a string: it does not start like a
/// number (a digit, `+`, `-` or `.`: integers, floats, `.inf`, `-.nan`), and it is none of
/// the words a YAML 1.1 boolean, a null or Rust's float parser would take, in any case.
fn is_plain_string(t: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "yes", "n", "no", "on", "off", "true", "false", "null", "~", "nan", "inf", "infinity",
    ];
    t.as_bytes()
        .first()
        .is_some_and(|b| !(b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')))
        && !WORDS.iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// `0`, or an optional `-` and digits without a leading zero, that fit in an `i64`.
fn integer(t: &str) -> Option<i64> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let plain = t == "0"
        || (digits.len() <= 18
            && digits
                .as_bytes()
                .first()
                .is_some_and(|b| (b'1'..=b'9').contains(b))
            && digits.bytes().all(|b| b.is_ascii_digit()));
    if plain { t.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{objects, saphyr, scenario_texts};
    use super::*;
    use proptest::prelude::*;

    /// The direct reading, when there is one, is serde-saphyr's.
    fn agrees(text: &str) -> Option<Vec<Value>> {
        let direct = documents(text, false);
        if let Some(d) = &direct {
            let s = saphyr(text)
                .unwrap_or_else(|e| panic!("direct read {text:?} that serde-saphyr rejects: {e}"));
            assert_eq!(objects(d), objects(&s), "for {text:?}");
        }
        direct
    }

    #[test]
    fn reads_plain_yaml_as_serde_saphyr_does() {
        let read = [
            "kind: A\n",
            "a: 1\nb: -42\nc: 0\nd: true\ne: false\nf: null\ng: ~\nh:\ni: Null\n",
            "a: \"1\"\nb: 'true'\nc: \"null\"\nd: \"\"\ne: |\n  x\n  y\nf: >\n  folded\n  text\n",
            "a: some words, not a key\nb: http://x.example/y\nc: Hello world\n",
            "a: [1, two, \"3\"]\nb: {c: d, e: 5}\n",
            "---\nkind: A\n---\n---\nkind: B\n...\n",
            "labels:\n  app.kubernetes.io/name: mlflow\n  \"quoted key\": x\n",
            "a: 999999999999999999\nb: -999999999999999999\n",
            "true: v\n1.5: w\n10-mlflow.sh: v\n\"1\": x\n'01': z\n",
            "",
            "# only a comment\n",
        ];
        for text in read {
            assert!(agrees(text).is_some(), "not read directly: {text:?}");
        }
        let left = [
            "a: 1.5\n",
            "a: 0755\n",
            "a: 0x1F\n",
            "a: +1\n",
            "a: .5\n",
            "a: yes\n",
            "a: Off\n",
            "a: True\n",
            "a: NaN\n",
            "a: inf\n",
            "a: .inf\n",
            "a: -0\n",
            "a: 1e3\n",
            "a: 1_000\n",
            "a: 9999999999999999999\n",
            "a: !!str 1\n",
            "a: &x 1\nb: *x\n",
            "<<: {a: 1}\n",
            "a: 1\na: 2\n",
            "a: 1\n\"a\": 2\n",
            "x:\n  a: 1\n  b: {c: [1, {d: 2, d: 3}]}\n",
            "x:\n  a: 1\n  b: {c: 1}\n  a: 2\ny: 3\n",
            "a: nULL\n",
            "1: a\n01: b\n",
            "data:\n  1: a\n  0x1: b\n",
            "1: x\n",
            "~: x\n",
            "\"<<\": x\n",
            "? [a]\n: x\n",
            "just text\n",
            "- a\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: [\n",
            "a: b: c\n",
        ];
        for text in left {
            assert!(agrees(text).is_none(), "read directly: {text:?}");
        }
    }

    /// serde-saphyr takes plain keys that are the same integer as the same key (a
    /// duplicate); every pair of such spellings agrees (found by a differential attack).
    #[test]
    fn integer_keys_in_every_spelling() {
        let spellings = [
            "0", "-0", "+0", "00", "0x0", "0o0", "0b0", "1", "01", "+1", "0x1", "0X1", "+0x1",
            "0x_1", "0o1", "0O1", "0b1", "0B1", "10", "1_0", "0xa", "8", "010", "0o10", "-1",
            "-01", "-0x1", "1.0", "1e0", "a1", "1a", "1-a", "0xg",
        ];
        for a in spellings {
            for b in spellings {
                agrees(&format!("{a}: v\n{b}: w\n"));
                agrees(&format!("m:\n  {a}: v\n  '{b}': w\n"));
            }
        }
    }

    #[test]
    fn leaves_deep_nesting_and_document_storms_to_serde_saphyr() {
        let deep = format!("a: {}1{}\n", "[".repeat(40), "]".repeat(40));
        assert!(documents(&deep, false).is_none());
        let shallow = format!("a: {}1{}\n", "[".repeat(20), "]".repeat(20));
        assert!(agrees(&shallow).is_some());
        assert!(documents(&"---\na: 1\n".repeat(600), false).is_none());
    }

    /// Every template of every golden scenario is read directly, and as serde-saphyr reads
    /// it (the speed of a render depends on the first, its output on the second).
    #[test]
    fn every_scenario_template_is_read_directly() {
        let mut read = 0;
        for (scenario, files) in scenario_texts() {
            for file in &files {
                assert!(
                    agrees(&file.text).is_some(),
                    "{scenario}: {} is not read directly",
                    file.template
                );
                read += 1;
            }
        }
        assert!(read > 100, "{read}");
    }

    /// Scalars of every kind YAML resolves, and some that look like them.
    fn scalar_text() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "",
                "~",
                "null",
                "Null",
                "NULL",
                "nULL",
                "true",
                "True",
                "TRUE",
                "false",
                "yes",
                "No",
                "on",
                "OFF",
                "y",
                "n",
                "0",
                "-0",
                "+0",
                "00",
                "07",
                "0755",
                "08",
                "1",
                "-1",
                "+1",
                "12",
                "1_000",
                "0x1f",
                "0X1F",
                "0o17",
                "0b1",
                "1.5",
                ".5",
                "5.",
                "1e3",
                "1E-3",
                "-.inf",
                ".inf",
                ".NaN",
                "nan",
                "inf",
                "Infinity",
                "-inf",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "18446744073709551616",
                "a",
                "abc",
                "a b",
                "a: b",
                "a #c",
                "- a",
                "http://x",
                "2001-12-14",
                "12:30",
                "<<",
                "=",
                "!x",
                "&a",
                "*a",
                "'q'",
                "\"q\"",
                "[a]",
                "{a: b}",
                "é",
                "x\ty",
                "%x",
            ])
            .prop_map(String::from),
            "[a-z0-9 .:_+-]{0,8}",
        ]
    }

    /// How a scalar is written: plain, single- or double-quoted, or as a block.
    fn written(s: &str, how: u8, indent: usize) -> String {
        match how {
            0 => s.to_string(),
            1 => format!("'{}'", s.replace('\'', "''")),
            2 => serde_json::to_string(s).unwrap(),
            _ => format!("|-\n{}{s}", " ".repeat(indent + 2)),
        }
    }

    /// A random YAML text of mappings, sequences (block and flow) and scalars.
    fn yaml_text() -> impl Strategy<Value = String> {
        #[derive(Debug, Clone)]
        enum Node {
            Scalar(String, u8),
            Seq(Vec<Node>),
            Map(Vec<(String, u8, Node)>),
            Flow(Vec<(String, String)>),
        }
        let leaf = (scalar_text(), 0u8..4).prop_map(|(s, h)| Node::Scalar(s, h));
        let node = leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(Node::Seq),
                prop::collection::vec((scalar_text(), 0u8..3, inner), 1..4).prop_map(Node::Map),
                prop::collection::vec((scalar_text(), scalar_text()), 0..3).prop_map(Node::Flow),
            ]
        });
        fn render(n: &Node, indent: usize, out: &mut String) {
            let pad = " ".repeat(indent);
            match n {
                Node::Scalar(s, h) => {
                    out.push(' ');
                    out.push_str(&written(s, *h, indent));
                    out.push('\n');
                }
                Node::Flow(kv) => {
                    let items: Vec<String> = kv
                        .iter()
                        .map(|(k, v)| format!("{}: {}", written(k, 2, 0), written(v, 2, 0)))
                        .collect();
                    out.push_str(&format!(" {{{}}}\n", items.join(", ")));
                }
                Node::Seq(items) => {
                    out.push('\n');
                    for item in items {
                        out.push_str(&format!("{pad}-"));
                        render(item, indent + 2, out);
                    }
                }
                Node::Map(kv) => {
                    out.push('\n');
                    for (k, h, v) in kv {
                        out.push_str(&format!("{pad}{}:", written(k, *h, indent)));
                        render(v, indent + 2, out);
                    }
                }
            }
        }
        prop::collection::vec(
            prop::collection::vec((scalar_text(), 0u8..3, node), 1..4),
            1..3,
        )
        .prop_map(|docs| {
            let mut out = String::new();
            for doc in docs {
                out.push_str("---\n");
                for (k, h, v) in doc {
                    out.push_str(&format!("{}:", written(&k, h, 0)));
                    render(&v, 2, &mut out);
                }
            }
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Whatever the direct reading reads, serde-saphyr reads the same way (and accepts).
        #[test]
        fn direct_reading_is_serde_saphyrs(text in yaml_text()) {
            agrees(&text);
        }
    }
}
