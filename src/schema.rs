//! Values checking: the merged values against the embedded `values.schema.json`, every
//! problem at once, each with its key path, where it came from, and a did-you-mean.

use crate::error::Failure;
use crate::locate::{self, KeyPath, Seg};
use crate::values::Computed;
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};

/// The values schema, embedded at build time (`mlflow-chart schema` prints it).
pub const SCHEMA: &str = include_str!("../values.schema.json");

/// The schema the messages and the null restoring read: [`SCHEMA`] minified and without
/// annotations (build.rs), a third of its size to decode. A unit test holds it to [`SCHEMA`].
const SCHEMA_FOR_CHECKS: &str = include_str!(concat!(env!("OUT_DIR"), "/schema-check.json"));

/// The schema as a tree, decoded when asked: only a render with a problem to describe, or
/// a null to restore, needs it (the check itself is [`Compiled`]).
fn schema() -> Value {
    serde_json::from_str(SCHEMA_FOR_CHECKS)
        .expect("values.schema.json is valid JSON (checked by a unit test)")
}

/// [`SCHEMA`] compiled into Rust when this crate is built (jsonschema-macros, under the
/// draft it declares, 2020-12): a check decodes, compiles and meta-validates nothing at run
/// time. It is compiled from `values.schema.compiled.json`, which is [`SCHEMA`] with each
/// `pattern` keyword renamed to [`lite::KEYWORD`] (a unit test keeps the two in step): the
/// same expressions, compiled with regex-lite the first time a value reaches them. A
/// property test holds its errors to those of the run-time validator of [`SCHEMA`].
#[jsonschema::validator(
    path = "values.schema.compiled.json",
    keywords = { "x-pattern" => crate::schema::lite::factory }
)]
struct Compiled;

/// The `x-pattern` keyword of the compiled validator: JSON Schema's `pattern` (a string
/// that the regular expression does not match anywhere in it is an error; other types
/// pass), compiled with regex-lite rather than `regex`. Building a `regex` is most of a
/// values check (12 patterns, about 220,000 instructions each: it prepares several
/// matching engines); regex-lite builds one, for about a fifth. Our patterns are ASCII
/// classes, groups, alternations and counted repeats, anchored, which both crates (and
/// ECMA-262, the schema's dialect) read alike; a property test compares them on strings
/// made of the patterns' own characters.
pub(crate) mod lite {
    use jsonschema::{Keyword, ValidationError, paths::Location};
    use serde_json::{Map, Value};
    use std::sync::{Arc, Mutex};

    /// The keyword's name in `values.schema.compiled.json`.
    pub const KEYWORD: &str = "x-pattern";

    /// The keyword at one schema node: its expression, looked up in [`BUILT`] (the
    /// validator keeps its keywords for the life of the process; the built expressions,
    /// with their matching caches, go with [`release`]).
    struct Pattern {
        source: String,
        /// The strings of `values.yaml` this expression matches (see [`KNOWN`]).
        known: &'static [&'static str],
    }

    /// For each `x-pattern` of the compiled schema, the strings of `values.yaml` that it
    /// matches, found by build.rs with regex-lite: a default value passes its pattern
    /// without the expression being built (building is most of a values check, and most
    /// values are defaults). A unit test matches every pair again.
    pub(super) const KNOWN: &[(&str, &[&str])] =
        include!(concat!(env!("OUT_DIR"), "/known-matches.rs"));

    /// The known matches of `source`, when the schema holds it (build.rs built it).
    fn known(source: &str) -> Option<&'static [&'static str]> {
        KNOWN
            .iter()
            .find(|(p, _)| *p == source)
            .map(|(_, strings)| *strings)
    }

    /// The expressions built so far: the same pattern at several places of the schema
    /// (the six `*.digest` values) is built once. [`release`] empties it.
    static BUILT: Mutex<Vec<(String, Arc<regex_lite::Regex>)>> = Mutex::new(Vec::new());

    /// The built expression for `source`, building it if it is not (or no longer) there.
    fn built(source: &str) -> Result<Arc<regex_lite::Regex>, regex_lite::Error> {
        let mut built = BUILT
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, regex)) = built.iter().find(|(s, _)| s == source) {
            return Ok(regex.clone());
        }
        let regex = Arc::new(regex_lite::Regex::new(source)?);
        #[cfg(test)]
        BUILDS.set(BUILDS.get() + 1);
        built.push((source.to_string(), regex.clone()));
        Ok(regex)
    }

    #[cfg(test)]
    thread_local! {
        /// How many expressions this thread has built.
        pub(super) static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Drops the built expressions and their matching caches (about 140 KB for a render's
    /// values), once the values are checked: the memory goes to the stages after. A later
    /// check builds them again.
    pub fn release() {
        BUILT
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    impl<'i> Keyword<'i> for Pattern {
        fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
            if self.is_valid(instance) {
                Ok(())
            } else {
                // The message is the pattern: `describe` words it as for `pattern`.
                Err(ValidationError::custom(self.source.clone()))
            }
        }

        fn is_valid(&self, instance: &'i Value) -> bool {
            // Every expression was built once already (the schema's by build.rs, any
            // other by the factory), so building it here cannot fail.
            instance.as_str().is_none_or(|s| {
                self.known.contains(&s) || built(&self.source).is_ok_and(|regex| regex.is_match(s))
            })
        }
    }

    /// Builds the keyword for one schema node (on first use; an expression regex-lite
    /// refuses would fail there, and a unit test builds every one).
    pub fn factory<'a>(
        _parent: &'a Map<String, Value>,
        value: &'a Value,
        _path: Location,
    ) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
        let source = value
            .as_str()
            .ok_or_else(|| ValidationError::custom("x-pattern takes a string"))?;
        // An expression of the schema was built by build.rs already; any other is built
        // now, so that one regex-lite refuses fails here.
        let known = match known(source) {
            Some(strings) => strings,
            None => {
                built(source)
                    .map_err(|e| ValidationError::custom(format!("x-pattern {source}: {e}")))?;
                &[]
            }
        };
        Ok(Box::new(Pattern {
            source: source.to_string(),
            known,
        }))
    }

    /// `schema` with every `pattern` keyword (a string-valued `pattern`: a property named
    /// `pattern` has a schema, an object, as its value) renamed to [`KEYWORD`].
    #[cfg(test)]
    pub fn renamed(schema: &Value) -> Value {
        match schema {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| match (k.as_str(), v) {
                        ("pattern", Value::String(_)) => (KEYWORD.to_string(), v.clone()),
                        _ => (k.clone(), renamed(v)),
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(renamed).collect()),
            other => other.clone(),
        }
    }
}

/// The pattern of the `*.digest` values (as the model declares it).
/// OCI's registered digest algorithms (image-spec descriptor.md: sha256 and sha512,
/// lowercase hex).
const DIGEST_PATTERN: &str = "^(|sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$";

/// At most this many problems are listed; the rest are counted.
pub const MAX_LISTED: usize = 50;

/// The first [`MAX_LISTED`] problems of a list, and a line saying how many more there are.
pub fn capped(mut problems: Vec<String>) -> Vec<String> {
    if problems.len() > MAX_LISTED {
        let more = problems.len() - MAX_LISTED;
        problems.truncate(MAX_LISTED);
        problems.push(format!(
            "… and {more} more (only the first {MAX_LISTED} are listed)"
        ));
    }
    problems
}

/// One schema problem before it is described: where, and what (an unknown key, or a
/// broken rule).
enum Found {
    Unknown(String),
    Rule(String),
}

/// Checks the computed values; all problems are counted, the first [`MAX_LISTED`] (by key
/// path) are listed with where each value came from.
pub fn check(computed: &Computed) -> Result<(), Failure> {
    let mut found: Vec<(KeyPath, Found)> = Vec::new();
    let errors: Vec<_> = Compiled::iter_errors(&computed.values).collect();
    lite::release();
    for err in errors {
        let path = pointer_to_path(&computed.values, err.instance_path().as_str());
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    found.push((path.key(key), Found::Unknown(key.clone())));
                }
            }
            _ => found.push((path, Found::Rule(describe(&err)))),
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let key_of = |(p, f): &(KeyPath, Found)| {
        (
            p.to_string(),
            match f {
                Found::Unknown(_) => String::new(),
                Found::Rule(r) => r.clone(),
            },
        )
    };
    found.sort_by_cached_key(key_of);
    found.dedup_by(|a, b| key_of(a) == key_of(b));
    let total = found.len();
    // The tree, for suggestions, only once there is something to report.
    let schema = &schema();
    // The schema with its descriptions (the one checked against has none).
    let described: Value = serde_json::from_str(SCHEMA).unwrap_or_default();
    let mut problems: Vec<String> = found
        .iter()
        .take(MAX_LISTED)
        .map(|(path, f)| match f {
            Found::Unknown(key) => {
                // The most specific replacement: for the keys written under it, or for it.
                let leaves = leaf_paths(&computed.values, path, 8);
                let specific: Vec<String> = leaves
                    .iter()
                    .filter_map(|l| {
                        crate::migration::replacement(&l.to_string()).map(|what| {
                            format!(
                                "{l}: a key of the original chart or its bitnami subcharts that this chart does not take: {what} {}",
                                computed.origin(l)
                            )
                        })
                    })
                    .collect();
                if !specific.is_empty() {
                    return specific.join("\n");
                }
                if let Some(secret) = computed.credential_beside(path) {
                    return format!(
                        "an unknown key, not named here: it comes from the same --set argument as {secret}, and may be a piece of that credential cut at a comma; write a comma in a value as `\\,`, or give the credential with --set-literal or --set-file"
                    );
                }
                let mut text = format!("{path}: unknown key");
                let parent = KeyPath(path.0[..path.0.len() - 1].to_vec());
                if let Some(s) = suggest(schema, &parent, key) {
                    text.push_str(&format!(" (did you mean `{s}`?)"));
                }
                format!("{text} {}", computed.origin(path))
            }
            Found::Rule(what) => {
                let why = advice(&described, computed, path, what);
                format!("{path}: {what} {}{why}", computed.origin(path))
            }
        })
        .collect();
    if total > MAX_LISTED {
        problems.push(format!(
            "… and {} more (only the first {MAX_LISTED} are listed)",
            total - MAX_LISTED
        ));
    }
    Err(Failure::input(format!(
        "the values do not match the chart's schema ({total} problem{})",
        if total == 1 { "" } else { "s" }
    ))
    .with_problems(problems)
    .hint("see docs/values.md (or `mlflow-chart schema`) for every key and its type"))
}

/// What to do about a broken rule, where the rule alone does not say: a number or boolean
/// where text is expected is quoted (Helm's `--set` reads `3` as a number); a key that must
/// keep one value says why, in its description.
fn advice(described: &Value, computed: &Computed, path: &KeyPath, what: &str) -> String {
    let value = locate::lookup(&computed.values, path);
    if what == "wrong type: expected string"
        && value.is_some_and(|v| v.is_number() || v.is_boolean())
    {
        // The text as written is gone (`3.10` was read as 3.1, `yes` as true), so the
        // hint shows the quoting rather than a value.
        return r#": write it in quotes in a values file, as you mean it (tag: "3.10"; unquoted, YAML reads 3.10 as the number 3.1), or give it with --set-string"#
            .to_string();
    }
    if what.starts_with("wrong type: expected integer")
        && let Some(t) = value.and_then(Value::as_str).map(str::trim)
        && t.parse::<f64>().is_ok()
        && t.parse::<i64>().map_or(true, |n| n.to_string() != t)
    {
        // `--set x=2.0` (or 1e3, 01): Helm's strvals types only plain integers.
        return ": a whole number is needed: write it as a plain integer (2, not 2.0, 1e3 or 02: `--set` reads those as text, as Helm's does), or give it with --set-json".to_string();
    }
    if what.starts_with("wrong type: expected integer")
        && value
            .and_then(Value::as_str)
            .is_some_and(|t| t.trim().parse::<f64>().is_ok())
    {
        return r#": a number is needed, not text: write it without quotes in a values file (5000, not "5000"), or give it with --set (not --set-string)"#.to_string();
    }
    if matches!(what, "must be true" | "must be false") && value.is_some_and(Value::is_string) {
        return ": a boolean is needed, not text: give it with --set (not --set-string), or unquoted in a values file".to_string();
    }
    if what.starts_with("must be ")
        && let Some(d) = schema_at(described, path)
            .and_then(|n| n.get("description"))
            .and_then(Value::as_str)
    {
        return format!(" ({d})");
    }
    String::new()
}

/// Decodes the merged values into the typed model. After [`check`] this fails only under
/// `--skip-schema-validation`; either way a value of the wrong type or a missing one is a
/// located error naming the key and where its value came from, never a silent default.
pub fn decode(computed: &Computed) -> Result<crate::model::Values, Failure> {
    // Decoded without tracking the path first; a failure is decoded again, tracked.
    if let Ok(v) = <crate::model::Values as serde::Deserialize>::deserialize(&computed.values) {
        return no_control_characters(computed).map(|()| v);
    }
    let err = match serde_path_to_error::deserialize(&computed.values) {
        Ok(v) => return no_control_characters(computed).map(|()| v),
        Err(e) => e,
    };
    let path = KeyPath::from(err.path());
    let inner = err.into_inner().to_string();
    let problem = match inner
        .strip_prefix("missing field `")
        .and_then(|r| r.split_once('`'))
    {
        Some((field, _)) => {
            let at = path.key(field);
            // A null over an ancestor (`ingress: null`) is where it went: that file and
            // line, not the file that last wrote the key (found by an independent review).
            let (origin, null) = (computed.origin(&at), computed.null_origin(&at));
            if null == origin {
                format!("{at}: the chart needs this value, but it is missing {origin}")
            } else {
                format!("{at}: the chart needs this value, but a null deleted it {null}")
            }
        }
        None => format!(
            "{path}: {} {}",
            crate::redact::decode_error(&inner),
            computed.origin(&path)
        ),
    };
    Err(Failure::input("a value has the wrong type or is missing")
        .with_problems(vec![problem])
        .hint("docs/values.md (or `mlflow-chart schema`) gives each key's type and default"))
}

/// No value carries a control character other than tab, newline and carriage return: a
/// NUL or an escape sequence in a command-line argument, an environment value or a
/// label is at best refused by the container runtime, at worst misread.
fn no_control_characters(computed: &Computed) -> Result<(), Failure> {
    /// What is wrong with `s`, if anything: a control character other than tab, newline
    /// and carriage return, or U+FFFE or U+FFFF, which YAML cannot hold (YAML 1.2,
    /// production 1, c-printable). A key is held to the same rule: the stream escapes
    /// one, but kustomize (kubectl 1.37's) refuses DEL or U+0085 in a key it writes back.
    fn problem(s: &str) -> Option<&'static str> {
        s.chars().find_map(|c| match c {
            '\u{FFFE}' | '\u{FFFF}' => Some("holds U+FFFE or U+FFFF, which YAML cannot carry"),
            '\t' | '\n' | '\r' => None,
            c if c.is_control() => Some(CONTROL),
            _ => None,
        })
    }
    const CONTROL: &str = "holds a control character";
    const LINE: &str = "holds a line break or a tab, but this value is one line: remove it (a file read with --set-file keeps its final line break; U+2028 and U+2029 are line breaks too)";
    const INVISIBLE: &str = "holds an invisible formatting character (a bidirectional control, a zero-width space, a soft hyphen, a tag character, …), which shows the value other than it is: remove it";
    /// Characters that change how a one-line value looks without being seen: Unicode's
    /// Bidi_Control characters (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069) and
    /// other default-ignorable format characters; not U+200C and U+200D (ZWNJ, ZWJ),
    /// which Persian and other scripts, and emoji, need.
    fn invisible(c: char) -> bool {
        matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}')
    }
    /// The key paths of the chart's one-line strings (build.rs, from the schema), sorted.
    const SINGLE_LINE: &[&str] = include!(concat!(env!("OUT_DIR"), "/single-line.rs"));
    /// Is the string at `at` one of them? (`a.b`, `[]` for a list item.)
    fn single_line(at: &[Result<&str, usize>]) -> bool {
        let mut path = String::new();
        for step in at {
            match step {
                Ok(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Err(_) => path.push_str("[]"),
            }
        }
        SINGLE_LINE.binary_search(&path.as_str()).is_ok()
    }
    fn printable_ascii(s: &str) -> bool {
        s.bytes().all(|b| (b' '..=b'~').contains(&b))
    }
    type Found = Vec<(KeyPath, &'static str)>;
    // The path so far, borrowed from the values; a key path is made only for a finding.
    fn walk<'a>(v: &'a Value, at: &mut Vec<Result<&'a str, usize>>, out: &mut Found) {
        let path = |at: &[Result<&str, usize>]| {
            at.iter().fold(KeyPath::default(), |p, step| match step {
                Ok(k) => p.key(k),
                Err(i) => p.index(*i),
            })
        };
        match v {
            // Printable ASCII holds none of the characters looked for (the common case,
            // and no key path is built for it).
            Value::String(s) if printable_ascii(s) => {}
            Value::String(s) => {
                if let Some(what) = problem(s) {
                    out.push((path(at), what));
                } else if single_line(at) {
                    if s.contains(['\n', '\r', '\t', '\u{2028}', '\u{2029}']) {
                        out.push((path(at), LINE));
                    } else if s.contains(invisible) {
                        out.push((path(at), INVISIBLE));
                    }
                }
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| {
                at.push(Err(i));
                walk(x, at, out);
                at.pop();
            }),
            Value::Object(m) => m.iter().for_each(|(k, x)| {
                at.push(Ok(k));
                if !printable_ascii(k)
                    && let Some(what) = problem(k)
                {
                    out.push((path(at), what));
                }
                walk(x, at, out);
                at.pop();
            }),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(&computed.values, &mut Vec::new(), &mut found);
    if found.is_empty() {
        return Ok(());
    }
    let control = found.iter().filter(|(_, what)| *what == CONTROL).count();
    let lines = found.iter().filter(|(_, what)| *what == LINE).count();
    let invisible = found.iter().filter(|(_, what)| *what == INVISIBLE).count();
    let what = if lines == found.len() {
        "a line break or a tab where one line belongs"
    } else if invisible == found.len() {
        "an invisible formatting character where one plain line belongs"
    } else if lines + invisible == found.len() {
        "a line break, a tab or an invisible formatting character where one plain line belongs"
    } else if control == found.len() {
        "a control character (NUL, escape, …)"
    } else if control == 0 && lines == 0 && invisible == 0 {
        "U+FFFE or U+FFFF, which YAML cannot carry"
    } else if lines == 0 && invisible == 0 {
        "a character YAML cannot carry (a control character such as NUL or escape, or U+FFFE or U+FFFF)"
    } else {
        "a character it cannot carry (a control character such as NUL or escape, U+FFFE or U+FFFF, or a line break or an invisible formatting character in a one-line value)"
    };
    Err(Failure::input(format!(
        "{} value{} {what}",
        found.len(),
        if found.len() == 1 { " holds" } else { "s hold" }
    ))
    .with_problems(
        found
            .iter()
            .take(MAX_LISTED)
            .map(|(p, what)| format!("{p}: {what} {}", computed.origin(p)))
            .collect(),
    )
    .hint("remove it; tab, newline and carriage return are allowed only in values of several lines (annotations, extraObjects, extraEnv, …)"))
}

/// After the merge, the keys of the chart's defaults that a user `null` deleted, under the
/// chart's own (closed) objects: an empty default (`""`, `false`, `0`, `[]`, `{}`) is put
/// back — the null meant "nothing", as in the original chart's values files — and a
/// non-empty scalar one is a value the chart needs: an error naming the key and where the
/// null came from, but where the schema says `x-null-is-none` (the model takes its absence
/// as "none", as the original chart's template did). Pass-through Kubernetes objects (schema `$ref`s such as `resources`)
/// and open maps keep Helm's rule: a null there deletes.
pub fn restore_deleted(computed: &mut Computed) -> Result<(), Failure> {
    let mut missing = Vec::new();
    if let Value::Object(cur) = &mut computed.values {
        // Without a deleted key there is nothing to restore, and no schema to read.
        if has_every_key(crate::values::defaults(), cur) {
            return Ok(());
        }
        restore(
            &schema(),
            crate::values::defaults(),
            cur,
            &KeyPath::default(),
            &mut missing,
        );
    }
    if missing.is_empty() {
        return Ok(());
    }
    let problems: Vec<String> = missing
        .iter()
        .take(MAX_LISTED)
        .map(|p| {
            format!(
                "{p}: the chart needs this value, but a null deleted it {}",
                computed.null_origin(p)
            )
        })
        .collect();
    Err(Failure::input(format!(
        "{} value{} the chart needs {} missing",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" },
        if missing.len() == 1 { "is" } else { "are" }
    ))
    .with_problems(problems)
    .hint("remove the null, or set a value (docs/values.md gives each key's default)"))
}

/// Does `cur` have every key of `defaults`, in every map of both? ([`restore`] changes
/// nothing then: it only fills keys that are missing.)
fn has_every_key(defaults: &Map<String, Value>, cur: &Map<String, Value>) -> bool {
    defaults.iter().all(|(k, d)| match (cur.get(k), d) {
        (None, _) => false,
        (Some(Value::Object(c)), Value::Object(d)) => has_every_key(d, c),
        (Some(_), _) => true,
    })
}

fn is_empty_default(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
    }
}

/// Is this schema node one of the chart's own closed objects (not a `$ref`)?
fn closed(node: &Value) -> bool {
    node.get("$ref").is_none()
        && node.get("additionalProperties") == Some(&Value::Bool(false))
        && node.get("properties").is_some()
}

fn restore(
    node: &Value,
    defaults: &serde_json::Map<String, Value>,
    cur: &mut serde_json::Map<String, Value>,
    at: &KeyPath,
    missing: &mut Vec<KeyPath>,
) {
    let Some(props) = node.get("properties") else {
        return;
    };
    for (k, dv) in defaults {
        let Some(child) = props.get(k) else { continue };
        let path = at.key(k);
        match (cur.get_mut(k), dv) {
            (Some(Value::Object(inner)), Value::Object(dm)) if closed(child) => {
                restore(child, dm, inner, &path, missing);
            }
            (Some(_), _) => {}
            (None, Value::Object(dm)) if closed(child) => {
                let mut inner = serde_json::Map::new();
                restore(child, dm, &mut inner, &path, missing);
                cur.insert(k.clone(), Value::Object(inner));
            }
            (None, _) if is_empty_default(dv) => {
                cur.insert(k.clone(), dv.clone());
            }
            // A key whose null means "none" (the model reads it as absent).
            (None, _) if child.get("x-null-is-none") == Some(&Value::Bool(true)) => {}
            (None, Value::Object(_) | Value::Array(_)) => {}
            (None, _) => missing.push(path),
        }
    }
}

/// Up to `max` leaf key paths at or below `at` in `root` (maps only; lists are leaves).
fn leaf_paths(root: &Value, at: &KeyPath, max: usize) -> Vec<KeyPath> {
    let mut out = Vec::new();
    let mut stack = vec![at.clone()];
    while let Some(p) = stack.pop() {
        if out.len() >= max {
            break;
        }
        match locate::lookup(root, &p) {
            Some(Value::Object(m)) if !m.is_empty() => {
                for k in m.keys().rev() {
                    stack.push(p.key(k));
                }
            }
            _ => out.push(p),
        }
    }
    out
}

/// What a value that does not match `pattern` is. The two patterns users meet most are
/// said in their words rather than as a regex.
fn pattern_problem(pattern: &str) -> String {
    if pattern == crate::model::QUANTITY_PATTERN {
        "is not a Kubernetes quantity (like 500m, 1Gi or 2)".to_string()
    } else if pattern == DIGEST_PATTERN {
        "is not an image digest (sha256: and 64 lowercase hex digits, sha512: and 128, or empty)"
            .to_string()
    } else {
        format!("does not match the pattern {pattern}")
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A short message for one schema error, without echoing the value (it may be secret).
pub(crate) fn describe(err: &jsonschema::ValidationError<'_>) -> String {
    match err.kind() {
        ValidationErrorKind::Type { kind } => {
            let names: Vec<&str> = match kind {
                jsonschema::error::TypeKind::Single(t) => vec![t.as_str()],
                jsonschema::error::TypeKind::Multiple(set) => {
                    set.iter().map(|t| t.as_str()).collect()
                }
            };
            format!("wrong type: expected {}", one_of(&names))
        }
        ValidationErrorKind::Enum { options } => format!("must be one of {options}"),
        ValidationErrorKind::Pattern { pattern } => pattern_problem(pattern),
        ValidationErrorKind::Custom { keyword, message } if keyword == lite::KEYWORD => {
            pattern_problem(message)
        }
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::MinLength { limit } => {
            format!("must be at least {limit} characters long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must be at most {limit} characters long")
        }
        ValidationErrorKind::Required { property } => format!("missing required key {property}"),
        ValidationErrorKind::Constant { expected_value } => format!("must be {expected_value}"),
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => {
            "has the wrong type or shape (see the key's description in `mlflow-chart schema`)"
                .to_string()
        }
        // Never echo the value: it may be a credential.
        kind => format!("breaks the schema's `{}` rule", kind.keyword()),
    }
}

/// Turns a JSON pointer into a key path, using the instance to tell list indices apart.
fn pointer_to_path(root: &Value, pointer: &str) -> KeyPath {
    let mut path = KeyPath::default();
    if pointer.is_empty() {
        return path;
    }
    let mut cur = Some(root);
    for raw in pointer.trim_start_matches('/').split('/') {
        let tok = raw.replace("~1", "/").replace("~0", "~");
        let seg = match (cur, tok.parse::<usize>()) {
            (Some(Value::Array(_)), Ok(i)) => Seg::Index(i),
            _ => Seg::Key(tok),
        };
        path = path.child(seg);
        cur = cur.and_then(|_| locate::lookup(root, &path));
    }
    path
}

/// The schema node describing the object at `path`, following `properties`, `items`,
/// `additionalProperties` and local `$ref`s.
pub fn schema_at<'s>(root: &'s Value, path: &KeyPath) -> Option<&'s Value> {
    let mut cur = resolve(root, root)?;
    for seg in &path.0 {
        cur = match seg {
            Seg::Key(k) => cur
                .get("properties")
                .and_then(|p| p.get(k))
                .or_else(|| cur.get("additionalProperties").filter(|a| a.is_object()))?,
            Seg::Index(_) => cur.get("items")?,
        };
        cur = resolve(root, cur)?;
    }
    Some(cur)
}

pub fn resolve<'s>(root: &'s Value, node: &'s Value) -> Option<&'s Value> {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => root.pointer(r.strip_prefix('#')?),
        None => Some(node),
    }
}

/// The closest known key at the same place, if one is close enough.
fn suggest(root: &Value, parent: &KeyPath, key: &str) -> Option<String> {
    let props = schema_at(root, parent)?.get("properties")?.as_object()?;
    props
        .keys()
        .map(|k| {
            (
                strsim::jaro_winkler(&k.to_lowercase(), &key.to_lowercase()),
                k,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run-time validator of the schema as printed (2020-12), for the tests to hold
    /// [`Compiled`] to.
    fn runtime() -> &'static jsonschema::Validator {
        static V: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
        V.get_or_init(|| jsonschema::validator_for(&serde_json::from_str(SCHEMA).unwrap()).unwrap())
    }

    /// The run-time validator's errors without a wrong type where the same schema node's
    /// `enum` already says what the value must be: the compiled validator reports the
    /// `enum` alone (its members' type is implied), the run-time one reports both.
    fn runtime_errors(values: &Value) -> Vec<jsonschema::ValidationError<'_>> {
        let all: Vec<_> = runtime().iter_errors(values).collect();
        fn node(e: &jsonschema::ValidationError<'_>) -> (String, String) {
            let at = e.schema_path().as_str();
            let parent = at[..at.rfind('/').unwrap_or(0)].to_string();
            (e.instance_path().as_str().to_string(), parent)
        }
        let enums: Vec<_> = all
            .iter()
            .filter(|e| matches!(e.kind(), ValidationErrorKind::Enum { .. }))
            .map(node)
            .collect();
        let keep: Vec<bool> = all
            .iter()
            .map(|e| {
                !matches!(e.kind(), ValidationErrorKind::Type { .. }) || !enums.contains(&node(e))
            })
            .collect();
        all.into_iter()
            .zip(keep)
            .filter_map(|(e, keep)| keep.then_some(e))
            .collect()
    }

    #[test]
    fn schema_is_valid_and_closed() {
        let s = &schema();
        jsonschema::meta::validate(&serde_json::from_str(SCHEMA).unwrap())
            .expect("valid draft schema");
        let defaults = Value::Object(crate::values::defaults().clone());
        assert!(Compiled::is_valid(&defaults));
        assert!(runtime().is_valid(&defaults));
        // Every object node is closed: additionalProperties is false or a schema.
        fn walk(v: &Value, at: &str) {
            if let Some(obj) = v.as_object() {
                if obj.get("type") == Some(&Value::String("object".into())) {
                    assert!(
                        obj.contains_key("additionalProperties") || obj.contains_key("$ref"),
                        "object schema at {at} must set additionalProperties"
                    );
                }
                for (k, c) in obj {
                    walk(c, &format!("{at}/{k}"));
                }
            } else if let Some(a) = v.as_array() {
                for (i, c) in a.iter().enumerate() {
                    walk(c, &format!("{at}/{i}"));
                }
            }
        }
        walk(s, "");
    }

    /// Quantity and digest problems are said in words; both patterns are the schema's own.
    #[test]
    fn patterns_in_words() {
        let text = SCHEMA;
        assert!(text.contains(&serde_json::to_string(crate::model::QUANTITY_PATTERN).unwrap()));
        assert!(text.contains(&serde_json::to_string(DIGEST_PATTERN).unwrap()));
        let bad = serde_json::json!({"resources": {"requests": {"cpu": "abc"}}, "image": {"digest": "sha256:x"}});
        let described: Vec<String> = Compiled::iter_errors(&bad).map(|e| describe(&e)).collect();
        assert!(
            described
                .iter()
                .any(|d| d == "is not a Kubernetes quantity (like 500m, 1Gi or 2)"),
            "{described:?}"
        );
        assert!(
            described
                .iter()
                .any(|d| d.starts_with("is not an image digest")),
            "{described:?}"
        );
    }

    /// Every key path of the schema's `properties` tree (inline objects, no `$ref`s) and
    /// of the defaults: where the property test below changes values.
    fn key_paths() -> Vec<Vec<String>> {
        fn from_schema(node: &Value, at: &[String], out: &mut Vec<Vec<String>>) {
            if let Some(Value::Object(props)) = node.get("properties") {
                for (k, sub) in props {
                    let path = [at, std::slice::from_ref(k)].concat();
                    from_schema(sub, &path, out);
                    out.push(path);
                }
            }
        }
        fn from_values(node: &Value, at: &[String], out: &mut Vec<Vec<String>>) {
            if let Value::Object(m) = node {
                for (k, v) in m {
                    let path = [at, std::slice::from_ref(k)].concat();
                    from_values(v, &path, out);
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        from_schema(&schema(), &[], &mut out);
        from_values(
            &Value::Object(crate::values::defaults().clone()),
            &[],
            &mut out,
        );
        out.sort();
        out.dedup();
        out
    }

    /// Sets `path` to `value`, making objects on the way.
    fn set(root: &mut Value, path: &[String], value: Value) {
        let mut at = root;
        for key in &path[..path.len() - 1] {
            if !at.is_object() {
                *at = Value::Object(Map::new());
            }
            at = at
                .as_object_mut()
                .unwrap()
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new()));
        }
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        at.as_object_mut()
            .unwrap()
            .insert(path[path.len() - 1].clone(), value);
    }

    fn all_errors<'v>(
        errors: impl IntoIterator<Item = jsonschema::ValidationError<'v>>,
    ) -> Vec<String> {
        let mut out: Vec<String> = errors
            .into_iter()
            .map(|e| {
                // The compiled validator's `x-pattern` is the schema's `pattern`.
                let at = e.schema_path().as_str().replace("/x-pattern", "/pattern");
                format!("{} {at} {}", e.instance_path(), describe(&e))
            })
            .collect();
        out.sort();
        out
    }

    fn some_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            prop_oneof![Just(0i64), Just(-1), Just(1), Just(65536), any::<i64>()]
                .prop_map(Value::from),
            prop_oneof![Just(0.5f64), Just(2.0), Just(-3.25)].prop_map(Value::from),
            prop::sample::select(vec![
                "",
                "abc",
                "500m",
                "1Gi",
                "2",
                "x y",
                "sha256:1",
                "https://a.example",
                "mlflow",
                "-bad-",
                "0755",
                "10s",
                "/path",
            ])
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec!["enabled", "name", "zz", "port"]),
                        inner
                    ),
                    0..3
                )
                .prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// The validator compiled at build time reports exactly what the run-time
        /// validator of the same schema reports (path, rule and message), for any values
        /// made by changing the defaults.
        #[test]
        fn compiled_validator_reports_what_the_runtime_validator_reports(
            edits in proptest::collection::vec(
                (proptest::sample::select(key_paths()), some_value()),
                0..5,
            ),
            copy_default in proptest::bool::ANY,
        ) {
            let mut values = Value::Object(crate::values::defaults().clone());
            for (path, value) in &edits {
                // Half the time a key is set back to its own default after a change.
                let value = match (copy_default, crate::locate::lookup(
                    &Value::Object(crate::values::defaults().clone()),
                    &path.iter().fold(KeyPath::default(), |p, k| p.key(k)),
                )) {
                    (true, Some(d)) => d.clone(),
                    _ => value.clone(),
                };
                set(&mut values, path, value);
            }
            let runtime = all_errors(runtime_errors(&values));
            let compiled = all_errors(Compiled::iter_errors(&values));
            proptest::prop_assert_eq!(runtime, compiled);
        }
    }

    #[test]
    fn compiled_validator_finds_a_wrong_value_far_down() {
        let mut values = Value::Object(crate::values::defaults().clone());
        assert!(all_errors(Compiled::iter_errors(&values)).is_empty());
        set(
            &mut values,
            &["oauth2Proxy".into(), "enabled".into()],
            Value::from("yes"),
        );
        set(
            &mut values,
            &["services".into(), "postgres".into(), "bogus".into()],
            Value::from(1),
        );
        let errors = all_errors(Compiled::iter_errors(&values));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("/oauth2Proxy/enabled "), "{errors:?}");
        assert!(errors[1].starts_with("/services/postgres "), "{errors:?}");
    }

    #[test]
    fn restoring_needs_the_schema_only_for_a_missing_key() {
        let defaults = crate::values::defaults();
        assert!(has_every_key(defaults, defaults));
        let mut cur = defaults.clone();
        cur.get_mut("oauth2Proxy")
            .and_then(Value::as_object_mut)
            .unwrap()
            .shift_remove("enabled");
        assert!(!has_every_key(defaults, &cur));
        // A key the defaults lack is not a missing one.
        let mut more = defaults.clone();
        more.insert("extra".into(), Value::Null);
        assert!(has_every_key(defaults, &more));
    }

    /// values.schema.compiled.json is values.schema.json with its patterns renamed;
    /// `UPDATE_SCHEMA=1 cargo test --lib schema` rewrites it.
    #[test]
    fn the_compiled_schema_is_the_schema_with_its_patterns_renamed() {
        let mut text =
            serde_json::to_string_pretty(&lite::renamed(&serde_json::from_str(SCHEMA).unwrap()))
                .unwrap();
        text.push('\n');
        let committed = crate::model::assert_committed(
            "values.schema.compiled.json",
            &text,
            "is not values.schema.json renamed: run `UPDATE_SCHEMA=1 cargo test --lib schema`",
        );
        // Every pattern was renamed, and nothing else was.
        assert_eq!(committed.matches("\"pattern\"").count(), 0);
        assert_eq!(
            committed.matches("\"x-pattern\"").count(),
            SCHEMA.matches("\"pattern\"").count()
        );
        assert!(SCHEMA.matches("\"pattern\"").count() >= 12);
    }

    /// Every pattern of the schema, with the characters it is written with.
    fn patterns() -> Vec<String> {
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(p)) = m.get("pattern") {
                        out.push(p.clone());
                    }
                    m.values().for_each(|c| walk(c, out));
                }
                Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&serde_json::from_str(SCHEMA).unwrap(), &mut out);
        out.sort();
        out.dedup();
        out
    }

    use jsonschema::paths::Location;

    #[test]
    fn regex_lite_builds_every_pattern() {
        let all = patterns();
        assert!(all.len() >= 10, "{all:?}");
        for p in &all {
            let value = Value::from(p.as_str());
            assert!(
                lite::factory(&Map::new(), &value, Location::new()).is_ok(),
                "{p}"
            );
        }
        assert!(lite::factory(&Map::new(), &Value::from(1), Location::new()).is_err());
        assert!(lite::factory(&Map::new(), &Value::from("("), Location::new()).is_err());
    }

    #[test]
    fn the_known_matches_are_the_schemas_patterns_and_each_one_matches() {
        let known: Vec<String> = lite::KNOWN.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(known, patterns());
        let mut pairs = 0;
        for (p, strings) in lite::KNOWN {
            let regex = regex_lite::Regex::new(p).unwrap();
            for s in *strings {
                assert!(regex.is_match(s), "{p} does not match {s:?}");
                pairs += 1;
            }
        }
        // The digests' empty default and the resource quantities, at least.
        assert!(
            lite::KNOWN
                .iter()
                .any(|(p, s)| *p == DIGEST_PATTERN && s.contains(&""))
        );
        assert!(pairs >= 10, "{pairs}");
    }

    #[test]
    fn checking_defaults_builds_no_expression_and_a_new_value_builds_its_own() {
        let defaults = Value::Object(crate::values::defaults().clone());
        lite::BUILDS.set(0);
        assert!(Compiled::iter_errors(&defaults).next().is_none());
        assert_eq!(lite::BUILDS.get(), 0);
        let mut v = defaults.clone();
        v["ingress"]["enabled"] = Value::from(true);
        v["ingress"]["hosts"] = serde_json::json!([{"host": "mlflow.example.org"}]);
        lite::release();
        assert!(Compiled::iter_errors(&v).next().is_none());
        assert!(lite::BUILDS.get() >= 1);
        v["ingress"]["hosts"] = serde_json::json!([{"host": "Not A Host"}]);
        assert!(Compiled::iter_errors(&v).next().is_some());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// regex-lite and the run-time validator's engine (ECMA-262 patterns through
        /// fancy-regex) agree on every pattern, for strings made of the characters the
        /// patterns name and a few others.
        #[test]
        fn regex_lite_matches_as_the_runtime_validator_does(
            picks in proptest::collection::vec(0usize..1000, 0..24),
            which in 0usize..1000,
        ) {
            static CASES: std::sync::OnceLock<Vec<(String, jsonschema::Validator, Vec<char>)>> =
                std::sync::OnceLock::new();
            let cases = CASES.get_or_init(|| {
                patterns()
                    .into_iter()
                    .map(|p| {
                        let v = jsonschema::validator_for(&serde_json::json!({"pattern": p})).unwrap();
                        let mut chars: Vec<char> = p.chars().filter(|c| !"^$()|?*+{},\\[]".contains(*c)).collect();
                        chars.extend(['a', 'z', 'A', '0', '9', '.', '-', ' ', '\n', 'µ', 'é', '/', ':', 's', 'm', 'K', 'i']);
                        chars.sort();
                        chars.dedup();
                        (p, v, chars)
                    })
                    .collect()
            });
            let (p, runtime, chars) = &cases[which % cases.len()];
            let text: String = picks.iter().map(|i| chars[i % chars.len()]).collect();
            let source = Value::from(p.as_str());
            let keyword = lite::factory(&Map::new(), &source, Location::new()).unwrap();
            let value = Value::from(text.clone());
            proptest::prop_assert_eq!(keyword.is_valid(&value), runtime.is_valid(&value), "{} against {:?}", p, text);
        }
    }

    #[test]
    fn the_checks_schema_is_the_schema_without_its_descriptions() {
        // No property is named like an annotation, so removing every `description` and
        // `title` key that holds a string is exactly removing the annotation keywords (the
        // only ones the schema has).
        fn strip(v: &mut Value) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::Object(props)) = m.get("properties") {
                        assert!(!props.contains_key("description") && !props.contains_key("title"));
                    }
                    for k in ["description", "title"] {
                        if m.get(k).is_some_and(Value::is_string) {
                            m.shift_remove(k);
                        }
                    }
                    m.values_mut().for_each(strip);
                }
                Value::Array(a) => a.iter_mut().for_each(strip),
                _ => {}
            }
        }
        let mut full: Value = serde_json::from_str(SCHEMA).unwrap();
        let descriptions = SCHEMA.matches("\"description\"").count();
        assert!(descriptions > 200, "{descriptions}");
        strip(&mut full);
        assert_eq!(full, schema());
        assert!(SCHEMA_FOR_CHECKS.len() * 2 < SCHEMA.len());
    }

    #[test]
    fn suggests_close_keys() {
        let s = &schema();
        let p = KeyPath::default().key("oauth2Proxy");
        assert_eq!(suggest(s, &p, "clientId").as_deref(), Some("clientID"));
        assert_eq!(
            suggest(s, &KeyPath::default(), "replicaCont").as_deref(),
            Some("replicaCount")
        );
        assert_eq!(suggest(s, &KeyPath::default(), "zzzzzz"), None);
    }
}
