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

/// `text` with the value of every `name=value` / `name: value` pair whose name holds a
/// credential word (`password=…` in a libpq connection string, `token: …`) masked.
pub fn pairs(text: &str) -> Cow<'_, str> {
    const WORDS: [&str; 5] = ["password", "passwd", "secret", "token", "apikey"];
    let lower = text.to_ascii_lowercase();
    if !WORDS.iter().any(|w| lower.contains(w)) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut last) = (0, 0);
    while i < bytes.len() {
        let Some(w) = WORDS
            .iter()
            .find(|w| lower.as_bytes()[i..].starts_with(w.as_bytes()))
        else {
            i += 1;
            continue;
        };
        // The rest of the name (e.g. `password_file`), then `=` or `: `.
        let mut j = i + w.len();
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-'))
        {
            j += 1;
        }
        let start = match (bytes.get(j), bytes.get(j + 1)) {
            (Some(b'='), _) => Some(j + 1),
            (Some(b':'), Some(b' ')) => Some(j + 2),
            _ => None,
        };
        if let Some(start) = start {
            let mut end = start;
            while end < bytes.len()
                && !matches!(bytes[end], b' ' | b'\n' | b'"' | b'\'' | b'&' | b';' | b',')
            {
                end += 1;
            }
            // Already masked (`…`, or diff's `(hidden; …)` markers): leave it.
            let masked = text[start..].starts_with('…') || text[start..].starts_with("(hidden");
            if end > start && !masked {
                out.push_str(&text[last..start]);
                out.push('…');
                last = end;
                i = end;
                continue;
            }
        }
        i = j;
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
            ("…password=… é token=x", "…password=… é token=…"),
            ("é€password=x€", "é€password=…"),
        ] {
            assert_eq!(pairs(input), want, "{input}");
        }
    }
}
