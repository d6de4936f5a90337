//! Parse: turns each rendered template into YAML documents with the YAML crate's
//! multi-document parser (never by splitting on `---`); empty documents are dropped. Plain
//! YAML is read straight from the parser's events ([`direct`]); serde-saphyr reads the rest.

pub mod direct;

use crate::error::Failure;
use crate::render::Rendered;
use serde_json::Value;

/// JSON Pointer lookups without allocating: [`Value::pointer`] builds a new string for
/// every segment (unescaping `~1` and `~0`), and the validation looks up thousands of
/// pointers a render. Same answers as `pointer`: a unit test compares them.
pub trait At {
    /// The value at `pointer` (`""` is the whole value, `/a/0/b` a path), as
    /// [`Value::pointer`] finds it.
    fn at(&self, pointer: &str) -> Option<&Value>;
}

impl At for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        if pointer.contains('~') {
            return self.pointer(pointer);
        }
        pointer
            .strip_prefix('/')?
            .split('/')
            .try_fold(self, |cur, token| match cur {
                Value::Object(map) => field(map, token),
                Value::Array(items) => index(token).and_then(|i| items.get(i)),
                _ => None,
            })
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
        self.value.at(pointer).and_then(Value::as_str).unwrap_or("")
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
        format!("{}/{}", self.kind(), self.name())
    }
}

/// Parses YAML text holding any number of documents.
pub fn parse_stream(source: &str, text: &str) -> Result<Vec<Document>, Failure> {
    let docs: Vec<Value> = match direct::documents(text) {
        Some(docs) => docs,
        None => serde_saphyr::from_multiple_with_options(text, crate::yaml::manifest_options())
            .map_err(|e| {
                Failure::render(format!(
                    "the YAML does not parse: {}",
                    crate::yaml::manifest_error_text(source, text, &e)
                ))
            })?,
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
fn gather(
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
        parse_all(files.iter().map(|f| (f.template.as_str(), f.text.as_str())))
    } else {
        gather(
            files
                .into_iter()
                .map(|f| parse_stream(&f.template, &f.text)),
        )
    };
    result.map_err(|problems| {
        Failure::render("a template produced invalid YAML").with_problems(problems)
    })
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
