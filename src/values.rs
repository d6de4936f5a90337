//! Values: loads the embedded defaults, `-f` files and the `--set` family, and merges them
//! with Helm's rules (maps deep-merge, scalars and lists replace, a user `null` deletes).

use crate::error::Failure;
use crate::locate::{self, KeyPath, Seg};
use crate::strvals::{self, Mode};
use serde_json::{Map, Value};

/// The chart's default values, embedded at build time.
pub const DEFAULT_VALUES: &str = include_str!("../values.yaml");

/// Everything the user passed that feeds the values: files and the `--set` family, each
/// in the order given.
#[derive(Debug, Default, Clone)]
pub struct ValuesArgs {
    pub files: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_json: Vec<String>,
    pub set_file: Vec<String>,
    pub set_literal: Vec<String>,
}

/// A values file the user gave, indexed once for locating keys in error messages.
pub struct Source {
    pub name: String,
    pub index: locate::Index,
}

/// The merged values and where they came from.
pub struct Computed {
    pub values: Value,
    pub sources: Vec<Source>,
    pub flags: Vec<FlagSource>,
    /// `--set` arguments that set nothing (Helm ignores them silently; we say so).
    pub warnings: Vec<String>,
}

/// Parses YAML text as one values document (an empty document is an empty map).
pub fn parse_yaml(name: &str, text: &str) -> Result<Map<String, Value>, Failure> {
    let separated = crate::yaml::separator_lines(text).map_err(|bad| {
        Failure::input(crate::yaml::separator_error(name, bad))
            .hint(crate::yaml::separator_hint(bad))
    })?;
    let untagged = untag_times(&separated);
    let text = untagged.as_ref();
    let v: Value = serde_saphyr::from_str_with_options(text, crate::yaml::options())
        .map(|crate::yaml::Strict(v)| v)
        .or_else(|e| match e {
            // Documents that are empty (a trailing `---`, as other tools write) add
            // nothing, as Helm's LoadValues merges them (pkg/chart/v2/loader/load.go:
            // 212-229 at v4.2.3): one document with content is the file.
            serde_saphyr::Error::MultipleDocuments { .. } => {
                match serde_saphyr::from_multiple_with_options::<crate::yaml::Strict>(
                    text,
                    crate::yaml::options(),
                ) {
                    Ok(docs) => {
                        // `{}` adds nothing either (Helm merges it).
                        let mut docs: Vec<Value> = docs
                            .into_iter()
                            .map(|crate::yaml::Strict(v)| v)
                            .filter(|d| !d.as_object().is_some_and(Map::is_empty))
                            .collect();
                        if docs.len() <= 1 {
                            Ok(docs.pop().unwrap_or(Value::Null))
                        } else {
                            Err(e)
                        }
                    }
                    Err(_) => Err(e),
                }
            }
            e => Err(e),
        })
        .map_err(|e| {
            Failure::input(format!(
                "invalid YAML in {}",
                crate::yaml::error_text(name, text, &e)
            ))
            .hint("fix the YAML at the line shown (values are masked in messages)")
        })?;
    scalars_as_helm_reads_them(name, text)?;
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(Failure::input(format!(
            "{name}: a values file must be a YAML mapping at the top level, found {}",
            kind_name(&other)
        ))
        .hint("start the file with `key: value` lines")),
    }
}

/// `text` with the tags `!!timestamp` (and the robotics `!time`, `!degrees`, `!radians`,
/// which the reader would turn into numbers) blanked out, so that their scalars are read as
/// untagged: a timestamp is then text, as Helm's YAML reader keeps it (go-yaml v2 decode.go,
/// `d.scalar`: a resolved timestamp decoded into an interface is set as its string "for
/// backward compatibility"), and the others as any tag of a file's own. Spaces of the same
/// length keep every line and column where it was for messages. Only a text with such a
/// word and a `!` is read a second time.
fn untag_times(text: &str) -> std::borrow::Cow<'_, str> {
    use serde_saphyr::granit_parser::{Event, Parser};
    const NAMES: [&str; 4] = ["timestamp", "time", "degrees", "radians"];
    if !text.contains('!') || !NAMES.iter().any(|n| text.contains(n)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut blanks: Vec<std::ops::Range<usize>> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((ev, span)) = item else { break };
        let Event::Scalar(_, _, _, Some(tag)) = &ev else {
            continue;
        };
        let name = tag.suffix().rsplit([':', '!']).next().unwrap_or("");
        if !NAMES.contains(&name) {
            continue;
        }
        // The scalar starts after its properties: the tag (and an anchor, either order)
        // are the words before it.
        let Some((start, _)) = text.char_indices().nth(span.start.index()) else {
            continue;
        };
        let mut end = text[..start].trim_end().len();
        loop {
            let word_start = text[..end].rfind(char::is_whitespace).map_or(0, |i| i + 1);
            let word = &text[word_start..end];
            if word.starts_with('!') && word.is_ascii() {
                blanks.push(word_start..end);
            } else if !word.starts_with('&') {
                break;
            }
            end = text[..word_start].trim_end().len();
            if end == 0 {
                break;
            }
        }
    }
    if blanks.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for r in blanks {
        out.replace_range(r.clone(), &" ".repeat(r.len()));
    }
    std::borrow::Cow::Owned(out)
}

/// The plain scalars Helm's reader (go-yaml v2) takes otherwise than this one, refused
/// with their file, line and key (never their text: it may be a credential). Only a file
/// with a `!` or a number-like mark is read a second time, once for all of them:
/// - a `!!null` tag on text that is not null (`password: !!null S3cr3t`): the reader
///   would drop the text without a word, and Go's YAML reader refuses it;
/// - a tag of the file's own with nothing after it (`password: !S3cr3t`): most often a
///   value starting with `!` left unquoted, which YAML reads as a tag on an empty value.
///   This reader would make it null (the key dropped without a word, a password generated
///   instead), Go's YAML reader an empty string (go-yaml v2 resolve.go, `resolve`: a tag
///   it cannot resolve keeps the text, here none);
/// - a number to Helm ([`helm_number_text_here`]) that is text here (`17_`, `1__0`,
///   `0X1F`; `1_000` and `0b101` are numbers to both): an image tag `17_` would render
///   `postgres:17_` here and `postgres:17` in Helm.
fn scalars_as_helm_reads_them(name: &str, text: &str) -> Result<(), Failure> {
    use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
    let numbers = text.contains('_') || ["0X", "0O", "0B", "0b"].iter().any(|p| text.contains(p));
    if !text.contains('!') && !numbers {
        return Ok(());
    }
    for item in Parser::new_from_str(text) {
        let Ok((ev, span)) = item else { break };
        let Event::Scalar(value, style, _, tag) = &ev else {
            continue;
        };
        let plain = matches!(style, ScalarStyle::Plain);
        let problem = match tag {
            Some(tag) if tag.is_custom() && value.is_empty() && plain => Some((
                "invalid YAML in ",
                "a tag (`!…`, not shown) with no value after it",
                ": YAML reads an unquoted value starting with '!' as a tag",
                "quote a value that starts with '!' (`key: \"!…\"`)",
            )),
            Some(tag)
                if tag.is_yaml_core_schema_tag("null")
                    && !matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL") =>
            {
                Some((
                    "invalid YAML in ",
                    "the value has a `!!null` tag but is not null",
                    "",
                    "remove the `!!null` tag to keep the value, or the value to make it null",
                ))
            }
            None if numbers
                && plain
                && helm_number_text_here(value)
                && serde_saphyr::from_str_with_options::<Value>(value, crate::yaml::options())
                    .is_ok_and(|v| v.is_string()) =>
            {
                Some((
                    "",
                    "the value (not shown) is a number to Helm's YAML reader (YAML 1.1: `_` between digits, `0X`, `0O` or `0b` prefixes) and text to this one",
                    "",
                    "quote it to keep it as text (`\"17_\"`), or write the number plainly (`17`)",
                ))
            }
            _ => None,
        };
        if let Some((lead, what, why, hint)) = problem {
            let (line, col) = (span.start.line(), span.start.col() + 1);
            let path = locate::path_at(text, line, col);
            return Err(Failure::input(format!(
                "{lead}{name}:{line}:{col}: {what} (at key {path}){why}"
            ))
            .hint(hint));
        }
    }
    Ok(())
}

/// Would go-yaml v2 (Helm's reader) resolve the plain scalar `s` as a number, where it is
/// written with underscores (`1_000`, `17_`) or a base prefix in upper case or binary
/// (`0X1F`, `0O17`, `0b101`), forms this reader may keep as text? go-yaml v2 resolve.go,
/// `resolve`: for a scalar starting with a digit, sign or `.` it drops every `_`, then tries Go's
/// `strconv.ParseInt(plain, 0, 64)` (any-case `0x`/`0o`/`0b` prefixes), `ParseUint`, its
/// float pattern and `0b` binary.
fn helm_number_text_here(s: &str) -> bool {
    if !s.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
        return false;
    }
    let odd = s.contains('_')
        || ["0X", "0O", "0B", "0b"]
            .iter()
            .any(|p| s.strip_prefix(['+', '-']).unwrap_or(s).starts_with(p));
    if !odd {
        return false;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    // One sign at most, as strconv.ParseInt and the float pattern take it (`--1_` is text
    // to go-yaml v2.4.2, resolve.go:150-163).
    let unsigned = plain.strip_prefix(['+', '-']).unwrap_or(&plain);
    let digits_in =
        |body: &str, radix: u32| !body.is_empty() && body.chars().all(|c| c.is_digit(radix));
    let lower = unsigned.to_ascii_lowercase();
    let int = match lower.get(..2) {
        Some("0x") => digits_in(&lower[2..], 16),
        Some("0o") => digits_in(&lower[2..], 8),
        Some("0b") => digits_in(&lower[2..], 2),
        _ => digits_in(unsigned, 10),
    };
    // `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    let float = {
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
            None => (unsigned, None),
        };
        let mantissa_ok = match mantissa.split_once('.') {
            Some((a, b)) => {
                (a.is_empty() && digits_in(b, 10))
                    || (digits_in(a, 10) && (b.is_empty() || digits_in(b, 10)))
            }
            None => digits_in(mantissa, 10),
        };
        let exponent_ok =
            exponent.is_none_or(|e| digits_in(e.strip_prefix(['+', '-']).unwrap_or(e), 10));
        mantissa_ok && exponent_ok
    };
    int || float
}

/// The chart's default values as JSON, converted from `values.yaml` by the build script.
const DEFAULTS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/defaults.json"));

/// The chart's default values, decoded once per process.
pub fn defaults() -> &'static Map<String, Value> {
    static DEFAULTS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| {
        serde_json::from_str(DEFAULTS_JSON)
            .expect("the build script writes values.yaml as a JSON mapping")
    })
}

/// A name for the JSON type of a value, for messages.
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Helm's `mergeMaps` (shared with the `--set-json` object form).
pub use crate::strvals::merge_maps;

/// Helm's coalesce of user values over chart defaults: the user wins, maps merge, and a
/// user `null` deletes the key (nulls with no default to delete are dropped too).
pub fn coalesce(defaults: &mut Map<String, Value>, user: Map<String, Value>) {
    for (k, v) in user {
        match (defaults.get_mut(&k), v) {
            (_, Value::Null) => {
                defaults.shift_remove(&k);
            }
            (Some(Value::Object(d)), Value::Object(u)) => coalesce(d, u),
            (_, mut v) => {
                strip_nulls(&mut v);
                defaults.insert(k, v);
            }
        }
    }
}

/// Drops the null keys of every map, list items' maps included (`tls[0].secretName: null`
/// is the key left out); a null list item stays (the schema names it).
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// The most nodes all values files of a run may hold together: four files at
/// serde-saphyr's budget of 250,000 each. Without it, many files under the 16 MiB cap
/// took gigabytes of memory (a node of the tree is a few hundred bytes).
const MAX_VALUES_NODES: usize = 1_000_000;

/// How many maps, lists and scalars a tree holds.
fn node_count(v: &Value) -> usize {
    1 + match v {
        Value::Object(m) => m.values().map(node_count).sum(),
        Value::Array(a) => a.iter().map(node_count).sum(),
        _ => 0,
    }
}

/// How many scalar (or list) values a tree holds.
fn leaf_count(v: &Value) -> usize {
    match v {
        Value::Object(m) => m.values().map(leaf_count).sum(),
        _ => 1,
    }
}

/// Computes the final values: defaults <- files <- set-json <- set <- set-string <-
/// set-file <- set-literal (Helm's fixed order by flag type).
pub fn compute(args: &ValuesArgs) -> Result<Computed, Failure> {
    let mut sources = Vec::new();
    let mut user = Map::new();
    let read = std::cell::Cell::new(0u64);
    let mut nodes = 0usize;
    for path in &args.files {
        let (name, text) = crate::input::read(path, &crate::input::VALUES)?;
        read.set(read.get() + text.len() as u64);
        if read.get() > crate::input::TOTAL_VALUES_CAP {
            return Err(Failure::input(total_cap_message())
                .hint("values are small; is one of the -f files not the one you meant?"));
        }
        let m = parse_yaml(&name, &text)?;
        nodes += m.values().map(node_count).sum::<usize>();
        if nodes > MAX_VALUES_NODES {
            return Err(Failure::input(format!(
                "the values files together hold more than {MAX_VALUES_NODES} values (maps, lists and scalars), the limit for all of them; {name} is where it was passed"
            ))
            .hint("values are small; is one of the -f files not the one you meant?"));
        }
        merge_maps(&mut user, m);
        let index = locate::Index::new(text);
        sources.push(Source { name, index });
    }
    let flags = apply_set_flags(args, &mut user, &read)?;
    let warnings = flags
        .iter()
        .filter(|f| f.values.as_object().is_some_and(Map::is_empty))
        .map(|f| {
            format!(
                "{} {} sets no value (Helm ignores it too): check the key's syntax, e.g. a.b[0]=x",
                f.flag, f.shown
            )
        })
        .collect();
    for v in user.values_mut() {
        integral_floats_to_ints(v);
    }
    original_chart_forms(&mut user);
    let mut values = defaults().clone();
    coalesce(&mut values, user);
    let computed = Computed {
        // Keys sorted, as Helm's templates see Go maps: nothing downstream (output bytes,
        // Job names) depends on the order in which the user wrote them.
        values: {
            let mut values = Value::Object(values);
            sort_keys(&mut values);
            values
        },
        sources,
        flags,
        warnings,
    };
    if let Some(path) = too_deep(&computed.values, MAX_VALUES_DEPTH) {
        let key = KeyPath(path.0[..MAX_VALUES_DEPTH.min(path.0.len())].to_vec());
        return Err(Failure::input(format!(
            "{key}: the values nest deeper than {MAX_VALUES_DEPTH} levels here ({})",
            computed.origin(&path)
        ))
        .hint("the chart's objects place a value a few levels deeper still, and a manifest nests at most 64 levels (as the values files do): flatten the value"));
    }
    Ok(computed)
}

/// How deep the merged values may nest: the deepest place a template puts a value (a
/// CronJob pod's container, 6 levels down) plus this stays inside the 64 levels a rendered
/// manifest may nest ([`crate::yaml::MAX_DEPTH`]), so a value too deep is named here, not
/// in a template's output.
pub const MAX_VALUES_DEPTH: usize = 48;

/// The path to the first value nested deeper than `limit` levels, if any (the path is
/// only built for such a value: the walk of every render allocates nothing).
fn too_deep(v: &Value, limit: usize) -> Option<KeyPath> {
    fn first(v: &Value, depth: usize, limit: usize, path: &mut Vec<Seg>) -> bool {
        if depth > limit {
            return true;
        }
        match v {
            Value::Object(m) => m.iter().any(|(k, child)| {
                first(child, depth + 1, limit, path) && {
                    path.push(Seg::Key(k.clone()));
                    true
                }
            }),
            Value::Array(a) => a.iter().enumerate().any(|(i, child)| {
                first(child, depth + 1, limit, path) && {
                    path.push(Seg::Index(i));
                    true
                }
            }),
            _ => false,
        }
    }
    let mut path = Vec::new();
    first(v, 0, limit, &mut path).then(|| {
        path.reverse();
        KeyPath(path)
    })
}

/// The original chart wrote some lists as one comma-separated string
/// (`oauth2Proxy.keycloak.allowed_roles: "a,b"`, `oauth2Proxy.emailDomains: "*"`): they
/// become the lists they meant.
fn original_chart_forms(user: &mut Map<String, Value>) {
    let Some(Value::Object(proxy)) = user.get_mut("oauth2Proxy") else {
        return;
    };
    let split = |v: &mut Value| {
        if let Value::String(s) = v {
            *v = Value::Array(
                crate::model::split_commas(s)
                    .into_iter()
                    .map(Value::String)
                    .collect(),
            );
        }
    };
    if let Some(v) = proxy.get_mut("emailDomains") {
        split(v);
    }
    if let Some(Value::Object(k)) = proxy.get_mut("keycloak")
        && let Some(v) = k.get_mut("allowed_roles")
    {
        split(v);
    }
}

/// A number written as `2.0` or `1e3` is the integer it denotes, as Helm's templates
/// print it (Go formats the float64 2 as `2`); JSON Schema's `integer` accepts it too,
/// and kubectl sends such a number in a manifest as the JSON integer.
pub fn integral_floats_to_ints(v: &mut Value) {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9_007_199_254_740_992.0
            {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(integral_floats_to_ints),
        Value::Object(m) => m.values_mut().for_each(integral_floats_to_ints),
        _ => {}
    }
}

/// The values that are credentials (or the half of one that names it, like an access
/// key): `values` prints a marker in their place unless asked to show them.
pub const CREDENTIAL_VALUES: &[&str] = &[
    "postgresql.auth.password",
    "postgresql.auth.postgresPassword",
    "minio.auth.rootUser",
    "minio.auth.rootPassword",
    "versitygw.auth.accessKey",
    "versitygw.auth.secretKey",
    "s3.user",
    "s3.key",
    "oauth2Proxy.clientSecret",
    "oauth2Proxy.cookieSecret",
];

/// The keys whose items are Kubernetes objects or parts of pods, given verbatim: their
/// Secrets' values, credential-named environment variables, flags and pairs are masked as
/// `diff` masks them.
const VERBATIM: &[&str] = &[
    "extraEnv",
    "extraContainers",
    "extraInitContainers",
    "extraObjects",
    "MLFlow.extraArgs",
    "podAnnotations",
    "serviceAccount.annotations",
    "ingress.annotations",
    "httpRoute.annotations",
];

/// What `values` prints in place of a credential; a render refuses it as a value (it is
/// never a real credential, and a merged values file printed by `values` must not pass
/// it on silently).
pub const HIDDEN: &str = "(hidden: `mlflow-chart values --show-secrets` prints it)";

/// The merged values with every credential replaced by [`HIDDEN`], a text holding a URI
/// with a password too (a render refuses those, but `values` prints what it was given).
pub fn masked(values: &Value) -> Value {
    fn uris(v: &mut Value) {
        match v {
            Value::String(s)
                if crate::redact::uri_credential(s)
                    || crate::redact::bare_userinfo(s)
                    // A credential pair anywhere in it: libpq's keyword form
                    // (`host=db password=…`), a fragment (`#access_token=…`).
                    || crate::redact::pairs(s) != s.as_str() =>
            {
                *s = HIDDEN.into()
            }
            Value::Object(m) => m.values_mut().for_each(uris),
            Value::Array(a) => a.iter_mut().for_each(uris),
            _ => {}
        }
    }
    let mut v = values.clone();
    mask_in_place(&mut v);
    uris(&mut v);
    let schema: Value = serde_json::from_str(crate::schema::SCHEMA).unwrap_or_default();
    unknown_credentials(&mut v, &schema, &KeyPath::default());
    v
}

/// Is an unknown key `k` (at `here`) a misspelling of a credential's name: within one edit
/// (any case) of a chart credential's key beside it (`s3.Key`, `s3.keys`,
/// `postgresql.auth.pasword`), or of a credential word (`clientSecrt`, `dbPassowrd`), or
/// an Azure connection string or SAS token (`connectionString`, `sas`).
fn near_credential(here: &KeyPath, k: &str) -> bool {
    let close = |a: &str, b: &str| strsim::damerau_levenshtein(a, b) <= 1;
    let lower = k.to_ascii_lowercase();
    let path = here.to_string();
    let parent = path.strip_suffix(k).map(|p| p.trim_end_matches('.'));
    let sibling = CREDENTIAL_VALUES.iter().any(|c| {
        c.rsplit_once('.')
            .is_some_and(|(p, leaf)| Some(p) == parent && close(&leaf.to_ascii_lowercase(), &lower))
    });
    let words = crate::redact::words(k).chain(std::iter::once(k)).any(|w| {
        let w = w.to_ascii_lowercase();
        w.len() >= 5
            && ["password", "passwd", "secret", "token"]
                .iter()
                .any(|x| close(&w, x))
    });
    sibling
        || words
        || lower.contains("connectionstring")
        || lower == "sas"
        || lower.ends_with("sastoken")
}

/// Replaces with [`HIDDEN`] the value of every key the schema does not know (a values file
/// for another chart, a misspelled key, printed with `--skip-schema-validation`) whose name
/// is a credential's (`global.postgresql.auth.postgresPassword`, `clientSecrett`): the
/// known credentials are [`CREDENTIAL_VALUES`], but an unknown key may hold one too.
fn unknown_credentials(v: &mut Value, schema: &Value, path: &KeyPath) {
    match v {
        Value::Object(m) => {
            // A key that goes on after a credential's name (`password:S3CR3T`, a `--set`
            // value typed after the wrong character) is shown cut.
            let typed: Vec<(String, String)> = m
                .keys()
                .filter(|k| crate::schema::schema_at(schema, &path.key(k)).is_none())
                .filter_map(|k| {
                    let (sep, c) = k
                        .char_indices()
                        .find(|&(_, c)| c.is_whitespace() || "=:,.\\;|/".contains(c))?;
                    let end = sep + c.len_utf8();
                    let (name, rest) = (&k[..sep], &k[end..]);
                    let credential = crate::redact::credential_name(name)
                        || near_credential(&path.key(name), name);
                    (credential && rest.chars().any(char::is_alphanumeric))
                        .then(|| (k.clone(), format!("{}…", &k[..end])))
                })
                .collect();
            for (k, cut) in typed {
                if let Some(x) = m.shift_remove(&k) {
                    m.insert(cut, x);
                }
            }
            for (k, x) in m.iter_mut() {
                let here = path.key(k);
                let known = crate::schema::schema_at(schema, &here).is_some();
                let scalar = matches!(x, Value::String(s) if !s.is_empty()) || x.is_number();
                // A reference by name (`secretName`, `secretKeyRef`, `existingSecret`) or
                // a setting about a credential (`tokenTTL`) holds none, as `diff` reads them.
                let reference =
                    crate::diff::object_name_key(k) || k.to_ascii_lowercase().ends_with("ref");
                // A bare `key` no schema knows (`azureBlob.key`, `gcs.key`) is most often
                // one: it does nothing for the chart, so hiding it costs nothing.
                let credential = !known
                    && (crate::redact::credential_name(k)
                        || near_credential(&here, k)
                        || k.eq_ignore_ascii_case("key"))
                    && !crate::redact::about_credential(k)
                    && !reference;
                if credential && scalar {
                    *x = Value::from(HIDDEN);
                } else if !known && !credential {
                    // No schema says what it holds (another chart's key, the original
                    // chart's `extraEnvVars`, `extraArgs`, an init script): masked as
                    // `diff` masks an object (environment pairs, `--flag value`,
                    // `password=…` and credential lines in text), each changed text whole.
                    // Then by the names of its keys, as below.
                    let original = x.clone();
                    crate::diff::mask_object(x, HIDDEN);
                    whole_marker(x, &original);
                    unknown_credentials(x, schema, &here);
                } else if credential
                    && (x.is_object() || x.is_array())
                    && !crate::redact::names_a_reference(x)
                    // An `auth:` section (bitnami's `auth.username`, `auth.database`,
                    // `auth.password`) is settings, some of them credentials: by name.
                    && !(x.is_object() && crate::redact::auth_section(k))
                {
                    // `auth: {password: {value: …}}`, `tokens: [a, b]`: all of it.
                    hide_leaves(x);
                } else {
                    unknown_credentials(x, schema, &here);
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                unknown_credentials(x, schema, &path.index(i));
            }
        }
        _ => {}
    }
}

/// Every non-empty text and number under `v` replaced with [`HIDDEN`].
fn hide_leaves(v: &mut Value) {
    match v {
        Value::Object(m) => m.values_mut().for_each(hide_leaves),
        Value::Array(a) => a.iter_mut().for_each(hide_leaves),
        Value::String(s) if s.is_empty() => {}
        Value::String(_) | Value::Number(_) => *v = Value::from(HIDDEN),
        _ => {}
    }
}

/// Replaces every credential of the values with [`HIDDEN`] (see [`masked`]).
pub fn mask_in_place(v: &mut Value) {
    let at = |path: &str| path.split('.').fold(KeyPath::default(), |p, k| p.key(k));
    for path in CREDENTIAL_VALUES {
        if let Some(x) = locate::lookup_mut(v, &at(path))
            && !(x.is_null() || x.as_str() == Some(""))
        {
            *x = Value::from(HIDDEN);
        }
        // Anything but a mapping where one holding a credential belongs (`--set-file
        // postgresql.auth=pw.txt`, `--set s3={…}`) may be that credential.
        let mut parent = *path;
        while let Some((up, _)) = parent.rsplit_once('.') {
            parent = up;
            if let Some(x) = locate::lookup_mut(v, &at(parent))
                && !(x.is_object() || x.is_null() || x.as_str() == Some(""))
            {
                *x = Value::from(HIDDEN);
            }
        }
    }
    for path in VERBATIM {
        let at = locate::lookup_mut(v, &at(path));
        let given = |l: &&mut Value| match &**l {
            Value::Array(a) => !a.is_empty(),
            Value::Object(m) => !m.is_empty(),
            _ => false,
        };
        if let Some(list) = at.filter(given) {
            let original = list.clone();
            crate::diff::mask_object(list, HIDDEN);
            whole_marker(list, &original);
        }
    }
}

/// Every text the masker changed in part (`--password=…` in an argument) becomes
/// [`HIDDEN`] whole, so that a render refuses it rather than pass the cut text on.
fn whole_marker(masked: &mut Value, original: &Value) {
    match (masked, original) {
        (Value::String(m), Value::String(o)) if m != o => *m = HIDDEN.to_string(),
        (Value::Object(m), Value::Object(o)) => {
            for (k, x) in m.iter_mut() {
                if let Some(y) = o.get(k) {
                    whole_marker(x, y);
                }
            }
        }
        (Value::Array(m), Value::Array(o)) => {
            for (x, y) in m.iter_mut().zip(o) {
                whole_marker(x, y);
            }
        }
        _ => {}
    }
}

/// Is any value [`HIDDEN`]? (A walk that builds no key path: the common answer is no.)
fn holds_hidden(v: &Value) -> bool {
    match v {
        Value::String(s) => s == HIDDEN,
        Value::Object(m) => m.values().any(holds_hidden),
        Value::Array(a) => a.iter().any(holds_hidden),
        _ => false,
    }
}

/// The key paths of every value that is [`HIDDEN`].
pub fn hidden_paths(v: &Value) -> Vec<KeyPath> {
    if !holds_hidden(v) {
        return Vec::new();
    }
    fn walk(v: &Value, at: &KeyPath, out: &mut Vec<KeyPath>) {
        match v {
            Value::String(s) if s == HIDDEN => out.push(at.clone()),
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, &at.key(k), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(n, x)| walk(x, &at.child(locate::Seg::Index(n)), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &KeyPath::default(), &mut out);
    out
}

/// Reads a `--set-file` file; the message never names the path (it is the flag's value).
/// The path is taken as written, spaces included; only `-` (standard input) is recognised
/// around spaces (readFile, pkg/cli/values/options.go:119-131 at Helm v4.2.3).
fn read_set_file(path: &str) -> Result<String, String> {
    let path = if path.trim() == "-" { "-" } else { path };
    if path.is_empty() {
        return Err("no file is named after `=`: give the path of the file to read".into());
    }
    crate::input::read_as(path, "(the file after `=`)", &crate::input::SET_FILE)
        .map(|(_, text)| text)
        .map_err(|f| f.message)
}

/// The flag families in the order Helm applies them.
fn flag_families(args: &ValuesArgs) -> [(&'static str, &Vec<String>); 5] {
    [
        ("--set-json", &args.set_json),
        ("--set", &args.set),
        ("--set-string", &args.set_string),
        ("--set-file", &args.set_file),
        ("--set-literal", &args.set_literal),
    ]
}

/// Applies one `--set`-family argument; `read` counts the bytes `--set-file` reads
/// against the total of all values inputs, `items_left` the list items that indexes
/// past a list's end may still create (`strvals::MAX_LIST_ITEMS_CREATED` for a run).
fn apply_one(
    flag: &str,
    expr: &str,
    dest: &mut Map<String, Value>,
    read: &std::cell::Cell<u64>,
    items_left: &std::cell::Cell<usize>,
) -> Result<(), String> {
    let reader = |path: &str| {
        let text = read_set_file(path)?;
        read.set(read.get() + text.len() as u64);
        if read.get() > crate::input::TOTAL_VALUES_CAP {
            return Err(total_cap_message());
        }
        Ok(text)
    };
    let mode = match flag {
        "--set-json" => return strvals::parse_json_within(expr, dest, items_left),
        "--set" => Mode::Typed,
        "--set-string" => Mode::Str,
        "--set-file" => Mode::File(&reader),
        _ => Mode::Literal,
    };
    strvals::parse_within(expr, dest, mode, items_left)
}

fn total_cap_message() -> String {
    format!(
        "the values files and --set-file files together are larger than the limit of {} MiB",
        crate::input::TOTAL_VALUES_CAP / (1024 * 1024)
    )
}

/// One `--set`-family argument, parsed on its own: where values came from.
pub struct FlagSource {
    pub flag: &'static str,
    pub shown: String,
    pub values: Value,
}

fn apply_set_flags(
    args: &ValuesArgs,
    user: &mut Map<String, Value>,
    read: &std::cell::Cell<u64>,
) -> Result<Vec<FlagSource>, Failure> {
    let mut sources = Vec::new();
    let items_left = std::cell::Cell::new(strvals::MAX_LIST_ITEMS_CREATED);
    // The arguments parsed again on their own (below) have a budget of their own.
    let own_items_left = std::cell::Cell::new(strvals::MAX_LIST_ITEMS_CREATED);
    for (flag, exprs) in flag_families(args) {
        for (n, expr) in exprs.iter().enumerate() {
            // A whole JSON object (`--set-json '{…}'`) has no `=` to miss.
            let whole_json = flag == "--set-json" && expr.trim_start().starts_with('{');
            let shown = if expr.contains('=') || whole_json {
                shown_expr(expr)
            } else {
                format!(
                    "{} (its argument number {} has no '=')",
                    shown_expr(expr),
                    n + 1
                )
            };
            if let Some(depth) = key_depth(expr).filter(|d| *d > MAX_KEY_DEPTH) {
                return Err(Failure::input(format!(
                    "failed parsing {flag} {shown}: a key nests {depth} levels deep; the limit is {MAX_KEY_DEPTH}"
                ))
                .hint("values nest a few levels deep; use -f with a YAML file for structured values"));
            }
            let fail = |e: String| {
                let reason = redact(&e, &shown_keys(expr)).replace(
                    "recursion limit exceeded",
                    "the JSON nests deeper than the limit of 128 levels",
                );
                let f = Failure::input(format!("failed parsing {flag} {shown}: {reason}"));
                if e.contains(crate::input::SET_FILE.noun) || e.starts_with("the values files") {
                    f.hint(crate::input::SET_FILE.hint)
                } else if e.contains(strvals::TOO_MANY_ITEMS) {
                    f.hint("give a long list in a values file (-f); Helm's limit of 65536 is for one index, this one for all --set flags together, so that a few bytes of arguments cannot take gigabytes of memory")
                } else if flag == "--set-literal" {
                    f.hint("the syntax is key=value; the whole text after the first '=' is the value, as written (commas and backslashes included, no escapes); in the key a dot always separates keys, as in Helm's literal parser: for a key with a dot in it use --set with `\\.`")
                } else if flag == "--set-json" {
                    f.hint("each value is JSON: a string needs double quotes (--set-json 'a.b=\"text\"'); numbers, true/false/null, [lists] and {maps} as in JSON")
                } else {
                    f.hint("the syntax is key=value[,key=value]; inside a value write a comma as `\\,` (or use --set-literal for the whole value); in a key write a dot as `\\.`")
                }
            };
            apply_one(flag, expr, user, read, &items_left).map_err(fail)?;
            let mut own = Map::new();
            // Parsed again on its own, to know which keys this argument set; its file
            // reads are not counted twice. Alone it may fail where on top of the values
            // it did not (`zz.=2` sets nothing, which Helm refuses only for a map that
            // would stay empty): what it set before failing is what it set.
            let _ = apply_one(
                flag,
                expr,
                &mut own,
                &std::cell::Cell::new(0),
                &own_items_left,
            );
            sources.push(FlagSource {
                flag,
                shown,
                values: Value::Object(own),
            });
        }
    }
    Ok(sources)
}

/// The deepest a `--set` key may nest (dots and list indices); Helm's values are a few
/// levels deep, and the parser recurses once per level.
const MAX_KEY_DEPTH: usize = 256;

/// The deepest key of a `--set` argument: the most `.` and `[` in the key part of any of
/// its comma-separated pairs. None for a whole JSON object (`--set-json '{…}'`).
fn key_depth(expr: &str) -> Option<usize> {
    if expr.trim_start().starts_with(['{', '[']) {
        return None;
    }
    expr.split(',')
        .map(|pair| {
            key_part(pair)
                .chars()
                .filter(|c| *c == '.' || *c == '[')
                .count()
        })
        .max()
}

/// The key text of an argument that messages may quote: its key part when that looks
/// like keys, nothing for a whole JSON document (`--set-json '["…"]'`).
fn shown_keys(expr: &str) -> String {
    // Without `=` the whole argument may be a value: no part of it counts as a key.
    if !expr.contains('=') && shown_expr(expr) == "'…'" {
        return String::new();
    }
    let k = key_part(expr);
    if keyish(k) {
        let mut shown = masked_indexes(k);
        if let Some(end) = credential_key_end(&shown) {
            shown.truncate(end);
        }
        shown
    } else {
        String::new()
    }
}

/// A key as messages show it: the text of a list index that is no whole number
/// (`password[S3CR3T]`: a value typed into the key, perhaps a credential) is `…`.
fn masked_indexes(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut rest = key;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let end = rest.find(']').unwrap_or(rest.len());
        let index = &rest[..end];
        // A number, whole or not (`1.5`, `1e3`, `-0x1`, `1_000`): shown, the message
        // says why it is refused. Anything with other letters is hidden.
        let numeric = index.len() <= 24
            && index.bytes().any(|b| b.is_ascii_digit())
            && index
                .bytes()
                .all(|b| b"0123456789+-._ eExXoObB".contains(&b));
        if numeric {
            out.push_str(index);
        } else if !index.is_empty() {
            out.push('…');
        }
        rest = &rest[end..];
        // After `]` comes `.`, `[` or the end: anything else (`password[1]S3CR3T`) is
        // text typed into the key, shown as `…` up to the next `.` or `[`.
        if let Some(after) = rest.strip_prefix(']') {
            out.push(']');
            let stray = after.find(['.', '[']).unwrap_or(after.len());
            if stray > 0 {
                out.push('…');
            }
            rest = &after[stray..];
        }
    }
    out.push_str(rest);
    out
}

/// Looks like a `--set` key: letters, digits and `._-[]\/`.
fn keyish(k: &str) -> bool {
    k.chars()
        .all(|c| c.is_alphanumeric() || "._-[]\\/".contains(c))
}

/// The part of a `--set` argument before its first `=`: keys only, never a value.
fn key_part(expr: &str) -> &str {
    expr.split('=').next().unwrap_or("")
}

/// A `--set`-family argument as shown in messages: as typed when it has no `=`, else its
/// first key and `=…` — never the value (it may be a credential). Long keys are cut.
fn shown_expr(expr: &str) -> String {
    // A whole JSON object (`--set-json '{…}'`) is values through and through; so is any
    // other JSON document given whole (`[…]`, `"…"`), which no key starts with.
    let start = expr.trim_start();
    if start.starts_with('{') {
        return "'{…}'".to_string();
    }
    if start.starts_with(['[', '"']) {
        return "'…'".to_string();
    }
    let mut key = masked_indexes(key_part(expr));
    // Without `=` an argument is shown only when it is plainly a dotted key path
    // (`image.tag`); anything else (`password:hunter2`, a JSON document, a bare word) may
    // be a value, so none of it is shown and the message gives its position instead.
    // Not a key path: one going on below a credential's key (`db.password.S3CR3T`,
    // `password[0].S3CR3T`: a value typed after a `.` instead of `=`); with `=` such a
    // key is shown up to the credential's key.
    let below_credential = match credential_key_end(&key) {
        Some(end) if end < key.len() => {
            key.truncate(end);
            key.push_str(".…");
            true
        }
        _ => false,
    };
    // A credential's key followed by a character no key path has there (`password:X=1`,
    // `password X=1`, `password\\,X=1`): a value typed after the wrong character.
    let mut typed_on = false;
    for (i, c) in key.char_indices() {
        if !(c.is_whitespace() || matches!(c, ':' | '\\' | ',' | ';' | '|' | '/')) {
            continue;
        }
        let word = key[..i].rsplit(['.', '[', ']', '"']).next().unwrap_or("");
        if crate::redact::credential_name(word) && !crate::redact::about_credential(word) {
            key.truncate(i + c.len_utf8());
            key.push('…');
            typed_on = true;
            break;
        }
    }
    let below_credential = below_credential || typed_on;
    let plain_key = expr.contains(['.', '['])
        && !below_credential
        && expr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-[]".contains(c));
    if !expr.contains('=') && !plain_key {
        return "'…'".to_string();
    }
    let mut shown: String = key.chars().take(120).collect();
    if shown.len() < key.len() {
        shown.push('…');
    }
    if expr.contains('=') {
        shown.push_str("=…");
    }
    format!("'{shown}'")
}

/// Where the first key of a `--set` key path that holds a credential ends (`password` in
/// `db.password.x`), if one does: what follows it is no key of the chart.
fn credential_key_end(key: &str) -> Option<usize> {
    let mut start = 0;
    for (i, c) in key.char_indices() {
        if !matches!(c, '.' | '[' | ']') {
            continue;
        }
        let part = &key[start..i];
        start = i + 1;
        if part.is_empty()
            || !crate::redact::credential_name(part)
            || crate::redact::about_credential(part)
            || matches!(part.to_ascii_lowercase().as_str(), "auth" | "machinetokens")
        {
            continue;
        }
        // Its list indexes (`tokens[0]`) are keys; a `.` after them goes on below it.
        let mut rest = &key[i..];
        while let Some(after) = rest.strip_prefix('[') {
            rest = after.find(']').map_or("", |e| &after[e + 1..]);
        }
        if rest.starts_with('.') {
            return Some(key.len() - rest.len());
        }
    }
    None
}

/// Masks every quoted fragment of a parser message that is not part of the argument's
/// keys: after a comma, the "key" the parser complains about may be the tail of a value.
fn redact(msg: &str, keys: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            out.push_str("\"…\"");
            return out;
        };
        let quoted = &after[..end];
        let raw: String = serde_json::from_str::<String>(&format!("\"{quoted}\""))
            .unwrap_or_else(|_| quoted.to_string());
        if !raw.is_empty() && keys.contains(raw.as_str()) {
            out.push_str(&format!("\"{quoted}\""));
        } else {
            out.push_str("\"…\"");
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

impl Computed {
    /// The credential key that the `--set`-family argument which set `path` sets too, if
    /// any. In `--set 'db.password=Abc,Def=1'` the comma was meant to be part of the
    /// password, and `Def` is an unknown key made of it: a message must not name it.
    pub fn credential_beside(&self, path: &KeyPath) -> Option<KeyPath> {
        fn credential(v: &Value, at: KeyPath, skip: &KeyPath) -> Option<KeyPath> {
            match v {
                Value::Object(m) => m.iter().find_map(|(k, x)| credential(x, at.key(k), skip)),
                _ => at
                    .0
                    .last()
                    .is_some_and(
                        |s| matches!(s, locate::Seg::Key(k) if crate::yaml::is_credential_key(k)),
                    )
                    .then_some(at)
                    .filter(|at| at != skip),
            }
        }
        let f = self
            .flags
            .iter()
            .rev()
            .find(|f| locate::lookup(&f.values, path).is_some())?;
        credential(&f.values, KeyPath::default(), path)
    }

    /// Says where the value at `path` came from: a `--set` flag, or a file with line and
    /// column, or the chart defaults. Every source was indexed once, so this is cheap.
    pub fn origin(&self, path: &KeyPath) -> String {
        match self.provenance(path) {
            Provenance::Flag(text) | Provenance::File(text) => text,
            Provenance::Defaults(line, col) => {
                format!("at values.yaml:{line}:{col} (chart defaults)")
            }
            Provenance::Computed => "in the computed values".to_string(),
        }
    }

    /// Where the null that deleted `path` came from: the last flag that set it or a map
    /// above it to null, else the last values file that did (`service:` with nothing
    /// under it deletes `service.port`, which an earlier file set), else
    /// [`Computed::origin`]. For messages only: the files are read again.
    pub fn null_origin(&self, path: &KeyPath) -> String {
        if let Some(Provenance::Flag(text)) = self.flag_provenance(path) {
            return text;
        }
        for src in self.sources.iter().rev() {
            // The longest part of `path` this file writes: a null there deleted it; a map
            // there (without the rest of `path`) leaves an earlier file to answer.
            let Some((written, (line, col))) = (1..=path.0.len()).rev().find_map(|n| {
                let prefix = KeyPath(path.0[..n].to_vec());
                src.index.exact(&prefix).map(|at| (prefix, at))
            }) else {
                continue;
            };
            let null = parse_yaml(&src.name, src.index.text()).is_ok_and(|m| {
                locate::lookup(&Value::Object(m), &written).is_some_and(Value::is_null)
            });
            if null {
                return format!("at {}:{line}:{col}", src.name);
            }
        }
        self.origin(path)
    }

    /// Where the value at `path` came from (said by [`Computed::origin`]).
    pub fn provenance(&self, path: &KeyPath) -> Provenance {
        if let Some(p) = self.flag_provenance(path) {
            return p;
        }
        self.file_provenance(path)
    }

    /// [`Computed::provenance`] among the flags.
    fn flag_provenance(&self, path: &KeyPath) -> Option<Provenance> {
        for f in self.flags.iter().rev() {
            // The path itself, or an ancestor this flag set to null (which deleted it) or
            // to a scalar (a string the model reads as a list: `allowed_roles=a,b`).
            // A null list item is the flag's placeholder for an item it did not set
            // (`--set 'a[1].b=x'` holds `a: [null, {b: x}]`), not a deletion.
            let placeholder = |n: usize| matches!(path.0.get(n - 1), Some(Seg::Index(_)));
            let set_here = locate::lookup(&f.values, path).is_some_and(|v| {
                !(v.is_null() && path.0.last().is_some_and(|s| matches!(s, Seg::Index(_))))
            }) || (1..path.0.len()).any(|n| {
                locate::lookup(&f.values, &KeyPath(path.0[..n].to_vec())).is_some_and(|v| {
                    !(v.is_object() || v.is_array() || v.is_null() && placeholder(n))
                })
            });
            if set_here {
                // An argument that sets several keys (`a=1,b=2`) is shown by this key.
                if leaf_count(&f.values) > 1 && !path.0.is_empty() {
                    return Some(Provenance::Flag(format!("from {} '{path}=…'", f.flag)));
                }
                return Some(Provenance::Flag(format!("from {} {}", f.flag, f.shown)));
            }
        }
        // A null item of the final values where a flag holds its placeholder: the flag
        // set a later item, and Helm fills the items before it with null
        // (pkg/strvals/parser.go setIndex at v4.2.3).
        if let Some(Seg::Index(index)) = path.0.last()
            && locate::lookup(&self.values, path).is_some_and(Value::is_null)
            && let Some(f) = self
                .flags
                .iter()
                .rev()
                .find(|f| locate::lookup(&f.values, path).is_some_and(Value::is_null))
        {
            let list = KeyPath(path.0[..path.0.len() - 1].to_vec());
            let shown = if leaf_count(&f.values) > 1 {
                format!("'{list}[…]=…'")
            } else {
                f.shown.clone()
            };
            // A gap before an item the flag sets, or a null it gives (`a[0]=null`).
            let later = locate::lookup(&f.values, &list)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().skip(index + 1).any(|x| !x.is_null()));
            let why = if later && f.flag != "--set-json" {
                ", which sets a later item: Helm fills the items before it with null"
            } else {
                ", which leaves it null"
            };
            return Some(Provenance::Flag(format!("from {} {shown}{why}", f.flag)));
        }
        None
    }

    /// [`Computed::provenance`] among the values files and the defaults.
    fn file_provenance(&self, path: &KeyPath) -> Provenance {
        static DEFAULTS: std::sync::OnceLock<locate::Index> = std::sync::OnceLock::new();
        let defaults = DEFAULTS.get_or_init(|| locate::Index::new(DEFAULT_VALUES));
        // The file that writes the key itself wins; then the defaults, if they write it (a
        // file that writes only a parent map, `resources: {limits: …}`, merges into them);
        // then a file that writes a parent.
        if let Some((src, (line, col))) = self
            .sources
            .iter()
            .rev()
            .find_map(|src| src.index.exact(path).map(|p| (src, p)))
        {
            return Provenance::File(format!("at {}:{line}:{col}", src.name));
        }
        if let Some((line, col)) = defaults.exact(path) {
            return Provenance::Defaults(line, col);
        }
        if let Some((src, (line, col))) = self
            .sources
            .iter()
            .rev()
            .find_map(|src| src.index.position(path).map(|p| (src, p)))
        {
            return Provenance::File(format!("at {}:{line}:{col}", src.name));
        }
        match defaults.position(path) {
            Some((line, col)) => Provenance::Defaults(line, col),
            None => Provenance::Computed,
        }
    }
}

/// Where a value came from: a flag or a values file (as said in messages), the chart's
/// values.yaml (line, column), or neither (computed).
pub enum Provenance {
    Flag(String),
    File(String),
    Defaults(usize, usize),
    Computed,
}

/// Sorts map keys recursively, in place.
pub(crate) fn sort_keys(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.sort_keys();
            m.values_mut().for_each(sort_keys);
        }
        Value::Array(a) => a.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Sorts map keys recursively, for printing computed values like Helm does.
pub fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<_> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_text_and_robotics_tags_ignored() {
        let text = "a: !!timestamp 2001-12-14\nb: &x !!timestamp 2001-12-14T21:59:43.10-05:00\nc: !degrees 180\nd: !<tag:yaml.org,2002:timestamp> 2002-01-01\ne: !time \"5\"\nf: *x\n";
        let m = parse_yaml("t.yaml", text).unwrap();
        assert_eq!(m["a"], "2001-12-14");
        assert_eq!(m["b"], "2001-12-14T21:59:43.10-05:00");
        assert_eq!(m["c"], 180);
        assert_eq!(m["d"], "2002-01-01");
        assert_eq!(m["e"], "5");
        assert_eq!(m["f"], m["b"]);
        // Positions stay: a later error names its own line and column.
        let e = parse_yaml("t.yaml", "a: !!timestamp 2001-12-14\nb: [\n").unwrap_err();
        let plain = parse_yaml("t.yaml", "a: 2001-12-14\nb: [\n").unwrap_err();
        assert_eq!(e.message, plain.message);
        assert!(e.message.contains("t.yaml:2:4"), "{e:?}");
        // Text without such a tag is read as it is (no second pass changes it).
        assert!(matches!(
            untag_times("a: !custom time"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn too_deep_names_the_first_path_past_the_limit() {
        let v = serde_json::json!({"a": 1, "b": {"c": [[{"d": 1}]]}, "e": {"f": {"g": {}}}});
        assert_eq!(too_deep(&v, 5), None);
        assert_eq!(
            too_deep(&v, 4).map(|p| p.to_string()).as_deref(),
            Some("b.c[0][0].d")
        );
        assert_eq!(
            too_deep(&v, 3).map(|p| p.to_string()).as_deref(),
            Some("b.c[0][0]")
        );
        assert_eq!(too_deep(&serde_json::json!("x"), 0), None);
    }

    #[test]
    fn sort_keys_sorts_every_map_in_place() {
        let mut v = serde_json::json!({"b": {"z": 1, "a": [{"y": 1, "x": 2}]}, "a": 0});
        sort_keys(&mut v);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"a":0,"b":{"a":[{"x":2,"y":1}],"z":1}}"#
        );
        assert_eq!(v, sorted(&v));
    }

    /// The defaults decode into the model: every key the model needs has a default.
    #[test]
    fn defaults_decode() {
        let defaults = Value::Object(defaults().clone());
        let v: crate::model::Values = serde_json::from_value(defaults.clone()).unwrap();
        // And nothing is lost on the way back: the templates see the same tree.
        assert_eq!(serde_json::to_value(&v).unwrap(), defaults);
    }

    /// The build script's JSON is values.yaml as this module reads values files: same
    /// values, same key order.
    #[test]
    fn embedded_defaults_are_values_yaml() {
        let parsed = parse_yaml("values.yaml", DEFAULT_VALUES).unwrap();
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            serde_json::to_string(defaults()).unwrap()
        );
        assert!(defaults().contains_key("oauth2Proxy"));
    }

    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn coalesce_rules() {
        let mut d = obj(json!({"a": {"b": 1, "c": 2}, "l": [1, 2], "s": "x", "gone": 1}));
        coalesce(
            &mut d,
            obj(
                json!({"a": {"b": 5, "n": null}, "l": [3], "gone": null, "new": {"k": null, "j": 1}}),
            ),
        );
        assert_eq!(
            Value::Object(d),
            json!({"a": {"b": 5, "c": 2}, "l": [3], "s": "x", "new": {"j": 1}})
        );
    }

    #[test]
    fn merge_keeps_null_for_later_delete() {
        let mut d = obj(json!({"a": {"b": 1}}));
        merge_maps(&mut d, obj(json!({"a": {"b": null, "c": 1}})));
        assert_eq!(Value::Object(d), json!({"a": {"b": null, "c": 1}}));
    }

    /// Empty documents beside the one with content (a trailing `---`) add nothing, as
    /// Helm merges them; two with content are refused (a documented difference).
    #[test]
    fn empty_documents_add_nothing() {
        for text in [
            "a: 1\n---\n",
            "---\na: 1\n---\n",
            "a: 1\n---\n# c\n---\n~\n",
            "---\n---\na: 1\n",
            // Helm's line reader takes `---#end` as a separator with a comment.
            "a: 1\n---#end\n",
        ] {
            assert_eq!(parse_yaml("t", text).unwrap()["a"], json!(1), "{text:?}");
        }
        assert!(parse_yaml("t", "---\n---\n").unwrap().is_empty());
        let e = parse_yaml("t", "a: 1\n---\nb: 2\n").unwrap_err();
        assert!(
            e.message.contains("more than one YAML document"),
            "{}",
            e.message
        );
    }

    #[test]
    fn legacy_octal_like_helm() {
        let m = parse_yaml("t", "mode: 0755\nname: yes\n").unwrap();
        assert_eq!(m["mode"], json!(493));
        // Helm reads values with a YAML 1.1 reader: `yes` is a boolean there too.
        assert_eq!(m["name"], json!(true));
    }

    #[test]
    fn shown_args_never_hold_values() {
        assert_eq!(shown_expr("foo"), "'…'");
        assert_eq!(shown_expr("image.tag"), "'image.tag'");
        assert_eq!(shown_expr("a.password:TOPSECRET"), "'…'");
        assert_eq!(shown_expr(r#"{"a":{"password":"TOPSECRET"}}"#), "'{…}'");
        assert_eq!(shown_expr(r#"{"a":{"password":"c2VjcmV0=="}}"#), "'{…}'");
        assert_eq!(key_depth(&format!("a{}=1", "[0]".repeat(300))), Some(300));
        assert_eq!(shown_expr("a.b=TOPSECRET"), "'a.b=…'");
        // A list index that is no number may be a value typed into the key.
        assert_eq!(shown_expr("a.password[S3CR3T]=1"), "'a.password[…]=…'");
        assert_eq!(
            shown_expr("a[0].b[-1][ 2][1.5][x]=1"),
            "'a[0].b[-1][ 2][1.5][…]=…'"
        );
        assert_eq!(shown_keys("a.password[S3CR3T]=1"), "a.password[…]");
        assert_eq!(shown_expr("password[1]S3CR3T=x"), "'password[1]…=…'");
        assert_eq!(shown_expr("a[0]x.b[1]=x"), "'a[0]….b[1]=…'");
        assert_eq!(shown_expr("password[0].S3CR3T"), "'…'");
        assert_eq!(
            shown_expr("postgresql.auth.password.LEAK4=x"),
            "'postgresql.auth.password.…=…'"
        );
        assert_eq!(shown_expr("apiKey..LEAK17=x"), "'apiKey.…=…'");
        for (s, helm_number) in [
            ("17_", true),
            ("1_7.6", true),
            ("2024__01", true),
            ("0X1F", true),
            ("0O17", true),
            ("0b101", true),
            ("-0B1", true),
            ("1_000", true),
            ("1e1_0", true),
            ("17", false),
            ("0x1F", false),
            ("v1_0", false),
            ("1_a", false),
            ("0b12", false),
            ("_1", false),
            ("2024-01-01", false),
            // Two signs are text to Helm (strconv takes one): never refused.
            ("--1_", false),
            ("-+0B1", false),
            ("++0X1F", false),
            ("+-17_", false),
            ("+_+98", false),
            ("1_0e--5", false),
            ("+1_0e-5", true),
        ] {
            assert_eq!(helm_number_text_here(s), helm_number, "{s}");
        }
        for typed in [":", " ", "\\,", "\\.", ";"] {
            let shown = shown_expr(&format!("postgresql.auth.password{typed}S3CR3T=1"));
            assert!(!shown.contains("S3CR3T"), "{typed}: {shown}");
            assert!(shown.starts_with("'postgresql.auth.password"), "{shown}");
        }
        assert_eq!(
            shown_expr("postgresql.auth.password=x"),
            "'postgresql.auth.password=…'"
        );
        assert_eq!(shown_expr("db.password.S3CR3T"), "'…'");
        assert_eq!(
            shown_expr("postgresql.auth.password"),
            "'postgresql.auth.password'"
        );
        assert_eq!(
            shown_expr("oauth2Proxy.clientSecret"),
            "'oauth2Proxy.clientSecret'"
        );
        assert_eq!(
            redact(r#"list index "S3CR3T" is not a whole number"#, "a[…]"),
            r#"list index "…" is not a whole number"#
        );
        assert_eq!(
            redact(r#"key "TOPSECRETtail" has no value"#, "a.b"),
            r#"key "…" has no value"#
        );
        assert_eq!(
            redact(r#"key "a" has no value"#, "x.a"),
            r#"key "a" has no value"#
        );
        assert_eq!(redact(r#"bad "unterminated"#, ""), r#"bad "…""#);
    }

    #[test]
    fn integral_floats_become_integers() {
        let mut v = json!({"a": 2.0, "b": [1e3, 1.5], "c": "2.0"});
        integral_floats_to_ints(&mut v);
        assert_eq!(v, json!({"a": 2, "b": [1000, 1.5], "c": "2.0"}));
        assert!(v["a"].is_i64());
    }

    #[test]
    fn top_level_must_be_map() {
        assert!(parse_yaml("t", "- a\n").is_err());
        assert!(parse_yaml("t", "").unwrap().is_empty());
    }
}
