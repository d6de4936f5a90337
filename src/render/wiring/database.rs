//! The database: the backend store URI of the PostgreSQL the release deploys or of an
//! external one, its password's Secret, the port the NetworkPolicy opens, and the
//! environment of the processes that connect.

use super::credentials::{self, Credential, CredentialSet, ExternalSecret, SecretRef};
use super::{Acc, CA_DIR, Names, POSTGRES_PORT};
use crate::model::{DatabaseKind, ExternalDatabaseSslmode, Values};
use crate::render::checks;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Serialize)]
pub struct Db {
    pub internal: bool,
    /// MySQL or MariaDB through PyMySQL (`mysql+pymysql://`), which reads no password from
    /// the environment: the processes that connect start through `files/with-db-password.py`.
    pub mysql: bool,
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
    // The userinfo as libpq and SQLAlchemy read it: `u:p?x@h` holds a password.
    crate::redact::userinfo(uri).is_some_and(|info| info.contains(':'))
}

/// A host as it goes into a URI: an IPv6 address in brackets.
fn uri_host(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
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

/// MySQL's port, which `externalDatabase.port`'s PostgreSQL default stands for with mysql.
pub(crate) const MYSQL_PORT: i64 = 3306;

/// The launcher that puts the database password into the backend store URI of the program
/// it starts (files/with-db-password.py), for MySQL; nothing for PostgreSQL (libpq reads
/// PGPASSWORD).
pub(crate) fn launcher(db: &Db) -> Vec<String> {
    if db.mysql && db.password.is_some() {
        vec!["python".into(), "/scripts/with-db-password.py".into()]
    } else {
        Vec::new()
    }
}

pub(crate) fn build(values: &Values, names: &Names, trusted_ca: bool, acc: &mut Acc) -> Db {
    if values.services.postgres.enabled {
        if values.external_database.kind == DatabaseKind::Mysql {
            acc.errors.push("externalDatabase.type is mysql but services.postgres.enabled is true: the release's own database is PostgreSQL; set services.postgres.enabled=false to use an external MySQL".into());
        }
        internal(values, names, acc)
    } else {
        external(values, trusted_ca, acc)
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
        mysql: false,
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

fn external(values: &Values, trusted_ca: bool, acc: &mut Acc) -> Db {
    let ext = &values.external_database;
    let uri_value = values.services.postgres.external_uri.as_str();
    let scheme = scheme_of(uri_value);
    let mysql = if uri_value.is_empty() {
        ext.kind == DatabaseKind::Mysql
    } else {
        let mysql = scheme == "mysql" || scheme.starts_with("mysql+");
        if !mysql && ext.kind == DatabaseKind::Mysql {
            acc.errors.push("externalDatabase.type is mysql but services.postgres.externalURI is not a mysql:// URI: make them agree".into());
        }
        mysql
    };
    if mysql {
        return external_mysql(values, trusted_ca, acc);
    }
    let host = ext.host.as_str();
    let password = external_password(values, acc);
    no_password_but_the_in_cluster_ones(values, password.is_none(), acc);
    let port = ext.port;
    let uri = if !uri_value.is_empty() {
        check_external_uri(values, &["postgresql", "postgres"], acc);
        if !uri_value.starts_with("postgresql") {
            acc.errors.push("services.postgres.externalURI must be a postgresql:// URI, or mysql:// for MySQL or MariaDB".into());
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
        let host = uri_host(host);
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
    if !uri.is_empty()
        && let Some(why) = unverified_tls(&uri, trusted_ca)
    {
        let fix = if uri_value.is_empty() {
            "set externalDatabase.sslmode=verify-full"
        } else {
            "add ?sslmode=verify-full to services.postgres.externalURI"
        };
        acc.warnings.push(format!("the connection to the external PostgreSQL server is not verified ({why}): anyone on the network path can pose as the server and be sent the password; {fix}, with trustedCA holding the CA that signed the server's certificate"));
    }
    if !uri_value.is_empty() && ext.sslmode != ExternalDatabaseSslmode::Unset {
        acc.notes.push("externalDatabase.sslmode has no effect while services.postgres.externalURI is set: give sslmode in the URI's query".into());
    }
    // The NetworkPolicy opens the port the URI really uses.
    let port = if uri_value.is_empty() {
        port
    } else {
        uri_port(uri_value).unwrap_or(5432)
    };
    Db {
        internal: false,
        mysql: false,
        uri,
        password,
        admin_password: None,
        host: host.to_string(),
        port,
        database: ext.database.clone(),
        username: ext.username.clone(),
    }
}

fn scheme_of(uri: &str) -> &str {
    uri.split_once("://").map_or("", |(s, _)| s)
}

/// What both databases' `services.postgres.externalURI` must be: not given together with
/// `externalDatabase.host`, a user before '@', no password, and a URI (checks::uri; the
/// scheme is each database's own check).
fn check_external_uri(values: &Values, schemes: &[&str], acc: &mut Acc) {
    let uri_value = values.services.postgres.external_uri.as_str();
    if !values.external_database.host.is_empty() {
        acc.errors.push(
            "services.postgres.externalURI and externalDatabase.host are both set: use one of them"
                .into(),
        );
    }
    if uri_value
        .split_once("://")
        .map_or("", |(_, r)| r)
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|authority| authority.starts_with('@') || authority.starts_with(':'))
    {
        acc.errors.push(format!(
            "services.postgres.externalURI names no user before '@': write {}://user@host/database",
            schemes[0]
        ));
    }
    if uri_has_password(uri_value) {
        acc.errors.push("services.postgres.externalURI must not contain a password: put it in a Secret and name it in externalDatabase.existingSecret".into());
    }
    acc.errors.extend(
        checks::uri("services.postgres.externalURI", uri_value, schemes)
            .into_iter()
            .filter(|m| {
                !m.contains("credentials (`user:password@`)") && !m.contains("must start with")
            }),
    );
}

/// The external database's password: a key of `externalDatabase.existingSecret`, if named.
/// A warning when the external server gets no password while the in-cluster server's
/// password settings are given: a values file from the original chart, where
/// `postgresql.auth` named the password, would otherwise log in without one (a `note`
/// that `-q` hides says those keys have no effect).
fn no_password_but_the_in_cluster_ones(values: &Values, none: bool, acc: &mut Acc) {
    let auth = &values.postgresql.auth;
    if none && (!auth.existing_secret.is_empty() || !auth.password.is_empty()) {
        acc.warnings.push("the external database gets no password: externalDatabase.existingSecret is empty, and postgresql.auth.existingSecret/password belong to the in-cluster PostgreSQL, which services.postgres.enabled=false turns off; name the Secret holding the external server's password in externalDatabase.existingSecret (key externalDatabase.existingSecretPasswordKey), or leave postgresql.auth out if the server needs none".into());
    }
}

fn external_password(values: &Values, acc: &mut Acc) -> Option<SecretRef> {
    let ext = &values.external_database;
    (!ext.existing_secret.is_empty()).then(|| {
        acc.external.push(ExternalSecret::new(
            ext.existing_secret.as_str(),
            &[&ext.existing_secret_password_key],
        ));
        SecretRef::new(
            ext.existing_secret.as_str(),
            &ext.existing_secret_password_key,
        )
    })
}

/// An external MySQL or MariaDB: `mysql+pymysql://user@host:port/database`, the only MySQL
/// driver MLflow's image installs (its `db` extra: PyMySQL, psycopg2, psycopg, pymssql; the
/// mlflow 3.17.2 wheel's METADATA, and docker/Dockerfile.full's `mlflow[…,db,…]`).
fn external_mysql(values: &Values, trusted_ca: bool, acc: &mut Acc) -> Db {
    let ext = &values.external_database;
    let uri_value = values.services.postgres.external_uri.as_str();
    let password = external_password(values, acc);
    if password.is_none() {
        acc.errors.push("externalDatabase.existingSecret is empty: MySQL needs the user's password from a Secret (key externalDatabase.existingSecretPasswordKey)".into());
    }
    // With a trusted CA, PyMySQL verifies the server's chain and name (ssl_ca; pymysql
    // connections.py `_create_ssl_ctx`: CERT_REQUIRED and check_hostname with a CA).
    let tls = match ext.sslmode {
        ExternalDatabaseSslmode::Unset => {
            acc.warnings.push("the connection to the external MySQL server has no TLS (externalDatabase.sslmode is empty): the traffic, queries and results, crosses the network in plain text, and anyone on the path can pose as the server; set externalDatabase.sslmode=verify-full with trustedCA holding the CA that signed the server's certificate".into());
            false
        }
        ExternalDatabaseSslmode::VerifyFull if trusted_ca => true,
        ExternalDatabaseSslmode::VerifyFull => {
            acc.errors.push("externalDatabase.sslmode verify-full with MySQL needs trustedCA: give the CA that signed the server's certificate".into());
            false
        }
        _ => {
            acc.errors.push("externalDatabase.sslmode with MySQL is empty (no TLS) or verify-full (with trustedCA): the other modes are libpq's".into());
            false
        }
    };
    let (uri, port) = if !uri_value.is_empty() {
        check_external_uri(values, &["mysql", "mysql+pymysql"], acc);
        if !matches!(scheme_of(uri_value), "mysql" | "mysql+pymysql") {
            acc.errors.push("services.postgres.externalURI must start with mysql:// or mysql+pymysql:// (PyMySQL is the MySQL driver in MLflow's image)".into());
        }
        let rest = uri_value.split_once("://").map_or("", |(_, r)| r);
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        if !authority.contains('@') {
            acc.errors.push("services.postgres.externalURI names no user: write mysql://user@host:3306/database (the password comes from externalDatabase.existingSecret)".into());
        }
        if path.split(['?', '#']).next().unwrap_or("").is_empty() {
            acc.errors.push("services.postgres.externalURI names no database: write mysql://user@host:3306/database (MySQL has no default database)".into());
        }
        if uri_value.contains('?') {
            acc.errors.push("services.postgres.externalURI for MySQL takes no query: TLS comes from externalDatabase.sslmode verify-full and trustedCA".into());
        }
        let rest = uri_value.split_once("://").map_or("", |(_, r)| r);
        let mut uri = format!("mysql+pymysql://{rest}");
        if tls {
            uri.push_str(&format!("?ssl_ca={CA_DIR}/ca.crt"));
        }
        (uri, uri_port(uri_value).unwrap_or(MYSQL_PORT))
    } else if ext.host.is_empty() {
        acc.errors.push("services.postgres.enabled is false but no external database is configured: set externalDatabase.host and externalDatabase.existingSecret".into());
        (String::new(), MYSQL_PORT)
    } else {
        acc.errors
            .extend(checks::host("externalDatabase.host", &ext.host, false));
        let port = if ext.port == i64::from(POSTGRES_PORT) {
            MYSQL_PORT
        } else {
            ext.port
        };
        if !(1..=65535).contains(&port) {
            acc.errors
                .push("externalDatabase.port must be a number from 1 to 65535".into());
        }
        let host = uri_host(&ext.host);
        let mut uri = format!(
            "mysql+pymysql://{}@{host}:{port}/{}",
            pct(&ext.username),
            pct(&ext.database)
        );
        if tls {
            uri.push_str(&format!("?ssl_ca={CA_DIR}/ca.crt"));
        }
        (uri, port)
    };
    Db {
        internal: false,
        mysql: true,
        uri,
        password,
        admin_password: None,
        host: ext.host.clone(),
        port,
        database: ext.database.clone(),
        username: ext.username.clone(),
    }
}

/// Why libpq would not verify the server of this connection URI, if it would not. libpq's
/// default sslmode is `prefer`: TLS when offered, no certificate check, plain text
/// otherwise; `require` checks the chain only when a root certificate file is given
/// (PGSSLROOTCERT, set with trustedCA); `verify-ca` and `verify-full` always check it
/// (libpq: fe-connect.c `DefaultSSLMode "prefer"`; fe-secure-openssl.c initialize_SSL
/// asks for peer verification under `require` once a root certificate file is loaded).
fn unverified_tls(uri: &str, trusted_ca: bool) -> Option<String> {
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    let mode = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "sslmode")
        .map(|(_, v)| v)
        .next_back();
    match mode {
        Some("verify-ca" | "verify-full") => None,
        Some("require") if trusted_ca => None,
        Some("require") => Some("sslmode require checks no certificate without trustedCA".into()),
        Some(mode @ ("disable" | "allow" | "prefer")) => Some(format!("sslmode {mode}")),
        Some(_) => Some("an sslmode libpq does not know".into()),
        None => Some("no sslmode: libpq's default, prefer, checks no certificate and falls back to plain text".into()),
    }
}

/// The environment of the processes that connect (the migration step and MLflow).
pub(crate) fn env(db: &Db, trusted_ca: bool) -> Vec<Value> {
    let mut env = vec![
        json!({"name": "HOME", "value": "/tmp"}),
        json!({"name": "MLFLOW_BACKEND_STORE_URI", "value": db.uri}),
    ];
    if let Some(pw) = &db.password {
        // libpq reads PGPASSWORD; for PyMySQL the launcher moves MYSQL_PWD into the URI.
        let name = if db.mysql { "MYSQL_PWD" } else { "PGPASSWORD" };
        env.push(credentials::secret_env(name, pw));
    }
    if trusted_ca {
        // libpq (PGSSLROOTCERT: with a root file, sslmode=require verifies the chain too),
        // Python's ssl default context, requests and boto3 each read their own variable.
        // PyMySQL gets the CA in the URI (ssl_ca) instead of libpq's variable.
        let libpq: &[&str] = if db.mysql { &[] } else { &["PGSSLROOTCERT"] };
        for name in libpq
            .iter()
            .chain(&["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "AWS_CA_BUNDLE"])
        {
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
