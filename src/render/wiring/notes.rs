//! Notes: what the user should know about the values as given (keys that have no effect
//! with the switches as they are) and Helm-style next steps after a render.

use super::{Acc, Release, Wiring};
use crate::model::Values;
use serde_json::Value;

/// Values that have no effect with the switches as they are.
pub(crate) fn no_effect(values: &Values, acc: &mut Acc) {
    if values.services.postgres.enabled
        && (!values.external_database.host.is_empty()
            || !values.services.postgres.external_uri.is_empty())
    {
        // A warning, as for the external S3 settings beside MinIO: the data would go to
        // the in-cluster database, not to the one the user named.
        acc.warnings.push("externalDatabase.* and services.postgres.externalURI are ignored while services.postgres.enabled is true: MLflow keeps its data in the in-cluster PostgreSQL; set services.postgres.enabled=false to use yours".into());
    }
    // A switched-off block whose other keys the user changed from their defaults. Only the
    // blocks that are off are turned back into JSON to compare.
    let defaults = crate::values::defaults();
    let blocks: [(&str, bool, &str, &dyn erased::Block); 11] = [
        (
            "ingress",
            values.ingress.enabled,
            "ingress.enabled",
            &values.ingress,
        ),
        (
            "autoscaling",
            values.autoscaling.enabled,
            "autoscaling.enabled",
            &values.autoscaling,
        ),
        (
            "metrics",
            values.metrics.enabled,
            "metrics.enabled",
            &values.metrics,
        ),
        (
            "oauth2Proxy",
            values.oauth2_proxy.enabled,
            "oauth2Proxy.enabled",
            &values.oauth2_proxy,
        ),
        (
            "networkPolicy",
            values.network_policy.enabled,
            "networkPolicy.enabled",
            &values.network_policy,
        ),
        (
            "minio",
            values.services.minio.enabled,
            "services.minio.enabled",
            &values.minio,
        ),
        (
            "versitygw",
            values.services.versitygw.enabled,
            "services.versitygw.enabled",
            &values.versitygw,
        ),
        (
            "postgresql",
            values.services.postgres.enabled,
            "services.postgres.enabled",
            &values.postgresql,
        ),
        (
            "azureBlob",
            values.azure_blob.enabled,
            "azureBlob.enabled",
            &values.azure_blob,
        ),
        ("gcs", values.gcs.enabled, "gcs.enabled", &values.gcs),
        (
            "httpRoute",
            values.http_route.enabled,
            "httpRoute.enabled",
            &values.http_route,
        ),
    ];
    for (block, on, switch, model) in blocks {
        if on {
            continue;
        }
        let (Value::Object(now), Some(Value::Object(def))) = (model.to_json(), defaults.get(block))
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
                "{} {} no effect while {switch} is false",
                changed.join(", "),
                if changed.len() == 1 { "has" } else { "have" }
            ));
        }
    }
    if !values.autoscaling.enabled && values.replica_count == 0 {
        acc.notes
            .push("replicaCount is 0: no MLflow pod runs".into());
    }
}

/// Helm-style NOTES: how to reach MLflow, get a token, and which Secrets must exist.
pub fn next_steps(values: &Values, w: &Wiring, release: &Release) -> Vec<String> {
    let mut out = vec!["next steps:".to_string()];
    if let Some(url) = &w.ui_url {
        out.push(format!("  MLflow UI and API: {url}"));
    } else {
        let port = values.service.port;
        let forward = format!(
            "kubectl -n {} port-forward svc/{} {port}:{port}",
            release.namespace, w.fullname
        );
        if w.proxy.is_some() {
            // Without an ingress the proxy's cookie is Secure and its callback https
            // (oauthproxy.go:1120-1133 at v7.15.3): a browser cannot log in over the
            // port-forward, a bearer token can.
            out.push(format!(
                "  MLflow API: {forward}, then MLFLOW_TRACKING_URI=http://localhost:{port} with MLFLOW_TRACKING_TOKEN set (below)"
            ));
            out.push(
                "  MLflow UI in a browser: needs an ingress with TLS (ingress.enabled, ingress.hosts, ingress.tls); the login does not work over a port-forward".into(),
            );
        } else {
            out.push(format!(
                "  MLflow UI and API: {forward}, then http://localhost:{port}/"
            ));
        }
    }
    if w.proxy.is_some() {
        out.push(
            "  API token: export MLFLOW_TRACKING_TOKEN=$(mlflow-token)  (Keycloak device flow)"
                .into(),
        );
    }
    if !w.secrets_external.is_empty() {
        out.push(format!(
            "  Secrets that must exist in namespace {}:",
            release.namespace
        ));
        out.extend(w.secrets_external.iter().map(|s| format!("    - {s}")));
    }
    if !w.secrets_generated.is_empty() {
        out.push(format!(
            "  Generated once in the cluster by Job {}: {}",
            w.names.generator_job,
            w.secrets_generated
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

/// A block of the values model as JSON, behind one trait object type (the blocks are
/// different structs).
mod erased {
    pub(super) trait Block {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Block for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}
