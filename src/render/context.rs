//! The chart's wiring, derived from the values once, in code: names, labels, images,
//! which Secret holds each credential, the MLflow and proxy command lines, and the
//! cross-key rules that the schema cannot state. Templates only lay these out.

use crate::error::Failure;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Chart name, version and app version (MLflow).
pub const CHART_NAME: &str = "mlflow";
pub const CHART_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const APP_VERSION: &str = "3.17.2";

/// Ports inside the MLflow pod.
pub const MLFLOW_PORT: u16 = 5000;
pub const PROXY_PORT: u16 = 4180;
/// Where the extra CA bundle is mounted; the bundle is the file `ca.crt` in it.
pub const CA_DIR: &str = "/etc/mlflow-chart/ca";
/// The metrics exporter's port (files/metrics-exporter.py), when `metrics.enabled`.
pub const METRICS_PORT: u16 = 9090;
pub const POSTGRES_PORT: u16 = 5432;

/// Release-level inputs that are not values.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub name: String,
    pub namespace: String,
}

/// A reference to one key of a Secret.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SecretRef {
    pub name: String,
    pub key: String,
}

/// A Secret the values name as existing outside the render, with the keys we read.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalSecret {
    pub name: String,
    pub keys: Vec<String>,
}

impl ExternalSecret {
    fn new(name: &str, keys: &[&str]) -> Self {
        ExternalSecret {
            name: name.to_string(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }
}

impl std::fmt::Display for ExternalSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = if self.keys.len() == 1 { "key" } else { "keys" };
        write!(f, "{} ({label}: {})", self.name, self.keys.join(", "))
    }
}

/// A Secret the render creates from explicit values.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedSecret {
    pub name: String,
    pub component: String,
    pub data: BTreeMap<String, String>,
}

/// A Secret the in-cluster generator creates once, when missing.
#[derive(Debug, Clone, Serialize)]
pub struct GeneratedSecret {
    pub name: String,
    pub component: String,
    /// key -> length of the random alphanumeric value.
    pub keys: BTreeMap<String, usize>,
}

/// Everything templates need beyond the raw values.
#[derive(Debug, Serialize)]
pub struct Wiring {
    pub fullname: String,
    pub names: BTreeMap<&'static str, String>,
    pub images: BTreeMap<&'static str, String>,
    pub db: Db,
    pub s3: S3,
    pub proxy: Option<Proxy>,
    pub mlflow_args: Vec<String>,
    pub service_target_port: u16,
    /// The extra CA bundle (`trustedCA`): the volume to mount at [`CA_DIR`], if any.
    pub trusted_ca: Option<Value>,
    /// A ServiceAccount referenced but not rendered (`serviceAccount.create=false`).
    pub serviceaccounts_outside: String,
    /// ConfigMaps referenced but not rendered (the CA bundle's), comma-separated, for the
    /// `mlflow-chart.io/configmaps-outside` annotation.
    pub configmaps_outside: String,
    /// The exec probe of MLflow's /health on loopback (used when the proxy is in front).
    pub health_probe_command: Vec<String>,
    pub secrets_rendered: Vec<RenderedSecret>,
    pub secrets_generated: Vec<GeneratedSecret>,
    /// Secrets the values say exist outside the render.
    pub secrets_external: Vec<ExternalSecret>,
    /// Names of all Secrets referenced but not rendered (generated in-cluster or external),
    /// comma-separated, for the `mlflow-chart.io/secrets-outside` annotation.
    pub secrets_outside: String,
    pub replicas_max: i64,
    /// Environment of the MLflow server, the migration init container and the proxy.
    pub mlflow_env: Vec<Value>,
    pub db_env: Vec<Value>,
    pub proxy_env: Vec<Value>,
    /// Restricted security contexts: defaults, and MLflow's merged with the values.
    pub security: Value,
    /// The generator Job's input: JSON list of {name, labels, keys} (names only, no data).
    pub generator_spec: String,
    /// imagePullSecrets as `[{name}]`.
    pub pull_secrets: Vec<Value>,
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Db {
    pub internal: bool,
    pub uri: String,
    pub password: Option<SecretRef>,
    pub host: String,
    pub port: i64,
    pub database: String,
    pub username: String,
    pub admin_password: Option<SecretRef>,
}

#[derive(Debug, Serialize)]
pub struct S3 {
    pub endpoint: String,
    /// TCP port MLflow reaches the object store on (for NetworkPolicy egress).
    pub port: i64,
    pub access_key: Option<SecretRef>,
    pub secret_key: Option<SecretRef>,
    pub region: String,
    pub bucket: String,
}

#[derive(Debug, Serialize)]
pub struct Proxy {
    pub args: Vec<String>,
    /// Port of the identity provider (from the issuer URL), for NetworkPolicy egress.
    pub idp_port: i64,
    pub cookie_secret: SecretRef,
    pub client_secret: Option<SecretRef>,
}

fn s<'v>(v: &'v Value, path: &str) -> &'v str {
    v.pointer(path).and_then(Value::as_str).unwrap_or("")
}
fn b(v: &Value, path: &str) -> bool {
    v.pointer(path).and_then(Value::as_bool).unwrap_or(false)
}
fn i(v: &Value, path: &str) -> i64 {
    v.pointer(path).and_then(Value::as_i64).unwrap_or(0)
}
fn list(v: &Value, path: &str) -> Vec<String> {
    match v.pointer(path) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A Go duration (`5m`, `1h30m`, `90s`) in seconds, if it parses.
fn go_duration_secs(s: &str) -> Option<f64> {
    if s == "0" {
        return Some(0.0);
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let n: f64 = rest[..n_end].parse().ok()?;
        let unit_end = rest[n_end..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .map_or(rest.len(), |i| n_end + i);
        let mult = match &rest[n_end..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[unit_end..];
    }
    Some(total)
}

/// The prefix length of an IPv4 or IPv6 CIDR (`10.0.0.0/8` → 8), None if malformed.
fn cidr_prefix(c: &str) -> Option<u8> {
    let (addr, len) = c.split_once('/')?;
    if !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let len: u8 = len.parse().ok()?;
    let max = match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(_) => 32,
        std::net::IpAddr::V6(_) => 128,
    };
    (len <= max).then_some(len)
}

/// A trusted-proxy network that would trust (nearly) everyone: IPv4 shorter than /8,
/// IPv6 shorter than /16, or an IPv6 network that contains or lies in the IPv4-mapped
/// range ::ffff:0:0/96 (OAuth2-Proxy files those under IPv4: pkg/ip/net_set.go:78-86).
fn cidr_too_wide(c: &str) -> bool {
    let Some((addr, len)) = c.split_once('/') else {
        return true;
    };
    let len: u32 = len.parse().unwrap_or(0);
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => len < 8,
        Ok(std::net::IpAddr::V6(a)) => {
            let mapped = u128::from(std::net::Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0));
            let net = u128::from(a);
            let mask = |l: u32| if l == 0 { 0 } else { u128::MAX << (128 - l) };
            let contains_mapped = net & mask(len) == mapped & mask(len);
            let inside_mapped = len >= 96 && net & mask(96) == mapped;
            len < 16 || contains_mapped || inside_mapped
        }
        Err(_) => true,
    }
}

/// The first problems of a long list, and how many more there are.
fn capped(mut problems: Vec<String>) -> Vec<String> {
    let max = crate::schema::MAX_LISTED;
    if problems.len() > max {
        let more = problems.len() - max;
        problems.truncate(max);
        problems.push(format!(
            "… and {more} more (only the first {max} are listed)"
        ));
    }
    problems
}

/// Helm's `trunc 63 | trimSuffix "-"`.
fn trunc63(s: &str) -> String {
    let mut out: String = s.chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `<base>-<suffix>`, shortening the base so the whole stays a 63-character DNS label.
fn suffixed(base: &str, suffix: &str) -> String {
    suffixed_within(base, suffix, 63)
}

/// `<base>-<suffix>` in at most `max` characters, shortening the base.
fn suffixed_within(base: &str, suffix: &str, max: usize) -> String {
    let room = max.saturating_sub(suffix.len() + 1);
    let mut head: String = base.chars().take(room).collect();
    while head.ends_with('-') {
        head.pop();
    }
    format!("{head}-{suffix}")
}

/// The full name, as the original chart computed it.
pub fn fullname(values: &Value, release: &str) -> String {
    let over = s(values, "/fullnameOverride");
    if !over.is_empty() {
        return trunc63(over);
    }
    let name = match s(values, "/nameOverride") {
        "" => CHART_NAME,
        n => n,
    };
    if release.contains(name) {
        trunc63(release)
    } else {
        trunc63(&format!("{release}-{name}"))
    }
}

fn image(repo: &str, tag: &str, digest: &str) -> String {
    match (tag, digest) {
        (_, d) if !d.is_empty() && tag.is_empty() => format!("{repo}@{d}"),
        (t, d) if !d.is_empty() => format!("{repo}:{t}@{d}"),
        (t, _) => format!("{repo}:{t}"),
    }
}

fn registry_image(v: &Value, base: &str) -> String {
    let reg = s(v, &format!("{base}/registry"));
    let repo = s(v, &format!("{base}/repository"));
    let full = if reg.is_empty() {
        repo.to_string()
    } else {
        format!("{reg}/{repo}")
    };
    image(
        &full,
        s(v, &format!("{base}/tag")),
        s(v, &format!("{base}/digest")),
    )
}

/// Percent-encodes a URI userinfo or path component.
fn pct(s: &str) -> String {
    let mut out = String::new();
    for byte in s.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The values with every credential-named key's value replaced: a Job's spec never holds
/// a credential (Secrets are referenced), so its name must not depend on one — a hash of a
/// password in a Job name could be checked against guesses.
fn without_credentials(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let masked = crate::yaml::is_credential_key(k) && !x.is_object();
                    (
                        k.clone(),
                        if masked {
                            Value::Null
                        } else {
                            without_credentials(x)
                        },
                    )
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_credentials).collect()),
        other => other.clone(),
    }
}

/// A short, stable hash (FNV-1a 64) of the values, release and chart version. Keys are
/// sorted first, so the order in which the user wrote them does not matter.
fn input_hash(values: &Value, release: &Release) -> String {
    let text = format!(
        "{}|{}|{}|{CHART_VERSION}|{APP_VERSION}",
        serde_json::to_string(&crate::values::sorted(&without_credentials(values)))
            .unwrap_or_default(),
        release.name,
        release.namespace
    );
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", h >> 24)
}

/// True when a URI carries a password in its userinfo (`scheme://user:pass@host`).
fn uri_has_password(uri: &str) -> bool {
    let rest = uri.split_once("://").map(|(_, r)| r).unwrap_or(uri);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// The port of an http(s) endpoint URL (443 when none is given and the scheme is not http).
fn endpoint_port(url: &str) -> i64 {
    let default = if url.starts_with("http://") { 80 } else { 443 };
    uri_port(url).unwrap_or(default)
}

/// The explicit port in a URI's authority, if any.
fn uri_port(uri: &str) -> Option<i64> {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match host_port.rsplit_once(':') {
        Some((_, p)) if !p.contains(']') => p.parse().ok(),
        _ => None,
    }
}

fn cookie_secret_ok(secret: &str) -> bool {
    matches!(secret.len(), 16 | 24 | 32)
}

/// What deriving the wiring collects on the way: broken rules, stderr messages, and
/// the Secrets in each of the three credential modes.
#[derive(Default)]
struct Acc {
    errors: Vec<String>,
    notes: Vec<String>,
    warnings: Vec<String>,
    rendered: Vec<RenderedSecret>,
    generated: Vec<GeneratedSecret>,
    external: Vec<ExternalSecret>,
}

/// One credential set: its values under `base` (`existingSecret` plus one value per key).
struct CredentialSpec<'a> {
    base: &'a str,
    what: &'a str,
    /// (Secret key, values key under `base`, length when generated)
    keys: &'a [(&'a str, &'a str, usize)],
    name: &'a str,
    component: &'a str,
}

/// Resolves a credential set in its three modes and returns, per Secret key, the Secret to
/// reference: an existing Secret (referenced, never rendered); explicit values (rendered,
/// with a warning); or nothing (generated once in the cluster). When only some values are
/// given (e.g. `postgresql.auth.password` without `postgresPassword`, as bitnami's chart
/// allowed), the given ones are rendered and the others generated, in a second Secret.
fn credential_set(
    values: &Value,
    spec: &CredentialSpec<'_>,
    acc: &mut Acc,
) -> BTreeMap<String, String> {
    let base = spec.base;
    let existing = s(
        values,
        &format!("/{}/existingSecret", base.replace('.', "/")),
    );
    let given: Vec<(&str, &str, &str, usize)> = spec
        .keys
        .iter()
        .map(|(key, value_key, n)| {
            (
                *key,
                *value_key,
                s(values, &format!("/{}/{value_key}", base.replace('.', "/"))),
                *n,
            )
        })
        .collect();
    let all_to = |name: &str| -> BTreeMap<String, String> {
        spec.keys
            .iter()
            .map(|(k, _, _)| (k.to_string(), name.to_string()))
            .collect()
    };
    if !existing.is_empty() {
        if given.iter().any(|(_, _, v, _)| !v.is_empty()) {
            let names = given
                .iter()
                .map(|(_, k, _, _)| format!("{base}.{k}"))
                .collect::<Vec<_>>()
                .join(" and ");
            acc.errors.push(format!(
                "{base}.existingSecret is set together with {names}: use one of them"
            ));
        }
        let keys: Vec<&str> = spec.keys.iter().map(|(k, _, _)| *k).collect();
        acc.external.push(ExternalSecret::new(existing, &keys));
        return all_to(existing);
    }
    let (shown, missing): (Vec<_>, Vec<_>) = given.iter().partition(|(_, _, v, _)| !v.is_empty());
    if shown.is_empty() {
        acc.generated.push(GeneratedSecret {
            name: spec.name.to_string(),
            component: spec.component.into(),
            keys: spec
                .keys
                .iter()
                .map(|(k, _, n)| (k.to_string(), *n))
                .collect(),
        });
        return all_to(spec.name);
    }
    acc.warnings.push(format!(
        "the output holds {} ({base}.*); prefer {base}.existingSecret",
        spec.what
    ));
    acc.rendered.push(RenderedSecret {
        name: spec.name.to_string(),
        component: spec.component.into(),
        data: shown
            .iter()
            .map(|(k, _, v, _)| (k.to_string(), v.to_string()))
            .collect(),
    });
    let mut refs = all_to(spec.name);
    if !missing.is_empty() {
        let generated = suffixed(spec.name, "generated");
        acc.notes.push(format!(
            "{} not given: generated once in the cluster into Secret {generated}",
            missing
                .iter()
                .map(|(_, k, _, _)| format!("{base}.{k}"))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
        acc.generated.push(GeneratedSecret {
            name: generated.clone(),
            component: spec.component.into(),
            keys: missing
                .iter()
                .map(|(k, _, _, n)| (k.to_string(), *n))
                .collect(),
        });
        for (k, _, _, _) in &missing {
            refs.insert(k.to_string(), generated.clone());
        }
    }
    refs
}

/// Derives the wiring, or fails with every broken cross-key rule at once.
pub fn build(values: &Value, release: &Release) -> Result<Wiring, Failure> {
    let mut acc = Acc::default();
    let fullname = fullname(values, &release.name);
    let ns = &release.namespace;

    let mut names = BTreeMap::new();
    if fullname.contains('.') {
        acc.errors.push(format!(
            "the release's objects would be named {fullname:?}, but a Service name cannot contain '.' (DNS-1035): choose a release name without dots, or set fullnameOverride"
        ));
    } else if !fullname.starts_with(|c: char| c.is_ascii_lowercase()) {
        acc.errors.push(format!(
            "the release's objects would be named {fullname:?}, but a Service name must start with a letter (DNS-1035): choose a release name that starts with a letter, or set fullnameOverride"
        ));
    }
    for (k, suffix) in [
        ("postgresql", "postgresql"),
        ("postgresqlHeadless", "postgresql-hl"),
        ("postgresqlInit", "postgresql-init"),
        ("minio", "minio"),
        ("minioHeadless", "minio-hl"),
        ("s3", "s3"),
        ("proxy", "oauth2-proxy"),
        ("proxyClient", "oauth2-proxy-client"),
        ("generator", "secret-generator"),
        ("scripts", "scripts"),
        ("metrics", "metrics"),
        ("bucketJob", "bucket-init"),
        ("defaultDeny", "default-deny"),
    ] {
        names.insert(k, suffixed(&fullname, suffix));
    }
    // A StatefulSet's pods carry the label controller-revision-hash = "<name>-<hash>" (up to
    // 11 more characters), which must stay within 63: StatefulSet names get at most 52.
    for (k, suffix) in [("postgresql", "postgresql"), ("minio", "minio")] {
        names.insert(k, suffixed_within(&fullname, suffix, 52));
    }
    names.insert("mlflow", fullname.clone());
    // A Job's pod template is immutable: a Job whose spec changes needs a new name, or
    // `kubectl apply` fails. Naming Jobs after a hash of everything they are rendered from
    // keeps the name stable across re-renders of the same input and changes it otherwise.
    let revision = input_hash(values, release);
    names.insert(
        "generatorJob",
        suffixed(&fullname, &format!("secret-generator-{revision}")),
    );
    names.insert(
        "bucketInitJob",
        suffixed(&fullname, &format!("bucket-init-{revision}")),
    );
    let sa = match (
        b(values, "/serviceAccount/create"),
        s(values, "/serviceAccount/name"),
    ) {
        (_, n) if !n.is_empty() => n.to_string(),
        (true, _) => fullname.clone(),
        (false, _) => "default".to_string(),
    };
    // An existing ServiceAccount the values name (not created here).
    let serviceaccounts_outside = if b(values, "/serviceAccount/create") {
        String::new()
    } else {
        sa.clone()
    };
    names.insert("serviceAccount", sa);

    let mut images = BTreeMap::new();
    let tag = match s(values, "/image/tag") {
        "" => format!("v{APP_VERSION}-full"),
        t => t.to_string(),
    };
    images.insert(
        "mlflow",
        image(
            s(values, "/image/repository"),
            &tag,
            s(values, "/image/digest"),
        ),
    );
    for (key, repo, tag, on) in [
        (
            "image.repository",
            s(values, "/image/repository"),
            tag.as_str(),
            true,
        ),
        (
            "postgresql.image.repository",
            s(values, "/postgresql/image/repository"),
            s(values, "/postgresql/image/tag"),
            b(values, "/services/postgres/enabled"),
        ),
        (
            "minio.image.repository",
            s(values, "/minio/image/repository"),
            s(values, "/minio/image/tag"),
            b(values, "/services/minio/enabled"),
        ),
        (
            "oauth2Proxy.repository",
            s(values, "/oauth2Proxy/repository"),
            s(values, "/oauth2Proxy/tag"),
            b(values, "/oauth2Proxy/enabled"),
        ),
    ] {
        if let Some(why) = on
            .then(|| crate::migration::unfit_image(key, repo, tag))
            .flatten()
        {
            acc.errors.push(why);
        }
    }
    images.insert("postgresql", registry_image(values, "/postgresql/image"));
    images.insert("minio", registry_image(values, "/minio/image"));
    images.insert("mc", registry_image(values, "/minio/clientImage"));
    images.insert(
        "proxy",
        image(
            s(values, "/oauth2Proxy/repository"),
            s(values, "/oauth2Proxy/tag"),
            s(values, "/oauth2Proxy/digest"),
        ),
    );

    // --- Database -------------------------------------------------------------------
    let pg_enabled = b(values, "/services/postgres/enabled");
    let db = if pg_enabled {
        let auth = "/postgresql/auth";
        let secret_name = credential_set(
            values,
            &CredentialSpec {
                base: "postgresql.auth",
                what: "PostgreSQL passwords",
                keys: &[
                    ("password", "password", 32),
                    ("postgres-password", "postgresPassword", 32),
                ],
                name: &names["postgresql"],
                component: "postgresql",
            },
            &mut acc,
        );
        let username = s(values, &format!("{auth}/username")).to_string();
        let database = s(values, &format!("{auth}/database")).to_string();
        let host = names["postgresql"].clone();
        Db {
            internal: true,
            uri: format!(
                "postgresql://{}@{host}:{POSTGRES_PORT}/{}",
                pct(&username),
                pct(&database)
            ),
            password: Some(SecretRef {
                name: secret_name["password"].clone(),
                key: "password".into(),
            }),
            admin_password: Some(SecretRef {
                name: secret_name["postgres-password"].clone(),
                key: "postgres-password".into(),
            }),
            host,
            port: POSTGRES_PORT as i64,
            database,
            username,
        }
    } else {
        let ext = "/externalDatabase";
        let uri_value = s(values, "/services/postgres/externalURI");
        let host = s(values, &format!("{ext}/host"));
        let existing = s(values, &format!("{ext}/existingSecret"));
        let password = (!existing.is_empty()).then(|| {
            acc.external.push(ExternalSecret::new(
                existing,
                &[s(values, &format!("{ext}/existingSecretPasswordKey"))],
            ));
            SecretRef {
                name: existing.to_string(),
                key: s(values, &format!("{ext}/existingSecretPasswordKey")).to_string(),
            }
        });
        let username = s(values, &format!("{ext}/username")).to_string();
        let database = s(values, &format!("{ext}/database")).to_string();
        let port = i(values, &format!("{ext}/port"));
        let uri = if !uri_value.is_empty() {
            if !host.is_empty() {
                acc.errors.push("services.postgres.externalURI and externalDatabase.host are both set: use one of them".into());
            }
            if uri_has_password(uri_value) {
                acc.errors.push("services.postgres.externalURI must not contain a password: put it in a Secret and name it in externalDatabase.existingSecret (it is passed as PGPASSWORD)".into());
            }
            acc.errors.extend(
                super::checks::uri(
                    "services.postgres.externalURI",
                    uri_value,
                    &["postgresql", "postgres"],
                )
                .into_iter()
                .filter(|m| {
                    !m.contains("credentials (`user:password@`)") && !m.contains("must start with")
                }),
            );
            if !uri_value.starts_with("postgresql") {
                acc.errors.push("services.postgres.externalURI must be a postgresql:// URI (the schema migration relies on PostgreSQL)".into());
            }
            uri_value.to_string()
        } else if host.is_empty() {
            acc.errors.push("services.postgres.enabled is false but no external database is configured: set externalDatabase.host (and externalDatabase.existingSecret for its password) or services.postgres.externalURI".into());
            String::new()
        } else {
            acc.errors
                .extend(super::checks::host("externalDatabase.host", host, false));
            if !(1..=65535).contains(&port) {
                acc.errors
                    .push("externalDatabase.port must be a number from 1 to 65535".into());
            }
            // An IPv6 address goes in brackets in a URI.
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.to_string()
            };
            let mut u = format!(
                "postgresql://{}@{host}:{port}/{}",
                pct(&username),
                pct(&database)
            );
            let mode = s(values, &format!("{ext}/sslmode"));
            if !mode.is_empty() {
                u.push_str(&format!("?sslmode={mode}"));
            }
            u
        };
        // The NetworkPolicy opens the port the URI really uses.
        let port = if uri_value.is_empty() {
            port
        } else {
            uri_port(uri_value).unwrap_or(5432)
        };
        Db {
            internal: false,
            uri,
            password,
            admin_password: None,
            host: host.to_string(),
            port,
            database,
            username,
        }
    };

    // --- Object store -----------------------------------------------------------------
    let minio_enabled = b(values, "/services/minio/enabled");
    let bucket = s(values, "/MLFlow/artifacts/bucketName").to_string();
    acc.errors.extend(super::checks::bucket(
        "MLFlow.artifacts.bucketName",
        &bucket,
    ));
    let s3 = if minio_enabled {
        for key in ["url", "secret", "user", "key"] {
            if !s(values, &format!("/s3/{key}")).is_empty() {
                acc.warnings.push(format!(
                    "s3.{key} is ignored while services.minio.enabled is true"
                ));
            }
        }
        let root_password = s(values, "/minio/auth/rootPassword");
        if !root_password.is_empty() && root_password.len() < 8 {
            acc.errors.push("minio.auth.rootPassword must be at least 8 characters (MinIO refuses shorter ones)".into());
        }
        let root_user = s(values, "/minio/auth/rootUser");
        if !root_user.is_empty() && root_user.len() < 3 {
            acc.errors.push(
                "minio.auth.rootUser must be at least 3 characters (MinIO refuses shorter ones)"
                    .into(),
            );
        }
        let secret_name = credential_set(
            values,
            &CredentialSpec {
                base: "minio.auth",
                what: "MinIO credentials",
                keys: &[
                    ("root-user", "rootUser", 20),
                    ("root-password", "rootPassword", 40),
                ],
                name: &names["minio"],
                component: "minio",
            },
            &mut acc,
        );
        S3 {
            port: i(values, "/minio/service/ports/api"),
            endpoint: format!(
                "http://{}:{}",
                names["minio"],
                i(values, "/minio/service/ports/api")
            ),
            access_key: Some(SecretRef {
                name: secret_name["root-user"].clone(),
                key: "root-user".into(),
            }),
            secret_key: Some(SecretRef {
                name: secret_name["root-password"].clone(),
                key: "root-password".into(),
            }),
            region: s(values, "/s3/region").to_string(),
            bucket,
        }
    } else {
        let (url, ext_uri) = (
            s(values, "/s3/url"),
            s(values, "/services/minio/externalURI"),
        );
        if !url.is_empty() && !ext_uri.is_empty() && url != ext_uri {
            acc.errors
                .push("s3.url and services.minio.externalURI disagree: set only s3.url".into());
        }
        let endpoint = if url.is_empty() { ext_uri } else { url };
        if !endpoint.is_empty() {
            let key = if url.is_empty() {
                "services.minio.externalURI"
            } else {
                "s3.url"
            };
            acc.errors
                .extend(super::checks::uri(key, endpoint, &["https", "http"]));
        }
        let (secret, user, key) = (
            s(values, "/s3/secret"),
            s(values, "/s3/user"),
            s(values, "/s3/key"),
        );
        let (access_key, secret_key) = if !secret.is_empty() {
            if !user.is_empty() || !key.is_empty() {
                acc.errors
                    .push("s3.secret is set together with s3.user/s3.key: use one of them".into());
            }
            acc.external
                .push(ExternalSecret::new(secret, &["user", "key"]));
            (
                Some(SecretRef {
                    name: secret.into(),
                    key: "user".into(),
                }),
                Some(SecretRef {
                    name: secret.into(),
                    key: "key".into(),
                }),
            )
        } else if !user.is_empty() || !key.is_empty() {
            if user.is_empty() || key.is_empty() {
                acc.errors
                    .push("s3.user and s3.key must be given together".into());
            }
            acc.warnings
                .push("the output holds S3 credentials (s3.user/s3.key); prefer s3.secret".into());
            acc.rendered.push(RenderedSecret {
                name: names["s3"].clone(),
                component: "tracking".into(),
                data: BTreeMap::from([
                    ("user".to_string(), user.to_string()),
                    ("key".to_string(), key.to_string()),
                ]),
            });
            (
                Some(SecretRef {
                    name: names["s3"].clone(),
                    key: "user".into(),
                }),
                Some(SecretRef {
                    name: names["s3"].clone(),
                    key: "key".into(),
                }),
            )
        } else {
            acc.notes.push("no S3 credentials configured: MLflow uses the pod's ambient AWS identity (e.g. IRSA via serviceAccount.annotations)".into());
            (None, None)
        };
        S3 {
            port: endpoint_port(endpoint),
            endpoint: endpoint.to_string(),
            access_key,
            secret_key,
            region: s(values, "/s3/region").to_string(),
            bucket,
        }
    };

    // --- Ingress hosts ------------------------------------------------------------------
    let ingress_enabled = b(values, "/ingress/enabled");
    let ingress_hosts: Vec<String> = if ingress_enabled {
        values
            .pointer("/ingress/hosts")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|h| s(h, "/host").to_string())
                    .filter(|h| !h.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // The hosts served with TLS: those a TLS entry names, including through a wildcard
    // (`*.example.org` covers `a.example.org`), and every host when an entry names none
    // (ingress controllers then use that certificate for all).
    let tls_entries: Vec<Vec<String>> = values
        .pointer("/ingress/tls")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|t| list(t, "/hosts")).collect())
        .unwrap_or_default();
    let covered = |h: &str| {
        tls_entries.iter().any(|hosts| {
            hosts.is_empty()
                || hosts.iter().any(|t| {
                    t == h
                        || t.strip_prefix("*.").is_some_and(|suffix| {
                            h.split_once('.').is_some_and(|(first, rest)| {
                                !first.is_empty() && !first.contains('*') && rest == suffix
                            })
                        })
                })
        })
    };
    let tls_hosts: std::collections::HashSet<String> = ingress_hosts
        .iter()
        .filter(|h| covered(h))
        .cloned()
        .collect();
    for h in &ingress_hosts {
        // Kubernetes refuses an IP as an Ingress host (ValidateIngressRule: "must be a DNS
        // name, not an IP address"), and the login callback needs a name.
        if h.parse::<std::net::IpAddr>().is_ok() {
            acc.errors.push(format!(
                "ingress.hosts: {h} is an IP address; an Ingress host must be a DNS name (Kubernetes refuses IPs there)"
            ));
        }
    }
    if ingress_enabled && ingress_hosts.is_empty() {
        acc.errors
            .push("ingress.enabled is true but ingress.hosts names no host".into());
    }

    if b(values, "/networkPolicy/enabled")
        && values
            .pointer("/networkPolicy/dnsTo")
            .and_then(Value::as_array)
            .is_none_or(|a| a.is_empty())
    {
        acc.errors.push("networkPolicy.dnsTo is empty: name your cluster's DNS pods (every pod may ask them on ports 53 and 5353; see docs/security.md#network)".into());
    }

    // Values that have no effect with the switches as they are.
    let set = |p: &str| {
        values
            .pointer(p)
            .is_some_and(|v| !(v.is_null() || v == "" || v == &json!([]) || v == &json!({})))
    };
    if b(values, "/services/postgres/enabled")
        && (set("/externalDatabase/host") || set("/services/postgres/externalURI"))
    {
        acc.notes.push("externalDatabase.* and services.postgres.externalURI have no effect while services.postgres.enabled is true".into());
    }
    // A switched-off block whose other keys the user changed from their defaults.
    if let Ok(defaults) = crate::values::defaults() {
        for block in [
            "ingress",
            "autoscaling",
            "metrics",
            "oauth2Proxy",
            "networkPolicy",
        ] {
            if b(values, &format!("/{block}/enabled")) {
                continue;
            }
            let (Some(Value::Object(now)), Some(Value::Object(def))) =
                (values.get(block), defaults.get(block))
            else {
                continue;
            };
            let changed: Vec<String> = now
                .iter()
                .filter(|(k, v)| *k != "enabled" && def.get(*k) != Some(*v))
                .map(|(k, _)| format!("{block}.{k}"))
                .collect();
            if !changed.is_empty() {
                acc.notes.push(format!(
                    "{} {} no effect while {block}.enabled is false",
                    changed.join(", "),
                    if changed.len() == 1 { "has" } else { "have" }
                ));
            }
        }
    }
    if !b(values, "/autoscaling/enabled")
        && values.pointer("/replicaCount").and_then(Value::as_i64) == Some(0)
    {
        acc.notes
            .push("replicaCount is 0: no MLflow pod runs".into());
    }

    // --- Extra CA bundle --------------------------------------------------------------
    let (ca_cm, ca_secret, ca_key) = (
        s(values, "/trustedCA/configMap"),
        s(values, "/trustedCA/secret"),
        s(values, "/trustedCA/key"),
    );
    for (key, name) in [
        ("trustedCA.configMap", ca_cm),
        ("trustedCA.secret", ca_secret),
    ] {
        if !name.is_empty() && !crate::validate::rules::dns_subdomain(name) {
            acc.errors.push(format!(
                "{key} must be a Kubernetes object name (lowercase letters, digits, '-' and '.')"
            ));
        }
    }
    if !ca_key.is_empty() && !crate::validate::rules::config_key(ca_key) {
        acc.errors.push(
            "trustedCA.key must be a key name (letters, digits, '-', '_' and '.', not . or ..)"
                .into(),
        );
    }
    let items = json!([{"key": ca_key, "path": "ca.crt"}]);
    let trusted_ca = match (ca_cm.is_empty(), ca_secret.is_empty()) {
        (true, true) => None,
        (false, false) => {
            acc.errors.push("trustedCA.configMap and trustedCA.secret are both set: name the CA bundle in one of them".into());
            None
        }
        (false, true) => {
            Some(json!({"name": "trusted-ca", "configMap": {"name": ca_cm, "items": items}}))
        }
        (true, false) => {
            acc.external.push(ExternalSecret::new(ca_secret, &[ca_key]));
            Some(json!({"name": "trusted-ca", "secret": {"secretName": ca_secret, "items": items}}))
        }
    };
    if trusted_ca.is_some() && ca_key.is_empty() {
        acc.errors.push(
            "trustedCA.key is empty: name the key that holds the PEM bundle (e.g. ca.crt)".into(),
        );
    }

    // --- OAuth2-Proxy ------------------------------------------------------------------
    if !values
        .pointer("/oauth2Proxy/enabled")
        .is_some_and(Value::is_boolean)
    {
        acc.errors.push("oauth2Proxy.enabled must be true or false (it is missing, null, or not a boolean): set true, or false to run MLflow without authentication".into());
    }
    let proxy = if b(values, "/oauth2Proxy/enabled") {
        build_proxy(values, &names, &ingress_hosts, &tls_hosts, &mut acc).map(|mut p| {
            if trusted_ca.is_some() {
                // Custom CAs for the provider, plus the system store (its default is false:
                // options/providers.go:50; flags: options/legacy_options.go:536-537).
                p.args.push(format!("--provider-ca-file={CA_DIR}/ca.crt"));
                p.args.push("--use-system-trust-store=true".into());
            }
            p
        })
    } else {
        acc.warnings.push("oauth2Proxy.enabled is false: the MLflow UI and API accept every request without authentication; only the NetworkPolicy (networkPolicy.ingressFrom) restricts who can reach them".into());
        None
    };

    // --- MLflow command line ----------------------------------------------------------
    let svc = &names["mlflow"];
    // MLflow matches the Host header against these (fnmatch patterns): every name this
    // service is reached by, with any port.
    let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into()];
    hosts.extend([
        svc.clone(),
        format!("{svc}.{ns}"),
        format!("{svc}.{ns}.svc"),
        format!("{svc}.{ns}.svc.cluster.local"),
    ]);
    hosts.extend(ingress_hosts.iter().cloned());
    let extra_hosts = list(values, "/MLFlow/allowedHosts");
    for (n, h) in extra_hosts.iter().enumerate() {
        if h.contains(['@', '/', ',']) || h.chars().any(char::is_whitespace) {
            acc.errors.push(format!(
                "MLFlow.allowedHosts[{n}] is not a host pattern like mlflow.example.org or *.example.org"
            ));
        }
    }
    hosts.extend(extra_hosts);
    let mut with_ports = Vec::new();
    for h in &hosts {
        with_ports.push(h.clone());
        if !h.contains(':') {
            with_ports.push(format!("{h}:*"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    with_ports.retain(|h| seen.insert(h.clone()));
    let bind = if proxy.is_some() {
        "127.0.0.1"
    } else {
        "0.0.0.0"
    };
    let mut mlflow_args = vec![
        "server".to_string(),
        "--host".into(),
        bind.into(),
        "--port".into(),
        MLFLOW_PORT.to_string(),
        "--workers".into(),
        i(values, "/MLFlow/workers").to_string(),
        "--backend-store-uri".into(),
        db.uri.clone(),
        "--serve-artifacts".into(),
        "--artifacts-destination".into(),
        format!("s3://{}", s3.bucket),
        "--allowed-hosts".into(),
        with_ports.join(","),
    ];
    // MLflow 3 refuses state-changing API calls whose Origin it does not know (403), and
    // browsers send Origin even on same-origin POSTs: the UI's own origins must be listed.
    let mut origins: Vec<String> = ingress_hosts
        .iter()
        .map(|h| {
            format!(
                "{}://{h}",
                if tls_hosts.contains(h) {
                    "https"
                } else {
                    "http"
                }
            )
        })
        .collect();
    let extra_origins = list(values, "/MLFlow/corsAllowedOrigins");
    for o in &extra_origins {
        acc.errors
            .extend(super::checks::origin("MLFlow.corsAllowedOrigins", o));
    }
    origins.extend(extra_origins);
    if !origins.is_empty() {
        mlflow_args.extend(["--cors-allowed-origins".to_string(), origins.join(",")]);
    }
    if b(values, "/metrics/enabled") {
        mlflow_args.extend([
            "--expose-prometheus".to_string(),
            "/tmp/prometheus".to_string(),
        ]);
    }
    let extra = list(values, "/MLFlow/extraArgs");
    for (n, a) in extra.iter().enumerate() {
        if a.contains("://") && crate::redact::uris(a) != *a {
            acc.errors.push(format!(
                "MLFlow.extraArgs[{n}] carries a credential in a URI (user:password@, a query value or a fragment): arguments are visible to anyone who can read the pod; give credentials through a Secret"
            ));
        }
        if let Some(flag) = super::checks::forbidden_mlflow_arg(a) {
            acc.errors.push(format!(
                "MLFlow.extraArgs: {flag} is set by the chart and cannot be overridden (it decides who can reach MLflow without the proxy)"
            ));
        }
    }
    mlflow_args.extend(extra);

    // --- Scaling -------------------------------------------------------------------------
    let autoscaling = b(values, "/autoscaling/enabled");
    let replicas_max = if autoscaling {
        let (min, max) = (
            i(values, "/autoscaling/minReplicas"),
            i(values, "/autoscaling/maxReplicas"),
        );
        if min > max {
            acc.errors.push(format!(
                "autoscaling.minReplicas ({min}) is greater than autoscaling.maxReplicas ({max})"
            ));
        }
        if i(values, "/autoscaling/targetCPUUtilizationPercentage") == 0
            && i(values, "/autoscaling/targetMemoryUtilizationPercentage") == 0
        {
            acc.errors.push("autoscaling.enabled needs autoscaling.targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage above 0".into());
        }
        max
    } else {
        i(values, "/replicaCount")
    };

    if !acc.errors.is_empty() {
        return Err(Failure::input(format!(
            "the values break {} of the chart's rules",
            if acc.errors.len() == 1 {
                "one".to_string()
            } else {
                acc.errors.len().to_string()
            }
        ))
        .with_problems(capped(acc.errors)));
    }

    let mut db_env = vec![
        json!({"name": "HOME", "value": "/tmp"}),
        json!({"name": "MLFLOW_BACKEND_STORE_URI", "value": db.uri}),
    ];
    if let Some(pw) = &db.password {
        db_env.push(secret_env("PGPASSWORD", pw));
    }
    if trusted_ca.is_some() {
        // libpq (PGSSLROOTCERT: with a root file, sslmode=require verifies the chain too),
        // Python's ssl default context, requests and boto3 each read their own variable.
        for name in [
            "PGSSLROOTCERT",
            "SSL_CERT_FILE",
            "REQUESTS_CA_BUNDLE",
            "AWS_CA_BUNDLE",
        ] {
            db_env.push(json!({"name": name, "value": format!("{CA_DIR}/ca.crt")}));
        }
    }
    let mut mlflow_env = db_env.clone();
    if !s3.endpoint.is_empty() {
        mlflow_env.push(json!({"name": "MLFLOW_S3_ENDPOINT_URL", "value": s3.endpoint}));
    }
    if let Some(k) = &s3.access_key {
        mlflow_env.push(secret_env("AWS_ACCESS_KEY_ID", k));
    }
    if let Some(k) = &s3.secret_key {
        mlflow_env.push(secret_env("AWS_SECRET_ACCESS_KEY", k));
    }
    if !s3.region.is_empty() {
        mlflow_env.push(json!({"name": "AWS_DEFAULT_REGION", "value": s3.region}));
    }
    let mut proxy_env = Vec::new();
    if let Some(p) = &proxy {
        proxy_env.push(secret_env("OAUTH2_PROXY_COOKIE_SECRET", &p.cookie_secret));
        if let Some(c) = &p.client_secret {
            proxy_env.push(secret_env("OAUTH2_PROXY_CLIENT_SECRET", c));
        }
    }
    let pod = json!({
        "runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
        "seccompProfile": {"type": "RuntimeDefault"},
    });
    let container = json!({
        "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
        "privileged": false, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"},
    });
    let merged = |base: &Value, over: Option<&Value>| {
        let mut m = base.as_object().cloned().unwrap_or_default();
        if let Some(Value::Object(o)) = over {
            crate::values::coalesce(&mut m, o.clone());
        }
        Value::Object(m)
    };
    let security = json!({
        "pod": pod,
        "container": container,
        "mlflowPod": merged(&pod, values.get("podSecurityContext")),
        "mlflowContainer": merged(&container, values.get("securityContext")),
    });
    let pull_secrets = values
        .get("imagePullSecrets")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|p| match p {
                    Value::String(n) => json!({"name": n}),
                    other => other.clone(),
                })
                .collect()
        })
        .unwrap_or_default();

    let generator_spec = serde_json::to_string(
        &acc.generated
            .iter()
            .map(|g| json!({"name": g.name, "labels": labels(values, release, &g.component), "keys": g.keys}))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();

    let secrets_outside = acc
        .generated
        .iter()
        .map(|g| g.name.clone())
        .chain(acc.external.iter().map(|e| e.name.clone()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(",");

    Ok(Wiring {
        secrets_outside,
        generator_spec,
        mlflow_env,
        db_env,
        proxy_env,
        security,
        pull_secrets,
        serviceaccounts_outside,
        configmaps_outside: if ca_cm.is_empty() {
            String::new()
        } else {
            ca_cm.to_string()
        },
        trusted_ca,
        health_probe_command: vec![
            "python".into(),
            "-c".into(),
            format!(
                "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{MLFLOW_PORT}/health', timeout=4)"
            ),
        ],
        service_target_port: if proxy.is_some() {
            PROXY_PORT
        } else {
            MLFLOW_PORT
        },
        fullname,
        names,
        images,
        db,
        s3,
        proxy,
        mlflow_args,
        secrets_rendered: acc.rendered,
        secrets_generated: acc.generated,
        secrets_external: acc.external,
        replicas_max,
        notes: acc.notes,
        warnings: acc.warnings,
    })
}

fn build_proxy(
    values: &Value,
    names: &BTreeMap<&'static str, String>,
    ingress_hosts: &[String],
    tls_hosts: &std::collections::HashSet<String>,
    acc: &mut Acc,
) -> Option<Proxy> {
    let p = "/oauth2Proxy";
    let issuer = s(values, &format!("{p}/oidc/oidc_issuer_url"));
    let client_id = s(values, &format!("{p}/clientID"));
    if issuer.is_empty() || client_id.is_empty() {
        acc.errors.push(format!(
            "oauth2Proxy.enabled is true but {} not set: set oauth2Proxy.oidc.oidc_issuer_url (the Keycloak realm URL) and oauth2Proxy.clientID, or disable the proxy with --set oauth2Proxy.enabled=false",
            match (issuer.is_empty(), client_id.is_empty()) {
                (true, true) => "oauth2Proxy.oidc.oidc_issuer_url and oauth2Proxy.clientID are",
                (true, false) => "oauth2Proxy.oidc.oidc_issuer_url is",
                _ => "oauth2Proxy.clientID is",
            }
        ));
        return None;
    }
    let issuer_schemes: &[&str] = if b(values, &format!("{p}/oidc/allowHttpIssuer")) {
        &["https", "http"]
    } else {
        &["https"]
    };
    acc.errors.extend(super::checks::uri(
        "oauth2Proxy.oidc.oidc_issuer_url",
        issuer,
        issuer_schemes,
    ));
    let jwks = s(values, &format!("{p}/oidc/oidc_jwks_url"));
    if !jwks.is_empty() {
        acc.errors.extend(super::checks::uri(
            "oauth2Proxy.oidc.oidc_jwks_url",
            jwks,
            issuer_schemes,
        ));
    }
    let existing = s(values, &format!("{p}/secret"));
    let (client_lit, cookie_lit) = (
        s(values, &format!("{p}/clientSecret")),
        s(values, &format!("{p}/cookieSecret")),
    );
    let mut public = b(values, &format!("{p}/publicClient"));
    let (cookie_secret, client_secret) = if !existing.is_empty() {
        if !client_lit.is_empty() || !cookie_lit.is_empty() {
            acc.errors.push("oauth2Proxy.secret is set together with oauth2Proxy.clientSecret/cookieSecret: use one of them".into());
        }
        let keys: &[&str] = if public {
            &["cookie_secret"]
        } else {
            &["cookie_secret", "client_secret"]
        };
        acc.external.push(ExternalSecret::new(existing, keys));
        let client = (!public).then(|| SecretRef {
            name: existing.into(),
            key: "client_secret".into(),
        });
        (
            SecretRef {
                name: existing.into(),
                key: "cookie_secret".into(),
            },
            client,
        )
    } else {
        let cookie = SecretRef {
            name: names["proxy"].clone(),
            key: "cookie_secret".into(),
        };
        if cookie_lit.is_empty() {
            acc.generated.push(GeneratedSecret {
                name: names["proxy"].clone(),
                component: "oauth2-proxy".into(),
                keys: BTreeMap::from([("cookie_secret".to_string(), 32)]),
            });
        } else {
            if !cookie_secret_ok(cookie_lit) {
                acc.errors.push("oauth2Proxy.cookieSecret must be exactly 16, 24 or 32 bytes (OAuth2-Proxy refuses others); leave it empty to have one generated in the cluster".into());
            }
            acc.warnings.push("the output holds the proxy's cookie secret (oauth2Proxy.cookieSecret); prefer oauth2Proxy.secret".into());
            acc.rendered.push(RenderedSecret {
                name: names["proxy"].clone(),
                component: "oauth2-proxy".into(),
                data: BTreeMap::from([("cookie_secret".to_string(), cookie_lit.to_string())]),
            });
        }
        let client = if public {
            if !client_lit.is_empty() {
                acc.errors.push("oauth2Proxy.publicClient is true but oauth2Proxy.clientSecret is set: a public client has no secret".into());
            }
            None
        } else if client_lit.is_empty() {
            public = true;
            acc.notes.push("no client secret given (oauth2Proxy.secret or oauth2Proxy.clientSecret): the proxy uses the public-client flow with PKCE; configure the Keycloak client as public, or give a secret".into());
            None
        } else {
            acc.warnings.push("the output holds the OAuth client secret (oauth2Proxy.clientSecret); prefer oauth2Proxy.secret".into());
            acc.rendered.push(RenderedSecret {
                name: names["proxyClient"].clone(),
                component: "oauth2-proxy".into(),
                data: BTreeMap::from([("client_secret".to_string(), client_lit.to_string())]),
            });
            Some(SecretRef {
                name: names["proxyClient"].clone(),
                key: "client_secret".into(),
            })
        };
        (cookie, client)
    };

    let mut args = vec![
        format!("--http-address=0.0.0.0:{PROXY_PORT}"),
        format!("--upstream=http://127.0.0.1:{MLFLOW_PORT}/"),
        format!("--provider={}", s(values, &format!("{p}/provider"))),
        format!("--oidc-issuer-url={issuer}"),
        format!("--client-id={client_id}"),
    ];
    // These flags are string slices: pflag splits each value at commas, so `a,*` would
    // add `*` (pkg/apis/options/legacy_options.go, e.g. 609, 631 at v7.15.3).
    for key in [
        "emailDomains",
        "allowedGroups",
        "extraAudiences",
        "keycloak/allowed_roles",
        "trustedProxyCIDRs",
    ] {
        // An empty item would be an empty flag value, which the proxy reads as "no
        // restriction" for groups and roles.
        if values
            .pointer(&format!("{p}/{key}"))
            .and_then(Value::as_array)
            .is_some_and(|a| {
                // A '"' would break the proxy's CSV reading of string-slice flags.
                a.iter().any(|v| {
                    v.as_str()
                        .is_none_or(|s| s.trim().is_empty() || s.contains('"'))
                })
            })
        {
            acc.errors.push(format!(
                "oauth2Proxy.{}: an item is empty, not a string, or holds a '\"'; remove it (an empty value would lift the restriction)",
                key.replace('/', ".")
            ));
        }
        if list(values, &format!("{p}/{key}"))
            .iter()
            .any(|v| v.contains(','))
        {
            acc.errors.push(format!(
                "oauth2Proxy.{}: give one value per list item; a comma inside an item would be split by the proxy into several",
                key.replace('/', ".")
            ));
        }
    }
    if list(values, &format!("{p}/emailDomains")).is_empty() {
        // OAuth2-Proxy refuses to start without an email domain (or an authenticated-emails
        // file); "*" admits every user the identity provider authenticates.
        acc.errors.push(
            "oauth2Proxy.emailDomains is empty: give at least one domain, or \"*\" for any".into(),
        );
    }
    // The session cookie is refreshed before it expires (168h by default,
    // pkg/apis/options/cookie.go at v7.15.3); the proxy refuses a refresh that is not shorter.
    let refresh = s(values, &format!("{p}/cookieRefresh"));
    if go_duration_secs(refresh).is_some_and(|d| d >= 168.0 * 3600.0) {
        acc.errors.push(
            "oauth2Proxy.cookieRefresh must be shorter than the cookie's lifetime of 168h".into(),
        );
    }
    for d in list(values, &format!("{p}/emailDomains")) {
        args.push(format!("--email-domain={d}"));
    }
    args.push("--skip-jwt-bearer-tokens=true".into());
    for a in list(values, &format!("{p}/extraAudiences")) {
        args.push(format!("--oidc-extra-audience={a}"));
    }
    for g in list(values, &format!("{p}/allowedGroups")) {
        args.push(format!("--allowed-group={g}"));
    }
    let roles = list(values, &format!("{p}/keycloak/allowed_roles"));
    if !roles.is_empty() && s(values, &format!("{p}/provider")) != "keycloak-oidc" {
        acc.errors.push(
            "oauth2Proxy.keycloak.allowed_roles needs oauth2Proxy.provider=keycloak-oidc".into(),
        );
    }
    for r in roles {
        args.push(format!("--allowed-role={r}"));
    }
    for (key, flag) in [
        ("oidc_email_claim", "oidc-email-claim"),
        ("oidc_groups_claim", "oidc-groups-claim"),
        ("oidc_jwks_url", "oidc-jwks-url"),
    ] {
        let v = s(values, &format!("{p}/oidc/{key}"));
        if !v.is_empty() {
            args.push(format!("--{flag}={v}"));
        }
    }
    // The login callback needs one concrete host: the first ingress host that is not a
    // wildcard (OAuth2-Proxy returns an absolute --redirect-url as it is,
    // oauthproxy.go:1115-1116 at v7.15.3; without it, it builds one from the Host header).
    let concrete = ingress_hosts.iter().find(|h| !h.contains('*'));
    if !ingress_hosts.is_empty() && concrete.is_none() {
        acc.errors.push("ingress.hosts holds only wildcard hosts: the proxy's login callback needs one concrete host; add one (e.g. mlflow.example.org) to ingress.hosts".into());
    }
    let tls = concrete.is_some_and(|h| tls_hosts.contains(h));
    if let Some(host) = concrete {
        let scheme = if tls { "https" } else { "http" };
        args.push(format!("--redirect-url={scheme}://{host}/oauth2/callback"));
        if !tls {
            acc.warnings.push(format!("ingress host {host} has no TLS entry: the login redirect and session cookie travel over plain http"));
        }
    }
    args.push(format!(
        "--cookie-secure={}",
        ingress_hosts.is_empty() || tls
    ));
    args.push(format!(
        "--cookie-refresh={}",
        s(values, &format!("{p}/cookieRefresh"))
    ));
    // Forwarded headers (X-Forwarded-Uri/-Host/-Proto) are trusted only from the proxies
    // the user names. With --reverse-proxy and no --trusted-proxy-ip, v7.15.3 trusts every
    // source address (oauthproxy.go:62, 401-409), and route matching then reads the path
    // from X-Forwarded-Uri (requests/util/util.go:51-61; oauthproxy.go:594-599). With
    // --reverse-proxy=false no X-Forwarded-* header is trusted (middleware/scope.go:71-86).
    let trusted = list(values, &format!("{p}/trustedProxyCIDRs"));
    for (n, c) in trusted.iter().enumerate() {
        match cidr_prefix(c) {
            None => acc.errors.push(format!(
                "oauth2Proxy.trustedProxyCIDRs[{n}] is not a CIDR like 10.0.0.0/8 or fd00:10::/48"
            )),
            Some(_) if cidr_too_wide(c) => acc.errors.push(format!(
                "oauth2Proxy.trustedProxyCIDRs[{n}] is too wide (shorter than /8 for IPv4 or /16 for IPv6, or covering IPv4-mapped addresses, ::ffff:0:0/96); name only your ingress controller's pod network"
            )),
            Some(_) => {}
        }
    }
    if trusted.is_empty() {
        args.push("--reverse-proxy=false".into());
    } else {
        args.push("--reverse-proxy=true".into());
        args.extend(trusted.iter().map(|c| format!("--trusted-proxy-ip={c}")));
    }
    args.push("--skip-provider-button=true".into());
    // No --skip-auth-route: every request to MLflow needs a session or a bearer JWT.
    // Kubelet probes use the proxy's own /ping and /ready (answered before any auth or
    // proxying, oauthproxy.go:372-394, healthcheck.go:33-54) and an exec probe of MLflow's
    // /health on loopback.
    args.push("--silence-ping-logging=true".into());
    args.push("--code-challenge-method=S256".into());
    if public {
        // OAuth2-Proxy requires a client secret setting; an empty file is the documented
        // way to run a public client.
        args.push("--client-secret-file=/dev/null".into());
    }
    Some(Proxy {
        idp_port: endpoint_port(issuer),
        args,
        cookie_secret,
        client_secret,
    })
}

fn secret_env(name: &str, r: &SecretRef) -> Value {
    json!({"name": name, "valueFrom": {"secretKeyRef": {"name": r.name, "key": r.key}}})
}

/// Labels every object carries (the six app.kubernetes.io recommended labels).
pub fn labels(values: &Value, release: &Release, component: &str) -> Map<String, Value> {
    let mut m = selector(values, release, component);
    m.insert("app.kubernetes.io/version".into(), json!(APP_VERSION));
    m.insert("app.kubernetes.io/part-of".into(), json!("mlflow"));
    m.insert("app.kubernetes.io/managed-by".into(), json!("mlflow-chart"));
    m.insert(
        "helm.sh/chart".into(),
        json!(format!("{CHART_NAME}-{CHART_VERSION}")),
    );
    m
}

/// The minimal, immutable selector labels: name, instance, component.
pub fn selector(values: &Value, release: &Release, component: &str) -> Map<String, Value> {
    let name = match s(values, "/nameOverride") {
        "" => CHART_NAME,
        n => n,
    };
    let mut m = Map::new();
    m.insert("app.kubernetes.io/name".into(), json!(name));
    m.insert("app.kubernetes.io/instance".into(), json!(release.name));
    m.insert("app.kubernetes.io/component".into(), json!(component));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullname_rules() {
        let v = json!({"fullnameOverride": "", "nameOverride": ""});
        assert_eq!(fullname(&v, "mlflow"), "mlflow");
        assert_eq!(fullname(&v, "team-mlflow-prod"), "team-mlflow-prod");
        assert_eq!(fullname(&v, "team"), "team-mlflow");
        let long = "a".repeat(62);
        assert_eq!(
            fullname(&v, &long),
            format!("{long}-").trim_end_matches('-').to_string()
        );
        assert_eq!(fullname(&json!({"fullnameOverride": "x"}), "team"), "x");
    }

    #[test]
    fn suffix_fits_label() {
        let n = suffixed(&"a".repeat(63), "postgresql-hl");
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("-postgresql-hl"));
    }

    #[test]
    fn password_in_uri() {
        assert!(uri_has_password("postgresql://u:p@h/db"));
        assert!(!uri_has_password("postgresql://u@h/db"));
        assert!(!uri_has_password("postgresql://h/db?x=a:b@c"));
    }

    #[test]
    fn job_revision_is_stable_and_input_sensitive() {
        let r = Release {
            name: "mlflow".into(),
            namespace: "ns".into(),
        };
        let a = input_hash(&json!({"a": 1}), &r);
        assert_eq!(a, input_hash(&json!({"a": 1}), &r));
        assert_ne!(a, input_hash(&json!({"a": 2}), &r));
        // Key order does not matter.
        let x: Value = serde_json::from_str(r#"{"p": {"a": 1, "b": 2}}"#).unwrap();
        let y: Value = serde_json::from_str(r#"{"p": {"b": 2, "a": 1}}"#).unwrap();
        assert_eq!(input_hash(&x, &r), input_hash(&y, &r));
        assert_eq!(a.len(), 10);
    }

    #[test]
    fn endpoint_ports() {
        assert_eq!(endpoint_port("http://minio:9000"), 9000);
        assert_eq!(endpoint_port("https://s3.amazonaws.com"), 443);
        assert_eq!(endpoint_port("http://[::1]/x"), 80);
        assert_eq!(endpoint_port(""), 443);
        assert_eq!(endpoint_port("https://kc.example.org:8443/realms/x"), 8443);
        assert_eq!(
            uri_port("postgresql://u@db:6543/x?sslmode=require"),
            Some(6543)
        );
        assert_eq!(uri_port("postgresql://u@db/x"), None);
    }

    #[test]
    fn pct_encodes() {
        assert_eq!(pct("a b@c"), "a%20b%40c");
    }
}
