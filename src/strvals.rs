//! Helm's `--set` family (strvals): parses `a.b[0]=x,c=y` expressions into a values tree.
//!
//! The grammar, the type inference and the error cases follow Helm's `pkg/strvals`
//! (v4): `--set` infers `true`/`false`/`null` and plain integers, `--set-string` keeps
//! strings, `--set-json` decodes JSON values, `--set-file` reads files, `--set-literal`
//! takes the rest of the argument verbatim. The table test in `tests/strvals_oracle.rs`
//! compares this parser with Helm's own on every case.

use serde_json::{Map, Value};
use std::cell::Cell;

/// Largest list index Helm accepts.
pub const MAX_INDEX: i64 = 65536;
/// Deepest `a.b.c` nesting Helm accepts.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;
/// The most list items that indexes past a list's end may create, all `--set`-family
/// arguments of a run together (Helm has no such limit): room for four lists of the
/// largest index. Each `a[65536]` creates 65,537 items, so without a limit a few hundred
/// bytes of arguments took gigabytes, or ended the run under a memory limit.
pub const MAX_LIST_ITEMS_CREATED: usize = 300_000;

/// The start of the message when [`MAX_LIST_ITEMS_CREATED`] is reached.
pub const TOO_MANY_ITEMS: &str = "the --set flags together may create at most";

/// Reads the file named by a `--set-file` value.
pub type FileReader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Which member of the `--set` family is being parsed.
#[derive(Clone, Copy)]
pub enum Mode<'a> {
    /// `--set`: values typed like Helm (`true`, `false`, `null`, integers).
    Typed,
    /// `--set-string`: every value is a string.
    Str,
    /// `--set-json`: every value is a JSON document.
    Json,
    /// `--set-file`: every value names a file whose content becomes the string value.
    File(FileReader<'a>),
    /// `--set-literal`: the value is the rest of the argument, commas included.
    Literal,
}

/// Parses one flag argument into `dest`, overwriting what it names.
pub fn parse_into(
    input: &str,
    dest: &mut Map<String, Value>,
    mode: Mode<'_>,
) -> Result<(), String> {
    parse_within(input, dest, mode, &Cell::new(MAX_LIST_ITEMS_CREATED))
}

/// [`parse_into`], where list indexes may create at most `items_left` list items (what
/// they create is taken off): the arguments of one run share [`MAX_LIST_ITEMS_CREATED`].
pub fn parse_within(
    input: &str,
    dest: &mut Map<String, Value>,
    mode: Mode<'_>,
    items_left: &Cell<usize>,
) -> Result<(), String> {
    let mut p = Parser {
        s: input.chars().collect(),
        pos: 0,
        mode,
        items_left,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::NotList) => return Err("not a list".into()),
            Err(Stop::Msg(m)) => return Err(m),
        }
    }
}

/// Parses a `--set-json` argument the way Helm's CLI does: a JSON object is merged as a
/// whole, anything else is `key=jsonvalue` pairs.
pub fn parse_json_flag(input: &str, dest: &mut Map<String, Value>) -> Result<(), String> {
    parse_json_within(input, dest, &Cell::new(MAX_LIST_ITEMS_CREATED))
}

/// [`parse_json_flag`] within a shared budget of list items (see [`parse_within`]).
pub fn parse_json_within(
    input: &str,
    dest: &mut Map<String, Value>,
    items_left: &Cell<usize>,
) -> Result<(), String> {
    let trimmed = input.trim();
    if trimmed.starts_with('{') {
        let obj: Map<String, Value> =
            serde_json::from_str(trimmed).map_err(|e| format!("not a JSON object: {e}"))?;
        merge_maps(dest, obj);
        return Ok(());
    }
    parse_within(input, dest, Mode::Json, items_left)
}

/// Why parsing stopped: end of input (not an error at the top level), a value that is
/// not a `{a,b}` list, or a real error.
enum Stop {
    Eof,
    NotList,
    Msg(String),
}

type Res = Result<(), Stop>;

/// The character that ended a scan, or none at end of input.
type Last = Option<char>;

struct Parser<'a> {
    s: Vec<char>,
    pos: usize,
    mode: Mode<'a>,
    /// How many more list items indexes past a list's end may create.
    items_left: &'a Cell<usize>,
}

fn set(data: &mut Map<String, Value>, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), val);
    }
}

fn set_index(
    mut list: Vec<Value>,
    index: i64,
    val: Value,
    items_left: &Cell<usize>,
) -> (Vec<Value>, Res) {
    if index < 0 {
        return (
            list,
            Err(msg(format!("negative {index} index not allowed"))),
        );
    }
    if index > MAX_INDEX {
        return (
            list,
            Err(msg(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            ))),
        );
    }
    let i = index as usize;
    if list.len() <= i {
        let created = i + 1 - list.len();
        let Some(left) = items_left.get().checked_sub(created) else {
            return (
                list,
                Err(msg(format!(
                    "list index {index} would create {created} list item{}, and {TOO_MANY_ITEMS} {MAX_LIST_ITEMS_CREATED} items past the ends of lists",
                    if created == 1 { "" } else { "s" }
                ))),
            );
        };
        items_left.set(left);
        list.resize(i + 1, Value::Null);
    }
    list[i] = val;
    (list, Ok(()))
}

fn msg(m: String) -> Stop {
    Stop::Msg(m)
}

fn not_a(what: &str, key: &str) -> Stop {
    msg(format!(
        "unable to parse key: {key:?} is already set to a value that is not {what}"
    ))
}

/// Helm compares with Go's `strings.EqualFold` (Unicode simple folding): `ſ` folds to `s`.
fn equal_fold(a: &str, word: &str) -> bool {
    let mut it = a.chars().map(|c| match c {
        'ſ' => 's',
        'K' => 'k',
        c => c.to_ascii_lowercase(),
    });
    word.chars().all(|w| it.next() == Some(w)) && it.next().is_none()
}

/// Helm's `typedVal` for `--set`: booleans, null and integers without a leading zero.
pub fn typed_val(s: &str) -> Value {
    if equal_fold(s, "true") {
        return Value::Bool(true);
    }
    if equal_fold(s, "false") {
        return Value::Bool(false);
    }
    if equal_fold(s, "null") {
        return Value::Null;
    }
    if s == "0" {
        return Value::from(0i64);
    }
    if !s.is_empty()
        && !s.starts_with('0')
        && let Some(i) = parse_go_int(s)
    {
        return Value::from(i);
    }
    Value::String(s.to_string())
}

/// Go's `strconv.ParseInt(s, 10, 64)` / `Atoi`: optional sign, ASCII digits only.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// The first JSON value of `s` and the bytes it took, like Go's `json.Decoder.Decode`:
/// a number or literal may be followed directly by other text (`1x` reads `1`).
fn first_json_value(s: &str) -> Result<(Value, usize), Stop> {
    let mut stream = serde_json::Deserializer::from_str(s).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) => Ok((v, stream.byte_offset())),
        Some(Err(e)) => {
            // A number beyond float64 (`1e400`) is an error, as Go's decoder says (`cannot
            // unmarshal number … into Go value of type float64`): no retry on its digits
            // (found by an independent review: `a=1e400=5` read `1e40` and a key `0`).
            if e.to_string().starts_with("number out of range") {
                return Err(msg(
                    "invalid JSON value: a number out of range (larger than a float64 holds)"
                        .into(),
                ));
            }
            // serde_json rejects text right after a scalar; Go stops before it. Retry on
            // the part before the offending character.
            let line_start: usize = s
                .split_inclusive('\n')
                .take(e.line().saturating_sub(1))
                .map(str::len)
                .sum();
            let cut = line_start + e.column().saturating_sub(1);
            // A number's `.` or exponent with nothing valid after it is part of the number
            // to Go's scanner, which fails there (`2.`, `1e`): no retry.
            let number_goes_on = s[..cut.min(s.len())].ends_with(|c: char| c.is_ascii_digit())
                && s.get(cut..).is_some_and(|r| r.starts_with(['.', 'e', 'E']));
            if cut > 0 && cut < s.len() && s.is_char_boundary(cut) && !number_goes_on {
                let mut prefix = serde_json::Deserializer::from_str(&s[..cut]).into_iter::<Value>();
                if let Some(Ok(v)) = prefix.next()
                    && prefix.byte_offset() == cut
                    && !matches!(v, Value::Object(_) | Value::Array(_) | Value::String(_))
                {
                    return Ok((v, cut));
                }
            }
            Err(msg(format!("invalid JSON value: {e}")))
        }
        None => Err(msg("invalid JSON value: unexpected end of input".into())),
    }
}

impl Parser<'_> {
    fn literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    fn next(&mut self) -> Option<char> {
        let c = self.s.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// Reads up to one of `stop` (consumed). Backslash escapes the next character,
    /// except in literal mode.
    fn runes_until(&mut self, stop: &[char]) -> (String, Last) {
        let mut v = String::new();
        loop {
            let Some(r) = self.next() else {
                return (v, None);
            };
            if stop.contains(&r) {
                return (v, Some(r));
            }
            if r == '\\' && !self.literal() {
                match self.next() {
                    Some(n) => v.push(n),
                    None => return (v, None),
                }
                continue;
            }
            v.push(r);
        }
    }

    fn rest(&mut self) -> String {
        let v: String = self.s[self.pos..].iter().collect();
        self.pos = self.s.len();
        v
    }

    fn read_value(&self, raw: &str) -> Result<Value, Stop> {
        match self.mode {
            Mode::Typed => Ok(typed_val(raw)),
            Mode::File(read) => read(raw).map(Value::String).map_err(msg),
            Mode::Str | Mode::Json | Mode::Literal => Ok(Value::String(raw.to_string())),
        }
    }

    fn key(&mut self, data: &mut Map<String, Value>, level: usize) -> Res {
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.runes_until(stop);
        match last {
            None if k.is_empty() => Err(Stop::Eof),
            None => Err(msg(format!("key {k:?} has no value"))),
            Some('[') => {
                let i = self.key_index()?;
                // Taken, not cloned (it is always set back): n pairs into one list stay O(n).
                let list = match data.get_mut(&k) {
                    None => Vec::new(),
                    Some(Value::Array(a)) => std::mem::take(a),
                    Some(_) => return Err(not_a("a list", &k)),
                };
                let (list, res) = self.list_item(list, i, level);
                set(data, &k, Value::Array(list));
                res
            }
            Some('=') => self.key_value(data, &k),
            Some(',') => {
                set(data, &k, Value::String(String::new()));
                Err(msg(format!("key {k:?} has no value (cannot end with ,)")))
            }
            Some(_) => {
                // '.'
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                // Taken, not cloned: n pairs into one map stay O(n). A non-empty map is
                // never emptied by `key`, so it is always set back below.
                let mut inner = match data.get_mut(&k) {
                    None => Map::new(),
                    Some(Value::Object(m)) => std::mem::take(m),
                    Some(_) => return Err(not_a("a map", &k)),
                };
                let res = self.key(&mut inner, level);
                if res.is_ok() && inner.is_empty() {
                    return Err(msg(format!("key map {k:?} has no value")));
                }
                if !inner.is_empty() {
                    set(data, &k, Value::Object(inner));
                }
                res
            }
        }
    }

    /// After `key=`: the value, by mode.
    fn key_value(&mut self, data: &mut Map<String, Value>, k: &str) -> Res {
        match self.mode {
            Mode::Json => {
                let v = self.json_value()?;
                set(data, k, v);
                Ok(())
            }
            Mode::Literal => {
                let v = self.rest();
                set(data, k, Value::String(v));
                Ok(())
            }
            _ => match self.val_list() {
                Ok(vl) => {
                    set(data, k, Value::Array(vl));
                    Ok(())
                }
                Err(Stop::Eof) => {
                    set(data, k, Value::String(String::new()));
                    Err(Stop::Eof)
                }
                Err(Stop::NotList) => {
                    let raw = self.val();
                    let v = self.read_value(&raw)?;
                    set(data, k, v);
                    Ok(())
                }
                Err(e) => Err(e),
            },
        }
    }

    /// A JSON value after `=`: empty means null; after it, blanks and one comma are skipped.
    fn json_value(&mut self) -> Result<Value, Stop> {
        if self.empty_val() {
            return Ok(Value::Null);
        }
        let rest: String = self.s[self.pos..].iter().collect();
        let (v, bytes) = first_json_value(&rest)?;
        self.pos += rest[..bytes].chars().count();
        self.empty_val();
        Ok(v)
    }

    fn key_index(&mut self) -> Result<i64, Stop> {
        let (v, last) = self.runes_until(&[']']);
        if last.is_none() {
            // Helm wraps io.EOF here, and a wrapped EOF ends the parse without error.
            return Err(Stop::Eof);
        }
        parse_go_int(&v).ok_or_else(|| msg(format!("list index {v:?} is not a whole number")))
    }

    fn list_item(&mut self, mut list: Vec<Value>, i: i64, level: usize) -> (Vec<Value>, Res) {
        if i < 0 {
            return (list, Err(msg(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(msg(format!("unexpected data at end of array index: {k:?}"))),
            );
        }
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => match self.mode {
                Mode::Json => match self.json_value() {
                    Ok(v) => set_index(list, i, v, self.items_left),
                    Err(e) => (list, Err(e)),
                },
                Mode::Literal => {
                    let v = self.rest();
                    set_index(list, i, Value::String(v), self.items_left)
                }
                _ => match self.val_list() {
                    Ok(vl) => set_index(list, i, Value::Array(vl), self.items_left),
                    Err(Stop::Eof) => {
                        set_index(list, i, Value::String(String::new()), self.items_left)
                    }
                    Err(Stop::NotList) => {
                        let raw = self.val();
                        match self.read_value(&raw) {
                            Ok(v) => set_index(list, i, v, self.items_left),
                            Err(e) => (list, Err(e)),
                        }
                    }
                    Err(e) => (list, Err(e)),
                },
            },
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                // Helm edits an existing element in place, so what the rest of the
                // argument did to it stays even when the parse stops there (an empty value
                // at the end is io.EOF: parser.go:398-412, 413-431 at v4.2.3); a new
                // element is only stored on success.
                let (current, existing) = match list.get(i as usize) {
                    None | Some(Value::Null) => (Vec::new(), false),
                    Some(Value::Array(a)) => (a.clone(), true),
                    Some(_) => return (list, Err(not_a("a list", &format!("[{i}]")))),
                };
                let (inner, res) = self.list_item(current, next_i, level);
                if res.is_err() {
                    if existing {
                        list[i as usize] = Value::Array(inner);
                    }
                    return (list, res);
                }
                set_index(list, i, Value::Array(inner), self.items_left)
            }
            Some(_) => {
                // '.': a map inside the list; a non-map there is replaced.
                if let Some(slot) = list.get_mut(i as usize) {
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    let res = match slot {
                        Value::Object(inner) => self.key(inner, level),
                        _ => Ok(()),
                    };
                    return (list, res);
                }
                let mut inner = Map::new();
                let res = self.key(&mut inner, level);
                if res.is_err() {
                    return (list, res);
                }
                set_index(list, i, Value::Object(inner), self.items_left)
            }
        }
    }

    /// Skips blanks; true at end of input or at a comma (consumed).
    fn empty_val(&mut self) -> bool {
        loop {
            match self.next() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.pos -= 1;
                    return false;
                }
            }
        }
    }

    fn val(&mut self) -> String {
        self.runes_until(&[',']).0
    }

    /// `{a,b,c}` list value, or `NotList` (nothing consumed) when the value is not one.
    fn val_list(&mut self) -> Result<Vec<Value>, Stop> {
        match self.next() {
            None => return Err(Stop::Eof),
            Some('{') => {}
            Some(_) => {
                self.pos -= 1;
                return Err(Stop::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(msg("list must terminate with '}'".into())),
                Some('}') => {
                    if let Some(c) = self.next()
                        && c != ','
                    {
                        self.pos -= 1;
                    }
                    list.push(self.read_value(&rs)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.read_value(&rs)?),
            }
        }
    }
}

/// Helm's `mergeMaps` (for `-f` files and a whole `--set-json` object): maps merge
/// recursively, anything else replaces (a `null` is kept here and deletes a default
/// later, in `values::coalesce`).
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_created_share_one_budget() {
        let left = Cell::new(10);
        let mut m = Map::new();
        parse_within("a[4]=x", &mut m, Mode::Typed, &left).unwrap();
        assert_eq!(left.get(), 5);
        // Items that exist already cost nothing; only those past the end do.
        parse_within("a[2]=y,a[6]=z", &mut m, Mode::Str, &left).unwrap();
        assert_eq!(left.get(), 3);
        let e = parse_within("b[3]=1", &mut m, Mode::Json, &left).unwrap_err();
        assert!(e.contains("would create 4 list items"), "{e}");
        assert_eq!(left.get(), 3, "nothing taken on failure");
        parse_within("b[2]=1", &mut m, Mode::Json, &left).unwrap();
        assert_eq!(left.get(), 0);
    }

    fn p(s: &str) -> Result<Value, String> {
        let mut m = Map::new();
        parse_into(s, &mut m, Mode::Typed).map(|_| Value::Object(m))
    }

    #[test]
    fn table() {
        let ok: &[(&str, Value)] = &[
            ("a=1", json!({"a": 1})),
            (
                "a=01,b=1e3,c=1.5,d=-5",
                json!({"a":"01","b":"1e3","c":"1.5","d":-5}),
            ),
            ("a[2]=x", json!({"a": [null, null, "x"]})),
            ("a.b\\.c=1", json!({"a": {"b.c": 1}})),
            ("a={x,y}", json!({"a": ["x", "y"]})),
            ("a=x\\,y", json!({"a": "x,y"})),
            (
                "a=TRUE,b=falſe,c=NULL",
                json!({"a": true, "b": false, "c": null}),
            ),
            ("a=", json!({"a": ""})),
            ("a[0]", json!({"a": []})),
            ("", json!({})),
            ("a[0].b=1,a[0].c=2", json!({"a": [{"b": 1, "c": 2}]})),
            ("a[1][0]=z", json!({"a": [null, ["z"]]})),
            // An empty value at the end edits an existing element (Helm's in-place edit).
            ("a[0].b=1,a[0].c=", json!({"a": [{"b": 1, "c": ""}]})),
            (
                "a[0].b=1,a[0].c.d=",
                json!({"a": [{"b": 1, "c": {"d": ""}}]}),
            ),
            ("a[1]=x,a[0].b=", json!({"a": [{"b": ""}, "x"]})),
            ("a[0].b=1,a[0].c[0].d=", json!({"a": [{"b": 1, "c": []}]})),
            (
                "a[0][0].b=1,a[0][0].c=",
                json!({"a": [[{"b": 1, "c": ""}]]}),
            ),
            ("a[0].b=1,a[0].c[0]=", json!({"a": [{"b": 1, "c": [""]}]})),
            ("a[1]=x,a[0].", json!({"a": [{}, "x"]})),
            ("a[0][0]=1,a[0][1].b=", json!({"a": [[1]]})),
            ("a[0].b=", json!({"a": []})),
        ];
        for (input, want) in ok {
            assert_eq!(p(input).as_ref(), Ok(want), "{input}");
        }
        for bad in [
            "a",
            "a.b=1,a.b.c=2",
            "a[-1]=x",
            "a[x]=1",
            "a=1,b",
            "a[70000]=1",
            "a={x",
            ",",
        ] {
            assert!(p(bad).is_err(), "{bad} should fail: {:?}", p(bad));
        }
    }

    #[test]
    fn literal_and_json() {
        let mut m = Map::new();
        parse_into("a.b=x,y=z\\n", &mut m, Mode::Literal).unwrap();
        assert_eq!(Value::Object(m), json!({"a": {"b": "x,y=z\\n"}}));
        let mut m = Map::new();
        parse_into("a=[1,{\"b\":2}],c=", &mut m, Mode::Json).unwrap();
        assert_eq!(Value::Object(m), json!({"a": [1, {"b": 2}], "c": null}));
    }

    /// A number beyond float64 is refused, as Go's decoder refuses it, in a key's value
    /// and in a list item, whatever follows (`=5` is no second key).
    #[test]
    fn json_numbers_beyond_float64_are_refused() {
        for input in [
            "a=1e400=5",
            "a=1e309",
            "a[0]=1e400=5",
            "a=1e400,b=1",
            "a=-1e400",
        ] {
            let mut m = Map::new();
            let e = parse_json_flag(input, &mut m).unwrap_err();
            assert!(e.contains("a number out of range"), "{input}: {e}");
        }
        let mut m = Map::new();
        parse_json_flag("a=1e308,b=12", &mut m).unwrap();
        assert_eq!(Value::Object(m), json!({"a": 1e308, "b": 12}));
    }
}
