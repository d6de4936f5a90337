//! Boundary checks on the values that name other systems: URIs and hosts carry no
//! credentials and are well-formed, and bucket names follow S3's rules. Each returns the
//! problems in the user's terms, naming the values key, never the credential.

/// Words that make a query parameter a credential when its (percent-decoded,
/// lower-cased) name contains one (`access_token`, `client_secret`, `api_key`, …).
const SECRET_WORDS: &[&str] = &[
    "pass",
    "secret",
    "token",
    "key",
    "credential",
    "signature",
    "auth",
];

/// The MLflow `server` options that neither `MLFlow.extraArgs` nor `extraEnv` may set,
/// each with the environment variable click reads it from when the option is not on the
/// command line (`envvar=` in mlflow/cli/__init__.py and mlflow/utils/cli_args.py at
/// 3.17.2): the bind address and port (`--host/-h`, `--port/-p`: the last one wins), the
/// server options that can carry their own bind address (`--gunicorn-opts` with
/// `-b 0.0.0.0:…` adds a listener that skips the proxy), the options behind MLflow's own
/// request checks, and the stores and artifact proxying.
const CHART_SERVER_OPTIONS: &[(&str, Option<&str>)] = &[
    ("--host", Some("MLFLOW_HOST")),
    ("--port", Some("MLFLOW_PORT")),
    ("--gunicorn-opts", Some("MLFLOW_GUNICORN_OPTS")),
    ("--uvicorn-opts", Some("MLFLOW_UVICORN_OPTS")),
    ("--waitress-opts", None),
    ("--allowed-hosts", Some("MLFLOW_SERVER_ALLOWED_HOSTS")),
    (
        "--disable-security-middleware",
        Some("MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE"),
    ),
    ("--app-name", None),
    // A prefix moves every route: the probes' /health and the proxy's API routes would
    // miss (mlflow/cli/__init__.py:434-440, server/__init__.py:105-123).
    ("--static-prefix", Some("MLFLOW_STATIC_PREFIX")),
    (
        "--cors-allowed-origins",
        Some("MLFLOW_SERVER_CORS_ALLOWED_ORIGINS"),
    ),
    // Where the data goes, and that MLflow proxies the artifacts: the chart's.
    ("--backend-store-uri", Some("MLFLOW_BACKEND_STORE_URI")),
    (
        "--read-replica-backend-store-uri",
        Some("MLFLOW_READ_REPLICA_BACKEND_STORE_URI"),
    ),
    ("--registry-store-uri", Some("MLFLOW_REGISTRY_STORE_URI")),
    ("--workspace-store-uri", Some("MLFLOW_WORKSPACE_STORE_URI")),
    (
        "--artifacts-destination",
        Some("MLFLOW_ARTIFACTS_DESTINATION"),
    ),
    (
        "--default-artifact-root",
        Some("MLFLOW_DEFAULT_ARTIFACT_ROOT"),
    ),
    ("--serve-artifacts", Some("MLFLOW_SERVE_ARTIFACTS")),
    ("--no-serve-artifacts", None),
    ("--artifacts-only", Some("MLFLOW_ARTIFACTS_ONLY")),
];

/// A MLflow `server` option that `MLFlow.extraArgs` must not override (see
/// `CHART_SERVER_OPTIONS`).
pub fn forbidden_mlflow_arg(arg: &str) -> Option<&'static str> {
    let name = arg.split('=').next().unwrap_or(arg);
    if let Some((f, _)) = CHART_SERVER_OPTIONS.iter().find(|(f, _)| name == *f) {
        return Some(f);
    }
    if arg.starts_with("-h") && !arg.starts_with("--") {
        return Some("-h (--host)");
    }
    if arg.starts_with("-p") && !arg.starts_with("--") {
        return Some("-p (--port)");
    }
    None
}

/// Variables the programs of MLflow's pod read, besides `mlflow server`'s own options,
/// that would move a store or the listener behind the chart's back, each with what it
/// changes and the values key that decides it. Whatever the configuration: with AWS S3
/// the chart sets no endpoint, so a variable would choose one.
/// - MLflow's S3 client: `MLFLOW_S3_ENDPOINT_URL` when it is given none, and
///   `MLFLOW_S3_IGNORE_TLS` turns off certificate checks (s3_artifact_repo.py:188-192,
///   environment_variables.py:311-315 of mlflow 3.17.2).
/// - botocore: `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_S3` when no endpoint is given
///   (botocore/configprovider.py:988-1066 of botocore 1.44.8, as installed with
///   mlflow 3.17.2).
/// - libpq (src/interfaces/libpq/fe-connect.c, PQconninfoOptions): a variable gives a
///   connection parameter the URI does not. `PGHOSTADDR` connects to another address
///   while the URI's host only names it (checked with psql 15: `PGHOSTADDR=127.0.0.9`
///   and a URI host of db.invalid connect to 127.0.0.9), `PGSERVICE`/`PGSERVICEFILE`/
///   `PGSYSCONFDIR` read every parameter from a file, `PGSSLMODE`/`PGREQUIRESSL`/
///   `PGSSLROOTCERT` decide the TLS that `externalDatabase.sslmode` and `trustedCA` do.
const CHART_STORE_VARIABLES: &[(&str, &str)] = &[
    ("MLFLOW_S3_ENDPOINT_URL", "the S3 endpoint (s3.url)"),
    ("AWS_ENDPOINT_URL", "the S3 endpoint (s3.url)"),
    ("AWS_ENDPOINT_URL_S3", "the S3 endpoint (s3.url)"),
    (
        "MLFLOW_S3_IGNORE_TLS",
        "the object store's certificate check (trustedCA)",
    ),
    ("PGHOST", "the database host (externalDatabase.host)"),
    (
        "PGHOSTADDR",
        "the database's address (externalDatabase.host)",
    ),
    ("PGPORT", "the database port (externalDatabase.port)"),
    ("PGDATABASE", "the database (externalDatabase.database)"),
    ("PGUSER", "the database user (externalDatabase.username)"),
    (
        "PGPASSFILE",
        "the database password (externalDatabase.existingSecret)",
    ),
    (
        "PGSERVICE",
        "the database connection (services.postgres.externalURI)",
    ),
    (
        "PGSERVICEFILE",
        "the database connection (services.postgres.externalURI)",
    ),
    (
        "PGSYSCONFDIR",
        "the database connection (services.postgres.externalURI)",
    ),
    ("PGSSLMODE", "the database's TLS (externalDatabase.sslmode)"),
    (
        "PGREQUIRESSL",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    ("PGSSLROOTCERT", "the database's TLS (trustedCA)"),
    (
        "PGOPTIONS",
        "the database session's options, such as the schema it reads (services.postgres.externalURI)",
    ),
    ("PGSSLCERT", "the database's TLS (externalDatabase.sslmode)"),
    ("PGSSLKEY", "the database's TLS (externalDatabase.sslmode)"),
    ("PGSSLCRL", "the database's TLS (externalDatabase.sslmode)"),
    (
        "PGSSLCRLDIR",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    ("PGSSLSNI", "the database's TLS (externalDatabase.sslmode)"),
    (
        "PGSSLCERTMODE",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGSSLNEGOTIATION",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGSSLMINPROTOCOLVERSION",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGSSLMAXPROTOCOLVERSION",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGCHANNELBINDING",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGGSSENCMODE",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGREQUIREAUTH",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGREQUIREPEER",
        "the database's TLS (externalDatabase.sslmode)",
    ),
    (
        "PGTARGETSESSIONATTRS",
        "the database host (externalDatabase.host)",
    ),
    (
        "PGLOADBALANCEHOSTS",
        "the database host (externalDatabase.host)",
    ),
    // botocore reads the endpoint (and the profile's other settings) from this file
    // when it is given none (configprovider.py:62 of botocore 1.44.8).
    ("AWS_CONFIG_FILE", "the S3 endpoint (s3.url)"),
    // google-cloud-storage takes its API endpoint from these (google/cloud/storage/
    // _helpers.py:49-52 of 3.17.1).
    ("STORAGE_EMULATOR_HOST", "the GCS endpoint (gcs.*)"),
    ("API_ENDPOINT_OVERRIDE", "the GCS endpoint (gcs.*)"),
];

/// What an environment variable named `name` would set, in the user's terms, if it is
/// one that `extraEnv` must not set: a `mlflow server` option (`CHART_SERVER_OPTIONS`),
/// a store's location or TLS (`CHART_STORE_VARIABLES`), or an option of the web server
/// MLflow runs. uvicorn reads every `UVICORN_*` variable as the option of that name
/// (`auto_envvar_prefix`, uvicorn/main.py:61 of 0.54.0), `UVICORN_ENV_FILE` loads a file
/// into the environment (config.py:352-356) and `UVICORN_UDS`/`UVICORN_FD` move the
/// listener; gunicorn reads `GUNICORN_CMD_ARGS` as command-line options
/// (gunicorn/config.py:87-88 of 26.2.0).
pub fn forbidden_env(name: &str) -> Option<String> {
    if let Some((flag, _)) = CHART_SERVER_OPTIONS
        .iter()
        .find(|(_, env)| *env == Some(name))
    {
        return Some(format!("`mlflow server {flag}`"));
    }
    if let Some((_, what)) = CHART_STORE_VARIABLES.iter().find(|(v, _)| *v == name) {
        return Some((*what).to_string());
    }
    // botocore: AWS_ENDPOINT_URL_<SERVICE> for any service (STS too, which a web
    // identity token would then be sent to).
    if name.starts_with("AWS_ENDPOINT_URL") {
        return Some("an AWS endpoint, such as S3's (s3.url)".into());
    }
    // `mlflow server` hands its options to the web server's workers in `_MLFLOW_SERVER_*`
    // variables (mlflow/server/constants.py:11-30 at 3.17.2) and sets only those of the
    // options given: one in the pod's environment would stand for a missing option
    // (`_MLFLOW_SERVER_ARTIFACTS_ONLY`).
    if name.starts_with("_MLFLOW_") {
        return Some(
            "an internal variable of `mlflow server`, which it sets from its options".into(),
        );
    }
    if name.starts_with("UVICORN_") {
        return Some("an option of uvicorn, the web server `mlflow server` runs".into());
    }
    // Which peers may name the client in X-Forwarded-For: uvicorn and gunicorn read it
    // without a prefix (uvicorn/config.py:363 of 0.54.0, gunicorn/config.py:1373 of
    // 26.2.0). Behind OAuth2-Proxy every request comes from 127.0.0.1 and the proxy
    // appends the real peer after what the client sent (pkg/upstream/http.go:225-240 at
    // v7.15.3), so only the default (loopback) keeps the client from choosing its own
    // address, which MLflow's assistant trusts as "same host"
    // (mlflow/server/assistant/api.py:82-93 at 3.17.2).
    if name == "FORWARDED_ALLOW_IPS" {
        return Some("the peers uvicorn and gunicorn trust to name the client's address in X-Forwarded-For (only the default keeps a client behind the proxy from posing as 127.0.0.1)".into());
    }
    if name == "GUNICORN_CMD_ARGS" {
        return Some("options of gunicorn, a web server `mlflow server` can run".into());
    }
    None
}

/// Problems of a CORS origin: `scheme://host[:port]`, nothing more.
pub fn origin(key: &str, o: &str) -> Vec<String> {
    let mut out = uri(key, o, &["https", "http"]);
    if let Some((_, rest)) = o.split_once("://")
        && rest.contains(['/', '?', '#'])
    {
        out.push(format!(
            "{key}: an origin is scheme://host[:port], without a path or query"
        ));
    }
    out
}

/// Problems of a URI given in `key`: one of `schemes`, a host, a port in 1–65535, no
/// userinfo, no credential in the query, no whitespace.
pub fn uri(key: &str, uri: &str, schemes: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let Some((scheme, rest)) = uri.split_once("://") else {
        out.push(format!(
            "{key} must be a URI like {}://host[:port]/…",
            schemes[0]
        ));
        return out;
    };
    if !schemes.contains(&scheme) {
        out.push(format!(
            "{key} must start with {}",
            schemes
                .iter()
                .map(|s| format!("{s}://"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    // A control character, also percent-encoded (`%00` decodes to a NUL).
    let encoded_control = uri.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && std::str::from_utf8(&w[1..])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .is_some_and(|b| b < 0x20 || b == 0x7f)
    });
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) || encoded_control {
        out.push(format!("{key} contains whitespace or control characters"));
    }
    // Kubernetes expands $(NAME) in arguments and environment values, where URIs go.
    if uri.contains('$') {
        out.push(format!(
            "{key} contains '$', which Kubernetes would expand as $(NAME) in the pod: write it as %24"
        ));
    }
    // A userinfo as the most generous parser reads it (`u:p?x@h` is one to libpq and
    // SQLAlchemy): the host is what follows it.
    let (rest, credentials) = match crate::redact::userinfo(uri) {
        Some(info) => (&rest[info.len() + 1..], true),
        None => (rest, false),
    };
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let host_port = match authority.rsplit_once('@') {
        Some((_, hp)) => {
            out.push(format!(
                "{key} must not carry credentials (`user:password@`): give them through the Secret the chart reads"
            ));
            hp
        }
        None if credentials => {
            out.push(format!(
                "{key} must not carry credentials (`user:password@`): give them through the Secret the chart reads"
            ));
            authority
        }
        None => authority,
    };
    out.extend(host(key, host_port, true));
    if rest[auth_end..].contains('#') {
        out.push(format!("{key} must not have a fragment (`#…`)"));
    }
    // Parameters in the query and in path segments (`;password=…`), names percent-decoded
    // (twice, for `%253D`). The message never quotes them: a name can hide the value.
    let after_host = rest[auth_end..].split('#').next().unwrap_or("");
    let credential_param = after_host.split(['?', '&', ';']).skip(1).any(|pair| {
        let raw = pair.split('=').next().unwrap_or("");
        let name =
            crate::redact::percent_decode(&crate::redact::percent_decode(raw)).to_ascii_lowercase();
        let name = name.split('=').next().unwrap_or("");
        // `pw`, and session ids (`jsessionid`, `PHPSESSID`, `session_id`), are
        // credentials too; libpq's parameters that name a file (`passfile`, `sslkey`,
        // `sslcert`, `sslrootcert`, `sslcrl`: "Parameter Key Words" in the PostgreSQL 15
        // manual) hold a path, not a secret.
        let file_parameter = matches!(
            name,
            "passfile" | "sslkey" | "sslcert" | "sslrootcert" | "sslcrl" | "sslcrldir"
        );
        !file_parameter
            && (matches!(name, "sig" | "pwd" | "pw" | "code" | "pass")
                || ["sessionid", "sessid", "session_id"]
                    .iter()
                    .any(|s| name.ends_with(s))
                || SECRET_WORDS.iter().any(|w| name.contains(w)))
    });
    if credential_param {
        out.push(format!(
            "{key} must not carry a credential in its query or path parameters: give it through the Secret the chart reads"
        ));
    }
    out
}

/// An IPv6 address as a URI holds it in brackets, with an RFC 6874 zone (`fe80::1%25eth0`)
/// if any, as Go's url.Parse accepts it.
fn ipv6_literal(h: &str) -> bool {
    let (address, zone) = match h.split_once("%25") {
        Some((a, z)) => (a, Some(z)),
        None => (h, None),
    };
    address.parse::<std::net::Ipv6Addr>().is_ok()
        && zone.is_none_or(|z| {
            !z.is_empty()
                && z.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c))
        })
}

/// Problems of `host[:port]` (or a bare host when `port_allowed` is false): a DNS name
/// or an IP address, an optional port in 1–65535, no credentials.
pub fn host(key: &str, host_port: &str, port_allowed: bool) -> Vec<String> {
    let mut out = Vec::new();
    if host_port.contains('@') {
        out.push(format!("{key} must be a host name, not `user@host`"));
        return out;
    }
    let (h, port) = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            // RFC 3986 3.2.2: brackets hold an IPv6 address (Go's url.Parse, which
            // OAuth2-Proxy uses, and Python's urlsplit refuse anything else), and only
            // `:port` may follow them.
            Some((h, rest)) if !ipv6_literal(h) || !(rest.is_empty() || rest.starts_with(':')) => {
                out.push(format!(
                    "{key}: brackets hold an IPv6 address, followed by nothing or :port (`[2001:db8::1]:5432`)"
                ));
                return out;
            }
            Some((h, rest)) => (h, rest.strip_prefix(':')),
            None => (host_port, None),
        }
    } else if port_allowed && host_port.matches(':').count() > 1 {
        // In a URI an IPv6 address must be bracketed (RFC 3986 3.2.2): Python's urlsplit
        // reads `https://::1/` as host `:` and port `1`, or refuses it.
        out.push(format!(
            "{key}: an IPv6 address in a URI goes in brackets (`https://[2001:db8::1]:9000/`)"
        ));
        return out;
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            _ => (host_port, None),
        }
    };
    if let Some(p) = port {
        if !port_allowed {
            out.push(format!(
                "{key} is a host name; give the port in its own key"
            ));
        } else if !(p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0))
        {
            out.push(format!("{key}: the port must be a number from 1 to 65535"));
        }
    }
    let is_ip =
        h.parse::<std::net::IpAddr>().is_ok() || (host_port.starts_with('[') && ipv6_literal(h));
    let dns = !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    // A name whose last label is all digits is neither a DNS name nor an IP (999.1.1.1).
    let numeric_tld = h
        .rsplit('.')
        .next()
        .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()));
    if !is_ip && (!dns || numeric_tld) {
        out.push(format!(
            "{key}: the host is not a DNS name or an IP address"
        ));
    }
    out
}

/// Problems of an S3 bucket name (AWS's rules: 3–63 characters of lowercase letters,
/// digits, `.` and `-`; starting and ending with a letter or digit; no `..`; not an IPv4
/// address; none of the reserved prefixes and suffixes).
pub fn bucket(key: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let dots_ok = !name.contains("..") && !name.contains(".-") && !name.contains("-.");
    if !(3..=63).contains(&name.len()) || !chars_ok || !ends_ok || !dots_ok {
        out.push(format!("{key}: an S3 bucket name is 3–63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, without '..'"));
    }
    // MinIO refuses any four dot-separated digit groups (minio-go pkg/s3utils
    // ipAddress `^(\d+\.){3}\d+$`, called by CheckValidBucketName; MinIO's
    // cmd/object-api-input-checks.go:47 at RELEASE.2025-09-07T16-13-09Z), not only a
    // valid address.
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        out.push(format!(
            "{key}: an S3 bucket name must not look like an IP address"
        ));
    }
    for p in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(p) {
            out.push(format!("{key}: S3 reserves the prefix {p}"));
        }
    }
    for s in ["-s3alias", "--ol-s3", "--x-s3", ".mrap", "--table-s3"] {
        if name.ends_with(s) {
            out.push(format!("{key}: S3 reserves the suffix {s}"));
        }
    }
    out
}

/// Problems of a Google Cloud Storage bucket name (Google's rules: 3–63 characters, or up
/// to 222 with dots and each dot-separated part at most 63; lowercase letters, digits, '-',
/// '_' and '.'; starting and ending with a letter or digit; not an IPv4 address; not
/// starting with "goog").
pub fn gcs_bucket(key: &str, name: &str) -> Vec<String> {
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let len_ok = if name.contains('.') {
        (3..=222).contains(&name.len())
            && name.split('.').all(|p| {
                p.len() <= 63
                    && p.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && p.ends_with(|c: char| c.is_ascii_alphanumeric())
            })
    } else {
        (3..=63).contains(&name.len())
    };
    let mut out = Vec::new();
    if !chars_ok || !ends_ok || !len_ok {
        out.push(format!("{key}: a GCS bucket name is 3–63 lowercase letters, digits, '-', '_' and '.' (up to 222 with dots, 63 between them), starting and ending with a letter or digit"));
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok()
        || name.starts_with("goog")
        || name.contains("google")
    {
        out.push(format!(
            "{key}: a GCS bucket name must not look like an IP address, start with \"goog\" or contain \"google\""
        ));
    }
    out
}

/// An age `mlflow gc --older-than` parses: days, hours, minutes and seconds in that order,
/// each a decimal number (its regex in mlflow/cli/__init__.py, `gc`, at 3.17.2, which also
/// lets "1.2.3d" through to a float() that fails: refused here), or empty for none.
/// At most 100 years: Python's timedelta, which gc builds from the age, overflows
/// (OverflowError) far above that, and no retention is longer.
pub fn older_than(s: &str) -> bool {
    let mut rest = s;
    let mut seconds = 0f64;
    for (unit, per) in [('d', 86400.0), ('h', 3600.0), ('m', 60.0), ('s', 1.0)] {
        if let Some(i) = rest.find(unit) {
            let (num, tail) = (&rest[..i], &rest[i + 1..]);
            let mut parts = num.splitn(2, '.');
            let int = parts.next().unwrap_or("");
            let frac = parts.next();
            let digits =
                |p: &str| !p.is_empty() && p.len() <= 12 && p.bytes().all(|b| b.is_ascii_digit());
            if !digits(int) || frac.is_some_and(|f| !digits(f)) {
                return false;
            }
            seconds += num.parse::<f64>().unwrap_or(f64::INFINITY) * per;
            rest = tail;
        }
    }
    rest.is_empty() && seconds <= 100.0 * 365.0 * 86400.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcs_bucket_names() {
        for ok in [
            "abc",
            "my_bucket-1",
            "a.b.c",
            &format!("{}.{}", "a".repeat(63), "b".repeat(63)),
        ] {
            assert!(gcs_bucket("k", ok).is_empty(), "{ok}");
        }
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "Abc",
            "a bc",
            "goog-x",
            "10.1.2.3",
            "a..b",
            "a.-b",
            "a_.b",
            &"a".repeat(64),
            &format!("{}.b", "a".repeat(64)),
            &"a.".repeat(112),
        ] {
            assert!(!gcs_bucket("k", bad).is_empty(), "{bad}");
        }
    }

    #[test]
    fn ages() {
        for ok in ["", "30d", "12h", "1d2h3m4s", "1.5d", "0s", "2m4s", "90m"] {
            assert!(older_than(ok), "{ok}");
        }
        assert!(older_than("36500d") && older_than("876000h"));
        for bad in [
            "30",
            "d",
            "1.2.3d",
            "2h1d",
            "30 d",
            "-1d",
            "1w",
            "1d1d",
            ".5d",
            "5.d",
            "1dd",
            "36501d",
            "99999999999999d",
            "1000000000000000000000s",
        ] {
            assert!(!older_than(bad), "{bad}");
        }
    }

    #[test]
    fn uris() {
        let ok = |u: &str| uri("k", u, &["https"]).is_empty();
        assert!(ok("https://kc.example.org/realms/r"));
        assert!(ok("https://kc.example.org:8443/realms/r"));
        assert!(ok("https://[fd00::1]:8443/r"));
        assert!(ok("https://10.0.0.1/r?x=1"));
        assert!(!ok("http://kc.example.org/realms/r"));
        assert!(!ok("https://admin:TOPSECRET@kc/r"));
        assert!(!ok("https://kc/r?token=TOPSECRET"));
        assert!(!ok("https://kc/r?%74oken=TOPSECRET"));
        assert!(!ok("https://kc/r?access_token=TOPSECRET"));
        assert!(!ok("https://kc/r?client_secret=TOPSECRET"));
        assert!(!ok("https://kc/r?api_key=TOPSECRET"));
        assert!(!ok("https://kc/r?token%3DTOPSECRET"));
        assert!(!ok("https://kc/r?token%253DTOPSECRET"));
        assert!(!ok("https://kc/r;password=TOPSECRET"));
        assert!(!ok("https://kc/r?pwd=TOPSECRET"));
        assert!(!ok("https://kc/r?code=TOPSECRET"));
        for u in ["https://kc/r?token%3DTOPSECRET", "https://kc/r?%1btoken=x"] {
            assert!(
                uri("k", u, &["https"])
                    .iter()
                    .all(|m| !m.contains("TOPSECRET") && !m.contains('\u{1b}'))
            );
        }
        // Brackets hold an IPv6 address, then nothing or :port (RFC 3986 3.2.2).
        assert!(ok("https://[2001:db8::1]/r"));
        for u in [
            "https://[x]y/r",
            "https://[PWNED]/",
            "https://[1.2.3.4]/",
            "https://[v1.x]/",
            "https://[::1]x:443/",
            "https://[]/",
        ] {
            assert!(!ok(u), "{u}");
        }
        assert!(ok("https://[fe80::1%25eth0]:9000/"));
        assert!(!ok("https://[fe80::1%25]:9000/"));
        assert!(!ok("https://::1/"));
        assert!(!ok("https://2001:db8::1:9000/"));
        assert!(host("k", "2001:db8::1", false).is_empty());
        assert!(host("k", "[x]y", false).len() == 1);
        assert!(host("k", "[2001:db8::1]", false).is_empty());
        assert!(!ok("https://kc:0/r"));
        assert!(!ok("https://kc:70000/r"));
        assert!(!ok("https://kc.example.org:+443/r"));
        assert!(!ok("https://999.1.1.1/r"));
        assert!(!ok("https://kc.exa mple.org/r"));
        assert!(!ok("kc.example.org/r"));
        for u in [
            "https://admin:TOPSECRET@kc/r",
            "https://kc/r?password=TOPSECRET",
        ] {
            assert!(
                uri("k", u, &["https"])
                    .iter()
                    .all(|m| !m.contains("TOPSECRET"))
            );
        }
    }

    #[test]
    fn mlflow_args_that_would_bypass_the_proxy() {
        for bad in [
            "--host",
            "--host=0.0.0.0",
            "-h",
            "-h0.0.0.0",
            "--port",
            "-p5001",
            "--uvicorn-opts",
            "--gunicorn-opts=--bind 0.0.0.0:5000",
            "--artifacts-destination=gs://other",
            "--no-serve-artifacts",
            "--registry-store-uri=sqlite:///x",
            "--cors-allowed-origins=*",
            "--backend-store-uri",
            "--static-prefix",
            "--static-prefix=/mlflow",
        ] {
            assert!(forbidden_mlflow_arg(bad).is_some(), "{bad}");
        }
        for ok in ["--workers", "4", "/mlflow", "--expose-prometheus"] {
            assert!(forbidden_mlflow_arg(ok).is_none(), "{ok}");
        }
    }

    #[test]
    fn hosts() {
        assert!(host("k", "db.example.org", false).is_empty());
        assert!(host("k", "10.1.2.3", false).is_empty());
        assert!(!host("k", "user:pw@db", false).is_empty());
        assert!(!host("k", "db:5432", false).is_empty());
        assert!(!host("k", "db_1", false).is_empty());
    }

    #[test]
    fn buckets() {
        for ok in ["mlflow", "team-artifacts", "a.b.c", "abc"] {
            assert!(bucket("k", ok).is_empty(), "{ok}");
        }
        for bad in [
            "a.-b",
            "a-.b",
            "a..b",
            "192.168.1.1",
            "ab",
            "-abc",
            "Abc",
            "xn--abc",
            "abc-s3alias",
            "a_b",
        ] {
            assert!(!bucket("k", bad).is_empty(), "{bad}");
        }
    }
}
