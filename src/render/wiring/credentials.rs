//! Credentials: which Secret holds each one — an existing Secret the values name, a
//! Secret rendered from explicit values (with a warning), or one the in-cluster generator
//! creates once — and the references to them.

use super::Acc;
use super::names::suffixed;
use serde::Serialize;
use std::collections::BTreeMap;

/// A reference to one key of a Secret.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SecretRef {
    pub name: String,
    pub key: String,
}

impl SecretRef {
    pub fn new(name: &str, key: &str) -> Self {
        SecretRef {
            name: name.to_string(),
            key: key.to_string(),
        }
    }
}

/// A Secret the values name as existing outside the render, with the keys we read.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalSecret {
    pub name: String,
    pub keys: Vec<String>,
}

impl ExternalSecret {
    pub fn new(name: &str, keys: &[&str]) -> Self {
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

/// Passwords printed in public defaults, refused as credentials: the original chart's
/// values.yaml (`leftfoot1` for postgresql.auth.* and minio.auth.rootPassword) and MinIO's
/// built-in root credentials (`minioadmin`, internal/auth/credentials.go DefaultAccessKey
/// and DefaultSecretKey at RELEASE.2025-09-07T16-13-09Z).
const PUBLISHED_DEFAULTS: &[&str] = &["leftfoot1", "minioadmin"];

/// A values key that holds the secret half of a credential (not a user name or key id).
pub(crate) fn is_secret_key(value_key: &str) -> bool {
    let k = value_key.to_ascii_lowercase();
    k.contains("password") || k.contains("passphrase") || k == "secretkey" || k == "key"
}

/// The published default passwords, for checks of credentials given outside a set.
pub(crate) fn is_published_default(value: &str) -> bool {
    PUBLISHED_DEFAULTS.contains(&value)
}

/// One value of a credential set.
pub(crate) struct Credential<'a> {
    /// The key in the Secret.
    pub key: &'a str,
    /// The values key under the set's base (for messages).
    pub value_key: &'a str,
    /// The literal the values give ("" = none).
    pub value: &'a str,
    /// Its length when generated.
    pub length: usize,
}

/// One credential set: `existingSecret` plus one value per key.
pub(crate) struct CredentialSet<'a> {
    /// The values path of the set, e.g. `postgresql.auth`.
    pub base: &'a str,
    /// What the credentials are, for the warning.
    pub what: &'a str,
    pub existing_secret: &'a str,
    pub credentials: &'a [Credential<'a>],
    /// The Secret rendered or generated when none exists.
    pub name: &'a str,
    pub component: &'a str,
}

/// Resolves a credential set in its three modes and returns, per Secret key, the Secret to
/// reference: an existing Secret (referenced, never rendered); explicit values (rendered,
/// with a warning); or nothing (generated once in the cluster). When only some values are
/// given (e.g. `postgresql.auth.password` without `postgresPassword`, as bitnami's chart
/// allowed), the given ones are rendered and the others generated, in a second Secret.
pub(crate) fn resolve(set: &CredentialSet<'_>, acc: &mut Acc) -> BTreeMap<String, SecretRef> {
    let base = set.base;
    let all_to = |name: &str| -> BTreeMap<String, SecretRef> {
        set.credentials
            .iter()
            .map(|c| (c.key.to_string(), SecretRef::new(name, c.key)))
            .collect()
    };
    if !set.existing_secret.is_empty() {
        if set.credentials.iter().any(|c| !c.value.is_empty()) {
            // The values actually given, not every one the Secret could replace.
            let given: Vec<String> = set
                .credentials
                .iter()
                .filter(|c| !c.value.is_empty())
                .map(|c| format!("{base}.{}", c.value_key))
                .collect();
            let (verb, them) = if given.len() == 1 {
                ("is", "it")
            } else {
                ("are", "them")
            };
            let names = given.join(" and ");
            // The existing Secret wins, as in the original chart (and bitnami's
            // subcharts): its template read the Secret whenever one was named.
            acc.warnings.push(format!(
                "{base}.existingSecret is set, so {names} {verb} not used (the Secret's keys are, as in the original chart): remove {them} from the values"
            ));
        }
        let keys: Vec<&str> = set.credentials.iter().map(|c| c.key).collect();
        acc.external
            .push(ExternalSecret::new(set.existing_secret, &keys));
        return all_to(set.existing_secret);
    }
    for c in set.credentials {
        if is_secret_key(c.value_key) && is_published_default(c.value) {
            acc.errors.push(format!("{base}.{} is a published default password (of the original chart or of MinIO): anyone who has read that chart or MinIO's documentation knows it; remove it to have a random one generated once in the cluster, or use {base}.existingSecret", c.value_key));
        }
    }
    let (shown, missing): (Vec<_>, Vec<_>) =
        set.credentials.iter().partition(|c| !c.value.is_empty());
    if shown.is_empty() {
        acc.generated.push(GeneratedSecret {
            name: set.name.to_string(),
            component: set.component.into(),
            keys: set
                .credentials
                .iter()
                .map(|c| (c.key.to_string(), c.length))
                .collect(),
        });
        return all_to(set.name);
    }
    acc.warnings.push(format!(
        "the output holds {} ({base}.*); prefer {base}.existingSecret",
        set.what
    ));
    acc.rendered.push(RenderedSecret {
        name: set.name.to_string(),
        component: set.component.into(),
        data: shown
            .iter()
            .map(|c| (c.key.to_string(), c.value.to_string()))
            .collect(),
    });
    let mut refs = all_to(set.name);
    if !missing.is_empty() {
        let generated = suffixed(set.name, "generated");
        acc.notes.push(format!(
            "{} not given: generated once in the cluster into Secret {generated}",
            missing
                .iter()
                .map(|c| format!("{base}.{}", c.value_key))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
        acc.generated.push(GeneratedSecret {
            name: generated.clone(),
            component: set.component.into(),
            keys: missing
                .iter()
                .map(|c| (c.key.to_string(), c.length))
                .collect(),
        });
        for c in &missing {
            refs.insert(c.key.to_string(), SecretRef::new(&generated, c.key));
        }
    }
    refs
}

/// A Secret the values name as existing may not be one the chart renders or generates:
/// the render would overwrite it, or the generator would skip it while the proxy or
/// MLflow read keys it never had.
pub(crate) fn no_collisions(acc: &mut Acc) {
    let ours: std::collections::BTreeSet<&str> = acc
        .rendered
        .iter()
        .map(|r| r.name.as_str())
        .chain(acc.generated.iter().map(|g| g.name.as_str()))
        .collect();
    let clashes: Vec<String> = acc
        .external
        .iter()
        .filter(|e| ours.contains(e.name.as_str()))
        .map(|e| {
            format!(
                "the existing Secret {} has the name of a Secret this chart creates; name another Secret (or let the chart create it)",
                e.name
            )
        })
        .collect();
    acc.errors.extend(clashes);
}

/// An environment variable read from a Secret key.
pub(crate) fn secret_env(name: &str, r: &SecretRef) -> serde_json::Value {
    serde_json::json!({"name": name, "valueFrom": {"secretKeyRef": {"name": r.name, "key": r.key}}})
}
