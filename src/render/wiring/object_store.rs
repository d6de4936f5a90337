//! The object store: the S3 endpoint MLflow proxies artifacts to (the release's MinIO or
//! an external S3), its credentials' Secret, the bucket, and MLflow's S3 environment.

use super::credentials::{
    self, Credential, CredentialSet, ExternalSecret, RenderedSecret, SecretRef,
};
use super::{Acc, Names};
use crate::model::{AzureCredential, Values};
use crate::render::checks;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The artifact store MLflow proxies: S3 (the release's MinIO or Versity S3 Gateway, or an
/// external endpoint), Azure Blob or Google Cloud Storage.
#[derive(Debug, Serialize)]
pub struct S3 {
    /// `--artifacts-destination`: s3://bucket, wasbs://container@account.suffix/path or
    /// gs://bucket/path.
    pub destination: String,
    /// The store's own environment (Azure's credential; GCS's key file).
    pub store_env: Vec<Value>,
    /// The GCS key file's volume and its mount, when a Secret holds it.
    pub key_volume: Option<Value>,
    pub key_mount: Option<Value>,
    /// Egress the store needs beyond its port (GKE's metadata server for workload identity).
    pub extra_egress: Vec<Value>,
    pub endpoint: String,
    /// TCP port MLflow reaches the object store on (for NetworkPolicy egress).
    pub port: i64,
    pub access_key: Option<SecretRef>,
    pub secret_key: Option<SecretRef>,
    pub region: String,
    pub bucket: String,
}

impl S3 {
    /// An S3 store: `s3://<bucket>` at `endpoint` (TCP `port`), with its access key and
    /// secret key references (none: the pod's ambient identity) and signing region.
    fn bucket_store(
        bucket: String,
        endpoint: String,
        port: i64,
        (access_key, secret_key): (Option<SecretRef>, Option<SecretRef>),
        region: String,
    ) -> S3 {
        S3 {
            destination: format!("s3://{bucket}"),
            store_env: Vec::new(),
            key_volume: None,
            key_mount: None,
            extra_egress: Vec::new(),
            endpoint,
            port,
            access_key,
            secret_key,
            region,
            bucket,
        }
    }
}

/// The port of an http(s) endpoint URL (443 when none is given and the scheme is not http).
pub(crate) fn endpoint_port(url: &str) -> i64 {
    let default = if url.starts_with("http://") { 80 } else { 443 };
    super::database::uri_port(url).unwrap_or(default)
}

/// The artifact store, its `--artifacts-destination` under the prefix `bucketName` may
/// carry after the bucket (`team-models/mlflow`, as the original chart wrote it into
/// `s3://<bucketName>`; MLflow's S3ArtifactRepository reads the path after the bucket as a
/// key prefix, mlflow/store/artifact/s3_artifact_repo.py:299-316 `parse_s3_compliant_uri`, 3.17.2).
pub(crate) fn build(values: &Values, names: &Names, acc: &mut Acc) -> S3 {
    let whole = &values.mlflow.artifacts.bucket_name;
    let (bucket, prefix) = whole.split_once('/').unwrap_or((whole, ""));
    acc.errors.extend(path_prefix(
        "MLFlow.artifacts.bucketName (the prefix after the bucket's name)",
        prefix,
    ));
    let mut store = store(values, names, bucket.to_string(), acc);
    if store.destination.starts_with("s3://") {
        if !prefix.is_empty() {
            store.destination.push('/');
            store.destination.push_str(prefix);
        }
    } else if whole != "mlflow" {
        acc.notes.push("MLFlow.artifacts.bucketName has no effect while azureBlob or gcs is enabled: their container or bucket and path are azureBlob.* and gcs.*".into());
    }
    store
}

/// The artifact store for `bucket` (the bucket's name alone).
fn store(values: &Values, names: &Names, bucket: String, acc: &mut Acc) -> S3 {
    // A region is one token of the SigV4 credential scope (split on '/'), and it is an env
    // value, where Kubernetes would expand `$(VAR)`.
    let region = &values.s3.region;
    let region_ok = region.len() <= 63
        && region.starts_with(|c: char| c.is_ascii_alphanumeric())
        && region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !region.is_empty() && !region_ok {
        acc.errors.push(
            "s3.region must be a region name like eu-central-1 (letters, digits, '-' and '_')"
                .into(),
        );
    }
    acc.errors
        .extend(checks::bucket("MLFlow.artifacts.bucketName", &bucket));
    let (azure, gcs) = (values.azure_blob.enabled, values.gcs.enabled);
    if azure || gcs {
        let switch = if azure {
            "azureBlob.enabled"
        } else {
            "gcs.enabled"
        };
        if azure && gcs {
            acc.errors.push("azureBlob.enabled and gcs.enabled are both true: MLflow proxies one artifact store; choose one".into());
        }
        for (on, key) in [
            (values.services.minio.enabled, "services.minio.enabled"),
            (
                values.services.versitygw.enabled,
                "services.versitygw.enabled",
            ),
        ] {
            if on {
                acc.errors.push(format!("{switch} and {key} are both true: the artifacts go to one store; set {key}=false"));
            }
        }
        ignored_external(values, switch, acc);
        return if azure {
            azure_blob(values, acc)
        } else {
            google_cloud_storage(values, acc)
        };
    }
    match (
        values.services.minio.enabled,
        values.services.versitygw.enabled,
    ) {
        (true, true) => {
            acc.errors.push("services.minio.enabled and services.versitygw.enabled are both true: the release deploys one artifact store; set services.minio.enabled=false to use the Versity S3 Gateway".into());
            minio(values, names, bucket, acc)
        }
        (true, false) => minio(values, names, bucket, acc),
        (false, true) => versitygw(values, names, bucket, acc),
        (false, false) => external(values, names, bucket, acc),
    }
}

/// The gateway's S3 port (VGW_PORT; cmd/versitygw/main.go, default ":7070", v1.7.0).
pub(crate) const VERSITYGW_PORT: i64 = 7070;

/// The Versity S3 Gateway: root credentials generated once, given, or from a Secret; the
/// region it signs with is the client's (AWS_DEFAULT_REGION), us-east-1 when unset.
fn versitygw(values: &Values, names: &Names, bucket: String, acc: &mut Acc) -> S3 {
    ignored_external(values, "services.versitygw.enabled", acc);
    let auth = &values.versitygw.auth;
    // SigV4 puts the access key id in the credential scope, split on '/'.
    if !auth.access_key.is_empty()
        && (auth.access_key.len() < 3
            || auth.access_key.contains('/')
            || auth.access_key.chars().any(char::is_whitespace))
    {
        acc.errors.push("versitygw.auth.accessKey must be at least 3 characters without '/' or spaces (it is part of every request's signature scope)".into());
    }
    let secrets = credentials::resolve(
        &CredentialSet {
            base: "versitygw.auth",
            what: "Versity S3 Gateway credentials",
            existing_secret: auth.existing_secret.as_str(),
            credentials: &[
                Credential {
                    key: "access-key",
                    value_key: "accessKey",
                    value: &auth.access_key,
                    length: 20,
                },
                Credential {
                    key: "secret-key",
                    value_key: "secretKey",
                    value: &auth.secret_key,
                    length: 40,
                },
            ],
            name: &names.versitygw,
            component: "versitygw",
        },
        acc,
    );
    S3::bucket_store(
        bucket,
        format!("http://{}:{VERSITYGW_PORT}", names.versitygw),
        VERSITYGW_PORT,
        (
            secrets.get("access-key").cloned(),
            secrets.get("secret-key").cloned(),
        ),
        match values.s3.region.as_str() {
            "" => "us-east-1".into(),
            r => r.to_string(),
        },
    )
}

/// Problems of a path prefix inside a container or bucket: segments of URL-safe
/// characters, no empty, `.` or `..` segment, no leading or trailing '/'.
fn path_prefix(key: &str, path: &str) -> Vec<String> {
    if path.is_empty() {
        return Vec::new();
    }
    let ok = path.len() <= 512
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
        });
    if ok {
        Vec::new()
    } else {
        vec![format!(
            "{key} must be a path like team/mlflow: segments of letters, digits, '-', '_', '.' and '~' joined by '/', without leading or trailing '/', '.' or '..' (at most 512 characters)"
        )]
    }
}

/// A store whose credential is a Secret the pods read, or the pod's cloud identity.
fn cloud_store(destination: String, store_env: Vec<Value>) -> S3 {
    S3 {
        destination,
        store_env,
        key_volume: None,
        key_mount: None,
        extra_egress: Vec::new(),
        endpoint: String::new(),
        port: 443,
        access_key: None,
        secret_key: None,
        region: String::new(),
        bucket: String::new(),
    }
}

/// Azure Blob Storage: `wasbs://<container>@<account>.<suffix>/<path>`, the form MLflow's
/// AzureBlobArtifactRepository parses; its client reads AZURE_STORAGE_CONNECTION_STRING,
/// else AZURE_STORAGE_ACCESS_KEY, else DefaultAzureCredential (workload identity)
/// (mlflow/store/artifact/azure_blob_artifact_repo.py, `__init__`, 3.17.2).
fn azure_blob(values: &Values, acc: &mut Acc) -> S3 {
    let az = &values.azure_blob;
    let account_ok = (3..=24).contains(&az.storage_account.len())
        && az
            .storage_account
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !account_ok {
        acc.errors.push("azureBlob.storageAccount must be the storage account's name: 3 to 24 lowercase letters and digits".into());
    }
    let c = &az.container;
    let container_ok = (3..=63).contains(&c.len())
        && c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        && !c.starts_with('-')
        && !c.ends_with('-')
        && !c.contains("--");
    if !container_ok {
        acc.errors.push("azureBlob.container must be a container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit".into());
    }
    acc.errors.extend(path_prefix("azureBlob.path", &az.path));
    let mut destination = format!(
        "wasbs://{c}@{}.{}",
        az.storage_account,
        az.endpoint_suffix.as_str()
    );
    if !az.path.is_empty() {
        destination.push('/');
        destination.push_str(&az.path);
    }
    let mut env = Vec::new();
    if az.existing_secret.is_empty() {
        acc.notes.push("azureBlob: no existingSecret, so MLflow uses workload identity (DefaultAzureCredential): its pods carry the label azure.workload.identity/use=true; annotate serviceAccount with azure.workload.identity/client-id".into());
    } else {
        acc.external.push(ExternalSecret::new(
            az.existing_secret.as_str(),
            &[&az.existing_secret_key],
        ));
        let name = match az.credential {
            AzureCredential::ConnectionString => "AZURE_STORAGE_CONNECTION_STRING",
            AzureCredential::AccessKey => "AZURE_STORAGE_ACCESS_KEY",
        };
        env.push(credentials::secret_env(
            name,
            &SecretRef::new(az.existing_secret.as_str(), &az.existing_secret_key),
        ));
    }
    cloud_store(destination, env)
}

/// The label the Azure Workload Identity webhook injects a federated token into pods by
/// (azure-workload-identity, pkg/webhook: `azure.workload.identity/use`), on the MLflow
/// pods when Azure Blob is used without a Secret.
pub(crate) fn workload_identity_labels(values: &Values) -> Map<String, Value> {
    let mut m = Map::new();
    if values.azure_blob.enabled && values.azure_blob.existing_secret.is_empty() {
        m.insert("azure.workload.identity/use".into(), json!("true"));
    }
    m
}

/// With Azure workload identity, the webhook mounts the federated token into every
/// container of a labelled pod unless the pod names it in
/// `azure.workload.identity/skip-containers`, a ';'-separated list (azure-workload-identity
/// test/e2e, `skipContainers = busybox1 + ";"`): the chart's containers that never talk to
/// Azure are listed, so only MLflow's (and the user's extra containers) get the token.
pub(crate) fn workload_identity_annotations(
    values: &Values,
    component: &str,
) -> Map<String, Value> {
    let mut m = Map::new();
    if !workload_identity_labels(values).is_empty() {
        let skip = match component {
            "tracking" => "db-upgrade;oauth2-proxy;metrics",
            "scheduler" => "db-upgrade",
            _ => return m,
        };
        m.insert(
            "azure.workload.identity/skip-containers".into(),
            json!(skip),
        );
    }
    m
}

/// Where the GCS key file is mounted (GOOGLE_APPLICATION_CREDENTIALS points into it).
const GCS_KEY_DIR: &str = "/etc/mlflow-chart/gcs";

/// Google Cloud Storage: `gs://<bucket>/<path>`; MLflow's GCSArtifactRepository builds
/// `google.cloud.storage.Client()` from Application Default Credentials
/// (mlflow/store/artifact/gcs_artifact_repo.py, `__init__`, 3.17.2): a key file named by
/// GOOGLE_APPLICATION_CREDENTIALS, else the metadata server (GKE workload identity).
fn google_cloud_storage(values: &Values, acc: &mut Acc) -> S3 {
    let g = &values.gcs;
    acc.errors
        .extend(checks::gcs_bucket("gcs.bucket", &g.bucket));
    acc.errors.extend(path_prefix("gcs.path", &g.path));
    let mut destination = format!("gs://{}", g.bucket);
    if !g.path.is_empty() {
        destination.push('/');
        destination.push_str(&g.path);
    }
    if g.existing_secret.is_empty() {
        acc.notes.push("gcs: no existingSecret, so MLflow uses the pod's Google identity (GKE workload identity: annotate serviceAccount with iam.gke.io/gcp-service-account); its pods may reach the metadata server 169.254.169.254:80".into());
        let mut store = cloud_store(destination, Vec::new());
        // google-auth asks the metadata server at 169.254.169.254 over http
        // (google/auth/compute_engine/_metadata.py, _DEFAULT_METADATA_IP_ROOT).
        store.extra_egress.push(json!({
            "to": [{"ipBlock": {"cidr": "169.254.169.254/32"}}],
            "ports": [{"port": 80, "protocol": "TCP"}],
        }));
        return store;
    }
    let key = &g.existing_secret_key;
    acc.external
        .push(ExternalSecret::new(g.existing_secret.as_str(), &[key]));
    let mut store = cloud_store(
        destination,
        vec![
            json!({"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": format!("{GCS_KEY_DIR}/{key}")}),
        ],
    );
    store.key_volume = Some(json!({
        "name": "gcs-key",
        "secret": {
            "secretName": g.existing_secret.as_str(),
            "items": [{"key": key, "path": key}],
            "defaultMode": 0o440,
        },
    }));
    store.key_mount = Some(json!({"name": "gcs-key", "mountPath": GCS_KEY_DIR, "readOnly": true}));
    store
}

/// The external S3 settings do nothing while the release deploys its own store.
fn ignored_external(values: &Values, switch: &str, acc: &mut Acc) {
    let s3 = &values.s3;
    for (key, value) in [
        ("url", &s3.url),
        ("secret", &s3.secret.0),
        ("user", &s3.user),
        ("key", &s3.key),
    ] {
        if !value.is_empty() {
            acc.warnings
                .push(format!("s3.{key} is ignored while {switch} is true"));
        }
    }
    if !values.services.minio.external_uri.is_empty() {
        acc.warnings.push(format!(
            "services.minio.externalURI is ignored while {switch} is true"
        ));
    }
}

fn minio(values: &Values, names: &Names, bucket: String, acc: &mut Acc) -> S3 {
    let s3 = &values.s3;
    ignored_external(values, "services.minio.enabled", acc);
    let auth = &values.minio.auth;
    if !auth.root_password.is_empty() && auth.root_password.trim().len() < 8 {
        acc.errors.push(
            "minio.auth.rootPassword must be at least 8 characters (MinIO refuses shorter ones)"
                .into(),
        );
    }
    if !auth.root_user.is_empty() && auth.root_user.trim().len() < 3 {
        acc.errors.push(
            "minio.auth.rootUser must be at least 3 characters (MinIO refuses shorter ones)".into(),
        );
    }
    let secrets = credentials::resolve(
        &CredentialSet {
            base: "minio.auth",
            what: "MinIO credentials",
            existing_secret: auth.existing_secret.as_str(),
            credentials: &[
                Credential {
                    key: "root-user",
                    value_key: "rootUser",
                    value: &auth.root_user,
                    length: 20,
                },
                Credential {
                    key: "root-password",
                    value_key: "rootPassword",
                    value: &auth.root_password,
                    length: 40,
                },
            ],
            name: &names.minio,
            component: "minio",
        },
        acc,
    );
    let port = values.minio.service.ports.api;
    S3::bucket_store(
        bucket,
        format!("http://{}:{port}", names.minio),
        // NetworkPolicies see the pod's port: the Service's is translated before them.
        i64::from(super::MINIO_PORT),
        (
            secrets.get("root-user").cloned(),
            secrets.get("root-password").cloned(),
        ),
        s3.region.clone(),
    )
}

fn external(values: &Values, names: &Names, bucket: String, acc: &mut Acc) -> S3 {
    let s3 = &values.s3;
    let (url, ext_uri) = (s3.url.as_str(), values.services.minio.external_uri.as_str());
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
            .extend(checks::uri(key, endpoint, &["https", "http"]));
        if endpoint.starts_with("http://") {
            // Signature V4 signs requests, not responses: what MLflow downloads (models,
            // which it may unpickle) is not protected on a plain http path.
            acc.warnings.push(format!("{key} is plain http: the artifacts MLflow reads and writes, models included, cross the network unencrypted, and anyone on the path can change what is downloaded; use an https endpoint (trustedCA for a private CA)"));
        }
    }
    let (secret, user, key) = (s3.secret.as_str(), s3.user.as_str(), s3.key.as_str());
    let (access_key, secret_key) = if !secret.is_empty() {
        if !user.is_empty() || !key.is_empty() {
            // The Secret wins: the original chart used s3.user/s3.key "when s3.secret is
            // unset" (values contract).
            acc.warnings.push("s3.secret is set, so s3.user/s3.key are not used (the Secret's keys user and key are, as in the original chart): remove them from the values".into());
        }
        acc.external
            .push(ExternalSecret::new(secret, &["user", "key"]));
        (
            Some(SecretRef::new(secret, "user")),
            Some(SecretRef::new(secret, "key")),
        )
    } else if !user.is_empty() || !key.is_empty() {
        // The message names the key that was given first: where it came from is added.
        if user.is_empty() {
            acc.errors.push(
                "s3.key is given without s3.user: give both (the access key id and its secret), or s3.secret".into(),
            );
        } else if key.is_empty() {
            acc.errors.push(
                "s3.user is given without s3.key: give both (the access key id and its secret), or s3.secret".into(),
            );
        }
        if credentials::is_published_default(key) {
            acc.errors.push("s3.key is a published default password (of the original chart or of MinIO): anyone who has read that chart or MinIO's documentation knows it; change it on the object store and give the new one, through s3.secret".into());
        }
        acc.warnings
            .push("the output holds S3 credentials (s3.user/s3.key); prefer s3.secret".into());
        acc.rendered.push(RenderedSecret {
            name: names.s3.clone(),
            component: "tracking".into(),
            data: BTreeMap::from([
                ("user".to_string(), user.to_string()),
                ("key".to_string(), key.to_string()),
            ]),
        });
        (
            Some(SecretRef::new(&names.s3, "user")),
            Some(SecretRef::new(&names.s3, "key")),
        )
    } else {
        acc.notes.push("no S3 credentials configured: MLflow uses the pod's ambient AWS identity (e.g. IRSA via serviceAccount.annotations)".into());
        (None, None)
    };
    S3::bucket_store(
        bucket,
        endpoint.to_string(),
        endpoint_port(endpoint),
        (access_key, secret_key),
        s3.region.clone(),
    )
}

/// MLflow's environment: the database's, plus the S3 client's.
pub(crate) fn env(mut env: Vec<Value>, s3: &S3) -> Vec<Value> {
    if !s3.endpoint.is_empty() {
        env.push(json!({"name": "MLFLOW_S3_ENDPOINT_URL", "value": s3.endpoint}));
    }
    if let Some(k) = &s3.access_key {
        env.push(credentials::secret_env("AWS_ACCESS_KEY_ID", k));
    }
    if let Some(k) = &s3.secret_key {
        env.push(credentials::secret_env("AWS_SECRET_ACCESS_KEY", k));
    }
    if !s3.region.is_empty() {
        env.push(json!({"name": "AWS_DEFAULT_REGION", "value": s3.region}));
    }
    env.extend(s3.store_env.iter().cloned());
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_prefixes() {
        for ok in ["", "a", "team/a", "a.b/c-d_e~f"] {
            assert!(path_prefix("k", ok).is_empty(), "{ok}");
        }
        for bad in [
            "/a", "a/", "a//b", "..", "a/../b", "./a", "a b", "a?b", "a#b", "a%2F", "$(X)",
        ] {
            assert_eq!(path_prefix("k", bad).len(), 1, "{bad}");
        }
        assert_eq!(path_prefix("k", &"a".repeat(513)).len(), 1);
    }

    #[test]
    fn endpoint_ports() {
        assert_eq!(endpoint_port("http://minio:9000"), 9000);
        assert_eq!(endpoint_port("https://s3.amazonaws.com"), 443);
        assert_eq!(endpoint_port("http://[::1]/x"), 80);
        assert_eq!(endpoint_port(""), 443);
        assert_eq!(endpoint_port("https://kc.example.org:8443/realms/x"), 8443);
    }
}
