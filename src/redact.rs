//! Redaction of credentials inside free text: the password of a URI's userinfo (or the
//! whole userinfo when it is a single token) and every query value. Used on everything
//! the program prints about an input it did not fully accept (errors, warnings, diffs).

use std::borrow::Cow;

/// Characters that end a URI inside free text (YAML, JSON, messages).
fn ends_uri(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '`' | '<' | '>' | ')' | ']' | '}' | ',' | '\\'
        )
}

/// Is `scheme` one of WHATWG's special schemes with an authority (http, https, ws, wss,
/// ftp), any case?
fn special_scheme(scheme: &str) -> bool {
    ["http", "https", "ws", "wss", "ftp"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
}

/// Where a URI's authority starts in `text`, from byte `from` on: the offset after its
/// `scheme://`, and whether it is written so (`true`) or in a form a lenient parser still
/// reads as one (`false`): a special scheme (http, https, ws, wss, ftp) followed by any
/// number of `/` or `\\`, none too (`https:/u:p@h`, `https:\\u:p@h`, `https:u:p@h`,
/// `https:///u:p@h`), and a scheme-relative `//u:p@h` at the start of a word. The WHATWG
/// URL parser, which browsers and many libraries follow, reads a userinfo in each of
/// these (url.spec.whatwg.org, "special authority ignore slashes state", "relative slash
/// state"); `file:///a@b` is a path. The third value says whether the scheme is one of
/// those special ones (or none), whose userinfo only WHATWG's reading decides.
fn next_authority(text: &str, from: usize) -> Option<(usize, bool, bool)> {
    let bytes = text.as_bytes();
    let slashes = |at: usize| {
        bytes[at..]
            .iter()
            .take_while(|b| matches!(b, b'/' | b'\\'))
            .count()
    };
    // A scheme starts at a word's start: not after a letter, digit or scheme character.
    let word_start = |at: usize| {
        at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || b"+-.".contains(&bytes[at - 1]))
    };
    let mut at = from;
    while at < bytes.len() {
        let c = bytes[at];
        if c == b':' {
            let begin = (0..at)
                .rev()
                .take_while(|&i| bytes[i].is_ascii_alphanumeric() || b"+-.".contains(&bytes[i]))
                .last();
            if let Some(begin) = begin
                && bytes[begin].is_ascii_alphabetic()
                && word_start(begin)
            {
                let run = slashes(at + 1);
                let special = special_scheme(&text[begin..at]);
                if text[at + 1..].starts_with("//") && (run == 2 || !special) {
                    return Some((at + 3, true, special));
                }
                if special {
                    return Some((at + 1 + run, false, true));
                }
            }
        } else if c == b'/'
            && text[at..].starts_with("//")
            && word_start(at)
            && (at == 0 || bytes[at - 1] != b':')
        {
            return Some((at + slashes(at), false, true));
        }
        at += 1;
    }
    None
}

/// Where the userinfo of a URI ends in `tail` (the text after its `scheme://`): the offset
/// of the `@` that closes it, as the most generous of the parsers that read it decides.
/// WHATWG (browsers, Python's `urlsplit`, urllib3, Go's `net/url`): the authority runs to
/// the first `/`, `?` or `#` (and `\\` for a special scheme) of the word, the userinfo to
/// its last `@`; any other character (`,` `)` `'` `"` `<` …) belongs to it. For other
/// schemes (database URIs) also SQLAlchemy, which MLflow hands them to: a user without
/// `:` or `/`, then a password of anything but `@` up to the first `@` of the line
/// (sqlalchemy/engine/url.py `_parse_url`, `(?::(?P<password>[^@]*))?@`); libpq reads
/// `?`, `#` and spaces in it too (fe-connect.c `conninfo_uri_parse_options` stops at
/// `@` or `/`).
fn userinfo_end(tail: &str, special: bool) -> Option<usize> {
    let line = &tail[..tail.find(['\n', '\r']).unwrap_or(tail.len())];
    let word = &line[..line.find(char::is_whitespace).unwrap_or(line.len())];
    let stops: &[char] = if special {
        &['/', '?', '#', '\\']
    } else {
        &['/', '?', '#']
    };
    // A space (or any Unicode one) in a userinfo is percent-encoded by WHATWG and kept by
    // urllib: the authority runs on past it on the line, when a `:` comes before the
    // space (`https://u: pw@h`), so that prose after a URI stays shown.
    let authority = |s: &str| s.find(stops).unwrap_or(s.len());
    let whatwg = word[..authority(word)].rfind('@').or_else(|| {
        let at = line[..authority(line)].rfind('@')?;
        let space = line.find(char::is_whitespace)?;
        line[..space].contains(':').then_some(at)
    });
    if special {
        return whatwg;
    }
    let sqlalchemy = line.find('@').filter(|&at| {
        let info = &line[..at];
        !info[..info.find(':').unwrap_or(info.len())].contains('/')
    });
    whatwg.max(sqlalchemy)
}

/// Does a one-word text start with a URI's userinfo without its scheme, `user:password@`
/// (`externalDatabase.host: mlflow:S3CR3T@db.example.org`)? An image reference
/// (`registry:5000/repo@sha256:…`) has a `/` before its `@`, an email address no `:`.
pub fn bare_userinfo(s: &str) -> bool {
    let Some((info, host)) = s.split_once('@') else {
        return false;
    };
    !s.contains(char::is_whitespace)
        && !host.is_empty()
        && info
            .split_once(':')
            .is_some_and(|(user, password)| !user.is_empty() && !password.is_empty())
        && !info.contains('/')
}

/// The userinfo of a URI written `scheme://…` (the whole of `uri`), as
/// [`userinfo_end`] reads it: the part before the `@` that closes it.
pub fn userinfo(uri: &str) -> Option<&str> {
    let (scheme, rest) = uri.split_once("://")?;
    userinfo_end(rest, special_scheme(scheme)).map(|at| &rest[..at])
}

/// `text` with a `user:password@` before its first `@` masked when it follows a path or
/// nothing, as in an image reference with a registry login (`docker.io/robot:pw@…` →
/// `docker.io/robot:…@…`). An image digest (`registry:5000/repo@sha256:…`) has no `:` in
/// its last segment, and text with a space before the `@` is no reference.
pub fn reference_userinfo(text: &str) -> Cow<'_, str> {
    let Some((before, after)) = text.split_once('@') else {
        return Cow::Borrowed(text);
    };
    let segment = before.rfind('/').map_or(0, |slash| slash + 1);
    let info = &before[segment..];
    if info.contains(':') && !info.contains(char::is_whitespace) {
        Cow::Owned(format!("{}{}@{after}", &before[..segment], mask_info(info)))
    } else {
        Cow::Borrowed(text)
    }
}

/// A userinfo masked: `user:…`, or `…` for a single token.
fn mask_info(info: &str) -> String {
    match info.split_once(':') {
        Some((user, _)) => format!("{user}:…"),
        None => "…".to_string(),
    }
}

/// `text` with every URI's credentials replaced by `…`: `scheme://user:…@host/p?a=…&b=…`;
/// in the lenient forms [`next_authority`] finds, the userinfo.
pub fn uris(text: &str) -> Cow<'_, str> {
    if !text.contains("://") && !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    while let Some((begin, standard, special)) = next_authority(text, done) {
        out.push_str(&text[done..begin]);
        let mut tail = &text[begin..];
        let mut taken = 0;
        if let Some(at) = userinfo_end(tail, special) {
            out.push_str(&mask_info(&tail[..at]));
            out.push('@');
            tail = &tail[at + 1..];
            taken = at + 1;
        }
        let end = tail.find(ends_uri).unwrap_or(tail.len());
        let uri = &tail[..end];
        if standard {
            out.push_str(&mask_query(uri));
        } else {
            out.push_str(uri);
        }
        done = begin + taken + end;
    }
    out.push_str(&text[done..]);
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// `text` (a message) with URI credentials masked ([`uris`]) and every quoted key of a
/// path written `NAME=value` under a credential's name masked after its `=`:
/// `stringData["DB_PASSWORD=…"]` (a Secret key or an annotation typed as in a `.env`
/// file holds the value, which may be a credential).
pub fn message(text: &str) -> Cow<'_, str> {
    let text = uris(text);
    if !text.contains("[\"") && !text.contains("[\\\"") {
        return text;
    }
    // As printed (`["…"]`) and inside JSON text (`[\"…\"]`).
    let once = bracket_pairs(&text, "[\"", "\"]");
    let twice = bracket_pairs(&once, "[\\\"", "\\\"]").into_owned();
    if twice == *text {
        text
    } else {
        Cow::Owned(twice)
    }
}

/// [`message`]'s masking of `NAME=value` keys between `open` and `close`.
fn bracket_pairs<'a>(text: &'a str, open: &str, close: &str) -> Cow<'a, str> {
    if !text.contains(open) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at + open.len()]);
        rest = &rest[at + open.len()..];
        let end = rest.find(close).unwrap_or(rest.len());
        let key = &rest[..end];
        match pair_key(key).or_else(|| typed_on(key)) {
            Some(cut) => out.push_str(&cut),
            None => out.push_str(key),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A map key written as a pair under a credential's name, `NAME=value`, `name: value` or
/// `{"name":"value"}` (a Secret's key or an annotation typed as a line of a `.env` file, a
/// header or JSON): cut after its first `=` or `:` (`DB_PASSWORD=…`); `None` for any
/// other key.
pub fn pair_key(key: &str) -> Option<String> {
    let at = key.find(['=', ':'])?;
    let (name, value) = (&key[..at], &key[at + 1..]);
    (!value.trim().is_empty() && !value.trim_start().starts_with('…') && credential_name(name))
        .then(|| format!("{}…", &key[..=at]))
}

/// A key in a message that goes on after a credential's name with a space, `,`, `.`,
/// `\\`, `;`, `|` or `/` (`password S3CR3T`, `password.S3CR3T`: a `--set` value typed
/// after the wrong character): cut after it (`password.…`). `None` for any other key.
pub fn typed_on(key: &str) -> Option<String> {
    let (at, c) = key
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || ",.\\;|/".contains(c))?;
    let end = at + c.len_utf8();
    let rest = key[end..].trim();
    (!rest.is_empty() && !rest.starts_with('…') && credential_name(&key[..at]))
        .then(|| format!("{}…", &key[..end]))
}

/// `%XX` sequences decoded (invalid ones kept as they are).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Does `text` hold a URI with a credential in it: a userinfo, or a query parameter named
/// like one (`token`, `sig`, `X-Amz-Signature`, `access_token`, `code`)? A plain query
/// (`?rd=$escaped_request_uri`, `?allowed_groups=admins`) is none: settings are shown.
pub fn uri_credential(text: &str) -> bool {
    let mut from = 0;
    while let Some((begin, standard, special)) = next_authority(text, from) {
        let tail = &text[begin..];
        if userinfo_end(tail, special).is_some() {
            return true;
        }
        let end = tail.find(ends_uri).unwrap_or(tail.len());
        let uri = &tail[..end];
        if standard && let Some((_, query)) = uri.split_once('?') {
            let query = query.split('#').next().unwrap_or("");
            if query.split('&').any(|kv| {
                // Names percent-decoded (twice, for `%2570`), as query parsers read them.
                let raw = kv.split('=').next().unwrap_or("");
                let name = percent_decode(&percent_decode(raw)).to_ascii_lowercase();
                credential_name(&name)
                    || name.starts_with("x-amz-")
                    || name.starts_with("x-goog-")
                    || matches!(
                        name.as_str(),
                        "sig" | "signature" | "code" | "key" | "apikey"
                    )
            }) {
                return true;
            }
        }
        from = begin + end;
    }
    false
}

/// A URI after its `scheme://` and userinfo, with every query value and the fragment
/// masked.
fn mask_query(uri: &str) -> String {
    let auth_end = uri.find(['/', '?', '#']).unwrap_or(uri.len());
    let (authority, path) = uri.split_at(auth_end);
    let mut out = authority.to_string();
    match path.split_once('?') {
        Some((p, query)) => {
            out.push_str(p);
            out.push('?');
            let (q, frag) = query
                .split_once('#')
                .map_or((query, None), |(q, f)| (q, Some(f)));
            let masked: Vec<String> = q
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) => format!("{k}=…"),
                    None => kv.to_string(),
                })
                .collect();
            out.push_str(&masked.join("&"));
            if frag.is_some() {
                out.push_str("#…");
            }
        }
        None => match path.split_once('#') {
            Some((p, _)) => {
                out.push_str(p);
                out.push_str("#…");
            }
            None => out.push_str(path),
        },
    }
    out
}

/// Is a `name` (of a `name=value` or `name: value` pair) one whose value is a credential?
/// Words such as password, secret, token, credential, passphrase anywhere in it; or a
/// name ending in "key" (`api-key`, `privateKey`, `tls.key`, `access_key`) other than a
/// bare `key`, which names a key rather than holding one.
pub fn credential_name(name: &str) -> bool {
    if API_FIELDS.contains(&name) {
        return false;
    }
    let n: String = name
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    NAME_WORDS.iter().any(|w| n.contains(w))
        || (n.ends_with("key") && n != "key")
        // `apiKeys`, `signingKeys`; not the label keys of affinity and spread constraints.
        || (n.ends_with("keys") && n != "keys" && !n.ends_with("labelkeys"))
        || words(name).any(|w| NAME_WORDS_WHOLE.iter().any(|x| w.eq_ignore_ascii_case(x)))
        || words(name)
            .last()
            .is_some_and(|w| LAST_WORDS.iter().any(|x| w.eq_ignore_ascii_case(x)))
}

/// Is `key` a section of settings about authentication (`auth`, `basicAuth`, `proxyAuth`),
/// read key by key rather than hidden whole?
pub fn auth_section(key: &str) -> bool {
    words(key)
        .last()
        .is_some_and(|w| w.eq_ignore_ascii_case("auth"))
}

/// Does a new camelCase word start at `c`, after `prev` (`basicAuth`, `token2TTL`)?
fn camel_boundary(prev: char, c: char) -> bool {
    c.is_ascii_uppercase() && (prev.is_ascii_lowercase() || prev.is_ascii_digit())
}

/// The words of a name: parted by what is not a letter or digit, and camelCase apart
/// (`basicAuth`: `basic`, `Auth`; `API_KEY`: `API`, `KEY`).
pub fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            let b = w.as_bytes();
            let mut cuts = vec![0];
            for i in 1..b.len() {
                if camel_boundary(char::from(b[i - 1]), char::from(b[i])) {
                    cuts.push(i);
                }
            }
            cuts.push(b.len());
            cuts.windows(2).map(|c| &w[c[0]..c[1]]).collect::<Vec<_>>()
        })
}

/// Kubernetes API fields named like a credential that hold none: a scheduling key, a
/// projected token's request (audience, path, lifetime), a switch, a CSI driver's token
/// audiences.
const API_FIELDS: &[&str] = &[
    "topologyKey",
    "serviceAccountToken",
    "automountServiceAccountToken",
    "tokenRequests",
];

/// Words that make a name a credential's only as a whole word (`GITHUB_PAT`,
/// `LDAP_BIND_PW`, `API_JWT`, a key-encryption key `KEK`):
/// inside a longer word they are something else (`path`,
/// `pwm`).
/// A `PIN`, a one-time-password seed `OTP`, a `LICENSE` (a licence key) are whole words too
/// (`SPINNER`, `HOTPATH`).
const NAME_WORDS_WHOLE: &[&str] = &[
    "pat", "pw", "jwt", "bearer", "apikey", "kek", "pin", "otp", "license", "licence",
];

/// Words that make a name a credential's as its last word (`NPM_AUTH`, `SESSION_COOKIE`),
/// and not before another (`--skip-auth-preflight`, `--cookie-refresh` are switches).
const LAST_WORDS: &[&str] = &["auth", "cookie"];

/// The words that make a name a credential's (lowercase, letters and digits only).
/// `cred` covers `CREDS` and `DB_CRED`; `hmac`, `salt`, `seed`, `signing` and `private`
/// name keying material (`HMAC_SIGNING`, `PASSWORD_SALT`, `OTP_SEED`, `PRIVATE`).
const NAME_WORDS: &[&str] = &[
    "basicauth",
    "pass",
    "secret",
    "token",
    "cred",
    "pwd",
    "authorization",
    "hmac",
    "salt",
    "seed",
    "signing",
    "private",
];

/// `text` with the word after every flag named like a credential masked: `--password X`
/// and `-client-secret X` inside one text (a shell command, an options string), where the
/// flag and its value are not two arguments. A word after a flag that holds `=` is left
/// (the pair masker reads `--password=X`).
pub fn flag_values(text: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(text.len());
    let mut after_flag = false;
    let mut changed = false;
    let mut rest = text;
    while !rest.is_empty() {
        let space = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..space]);
        rest = &rest[space..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        // `--db-password:X`: a flag joined to its value by ':' (no '=' before it).
        let joined = word
            .starts_with('-')
            .then(|| word.split_once(':'))
            .flatten()
            .filter(|(flag, value)| {
                !flag.contains('=')
                    && !value.is_empty()
                    && !value.starts_with('…')
                    && credential_name(flag.trim_start_matches('-'))
                    && !about_credential(flag.trim_start_matches('-'))
            });
        if after_flag && !word.starts_with('-') {
            out.push('…');
            changed = true;
            after_flag = false;
        } else if let Some((flag, _)) = joined {
            out.push_str(flag);
            out.push_str(":…");
            changed = true;
            after_flag = false;
        } else {
            out.push_str(word);
            after_flag = word.starts_with('-')
                && !word.contains('=')
                && credential_name(word.trim_start_matches('-'))
                && !about_credential(word.trim_start_matches('-'));
        }
        rest = &rest[end..];
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` with the value of every `name=value` / `name: value` pair whose name is a
/// credential's ([`credential_name`]) masked: libpq connection strings, YAML lines.
pub fn pairs(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/');
    let mut out = String::with_capacity(text.len());
    let (mut last, mut i) = (0, 0);
    let mut changed = false;
    while i < bytes.len() {
        let start = match (bytes[i], bytes.get(i + 1)) {
            // `name=value`, and `name = value` as in ini files.
            (b'=', _) => Some(i + 1 + bytes[i + 1..].iter().take_while(|b| **b == b' ').count()),
            (b':', Some(b' ')) => {
                Some(i + 2 + bytes[i + 2..].iter().take_while(|b| **b == b' ').count())
            }
            // Compact JSON: `"password":"x"`.
            (b':', _) if i > 0 && matches!(bytes[i - 1], b'"' | b'\'') => Some(i + 1),
            _ => None,
        };
        let Some(start) = start else {
            i += 1;
            continue;
        };
        // The name: spaces before `=` or `:` (`name = value`, `Name : value`) and the
        // quotes of a JSON or quoted key (`"password": "x"`) are not part of it.
        let mut name_end = i;
        while name_end > 0 && bytes[name_end - 1] == b' ' {
            name_end -= 1;
        }
        let quoted_name = name_end > 0 && matches!(bytes[name_end - 1], b'"' | b'\'');
        if quoted_name {
            name_end -= 1;
        }
        let mut n0 = name_end;
        while n0 > 0 && is_name(bytes[n0 - 1]) {
            n0 -= 1;
        }
        if quoted_name && !(n0 > 0 && bytes[n0 - 1] == bytes[name_end]) {
            i = start;
            continue;
        }
        let name = &text[n0..name_end];
        // The value: a quoted one up to its closing quote; after an HTTP scheme word
        // (`Bearer x`, `Basic x`), the word and the credential.
        let mut end;
        // Quoted inside a double-quoted string (`token: \"x\"`): the escaped quotes delimit.
        let escaped =
            bytes.get(start) == Some(&b'\\') && matches!(bytes.get(start + 1), Some(b'"' | b'\''));
        let start = if escaped { start + 1 } else { start };
        let quote = bytes
            .get(start)
            .copied()
            .filter(|b| matches!(b, b'"' | b'\''));
        let start = if quote.is_some() { start + 1 } else { start };
        if let Some(q) = quote {
            end = start;
            while end < bytes.len()
                && bytes[end] != q
                && bytes[end] != b'\n'
                && !(escaped && bytes[end] == b'\\' && bytes.get(end + 1) == Some(&q))
            {
                end += 1;
            }
        } else {
            let scheme = ["Bearer ", "Basic ", "bearer ", "basic "]
                .iter()
                .find(|w| text[start..].starts_with(**w))
                .map_or(0, |w| w.len());
            end = start + scheme;
            // A JSON number or word ends at the object's or list's end too.
            while end < bytes.len()
                && !matches!(bytes[end], b' ' | b'\n' | b'"' | b'\'' | b'&' | b';' | b',')
                && !(quoted_name && matches!(bytes[end], b'}' | b']'))
            {
                end += 1;
            }
        }
        // Already masked (or a switch: `--skip-jwt-bearer-tokens=true` holds no secret).
        let masked = text[start..].starts_with('…')
            || text[start..].starts_with("(hidden")
            || matches!(&text[start..end], "true" | "false");
        // A setting about a credential (`tokenTTL: 10m`, `PASSWORD_FILE=/x`) is shown.
        if !name.is_empty()
            && credential_name(name)
            && !about_credential(name)
            && end > start
            && !masked
        {
            out.push_str(&text[last..start]);
            out.push('…');
            last = end;
            changed = true;
            i = end;
            continue;
        }
        i = start;
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Is a map (or a list of maps) under a credential-named key a reference to credentials
/// kept elsewhere rather than credentials: the shapes of Kubernetes' references only
/// (`secret: {secretName: …, items: [{key: …, path: …}], defaultMode: …}`,
/// `imagePullSecrets: [{name: …}]`, a ServiceAccount's `secrets: [{name: …}]`)?
pub fn names_a_reference(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    const FIELDS: &[&str] = &[
        "name",
        "secretName",
        "namespace",
        "optional",
        "defaultMode",
        "apiVersion",
        "kind",
        "uid",
        "fieldPath",
        "resourceVersion",
    ];
    let item = |i: &Value| {
        i.as_object().is_some_and(|m| {
            m.iter().all(|(k, x)| match k.as_str() {
                "key" | "path" => x.is_string(),
                "mode" => x.is_number(),
                _ => false,
            })
        })
    };
    // Each field with its type in the API: a text, `optional` a boolean, a mode a number.
    let reference = |m: &serde_json::Map<String, Value>| {
        !m.is_empty()
            && m.iter().all(|(k, x)| match k.as_str() {
                "items" => x.as_array().is_some_and(|a| a.iter().all(item)),
                "optional" => x.is_boolean(),
                "defaultMode" => x.is_number(),
                k => FIELDS.contains(&k) && x.is_string(),
            })
    };
    match v {
        Value::Object(m) => reference(m),
        Value::Array(a) => !a.is_empty() && a.iter().all(|i| i.as_object().is_some_and(reference)),
        _ => false,
    }
}

/// Does a variable or flag name say where a credential is, or a setting about it, rather
/// than hold one (`TOKEN_URL`, `SECRET_NAME`, `PASSWORD_FILE`, `--password-file`,
/// `PASSWORD_MIN_LENGTH`)?
pub fn about_credential(name: &str) -> bool {
    let name = name.trim_start_matches('-');
    let plain = name.to_ascii_uppercase().replace('-', "_");
    // camelCase words apart too (`tokenTTL`, `passwordMinLength`), as `_` parts them; but
    // not for a `…Name` (`passwordName` may hold the password itself).
    let mut camel = String::with_capacity(name.len() + 4);
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if prev.is_some_and(|p| camel_boundary(p, c)) {
            camel.push('_');
        }
        camel.push(c);
        prev = Some(c);
    }
    let camel = camel.to_ascii_uppercase().replace('-', "_");
    // `existingSecret`, `EXISTING_PASSWORD_SECRET`: the name of a Secret to use.
    if plain.starts_with("EXISTING") || camel.starts_with("EXISTING_") {
        return true;
    }
    let ends = |text: &str, s: &str| text.strip_suffix(s).is_some_and(|head| head.ends_with('_'));
    [
        "URL",
        "URI",
        "ENDPOINT",
        "NAME",
        "FILE",
        "PATH",
        "DIR",
        "LENGTH",
        "ID",
        "TTL",
        "TIMEOUT",
        "EXPIRY",
        "TYPE",
        "MODE",
        "ENABLED",
        "HEADER",
        "ALGORITHM",
        "POLICY",
        "AUDIENCE",
        "PARALLELISM",
    ]
    .iter()
    .any(|s| ends(&plain, s) || (*s != "NAME" && ends(&camel, s)))
}

/// The words of [`NAME_WORDS`] that mark a line of free text (a config file in a
/// ConfigMap) as one that may hold a credential: not `seed`, `private` or `cred` alone,
/// which config files use for other things (`random_seed: 42`, `private: false`).
const LINE_WORDS: &[&str] = &[
    "pass",
    "secret",
    "token",
    "credential",
    "creds",
    "pwd",
    "authorization",
    "hmac",
    "salt",
    "signing",
];

/// Does `line` hold an HTTP credential by its scheme, whatever names it: `Bearer <token>`
/// or `Basic <base64>` (RFC 6750, RFC 7617) as words (`--header=Bearer x`, `Basic dXNl…`),
/// not `--skip-jwt-bearer-tokens` or "basic usage".
pub fn scheme_credential(line: &str) -> bool {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, '=' | '"' | '\'' | ':' | ','))
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).any(|w| {
        let token = w[1];
        match w[0] {
            s if s.eq_ignore_ascii_case("bearer") => {
                token.len() >= 8
                    && token
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b))
            }
            s if s.eq_ignore_ascii_case("basic") => {
                token.len() >= 8
                    && token
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
            }
            _ => false,
        }
    })
}

/// Words that, beside [`LINE_WORDS`], mark a line of text as one that may hold a
/// credential (compared without case): the shapes of API keys, HTTP credentials, Docker's
/// `"auth"` and PEM private keys.
const TEXT_WORDS: &[&str] = &[
    "cookie",
    "apikey",
    "api_key",
    "api-key",
    "accountkey",
    "privatekey",
    "private_key",
    "private-key",
    "private key",
    "key-data",
    "\"auth\"",
];

/// `text` with every line that names a credential ([`LINE_WORDS`], [`TEXT_WORDS`], `auth`
/// as a word) and has a separator (a character a name does not have) replaced by `…`
/// after its indentation, and with the lines
/// after it that are indented deeper (a block scalar, a value on the next line, a nested
/// list or JSON object) hidden the same way. A heuristic for text a diff prints (a file in
/// a ConfigMap, an argument): it hides more than the credential, never less for these
/// shapes; a credential written beside no such word (`mysql -pX`) is not recognised.
pub fn credential_lines(text: &str) -> Cow<'_, str> {
    let names_credential = |line: &str| {
        // A line whose key says it holds a setting about a credential or a reference
        // (`tokenTTL: 15m`, `existingSecret: x`, `secretKeyRef:`, `tlsSecretName: y`).
        let key = line
            .trim_start()
            .trim_start_matches(['-', ' ', '"', '\''])
            .split([':', '='])
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches(['"', '\'']);
        if line.contains([':', '='])
            && !key.is_empty()
            && !key.contains(' ')
            && (about_credential(key)
                || key.to_ascii_lowercase().ends_with("ref")
                || key.to_ascii_lowercase().ends_with("secretname"))
        {
            return false;
        }
        // A userinfo without a scheme (`REDIS=mlflow:pw@redis:6379`) anywhere in it.
        if line
            .split(|c: char| c.is_whitespace() || matches!(c, '=' | '"' | '\'' | ',' | ';'))
            .any(bare_userinfo)
        {
            return true;
        }
        let b = line.as_bytes();
        // A separator of a pair: anything but a name's characters (`DB_PASSWORD` alone
        // names one) and the dots and slashes of a dotted name or a path
        // (`rbac.authorization.k8s.io`, `secrets/tls.crt` hold none).
        line.contains(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))
            && (LINE_WORDS.iter().chain(TEXT_WORDS).any(|w| {
                b.windows(w.len())
                    .any(|part| part.eq_ignore_ascii_case(w.as_bytes()))
            }) || scheme_credential(line)
                || b.windows(4).enumerate().any(|(i, part)| {
                    // `auth` as a word (`auth:`, `basic_auth =`, `BASIC_AUTH`), not `oauth2`
                    // or `author`.
                    part.eq_ignore_ascii_case(b"auth")
                        && (i == 0 || !b[i - 1].is_ascii_alphabetic())
                        && b.get(i + 4).is_none_or(|c| !c.is_ascii_alphabetic())
                }))
    };
    if !text.lines().any(names_credential) {
        return Cow::Borrowed(text);
    }
    let indent = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    // A Secret's manifest held as text (`kind: Secret` in a ConfigMap's file) is a Secret
    // all through: its data and stringData lines name no credential. Hidden whole.
    let secret_kind = |line: &str| {
        let l: String = line
            .chars()
            .filter(|c| !matches!(c, '"' | '\'' | ' ' | '\t' | ','))
            .collect();
        l == "kind:Secret" || l == "{kind:Secret" || l.starts_with("kind:Secret#")
    };
    if text.lines().any(secret_kind) {
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            if body.trim().is_empty() {
                out.push_str(line);
            } else {
                out.push_str(&body[..indent(body)]);
                out.push('…');
                out.push_str(&line[body.len()..]);
            }
        }
        return Cow::Owned(out);
    }
    let mut out = String::with_capacity(text.len());
    // The indentation of the last hidden line that started a value, and whether it ended
    // with `:` (YAML may then list the value's items at the key's own indentation).
    let mut hiding_below: Option<(usize, bool)> = None;
    let mut pem = false;
    // An XML element opened on a hidden line and closed on a later one
    // (`<password>`, the value, `</password>`): its lines at any indentation.
    let mut element_open = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let depth = indent(body);
        let in_element = element_open;
        if element_open && body.contains("</") {
            element_open = false;
        }
        let below = in_element
            || hiding_below.is_some_and(|(d, open)| {
                !body.trim().is_empty()
                    && (depth > d || (open && depth == d && body[depth..].starts_with('-')))
            });
        // A PEM private key's body, up to its END line, at any indentation.
        let in_pem = pem && !body.contains("-----END");
        if body.contains("-----BEGIN") && body.contains("PRIVATE KEY") {
            pem = true;
        } else if pem && body.contains("-----END") {
            pem = false;
        }
        if below || in_pem || names_credential(body) {
            if !below {
                hiding_below = Some((depth, body.trim_end().ends_with(':')));
                let end = body.trim_end();
                element_open = end.ends_with('>')
                    && !end.ends_with("/>")
                    && !body.contains("</")
                    && body.trim_start().starts_with('<');
            }
            out.push_str(&body[..depth]);
            out.push('…');
            out.push_str(&line[body.len()..]);
        } else {
            hiding_below = None;
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// A decode error without the offending value (serde quotes it, and it may be a
/// credential, e.g. in a Secret's data): `invalid type: string "x", expected i32` becomes
/// `invalid type: string, expected i32`.
pub fn decode_error(msg: &str) -> String {
    plain_types(&value_dropped(msg))
}

/// Rust and k8s-openapi type names in the user's terms.
fn plain_types(msg: &str) -> String {
    let mut s = msg.to_string();
    for (rust, plain) in [
        ("expected i32", "expected an integer"),
        ("expected i64", "expected an integer"),
        ("expected u8", "expected a small whole number"),
        ("expected u16", "expected an integer from 0 to 65535"),
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected Quantity", "expected a quantity like 500m or 1Gi"),
        ("expected IntOrString", "expected an integer or a string"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a mapping"),
        ("sequence", "list"),
    ] {
        s = s.replace(rust, plain);
    }
    // "expected NodeAffinity" and other Kubernetes type names: an object.
    if let Some(at) = s.find("expected ")
        && s[at + 9..].starts_with(|c: char| c.is_ascii_uppercase())
    {
        let end = s[at + 9..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(s.len(), |e| at + 9 + e);
        let ty = s[at + 9..end].to_string();
        s.replace_range(at..end, &format!("expected a mapping ({ty})"));
    }
    s
}

fn value_dropped(msg: &str) -> String {
    // base64 errors name the offending byte and its offset: a piece of the secret.
    if msg.starts_with("Invalid symbol")
        || msg.starts_with("Invalid last symbol")
        || msg.starts_with("Invalid byte")
    {
        return "not valid base64 (Secret data must be base64; use stringData for plain text)"
            .into();
    }
    // An enum's "unknown variant `x`, expected one of …": the list is the chart's, the
    // value the user's.
    if let Some(rest) = msg.strip_prefix("unknown variant ")
        && let Some(at) = rest.find(", expected")
    {
        return format!("unknown value{}", &rest[at..]);
    }
    for lead in ["invalid type: ", "invalid value: "] {
        if let Some(at) = msg.find(lead) {
            let start = at + lead.len();
            let end = msg[start..]
                .find(", expected")
                .map_or(msg.len(), |e| start + e);
            let what = &msg[start..end];
            let kind = what
                .find(['`', '"', '\''])
                .map_or(what, |q| &what[..q])
                .trim_end();
            return format!("{}{kind}{}", &msg[..start], &msg[end..]);
        }
    }
    msg.to_string()
}

#[cfg(test)]
mod whole_word_tests {
    #[test]
    fn credential_words_as_whole_words() {
        for yes in [
            "GITHUB_PAT",
            "GH_PAT",
            "NPM_AUTH",
            "LDAP_BIND_PW",
            "JWT",
            "BEARER",
            "COOKIE",
            "x-auth",
            "KEK",
            "apiKeys",
            "DB_CREDS",
            "HMAC_SIGNING",
            "SIGNING_SALT",
            "SALT",
            "OTP_SEED",
            "PIN",
            "PRIVATE",
            "LICENSE",
            "user-pin",
        ] {
            assert!(super::credential_name(yes), "{yes}");
        }
        for no in [
            "PATH",
            "AUTHOR",
            "PWM_MODE",
            "LOG_LEVEL",
            "PATTERN",
            "skip-auth-preflight",
            "cookie-refresh",
            "keys",
            "matchLabelKeys",
            "mismatchLabelKeys",
            "kekule",
            "topologyKey",
            "serviceAccountToken",
            "SPINNER",
            "HOTPATH",
            "PINNED_VERSION",
        ] {
            assert!(!super::credential_name(no), "{no}");
        }
    }
}

#[cfg(test)]
mod flag_value_tests {
    #[test]
    fn a_credential_flags_word_is_masked() {
        for (text, want) in [
            ("--password T01", "--password …"),
            (
                "run --db-password  T54 --verbose",
                "run --db-password  … --verbose",
            ),
            ("-token T27 x", "-token … x"),
            ("--password=X", "--password=X"),
            ("--verbose yes", "--verbose yes"),
            ("--token-file /run/t", "--token-file /run/t"),
            ("--password --next", "--password --next"),
        ] {
            assert_eq!(super::flag_values(text), want, "{text}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path's key written `NAME=value` under a credential's name is cut at its `=`, as
    /// printed and inside JSON; a flag joined to its value by ':' is masked; settings
    /// about a credential in camelCase are no credential.
    #[test]
    fn keys_flags_and_settings() {
        assert_eq!(
            message(r#"stringData["DB_PASSWORD=S85"]: invalid key"#),
            r#"stringData["DB_PASSWORD=…"]: invalid key"#
        );
        assert_eq!(
            message(r#"{"path":"data[\"API_TOKEN=abc\"]"}"#),
            r#"{"path":"data[\"API_TOKEN=…\"]"}"#
        );
        assert_eq!(message(r#"labels["a=b"]"#), r#"labels["a=b"]"#);
        assert_eq!(
            message(r#"stringData["Authorization: Bearer LEAK"]"#),
            r#"stringData["Authorization:…"]"#
        );
        assert_eq!(
            pair_key(r#"{"password":"LEAK"}"#).unwrap(),
            r#"{"password":…"#
        );
        assert_eq!(pair_key("password:LEAK").unwrap(), "password:…");
        assert_eq!(pair_key("app.kubernetes.io/name"), None);
        assert_eq!(flag_values("--db-password:OLD x"), "--db-password:… x");
        assert_eq!(flag_values("--password-file:/x"), "--password-file:/x");
        assert_eq!(flag_values("--host:db"), "--host:db");
        for setting in [
            "tokenTTL",
            "passwordMinLength",
            "existingSecret",
            "TOKEN_URL",
        ] {
            assert!(about_credential(setting), "{setting}");
        }
        for credential in ["passwordName", "clientSecret", "apiToken"] {
            assert!(!about_credential(credential), "{credential}");
        }
        for name in [
            "basicAuth",
            "proxyAuth",
            "basicauth",
            "githubPat",
            "BASIC_AUTH",
        ] {
            assert!(credential_name(name), "{name}");
        }
        for name in ["authHeader", "author", "oauth2Proxy", "path", "spinner"] {
            assert!(!credential_name(name) || about_credential(name), "{name}");
        }
    }

    #[test]
    fn decode_errors_never_show_the_value() {
        assert_eq!(
            decode_error(r#"invalid type: string "TOPSECRET", expected i32"#),
            "invalid type: string, expected an integer"
        );
        assert_eq!(
            decode_error("invalid value: integer `123456`, expected u16"),
            "invalid value: integer, expected an integer from 0 to 65535"
        );
        assert!(!decode_error("Invalid symbol 95, offset 9.").contains("95"));
        assert_eq!(
            decode_error("unknown variant `Sometimes`, expected `Always` or `Never`"),
            "unknown value, expected `Always` or `Never`"
        );
    }

    #[test]
    fn masks_userinfo_and_query_values() {
        for (input, want) in [
            (
                "see https://kc.example.org/realms/r",
                "see https://kc.example.org/realms/r",
            ),
            (
                "postgresql://u:TOPSECRET@db:5432/x",
                "postgresql://u:…@db:5432/x",
            ),
            ("s3://TOPSECRET@bucket/p", "s3://…@bucket/p"),
            (
                "--oidc-issuer-url=https://a:TOPSECRET@kc/r?token=TOPSECRET&x=1#f",
                "--oidc-issuer-url=https://a:…@kc/r?token=…&x=…#…",
            ),
            (
                "\"http://h/?password=TOPSECRET\", next",
                "\"http://h/?password=…\", next",
            ),
            ("no uri here", "no uri here"),
            ("https://kc/r#access_token=TOPSECRET", "https://kc/r#…"),
            // No userinfo: the `@` is in the query (whose values are masked anyway).
            (
                "https://h.example.org/p?email=a@b",
                "https://h.example.org/p?email=…",
            ),
            ("postgresql://db/x?user=a@b", "postgresql://db/x?user=…"),
        ] {
            assert_eq!(uris(input), want, "{input}");
        }
        for (input, want) in [
            // Forms a lenient (WHATWG) parser reads with a userinfo.
            ("x=//admin:TOPSECRET@db/x", "x=//admin:…@db/x"),
            ("https:/u:TOPSECRET@h/", "https:/u:…@h/"),
            ("https:\\\\u:TOPSECRET@h/", "https:\\\\u:…@h/"),
            ("HTTPS:u:TOPSECRET@h/p?q=1", "HTTPS:u:…@h/p?q=1"),
            ("https:///u:TOPSECRET@h/", "https:///u:…@h/"),
            ("ws:\\TOPSECRET@h", "ws:\\…@h"),
            // Paths, mail addresses and SSH remotes are not URIs with a userinfo.
            ("file:///a@b", "file:///a@b"),
            ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
            ("mailto:me@example.org", "mailto:me@example.org"),
            ("a//b@c", "a//b@c"),
            ("me@example.org", "me@example.org"),
            // Any character but the authority's ends belongs to a WHATWG userinfo.
            ("https://u:S3,X@h/x", "https://u:…@h/x"),
            ("https://u:S3)X@h", "https://u:…@h"),
            ("https://u:S3}X]Y'Z\"W<V>`@h", "https://u:…@h"),
            ("\"https://u:p,q@h\", next", "\"https://u:…@h\", next"),
            (
                "image https://robot:S3,X@reg.example.org/m:v1",
                "image https://robot:…@reg.example.org/m:v1",
            ),
            // A database URI's password as SQLAlchemy and libpq read it: `?`, `#`, `/`,
            // `\\`, a space.
            ("postgresql://u:S3?X@db/x", "postgresql://u:…@db/x"),
            ("postgresql://u:S3#X@db/x", "postgresql://u:…@db/x"),
            ("postgresql://u:S3/X@db/x", "postgresql://u:…@db/x"),
            ("mysql://u:S3\\X@db/x", "mysql://u:…@db/x"),
            ("postgresql://u:S3 X@db/x", "postgresql://u:…@db/x"),
            (
                "postgresql+psycopg2://u:S3)X@db/x",
                "postgresql+psycopg2://u:…@db/x",
            ),
            // No userinfo: the `@` is in the path or query, or on another line.
            (
                "postgresql://db/x\nmail me@example.org",
                "postgresql://db/x\nmail me@example.org",
            ),
        ] {
            assert_eq!(uris(input), want, "{input}");
            assert_eq!(
                uri_credential(input),
                want != input,
                "{input}: a userinfo is a credential"
            );
        }
    }

    #[test]
    fn hides_lines_that_name_credentials() {
        for (input, want) in [
            ("plain text\nmore", "plain text\nmore"),
            ("DB_PASSWORD", "DB_PASSWORD"),
            ("--password=X", "…"),
            (
                "a: 1\npassword: |\n  X\n  Y\nb: 2\n",
                "a: 1\n…\n  …\n  …\nb: 2\n",
            ),
            ("{\n  \"password\":\n    \"X\"\n}", "{\n  …\n    …\n}"),
            ("x = 1\r\nToken = X\r\n", "x = 1\r\n…\r\n"),
            ("{\"auths\": {\"r\": {\"auth\": \"X\"}}}", "…"),
            ("Authorization:Token X", "…"),
            (
                "  - key: v\n  - api-key: X\n    more: Y\n  - z: 1",
                "  - key: v\n  …\n    …\n  - z: 1",
            ),
            ("password:\n- X\n- Y\nz: 1", "…\n…\n…\nz: 1"),
            (
                "<password>X</password>\n<user>u</user>",
                "…\n<user>u</user>",
            ),
            (
                "basic_auth: X\noauth2: y\nauthor: z",
                "…\noauth2: y\nauthor: z",
            ),
            (
                "k: |\n-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\nn: 1",
                "k: |\n…\n…\n…\nn: 1",
            ),
            ("client-key-data: X", "…"),
            ("rbac.authorization.k8s.io", "rbac.authorization.k8s.io"),
            ("secrets/tls.crt", "secrets/tls.crt"),
            ("spring.datasource.password=X", "…"),
            (
                "random_seed: 42\nprivate: false",
                "random_seed: 42\nprivate: false",
            ),
            ("hmac_key: X", "…"),
            ("Bearer abc.def2ghi", "…"),
            ("header = Bearer abcdef2gh", "…"),
            ("--header=Basic dXNlcjpwYXNz", "…"),
            ("the Bearer scheme", "the Bearer scheme"),
            ("basic usage: run it", "basic usage: run it"),
        ] {
            assert_eq!(credential_lines(input), want, "{input:?}");
        }
    }

    #[test]
    fn masks_credential_pairs() {
        for (input, want) in [
            (
                "host=db password=TOPSECRET sslmode=require",
                "host=db password=… sslmode=require",
            ),
            ("  token: TOPSECRET\n  user: x", "  token: …\n  user: x"),
            ("db_password=TOPSECRET;x=1", "db_password=…;x=1"),
            ("passwordless login", "passwordless login"),
            ("  api-key: TOPSECRET", "  api-key: …"),
            ("privateKey: TOPSECRET", "privateKey: …"),
            ("tls.key: TOPSECRET", "tls.key: …"),
            (
                "- key: dedicated\n  value: x",
                "- key: dedicated\n  value: x",
            ),
            ("credentials: TOPSECRET", "credentials: …"),
            ("…password=… é token=x", "…password=… é token=…"),
            ("é€password=x€", "é€password=…"),
            (
                "[db]\n    password = TOPSECRET\n    host = db",
                "[db]\n    password = …\n    host = db",
            ),
            ("a == b", "a == b"),
            ("password =", "password ="),
            (
                r#"{"password": "TOP SECRET", "user": "u"}"#,
                r#"{"password": "…", "user": "u"}"#,
            ),
            ("export API_KEY='TOP SECRET'", "export API_KEY='…'"),
            ("PASSWORD=\"x y\" next=1", "PASSWORD=\"…\" next=1"),
            ("Password : TOPSECRET", "Password : …"),
            ("password = \"TOPSECRET\"", "password = \"…\""),
            ("Authorization: Bearer abc.def", "Authorization: …"),
            ("say \"hello\": world", "say \"hello\": world"),
            (
                r#"{"client_secret":"CJA","url":"http://h:1"}"#,
                r#"{"client_secret":"…","url":"http://h:1"}"#,
            ),
            (r#"{'token':'x y','n':2}"#, r#"{'token':'…','n':2}"#),
            (
                r#"{"port":1,"password":1234}"#,
                r#"{"port":1,"password":…}"#,
            ),
            (r#"a: "token: \"x y\" b""#, r#"a: "token: \"…\" b""#),
            (r#"a: "token: \"…\"""#, r#"a: "token: \"…\"""#),
        ] {
            assert_eq!(pairs(input), want, "{input}");
        }
    }
}
