//! YAML reading: the options shared by values files and manifests, and YAML errors in the
//! user's terms — located (`file:line:col`), with the key path and the limit for budget
//! breaches, and never the text of a value (the line shown has its values masked).

use crate::locate;
use serde_saphyr::Error;

/// The deepest nesting a YAML document may have (serde-saphyr's default budget; raising
/// it far turns deep input into a stack overflow).
pub const MAX_DEPTH: usize = 64;

/// Reading options: like Helm and kubectl (YAML 1.1 readers), `0755` is octal. The
/// library's own snippets are off: they print source lines verbatim (credentials).
pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! { legacy_octal_numbers: true, with_snippet: false }
}

/// Reading options for manifest streams (`validate`, `diff`, rendered templates): like
/// [`options`], with room for the thousands of documents a cluster's manifests can hold
/// (the stream's size is capped by `input::MANIFEST_CAP` before it is parsed).
pub fn manifest_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = 100_000;
    budget.max_nodes = 4_000_000;
    budget.max_events = 8_000_000;
    serde_saphyr::options! {
        legacy_octal_numbers: true,
        with_snippet: false,
        budget: Some(budget),
    }
}

/// A YAML document read into JSON as serde_json reads one, but for a mapping whose keys
/// are one key once they are text: `1` and `"1"` (or `'1'`) become the same JSON key, and
/// serde_json's own reading keeps the last silently, while serde-saphyr only finds
/// duplicates among keys of one type (integers by value, text by text). Here such a key is
/// an error, as any other duplicate is.
#[derive(Debug)]
pub struct Strict(pub serde_json::Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

/// serde_json's value visitor (serde_json 1.0 `src/value/de.rs`), the mapping's keys
/// checked.
struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Self::Value, E> {
        <serde_json::Value as serde::Deserialize>::deserialize(
            serde::de::value::I128Deserializer::new(v),
        )
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Self::Value, E> {
        <serde_json::Value as serde::Deserialize>::deserialize(
            serde::de::value::U128Deserializer::new(v),
        )
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(KeyText)? {
            let Strict(value) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate mapping key: {} (each key may appear once; `1` and `\"1\"` are the same key here, as a JSON object's)",
                    crate::error::quoted(&key)
                )));
            }
            out.insert(key, value);
        }
        Ok(serde_json::Value::Object(out))
    }
}

/// A mapping key read as serde_json reads one: as text (`deserialize_str`).
struct KeyText;

impl<'de> serde::de::DeserializeSeed<'de> for KeyText {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(KeyTextVisitor)
    }
}

struct KeyTextVisitor;

impl serde::de::Visitor<'_> for KeyTextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// A line of a YAML stream that Helm's and kubectl's line reader refuses or reads other
/// than a YAML parser would, found by [`separator_lines`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based.
    pub line: usize,
    pub mark: Mark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// `---` with content after it on its line.
    Separator,
    /// A directive (`%YAML 1.2`, `%TAG`).
    Directive,
    /// Content after a `...` document end, before the next `---`.
    AfterEnd,
}

/// How Helm's `LoadValues` (pkg/chart/v2/loader/load.go:212-230 at v4.2.3) and kubectl's
/// manifest reader split a stream before any YAML parser sees it: a line that starts with
/// `---` ends a document, and only spaces or a comment may follow on that line
/// (k8s.io/apimachinery pkg/util/yaml/decoder.go:404-439 at v0.36.1, the version Helm
/// v4.2.3's go.mod pins). `text` with the comment of each separator line blanked (so
/// `---#end`, which YAML reads as content, is a separator here too; spaces of the same
/// bytes keep every offset), or the first line both read otherwise: a separator line with
/// something else after it (`--- {a: 1}`, `--- |`, `----`), which both refuse; a directive
/// (`%YAML 1.2`), which the reader hands to go-yaml as a document of its own, which
/// refuses it (kubernetes/kubernetes#135998); content after a `...` line in the same
/// chunk, which go-yaml never reads (the decoder takes one document per chunk,
/// decoder.go:125-139), so it would be dropped without a word.
pub fn separator_lines(text: &str) -> Result<std::borrow::Cow<'_, str>, BadLine> {
    let marks = |p: &str| text.starts_with(p) || text.contains(&format!("\n{p}"));
    if !marks("---") && !marks("%") && !marks("...") {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let mut comments = Vec::new();
    let mut start = 0;
    let mut ended = false;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let bad = |mark| BadLine { line: n + 1, mark };
        if let Some(rest) = line.strip_prefix("---") {
            ended = false;
            let trimmed = rest.trim();
            if !trimmed.is_empty() {
                if !trimmed.starts_with('#') {
                    return Err(bad(Mark::Separator));
                }
                let at = start + 3 + (rest.len() - rest.trim_start().len());
                comments.push(at..at + trimmed.len());
            }
        } else if line.starts_with('%') {
            return Err(bad(Mark::Directive));
        } else if let Some(rest) = line.strip_prefix("...")
            && (rest.trim().is_empty() || rest.starts_with([' ', '\t', '#']))
        {
            ended = true;
        } else if ended && !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            return Err(bad(Mark::AfterEnd));
        }
        start += line.len();
    }
    if comments.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let mut bytes = text.as_bytes().to_vec();
    for r in comments {
        bytes[r].fill(b' ');
    }
    // Whole characters were replaced by ASCII spaces: still UTF-8.
    Ok(std::borrow::Cow::Owned(
        String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()),
    ))
}

/// The message for [`separator_lines`]'s refusal of `bad` in `source` (never the line's
/// text: it may hold a credential).
pub fn separator_error(source: &str, bad: BadLine) -> String {
    let line = bad.line;
    match bad.mark {
        Mark::Separator => format!(
            "{source}:{line}: a line starting with `---` separates YAML documents, and Helm and kubectl refuse anything after it but spaces or a comment (\"invalid Yaml document separator\")"
        ),
        Mark::Directive => format!(
            "{source}:{line}: a YAML directive (`%YAML`, `%TAG`): Helm and kubectl split the stream at `---` lines first and then refuse it as a document of its own"
        ),
        Mark::AfterEnd => format!(
            "{source}:{line}: content after a `...` document end and before the next `---`: Helm and kubectl read only the first document between two `---` lines and would drop this one without a word"
        ),
    }
}

/// What to do about [`separator_lines`]'s refusal.
pub fn separator_hint(bad: BadLine) -> &'static str {
    match bad.mark {
        Mark::Separator => "put the document's content on the line after `---`",
        Mark::Directive => "remove the directive line",
        Mark::AfterEnd => "start each document with a `---` line instead of ending one with `...`",
    }
}

/// A YAML error as shown to users: `source:line:col: what`, the key path where it
/// happened, and the offending line with its values masked.
pub fn error_text(source: &str, text: &str, e: &Error) -> String {
    located(source, text, e, false)
}

/// Like [`error_text`] for a manifest stream, where any line may sit inside a Secret's
/// multi-line value: the line shown keeps only its indentation.
pub fn manifest_error_text(source: &str, text: &str, e: &Error) -> String {
    located(source, text, e, true)
}

/// The most characters of the failing line an error shows.
const SHOWN_LINE_CHARS: usize = 200;

fn located(source: &str, text: &str, e: &Error, mask_all: bool) -> String {
    let loc = e.location().filter(|l| l.line() > 0);
    let (line, col) = loc.map_or((0, 0), |l| (l.line() as usize, l.column() as usize));
    let mut what = describe(e, text, line);
    let mut path = if line > 0 {
        locate::path_at(text, line, col)
    } else {
        locate::KeyPath::default()
    };
    // Below a credential's key, even "keys" are the user's text (a mis-indented secret):
    // cut the path at the credential, and the message before any quoted detail.
    let secret_at = path.0.iter().position(|s| match s {
        locate::Seg::Key(k) => is_credential_key(k),
        locate::Seg::Index(_) => false,
    });
    if let Some(i) = secret_at {
        path.0.truncate(i + 1);
        if let Some(c) = what.find(':') {
            what.truncate(c);
        }
    }
    let mut out = if line > 0 {
        format!("{source}:{line}:{col}: {what}")
    } else {
        format!("{source}: {what}")
    };
    if line > 0 {
        if !path.0.is_empty() && !matches!(e, Error::MultipleDocuments { .. }) {
            out.push_str(&format!(" (at key {})", short_path(&path)));
        }
        if let Some(l) = text.lines().nth(line - 1) {
            let mut shown = if secret_at.is_some() || mask_all {
                format!("{}…", &l[..l.len() - l.trim_start().len()])
            } else {
                mask_line(l)
            };
            // A line of a huge key is shown in part: a message stays a screenful.
            if let Some((cut, _)) = shown.char_indices().nth(SHOWN_LINE_CHARS) {
                shown.truncate(cut);
                shown.push('…');
            }
            out.push_str(&format!("\n{line:>5} | {shown}"));
        }
    }
    out
}

/// A values key that holds a credential: its value (and anything written below it) is
/// never shown.
pub fn is_credential_key(k: &str) -> bool {
    // The chart's sections named for what they configure, not holding a credential.
    if matches!(k, "machineTokens" | "secretGenerator") {
        return false;
    }
    // ASCII case-insensitive, byte by byte: no lowercased copy of every key.
    let k = k.as_bytes();
    let has = |w: &[u8]| k.windows(w.len()).any(|part| part.eq_ignore_ascii_case(w));
    [&b"password"[..], b"secret", b"token", b"credential"]
        .iter()
        .any(|w| has(w))
        || k.len() >= 3 && k[k.len() - 3..].eq_ignore_ascii_case(b"key")
}

/// A key path for messages, shortened in the middle when it is very deep.
fn short_path(path: &locate::KeyPath) -> String {
    if path.0.len() <= 12 {
        return path.to_string();
    }
    let head = locate::KeyPath(path.0[..6].to_vec());
    let tail = locate::KeyPath(path.0[path.0.len() - 4..].to_vec());
    let tail = tail.to_string();
    format!(
        "{head}…{} ({} levels)",
        tail.strip_prefix('[')
            .map_or(format!(".{tail}"), |t| format!("[{t}")),
        path.0.len()
    )
}

fn describe(e: &Error, text: &str, line: usize) -> String {
    match e {
        Error::Budget { breach, .. } => {
            let debug = format!("{breach:?}");
            let name = debug.split([' ', '{']).next().unwrap_or("");
            let n: String = debug.chars().filter(char::is_ascii_digit).collect();
            breach_text(name, &n)
        }
        Error::MultipleDocuments { .. } => format!(
            "holds more than one YAML document (the second starts at line {line}); a values file is one document: merge them, or pass each with its own -f"
        ),
        _ => {
            let _ = text;
            plain(&e.to_string())
        }
    }
}

/// A budget breach (by the name of serde-saphyr's `BudgetBreach` variant and the limit
/// it reports) in the user's terms.
fn breach_text(name: &str, n: &str) -> String {
    match name {
        "Depth" => format!("the YAML nests deeper than the limit of {MAX_DEPTH} levels"),
        "Nodes" | "Events" => format!(
            "too many YAML nodes (an alias bomb or an oversized document): the limit is {}",
            n.parse::<u64>()
                .map_or(n.to_string(), |v| (v.saturating_sub(1)).to_string())
        ),
        "Aliases" => format!("too many aliases (`*name`): the limit is {n}"),
        "RecordedAnchorEvents" | "RecordedAnchorBytes" => format!(
            "aliases expand to too much YAML (an alias bomb): the limit is {}",
            n.parse::<u64>()
                .map_or(n.to_string(), |v| (v.saturating_sub(1)).to_string())
        ),
        "Anchors" => format!("too many anchors (`&name`): the limit is {n}"),
        "ScalarBytes" => format!(
            "the values' text adds up to more than the limit of {} bytes (an alias bomb or an oversized document)",
            n.parse::<u64>()
                .map_or(n.to_string(), |v| (v.saturating_sub(1)).to_string())
        ),
        "Documents" => format!(
            "too many YAML documents: the limit is {}",
            n.parse::<u64>()
                .map_or(n.to_string(), |v| (v.saturating_sub(1)).to_string())
        ),
        _ => format!("the YAML exceeds a size limit of the reader ({name}, {n})"),
    }
}

/// A budget breach quoted inside another message (`budget breached: Nodes { nodes: 5 }`).
fn embedded_breach(msg: &str) -> Option<String> {
    let at = msg.find("budget breached: ")?;
    let rest = &msg[at + "budget breached: ".len()..];
    let name = rest.split([' ', '{']).next().unwrap_or("");
    let inner = rest
        .split_once('{')
        .map_or("", |(_, r)| r.split('}').next().unwrap_or(""));
    let n: String = inner.chars().filter(char::is_ascii_digit).collect();
    Some(breach_text(name, &n))
}

/// The library's message without its position prefix and its API advice.
fn plain(msg: &str) -> String {
    if let Some(b) = embedded_breach(msg) {
        return b;
    }
    let first = msg.lines().next().unwrap_or(msg);
    let mut s = first.trim_start_matches("error: ").to_string();
    if let Some(rest) = s.strip_prefix("line ")
        && let Some((_, after)) = rest.split_once(": ")
    {
        s = after.to_string();
    }
    s = s.replace(
        ", set DuplicateKeyPolicy in Options if acceptable",
        " (each key may appear once)",
    );
    if let Some(at) = s.find("; use ") {
        s.truncate(at);
    }
    for (jargon, plain) in [
        (
            "invalid u64",
            "the value is not a whole number its `!!int` tag asks for",
        ),
        (
            "invalid i64",
            "the value is not a whole number its `!!int` tag asks for",
        ),
        (
            "invalid f64",
            "the value is not a number its `!!float` tag asks for",
        ),
        (
            "cannot deserialize null into string",
            "a mapping key is null (quote it, `\"null\"`, if you mean the word)",
        ),
        (
            "non-finite float",
            "the value is a number too large for a float, or NaN or infinity, which no key takes (quote it to make it text)",
        ),
        (
            "value `",
            "the value is not a finite number (quote it to make it text)",
        ),
        ("unknown variant", "the value is not one the key takes"),
        (
            "recursion limit exceeded",
            "the YAML nests too deeply: `[`/`{` nesting is limited to 255 levels, and values to 64",
        ),
    ] {
        if s.starts_with(jargon) {
            s = plain.to_string();
        }
    }
    // The position is already in front of the message.
    if let Some(at) = s.rfind(" at line ")
        && s[at..].contains(", column ")
    {
        s.truncate(at);
    }
    s
}

/// One YAML source line with every value replaced by `…`: indentation, list dashes,
/// keys and the `:` stay, so the structure shows but no value (it may be a credential).
pub fn mask_line(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        out.push_str(&rest[..rest.len() - trimmed.len()]);
        rest = trimmed;
        if let Some(r) = rest.strip_prefix("- ") {
            out.push_str("- ");
            rest = r;
            continue;
        }
        break;
    }
    if rest.is_empty() || rest == "-" || rest == "---" || rest == "..." {
        out.push_str(rest);
        return out;
    }
    if rest.starts_with('#') {
        out.push_str("# …");
        return out;
    }
    match plain_key(rest) {
        Some((key, after)) => {
            out.push_str(key);
            out.push(':');
            if !after.trim().is_empty() {
                out.push_str(" …");
            }
        }
        None => out.push('…'),
    }
    out
}

/// `key: rest` where the key is a plain identifier-like scalar (never a value).
fn plain_key(s: &str) -> Option<(&str, &str)> {
    let end = s.find(':')?;
    let key = &s[..end];
    let after = &s[end + 1..];
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c));
    (plain && (after.is_empty() || after.starts_with(' '))).then_some((key, after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn strict(text: &str) -> Result<serde_json::Value, String> {
        serde_saphyr::from_str_with_options::<Strict>(text, options())
            .map(|Strict(v)| v)
            .map_err(|e| e.to_string())
    }

    /// Keys that are one JSON key once they are text are refused wherever they are; a
    /// merge key's value overridden, and keys serde-saphyr keeps apart as text, are not.
    #[test]
    fn one_key_as_text_is_a_duplicate() {
        for text in [
            "1: a\n\"1\": b\n",
            "'1': a\n1: b\n",
            "a:\n  - {1: x, '1': y}\n",
            "a: [[{0x1: x, \"0x1\": y}]]\n",
            "true: a\n\"true\": b\n",
        ] {
            let e = strict(text).unwrap_err();
            assert!(e.contains("duplicate mapping key"), "{text:?}: {e}");
        }
        for text in [
            "b: &b {a: 1}\nc:\n  <<: *b\n  a: 2\n",
            "1: a\n\"01\": b\n",
            "a: 1\nA: 2\n",
        ] {
            assert!(strict(text).is_ok(), "{text:?}: {:?}", strict(text));
        }
    }

    proptest! {
        /// Whatever has no such key reads as serde_json reads it, values of every kind.
        #[test]
        fn reads_as_serde_json_reads(
            entries in prop::collection::vec(
                ("[a-c]{1,2}|[0-9]{1,2}", "[a-z]{0,3}|-?[0-9]{1,25}|[0-9]\\.[0-9]e[0-9]{1,3}|~|true|\\[1, b\\]|\\{x: 1\\}|\"q\"|'s'|0x1f|0755|\\.inf"),
                0..6,
            )
        ) {
            let text: String = entries.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
            let plain = serde_saphyr::from_str_with_options::<serde_json::Value>(&text, options());
            match strict(&text) {
                Ok(v) => prop_assert_eq!(Ok(v), plain.map_err(|e| e.to_string())),
                Err(e) => prop_assert!(
                    plain.is_err() || e.contains("duplicate mapping key"),
                    "{}: {}", text, e
                ),
            }
        }
    }

    /// The credential-key rule as first written (lowercase copy, then `contains`).
    fn is_credential_key_by_lowercasing(k: &str) -> bool {
        if ["machineTokens", "secretGenerator"].contains(&k) {
            return false;
        }
        let k = k.to_ascii_lowercase();
        ["password", "secret", "token", "credential"]
            .iter()
            .any(|w| k.contains(w))
            || k.ends_with("key")
    }

    #[test]
    fn credential_keys() {
        for (k, want) in [
            ("password", true),
            ("rootPassword", true),
            ("PGPASSWORD", true),
            ("existingSecret", true),
            ("clientSecret", true),
            ("token", true),
            ("credentials", true),
            ("accessKey", true),
            ("key", true),
            ("KEY", true),
            ("ke", false),
            ("keys", false),
            ("user", false),
            ("monkeY", true),
            ("pass", false),
            ("", false),
            ("é-key", true),
            ("sécret", false),
            ("machineTokens", false),
            ("secretGenerator", false),
            ("machineTokenSecret", true),
        ] {
            assert_eq!(is_credential_key(k), want, "{k}");
            assert_eq!(is_credential_key_by_lowercasing(k), want, "{k}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn credential_keys_read_as_the_lowercasing_rule_does(
            k in "(?i)[a-zé_ ]{0,4}(password|secret|token|credential|key|pass|ke|y)?[a-zé_ ]{0,4}"
        ) {
            proptest::prop_assert_eq!(is_credential_key(&k), is_credential_key_by_lowercasing(&k));
        }
    }

    fn err(text: &str) -> String {
        let e =
            serde_saphyr::from_str_with_options::<serde_json::Value>(text, options()).unwrap_err();
        error_text("v.yaml", text, &e)
    }

    /// The failing line of a huge key is shown in part.
    #[test]
    fn a_long_failing_line_is_cut() {
        let text = format!("{}: x\n  b: [\n", "k".repeat(10_000));
        let e = crate::values::parse_yaml("v.yaml", &text).unwrap_err();
        let shown = e.to_string();
        assert!(shown.len() < 1_000, "{} bytes", shown.len());
        assert!(shown.contains("v.yaml:"), "{shown}");
    }

    #[test]
    fn masks_values_keeps_structure() {
        for (line, want) in [
            ("    password: TOPSECRET", "    password: …"),
            ("  - name: x", "  - name: …"),
            ("  - TOPSECRET", "  - …"),
            ("auth:", "auth:"),
            ("# TOPSECRET note", "# …"),
            ("\"weird key\": TOPSECRET", "…"),
            ("a: [TOPSECRET", "a: …"),
            ("", ""),
        ] {
            assert_eq!(mask_line(line), want, "{line:?}");
        }
    }

    #[test]
    fn syntax_error_is_located_and_masked() {
        let text =
            "postgresql:\n  auth:\n    password: TOPSECRET1\n    username: [TOPSECRET2\n  x: 1\n";
        let msg = err(text);
        assert!(!msg.contains("TOPSECRET"), "{msg}");
        assert!(msg.starts_with("v.yaml:"), "{msg}");
        assert!(msg.contains("postgresql"), "{msg}");
    }

    #[test]
    fn keys_below_a_credential_are_not_shown() {
        let text = "oauth2Proxy:\n  clientSecret:\n    TOPSECRET_p3: 1\n    TOPSECRET_p3: 2\n";
        let msg = err(text);
        assert!(!msg.contains("TOPSECRET"), "{msg}");
        assert!(msg.contains("oauth2Proxy.clientSecret"), "{msg}");
    }

    #[test]
    fn depth_budget_names_path_and_limit() {
        let text = format!("a:\n  b: {}{}\n", "[".repeat(80), "]".repeat(80));
        let msg = err(&text);
        assert!(msg.contains("limit of 64 levels"), "{msg}");
        assert!(msg.contains("at key a.b[0]"), "{msg}");
        assert!(!msg.contains("budget") && !msg.contains("Depth {"), "{msg}");
    }

    /// Table: Helm's and kubectl's line reader (decoder.go:404-439 at apimachinery
    /// v0.36.1): `Ok` with the text YAML reads, or the line refused.
    #[test]
    fn separator_lines_as_helm_reads_them() {
        for (text, want) in [
            ("a: 1\n", Ok("a: 1\n")),
            ("---\na: 1\n---\n", Ok("---\na: 1\n---\n")),
            ("--- # c\na: 1\n", Ok("---    \na: 1\n")),
            ("a: 1\n---#end\n", Ok("a: 1\n---    \n")),
            ("a: 1\n---\t#é\r\n", Ok("a: 1\n---\t   \r\n")),
            ("--- {a: 1}\n", Err(1)),
            ("a: 1\n--- |\n  x\n", Err(2)),
            ("a: 1\n----\n", Err(2)),
            ("a: 1\n---a\n", Err(2)),
            // Not at a line's start: YAML's business.
            ("a: |\n  --- x\n", Ok("a: |\n  --- x\n")),
            ("a: '--- x'\n", Ok("a: '--- x'\n")),
            // A directive; content after `...` before the next `---`.
            ("%YAML 1.2\n---\na: 1\n", Err(1)),
            ("a: 1\n---\n%TAG ! tag:x,2000:\n", Err(3)),
            ("a: 1\n...\nb: 2\n", Err(3)),
            (
                "a: 1\n... # end\n# note\n\n---\nb: 2\n",
                Ok("a: 1\n... # end\n# note\n\n---\nb: 2\n"),
            ),
            ("a: 1\n...\n", Ok("a: 1\n...\n")),
            ("a: |\n  %x\n  ...\n  y\n", Ok("a: |\n  %x\n  ...\n  y\n")),
            ("a: ...x\n", Ok("a: ...x\n")),
        ] {
            let got = separator_lines(text)
                .map(|t| t.into_owned())
                .map_err(|b| b.line);
            assert_eq!(got, want.map(str::to_string), "{text:?}");
        }
        let bad = |t| separator_lines(t).unwrap_err().mark;
        assert_eq!(bad("--- x\n"), Mark::Separator);
        assert_eq!(bad("%YAML 1.1\n---\n"), Mark::Directive);
        assert_eq!(bad("a: 1\n...\nb: 2\n"), Mark::AfterEnd);
    }

    #[test]
    fn multiple_documents_in_users_terms() {
        let e = serde_saphyr::from_str_with_options::<serde_json::Value>(
            "a: 1\n---\nb: 2\n",
            options(),
        )
        .unwrap_err();
        let msg = error_text("v.yaml", "a: 1\n---\nb: 2\n", &e);
        assert!(msg.contains("more than one YAML document"), "{msg}");
        assert!(!msg.contains("from_str_multiple"), "{msg}");
    }
}
