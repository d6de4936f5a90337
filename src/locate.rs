//! Key paths (`a.b[0].c`) and finding where a key path is written in YAML source text,
//! so that every values error can name file, line and column.

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser};
use std::collections::HashMap;
use std::fmt;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the root of a values tree or a manifest to one value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn child(&self, seg: Seg) -> KeyPath {
        let mut v = self.0.clone();
        v.push(seg);
        KeyPath(v)
    }
    pub fn key(&self, k: &str) -> KeyPath {
        self.child(Seg::Key(k.to_string()))
    }
    pub fn index(&self, i: usize) -> KeyPath {
        self.child(Seg::Index(i))
    }

    /// The path its [`Display`](fmt::Display) form names (`a.b[0]["x.y"]`), or `None` for
    /// a text that is not one.
    pub fn parse(text: &str) -> Option<KeyPath> {
        let mut path = KeyPath::default();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                if after.starts_with('"') {
                    // A JSON string, then `]`.
                    let mut stream =
                        serde_json::Deserializer::from_str(after).into_iter::<String>();
                    let key = stream.next()?.ok()?;
                    let used = stream.byte_offset();
                    path = path.key(&key);
                    rest = after[used..].strip_prefix(']')?;
                } else {
                    let (n, tail) = after.split_once(']')?;
                    path = path.index(n.parse().ok()?);
                    rest = tail;
                }
            } else {
                let body = rest.strip_prefix('.').unwrap_or(rest);
                let end = body.find(['.', '[']).unwrap_or(body.len());
                if end == 0 {
                    return None;
                }
                path = path.key(&body[..end]);
                rest = &body[end..];
            }
        }
        Some(path)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) if is_plain(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Key(k) => write!(f, "[{}]", serde_json::Value::String(k.clone()))?,
            }
        }
        Ok(())
    }
}

fn is_plain(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The value at `path`, if any.
pub fn lookup<'v>(root: &'v Value, path: &KeyPath) -> Option<&'v Value> {
    let mut cur = root;
    for seg in &path.0 {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

impl From<&serde_path_to_error::Path> for KeyPath {
    /// The key path of a decoding error's path, segment by segment (a key may hold a dot,
    /// which the path's text would not tell apart); enum variants are no step here.
    fn from(p: &serde_path_to_error::Path) -> Self {
        KeyPath(
            p.iter()
                .filter_map(|s| match s {
                    serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                    serde_path_to_error::Segment::Enum { .. }
                    | serde_path_to_error::Segment::Unknown => None,
                })
                .collect(),
        )
    }
}

/// The value at `path`, to change, if any.
pub fn lookup_mut<'v>(root: &'v mut Value, path: &KeyPath) -> Option<&'v mut Value> {
    let mut cur = root;
    for seg in &path.0 {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

enum Frame {
    Map {
        key: Option<String>,
    },
    Seq {
        next: usize,
    },
    /// Inside a complex (mapping or list) key, which has no path of its own.
    Skip {
        depth: usize,
    },
}

/// Visits every key of a mapping and every item of a list in the first document of
/// `text` (in every document with `all_documents`, each from an empty path), in document
/// order, with its key path and position (line, column; 1-based), until `visit` returns
/// false. One pass over the parser's events: linear in the text.
fn walk(text: &str, all_documents: bool, mut visit: impl FnMut(&[Seg], (usize, usize)) -> bool) {
    let mut stack: Vec<Frame> = Vec::new();
    let mut cur: Vec<Seg> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((ev, span)) = item else { break };
        let pos = (span.start.line(), span.start.col() + 1);
        let is_node = matches!(
            ev,
            Event::Scalar(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
                | Event::Alias(_)
        );
        if let Some(Frame::Skip { depth }) = stack.last_mut() {
            match ev {
                Event::MappingStart(..) | Event::SequenceStart(..) => *depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    *depth -= 1;
                    if *depth == 0 {
                        stack.pop();
                    }
                }
                _ => {}
            }
            continue;
        }
        if is_node {
            // Is this node a key of the enclosing mapping?
            if let Some(Frame::Map { key }) = stack.last_mut()
                && key.is_none()
            {
                let name = match &ev {
                    Event::Scalar(s, ..) => s.to_string(),
                    _ => "?".to_string(),
                };
                *key = Some(name.clone());
                cur.push(Seg::Key(name));
                let go_on = visit(&cur, pos);
                cur.pop();
                if !go_on {
                    return;
                }
                // A complex key's inner structure is skipped by treating it as a scalar.
                if matches!(ev, Event::MappingStart(..) | Event::SequenceStart(..)) {
                    stack.push(Frame::Skip { depth: 1 });
                }
                continue;
            }
            // A value: extend the current path with its position.
            match stack.last_mut() {
                Some(Frame::Map { key }) => cur.push(Seg::Key(key.clone().unwrap_or_default())),
                Some(Frame::Seq { next }) => {
                    cur.push(Seg::Index(*next));
                    if !visit(&cur, pos) {
                        return;
                    }
                }
                Some(Frame::Skip { .. }) | None => {}
            }
            match ev {
                Event::MappingStart(..) => stack.push(Frame::Map { key: None }),
                Event::SequenceStart(..) => stack.push(Frame::Seq { next: 0 }),
                _ => finish_value(&mut stack, &mut cur),
            }
        } else if matches!(ev, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
            finish_value(&mut stack, &mut cur);
        } else if matches!(ev, Event::DocumentEnd) {
            if !all_documents {
                break;
            }
            stack.clear();
            cur.clear();
        } else if all_documents && matches!(ev, Event::DocumentStart(..)) && !visit(&[], pos) {
            // A new document starts from no key.
            return;
        }
    }
}

/// Line and column (1-based) where `path` is written in the first document of `text`:
/// the key for a mapping entry, the item for a list entry. The longest written prefix is
/// used when the full path is not in the text.
pub fn find(text: &str, path: &KeyPath) -> Option<(usize, usize)> {
    let mut best: Option<(usize, (usize, usize))> = None;
    walk(text, false, |cur, pos| {
        if cur.len() <= path.0.len()
            && path.0[..cur.len()] == *cur
            && best.is_none_or(|(len, _)| cur.len() > len)
        {
            best = Some((cur.len(), pos));
        }
        true
    });
    best.map(|(_, p)| p)
}

/// The key path of the innermost key or item that starts at or before (line, col): where
/// in the document a parse error happened.
pub fn path_at(text: &str, line: usize, col: usize) -> KeyPath {
    let mut last = KeyPath::default();
    walk(text, true, |cur, pos| {
        if pos > (line, col) {
            return false;
        }
        last = KeyPath(cur.to_vec());
        true
    });
    last
}

/// Where every key path of `text` is written, built in one pass the first time a position
/// is asked for (a render with nothing to report never builds it); `position` then answers
/// each lookup in time proportional to the path's depth.
#[derive(Debug, Default)]
pub struct Index {
    text: String,
    built: std::sync::OnceLock<HashMap<KeyPath, (usize, usize)>>,
}

impl Index {
    pub fn new(text: impl Into<String>) -> Index {
        Index {
            text: text.into(),
            built: std::sync::OnceLock::new(),
        }
    }

    fn map(&self) -> &HashMap<KeyPath, (usize, usize)> {
        self.built.get_or_init(|| {
            let mut map = HashMap::new();
            walk(&self.text, false, |cur, pos| {
                map.entry(KeyPath(cur.to_vec())).or_insert(pos);
                true
            });
            map
        })
    }

    /// The text this indexes.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The position of `path` itself, if it is written.
    pub fn exact(&self, path: &KeyPath) -> Option<(usize, usize)> {
        self.map().get(path).copied()
    }

    /// The position of `path`, or of its longest written prefix; None if nothing of it is
    /// written.
    pub fn position(&self, path: &KeyPath) -> Option<(usize, usize)> {
        let map = self.map();
        (1..=path.0.len())
            .rev()
            .find_map(|n| map.get(&KeyPath(path.0[..n].to_vec())).copied())
    }
}

fn finish_value(stack: &mut [Frame], cur: &mut Vec<Seg>) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => {
            *key = None;
            cur.pop();
        }
        Some(Frame::Seq { next }) => {
            *next += 1;
            cur.pop();
        }
        Some(Frame::Skip { .. }) | None => {}
    }
}

#[cfg(test)]
mod tests {
    /// In a stream, a position names a key of its own document, never the last key of
    /// the one before.
    #[test]
    fn path_at_reads_the_document_of_the_position() {
        use super::{KeyPath, find, path_at};
        let t = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\nmetadata: {name: e}\n";
        assert_eq!(path_at(t, 5, 3).to_string(), "data.a");
        assert!(path_at(t, 6, 1).0.is_empty());
        assert_eq!(path_at(t, 7, 1).to_string(), "apiVersion");
        assert_eq!(path_at(t, 10, 3).to_string(), "metadata.name");
        assert_eq!(path_at(t, 11, 1).to_string(), "metadata");
        // The first document alone for the values-file lookups.
        assert_eq!(find(t, &KeyPath::default().key("kind")), Some((2, 1)));
    }

    #[test]
    fn key_paths_read_back_as_they_are_written() {
        use super::KeyPath;
        let p = KeyPath::default()
            .key("spec")
            .key("tolerations")
            .index(0)
            .key("app.kubernetes.io/name")
            .key("x\"y]")
            .index(12)
            .key("op");
        assert_eq!(KeyPath::parse(&p.to_string()), Some(p));
        assert_eq!(KeyPath::parse("a[x]"), None);
        assert_eq!(KeyPath::parse("a..b"), None);
    }

    use super::*;

    fn kp(segs: &[Seg]) -> KeyPath {
        KeyPath(segs.to_vec())
    }

    #[test]
    fn finds_keys_and_items() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - d: 2\ne: {f: 3}\n";
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(find(text, &kp(&[k("a"), k("b")])), Some((2, 3)));
        assert_eq!(
            find(text, &kp(&[k("a"), k("c"), Seg::Index(1), k("d")])),
            Some((5, 7))
        );
        assert_eq!(find(text, &kp(&[k("e"), k("f")])), Some((6, 5)));
        // Not written: nearest written ancestor.
        assert_eq!(find(text, &kp(&[k("a"), k("zz")])), Some((1, 1)));
        assert_eq!(find(text, &kp(&[k("q")])), None);
        // A complex key does not disturb the paths after it.
        let text = "? [x, y]\n: 1\nb: 2\n";
        assert_eq!(find(text, &kp(&[k("b")])), Some((3, 1)));
    }

    #[test]
    fn index_agrees_with_find() {
        let text = "a:\n  b: 1\n  c:\n    - x\n    - d: 2\ne: {f: 3}\n";
        let k = |s: &str| Seg::Key(s.into());
        let idx = Index::new(text);
        for p in [
            kp(&[k("a"), k("b")]),
            kp(&[k("a"), k("c"), Seg::Index(1), k("d")]),
            kp(&[k("e"), k("f")]),
            kp(&[k("a"), k("zz")]),
            kp(&[k("q")]),
        ] {
            assert_eq!(idx.position(&p), find(text, &p), "{p}");
        }
    }

    #[test]
    fn path_at_error_position() {
        let text = "a:\n  b:\n    - x\n    - [y, z\n";
        let k = |s: &str| Seg::Key(s.into());
        // The parser stops at the broken flow list, so the path is the last complete one.
        let p = path_at(text, 4, 11);
        assert_eq!(p.0[..2], [k("a"), k("b")], "{p}");
        let text = "a:\n  b:\n    - x\n    - c: [y, z]\n      d: 1\n";
        assert_eq!(
            path_at(text, 5, 10),
            kp(&[k("a"), k("b"), Seg::Index(1), k("d")])
        );
        assert_eq!(path_at(text, 2, 3), kp(&[k("a"), k("b")]));
    }

    #[test]
    fn display() {
        let p = KeyPath(vec![
            Seg::Key("spec".into()),
            Seg::Key("containers".into()),
            Seg::Index(0),
            Seg::Key("kubernetes.io/role".into()),
        ]);
        assert_eq!(p.to_string(), "spec.containers[0][\"kubernetes.io/role\"]");
    }
}
