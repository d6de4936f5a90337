//! Line reading: the block YAML our templates print (indented mappings and sequences,
//! one-line plain and double-quoted scalars, one-line flow collections, plain block
//! scalars, held-value tokens) read a line at a time into JSON values, without a YAML
//! scanner: a third of the event reader's cost on the chart's texts ([`super::direct`]),
//! which reads whatever this leaves (`None`): multi-line flow and quoted scalars, single
//! quotes, block scalars with indicators or blank lines, comments after a value, tabs,
//! anchors, tags, any key or scalar outside the plain spellings below. What it reads, it
//! reads as
//! serde-saphyr does (the tests compare the three readings, and the `parse_lines` fuzz
//! target compares this one with serde-saphyr on any text).
//!
//! The YAML 1.2 rules relied on (yaml.org/spec/1.2.2): a line's indentation is its
//! leading spaces (§6.1; a tab there is left to the event reader); a comment line is
//! ignored (§6.6); a block mapping's entries and a block sequence's entries share one
//! indentation, and a sequence may sit at its key's indentation (§8.2.1, "compact"); a
//! `- ` entry's content starts a compact collection at its own column (§8.2.1); a plain
//! scalar cannot start with an indicator (§7.3.3) nor hold `: ` or ` #` (§7.3.3,
//! ns-plain-char), and a more indented line after it would continue it (§7.3.3, multi-line
//! plain scalars: left to the event reader); a block scalar's lines are those more
//! indented than its header's line (§8.1.1.1), folded (`>`) with spaces or kept (`|`) with
//! line breaks, one line break kept at the end unless `-` strips it (§8.1.1.2). Scalars are
//! resolved by the event reader's own rules (`direct::scalar`), keys by its key
//! rules.

// The event reader's budgets (MAX_*) too: no text that could pass them is read here.
use super::direct::{MAX_DEPTH, MAX_DOCUMENTS, MAX_TEXT, insert_new, key_text, scalar};
use crate::render::held::{CLOSE, OPEN, token};
use granit_parser::ScalarStyle;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A plain or quoted key on one line is an implicit key, which YAML limits to 1024
/// characters (§7.4.2, ns-s-implicit-yaml-key): longer ones are left to the event reader.
const MAX_KEY: usize = 1000;

/// A line with content: its indentation and its text from the first non-space character,
/// trailing spaces removed.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
    /// The line's number in the text, where the next line starts, and whether spaces
    /// were cut from its end: a block scalar's lines are read only when they follow one
    /// another, keep every space, and the line after them is not blank or a comment.
    number: usize,
    next: usize,
    trimmed: bool,
}

/// The documents of `text` (empty ones as `Null`), or `None` when it is outside what this
/// reads (see the module documentation). `tokens` as for [`super::direct::documents`].
pub fn documents(text: &str, tokens: bool) -> Option<Vec<Value>> {
    if text.len() > MAX_TEXT || !plain_characters(text) {
        return None;
    }
    let mut docs = Vec::new();
    // The lines of the document being gathered; whether it was opened by `---` or has
    // content (the stream's first document is there only then).
    let mut lines: Vec<Line> = Vec::with_capacity(64);
    let mut open = false;
    let mut ended = false;
    let mut next = 0;
    for (number, raw) in text.split('\n').enumerate() {
        next += raw.len() + 1;
        let content = raw.trim_start_matches(' ');
        let indent = raw.len() - content.len();
        let untrimmed = content.len();
        let content = content.trim_end_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            match content {
                "---" => {
                    if open || !lines.is_empty() {
                        docs.push(document(text, &mut lines, tokens)?);
                    }
                    if docs.len() >= MAX_DOCUMENTS {
                        return None;
                    }
                    open = true;
                    ended = false;
                }
                "..." if open || !lines.is_empty() => {
                    docs.push(document(text, &mut lines, tokens)?);
                    open = false;
                    ended = true;
                }
                _ => return None,
            }
            continue;
        }
        // After `...` only a `---` may follow (a bare document there is left alone); a
        // directive (`%`) only before a `---`.
        if ended || (indent == 0 && content.starts_with('%')) {
            return None;
        }
        lines.push(Line {
            indent,
            text: content,
            number,
            next,
            trimmed: content.len() != untrimmed,
        });
    }
    if open || !lines.is_empty() {
        docs.push(document(text, &mut lines, tokens)?);
    }
    Some(docs)
}

/// Whether every character is one this reader takes as it stands: printable (YAML §5.1),
/// no tab, carriage return, byte order mark, NEL or line/paragraph separator. Read byte by
/// byte: the text is UTF-8, so only the lead bytes of the characters refused need a look.
fn plain_characters(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ok = match b {
            b' '..=b'~' | b'\n' => true,
            0..=0x7f => false,
            // U+0080–U+009F (C1 controls, NEL among them).
            0xc2 => bytes[i + 1] >= 0xa0,
            // U+2028, U+2029.
            0xe2 => !(bytes[i + 1] == 0x80 && matches!(bytes[i + 2], 0xa8 | 0xa9)),
            // U+FEFF, U+FFFE, U+FFFF.
            0xef => !matches!(
                (bytes[i + 1], bytes[i + 2]),
                (0xbb, 0xbf) | (0xbf, 0xbe | 0xbf)
            ),
            _ => true,
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `s` holds a token character ([`OPEN`] or [`CLOSE`], both led by the byte 0xEE).
fn has_token_char(s: &str) -> bool {
    s.as_bytes().contains(&0xee) && s.contains([OPEN, CLOSE])
}

/// The value of one document's lines (taken out of `lines`): a mapping, `Null` when it has
/// none, or (with `tokens`) one token standing for a whole document.
fn document<'a>(text: &'a str, lines: &mut Vec<Line<'a>>, tokens: bool) -> Option<Value> {
    let value = match lines.first() {
        None => Value::Null,
        Some(first) if lines.len() == 1 && tokens && token(first.text).is_some() => {
            Value::String(first.text.to_string())
        }
        Some(first) => {
            if is_entry(first.text) {
                return None;
            }
            let indent = first.indent;
            let mut reader = Reader {
                text,
                lines: std::mem::take(lines),
                pos: 0,
                tokens,
            };
            let value = reader.mapping(indent, 0)?;
            if reader.pos != reader.lines.len() {
                return None;
            }
            *lines = reader.lines;
            value
        }
    };
    lines.clear();
    Some(value)
}

/// Whether a line's text is a block sequence entry (`- …` or a lone `-`).
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

struct Reader<'a> {
    /// The whole text (for what lies between lines).
    text: &'a str,
    lines: Vec<Line<'a>>,
    pos: usize,
    tokens: bool,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// The block collection whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Value> {
        if is_entry(self.peek()?.text) {
            self.sequence(indent, false, depth)
        } else {
            self.mapping(indent, depth)
        }
    }

    /// A block mapping whose entries are at `indent`; it ends at a less indented line.
    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Value> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let mut map = Map::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_entry(line.text) {
                return None;
            }
            let (key, rest) = self.block_key(line.text)?;
            self.pos += 1;
            let value = if rest.is_empty() {
                match self.peek() {
                    Some(next) if next.indent > indent => self.block(next.indent, depth + 1)?,
                    // A sequence at its key's indentation.
                    Some(next) if next.indent == indent && is_entry(next.text) => {
                        self.sequence(indent, true, depth + 1)?
                    }
                    _ => Value::Null,
                }
            } else {
                self.inline(line, rest, depth + 1)?
            };
            insert_new(&mut map, key.into_owned(), value)?;
        }
        Some(Value::Object(map))
    }

    /// A block sequence whose entries are at `indent`. One at its key's indentation
    /// (`under_key`) ends at the next line that is not an entry; any other, at a less
    /// indented line.
    fn sequence(&mut self, indent: usize, under_key: bool, depth: usize) -> Option<Value> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent || (under_key && !is_entry(line.text)) {
                break;
            }
            if line.indent > indent || !is_entry(line.text) {
                return None;
            }
            let after = &line.text[1..];
            let rest = after.trim_start_matches(' ');
            if rest.is_empty() {
                self.pos += 1;
                items.push(match self.peek() {
                    Some(next) if next.indent > indent => self.block(next.indent, depth + 1)?,
                    _ => Value::Null,
                });
                continue;
            }
            // The entry's content starts a node at its own column: read on as if it
            // were a line of its own there.
            let column = indent + 1 + (after.len() - rest.len());
            if is_entry(rest) || self.starts_key(rest) {
                self.lines[self.pos] = Line {
                    indent: column,
                    text: rest,
                    ..line
                };
                items.push(self.block(column, depth + 1)?);
            } else {
                self.pos += 1;
                items.push(self.inline(line, rest, depth + 1)?);
            }
        }
        Some(Value::Array(items))
    }

    /// Whether a text starts with a key this reader reads (`key:` or `key: …`); a plain
    /// key, or a quoted one without escapes, is only looked at, not copied.
    fn starts_key(&self, text: &str) -> bool {
        self.block_key(text).is_some()
    }

    /// A block mapping entry's key and the text after its `: ` (empty for `key:`).
    fn block_key<'t>(&self, text: &'t str) -> Option<(Cow<'t, str>, &'t str)> {
        let (key, rest) = self.key(text)?;
        let rest = rest.strip_prefix(':')?;
        if !rest.is_empty() && !rest.starts_with(' ') {
            return None;
        }
        Some((key, rest.trim_start_matches(' ')))
    }

    /// A key at the start of `text` (plain or double-quoted) and the text after it
    /// (borrowed from `text` unless an escape made it anew).
    fn key<'t>(&self, text: &'t str) -> Option<(Cow<'t, str>, &'t str)> {
        let (key, style, rest) = if let Some(body) = text.strip_prefix('"') {
            let (key, rest) = quoted(body)?;
            (key, ScalarStyle::DoubleQuoted, rest)
        } else {
            let end = text
                .bytes()
                .position(|b| !is_key_byte(b))
                .unwrap_or(text.len());
            let first = *text.as_bytes().first()?;
            if !(first.is_ascii_alphanumeric() || first == b'_') {
                return None;
            }
            (
                Cow::Borrowed(&text[..end]),
                ScalarStyle::Plain,
                &text[end..],
            )
        };
        if key.len() > MAX_KEY || (self.tokens && has_token_char(&key)) {
            return None;
        }
        Some((key_text(key, style)?, rest))
    }

    /// A value written on its key's or entry's line (`at`): it is the whole rest of the
    /// line, and no more indented line may follow it (that would continue or break it),
    /// but for a block scalar's header, whose lines follow.
    fn inline(&mut self, at: Line<'a>, text: &str, depth: usize) -> Option<Value> {
        if let Some((folded, strip)) = block_header(text) {
            return self.block_scalar(at, folded, strip);
        }
        let (value, rest) = self.flow_node(text, false, depth)?;
        if !rest.is_empty() {
            return None;
        }
        Some(value)
    }

    /// A block scalar's lines, after its header on line `at` (YAML §8.1): more indented
    /// than `at`, one after the other (no blank or comment line between them), all at the
    /// first one's indentation, none ending in a space. Folded (`>`), they are joined by
    /// spaces; literal (`|`), by line breaks; a line break ends them unless `strip` (`-`).
    fn block_scalar(&mut self, at: Line<'a>, folded: bool, strip: bool) -> Option<Value> {
        let mut parts: Vec<&str> = Vec::new();
        let mut previous = at.number;
        let mut after = at.next;
        let mut indent = None;
        while let Some(line) = self.peek() {
            if line.indent <= at.indent {
                break;
            }
            if line.number != previous + 1
                || line.trimmed
                || *indent.get_or_insert(line.indent) != line.indent
                || (self.tokens && has_token_char(line.text))
            {
                return None;
            }
            parts.push(line.text);
            previous = line.number;
            after = line.next;
            self.pos += 1;
        }
        // The line after the last one: a blank line or a comment there may be the
        // scalar's (`#` is text in a scalar; trailing blank lines count for `+`).
        let following = self.text.get(after..).unwrap_or("");
        let following =
            following[..following.find('\n').unwrap_or(following.len())].trim_start_matches(' ');
        if parts.is_empty()
            || (after < self.text.len() && (following.is_empty() || following.starts_with('#')))
        {
            return None;
        }
        let mut value = parts.join(if folded { " " } else { "\n" });
        if !strip {
            value.push('\n');
        }
        Some(Value::String(value))
    }

    /// One node written inline at the start of `text`, and the text after it. In a flow
    /// collection (`in_flow`) a plain scalar ends at `,`, `]` or `}`; outside, at the end
    /// of the line.
    fn flow_node<'t>(
        &self,
        text: &'t str,
        in_flow: bool,
        depth: usize,
    ) -> Option<(Value, &'t str)> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let first = *text.as_bytes().first()?;
        match first {
            b'"' => {
                let (s, rest) = quoted(&text[1..])?;
                if self.tokens && has_token_char(&s) {
                    return None;
                }
                Some((Value::String(s.into_owned()), rest))
            }
            b'{' => self.flow_mapping(&text[1..], depth),
            b'[' => self.flow_sequence(&text[1..], depth),
            _ => {
                // Characters that start something other than a plain scalar (§7.3.3,
                // c-indicator), and `?`, `:` (which may, but are left alone); `-` starts
                // one when a character that could go on it follows (ns-plain-first).
                let dash_plain = first == b'-'
                    && text
                        .as_bytes()
                        .get(1)
                        .is_some_and(|&b| b != b' ' && !(in_flow && is_flow_indicator(b)));
                if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) && !dash_plain {
                    return None;
                }
                let end = if in_flow {
                    text.bytes()
                        .position(is_flow_indicator)
                        .unwrap_or(text.len())
                } else {
                    text.len()
                };
                let plain = text[..end].trim_end_matches(' ');
                // A `: ` or ` #` inside, or a `:` ending it, makes it something else;
                // in a flow collection any `:` or `#` is left alone.
                let pb = plain.as_bytes();
                let other = pb.iter().enumerate().any(|(i, &b)| match b {
                    b':' => in_flow || pb.get(i + 1).is_none_or(|&n| n == b' '),
                    b'#' => in_flow || i.checked_sub(1).is_some_and(|p| pb[p] == b' '),
                    _ => false,
                });
                if other {
                    return None;
                }
                let value = if self.tokens && has_token_char(plain) {
                    token(plain)?;
                    Value::String(plain.to_string())
                } else {
                    scalar(Cow::Borrowed(plain), ScalarStyle::Plain)?
                };
                Some((value, &text[end..]))
            }
        }
    }

    /// A one-line flow mapping after its `{`, and the text after its `}`.
    fn flow_mapping<'t>(&self, text: &'t str, depth: usize) -> Option<(Value, &'t str)> {
        let mut map = Map::new();
        let after = flow_items(text, '}', |rest| {
            let (key, after) = self.key(rest)?;
            let after = after.strip_prefix(": ")?.trim_start_matches(' ');
            let (value, after) = self.flow_node(after, true, depth + 1)?;
            insert_new(&mut map, key.into_owned(), value)?;
            Some(after)
        })?;
        Some((Value::Object(map), after))
    }

    /// A one-line flow sequence after its `[`, and the text after its `]`.
    fn flow_sequence<'t>(&self, text: &'t str, depth: usize) -> Option<(Value, &'t str)> {
        let mut items = Vec::new();
        let after = flow_items(text, ']', |rest| {
            let (value, after) = self.flow_node(rest, true, depth + 1)?;
            items.push(value);
            Some(after)
        })?;
        Some((Value::Array(items), after))
    }
}

/// A one-line flow collection after its opening bracket: each item read by `item` (which
/// answers the text after it), up to `close`; the text after `close`.
fn flow_items<'t>(
    text: &'t str,
    close: char,
    mut item: impl FnMut(&'t str) -> Option<&'t str>,
) -> Option<&'t str> {
    let mut rest = text.trim_start_matches(' ');
    if let Some(after) = rest.strip_prefix(close) {
        return Some(after.trim_start_matches(' '));
    }
    loop {
        match next_item(item(rest)?, close)? {
            Next::Closed(after) => return Some(after),
            Next::Item(next) => rest = next,
        }
    }
}

/// A flow indicator (YAML §5.3, c-flow-indicator): it ends a plain scalar in a flow
/// collection.
fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// A block scalar's header read here, as (folded, strip): `|`, `|-`, `>`, `>-`; with an
/// indentation indicator, `+` or a comment it is left to the event reader.
fn block_header(text: &str) -> Option<(bool, bool)> {
    match text {
        "|" => Some((false, false)),
        "|-" => Some((false, true)),
        ">" => Some((true, false)),
        ">-" => Some((true, true)),
        _ => None,
    }
}

/// What follows an item of a flow collection.
enum Next<'t> {
    /// The collection's closing bracket, and the text after it.
    Closed(&'t str),
    /// A `,`, and the next item's text.
    Item(&'t str),
}

/// What follows a flow collection's item (`after` it): its `close` bracket or a `,` and
/// another item; `None` for anything else, or an empty item (`{a: 1, }`, `[a, ]`).
fn next_item(after: &str, close: char) -> Option<Next<'_>> {
    let after = after.trim_start_matches(' ');
    if let Some(rest) = after.strip_prefix(close) {
        return Some(Next::Closed(rest.trim_start_matches(' ')));
    }
    let item = after.strip_prefix(',')?.trim_start_matches(' ');
    (!item.starts_with(close)).then_some(Next::Item(item))
}

/// Bytes of a plain key read here: ASCII letters, digits and `._/-` (label and annotation
/// keys, file names, field names).
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-')
}

/// A one-line double-quoted scalar's value, after its opening quote, and the text after its
/// closing one; `None` for an escape outside JSON's (which is how templates quote) or a
/// scalar that goes on to the next line.
fn quoted(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let bytes = text.as_bytes();
    let close = bytes.iter().position(|&b| b == b'"' || b == b'\\')?;
    if bytes[close] == b'"' {
        return Some((Cow::Borrowed(&text[..close]), &text[close + 1..]));
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..close]);
    let mut i = close;
    loop {
        let run = bytes[i..].iter().position(|&b| b == b'"' || b == b'\\')? + i;
        out.push_str(&text[i..run]);
        if bytes[run] == b'"' {
            return Some((Cow::Owned(out), &text[run + 1..]));
        }
        let escape = *bytes.get(run + 1)?;
        i = run + 2;
        out.push(match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hex = text.get(i..i + 4)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                i += 4;
                // A surrogate (half of a JSON pair) is left alone.
                char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
            }
            _ => return None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{objects, saphyr, scenario_texts};
    use super::*;
    use proptest::prelude::*;

    /// This reading, when there is one, is serde-saphyr's and the event reader's.
    fn agrees(text: &str) -> Option<Vec<Value>> {
        let lines = documents(text, false);
        if let Some(d) = &lines {
            let s = saphyr(text)
                .unwrap_or_else(|e| panic!("read {text:?} that serde-saphyr rejects: {e}"));
            assert_eq!(objects(d), objects(&s), "serde-saphyr, for {text:?}");
            if let Some(e) = super::super::direct::events(text, false) {
                assert_eq!(objects(d), objects(&e), "the event reader, for {text:?}");
            }
        }
        lines
    }

    #[test]
    fn reads_the_block_yaml_templates_print() {
        let read = [
            "kind: A\n",
            "a: 1\nb: -42\nc: 0\nd: true\ne: false\nf: null\ng: ~\nh:\ni: Null\n",
            "a: \"1\"\nc: \"null\"\nd: \"\"\ne: \"x\\ny\\t\\\"z\\\" \\\\ \\u00e9 \\/\"\n",
            "a: some words, not a key\nb: http://x.example/y\nc: Hello world\n",
            "a: [1, two, \"3\"]\nb: {c: d, e: 5}\nc: {}\nd: []\ne: {f: [g, {h: i}]}\n",
            "---\nkind: A\n---\n---\nkind: B\n...\n",
            "labels:\n  app.kubernetes.io/name: mlflow\n  \"quoted key\": x\n",
            "a: 999999999999999999\nb: -999999999999999999\n",
            "true: v\n10-mlflow.sh: v\n\"1\": x\n",
            "spec:\n  containers:\n    - name: a\n      image: b\n    - name: c\n  x: 1\n",
            "a:\n- 1\n- b: 2\n  c: 3\nd: 4\n",
            "a:\n  - - 1\n    - 2\n  -\n    b: c\n  -\n",
            "  a: 1\n  b:\n    c: 2\n",
            "# a comment\na: 1\n\n   \n  # indented comment\nb: 2\n",
            "a: x#y\nb: [a b, c]\nc: [ d , e ]\n",
            "a: \"\\u0000\\u001f\\u007f\\u0085\\u2028\\ufeff\\uffff\"\n",
            "a: {\"b c\": d}\n\"e\": [\"f\"]\n",
            "a: -1\nb: [-2, 3]\n",
            "a: |\n  x: y # z\n  'q' \"r\"\nb: >-\n  p q\n  r\nc:\n  - >\n    s\n  - |-\n    - t\n  - k: |\n     u\n",
            "",
            "# only a comment\n",
        ];
        for text in read {
            assert!(agrees(text).is_some(), "not read: {text:?}");
        }
    }

    #[test]
    fn leaves_the_rest_to_the_event_reader() {
        let left = [
            "a: 1.5\n",
            "a: 0755\n",
            "a: yes\n",
            "a: 'q'\n",
            "a: |\n  x\n\n  y\n",
            "a: |\n\n  x\n",
            "a: |\n  x\n    y\n",
            "a: |\n    x\n  y\n",
            "a: |\n  x \n",
            "a: |\n  #x\n",
            "a: |+\n  x\n",
            "a: |2\n  x\n",
            "a: | # c\n  x\n",
            "a: |\nb: 1\n",
            "a: |\n  x\n  # c\n",
            "a: |\n  x\n\n",
            "a: |\n  x\n     \nb: 1\n",
            "a: b\n  c\n",
            "a: \"b\n  c\"\n",
            "a: b #c\n",
            "a: b: c\n",
            "a: b:\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: &x 1\n",
            "a: *x\n",
            "a: !!str 1\n",
            "a: [a: b]\n",
            "a: {b: c, }\n",
            "a: [b, ]\n",
            "a: {b: c}\n  d: e\n",
            "a: \"\\x41\"\n",
            "a: \"\\ud800\"\n",
            "a: 1\na: 2\n",
            "a: {b: 1, b: 2}\n",
            "<<: {a: 1}\n",
            "1: a\n",
            "~: x\n",
            "? a\n: b\n",
            "- a\n",
            "just text\n",
            "a:\n  b: 1\n c: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: 1\n- b\n",
            "%YAML 1.2\n---\na: 1\n",
            "--- a: 1\n",
            "a: 1\n...\nb: 2\n",
            "a: [\n  1]\n",
            "\u{feff}a: 1\n",
            "a: \u{85}\n",
            "a: \u{1}\n",
        ];
        for text in left {
            assert!(agrees(text).is_none(), "read: {text:?}");
        }
        let long_key = format!("{}: 1\n", "k".repeat(1100));
        assert!(agrees(&long_key).is_none());
        let deep = format!("a: {}1{}\n", "[".repeat(40), "]".repeat(40));
        assert!(documents(&deep, false).is_none());
        assert!(documents(&"---\na: 1\n".repeat(600), false).is_none());
    }

    /// With tokens, a token is read only as a whole plain value or a whole document, as
    /// the event reader reads them.
    #[test]
    fn tokens_only_as_whole_plain_values() {
        let t = format!("{OPEN}0{CLOSE}");
        let read = [
            format!("a: {t}\nb:\n  - {t}\n  - {{c: {t}}}\n"),
            format!("{t}\n"),
        ];
        for text in &read {
            let lines = documents(text, true).unwrap_or_else(|| panic!("not read: {text:?}"));
            assert_eq!(Some(lines), super::super::direct::events(text, true));
        }
        let left = [
            format!("{t}: a\n"),
            format!("a: \"{t}\"\n"),
            format!("a: x{t}\n"),
            format!("a: {OPEN}x{CLOSE}\n"),
            format!("a: [{t}x]\n"),
        ];
        for text in &left {
            assert!(documents(text, true).is_none(), "read: {text:?}");
            assert!(super::super::direct::events(text, true).is_none());
        }
    }

    /// Every text the chart renders, in every golden scenario, but for the few with a
    /// block scalar, is read here (a render's speed depends on it).
    #[test]
    fn reads_the_charts_own_texts() {
        let (mut read, mut left) = (0, Vec::new());
        for (scenario, files) in scenario_texts() {
            for file in &files {
                let tokens = !file.held.is_empty();
                match documents(&file.text, tokens) {
                    Some(docs) => {
                        assert_eq!(
                            Some(docs),
                            super::super::direct::events(&file.text, tokens),
                            "{scenario}: {}",
                            file.template
                        );
                        read += 1;
                    }
                    None => left.push(file.template.clone()),
                }
            }
        }
        left.sort();
        left.dedup();
        assert!(read > 300, "{read}");
        assert!(left.is_empty(), "{left:?}");
    }

    /// Pieces of lines: mostly what the templates print, and what is near it but means
    /// something else in YAML.
    fn piece() -> impl Strategy<Value = String> {
        let printed = prop::sample::select(vec![
            "a",
            "b c",
            "name",
            "app.kubernetes.io/name",
            "x_y",
            "10-a.sh",
            "1",
            "-2",
            "true",
            "null",
            "\"q\"",
            "\"a\\nb\"",
            "[]",
            "{}",
            "[a, \"b\"]",
            "{a: b}",
            "{a: [1, {b: c}]}",
            "http://x:1/y",
            "a=b; c,d",
            "\u{E000}0\u{E001}",
        ])
        .prop_map(String::from);
        prop_oneof![3 => printed, 2 => near()]
    }

    fn near() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a",
            "b",
            "name",
            "app.kubernetes.io/name",
            "x_y",
            "10-a.sh",
            "1",
            "01",
            "0x1",
            "true",
            "yes",
            "null",
            "~",
            "<<",
            "-",
            "- ",
            "-1",
            "-,",
            "1.5",
            ":",
            ": ",
            " :",
            "#",
            " #",
            "\"",
            "\"q\"",
            "\"a\\nb\"",
            "\"\\u00e9\"",
            "\"\\ud800\"",
            "\"\\x41\"",
            "'",
            "'s'",
            "[",
            "]",
            "[]",
            "[a, b]",
            "[a: b]",
            "{",
            "}",
            "{}",
            "{a: b}",
            "{a: 1, b: [c]}",
            "{a: b, }",
            "{a: {b: c}}",
            ",",
            ", ",
            " ",
            "  ",
            "|",
            ">",
            "&a",
            "*a",
            "!t",
            "?",
            "%",
            "@",
            "`",
            "é",
            "\u{E000}",
            "\u{E000}0\u{E001}",
            "a b",
            "http://x:1/y",
            "a:b",
            "---",
            "...",
        ])
        .prop_map(String::from)
    }

    /// Texts of lines made of indentation and pieces, mostly `key: value` and `- ` shapes.
    fn text() -> impl Strategy<Value = String> {
        let line = (0usize..7, prop::collection::vec(piece(), 0..3), 0u8..4).prop_map(
            |(indent, pieces, shape)| {
                let body = pieces.concat();
                let pad = " ".repeat(indent);
                match shape {
                    0 => format!("{pad}{body}"),
                    1 => format!("{pad}k{indent}: {body}"),
                    2 => format!("{pad}- {body}"),
                    _ => format!("{pad}k{indent}:"),
                }
            },
        );
        prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n") + "\n")
    }

    proptest! {
        /// The byte-wise character check is the character-wise one.
        #[test]
        fn plain_characters_by_bytes(text in "(\\PC|[\\x00-\\x{ff}\\x{2028}\\x{2029}\\x{feff}\\x{fffe}\\x{ffff}\\x{e000}\\n])*") {
            let by_chars = text.chars().all(|c| {
                matches!(c, ' '..='~' | '\n' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
                    && !matches!(c, '\u{FEFF}' | '\u{2028}' | '\u{2029}')
            });
            prop_assert_eq!(plain_characters(&text), by_chars);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]
        /// Whatever this reads, serde-saphyr and the event reader read the same way.
        #[test]
        fn reads_as_serde_saphyr_does(text in text()) {
            agrees(&text);
            let tokens = documents(&text, true);
            if let (Some(t), Some(e)) = (&tokens, super::super::direct::events(&text, true)) {
                prop_assert_eq!(t, &e);
            }
        }
    }

    /// Texts shaped as the templates print them (nested block mappings and sequences,
    /// compact `- key:` entries, sequences at their key's indentation, inline values),
    /// then, half of the time, one line changed: a piece put in, or its indentation moved.
    fn shaped() -> impl Strategy<Value = String> {
        #[derive(Debug, Clone)]
        enum Node {
            Inline(String),
            Block(String, Vec<String>),
            Seq(Vec<Node>),
            Map(Vec<(String, Node)>),
        }
        let key = prop::sample::select(vec![
            "a",
            "b",
            "name",
            "app.kubernetes.io/name",
            "x_y",
            "10-a.sh",
            "\"k q\"",
            "true",
        ])
        .prop_map(String::from);
        let header = prop::sample::select(vec!["|", "|-", ">", ">-", "|+", ">2"]);
        let body = prop::collection::vec(
            prop::sample::select(vec![
                "x",
                "a: b",
                "# c",
                "- d",
                "'q' \"r\"",
                "e  f",
                "g ",
                "",
                "  h",
            ]),
            1..4,
        );
        let leaf = prop_oneof![
            4 => piece().prop_map(Node::Inline),
            1 => (header, body).prop_map(|(h, b)| {
                Node::Block(h.to_string(), b.into_iter().map(String::from).collect())
            }),
        ];
        let node = leaf.prop_recursive(4, 24, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(Node::Seq),
                prop::collection::vec((key.clone(), inner), 1..4).prop_map(Node::Map),
            ]
        });
        fn render(n: &Node, indent: usize, compact: bool, out: &mut Vec<String>) {
            let pad = " ".repeat(indent);
            match n {
                Node::Inline(s) => {
                    if let Some(last) = out.last_mut() {
                        last.push(' ');
                        last.push_str(s);
                    }
                }
                Node::Block(header, body) => {
                    if let Some(last) = out.last_mut() {
                        last.push(' ');
                        last.push_str(header);
                    }
                    for line in body {
                        out.push(format!("{pad}{line}"));
                    }
                }
                Node::Seq(items) => {
                    // At the key's indentation when `compact`.
                    let pad = if compact { " ".repeat(indent - 2) } else { pad };
                    for item in items {
                        out.push(format!("{pad}-"));
                        let at = pad.len() + 2;
                        render(item, at, false, out);
                    }
                }
                Node::Map(entries) => {
                    for (k, v) in entries {
                        out.push(format!("{pad}{k}:"));
                        render(v, indent + 2, k.len() % 2 == 0, out);
                    }
                }
            }
        }
        let doc = prop::collection::vec((prop::sample::select(vec!["kind", "spec"]), node), 1..3);
        (
            doc,
            any::<bool>(),
            any::<prop::sample::Index>(),
            near(),
            0u8..3,
        )
            .prop_map(|(entries, change, at, piece, how)| {
                let mut lines = Vec::new();
                for (k, v) in &entries {
                    lines.push(format!("{k}:"));
                    render(v, 2, false, &mut lines);
                }
                if change {
                    let i = at.index(lines.len());
                    match how {
                        0 => lines[i].push_str(&piece),
                        1 => lines[i].insert(0, ' '),
                        _ => {
                            let cut = lines[i].len() - lines[i].trim_start().len();
                            lines[i].replace_range(..cut.min(1), "");
                        }
                    }
                }
                lines.join("\n") + "\n"
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]
        /// Whatever this reads of a shaped text, serde-saphyr and the event reader read
        /// the same way.
        #[test]
        fn reads_shaped_texts_as_serde_saphyr_does(text in shaped()) {
            agrees(&text);
        }
    }

    /// The generators above are no test if they never make a text this reads (or never
    /// one it leaves).
    #[test]
    fn the_generated_texts_are_often_read() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut count = |strategy: &dyn Fn(&mut proptest::test_runner::TestRunner) -> String| {
            let (mut read, mut left) = (0, 0);
            for _ in 0..2000 {
                match documents(&strategy(&mut runner), false) {
                    Some(d) if !objects(&d).is_empty() => read += 1,
                    Some(_) => {}
                    None => left += 1,
                }
            }
            (read, left)
        };
        let (read, left) = count(&|r| text().new_tree(r).unwrap().current());
        assert!(read > 100 && left > 100, "lines: {read} read, {left} left");
        let (read, left) = count(&|r| shaped().new_tree(r).unwrap().current());
        assert!(read > 300 && left > 300, "shaped: {read} read, {left} left");
    }
}
