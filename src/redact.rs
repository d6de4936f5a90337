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
            if let Some(f) = frag {
                out.push('#');
                out.push_str(f);
            }
        }
        None => out.push_str(path),
    }
    out
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
                "--oidc-issuer-url=https://a:…@kc/r?token=…&x=…#f",
            ),
            (
                "\"http://h/?password=TOPSECRET\", next",
                "\"http://h/?password=…\", next",
            ),
            ("no uri here", "no uri here"),
        ] {
            assert_eq!(uris(input), want, "{input}");
        }
    }
}
