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

/// `text` with every URI's credentials replaced by `…`: `scheme://user:…@host/p?a=…&b=…`.
pub fn uris(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail.find(ends_uri).unwrap_or(tail.len());
        let (uri, after) = tail.split_at(end);
        out.push_str(&mask_one(uri));
        rest = after;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One URI after its `scheme://`.
fn mask_one(uri: &str) -> String {
    let auth_end = uri.find(['/', '?', '#']).unwrap_or(uri.len());
    let (authority, path) = uri.split_at(auth_end);
    let mut out = String::new();
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => out.push_str(&format!("{user}:…")),
                None => out.push('…'),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
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
    let n: String = name
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    ["pass", "secret", "token", "credential", "pwd"]
        .iter()
        .any(|w| n.contains(w))
        || (n.ends_with("key") && n != "key")
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
            (b'=', _) => Some(i + 1),
            (b':', Some(b' ')) => Some(i + 2),
            _ => None,
        };
        let Some(start) = start else {
            i += 1;
            continue;
        };
        let mut n0 = i;
        while n0 > 0 && is_name(bytes[n0 - 1]) {
            n0 -= 1;
        }
        let name = &text[n0..i];
        let mut end = start;
        while end < bytes.len()
            && !matches!(bytes[end], b' ' | b'\n' | b'"' | b'\'' | b'&' | b';' | b',')
        {
            end += 1;
        }
        // Already masked (`…`, or diff's `(hidden; …)` markers): leave it.
        let masked = text[start..].starts_with('…') || text[start..].starts_with("(hidden");
        if !name.is_empty() && credential_name(name) && end > start && !masked {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        ] {
            assert_eq!(uris(input), want, "{input}");
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
        ] {
            assert_eq!(pairs(input), want, "{input}");
        }
    }
}
