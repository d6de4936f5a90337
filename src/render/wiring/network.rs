//! The network: the hosts the Ingress serves and which of them have TLS (they decide the
//! proxy's callback, cookie and MLflow's allowed hosts and origins), and the rules of the
//! NetworkPolicy values.

use super::Acc;
use crate::model::Values;
use std::collections::BTreeSet;

/// The Ingress's hosts (empty when the Ingress is off) and those served with TLS.
#[derive(Debug, Default)]
pub(crate) struct IngressHosts {
    pub hosts: Vec<String>,
    pub tls: BTreeSet<String>,
}

impl IngressHosts {
    pub fn scheme(&self, host: &str) -> &'static str {
        if self.tls.contains(host) {
            "https"
        } else {
            "http"
        }
    }
}

/// Does a TLS host entry cover `host`? `*.example.org` covers `a.example.org` only.
fn covers(entry: &str, host: &str) -> bool {
    entry == host
        || entry.strip_prefix("*.").is_some_and(|suffix| {
            host.split_once('.').is_some_and(|(first, rest)| {
                !first.is_empty() && !first.contains('*') && rest == suffix
            })
        })
}

pub(crate) fn ingress(values: &Values, acc: &mut Acc) -> IngressHosts {
    let ingress = &values.ingress;
    if !ingress.enabled {
        return IngressHosts::default();
    }
    let hosts: Vec<String> = ingress
        .hosts
        .iter()
        .map(|h| h.host.clone())
        .filter(|h| !h.is_empty())
        .collect();
    // The hosts served with TLS: those a TLS entry names, including through a wildcard,
    // and every host when an entry names none (ingress controllers then use that
    // certificate for all).
    let tls = hosts
        .iter()
        .filter(|h| {
            ingress
                .tls
                .iter()
                .any(|t| t.hosts.is_empty() || t.hosts.iter().any(|e| covers(e, h)))
        })
        .cloned()
        .collect();
    for h in &hosts {
        // Kubernetes refuses an IP as an Ingress host (ValidateIngressRule: "must be a DNS
        // name, not an IP address"), and the login callback needs a name.
        if h.parse::<std::net::IpAddr>().is_ok() {
            acc.errors.push(format!(
                "ingress.hosts: {h} is an IP address; an Ingress host must be a DNS name (Kubernetes refuses IPs there)"
            ));
        }
    }
    if hosts.is_empty() {
        acc.errors
            .push("ingress.enabled is true but ingress.hosts names no host".into());
    }
    IngressHosts { hosts, tls }
}

/// Rules of the NetworkPolicy values.
pub(crate) fn check(values: &Values, acc: &mut Acc) {
    let np = &values.network_policy;
    if np.enabled && np.dns_to.is_empty() {
        acc.errors.push("networkPolicy.dnsTo is empty: name your cluster's DNS pods (every pod may ask them on ports 53 and 5353; see docs/security.md#network)".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("*.example.org", "a.example.org"));
        assert!(!covers("*.example.org", "a.b.example.org"));
        assert!(!covers("*.example.org", "example.org"));
        assert!(covers("mlflow.example.org", "mlflow.example.org"));
    }
}
