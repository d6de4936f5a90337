//! Trust: the extra CA bundle (`trustedCA`) from an existing ConfigMap or Secret, mounted
//! at [`super::CA_DIR`] into every container that makes TLS connections.

use super::Acc;
use super::credentials::ExternalSecret;
use crate::model::Values;
use serde_json::{Value, json};

/// The volume of the CA bundle, if one is named.
pub(crate) fn build(values: &Values, acc: &mut Acc) -> Option<Value> {
    let ca = &values.trusted_ca;
    let (cm, secret, key) = (ca.config_map.as_str(), ca.secret.as_str(), ca.key.as_str());
    for (what, name) in [("trustedCA.configMap", cm), ("trustedCA.secret", secret)] {
        if !name.is_empty() && !crate::validate::rules::dns_subdomain(name) {
            acc.errors.push(format!(
                "{what} must be a Kubernetes object name (lowercase letters, digits, '-' and '.')"
            ));
        }
    }
    if !key.is_empty() && !crate::validate::rules::config_key(key) {
        acc.errors.push(
            "trustedCA.key must be a key name (letters, digits, '-', '_' and '.', not . or ..)"
                .into(),
        );
    }
    let items = json!([{"key": key, "path": "ca.crt"}]);
    let volume = match (cm.is_empty(), secret.is_empty()) {
        (true, true) => None,
        (false, false) => {
            acc.errors.push("trustedCA.configMap and trustedCA.secret are both set: name the CA bundle in one of them".into());
            None
        }
        (false, true) => {
            Some(json!({"name": "trusted-ca", "configMap": {"name": cm, "items": items}}))
        }
        (true, false) => {
            acc.external.push(ExternalSecret::new(secret, &[key]));
            Some(json!({"name": "trusted-ca", "secret": {"secretName": secret, "items": items}}))
        }
    };
    if volume.is_some() && key.is_empty() {
        acc.errors.push(
            "trustedCA.key is empty: name the key that holds the PEM bundle (e.g. ca.crt)".into(),
        );
    }
    volume
}
