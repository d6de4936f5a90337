//! YAML text of one value tree, block style: this module lays out the mappings and
//! sequences (indentation, `key:` and `- `); how each scalar is written (plain, quoted or a
//! block scalar) is serde-saphyr's decision, taken from its own output, except for the
//! strings every YAML 1.1 and 1.2 reader reads as the same plain string, which are written
//! as they are. The layout is serde-saphyr's default one, byte for byte (the tests below
//! compare the two on the chart's renders and on generated trees), at a third of its cost:
//! serde-saphyr decides each key's quoting anew, and a render writes thousands of keys.

use serde_json::{Map, Number, Value};

/// Why the layout here stopped: serde-saphyr failed on a scalar, or a key's text is past
/// YAML's 1024-character limit for implicit keys (escapes included), which serde-saphyr
/// writes in the explicit `? key` form with a layout of its own (rare: the whole document
/// is then left to serde-saphyr).
enum Stop {
    Saphyr(serde_saphyr::SerializeError),
    LongKey,
}

impl From<serde_saphyr::SerializeError> for Stop {
    fn from(e: serde_saphyr::SerializeError) -> Self {
        Stop::Saphyr(e)
    }
}

/// Appends `value` as a YAML document body (no `---`) to `out`.
pub fn write(out: &mut String, value: &Value) -> Result<(), serde_saphyr::SerializeError> {
    let start = out.len();
    let laid_out = match value {
        Value::Object(map) if !map.is_empty() => mapping(out, map, 0, false),
        // A document is a mapping; anything else is rare enough to leave to serde-saphyr.
        _ => Err(Stop::LongKey),
    };
    match laid_out {
        Ok(()) => Ok(()),
        Err(Stop::Saphyr(e)) => Err(e),
        Err(Stop::LongKey) => {
            out.truncate(start);
            serde_saphyr::to_fmt_writer(out, value)
        }
    }
}

/// The entries of a non-empty mapping, keys at column `indent`. The first key follows the
/// text already on the line when `inline` (a mapping that is a sequence item, after `- `).
fn mapping(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    inline: bool,
) -> Result<(), Stop> {
    for (n, (key, value)) in map.iter().enumerate() {
        if n > 0 || !inline {
            pad(out, indent);
        }
        write_key(out, key)?;
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                mapping(out, m, indent + 2, false)?;
            }
            // Sequences in a mapping are not indented past their key (compact lists).
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                sequence(out, items, indent, false)?;
            }
            scalar_or_empty => {
                out.push(' ');
                leaf(out, scalar_or_empty, indent)?;
            }
        }
    }
    Ok(())
}

/// The items of a non-empty sequence, dashes at column `indent` (the first one after the
/// text already on the line when `inline`).
fn sequence(out: &mut String, items: &[Value], indent: usize, inline: bool) -> Result<(), Stop> {
    for (n, item) in items.iter().enumerate() {
        if n > 0 || !inline {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => mapping(out, m, indent + 2, true)?,
            Value::Array(inner) if !inner.is_empty() => sequence(out, inner, indent + 2, true)?,
            scalar_or_empty => leaf(out, scalar_or_empty, indent)?,
        }
    }
    Ok(())
}

/// A scalar, `{}` or `[]` and its line's end; a block scalar's body is indented past
/// `parent` (the column of its key or dash).
fn leaf(
    out: &mut String,
    value: &Value,
    parent: usize,
) -> Result<(), serde_saphyr::SerializeError> {
    match value {
        Value::Null => out.push_str("null\n"),
        Value::Bool(b) => out.push_str(if *b { "true\n" } else { "false\n" }),
        Value::Number(n) => number(out, n)?,
        Value::String(s) if plain_everywhere(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::String(_) => {
            let text = serde_saphyr::to_string(value)?;
            if text.starts_with(['|', '>']) {
                // A block scalar: serde-saphyr indents a root one's body by two columns;
                // here it goes two columns past its parent.
                for (n, line) in text.split_inclusive('\n').enumerate() {
                    if n > 0 && line != "\n" {
                        pad(out, parent);
                    }
                    out.push_str(line);
                }
            } else {
                out.push_str(&text);
            }
        }
        Value::Object(_) => out.push_str("{}\n"),
        Value::Array(_) => out.push_str("[]\n"),
    }
    Ok(())
}

/// An integer as its digits; any other number as serde-saphyr writes it.
fn number(out: &mut String, n: &Number) -> Result<(), serde_saphyr::SerializeError> {
    use std::fmt::Write;
    if let Some(i) = n.as_i64() {
        let _ = writeln!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = writeln!(out, "{u}");
    } else {
        out.push_str(&serde_saphyr::to_string(n)?);
    }
    Ok(())
}

/// A mapping key, plain when it is plain everywhere, else as serde-saphyr writes a key
/// (its key rules are stricter than a value's: `:` is always quoted).
fn write_key(out: &mut String, key: &str) -> Result<(), Stop> {
    if plain_everywhere(key) {
        out.push_str(key);
        return Ok(());
    }
    let mut one = Map::new();
    one.insert(key.to_owned(), Value::Null);
    let text = serde_saphyr::to_string(&Value::Object(one))?;
    // A simple key's text never starts `? ` (a plain `?` before a space is quoted).
    if text.starts_with("? ") {
        return Err(Stop::LongKey);
    }
    out.push_str(text.strip_suffix(": null\n").unwrap_or(&text));
    Ok(())
}

/// Whether `s` is read back as this same string, in key and value position, by YAML 1.1
/// and 1.2 readers alike, when written plain: a letter, then letters, digits, `.`, `_`,
/// `/` and `-` only (no indicator, space, `:` or `#`; nothing a number, timestamp or
/// `---` can start with), at most 80 bytes (longer strings may be folded), and none of
/// the words 1.1 reads as a boolean, null or float.
fn plain_everywhere(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 80 || !b[0].is_ascii_alphabetic() {
        return false;
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'/' | b'-'))
    {
        return false;
    }
    b.len() > 5
        || ![
            "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
        ]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
}

/// `n` spaces.
fn pad(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        left -= k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn ours(v: &Value) -> String {
        let mut out = String::new();
        write(&mut out, v).unwrap();
        out
    }

    /// serde-saphyr's own emitter: the reference layout.
    fn theirs(v: &Value) -> String {
        serde_saphyr::to_string(v).unwrap()
    }

    #[test]
    fn same_text_as_serde_saphyr_on_edge_cases() {
        let long = "word ".repeat(30);
        let cases = [
            json!({"a": 1, "b": -2, "c": 1.5, "d": 1e300, "e": u64::MAX, "f": null, "g": true}),
            json!({"empty": {}, "none": [], "nested": {"x": {"y": []}}}),
            json!({"list": [1, [2, [3, []]], {}, {"k": "v", "l": [{"m": {}}]}]}),
            json!({"s": ["yes", "No", "ON", "y", "~", "null", "0755", "1e3", ".inf", "-", ".", "#"]}),
            json!({"yes": 1, "a: b": 2, "": 3, " lead": 4, "x#y": 5, "k\nl": 6, "-": 7, "<<": 8}),
            json!({"block": "line one\nline two\n", "strip": "a\nb", "keep": "a\n\n",
                   "indented": "  first\nsecond\n", "blank": "a\n\nb\n", "cr": "a\r\nb"}),
            json!({"seq": ["one\ntwo\n", {"k": "x\ny"}, ["p\nq"]], "in": {"deep": {"s": "m\nn\n"}}}),
            json!({"folded": long.clone(), "list": [long.clone()], "m": {"n": [{"o": long}]}}),
            json!({"a": "x".repeat(80), "b": "x".repeat(81), "c": "a-b.c_d/e", "d": "Infinity"}),
            json!({"k".repeat(1030): {"a": [1]}, "b": {"k".repeat(1001): "v"}}),
            json!({"r": {"\u{c}".repeat(520): "yes"}, "s": {"\u{c}".repeat(200): 1}}),
            json!({"ü".repeat(600): 1, "a": {"é".repeat(520): {"x": 2}}}),
            json!({"u": "ünïcödé", "t": "tab\there", "e": "\u{feff}bom", "z": "\u{0}", "q": "'\""}),
        ];
        for v in cases {
            assert_eq!(ours(&v), theirs(&v), "for {v}");
        }
    }

    #[test]
    fn keys_and_values_plain_only_when_safe() {
        for s in ["a", "Abc", "a.b-c_d/e", "x1"] {
            assert!(plain_everywhere(s), "{s}");
        }
        for s in [
            "", "y", "N", "yes", "OFF", "Null", "nan", "INF", "1a", "-a", ".a", "a b", "a:b",
            "a#b", "é", "a\n",
        ] {
            assert!(!plain_everywhere(s), "{s:?}");
        }
        assert!(!plain_everywhere(&"a".repeat(81)));
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z][a-zA-Z0-9._/-]{0,12}",
            "(yes|no|on|off|y|n|null|true|~|-|\\.|#|<<|=|0x1F|0o17|1_0|12:30|2024-01-01|\\.inf)",
            "[ -~]{0,20}",
            "[a-z \n#:'\"-]{0,30}",
            "( ?[a-z]{1,9}){8,20}",
            "[a-z]{995,1030}",
            "[a-z\u{c}]{400,600}",
            any::<String>(),
        ]
    }

    fn tree() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((text(), inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn same_text_as_serde_saphyr(v in tree()) {
            let doc = json!({"root": v});
            prop_assert_eq!(ours(&doc), theirs(&doc));
        }

        #[test]
        fn same_text_as_serde_saphyr_at_the_root(m in prop::collection::vec((text(), tree()), 1..6)) {
            let doc = Value::Object(m.into_iter().collect());
            prop_assert_eq!(ours(&doc), theirs(&doc));
        }
    }
}
