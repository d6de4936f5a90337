//! The database: the backend store URI of the PostgreSQL the release deploys or of an
//! external one, its password's Secret, the port the NetworkPolicy opens, and the
//! environment of the processes that connect.

use super::credentials::{self, Credential, CredentialSet, ExternalSecret, SecretRef};
use super::{Acc, CA_DIR, Names, POSTGRES_PORT};
use crate::model::Values;
use crate::render::checks;
use serde::Serialize;
use serde_json::{Value, json};

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

/// True when a URI carries a password in its userinfo (`scheme://user:pass@host`).
fn uri_has_password(uri: &str) -> bool {
    let rest = uri.split_once("://").map(|(_, r)| r).unwrap_or(uri);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// The explicit port in a URI's authority, if any.
pub(crate) fn uri_port(uri: &str) -> Option<i64> {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match host_port.rsplit_once(':') {
        Some((_, p)) if !p.contains(']') => p.parse().ok(),
        _ => None,
    }
}

pub(crate) fn build(values: &Values, names: &Names, acc: &mut Acc) -> Db {
    if values.services.postgres.enabled {
        internal(values, names, acc)
    } else {
        external(values, acc)
    }
}

fn internal(values: &Values, names: &Names, acc: &mut Acc) -> Db {
    let auth = &values.postgresql.auth;
    let secrets = credentials::resolve(
        &CredentialSet {
            base: "postgresql.auth",
            what: "PostgreSQL passwords",
            existing_secret: auth.existing_secret.as_str(),
            credentials: &[
                Credential {
                    key: "password",
                    value_key: "password",
                    value: &auth.password,
                    length: 32,
                },
                Credential {
                    key: "postgres-password",
                    value_key: "postgresPassword",
                    value: &auth.postgres_password,
                    length: 32,
                },
            ],
            name: &names.postgresql,
            component: "postgresql",
        },
        acc,
    );
    let host = names.postgresql.clone();
    Db {
        internal: true,
        uri: format!(
            "postgresql://{}@{host}:{POSTGRES_PORT}/{}",
            pct(&auth.username),
            pct(&auth.database)
        ),
        password: secrets.get("password").cloned(),
        admin_password: secrets.get("postgres-password").cloned(),
        host,
        port: i64::from(POSTGRES_PORT),
        database: auth.database.clone(),
        username: auth.username.clone(),
    }
}

fn external(values: &Values, acc: &mut Acc) -> Db {
    let ext = &values.external_database;
    let uri_value = values.services.postgres.external_uri.as_str();
    let host = ext.host.as_str();
    let password = (!ext.existing_secret.is_empty()).then(|| {
        acc.external.push(ExternalSecret::new(
            ext.existing_secret.as_str(),
            &[&ext.existing_secret_password_key],
        ));
        SecretRef::new(
            ext.existing_secret.as_str(),
            &ext.existing_secret_password_key,
        )
    });
    let port = ext.port;
    let uri = if !uri_value.is_empty() {
        if !host.is_empty() {
            acc.errors.push("services.postgres.externalURI and externalDatabase.host are both set: use one of them".into());
        }
        if uri_value
            .split_once("://")
            .map_or("", |(_, r)| r)
            .split(['/', '?', '#'])
            .next()
            .is_some_and(|authority| authority.starts_with('@') || authority.starts_with(':'))
        {
            acc.errors.push("services.postgres.externalURI names no user before '@': write postgresql://user@host/database".into());
        }
        if uri_has_password(uri_value) {
            acc.errors.push("services.postgres.externalURI must not contain a password: put it in a Secret and name it in externalDatabase.existingSecret (it is passed as PGPASSWORD)".into());
        }
        acc.errors.extend(
            checks::uri(
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
            .extend(checks::host("externalDatabase.host", host, false));
        if !(1..=65535).contains(&port) {
            acc.errors
                .push("externalDatabase.port must be a number from 1 to 65535".into());
        }
        // An IPv6 address goes in brackets in a URI.
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        let mut u = format!(
            "postgresql://{}@{host}:{port}/{}",
            pct(&ext.username),
            pct(&ext.database)
        );
        let mode = ext.sslmode.as_str();
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
        database: ext.database.clone(),
        username: ext.username.clone(),
    }
}

/// The environment of the processes that connect (the migration step and MLflow).
pub(crate) fn env(db: &Db, trusted_ca: bool) -> Vec<Value> {
    let mut env = vec![
        json!({"name": "HOME", "value": "/tmp"}),
        json!({"name": "MLFLOW_BACKEND_STORE_URI", "value": db.uri}),
    ];
    if let Some(pw) = &db.password {
        env.push(credentials::secret_env("PGPASSWORD", pw));
    }
    if trusted_ca {
        // libpq (PGSSLROOTCERT: with a root file, sslmode=require verifies the chain too),
        // Python's ssl default context, requests and boto3 each read their own variable.
        for name in [
            "PGSSLROOTCERT",
            "SSL_CERT_FILE",
            "REQUESTS_CA_BUNDLE",
            "AWS_CA_BUNDLE",
        ] {
            env.push(json!({"name": name, "value": format!("{CA_DIR}/ca.crt")}));
        }
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_in_uri() {
        assert!(uri_has_password("postgresql://u:p@h/db"));
        assert!(!uri_has_password("postgresql://u@h/db"));
        assert!(!uri_has_password("postgresql://h/db?x=a:b@c"));
    }

    #[test]
    fn pct_encodes() {
        assert_eq!(pct("a b@c"), "a%20b%40c");
    }

    #[test]
    fn uri_ports() {
        assert_eq!(
            uri_port("postgresql://u@db:6543/x?sslmode=require"),
            Some(6543)
        );
        assert_eq!(uri_port("postgresql://u@db/x"), None);
    }
}
