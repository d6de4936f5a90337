//! Input: every file and standard-input read of the program, each capped before it is
//! read whole (so `/dev/zero` fails fast with the cap named), and checked to be UTF-8.

use crate::error::Failure;
use std::io::Read;

/// Cap on one values file (`-f`) and on one `--set-file` file: values are small; the
/// largest the chart could use is a ConfigMap or Secret, whose data the API server
/// limits to 1 MiB.
pub const VALUES_CAP: u64 = 4 * 1024 * 1024;

/// Cap on all values inputs of one command together (`-f` files and `--set-file` files).
pub const TOTAL_VALUES_CAP: u64 = 16 * 1024 * 1024;

/// Cap on all manifest streams of one command together (`validate`, `diff`).
pub const TOTAL_MANIFEST_CAP: u64 = 64 * 1024 * 1024;

/// Cap on one manifest stream read by `validate` or `diff`: an object is at most ~1.5 MiB
/// in etcd, so this holds a dozen of the largest objects or thousands of ordinary ones.
pub const MANIFEST_CAP: u64 = 32 * 1024 * 1024;

/// What is being read, for messages: "values file", "manifest file", …
pub struct What {
    pub noun: &'static str,
    pub cap: u64,
    pub hint: &'static str,
}

pub const VALUES: What = What {
    noun: "values file",
    cap: VALUES_CAP,
    hint: "check the path given to -f/--values",
};
pub const SET_FILE: What = What {
    noun: "--set-file file",
    cap: VALUES_CAP,
    hint: "check the path after the `=` of --set-file (a relative path starts at the current directory; the path is not shown, as it may be a value given to the wrong flag)",
};
pub const MANIFEST: What = What {
    noun: "manifest file",
    cap: MANIFEST_CAP,
    hint: "check the file names given",
};

fn mib(n: u64) -> String {
    format!("{} MiB", n / (1024 * 1024))
}

/// An I/O error in words, without Rust's `(os error N)` suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(at) => s[..at].to_string(),
        None => s,
    }
}

/// Reads `path` (or standard input for `-`) as UTF-8 text of at most `what.cap` bytes.
/// Returns the name to show in messages and the text.
pub fn read(path: &str, what: &What) -> Result<(String, String), Failure> {
    let name = if path.trim() == "-" { "<stdin>" } else { path };
    read_as(path, name, what)
}

/// Why Go's `url.Parse` refuses `path`, which Helm's readFile calls before it reads a
/// values file or a --set-file (pkg/cli/values/options.go:123-126 at v4.2.3): a control
/// character, a leading `:`, a colon in the first segment of a path without a scheme, or
/// a `%` that starts no `%XX` escape in the path or fragment (net/url at Go 1.26).
fn go_url_error(path: &str) -> Option<&'static str> {
    if path.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Some("a control character");
    }
    if path.starts_with(':') {
        return Some("missing protocol scheme");
    }
    let (url, fragment) = path.split_once('#').unwrap_or((path, ""));
    let scheme = url_scheme(url);
    let rest = match &scheme {
        Some(s) => &url[s.len() + 1..],
        None => url,
    };
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    if scheme.is_some() && !rest.starts_with('/') {
        // Opaque (`mailto:x`): Go keeps it as it is.
        return bad_escape(fragment).then_some("invalid URL escape");
    }
    if scheme.is_none() && rest.split('/').next().is_some_and(|s| s.contains(':')) {
        return Some("first path segment in URL cannot contain colon");
    }
    // The path after an authority (`//host/path`) is checked like any path; the authority
    // as Go's parseAuthority checks it (`///x` without a scheme has none).
    let authority = rest
        .strip_prefix("//")
        .filter(|after| scheme.is_some() || !after.starts_with('/'));
    let path_part = match authority {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            if let Some(e) = authority_error(&after[..end]) {
                return Some(e);
            }
            &after[end..]
        }
        None => rest,
    };
    (bad_escape(path_part) || bad_escape(fragment)).then_some("invalid URL escape")
}

/// What Go's `url.Parse` finds wrong with an authority (net/url parseAuthority, parseHost,
/// validOptionalPort and unescape in host mode): userinfo characters, a bracket not closed,
/// a port that is not digits, a host character that must be escaped, a bad `%` escape or
/// one of an ASCII character other than `%25` in the host.
fn authority_error(authority: &str) -> Option<&'static str> {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    if let Some(u) = userinfo {
        let valid = u
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&b));
        if !valid {
            return Some("invalid userinfo");
        }
        if bad_escape(u) {
            return Some("invalid URL escape");
        }
    }
    let port_from = if host.starts_with('[') {
        match host.rfind(']') {
            Some(i) => i + 1,
            None => return Some("missing ']' in host"),
        }
    } else {
        host.rfind(':').unwrap_or(host.len())
    };
    let port = &host[port_from..];
    let valid_port =
        port.is_empty() || port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit());
    if !valid_port {
        return Some("invalid port after host");
    }
    let b = host.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |j: usize| b.get(j).and_then(|c| (*c as char).to_digit(16));
                match (hex(i + 1), hex(i + 2)) {
                    (Some(h), Some(_)) if h >= 8 || &b[i..i + 3] == b"%25" => i += 3,
                    _ => return Some("invalid URL escape"),
                }
                continue;
            }
            c if c >= 0x80
                || c.is_ascii_alphanumeric()
                || b"-_.~!$&'()*+,;=:[]<>\"".contains(&c) => {}
            _ => return Some("invalid character in host name"),
        }
        i += 1;
    }
    None
}

/// A `%` not followed by two hex digits.
fn bad_escape(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        b[i] == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// The scheme Go's `url.Parse` finds in `path`, lowercased as Go lowercases it: letters,
/// digits, `+`, `-` and `.` after a first letter, up to the first `:` (net/url getScheme).
fn url_scheme(path: &str) -> Option<String> {
    let (scheme, _) = path.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// `read`, with messages that call the file `name` (a path given inside a flag's value
/// is not repeated: the value may be a credential typed in the wrong place).
pub fn read_as(path: &str, name: &str, what: &What) -> Result<(String, String), Failure> {
    let stdin = path.trim() == "-";
    let name = name.to_string();
    let mut buf = Vec::new();
    // Helm fetches `-f https://…` (pkg/cli/values/options.go:119-140 at v4.2.3): the
    // scheme url.Parse finds, which Go lowercases, picks a getter (http, https, oci), and
    // only a path without one of those is read as a file, even one that exists. A render
    // reads nothing from the network (the same inputs give the same output, offline),
    // so such a path gets its own message.
    if !stdin && let Some(reason) = go_url_error(path) {
        return Err(Failure::input(format!(
            "{} {}: Helm reads this path as a URL and refuses it ({reason})",
            what.noun,
            crate::redact::uris(&name)
        ))
        .hint(if reason.contains("escape") {
            "give the file as ./NAME, or rename it: `%` may start only a %XX escape"
        } else if path.starts_with("//") {
            "give the file as ./NAME (a path starting `//` names a host to Go's URL parser), or rename it"
        } else {
            "give the file as ./NAME, or rename it"
        }));
    }
    if !stdin && matches!(url_scheme(path).as_deref(), Some("http" | "https" | "oci")) {
        return Err(Failure::input(format!(
            "{} {} is a URL: mlflow-chart reads local files only, never the network",
            what.noun,
            crate::redact::uris(&name)
        ))
        .hint("download it first (e.g. `curl -fsSLo values.yaml URL`) and give the file; a local file whose name starts with `http:` is read by its path as ./http:…"));
    }
    let result = if stdin {
        std::io::stdin()
            .lock()
            .take(what.cap + 1)
            .read_to_end(&mut buf)
    } else {
        std::fs::File::open(path).and_then(|f| {
            if f.metadata()?.is_dir() {
                return Err(std::io::Error::other("it is a directory"));
            }
            f.take(what.cap + 1).read_to_end(&mut buf)
        })
    };
    if let Err(e) = result {
        // A missing file whose name holds `=` is most often a `--set` value given to -f
        // (`-f db.password=X`): its name is not shown, it may be a credential.
        if e.kind() == std::io::ErrorKind::NotFound && name == path && path.contains('=') {
            return Err(Failure::input(format!(
                "cannot read {} (its name, not shown, holds '=', like a --set argument): {}",
                what.noun,
                io_reason(&e)
            ))
            .hint("-f takes a values file; to set one value, use --set key=value (or --set-literal for a credential)"));
        }
        return Err(Failure::input(format!(
            "cannot read {} {name}: {}",
            what.noun,
            io_reason(&e)
        ))
        .hint(what.hint));
    }
    if buf.len() as u64 > what.cap {
        return Err(Failure::input(format!(
            "{} {name} is larger than the limit of {}",
            what.noun,
            mib(what.cap)
        ))
        .hint(format!(
            "a {} must be at most {}; is it the file you meant?",
            what.noun,
            mib(what.cap)
        )));
    }
    let text = String::from_utf8(buf).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let (line, column) = end_of(std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default());
        Failure::input(format!(
            "{} {name}:{line}:{column} is not UTF-8 text: an invalid byte (byte offset {at}){}",
            what.noun,
            if what.noun == SET_FILE.noun {
                String::new()
            } else {
                key_at(e.as_bytes(), line, column)
            }
        ))
        .hint("give a UTF-8 encoded YAML file")
    })?;
    Ok((name, text))
}

/// The line and column (1-based, in characters) just after `before`.
fn end_of(before: &str) -> (usize, usize) {
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// ` (at key a.b)`: the key of a YAML file open at `line`:`column` (where its first
/// invalid byte is), read with each invalid byte as U+FFFD; cut after a key named like a
/// credential (what is below one is the user's text). Empty when no key is open there.
fn key_at(bytes: &[u8], line: usize, column: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut path = crate::locate::path_at(&text, line, column);
    if let Some(i) = path
        .0
        .iter()
        .position(|s| matches!(s, crate::locate::Seg::Key(k) if crate::redact::credential_name(k)))
    {
        path.0.truncate(i + 1);
    }
    path.0.truncate(12);
    if path.0.is_empty() {
        String::new()
    } else {
        format!(" (at key {path})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the first byte that is not UTF-8 is, as `read` finds it: its line and column,
    /// and the key open there.
    fn first_invalid(bytes: &[u8]) -> ((usize, usize), String) {
        let at = String::from_utf8(bytes.to_vec())
            .unwrap_err()
            .utf8_error()
            .valid_up_to();
        let (line, column) = end_of(std::str::from_utf8(&bytes[..at]).unwrap());
        ((line, column), key_at(bytes, line, column))
    }

    /// A byte that is not UTF-8 is said by line and column, with the key it is under.
    #[test]
    fn not_utf8_names_line_column_and_key() {
        let text = b"x: 1\ny:\n  z: ab\xff\n";
        let flat = b"x: 1\ny: \xff\n";
        assert_eq!(first_invalid(flat).1, " (at key y)");
        assert_eq!(first_invalid(text), ((3, 8), " (at key y.z)".to_string()));
        assert_eq!(first_invalid(b"\xff").1, "");
        let secret = b"db:\n  password:\n    inner: \xff\n";
        assert_eq!(first_invalid(secret).1, " (at key db.password)");
    }

    #[test]
    fn caps_endless_files() {
        let what = What {
            noun: "values file",
            cap: 1024,
            hint: "",
        };
        let e = read("/dev/zero", &what).unwrap_err();
        assert!(e.message.contains("larger than the limit"), "{}", e.message);
        assert!(e.message.contains("/dev/zero"), "{}", e.message);
    }

    /// Go's url.Parse scheme (net/url getScheme at Go 1.26): a letter, then letters,
    /// digits, `+-.`, up to a colon; lowercased.
    #[test]
    fn url_schemes_as_go_finds_them() {
        for (path, scheme) in [
            ("https://example.org/v.yaml", Some("https")),
            ("HTTP://example.org/v.yaml", Some("http")),
            ("http:w.yaml", Some("http")),
            ("oci://registry/chart", Some("oci")),
            ("s3+x.y-z:rest", Some("s3+x.y-z")),
            ("./http:w.yaml", None),
            ("1http:w.yaml", None),
            ("values.yaml", None),
            (":x", None),
            ("ht tp:x", None),
            ("", None),
        ] {
            assert_eq!(url_scheme(path).as_deref(), scheme, "{path}");
        }
    }

    /// Paths Helm's url.Parse refuses before reading (checked against Go 1.26's net/url by
    /// an independent tester), and paths it lets through to the file system.
    #[test]
    fn paths_go_refuses_as_urls() {
        for (path, refused) in [
            ("values.yaml", false),
            ("./1http:w.yaml", false),
            ("a:b.yaml", false),
            ("mailto:x%zz", false),
            ("h%41.yaml", false),
            ("dir/a:b.yaml", false),
            ("a#frag", false),
            ("a?q=%zz", false),
            ("1http:w.yaml", true),
            ("ht_tp:w.yaml", true),
            ("-x:y.yaml", true),
            (" http:w.yaml", true),
            (":x.yaml", true),
            ("h%zz.yaml", true),
            ("values-100%.yaml", true),
            ("./h%zz.yaml", true),
            ("a#%zz", true),
            ("c:/x%zz", true),
            ("a\tb", true),
            ("a\u{7f}b", true),
            // An authority (`//host/…`), checked as Go's parseAuthority checks it.
            ("//host/x.yaml", false),
            ("//h:80/x.yaml", false),
            ("//[::1]:80/x.yaml", false),
            ("//u:p@h/x.yaml", false),
            ("//h%25z/x.yaml", false),
            ("///a b/x.yaml", false),
            ("//a b/x.yaml", true),
            ("//tmp:abc/x.yaml", true),
            ("//h%zz/x.yaml", true),
            ("//h%41/x", true),
            ("//[::1/x", true),
            ("//a^b/x", true),
            ("//u p@h/x", true),
        ] {
            assert_eq!(go_url_error(path).is_some(), refused, "{path:?}");
        }
    }

    #[test]
    fn directories_and_missing_files() {
        let e = read("/", &VALUES).unwrap_err();
        assert!(e.message.contains("directory"), "{}", e.message);
        assert!(read("/nonexistent/x.yaml", &VALUES).is_err());
    }
}
