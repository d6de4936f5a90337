//! The chart's wiring, derived once from the typed values: names, images, which Secret
//! holds each credential, the MLflow and proxy command lines, the network paths, and the
//! cross-key rules that the schema cannot state. Templates only lay these out. One
//! module per concern; each adds its broken rules and messages to an [`Acc`].

mod credentials;
mod database;
mod extensions;
mod images;
mod mlflow;
mod names;
mod network;
mod notes;
pub(crate) mod object_store;
pub(crate) mod proxy;
mod trust;

pub use credentials::{ExternalSecret, GeneratedSecret, RenderedSecret, SecretRef};
pub use database::Db;
pub use images::Images;
pub use names::{Names, fullname, labels, selector};
pub use notes::next_steps;
pub use object_store::S3;
pub use proxy::Proxy;

use crate::error::Failure;
use crate::model::Values;
use serde::Serialize;
use serde_json::{Value, json};

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
/// The port MinIO's S3 API listens on in its pod (the Service's `minio.service.ports.api`
/// maps to it, as bitnami's `containerPorts.api` does), so a Service port below 1024 never
/// asks the non-root server to bind a privileged port.
pub const MINIO_PORT: u16 = 9000;

/// Release-level inputs that are not values.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub name: String,
    pub namespace: String,
}

/// Everything templates need beyond the values.
#[derive(Debug, Serialize)]
pub struct Wiring {
    pub fullname: String,
    pub names: Names,
    pub images: Images,
    pub db: Db,
    pub s3: S3,
    pub proxy: Option<Proxy>,
    pub mlflow_args: Vec<String>,
    /// The HTTPRoute's parentRefs, when it is rendered.
    pub http_route: Option<Vec<Value>>,
    /// The commands of the MLflow containers, the schema step's, and whether they need the
    /// scripts volume (the MySQL password launcher is one of the scripts).
    pub commands: Commands,
    pub service_target_port: u16,
    /// The extra CA bundle (`trustedCA`): the volume to mount at [`CA_DIR`], if any.
    pub trusted_ca: Option<Value>,
    /// ServiceAccounts referenced but not rendered (`serviceAccount.create=false`).
    pub serviceaccounts_outside: Vec<String>,
    /// ConfigMaps referenced but not rendered (the CA bundle's).
    pub configmaps_outside: Vec<String>,
    /// The exec probe of MLflow's /health on loopback (used when the proxy is in front).
    pub health_probe_command: Vec<String>,
    pub secrets_rendered: Vec<RenderedSecret>,
    pub secrets_generated: Vec<GeneratedSecret>,
    /// Secrets the values say exist outside the render.
    pub secrets_external: Vec<ExternalSecret>,
    /// Names of all Secrets referenced but not rendered (generated in-cluster or
    /// external), sorted.
    pub secrets_outside: Vec<String>,
    /// The fewest MLflow replicas that run (autoscaling.minReplicas or replicaCount).
    pub replicas_min: i64,
    /// The scheduler Deployment's `mlflow server` arguments (it is always rendered; see
    /// `scheduler_replicas`).
    pub scheduler_args: Vec<String>,
    /// Environment of the scheduler: the workers' and extraEnv.
    pub scheduler_env: Vec<Value>,
    /// The MLflow pod's extension points (extraEnv, extraVolumes, extraContainers, …).
    pub ext: extensions::Extensions,
    /// PostgreSQL's data directory (PGDATA) on its volume.
    pub pgdata: String,
    /// 1 when more than one tracking replica may run, else 0.
    pub scheduler_replicas: i64,
    /// The garbage collection CronJob's command (`MLFlow.gc.enabled`).
    pub gc_command: Option<Vec<String>>,
    /// Environment of the tracking server (periodic tasks off when a scheduler runs them).
    pub mlflow_env: Vec<Value>,
    /// Environment of the scheduler and the garbage collection Job: the database and the
    /// object store, as the tracking server has them.
    pub worker_env: Vec<Value>,
    pub db_env: Vec<Value>,
    pub proxy_env: Vec<Value>,
    /// Restricted security contexts: defaults, and MLflow's merged with the values.
    pub security: Value,
    /// The generator Job's input: JSON list of {name, labels, keys} (names only, no data).
    pub generator_spec: String,
    /// imagePullSecrets as `[{name}]`.
    pub pull_secrets: Vec<Value>,
    /// The URL of the UI through the Ingress (its first concrete host), if any.
    pub ui_url: Option<String>,
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
}

/// What deriving the wiring collects on the way: broken rules, stderr messages, and
/// the Secrets in each of the three credential modes.
#[derive(Default)]
pub(crate) struct Acc {
    pub errors: Vec<String>,
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
    pub rendered: Vec<RenderedSecret>,
    pub generated: Vec<GeneratedSecret>,
    pub external: Vec<ExternalSecret>,
}

/// Values the chart needs in the switches' current state: none may be blank or carry
/// leading or trailing whitespace (`""` would render `postgresql://@host`, `image: ":tag"`
/// or `--client-id= `), whether or not the schema was checked.
fn needed(values: &Values, acc: &mut Acc) {
    let (pg, minio, proxy) = (
        values.services.postgres.enabled,
        values.services.minio.enabled,
        values.oauth2_proxy.enabled,
    );
    let ext = &values.external_database;
    let external_host = !pg && values.services.postgres.external_uri.is_empty();
    let p = &values.oauth2_proxy;
    let checks: [(bool, &str, &str); 19] = [
        (true, "image.repository", &values.image.repository),
        (
            pg,
            "postgresql.auth.username",
            &values.postgresql.auth.username,
        ),
        (
            pg,
            "postgresql.auth.database",
            &values.postgresql.auth.database,
        ),
        (
            pg,
            "postgresql.image.repository",
            &values.postgresql.image.repository,
        ),
        (pg, "postgresql.image.tag", &values.postgresql.image.tag),
        (
            minio,
            "minio.image.repository",
            &values.minio.image.repository,
        ),
        (minio, "minio.image.tag", &values.minio.image.tag),
        (
            values.services.versitygw.enabled,
            "versitygw.image.repository",
            &values.versitygw.image.repository,
        ),
        (
            values.services.versitygw.enabled,
            "versitygw.image.tag",
            &values.versitygw.image.tag,
        ),
        (
            minio,
            "minio.clientImage.repository",
            &values.minio.client_image.repository,
        ),
        (
            minio,
            "minio.clientImage.tag",
            &values.minio.client_image.tag,
        ),
        (external_host, "externalDatabase.username", &ext.username),
        (external_host, "externalDatabase.database", &ext.database),
        (
            !pg && !ext.existing_secret.is_empty(),
            "externalDatabase.existingSecretPasswordKey",
            &ext.existing_secret_password_key,
        ),
        (proxy, "oauth2Proxy.repository", &p.repository),
        (proxy, "oauth2Proxy.tag", &p.tag),
        (proxy, "oauth2Proxy.cookieRefresh", &p.cookie_refresh),
        (
            values.metrics.enabled && values.metrics.service_monitor.enabled,
            "metrics.serviceMonitor.interval",
            &values.metrics.service_monitor.interval,
        ),
        (
            proxy && !p.client_id.is_empty(),
            "oauth2Proxy.clientID",
            &p.client_id,
        ),
    ];
    for (on, key, value) in checks {
        if !on {
            continue;
        }
        if value.trim().is_empty() {
            acc.errors.push(format!(
                "{key} is empty: the chart needs a value here (docs/values.md gives the default)"
            ));
        } else if value.trim() != value {
            acc.errors
                .push(format!("{key} begins or ends with whitespace: remove it"));
        }
    }
    // Keys of Secrets the pods read: a Secret's data keys (IsConfigMapKey).
    for (on, key, value) in [
        (
            !pg && !ext.existing_secret.is_empty(),
            "externalDatabase.existingSecretPasswordKey",
            &ext.existing_secret_password_key,
        ),
        (
            values.azure_blob.enabled && !values.azure_blob.existing_secret.is_empty(),
            "azureBlob.existingSecretKey",
            &values.azure_blob.existing_secret_key,
        ),
        (
            values.gcs.enabled && !values.gcs.existing_secret.is_empty(),
            "gcs.existingSecretKey",
            &values.gcs.existing_secret_key,
        ),
    ] {
        // (An empty externalDatabase key is reported with the other empty values.)
        let reported = value.is_empty() && key.starts_with("externalDatabase.");
        if on && !reported && !crate::validate::rules::config_key(value) {
            acc.errors.push(format!(
                "{key} must be a key of a Secret: letters, digits, '-', '_' and '.', not starting with '..' (at most 253)"
            ));
        }
    }
    // Credentials given as blanks: a Secret of spaces is no credential.
    for (key, value) in [
        ("postgresql.auth.password", &values.postgresql.auth.password),
        (
            "postgresql.auth.postgresPassword",
            &values.postgresql.auth.postgres_password,
        ),
        ("s3.user", &values.s3.user),
        ("s3.key", &values.s3.key),
        ("oauth2Proxy.clientSecret", &p.client_secret),
        ("oauth2Proxy.cookieSecret", &p.cookie_secret),
        ("minio.auth.rootUser", &values.minio.auth.root_user),
        ("minio.auth.rootPassword", &values.minio.auth.root_password),
        (
            "versitygw.auth.accessKey",
            &values.versitygw.auth.access_key,
        ),
        (
            "versitygw.auth.secretKey",
            &values.versitygw.auth.secret_key,
        ),
    ] {
        if !value.is_empty() && value.trim().is_empty() {
            acc.errors.push(format!(
                "{key} is blank (only whitespace): give the credential, or leave it empty to have one generated or read from an existing Secret"
            ));
        }
    }
    // Names of objects the values point at.
    for (key, name) in [
        (
            "postgresql.auth.existingSecret",
            values.postgresql.auth.existing_secret.as_str(),
        ),
        (
            "minio.auth.existingSecret",
            values.minio.auth.existing_secret.as_str(),
        ),
        (
            "versitygw.auth.existingSecret",
            values.versitygw.auth.existing_secret.as_str(),
        ),
        (
            "versitygw.persistence.storageClass",
            &values.versitygw.persistence.storage_class,
        ),
        (
            "externalDatabase.existingSecret",
            values.external_database.existing_secret.as_str(),
        ),
        ("s3.secret", values.s3.secret.as_str()),
        ("oauth2Proxy.secret", p.secret.as_str()),
        ("serviceAccount.name", values.service_account.name.as_str()),
        (
            "postgresql.persistence.storageClass",
            &values.postgresql.persistence.storage_class,
        ),
        (
            "minio.persistence.storageClass",
            &values.minio.persistence.storage_class,
        ),
        ("ingress.className", &values.ingress.class_name),
    ] {
        // "-" is bitnami's "no StorageClass" (storageClassName: "").
        let no_class = key.ends_with(".persistence.storageClass") && name == "-";
        if !name.is_empty() && !no_class && !crate::validate::rules::dns_subdomain(name) {
            acc.errors.push(format!(
                "{key} must be a Kubernetes object name (lowercase letters, digits, '-' and '.')"
            ));
        }
    }
    // Optional values: empty is fine, padding is not.
    for (key, value) in [
        (
            "oauth2Proxy.oidc.oidc_email_claim",
            &p.oidc.oidc_email_claim,
        ),
        (
            "oauth2Proxy.oidc.oidc_groups_claim",
            &p.oidc.oidc_groups_claim,
        ),
        ("oauth2Proxy.oidc.oidc_jwks_url", &p.oidc.oidc_jwks_url),
        ("oauth2Proxy.oidc.oidc_issuer_url", &p.oidc.oidc_issuer_url),
        ("image.digest", &values.image.digest),
        ("postgresql.image.digest", &values.postgresql.image.digest),
        ("minio.image.digest", &values.minio.image.digest),
        ("versitygw.image.digest", &values.versitygw.image.digest),
        ("image.tag", &values.image.tag),
        (
            "postgresql.persistence.storageClass",
            &values.postgresql.persistence.storage_class,
        ),
        (
            "minio.persistence.storageClass",
            &values.minio.persistence.storage_class,
        ),
        ("ingress.className", &values.ingress.class_name),
        ("s3.region", &values.s3.region),
    ] {
        if value.trim() != value {
            acc.errors
                .push(format!("{key} begins or ends with whitespace: remove it"));
        }
    }
    // Numbers the schema bounds, checked here too (with --skip-schema-validation).
    for (on, key, port) in [
        (true, "service.port", values.service.port),
        (
            values.services.minio.enabled,
            "minio.service.ports.api",
            values.minio.service.ports.api,
        ),
    ] {
        if on && !(1..=65535).contains(&port) {
            acc.errors
                .push(format!("{key} must be a port from 1 to 65535"));
        }
    }
    // An int32 field of the Deployment (a larger number fails its typed check with no key).
    if !(0..=i64::from(i32::MAX)).contains(&values.replica_count) {
        acc.errors
            .push("replicaCount must be a whole number from 0 to 2147483647".into());
    }
    // The official image creates the superuser "postgres" and the databases postgres,
    // template0 and template1 itself; the init script's CREATE ROLE/DATABASE of the same
    // name fails and the first start aborts.
    let auth = &values.postgresql.auth;
    // PostgreSQL reserves these role names (CREATE ROLE refuses them).
    if pg
        && ([
            "public",
            "none",
            "current_user",
            "session_user",
            "current_role",
        ]
        .contains(&auth.username.to_ascii_lowercase().as_str())
            || auth.username.starts_with("pg_"))
    {
        acc.errors.push(format!(
            "postgresql.auth.username {:?} is a role name PostgreSQL reserves: choose another (default mlflow)",
            auth.username
        ));
    }
    if pg && auth.username == "postgres" {
        acc.errors.push("postgresql.auth.username must not be \"postgres\": that is the image's superuser; MLflow gets a role of its own".into());
    }
    if pg && ["postgres", "template0", "template1"].contains(&auth.database.as_str()) {
        acc.errors.push(format!(
            "postgresql.auth.database must not be {:?}: the image creates it for itself; choose another name (default mlflow)",
            auth.database
        ));
    }
    let dir = &values.postgresql.persistence.data_directory;
    if pg
        && (matches!(dir.as_str(), "" | "." | ".." | "lost+found")
            || !dir
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            || dir.len() > 63)
    {
        acc.errors.push("postgresql.persistence.dataDirectory must be one directory name of letters, digits, '.', '_' and '-' (like pgdata, or data to adopt a bitnami volume)".into());
    }
    if values.pod_disruption_budget.enabled
        && !values
            .pod_disruption_budget
            .max_unavailable
            .allows_eviction()
    {
        acc.errors.push("podDisruptionBudget.maxUnavailable must be 1 or more, or a percentage from 1% to 100%: a budget that allows no eviction blocks every node drain".into());
    }
    // Resources: no negative quantity, no request above its limit.
    for (key, r) in [
        ("resources", &values.resources),
        ("postgresql.resources", &values.postgresql.resources),
        ("minio.resources", &values.minio.resources),
        ("versitygw.resources", &values.versitygw.resources),
        ("oauth2Proxy.resources", &values.oauth2_proxy.resources),
        ("bucketInit.resources", &values.bucket_init.resources),
        (
            "secretGenerator.resources",
            &values.secret_generator.resources,
        ),
        ("metrics.resources", &values.metrics.resources),
    ] {
        // Exact, as the API server compares them (Quantity.Cmp).
        let q = |l: &Option<crate::model::ResourceList>, name: &str| {
            let l = l.as_ref()?;
            let v = match name {
                "cpu" => l.cpu.as_ref(),
                "memory" => l.memory.as_ref(),
                _ => l.ephemeral_storage.as_ref(),
            }?;
            crate::validate::rules::quantity_exact(&v.0)
        };
        for name in ["cpu", "memory", "ephemeral-storage"] {
            let (req, lim) = (q(&r.requests, name), q(&r.limits, name));
            if req.as_ref().is_some_and(|x| x.negative) || lim.as_ref().is_some_and(|x| x.negative)
            {
                acc.errors
                    .push(format!("{key}: the {name} quantities must not be negative"));
            } else if let (Some(a), Some(b)) = (req, lim)
                && a > b
            {
                acc.errors.push(format!(
                    "{key}.requests.{name} is above {key}.limits.{name}: a request may be at most its limit"
                ));
            }
        }
    }
    // Data volumes need a size above zero.
    for (on, key, size) in [
        (
            values.services.postgres.enabled,
            "postgresql.persistence.size",
            &values.postgresql.persistence.size,
        ),
        (
            values.services.minio.enabled,
            "minio.persistence.size",
            &values.minio.persistence.size,
        ),
        (
            values.services.versitygw.enabled,
            "versitygw.persistence.size",
            &values.versitygw.persistence.size,
        ),
    ] {
        if on && !crate::validate::rules::quantity_positive(&size.0) {
            acc.errors
                .push(format!("{key} must be a size above zero, like 8Gi"));
        }
    }
    for (key, list) in [
        ("MLFlow.allowedHosts", &values.mlflow.allowed_hosts),
        (
            "MLFlow.corsAllowedOrigins",
            &values.mlflow.cors_allowed_origins,
        ),
        ("MLFlow.extraArgs", &values.mlflow.extra_args),
    ] {
        if let Some(n) = list.iter().position(|x| x.trim().is_empty()) {
            acc.errors.push(format!("{key}[{n}] is empty: remove it"));
        }
    }
    for (n, s) in values.image_pull_secrets.iter().enumerate() {
        if s.name().is_empty() {
            acc.errors.push(format!(
                "imagePullSecrets[{n}] is empty: give the name of a Secret, or remove it"
            ));
        }
    }
}

/// Labels of the Secrets the generator creates in the cluster: the recommended ones
/// except `app.kubernetes.io/instance`, which ArgoCD's label tracking (its default before
/// 3.0) reads as "managed by the Application of that name" — a Secret it never rendered
/// would be extraneous and, with `prune: true`, deleted (argo-cd docs,
/// user-guide/resource_tracking). The release is named by `mlflow-chart.io/release`.
fn generated_labels(
    values: &Values,
    release: &Release,
    component: &str,
) -> serde_json::Map<String, Value> {
    let mut l = labels(values, release, component);
    l.shift_remove("app.kubernetes.io/instance");
    l.insert("mlflow-chart.io/release".into(), json!(release.name));
    l
}

/// Annotations of the generated Secrets: never pruned and not counted as drift by ArgoCD
/// whatever its tracking method (argo-cd docs: user-guide/sync-options "No Prune
/// Resources", user-guide/compare-options "IgnoreExtraneous"). Flux prunes only what is
/// in its inventory, which the generated Secrets never are.
fn generated_annotations() -> Value {
    json!({
        "argocd.argoproj.io/sync-options": "Prune=false",
        "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
        "mlflow-chart.io/generated-by": "the release's secret-generator Job (created once, never changed)",
    })
}

/// The commands of the MLflow containers: `mlflow` and the schema step, each behind the
/// database's launcher when it has one (MySQL).
#[derive(Debug, Serialize)]
pub struct Commands {
    pub mlflow: Vec<String>,
    pub db_upgrade: Vec<String>,
    /// The MLflow containers mount the scripts (the launcher is one).
    pub scripts: bool,
}

/// Derives the wiring, or fails with every broken cross-key rule at once.
pub fn build(values: &Values, release: &Release, gateway_api: bool) -> Result<Wiring, Failure> {
    let mut acc = Acc::default();
    needed(values, &mut acc);
    let names = names::build(values, release, &mut acc);
    let images = images::build(values, &mut acc);
    let trusted_ca = trust::build(values, &mut acc);
    let db = database::build(values, &names, trusted_ca.is_some(), &mut acc);
    let s3 = object_store::build(values, &names, &mut acc);
    let ingress = network::public_hosts(values, gateway_api, &mut acc);
    let http_route = (values.http_route.enabled && gateway_api)
        .then(|| network::route_parents(values, &mut acc));
    network::check(values, &mut acc);
    notes::no_effect(values, &mut acc);
    let proxy = proxy::build(
        values,
        &names,
        &release.namespace,
        &ingress,
        trusted_ca.is_some(),
        &mut acc,
    );
    network::metadata_port(values, &db, &s3, proxy.as_ref(), &mut acc);
    let mlflow_args = mlflow::args(
        values,
        release,
        &names,
        &ingress,
        &db,
        &s3,
        proxy.is_some(),
        &mut acc,
    );
    let replicas_min = mlflow::replicas_min(values, &mut acc);
    mlflow::openshift_conflicts(values, &mut acc);
    mlflow::writable_root(values, &mut acc);
    // Always rendered (0 replicas when the tracking pods run the tasks themselves), so a
    // scale-down never leaves a scheduler behind beside them.
    let scheduler_replicas = i64::from(mlflow::needs_scheduler(values));
    let scheduler_args = mlflow::scheduler_args(&mlflow_args);
    let launch = database::launcher(&db);
    let gc_command = mlflow::gc_command(values, &s3, &mut acc)
        .map(|cmd| launch.iter().cloned().chain(cmd).collect());
    let commands = Commands {
        mlflow: launch.iter().cloned().chain(["mlflow".into()]).collect(),
        db_upgrade: launch
            .iter()
            .cloned()
            .chain(["python".into(), "/scripts/db-upgrade.py".into()])
            .collect(),
        scripts: !launch.is_empty(),
    };
    credentials::no_collisions(&mut acc);
    let db_env = database::env(&db, trusted_ca.is_some());
    let kek = mlflow::kek_passphrase(values, &names, &mut acc);
    let mut worker_env = object_store::env(db_env.clone(), &s3);
    worker_env.push(kek);
    let mut mlflow_env = worker_env.clone();
    if scheduler_replicas > 0 {
        mlflow_env
            .push(json!({"name": "MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS", "value": "false"}));
    }
    let security = mlflow::security(values);
    let ext = extensions::build(
        values,
        &release.namespace,
        &mlflow_env,
        &[
            "tmp",
            "scripts",
            "trusted-ca",
            "gcs-key",
            "machine-tokens",
            "issuer-ca",
        ],
        &security["container"],
        &mut acc,
    );

    mlflow_env.extend(ext.env.iter().cloned());
    let mut scheduler_env = worker_env.clone();
    scheduler_env.extend(ext.env.iter().cloned());

    if !acc.errors.is_empty() {
        return Err(Failure::input(format!(
            "the values break {} of the chart's rules",
            if acc.errors.len() == 1 {
                "one".to_string()
            } else {
                acc.errors.len().to_string()
            }
        ))
        .with_problems(crate::schema::capped(acc.errors)));
    }

    let proxy_env = proxy.as_ref().map(proxy::env).unwrap_or_default();
    let generator_spec = serde_json::to_string(
        &acc.generated
            .iter()
            .map(|g| json!({"name": g.name, "labels": generated_labels(values, release, &g.component), "annotations": generated_annotations(), "keys": g.keys}))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let secrets_outside: Vec<String> = acc
        .generated
        .iter()
        .map(|g| g.name.clone())
        .chain(acc.external.iter().map(|e| e.name.clone()))
        .chain(ext.secrets.iter().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let serviceaccounts_outside =
        if values.service_account.create || names.service_account == "default" {
            Vec::new()
        } else {
            vec![names.service_account.clone()]
        };
    let issuer_ca = proxy
        .as_ref()
        .and_then(|p| p.machines.as_ref())
        .and_then(|m| m.ca_config_map.clone())
        .unwrap_or_default();
    let configmaps_outside = [values.trusted_ca.config_map.clone(), issuer_ca]
        .into_iter()
        .chain(ext.configmaps.iter().cloned())
        .filter(|n| !n.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();

    let ui_url = ingress
        .hosts
        .iter()
        .find(|h| !h.contains('*'))
        .map(|h| format!("{}://{h}/", ingress.scheme(h)));
    Ok(Wiring {
        ui_url,
        fullname: names.mlflow.clone(),
        secrets_outside,
        generator_spec,
        mlflow_env,
        worker_env,
        scheduler_args,
        scheduler_replicas,
        gc_command,
        pgdata: format!(
            "/var/lib/postgresql/data/{}",
            values.postgresql.persistence.data_directory
        ),
        db_env,
        proxy_env,
        security,
        ext,
        scheduler_env,
        pull_secrets: values
            .image_pull_secrets
            .iter()
            .map(|p| json!({"name": p.name()}))
            .collect(),
        serviceaccounts_outside,
        configmaps_outside,
        trusted_ca,
        health_probe_command: mlflow::health_probe_command(),
        service_target_port: if proxy.is_some() {
            PROXY_PORT
        } else {
            MLFLOW_PORT
        },
        names,
        images,
        db,
        s3,
        proxy,
        mlflow_args,
        http_route,
        commands,
        secrets_rendered: acc.rendered,
        secrets_generated: acc.generated,
        secrets_external: acc.external,
        replicas_min,
        notes: acc.notes,
        warnings: acc.warnings,
    })
}
