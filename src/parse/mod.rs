//! Parse: turns each rendered template into YAML documents with the YAML crate's
//! multi-document parser (never by splitting on `---`); empty documents are dropped. Plain
//! YAML is read line by line (`lines`) or straight from the parser's events ([`direct`]);
//! serde-saphyr reads the rest.

pub mod direct;
pub mod lines;
#[cfg(test)]
mod testing;

use crate::error::Failure;
use crate::render::{Rendered, held};
use serde_json::Value;

/// JSON Pointer lookups without allocating: [`Value::pointer`] builds a new string for
/// every segment (unescaping `~1` and `~0`), and the validation looks up thousands of
/// pointers a render. Same answers as `pointer`: a unit test compares them.
pub trait At {
    /// The value at `pointer` (`""` is the whole value, `/a/0/b` a path), as
    /// [`Value::pointer`] finds it.
    fn at(&self, pointer: &str) -> Option<&Value>;

    /// The string at `pointer`, or `""` when there is none or it is not a string.
    fn str_at(&self, pointer: &str) -> &str {
        self.at(pointer).and_then(Value::as_str).unwrap_or("")
    }

    /// The string field `key` of an object, or `""` when there is none or it is not a
    /// string.
    fn text(&self, key: &str) -> &str;
}

impl At for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let bytes = rest.as_bytes();
        if bytes.contains(&b'~') {
            return self.pointer(pointer);
        }
        // The tokens between slashes, found byte by byte: the pointers are short, and a
        // `split` sets up a searcher for each.
        let mut cur = self;
        let mut start = 0;
        loop {
            let end = bytes[start..]
                .iter()
                .position(|&b| b == b'/')
                .map_or(bytes.len(), |i| start + i);
            let token = &rest[start..end];
            cur = match cur {
                Value::Object(map) => field(map, token),
                Value::Array(items) => index(token).and_then(|i| items.get(i)),
                _ => None,
            }?;
            if end == bytes.len() {
                return Some(cur);
            }
            start = end + 1;
        }
    }

    fn text(&self, key: &str) -> &str {
        self.get(key).and_then(Value::as_str).unwrap_or("")
    }
}

/// `map.get(key)`, by a linear scan when the map is small: cheaper than hashing the key
/// (SipHash), and most objects of a manifest have a handful of keys.
pub fn field<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= 12 {
        map.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        map.get(key)
    }
}

/// An array index as JSON Pointer (and serde_json) reads one: digits, no `+`, no leading
/// zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// One Kubernetes object and the template it came from.
#[derive(Debug, Clone)]
pub struct Document {
    pub template: String,
    pub value: Value,
}

impl Document {
    pub fn str_at<'a>(&'a self, pointer: &str) -> &'a str {
        At::str_at(&self.value, pointer)
    }
    pub fn kind(&self) -> &str {
        self.str_at("/kind")
    }
    pub fn api_version(&self) -> &str {
        self.str_at("/apiVersion")
    }
    pub fn name(&self) -> &str {
        self.str_at("/metadata/name")
    }
    /// `Kind/name` for messages.
    pub fn id(&self) -> String {
        object_id(&self.value)
    }
}

/// `Kind/name` of an object for messages (either empty when it has none); a kind or name
/// that holds a control character, a space or a quote (which the API server refuses
/// anyway) is shown quoted and escaped, so that it cannot break a message's lines.
pub fn object_id(value: &Value) -> String {
    let at = |pointer: &str| {
        let s = value.str_at(pointer);
        if s.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"')
        {
            crate::error::quoted(s)
        } else {
            s.to_string()
        }
    };
    format!("{}/{}", at("/kind"), at("/metadata/name"))
}

/// Parses YAML text holding any number of documents.
pub fn parse_stream(source: &str, text: &str) -> Result<Vec<Document>, Failure> {
    let text = crate::yaml::separator_lines(text).map_err(|bad| {
        Failure::render(format!(
            "the YAML does not parse: {}",
            crate::yaml::separator_error(source, bad)
        ))
        .hint(crate::yaml::separator_hint(bad))
    })?;
    parse_rendered(source, &text, Vec::new())
}

/// Parses a rendered template's text, putting the values held beside it (see
/// [`held`](crate::render::held)) in their tokens' places.
pub fn parse_rendered(
    source: &str,
    text: &str,
    mut held: Vec<Value>,
) -> Result<Vec<Document>, Failure> {
    let tokens = !held.is_empty();
    // With the held values in, a document may nest deeper than serde-saphyr's budget
    // allows: such a text is read from its JSON, as it would be without holding, so that
    // the budget speaks (the margin keeps clear of how either counts the root).
    let direct = direct::documents(text, tokens).filter(|docs| {
        !tokens
            || docs
                .iter()
                .all(|d| held::depth(d, &held) + 2 <= crate::yaml::MAX_DEPTH)
    });
    let docs: Vec<Value> = match direct {
        Some(mut docs) => {
            if tokens {
                for doc in &mut docs {
                    held::substitute(doc, &mut held);
                }
            }
            docs
        }
        None => {
            // serde-saphyr reads the text as it would have been printed without holding.
            let expanded;
            let text = if tokens {
                expanded = held::expand(text, &held);
                &expanded
            } else {
                text
            };
            serde_saphyr::from_multiple_with_options(text, crate::yaml::manifest_options())
                .map(|docs| docs.into_iter().map(|crate::yaml::Strict(v)| v).collect())
                .map_err(|e| {
                    Failure::render(format!(
                        "the YAML does not parse: {}",
                        crate::yaml::manifest_error_text(source, text, &e)
                    ))
                })?
        }
    };
    let mut out = Vec::new();
    for (i, value) in docs.into_iter().enumerate() {
        match value {
            Value::Null => {}
            Value::Object(_) => out.push(Document {
                template: source.to_string(),
                value,
            }),
            other => {
                return Err(Failure::render(format!(
                    "{source}: document {} is {}, not a Kubernetes object",
                    i + 1,
                    crate::values::kind_name(&other)
                )));
            }
        }
    }
    Ok(out)
}

/// Parses several named YAML sources; every source that fails is reported, not just
/// the first.
pub fn parse_all<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Document>, Vec<String>> {
    let sources: Vec<(&str, &str)> = sources.into_iter().collect();
    // Threads only for a megabyte of YAML or more (see parallel::MIN_ITEMS).
    let results = crate::parallel::map_weighted(
        &sources,
        |(_, text)| text.len(),
        PARALLEL_FROM,
        |(name, text)| parse_stream(name, text),
    );
    gather(results)
}

/// Below this much YAML, [`parse_all`] parses on the calling thread.
const PARALLEL_FROM: usize = 1 << 20;

/// The documents of every source in order, or the problem of every source that failed.
pub fn gather(
    results: impl IntoIterator<Item = Result<Vec<Document>, Failure>>,
) -> Result<Vec<Document>, Vec<String>> {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => problems.push(e.message),
        }
    }
    if problems.is_empty() {
        Ok(docs)
    } else {
        Err(problems)
    }
}

/// Parses every rendered template; all failures are reported together. Below a megabyte
/// each text is let go as soon as it is read, so the texts and their documents are never
/// all in memory at once.
pub fn parse(files: Vec<Rendered>) -> Result<Vec<Document>, Failure> {
    let result = if files.iter().map(|f| f.text.len()).sum::<usize>() >= PARALLEL_FROM {
        // Each thread reads a copy of its files' held values.
        gather(crate::parallel::map_weighted(
            &files,
            |f| f.text.len(),
            PARALLEL_FROM,
            |f| parse_rendered(&f.template, &f.text, f.held.clone()),
        ))
    } else {
        gather(
            files
                .into_iter()
                .map(|f| parse_rendered(&f.template, &f.text, f.held)),
        )
    };
    result.map_err(failed)
}

/// The failure of a parse in which templates' texts reported `problems`.
pub fn failed(problems: Vec<String>) -> Failure {
    Failure::render("a template produced invalid YAML").with_problems(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Small JSON values whose keys include the awkward ones: empty, digits, `~0`, `~1`.
    fn values() -> impl Strategy<Value = Value> {
        let key = prop::sample::select(vec!["", "a", "0", "01", "1", "~", "~0", "~1", "a/b", "+1"]);
        let leaf = prop_oneof![Just(Value::Null), any::<i64>().prop_map(Value::from)];
        leaf.prop_recursive(4, 32, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..4).prop_map(|kv| {
                    Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn at_finds_what_pointer_finds(
            v in values(),
            tokens in prop::collection::vec(
                prop::sample::select(vec!["", "a", "0", "00", "01", "1", "2", "+1", "-1", "~", "~0", "~1", "~01", "a~1b"]),
                0..4,
            ),
        ) {
            let joined = tokens.join("/");
            // With the leading slash a pointer; without it, not one (both answer None).
            for p in [format!("/{joined}"), joined] {
                prop_assert_eq!(v.at(&p), v.pointer(&p), "{}", p);
            }
        }
    }

    /// A JSON leaf a user might give: awkward strings (token characters, YAML and JSON
    /// syntax, line separators, long), integers at the edges, floats of every spelling.
    fn leaf() -> impl Strategy<Value = Value> {
        let words = prop::sample::select(vec![
            "",
            "\u{E000}0\u{E001}",
            "\u{E000}",
            "\u{E001}",
            "a: b",
            "- x",
            "{x: 1}",
            "#c",
            "yes",
            "null",
            "~",
            "1.0",
            "0x10",
            "\u{2028}",
            "\u{85}",
            "\u{FEFF}",
            "\"'\\",
            "&a *a !!str",
            "---",
            "...",
            "%YAML",
            "\u{E000}1\u{E001}\u{E000}2\u{E001}",
        ]);
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            prop::sample::select(vec![
                0.5,
                -0.0,
                1e21,
                1e-7,
                1.0,
                123456789.125,
                1e300,
                -2.5e-300
            ])
            .prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            words.clone().prop_map(Value::from),
            "[^\\p{Cc}]{0,80}".prop_map(Value::from),
            (words, 40usize..70).prop_map(|(w, n)| Value::from(format!("{w}{}", "x".repeat(n)))),
        ]
    }

    fn tree() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-z~.:\\u{E000}0-9 -]{0,6}", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// The documents a render reads to, with and without holding (or both errors).
    fn both_readings(set_json: Vec<String>) -> Option<(Vec<Value>, Vec<Value>)> {
        use crate::render::{Capabilities, held, wiring::Release};
        // Every component on, so that every template prints.
        let args = crate::values::ValuesArgs {
            files: vec!["scripts/all-components.yaml".into()],
            set_json,
            ..Default::default()
        };
        let computed = crate::values::compute(&args).ok()?;
        let model = crate::schema::decode(&computed).ok()?;
        let release = Release {
            name: "mlflow".into(),
            namespace: "mlflow".into(),
        };
        let caps = Capabilities {
            kube_version: "1.33".into(),
            api_versions: Vec::new(),
        };
        let read = |files: Vec<Rendered>| {
            parse(files).map(|d| d.into_iter().map(|d| d.value).collect::<Vec<_>>())
        };
        let held = crate::render::render(&model, &release, &caps).map(|o| read(o.files));
        let unheld = held::without_holding(|| {
            crate::render::render(&model, &release, &caps).map(|o| read(o.files))
        });
        match (held, unheld) {
            (Ok(Ok(a)), Ok(Ok(b))) => Some((a, b)),
            (Err(a), Err(b)) => {
                assert_eq!(a.message, b.message);
                None
            }
            (Ok(Err(a)), Ok(Err(b))) => {
                assert_eq!(a.message, b.message);
                None
            }
            (a, b) => panic!(
                "holding changed the outcome: {:?} against {:?}",
                a.map(|r| r.map(|_| ()).map_err(|f| f.message))
                    .map_err(|f| f.message),
                b.map(|r| r.map(|_| ()).map_err(|f| f.message))
                    .map_err(|f| f.message)
            ),
        }
    }

    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    static COMPARED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Holding a value reads to the same documents as printing it as JSON text and
        /// parsing that: whatever users put in free-form values (extra objects, affinity,
        /// tolerations, annotations, arguments).
        #[test]
        fn held_values_read_as_their_json_text_does(
            obj in prop::collection::vec(("[a-z]{1,5}", tree()), 0..4),
            affinity in tree(),
            toleration in tree(),
            annotation in leaf(),
            arg in leaf(),
        ) {
            let mut object: serde_json::Map<String, Value> = obj.into_iter().collect();
            object.insert("apiVersion".into(), "v1".into());
            object.insert("kind".into(), "ConfigMap".into());
            let json = |v: &Value| serde_json::to_string(v).unwrap();
            let set_json = vec![
                format!("extraObjects=[{}]", json(&Value::Object(object))),
                format!("affinity={}", json(&serde_json::json!({"nodeAffinity": affinity}))),
                format!("tolerations=[{}]", json(&serde_json::json!({"key": toleration}))),
                format!("podAnnotations={}", json(&serde_json::json!({"a": annotation.to_string()}))),
                format!("MLFlow.extraArgs=[{}]", json(&Value::from(arg.to_string()))),
            ];
            if let Some((held, unheld)) = both_readings(set_json) {
                prop_assert_eq!(held.len(), unheld.len());
                let differ = held.iter().zip(&unheld).position(|(a, b)| a != b);
                prop_assert!(differ.is_none(), "document {:?} reads otherwise held", differ);
                COMPARED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            // Most cases reach the comparison (the rest are values the chart refuses).
            let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n == 300 {
                prop_assert!(COMPARED.load(std::sync::atomic::Ordering::Relaxed) > 150);
            }
        }
    }

    #[test]
    fn every_component_reads_the_same_held_or_not() {
        let (held, unheld) = both_readings(Vec::new()).expect("the defaults render");
        assert!(held.len() > 10);
        assert_eq!(held, unheld);
    }

    #[test]
    fn at_reads_paths_like_pointer() {
        let v = serde_json::json!({"a": {"b": [10, {"c": 1}]}, "": 2, "x/y": 3, "m~n": 4});
        for p in [
            "", "/a", "/a/b/0", "/a/b/1/c", "/a/b/01", "/a/b/2", "/", "a", "/x~1y", "/m~0n",
            "/a/b/+1", "/a/b/-1",
        ] {
            assert_eq!(v.at(p), v.pointer(p), "{p}");
        }
        assert_eq!(v.at("/a/b/1/c"), Some(&Value::from(1)));
    }

    #[test]
    fn drops_empty_documents_and_keeps_order() {
        let d = parse_stream(
            "t.yaml",
            "---\n---\nkind: A\n---\n# only a comment\n---\nkind: B\n",
        )
        .unwrap();
        assert_eq!(
            d.iter().map(|d| d.kind().to_string()).collect::<Vec<_>>(),
            ["A", "B"]
        );
    }

    #[test]
    fn rejects_scalars_and_bad_yaml() {
        assert!(parse_stream("t.yaml", "just text\n").is_err());
        assert!(parse_stream("t.yaml", "a: [\n").is_err());
    }

    #[test]
    fn octal_like_kubectl() {
        let d = parse_stream("t.yaml", "kind: A\nmode: 0777\n").unwrap();
        assert_eq!(d[0].value["mode"], serde_json::json!(511));
    }
}
