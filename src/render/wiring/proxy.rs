//! The proxy: OAuth2-Proxy's command line and Secrets. Every flag is read against
//! OAuth2-Proxy's source at the pinned tag (v7.15.3); file:line citations are beside
//! each decision and in docs/security.md.

use super::credentials::{self, ExternalSecret, GeneratedSecret, RenderedSecret, SecretRef};
use super::network::IngressHosts;
use super::object_store::endpoint_port;
use super::{Acc, CA_DIR, MLFLOW_PORT, Names, PROXY_PORT};
use crate::model::{OAuth2Proxy, Values};
use crate::render::checks;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The session cookie's name when it is Secure: a `__Host-` cookie.
pub const SESSION_COOKIE: &str = "__Host-mlflow-oauth2-proxy";

#[derive(Debug, Serialize)]
pub struct Proxy {
    pub args: Vec<String>,
    /// ServiceAccount tokens accepted as bearer tokens (`oauth2Proxy.machineTokens`).
    pub machines: Option<Machines>,
    /// Port of the identity provider (from the issuer URL), for NetworkPolicy egress.
    pub idp_port: i64,
    pub cookie_secret: SecretRef,
    pub client_secret: Option<SecretRef>,
}

/// Machine tokens: the allowed ServiceAccounts' file and the issuer's ports.
#[derive(Debug, Serialize)]
pub struct Machines {
    /// The authenticated-emails file: one `system:serviceaccount:<namespace>:<name>` a line.
    pub allowed: String,
    /// The ConfigMap of the issuer's CA, mounted in the proxy only.
    pub ca_config_map: Option<String>,
    /// The issuer's port and the API server's 6443 (where clusters serve their JWKS).
    pub ports: Vec<i64>,
}

/// Where the allowed ServiceAccounts' file is mounted in the proxy.
pub(crate) const MACHINES_DIR: &str = "/etc/oauth2-proxy/machines";

/// Where the issuer's CA is mounted in the proxy.
pub(crate) const ISSUER_CA_DIR: &str = "/etc/oauth2-proxy/issuer-ca";

/// The clients every Keycloak realm has (org.keycloak.models.Constants).
const KEYCLOAK_BUILT_IN_CLIENTS: &[&str] = &[
    "account",
    "account-console",
    "admin-cli",
    "admin-permissions",
    "broker",
    "realm-management",
    "security-admin-console",
];

/// `oauth2Proxy.machineTokens`: Kubernetes ServiceAccount tokens as bearer tokens.
///
/// OAuth2-Proxy v7.15.3 verifies a bearer JWT of an extra issuer (`--extra-jwt-issuers
/// issuer=audience`: signature from the issuer's discovery or `/.well-known/jwks.json`,
/// issuer, audience, expiry; pkg/validation/options.go:55-71, 130-167) and makes a session
/// whose email is the token's `sub` when it has no `email` claim
/// (pkg/apis/middleware/session.go:21-62): `system:serviceaccount:<ns>:<name>`. Every
/// request is then authorised by the email validator (oauthproxy.go:1154) and the
/// provider's groups (providers/provider_default.go:125-137). The validator admits every
/// email when a domain is `*`, an address with exactly one '@' in an allowed domain, or one
/// listed in `--authenticated-emails-file` (validator.go:77-133). A ServiceAccount's subject
/// has no '@': with domains other than `*`, only the listed ServiceAccounts pass.
fn machines(
    p: &OAuth2Proxy,
    names: &Names,
    namespace: &str,
    acc: &mut Acc,
) -> Option<(Vec<String>, Machines)> {
    let m = &p.machine_tokens;
    if !m.enabled {
        for (key, set) in [
            ("issuer", !m.issuer.is_empty()),
            ("audience", !m.audience.is_empty()),
            ("serviceAccounts", !m.service_accounts.is_empty()),
        ] {
            if set {
                acc.warnings.push(format!("oauth2Proxy.machineTokens.{key} has no effect while oauth2Proxy.machineTokens.enabled is false"));
            }
        }
        return None;
    }
    if p.email_domains.0.iter().any(|d| d == "*") {
        acc.errors.push("oauth2Proxy.machineTokens needs oauth2Proxy.emailDomains without \"*\": with \"*\" the proxy admits every ServiceAccount whose token carries the audience, in any namespace; list your users' email domains".into());
    }
    if !p.allowed_groups.is_empty() || !p.keycloak.allowed_roles.0.is_empty() {
        acc.errors.push("oauth2Proxy.machineTokens cannot be combined with oauth2Proxy.allowedGroups or oauth2Proxy.keycloak.allowed_roles: ServiceAccount tokens carry no groups or roles, so the proxy would refuse them all".into());
    }
    if m.issuer.is_empty() {
        acc.errors.push("oauth2Proxy.machineTokens.issuer is empty: give the cluster's ServiceAccount issuer (the \"issuer\" of kubectl get --raw /.well-known/openid-configuration)".into());
    } else {
        acc.errors.extend(checks::uri(
            "oauth2Proxy.machineTokens.issuer",
            &m.issuer,
            &["https"],
        ));
    }
    let audience = if m.audience.is_empty() {
        format!("mlflow-chart:{namespace}:{}", names.mlflow)
    } else {
        m.audience.clone()
    };
    // The flag is a string slice, read as CSV (a '"' breaks it and the proxy exits) and
    // split on ',', and each pair on its first '=' (issuer=audience).
    for (key, value) in [("issuer", &m.issuer), ("audience", &audience)] {
        if value.contains([',', '=', '"'])
            || value.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            acc.errors.push(format!("oauth2Proxy.machineTokens.{key} must not contain ',', '=', '\"' or whitespace (the proxy's flag is read as CSV and split on them)"));
        }
        no_dollar(&format!("machineTokens.{key}"), value, acc);
    }
    // The API server's own audience is the issuer by default (kube-apiserver
    // --api-audiences): a token for it is an API credential, which the proxy would forward
    // to MLflow. The extra audiences are accepted for the extra issuer too
    // (pkg/validation/options.go:61-63).
    let issuer_like = |a: &str| {
        let a = a.trim_end_matches('/');
        a == m.issuer.trim_end_matches('/') || api_server_audience(a)
    };
    if issuer_like(&audience) {
        acc.errors.push("oauth2Proxy.machineTokens.audience must not be the issuer or the API server's address: tokens for that audience are Kubernetes API credentials, and the proxy forwards them to MLflow; keep the default or name MLflow".into());
    } else if let Some(whose) = foreign_audience(&audience) {
        acc.errors.push(format!("oauth2Proxy.machineTokens.audience is an audience {whose} accepts: a ServiceAccount token for it is a credential there, and the proxy forwards it to MLflow; keep the default or name MLflow"));
    }
    if p.extra_audiences.iter().any(|a| issuer_like(a)) {
        acc.errors.push("oauth2Proxy.extraAudiences names the ServiceAccount issuer or the API server, which oauth2Proxy.machineTokens would then accept: the API server's own tokens would pass the proxy".into());
    }
    for (i, a) in p.extra_audiences.iter().enumerate() {
        if let Some(whose) = foreign_audience(a) {
            acc.errors.push(format!("oauth2Proxy.extraAudiences[{i}] is an audience {whose} accepts, which oauth2Proxy.machineTokens would then accept too: a ServiceAccount token that is a credential there would pass the proxy and be forwarded to MLflow; remove it"));
        }
    }
    // A session's email comes from the email claim; with another claim, a person could
    // choose a value matching a ServiceAccount line (the emails file matches any string).
    if !matches!(p.oidc.oidc_email_claim.as_str(), "" | "email") {
        acc.errors.push("oauth2Proxy.machineTokens needs oauth2Proxy.oidc.oidc_email_claim empty or \"email\": another claim could carry a value equal to an allowed ServiceAccount's name".into());
    }
    if m.service_accounts.is_empty() {
        acc.errors.push("oauth2Proxy.machineTokens.serviceAccounts is empty: list the ServiceAccounts allowed in as \"namespace:name\"".into());
    }
    let mut allowed = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, sa) in m.service_accounts.iter().enumerate() {
        if !seen.insert(sa) {
            acc.errors.push(format!(
                "oauth2Proxy.machineTokens.serviceAccounts[{i}] repeats {sa}: list each ServiceAccount once"
            ));
        }
        let ok = sa.split_once(':').is_some_and(|(ns, name)| {
            crate::validate::semantic::is_dns1123_label(ns)
                && crate::validate::semantic::is_dns1123_subdomain(name)
        });
        if !ok {
            acc.errors.push(format!("oauth2Proxy.machineTokens.serviceAccounts[{i}] must be \"namespace:name\" (a namespace and a ServiceAccount name, lowercase)"));
            continue;
        }
        allowed.push_str(&format!("system:serviceaccount:{sa}\n"));
    }
    // An in-cluster issuer is the API server, whose discovery names its keys at the
    // server's own address (often port 6443); a public issuer serves both on its port.
    let port = super::object_store::endpoint_port(&m.issuer);
    let mut ports = vec![port];
    let in_cluster = m
        .issuer
        .split_once("://")
        .is_some_and(|(_, rest)| rest.starts_with("kubernetes.default.svc"));
    if in_cluster && port != 6443 {
        ports.push(6443);
    }
    let mut flags = vec![
        format!("--extra-jwt-issuers={}={audience}", m.issuer),
        format!("--authenticated-emails-file={MACHINES_DIR}/service-accounts"),
    ];
    // The provider's CA files build the transport every verifier uses, the extra issuers'
    // included (pkg/validation/options.go:36-46, before the verifiers at 55-71); the
    // system's roots stay for the identity provider.
    let ca_config_map = (!m.issuer_ca_config_map.is_empty()).then(|| {
        flags.push(format!("--provider-ca-file={ISSUER_CA_DIR}/ca.crt"));
        m.issuer_ca_config_map.as_str().to_string()
    });
    Some((
        flags,
        Machines {
            allowed,
            ca_config_map,
            ports,
        },
    ))
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

/// The claims of an end user's own profile (OpenID Connect Core 1.0, section 5.1,
/// "Standard Claims"): values users may edit in the identity provider's account console,
/// never group memberships.
const USER_PROFILE_CLAIMS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "address",
    // Keycloak's built-in `upn` mapper (microprofile-jwt scope) fills it from the same
    // username as preferred_username (services/src/main/java/org/keycloak/protocol/oidc/
    // OIDCLoginProtocolFactory.java, initBuiltIns: createClaimMapper(UPN, "username", "upn", …)).
    "upn",
];

/// Whether a Keycloak role (as `--allowed-role` takes it: `name` for a realm role,
/// `client:name` for a client role) is one every user of a realm holds: the realm's
/// composite default role `default-roles-<realm>` (Constants.DEFAULT_ROLES_ROLE_PREFIX)
/// and what it holds by default, `offline_access` (Constants.OFFLINE_ACCESS_ROLE),
/// `uma_authorization` (Constants.AUTHZ_UMA_AUTHORIZATION) and the `account` client's
/// AccountRoles.DEFAULT (`view-profile`, `manage-account`, whose composite holds
/// `manage-account-links`). The keycloak-oidc provider puts realm roles into the session
/// as `role:<name>` and client roles as `role:<client>:<name>`
/// (providers/keycloak_oidc.go:86-101, 150-171 at v7.15.3), so naming one restricts nothing.
fn every_users_role(role: &str) -> bool {
    role.strip_prefix("default-roles-")
        .is_some_and(|realm| !realm.is_empty())
        || matches!(
            role,
            "offline_access"
                | "uma_authorization"
                | "account:view-profile"
                | "account:manage-account"
                | "account:manage-account-links"
        )
}

/// Why an `oauth2Proxy.emailDomains` entry can match no address, if it cannot: the proxy
/// lower-cases both, then takes an address with one `@` whose end is `@<entry>`, or,
/// for an entry that starts with `.` or `*.`, whose domain ends in `.<rest>`
/// (isEmailValidWithDomains, validator.go:112-132 at v7.15.3; `*` alone admits all,
/// validator.go:80-86). An entry holding `@`, a `*` anywhere else, or what no domain
/// holds (an empty label, a trailing dot, a port, a path, a space) matches nothing.
fn email_domain_problem(entry: &str) -> Option<&'static str> {
    // `*`, and an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`, RFC 5321
    // section 4.1.3), which an address may end in.
    let literal = entry
        .strip_prefix('[')
        .and_then(|e| e.strip_suffix(']'))
        .is_some_and(|ip| {
            ip.parse::<std::net::Ipv4Addr>().is_ok()
                || ip
                    .strip_prefix("IPv6:")
                    .is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok())
        });
    if entry == "*" || literal {
        return None;
    }
    if entry.contains('@') {
        return Some("holds '@' (an address, or `@domain`: give the domain alone)");
    }
    let domain = entry
        .strip_prefix("*.")
        .or_else(|| entry.strip_prefix('.'))
        .unwrap_or(entry);
    if domain.contains('*') {
        return Some("has a '*' that is not the whole entry or its `*.` start");
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    if !domain.split('.').all(label_ok) {
        return Some(
            "is not a domain name (letters, digits and '-' in labels between single dots, no trailing dot)",
        );
    }
    None
}

fn cookie_secret_ok(secret: &str) -> bool {
    // encryption.SecretBytes (pkg/encryption/utils.go:23-38 at v7.15.3, checked by
    // pkg/validation/cookie.go:76-85): the secret without trailing `=`, read as unpadded
    // URL-safe base64, when that gives 16, 24 or 32 bytes; else its own bytes.
    let text = secret.trim_end_matches('=');
    let n = text.len();
    let url_safe = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let decoded = match n % 4 {
        0 => Some(n / 4 * 3),
        2 => Some(n / 4 * 3 + 1),
        3 => Some(n / 4 * 3 + 2),
        _ => None,
    };
    let aes = |len: usize| matches!(len, 16 | 24 | 32);
    (url_safe && decoded.is_some_and(aes)) || aes(secret.len())
}

/// What an OpenID issuer may not hold beyond a URI's general rules (checked by
/// `checks::uri`): an issuer is scheme, host, port and path, with "no query or fragment
/// components" (OpenID Connect Discovery 1.0, section 3, `issuer`; a token's `iss` must
/// equal it, section 4.3), and the discovery document is read at the issuer followed by
/// `/.well-known/openid-configuration` (section 4.1), which a query would end up inside.
/// A `.` or `..` path segment names another path than the one the tokens carry. The
/// message never quotes the URL: a query may hide a credential.
fn issuer_problem(issuer: &str) -> Option<String> {
    let rest = issuer.split_once("://").map_or(issuer, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    if rest.contains('?') {
        return Some("oauth2Proxy.oidc.oidc_issuer_url must not have a query (`?…`): an OpenID issuer is scheme, host, port and path only (OpenID Connect Discovery 1.0, section 3), and the discovery document is read at the issuer followed by /.well-known/openid-configuration; give the realm URL (https://keycloak.example.org/realms/<realm>)".into());
    }
    let dot_segment = path.split('/').any(|seg| {
        let seg = seg.to_ascii_lowercase().replace("%2e", ".");
        seg == "." || seg == ".."
    });
    dot_segment.then(|| "oauth2Proxy.oidc.oidc_issuer_url has a `.` or `..` path segment: the issuer must be written exactly as the tokens' `iss` claim holds it (OpenID Connect Discovery 1.0, section 4.3); give the realm URL without them (https://keycloak.example.org/realms/<realm>)".into())
}

/// The AES key OAuth2-Proxy derives from a cookie secret (encryption.SecretBytes,
/// pkg/encryption/utils.go:23-38 at v7.15.3): the secret without trailing `=` read as
/// unpadded URL-safe base64 (Go's RawURLEncoding, which ignores trailing bits) when that
/// gives 16, 24 or 32 bytes, else the secret's own bytes.
fn cookie_key(secret: &str) -> Vec<u8> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const RAW_URL: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    match RAW_URL.decode(secret.trim_end_matches('=')) {
        Ok(key) if matches!(key.len(), 16 | 24 | 32) => key,
        _ => secret.as_bytes().to_vec(),
    }
}

/// Cookie secrets OAuth2-Proxy's own repository publishes at v7.15.3, as their keys: the
/// local-environment examples' (contrib/local-environment/oauth2-proxy-keycloak.cfg:2 and
/// the other .cfg files there, contrib/local-environment/kubernetes/values.yaml:51) and
/// the login.gov guide's (docs/docs/configuration/providers/login_gov.md:38).
const PUBLISHED_COOKIE_SECRETS: &[&str] = &[
    "OQINaROshtE9TcZkNAm-5Zs2Pv3xaWytBmc5W7sPX7w=",
    "somerandomstring12341234567890AB",
];

/// Is this cookie secret one anybody may know: a published example, or a key of at most
/// four distinct bytes (`aaaa…`, `abab…`, 32 zero bytes)? Whoever knows the key can
/// write a session cookie for any user and groups, and the proxy takes it without asking
/// the identity provider until the session is `cookie-refresh` old
/// (pkg/sessions/cookie/session_store.go:51-63, pkg/middleware/stored_session.go:155-159).
fn weak_cookie_secret(secret: &str) -> bool {
    let key = cookie_key(secret);
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in &key {
        if !std::mem::replace(&mut seen[usize::from(b)], true) {
            distinct += 1;
        }
    }
    distinct <= 4
        || PUBLISHED_COOKIE_SECRETS
            .iter()
            .any(|published| cookie_key(published) == key)
}

/// The proxy, when `oauth2Proxy.enabled`; a warning when it is off.
pub(crate) fn build(
    values: &Values,
    names: &Names,
    namespace: &str,
    ingress: &IngressHosts,
    trusted_ca: bool,
    acc: &mut Acc,
) -> Option<Proxy> {
    if !values.oauth2_proxy.enabled {
        acc.warnings.push("oauth2Proxy.enabled is false: the MLflow UI and API accept every request without authentication; only the NetworkPolicy (networkPolicy.ingressFrom) restricts who can reach them".into());
        return None;
    }
    let mut proxy = enabled(&values.oauth2_proxy, names, namespace, ingress, acc)?;
    if trusted_ca {
        // Custom CAs for the provider, plus the system store (its default is false:
        // options/providers.go:50; flags: options/legacy_options.go:536-537, default 599).
        proxy
            .args
            .push(format!("--provider-ca-file={CA_DIR}/ca.crt"));
    }
    let issuer_ca = proxy
        .machines
        .as_ref()
        .is_some_and(|m| m.ca_config_map.is_some());
    if trusted_ca || issuer_ca {
        proxy.args.push("--use-system-trust-store=true".into());
    }
    Some(proxy)
}

/// The cookie and client secrets (existing, rendered or generated), and whether the
/// client is public (no client secret: PKCE).
fn secrets(p: &OAuth2Proxy, names: &Names, acc: &mut Acc) -> (SecretRef, Option<SecretRef>, bool) {
    let mut public = p.public_client;
    let (client_lit, cookie_lit) = (p.client_secret.as_str(), p.cookie_secret.as_str());
    if !p.secret.is_empty() {
        let existing = p.secret.as_str();
        if !client_lit.is_empty() || !cookie_lit.is_empty() {
            acc.errors.push("oauth2Proxy.secret is set together with oauth2Proxy.clientSecret/cookieSecret: use one of them".into());
        }
        let keys: &[&str] = if public {
            &["cookie_secret"]
        } else {
            &["cookie_secret", "client_secret"]
        };
        acc.external.push(ExternalSecret::new(existing, keys));
        let client = (!public).then(|| SecretRef::new(existing, "client_secret"));
        return (SecretRef::new(existing, "cookie_secret"), client, public);
    }
    let cookie = SecretRef::new(&names.proxy, "cookie_secret");
    if cookie_lit.is_empty() {
        acc.generated.push(GeneratedSecret {
            name: names.proxy.clone(),
            component: "oauth2-proxy".into(),
            keys: BTreeMap::from([("cookie_secret".to_string(), 32)]),
        });
    } else {
        if !cookie_secret_ok(cookie_lit) {
            acc.errors.push("oauth2Proxy.cookieSecret must be 16, 24 or 32 bytes, or URL-safe base64 of that many (OAuth2-Proxy refuses others; e.g. `openssl rand -base64 32 | tr -- '+/' '-_'`); leave it empty to have one generated in the cluster".into());
        } else if weak_cookie_secret(cookie_lit) {
            acc.errors.push("oauth2Proxy.cookieSecret is an example published in OAuth2-Proxy's own documentation, or a key of at most four distinct bytes: whoever knows it can write a session cookie for any user, which the proxy accepts; make a random one (`openssl rand -base64 32 | tr -- '+/' '-_'`), or leave it empty to have one generated in the cluster".into());
        }
        acc.warnings.push("the output holds the proxy's cookie secret (oauth2Proxy.cookieSecret); prefer oauth2Proxy.secret".into());
        acc.rendered.push(RenderedSecret {
            name: names.proxy.clone(),
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
            name: names.proxy_client.clone(),
            component: "oauth2-proxy".into(),
            data: BTreeMap::from([("client_secret".to_string(), client_lit.to_string())]),
        });
        Some(SecretRef::new(&names.proxy_client, "client_secret"))
    };
    (cookie, client, public)
}

/// Refuses a '$' in `oauth2Proxy.<key>`, a value the proxy gets in an argument, where
/// Kubernetes would expand `$(NAME)`.
fn no_dollar(key: &str, value: &str, acc: &mut Acc) {
    if value.contains('$') {
        acc.errors.push(format!("oauth2Proxy.{key} must not contain '$' (Kubernetes would expand $(NAME) in the proxy's arguments)"));
    }
}

/// The string-slice flags' values: pflag splits each at commas, so `a,*` would add `*`
/// (pkg/apis/options/legacy_options.go, e.g. 609, 631 at v7.15.3); an empty item would be
/// an empty flag value, which the proxy reads as "no restriction" for groups and roles;
/// a '"' would break the proxy's CSV reading of string-slice flags. pflag reads one CSV
/// record of each value (`readAsCSV` calls `csv.Reader.Read` once, string_slice.go:22-29 of
/// spf13/pflag v1.0.10), and Go's CSV reader skips empty lines, so a line break ends the
/// item early or makes it start late: `*\nexample.org` and `\n*` both give `*`.
fn check_list(key: &str, items: &[String], acc: &mut Acc) {
    if items.iter().any(|s| s.contains(['\n', '\r'])) {
        acc.errors.push(format!(
            "oauth2Proxy.{key}: an item holds a line break; give one value per list item on one line (the proxy would read only one line of it)"
        ));
    }
    if items.iter().any(|s| s.contains('$')) {
        acc.errors.push(format!(
            "oauth2Proxy.{key}: an item holds '$', which Kubernetes would expand as $(NAME) in the proxy's arguments"
        ));
    }
    if items.iter().any(|s| s.trim().is_empty() || s.contains('"')) {
        acc.errors.push(format!(
            "oauth2Proxy.{key}: an item is empty or holds a '\"'; remove it (an empty value would lift the restriction)"
        ));
    }
    if items.iter().any(|v| v.contains(',')) {
        acc.errors.push(format!(
            "oauth2Proxy.{key}: give one value per list item; a comma inside an item would be split by the proxy into several"
        ));
    }
}

fn enabled(
    p: &OAuth2Proxy,
    names: &Names,
    namespace: &str,
    ingress: &IngressHosts,
    acc: &mut Acc,
) -> Option<Proxy> {
    let issuer = p.oidc.oidc_issuer_url.as_str();
    let client_id = p.client_id.as_str();
    if issuer.is_empty() || client_id.is_empty() {
        acc.errors.push(format!(
            // The missing key first: where a value came from is added for the first key
            // a message names (pipeline::located), and `enabled` is rarely the user's.
            "{} not set, and oauth2Proxy.enabled is true: set oauth2Proxy.oidc.oidc_issuer_url (the Keycloak realm URL) and oauth2Proxy.clientID, or disable the proxy with --set oauth2Proxy.enabled=false",
            match (issuer.is_empty(), client_id.is_empty()) {
                (true, true) => "oauth2Proxy.oidc.oidc_issuer_url and oauth2Proxy.clientID are",
                (true, false) => "oauth2Proxy.oidc.oidc_issuer_url is",
                _ => "oauth2Proxy.clientID is",
            }
        ));
        return None;
    }
    let issuer_schemes: &[&str] = if p.oidc.allow_http_issuer {
        &["https", "http"]
    } else {
        &["https"]
    };
    // A plain-http issuer is taken only when asked for: the message says how.
    let http_hint = |mut problems: Vec<String>, uri: &str| {
        if !p.oidc.allow_http_issuer && uri.split_once("://").is_some_and(|(s, _)| s == "http") {
            for m in problems
                .iter_mut()
                .filter(|m| m.contains("must start with"))
            {
                m.push_str(" (for a test realm served over plain http, also set oauth2Proxy.oidc.allowHttpIssuer=true: anyone on the network path could then forge the tokens the proxy accepts)");
            }
        }
        problems
    };
    acc.errors.extend(http_hint(
        checks::uri("oauth2Proxy.oidc.oidc_issuer_url", issuer, issuer_schemes),
        issuer,
    ));
    acc.errors.extend(issuer_problem(issuer));
    if !p.oidc.oidc_jwks_url.is_empty() {
        acc.errors.extend(http_hint(
            checks::uri(
                "oauth2Proxy.oidc.oidc_jwks_url",
                &p.oidc.oidc_jwks_url,
                issuer_schemes,
            ),
            &p.oidc.oidc_jwks_url,
        ));
        // With discovery on (the chart never turns it off), v7.15.3 verifies tokens with
        // the keys at the discovered jwks_uri and overwrites the one given
        // (pkg/providers/oidc/provider_verifier.go:153-166, providers/providers.go:112-119).
        acc.warnings.push("oauth2Proxy.oidc.oidc_jwks_url has no effect: OAuth2-Proxy verifies tokens with the keys at the jwks_uri of the issuer's discovery document, whatever this names; leave it empty".into());
    }
    let (cookie_secret, client_secret, public) = secrets(p, names, acc);

    let provider = p.provider.as_str();
    let mut args = vec![
        format!("--http-address=0.0.0.0:{PROXY_PORT}"),
        format!("--upstream=http://127.0.0.1:{MLFLOW_PORT}/"),
        format!("--provider={provider}"),
        format!("--oidc-issuer-url={issuer}"),
        format!("--client-id={client_id}"),
    ];
    let roles = &p.keycloak.allowed_roles.0;
    for (key, items) in [
        ("emailDomains", &p.email_domains.0),
        ("allowedGroups", &p.allowed_groups),
        ("extraAudiences", &p.extra_audiences),
        ("keycloak.allowed_roles", roles),
        ("trustedProxyCIDRs", &p.trusted_proxy_cidrs),
    ] {
        check_list(key, items, acc);
    }
    // A dotted groups claim is a path into the token (claim_extractor.go:158-164,
    // getClaimFrom): `realm_access.roles` or `resource_access.<client>.roles` makes the
    // roles groups under their plain names (a client's without its `<client>:`).
    let groups_claim = p.oidc.oidc_groups_claim.as_str();
    let roles_claim_client: Option<Option<&str>> =
        match groups_claim.split('.').collect::<Vec<_>>()[..] {
            ["realm_access", "roles"] => Some(None),
            ["resource_access", client, "roles"] => Some(Some(client)),
            _ => None,
        };
    let held_by_all = roles
        .iter()
        .map(|r| ("keycloak.allowed_roles", r.as_str(), r.to_string()))
        .chain(p.allowed_groups.iter().filter_map(|g| {
            // Only the keycloak-oidc provider adds `role:<name>` groups
            // (KeycloakOIDCProvider.extractRoles); with another, the entry is a group name.
            let keycloak = p.provider.as_str() == "keycloak-oidc";
            let role = match (
                g.strip_prefix("role:").filter(|_| keycloak),
                roles_claim_client,
            ) {
                (Some(r), _) => r.to_string(),
                (None, Some(None)) => g.to_string(),
                (None, Some(Some(client))) => format!("{client}:{g}"),
                (None, None) => return None,
            };
            Some(("allowedGroups", g.as_str(), role))
        }))
        .filter(|(_, _, role)| every_users_role(role));
    for (key, given, _) in held_by_all {
        acc.errors.push(format!(
            "oauth2Proxy.{key} names {}, a Keycloak role every user of the realm holds (the realm's default roles: default-roles-<realm>, offline_access, uma_authorization and the account client's view-profile and manage-account), so it restricts nothing; name a role or group only MLflow's users hold",
            crate::error::quoted(given)
        ));
    }
    if p.email_domains.0.is_empty() {
        // OAuth2-Proxy refuses to start without an email domain (or an authenticated-emails
        // file); "*" admits every user the identity provider authenticates.
        acc.errors.push(
            "oauth2Proxy.emailDomains is empty: give at least one domain, or \"*\" for any".into(),
        );
    }
    // The session cookie is refreshed before it expires (168h by default,
    // pkg/apis/options/cookie.go at v7.15.3); the proxy refuses a refresh that is not shorter.
    match go_duration_secs(&p.cookie_refresh) {
        Some(d) if d >= 168.0 * 3600.0 => acc.errors.push(
            "oauth2Proxy.cookieRefresh must be shorter than the cookie's lifetime of 168h".into(),
        ),
        // A session is checked with the identity provider only once it is older than
        // cookie-refresh, and never when that is 0 (needsRefresh, pkg/middleware/
        // stored_session.go:154-159, 244-246 at v7.15.3): until then a user disabled in
        // Keycloak, or no longer in the allowed groups, keeps access.
        // Go's time.ParseDuration keeps whole nanoseconds only: `0.5ns` is 0.
        Some(d) if d < 1e-9 => acc.warnings.push("oauth2Proxy.cookieRefresh is 0: the proxy then never checks a session with the identity provider again, so a user disabled there, or taken out of the allowed groups or roles, keeps access until the session cookie expires (168h); use a few minutes (the default is 5m)".into()),
        Some(d) if d > 3600.0 => acc.warnings.push(format!("oauth2Proxy.cookieRefresh is {}: the proxy checks a session with the identity provider only once it is that old, so a user disabled there, or taken out of the allowed groups or roles, keeps access that long; use a few minutes (the default is 5m)", p.cookie_refresh)),
        _ => {}
    }
    // (An empty entry has its own message, from check_list.)
    for domain in p.email_domains.0.iter().filter(|d| !d.trim().is_empty()) {
        if let Some(why) = email_domain_problem(domain) {
            acc.errors.push(format!(
                "oauth2Proxy.emailDomains: {} {why}, so it can never match an email address: the proxy admits an address that ends in `@<entry>`, or, for an entry that starts with `.` or `*.`, one whose domain ends in the rest (validator.go:112-132 at v7.15.3); give a domain (example.org), its subdomains (.example.org or *.example.org), or \"*\" for any",
                crate::error::quoted(domain)
            ));
        }
    }
    // The proxy checks `email_verified` only when the email claim is `email`
    // (providers/provider_data.go:296 at v7.15.3), and matches the domains against
    // whatever the claim holds (validator.go:112-119): with another claim, the domain
    // list trusts a value the user may choose (Keycloak's preferred_username).
    let domains_restrict = !p.email_domains.0.iter().any(|d| d == "*");
    if domains_restrict && !matches!(p.oidc.oidc_email_claim.as_str(), "" | "email") {
        let message = format!(
            "oauth2Proxy.emailDomains restricts who may log in, but oauth2Proxy.oidc.oidc_email_claim is {}: the proxy checks email_verified only for the \"email\" claim, so the domains would be matched against an unverified value a user may choose",
            crate::error::quoted(&p.oidc.oidc_email_claim)
        );
        if p.allowed_groups.is_empty() && roles.is_empty() {
            acc.errors.push(format!("{message}; leave oidc_email_claim empty (\"email\"), or restrict access with oauth2Proxy.allowedGroups or oauth2Proxy.keycloak.allowed_roles"));
        } else {
            acc.warnings.push(format!("{message}; only oauth2Proxy.allowedGroups / oauth2Proxy.keycloak.allowed_roles really restrict access"));
        }
    }
    // Groups and Keycloak roles share one set (roles as `role:<name>`,
    // providers/keycloak_oidc.go:40-47, 99 at v7.15.3), filled from the claim
    // --oidc-groups-claim names (provider_data.go:281), a lone string taken as a one-item
    // list (pkg/util/util.go:225-231); any member of the allowed set admits the session
    // (provider_default.go:125-137). A claim of the user's own profile there would let a
    // user who names themselves `role:mlflow-user` past allowedGroups and allowed_roles.
    // A dotted name is a path into the token when no claim has that exact name
    // (pkg/providers/util/claim_extractor.go:158-164, getClaimFrom): `address.formatted`
    // is inside the user's `address`.
    let top_claim = groups_claim.split('.').next().unwrap_or_default();
    // Claims every token of the client carries with the same value (OpenID Connect Core
    // 1.0 section 2: iss, aud, azp; Keycloak's typ "ID"/"Bearer", the granted scope, the
    // authentication context): as groups, they admit every user of the realm.
    if (!p.allowed_groups.is_empty() || !roles.is_empty())
        && [
            "iss",
            "aud",
            "azp",
            "typ",
            "scope",
            "acr",
            "amr",
            "allowed-origins",
        ]
        .contains(&top_claim)
    {
        acc.errors.push(format!(
            "oauth2Proxy.oidc.oidc_groups_claim is {}, a claim every token of the client carries with the same value, while oauth2Proxy.allowedGroups or oauth2Proxy.keycloak.allowed_roles restrict access: every user of the realm would pass; leave oidc_groups_claim empty (\"groups\") or name a claim your identity provider's administrators fill (a group membership mapper)",
            crate::error::quoted(groups_claim)
        ));
    }
    if (!p.allowed_groups.is_empty() || !roles.is_empty())
        && (USER_PROFILE_CLAIMS.contains(&groups_claim) || USER_PROFILE_CLAIMS.contains(&top_claim))
    {
        acc.errors.push(format!(
            "oauth2Proxy.oidc.oidc_groups_claim is {}, a claim of the user's own profile (a standard claim of OpenID Connect Core 1.0, section 5.1, or Keycloak's `upn`, the username), while oauth2Proxy.allowedGroups or oauth2Proxy.keycloak.allowed_roles restrict access: the proxy reads groups and roles from that claim, so a user could write an allowed group or `role:<name>` into it; leave oidc_groups_claim empty (\"groups\") or name a claim your identity provider's administrators fill (a group membership mapper)",
            crate::error::quoted(groups_claim)
        ));
    }
    if p.oidc.allow_http_issuer
        && [&p.oidc.oidc_issuer_url, &p.oidc.oidc_jwks_url]
            .iter()
            .any(|u| {
                u.get(..7)
                    .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
            })
    {
        acc.warnings.push("oauth2Proxy.oidc.allowHttpIssuer is true and the issuer (or its JWKS URL) is plain http: the proxy fetches the keys that verify every login and bearer token over it, so anyone on that network path can forge tokens it accepts; use it for a test realm only".into());
    }
    args.extend(
        p.email_domains
            .0
            .iter()
            .map(|d| format!("--email-domain={d}")),
    );
    args.push("--skip-jwt-bearer-tokens=true".into());
    let machines = machines(p, names, namespace, acc).map(|(flags, m)| {
        args.extend(flags);
        m
    });
    // A bearer JWT passes when its `aud` holds the client ID or an extra audience
    // (pkg/providers/oidc/verifier.go:31-36, 96-104 at v7.15.3). Keycloak's built-in
    // clients (org.keycloak.models.Constants: account, account-console, admin-cli,
    // broker, realm-management, security-admin-console, admin-permissions) are in the
    // audience of tokens that other clients get: the default roles of every user hold the
    // `account` client's roles, and the `roles` scope's audience resolve mapper adds the
    // client of each role to `aud`. Naming one would let any application's token in.
    // The machine tokens' audience too: its issuer may be a Keycloak realm (this one or
    // another), whose tokens for any application then carry the built-in client.
    let machine_audience = p
        .machine_tokens
        .enabled
        .then_some(("machineTokens.audience", &p.machine_tokens.audience));
    for (key, value) in std::iter::once(("clientID", &p.client_id))
        .chain(p.extra_audiences.iter().map(|a| ("extraAudiences", a)))
        .chain(machine_audience)
    {
        // The master realm also holds a `<realm>-realm` client for every realm
        // (RealmManager: realm.getName() + "-realm"), each in the same position.
        let master = [&p.oidc.oidc_issuer_url, &p.machine_tokens.issuer]
            .iter()
            .any(|issuer| issuer.trim_end_matches('/').ends_with("/realms/master"));
        if KEYCLOAK_BUILT_IN_CLIENTS.contains(&value.as_str())
            || (master && value.ends_with("-realm"))
        {
            acc.errors.push(format!(
                "oauth2Proxy.{key} names Keycloak's built-in client {value:?}: Keycloak puts the built-in clients into the audience of tokens issued to other applications of the realm (the roles scope's audience resolve mapper, for the default account roles), so their tokens would pass the proxy; create a client of MLflow's own and name it"
            ));
        }
    }
    args.extend(
        p.extra_audiences
            .iter()
            .map(|a| format!("--oidc-extra-audience={a}")),
    );
    args.extend(
        p.allowed_groups
            .iter()
            .map(|g| format!("--allowed-group={g}")),
    );
    if !roles.is_empty() && provider != "keycloak-oidc" {
        acc.errors.push(
            "oauth2Proxy.keycloak.allowed_roles needs oauth2Proxy.provider=keycloak-oidc".into(),
        );
    }
    args.extend(roles.iter().map(|r| format!("--allowed-role={r}")));
    for (key, value) in [
        ("oidc.oidc_email_claim", &p.oidc.oidc_email_claim),
        ("oidc.oidc_groups_claim", &p.oidc.oidc_groups_claim),
        ("clientID", &p.client_id),
    ] {
        no_dollar(key, value, acc);
    }
    for (value, flag) in [
        (&p.oidc.oidc_email_claim, "oidc-email-claim"),
        (&p.oidc.oidc_groups_claim, "oidc-groups-claim"),
        (&p.oidc.oidc_jwks_url, "oidc-jwks-url"),
    ] {
        if !value.is_empty() {
            args.push(format!("--{flag}={value}"));
        }
    }
    // The login callback needs one concrete host: the first ingress host that is not a
    // wildcard (OAuth2-Proxy returns an absolute --redirect-url as it is,
    // oauthproxy.go:1115-1116 at v7.15.3; without it, it builds one from the Host header).
    let concrete = ingress.hosts.iter().find(|h| !h.contains('*'));
    if !ingress.hosts.is_empty() && concrete.is_none() {
        acc.errors.push("ingress.hosts and httpRoute.hostnames hold only wildcard hosts: the proxy's login callback needs one concrete host; add one (e.g. mlflow.example.org)".into());
    }
    let tls = concrete.is_some_and(|h| ingress.tls.contains(h));
    if let Some(host) = concrete {
        args.push(format!(
            "--redirect-url={}://{host}/oauth2/callback",
            ingress.scheme(host)
        ));
        if !tls {
            acc.warnings.push(format!("host {host} is served without TLS (no ingress.tls entry covers it, or httpRoute.tls is false): the login redirect and session cookie travel over plain http"));
        }
        if let Some(secure) = ingress
            .hosts
            .iter()
            .find(|h| ingress.tls.contains(*h) && !tls)
        {
            acc.warnings.push(format!("host {secure} is served with TLS but the login callback is on {host} without it: the session cookie is not Secure; serve every host with TLS"));
        }
        // Every login returns to the callback host, and the proxy's CSRF cookie, set on
        // the host where the login started, has no Domain (pkg/cookies/cookies.go:27-46;
        // a `__Host-` cookie may not have one): a login started on another host finds no
        // CSRF cookie at the callback and fails (oauthproxy.go:914-923 at v7.15.3).
        let others: Vec<&str> = ingress
            .hosts
            .iter()
            .filter(|h| *h != host)
            .map(String::as_str)
            .collect();
        if !others.is_empty() {
            acc.warnings.push(format!("browser logins work on {host} only: the proxy returns every login to {host}/oauth2/callback and its CSRF cookie belongs to the host the login started on, so a login started on {} fails; open the UI at {host}, and use the other hosts for API calls with bearer tokens", others.join(", ")));
        }
    }
    for other in ingress
        .hosts
        .iter()
        .filter(|h| Some(*h) != concrete && !ingress.tls.contains(*h))
    {
        acc.warnings.push(format!("host {other} is served without TLS (no ingress.tls entry covers it, or httpRoute.tls is false): session cookies and bearer tokens sent to it travel over plain http"));
    }
    let secure = ingress.hosts.is_empty() || tls;
    args.push(format!("--cookie-secure={secure}"));
    if secure {
        // A `__Host-` name makes browsers take the cookie only when it is Secure, on path
        // `/` and host-only (RFC 6265bis 4.1.3.2), so a sibling subdomain cannot plant a
        // session or CSRF cookie for this host. The proxy sets no Domain without
        // --cookie-domain and path `/` by default (pkg/cookies/cookies.go:27-46,
        // pkg/apis/options/cookie.go:33-37 at v7.15.3); the CSRF cookie is `<name>_csrf`
        // (pkg/cookies/csrf.go:290-293) and split cookies `<name>_N`, prefix kept.
        args.push(format!("--cookie-name={SESSION_COOKIE}"));
    }
    // The session and CSRF cookies (the CSRF one takes the session's setting,
    // pkg/apis/options/cookie.go:46 at v7.15.3) with SameSite=Lax (pkg/cookies/cookies.go,
    // ParseSameSite): not sent on cross-site subrequests or POSTs, still on the identity
    // provider's top-level redirect back to the callback. The default "" sets none.
    args.push("--cookie-samesite=lax".into());
    args.push(format!("--cookie-refresh={}", p.cookie_refresh));
    // Forwarded headers (X-Forwarded-Uri/-Host/-Proto) are trusted only from the proxies
    // the user names. With --reverse-proxy and no --trusted-proxy-ip, v7.15.3 trusts every
    // source address (oauthproxy.go:62, 401-409), and route matching then reads the path
    // from X-Forwarded-Uri (requests/util/util.go:51-61; oauthproxy.go:594-599). With
    // --reverse-proxy=false no X-Forwarded-* header is trusted (middleware/scope.go:71-86).
    let trusted = &p.trusted_proxy_cidrs;
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
    // A request to MLflow's API without a valid session or token gets a JSON 401, not a
    // redirect to the identity provider's login page (oauthproxy.go:1055-1061: isAPIPath,
    // a regexp matched against the request URI, :618-625; options.go:130, a string slice,
    // so no comma in a pattern): the MLflow client and `mlflow-token` see an error they
    // can act on rather than following the redirect to Keycloak's HTML.
    // MLflow 3.17.2's API: /api/ and /ajax-api/ (REST, artifacts, jobs, the assistant),
    // /graphql, /get-artifact and /model-versions/get-artifact, /version
    // (server/__init__.py:105-123), /v1/traces (OTLP, otel_api.py:104 with
    // tracing/utils/otlp.py:20) and /gateway/ (gateway_api.py:114-115).
    args.push("--api-route=^/(api|ajax-api|gateway)/".into());
    args.push("--api-route=^/(graphql|version|get-artifact|model-versions/get-artifact|v1/traces)([/?]|$)".into());
    // No --skip-auth-route: every request to MLflow needs a session or a bearer JWT.
    // Kubelet probes use the proxy's own /ping and /ready (answered before any auth or
    // proxying, oauthproxy.go:372-394, healthcheck.go:33-54) and an exec probe of MLflow's
    // /health on loopback.
    args.push("--silence-ping-logging=true".into());
    args.push("--code-challenge-method=S256".into());
    // The login sends a nonce and the callback refuses an ID token without it. v7.15.3
    // skips both by default (pkg/apis/options/legacy_options.go:603, providers.go:18):
    // GetLoginURL adds the nonce only when not skipped (providers/oidc.go:60-63; the hash of a
    // per-login secret kept in the CSRF cookie, oauthproxy.go:868-873), and
    // ValidateSession checks the token's nonce claim against the session's
    // (providers/oidc.go:134-141, provider_data.go:343-357) right after the code is
    // redeemed (oauthproxy.go:948-953). Refreshed sessions are not checked again
    // (oidc.go:120-127), and bearer JWTs never pass through the callback. OpenID Connect
    // Core 1.0, 3.1.2.1: a provider includes the nonce it was sent (Keycloak does).
    args.push("--insecure-oidc-skip-nonce=false".into());
    if public {
        // OAuth2-Proxy requires a client secret setting; an empty file is the documented
        // way to run a public client.
        args.push("--client-secret-file=/dev/null".into());
    }
    Some(Proxy {
        machines,
        idp_port: endpoint_port(issuer),
        args,
        cookie_secret,
        client_secret,
    })
}

/// The proxy's environment: its secrets, from their Secrets.
pub(crate) fn env(p: &Proxy) -> Vec<Value> {
    let mut env = vec![credentials::secret_env(
        "OAUTH2_PROXY_COOKIE_SECRET",
        &p.cookie_secret,
    )];
    if let Some(c) = &p.client_secret {
        env.push(credentials::secret_env("OAUTH2_PROXY_CLIENT_SECRET", c));
    }
    env
}

/// The in-cluster API server's own address as an audience (`https://kubernetes.default.svc`
/// and its longer forms): a token for it is a Kubernetes API credential.
pub(crate) fn api_server_audience(a: &str) -> bool {
    a.starts_with("https://kubernetes.default.svc")
}

/// Whose audience `a` is when a system other than this proxy takes a cluster's
/// ServiceAccount tokens with it: such a token is a credential there, and the proxy passes
/// the request's `Authorization` header on to MLflow (it is only named among the signature
/// headers, pkg/upstream/http.go:29-41 at v7.15.3, never removed). The audience is not
/// the boundary (any pod may ask for any audience), but a token MLflow receives must not
/// open anything else.
/// - k3s and RKE2 add their program's name to the API server's audiences (k3s-io/k3s
///   pkg/daemons/control/server.go, `api-audiences = "https://kubernetes.default.svc." +
///   ClusterDomain + "," + version.Program`); older releases set `unknown`.
/// - AWS IAM roles for ServiceAccounts: `sts.amazonaws.com` (aws/amazon-eks-pod-identity-webhook
///   main.go, flag `token-audience`).
/// - Azure workload identity: `api://AzureADTokenExchange` (Microsoft Entra's audience for
///   federated credentials), with a national cloud's suffix (`USGov`, `China`, `USNat`,
///   `USSec`); AWS's China partition: `sts.amazonaws.com.cn`.
/// - Google Cloud: a workload identity pool provider (`//iam.googleapis.com/…`,
///   `https://iam.googleapis.com/…`), a GKE identity namespace (`<project>.svc.id.goog`),
///   and OpenShift's default for it, `openshift`.
pub(crate) fn foreign_audience(a: &str) -> Option<&'static str> {
    let a = a.trim_end_matches('/');
    let lower = a.to_ascii_lowercase();
    match lower.as_str() {
        "k3s" | "rke2" | "unknown" => Some("the API server of k3s or RKE2"),
        "sts.amazonaws.com" | "sts.amazonaws.com.cn" => {
            Some("AWS STS (IAM roles for ServiceAccounts)")
        }
        // The public cloud's and the national clouds' (…USGov, …China, …USNat, …USSec).
        l if l.starts_with("api://azureadtokenexchange") => {
            Some("Microsoft Entra (Azure workload identity)")
        }
        "openshift" => Some("Google Cloud's workload identity federation (OpenShift's default)"),
        l if l.starts_with("//iam.googleapis.com/")
            || l.starts_with("https://iam.googleapis.com/")
            || l.ends_with(".svc.id.goog") =>
        {
            Some("Google Cloud's workload identity federation")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OAuth2-Proxy's SecretBytes: URL-safe base64 of 16, 24 or 32 bytes (padded or not),
    /// or 16, 24 or 32 bytes of text.
    #[test]
    fn cookie_secrets_as_the_proxy_reads_them() {
        assert!(
            cookie_secret_ok("ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM="),
            "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM="
        );
        assert!(
            cookie_secret_ok("ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM"),
            "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM"
        );
        assert!(
            cookie_secret_ok("AAECAwQFBgcICQoLDA0ODw"),
            "AAECAwQFBgcICQoLDA0ODw"
        );
        assert!(
            cookie_secret_ok("AAECAwQFBgcICQoLDA0ODw=="),
            "AAECAwQFBgcICQoLDA0ODw=="
        );
        assert!(
            cookie_secret_ok("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"
        );
        assert!(cookie_secret_ok("aaaaaaaaaaaaaaaa"), "aaaaaaaaaaaaaaaa");
        assert!(
            cookie_secret_ok("aaaaaaaaaaaaaaaaaaaaaaaa"),
            "aaaaaaaaaaaaaaaaaaaaaaaa"
        );
        assert!(
            cookie_secret_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        );
        assert!(
            !cookie_secret_ok("+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s="),
            "+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s="
        );
        assert!(
            !cookie_secret_ok("aaaaaaaaaaaaaaaaaaaa"),
            "aaaaaaaaaaaaaaaaaaaa"
        );
        assert!(
            !cookie_secret_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            "AAAAAAAAAAAAAAAAAAAAAAAAAAA"
        );
        assert!(!cookie_secret_ok(""), "");
        assert!(
            !cookie_secret_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        );
    }

    /// The key as SecretBytes derives it, and the secrets anybody may know.
    #[test]
    fn cookie_secrets_anybody_may_know() {
        // Base64 of 32 bytes, padded or not, is those bytes; 16 bytes of text are
        // themselves; URL-safe base64 of a length no AES key has is its text.
        assert_eq!(cookie_key("AAECAwQFBgcICQoLDA0ODw").len(), 16);
        assert_eq!(
            cookie_key("AAECAwQFBgcICQoLDA0ODw=="),
            (0..16).collect::<Vec<u8>>()
        );
        assert_eq!(cookie_key("aaaaaaaaaaaaaaaa"), b"aaaaaaaaaaaaaaaa");
        assert_eq!(
            cookie_key("AAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            b"AAAAAAAAAAAAAAAAAAAAAAAAAAA"
        );
        // Go ignores trailing bits: `AB` is one byte, 0x00, as `AA` is.
        assert_eq!(
            cookie_key("AAECAwQFBgcICQoLDA0ODx"),
            cookie_key("AAECAwQFBgcICQoLDA0ODw")
        );
        for weak in [
            "OQINaROshtE9TcZkNAm-5Zs2Pv3xaWytBmc5W7sPX7w=",
            "OQINaROshtE9TcZkNAm-5Zs2Pv3xaWytBmc5W7sPX7w",
            "somerandomstring12341234567890AB",
            "aaaaaaaaaaaaaaaa",
            "abababababababababababababababab",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "abcdabcdabcdabcdabcdabcd",
        ] {
            assert!(cookie_secret_ok(weak) && weak_cookie_secret(weak), "{weak}");
        }
        for strong in [
            "AAECAwQFBgcICQoLDA0ODw",
            "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=",
            "0123456789abcdef0123456789abcdef",
            "abcdeabcdeabcdeabcdeabcdeabcdeab",
        ] {
            assert!(
                cookie_secret_ok(strong) && !weak_cookie_secret(strong),
                "{strong}"
            );
        }
    }

    #[test]
    fn email_domains_that_can_match() {
        for ok in [
            "*",
            "example.org",
            ".example.org",
            "*.example.org",
            "EXAMPLE.org",
            "xn--bcher-kva.example",
            "bücher.example",
            "org",
        ] {
            assert_eq!(email_domain_problem(ok), None, "{ok}");
        }
        for never in [
            "user@example.org",
            "@example.org",
            "*@example.org",
            "*example.org",
            "**.example.org",
            "example.*",
            "example.org:443",
            "example.org.",
            "example.org/x",
            "exa mple.org",
            "#example.org",
            "..example.org",
            ".",
            "*.",
            "",
        ] {
            assert!(email_domain_problem(never).is_some(), "{never}");
        }
    }

    #[test]
    fn issuers_with_a_query_or_dot_segments() {
        for ok in [
            "https://kc.example.org/realms/ml",
            "https://kc.example.org:8443/auth/realms/ml",
            "https://kc.example.org",
            "https://kc.example.org/realms/my.realm",
        ] {
            assert_eq!(issuer_problem(ok), None, "{ok}");
        }
        for bad in [
            "https://kc.example.org/realms/ml?x=1",
            "https://kc.example.org?pw=1",
            "https://kc.example.org/realms/../realms/ml",
            "https://kc.example.org/realms/./ml",
            "https://kc.example.org/realms/%2E%2e/ml",
            "https://kc.example.org/realms/ml/..",
        ] {
            assert!(issuer_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration_secs("5m"), Some(300.0));
        assert_eq!(go_duration_secs("1h30m"), Some(5400.0));
        assert_eq!(go_duration_secs("0"), Some(0.0));
        assert_eq!(go_duration_secs("5x"), None);
    }

    #[test]
    fn cidrs() {
        assert_eq!(cidr_prefix("10.0.0.0/8"), Some(8));
        assert_eq!(cidr_prefix("10.0.0.0/33"), None);
        assert!(cidr_too_wide("0.0.0.0/0"));
        assert!(!cidr_too_wide("10.0.0.0/8"));
        assert!(cidr_too_wide("::ffff:0:0/96"));
        assert!(!cidr_too_wide("fd00:10::/48"));
    }
}
