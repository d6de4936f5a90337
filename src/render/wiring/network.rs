//! The network: the hosts the Ingress serves and which of them have TLS (they decide the
//! proxy's callback, cookie and MLflow's allowed hosts and origins), and the rules of the
//! NetworkPolicy values.

use super::Acc;
use crate::model::{ServiceType, Values};
use serde_json::{Value, json};
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

/// The hosts users reach MLflow on: the Ingress's and the HTTPRoute's (when it is
/// rendered: `httpRoute.enabled` and the cluster serves the Gateway API).
pub(crate) fn public_hosts(values: &Values, gateway_api: bool, acc: &mut Acc) -> IngressHosts {
    let mut out = ingress(values, acc);
    let route = &values.http_route;
    if !route.enabled {
        return out;
    }
    if !gateway_api {
        acc.notes.push("no HTTPRoute rendered: the cluster's API versions do not include gateway.networking.k8s.io/v1 (pass --api-versions gateway.networking.k8s.io/v1 when the Gateway API is installed); its hostnames are not allowed either".into());
        return out;
    }
    if route.hostnames.is_empty() {
        acc.errors.push("httpRoute.enabled is true but httpRoute.hostnames names no host: MLflow accepts only the hosts it knows, and the proxy's login callback needs one".into());
    }
    // The CRD's maxItems, named by the values key.
    for (key, len, max) in [
        ("httpRoute.parentRefs", route.parent_refs.len(), 32),
        ("httpRoute.hostnames", route.hostnames.len(), 16),
    ] {
        if len > max {
            acc.errors.push(format!(
                "{key} has {len} items; an HTTPRoute takes at most {max}"
            ));
        }
    }
    if route.parent_refs.is_empty() {
        acc.errors.push("httpRoute.parentRefs is empty: name the Gateway the route attaches to, e.g. [{name: public, namespace: gateways}]".into());
    }
    // A parentRef without sectionName (or port) attaches to every listener of the
    // Gateway that admits the route (the HTTPRoute CRD's `sectionName`: "When unspecified
    // (empty string), this will reference the entire resource", crds/, Gateway API
    // v1.6.1): a plain-http listener of the Gateway serves MLflow too, where the API's
    // bearer tokens would cross in clear.
    if route.tls {
        for (i, parent) in route.parent_refs.iter().enumerate() {
            let gateway = match parent.get("kind") {
                None | Some(serde_json::Value::Null) => true,
                Some(serde_json::Value::String(kind)) => kind == "Gateway",
                Some(_) => false,
            };
            // A port alone selects every listener on it (`port`, the same CRD): 443 and
            // 8443 are taken as HTTPS, any other (80) may be plain http.
            let section = parent.get("sectionName").is_some_and(|v| !v.is_null());
            let https_port = matches!(
                parent.get("port").and_then(serde_json::Value::as_i64),
                Some(443 | 8443)
            );
            if gateway && !section && !https_port {
                acc.warnings.push(format!("httpRoute.parentRefs[{i}] names no sectionName (and no port 443 or 8443): the route attaches to every listener of that Gateway that admits it (on that port), a plain-http one too, where API clients' bearer tokens would cross in clear (httpRoute.tls says the hosts are https); name the Gateway's HTTPS listener in sectionName"));
            }
        }
    }
    for (i, h) in route.hostnames.iter().enumerate() {
        if !route_hostname_ok(h) {
            acc.errors.push(format!("httpRoute.hostnames[{i}] must be a DNS name like mlflow.example.org, optionally with a leading '*.' (lowercase, no IP address, no port)"));
        }
        if route.hostnames[..i].contains(h) {
            acc.errors.push(format!(
                "httpRoute.hostnames[{i}] repeats {h}: list each host once"
            ));
        }
        if out.hosts.contains(h) {
            if out.tls.contains(h) != route.tls {
                acc.warnings.push(format!("host {h} is served by the Ingress and the HTTPRoute, one with TLS and one without: browsers may reach it over plain http; make ingress.tls and httpRoute.tls agree"));
            }
        } else {
            out.hosts.push(h.clone());
        }
        if route.tls {
            out.tls.insert(h.clone());
        }
    }
    out
}

/// The HTTPRoute's parentRefs, each checked against the bundled HTTPRoute CRD's schema
/// and named by its values key.
pub(crate) fn route_parents(values: &Values, acc: &mut Acc) -> Vec<Value> {
    let refs: Vec<Value> = values
        .http_route
        .parent_refs
        .iter()
        .cloned()
        .map(Value::Object)
        .collect();
    let Some(Some(schema)) =
        crate::validate::crd::bundled().get("gateway.networking.k8s.io/v1", "HTTPRoute")
    else {
        acc.errors
            .push("the bundled Gateway API HTTPRoute schema is missing (a build defect)".into());
        return refs;
    };
    for (i, message) in crate::validate::rules::parent_refs(&refs) {
        acc.errors
            .push(format!("httpRoute.parentRefs[{i}] {message}"));
    }
    for (i, r) in refs.iter().enumerate() {
        let probe = json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {"name": "probe"},
            "spec": {"parentRefs": [r]},
        });
        for p in crate::validate::crd::check(&probe, schema) {
            let path = p.path.to_string();
            let rest = path.strip_prefix("spec.parentRefs[0]").unwrap_or(&path);
            acc.errors
                .push(format!("httpRoute.parentRefs[{i}]{rest}: {}", p.message));
        }
    }
    refs
}

/// A Gateway API hostname: a lowercase DNS-1123 subdomain with an optional leading `*.`
/// (the HTTPRoute CRD's `hostnames` pattern, gateway-api v1.6.1), never an IP address.
fn route_hostname_ok(h: &str) -> bool {
    let name = h.strip_prefix("*.").unwrap_or(h);
    !name.is_empty()
        && h.len() <= 253
        && name.parse::<std::net::IpAddr>().is_err()
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn ingress(values: &Values, acc: &mut Acc) -> IngressHosts {
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
    for (n, h) in ingress.hosts.iter().enumerate() {
        // Kubernetes refuses an IP as an Ingress host (ValidateIngressRule: "must be a DNS
        // name, not an IP address"), and the login callback needs a name.
        if h.host.parse::<std::net::IpAddr>().is_ok() {
            acc.errors.push(format!(
                "ingress.hosts[{n}].host: {} is an IP address; an Ingress host must be a DNS name (Kubernetes refuses IPs there)",
                h.host
            ));
        }
    }
    if hosts.is_empty() {
        acc.errors
            .push("ingress.enabled is true but ingress.hosts names no host".into());
    }
    IngressHosts { hosts, tls }
}

/// Warns of egress the values open to every address: an `extraEgress` rule without `to`
/// (NetworkPolicyEgressRule: an empty or missing `to` matches all destinations) or with
/// an `ipBlock` of a whole address family, and a `dnsTo` peer that is every address.
fn wide_egress(np: &crate::model::NetworkPolicy, acc: &mut Acc) {
    // A peer's ipBlock (a peer is a JSON object in extraEgress, a map in dnsTo).
    let every_address = |ip_block: Option<&Value>| {
        matches!(
            ip_block.and_then(|b| b.get("cidr")),
            Some(Value::String(c)) if covers_a_whole_family(c)
        )
    };
    for (n, rule) in np.extra_egress.iter().enumerate() {
        let wide = match rule.get("to") {
            None | Some(Value::Null) => true,
            Some(Value::Array(to)) => {
                to.is_empty() || to.iter().any(|peer| every_address(peer.get("ipBlock")))
            }
            _ => false,
        };
        if wide {
            acc.warnings.push(format!("networkPolicy.extraEgress[{n}] lets MLflow's pods reach every address (no `to`, or an ipBlock of /0): the internet, and the cloud's metadata service (169.254.169.254) unless an except leaves it out; name the peers (ipBlock of the service's addresses, or a namespaceSelector and podSelector)"));
        }
    }
    for (n, peer) in np.dns_to.iter().enumerate() {
        if every_address(peer.get("ipBlock")) {
            acc.warnings.push(format!("networkPolicy.dnsTo[{n}] is every address: every pod of the release may send to any address on ports 53 and 5353, a way out of the cluster; name the DNS pods (namespaceSelector and podSelector) or the DNS service's addresses"));
        }
        // A namespaceSelector that pins no namespace, without a podSelector that pins the
        // pods (NetworkPolicyPeer: every pod of the selected namespaces): `{}`, or only
        // Exists/NotIn/DoesNotExist expressions, which match namespaces by absence.
        let any_namespace = peer
            .get("namespaceSelector")
            .is_some_and(|s| !pins(Some(s)));
        if any_namespace && !pins(peer.get("podSelector")) {
            acc.warnings.push(format!("networkPolicy.dnsTo[{n}] may be every pod in every namespace (its selectors name no label value to match): the release's pods may send to any of them on ports 53 and 5353; name the DNS pods (a podSelector like k8s-app: kube-dns)"));
        }
    }
    // Several blocks that together cover a whole address family (0.0.0.0/1 and
    // 128.0.0.0/1), less their excepts, are every address as much as one /0 is; short of
    // that, blocks that hold the cloud's metadata service still reach it.
    let ranges = |blocks: Vec<&Value>| -> Vec<(bool, u128, u128)> {
        blocks.into_iter().flat_map(block_ranges).collect()
    };
    let egress_blocks: Vec<&Value> = np
        .extra_egress
        .iter()
        .filter_map(|r| r.get("to").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.get("ipBlock"))
        .collect();
    let single = |blocks: &[&Value]| {
        blocks.iter().any(|b| {
            b.get("cidr")
                .and_then(text)
                .is_some_and(covers_a_whole_family)
        })
    };
    let egress = ranges(egress_blocks.clone());
    if !single(&egress_blocks) {
        if covers_ranges(&egress) {
            acc.warnings.push("networkPolicy.extraEgress's ipBlocks together cover every address of an address family: MLflow's pods may reach the internet; name the peers' own addresses".into());
        } else if reaches_metadata(&egress) {
            acc.warnings.push("networkPolicy.extraEgress's ipBlocks hold a cloud metadata service (169.254.169.254, fd00:ec2::254 or 100.100.100.200), which hands out the node's cloud credentials: except it (ipBlock.except: [169.254.169.254/32]) or name the peers' own addresses".into());
        }
    }
    let dns_blocks: Vec<&Value> = np.dns_to.iter().filter_map(|p| p.get("ipBlock")).collect();
    let dns = ranges(dns_blocks.clone());
    if !single(&dns_blocks) && covers_ranges(&dns) {
        acc.warnings.push("networkPolicy.dnsTo's ipBlocks together cover every address of an address family: every pod of the release may send to any address on ports 53 and 5353; name the DNS service's addresses".into());
    }
}

/// The addresses an ipBlock admits: its CIDR's range less its excepts' (as
/// [`cidr_range`] gives them; none for a CIDR that is not one).
fn block_ranges(block: &Value) -> Vec<(bool, u128, u128)> {
    let Some((v6, first, last)) = block.get("cidr").and_then(text).and_then(cidr_range) else {
        return Vec::new();
    };
    let mut out = vec![(first, last)];
    for x in block
        .get("except")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some((xv6, xa, xb)) = x.as_str().and_then(cidr_range) else {
            continue;
        };
        if xv6 != v6 {
            continue;
        }
        out = out
            .into_iter()
            .flat_map(|(a, b)| {
                let mut parts = Vec::new();
                if xb < a || xa > b {
                    parts.push((a, b));
                } else {
                    if xa > a {
                        parts.push((a, xa - 1));
                    }
                    if xb < b {
                        parts.push((xb + 1, b));
                    }
                }
                parts
            })
            .collect();
    }
    out.into_iter().map(|(a, b)| (v6, a, b)).collect()
}

/// A JSON text's string (a peer's CIDR, an operator: pieces of Kubernetes objects given
/// verbatim, not values looked up by path).
fn text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// The cloud metadata services' addresses, as (IPv6?, address): 169.254.169.254 (AWS,
/// GCP, Azure, OpenStack and others), AWS's IPv6 endpoint fd00:ec2::254 (Nitro instances,
/// IPv6 clusters) and Alibaba Cloud's 100.100.100.200. Each hands out the node's cloud
/// credentials.
const METADATA: [(bool, u128); 3] = [
    (false, 0xA9FE_A9FE),
    (true, 0xFD00_0EC2_0000_0000_0000_0000_0000_0254),
    (false, 0x6464_64C8),
];

/// Do the ranges hold a cloud metadata service ([`METADATA`])?
fn reaches_metadata(ranges: &[(bool, u128, u128)]) -> bool {
    ranges.iter().any(|(v6, a, b)| {
        METADATA
            .iter()
            .any(|(mv6, m)| v6 == mv6 && a <= m && m <= b)
    })
}

/// Does a label selector pin what it selects to a label value (a matchLabels entry, or an
/// `In` expression)? One that does not (`{}`, missing, only Exists/NotIn/DoesNotExist)
/// may match everything.
fn pins(selector: Option<&Value>) -> bool {
    let Some(Value::Object(m)) = selector else {
        return false;
    };
    let labels = m
        .get("matchLabels")
        .and_then(Value::as_object)
        .is_some_and(|l| !l.is_empty());
    let in_expr = m
        .get("matchExpressions")
        .and_then(Value::as_array)
        .is_some_and(|e| {
            e.iter()
                .any(|x| x.get("operator").and_then(text) == Some("In"))
        });
    labels || in_expr
}
/// The addresses a CIDR covers, as (IPv6?, first, last) in its family's number space; an
/// IPv4-mapped IPv6 range (`::ffff:0.0.0.0/97`) counts as the IPv4 range it matches.
fn cidr_range(cidr: &str) -> Option<(bool, u128, u128)> {
    let (addr, bits) = cidr.split_once('/')?;
    let bits: u32 = bits.parse().ok()?;
    let (v6, value, width) = match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => (false, u128::from(u32::from(a)), 32),
        std::net::IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) if bits >= 96 => (false, u128::from(u32::from(v4)), 32 + 96),
            _ => (true, u128::from(a), 128),
        },
    };
    if bits > width {
        return None;
    }
    let host_bits = width - bits;
    let host_mask: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let family_max: u128 = if v6 { u128::MAX } else { u128::from(u32::MAX) };
    let first = value & !host_mask & family_max;
    Some((v6, first, (first | host_mask) & family_max))
}

/// Do the CIDRs, together, cover every address of IPv4 or of IPv6?
#[cfg(test)]
fn covers_together(cidrs: &[String]) -> bool {
    let ranges: Vec<(bool, u128, u128)> = cidrs.iter().filter_map(|c| cidr_range(c)).collect();
    covers_ranges(&ranges)
}

/// Do the ranges, together, cover every address of IPv4 or of IPv6?
fn covers_ranges(all: &[(bool, u128, u128)]) -> bool {
    [false, true].into_iter().any(|v6| {
        let mut ranges: Vec<(u128, u128)> = all
            .iter()
            .copied()
            .filter(|(six, _, _)| *six == v6)
            .map(|(_, a, b)| (a, b))
            .collect();
        ranges.sort_unstable();
        let max = if v6 { u128::MAX } else { u128::from(u32::MAX) };
        let mut next: u128 = 0;
        for (a, b) in ranges {
            if a > next {
                return false;
            }
            if b >= next {
                if b == max {
                    return true;
                }
                next = b + 1;
            }
        }
        false
    })
}

/// Does this CIDR cover every address of IPv4 or IPv6: a prefix length of 0 (`0.0.0.0/0`,
/// `::/00`: Kubernetes 1.33 takes leading zeros, only warning of them, apimachinery
/// v0.33.0 pkg/util/validation/ip.go:211-237), or an IPv4-mapped IPv6 range of 96 bits or
/// fewer (`::ffff:0.0.0.0/96`, which Go matches against every IPv4 address)?
fn covers_a_whole_family(cidr: &str) -> bool {
    let Some((addr, bits)) = cidr.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u32>() else {
        return false;
    };
    match addr.parse::<std::net::IpAddr>() {
        Ok(_) if bits == 0 => true,
        Ok(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().is_some() && bits <= 96,
        _ => false,
    }
}

/// Warns of each egress rule the chart opens to any address on port 80 (an external
/// store or identity provider named by DNS name, with no `networkPolicy.*To` peers): port
/// 80 of every address holds the cloud metadata services ([`METADATA`]), which hand out the
/// node's cloud credentials to any pod that asks.
pub(crate) fn metadata_port(
    values: &Values,
    db: &super::database::Db,
    s3: &super::object_store::S3,
    proxy: Option<&super::proxy::Proxy>,
    acc: &mut Acc,
) {
    let np = &values.network_policy;
    if !np.enabled {
        return;
    }
    let services = &values.services;
    let store_in_release = services.minio.enabled || services.versitygw.enabled;
    let open = [
        (
            !db.internal && np.external_database_to.is_empty() && db.port == 80,
            "the external database",
            "externalDatabaseTo",
        ),
        (
            !store_in_release && np.external_s3_to.is_empty() && s3.port == 80,
            "the object store (s3.url)",
            "externalS3To",
        ),
        (
            proxy.is_some_and(|p| p.idp_port == 80) && np.identity_provider_to.is_empty(),
            "the identity provider",
            "identityProviderTo",
        ),
        (
            proxy
                .and_then(|p| p.machines.as_ref())
                .is_some_and(|m| m.ports.contains(&80))
                && np.token_issuer_to.is_empty(),
            "the ServiceAccount token issuer",
            "tokenIssuerTo",
        ),
    ];
    for (_, what, key) in open.into_iter().filter(|(on, _, _)| *on) {
        acc.warnings.push(format!("networkPolicy: the release's pods may reach any address on port 80 for {what}, and that includes the cloud metadata service (169.254.169.254:80), which hands out the node's cloud credentials; name the peers in networkPolicy.{key} (an ipBlock of its addresses, or a namespaceSelector and podSelector)"));
    }
}

/// Rules of the NetworkPolicy values.
pub(crate) fn check(values: &Values, acc: &mut Acc) {
    let np = &values.network_policy;
    if np.enabled && np.dns_to.is_empty() {
        acc.errors.push("networkPolicy.dnsTo is empty: name your cluster's DNS pods (every pod may ask them on ports 53 and 5353; see docs/security.md#network)".into());
    }
    if np.enabled {
        wide_egress(np, acc);
    }
    if !np.enabled {
        let services = &values.services;
        let stores: Vec<&str> = [
            (services.postgres.enabled, "PostgreSQL"),
            (services.minio.enabled, "MinIO"),
            (services.versitygw.enabled, "the Versity S3 Gateway"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        let reach = if stores.is_empty() {
            "MLflow's Service".to_string()
        } else {
            format!("MLflow's Service and {}", stores.join(", "))
        };
        acc.warnings.push(format!("networkPolicy.enabled is false: no NetworkPolicy is rendered, so any pod in the cluster can reach {reach} directly, and the release's pods can reach anything; keep it true unless another policy layer (e.g. the cluster's own) does the same"));
    }
    if let Some(kind) = match values.service.kind {
        ServiceType::ClusterIP => None,
        ServiceType::NodePort => Some("NodePort"),
        ServiceType::LoadBalancer => Some("LoadBalancer"),
    } {
        acc.warnings.push(format!("service.type is {kind}: the MLflow Service's port is reachable from outside the cluster over plain http, so logins, session cookies and bearer tokens cross the network unencrypted; prefer ClusterIP behind an Ingress or HTTPRoute with TLS, or a load balancer that terminates TLS"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_hostnames() {
        for ok in ["mlflow.example.org", "*.example.org", "a", "a-1.b"] {
            assert!(route_hostname_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "*.",
            "Mlflow.example.org",
            "10.0.0.1",
            "a..b",
            "-a.b",
            "a-.b",
            "a:80",
            "*.*.a",
            "a.*.b",
            "a_b.c",
        ] {
            assert!(!route_hostname_ok(bad), "{bad}");
        }
    }

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("*.example.org", "a.example.org"));
        assert!(!covers("*.example.org", "a.b.example.org"));
        assert!(!covers("*.example.org", "example.org"));
        assert!(covers("mlflow.example.org", "mlflow.example.org"));
    }
}

#[cfg(test)]
mod coverage_tests {
    fn v(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn excepts_are_taken_out_of_a_block() {
        let b = serde_json::json!({"cidr": "0.0.0.0/1", "except": ["64.0.0.0/2"]});
        let mut r = super::block_ranges(&b);
        r.extend(super::block_ranges(
            &serde_json::json!({"cidr": "128.0.0.0/1"}),
        ));
        assert!(!super::covers_ranges(&r));
        let meta = super::block_ranges(&serde_json::json!({"cidr": "169.254.0.0/16"}));
        assert!(super::reaches_metadata(&meta));
        let out = super::block_ranges(
            &serde_json::json!({"cidr": "169.254.0.0/16", "except": ["169.254.169.254/32"]}),
        );
        assert!(!super::reaches_metadata(&out));
    }

    #[test]
    fn blocks_that_cover_a_family_together() {
        assert!(super::covers_together(&v(&["0.0.0.0/1", "128.0.0.0/1"])));
        assert!(super::covers_together(&v(&[
            "128.0.0.0/2",
            "0.0.0.0/1",
            "192.0.0.0/2"
        ])));
        assert!(super::covers_together(&v(&["::/1", "8000::/1"])));
        assert!(super::covers_together(&v(&[
            "::ffff:0.0.0.0/97",
            "128.0.0.0/1"
        ])));
        assert!(super::covers_together(&v(&["0.0.0.0/0"])));
        assert!(!super::covers_together(&v(&["0.0.0.0/1", "128.0.0.0/2"])));
        assert!(!super::covers_together(&v(&["10.0.0.0/8", "0.0.0.0/1"])));
        assert!(!super::covers_together(&v(&[
            "0.0.0.0/1",
            "::/1",
            "8000::/2"
        ])));
        assert!(!super::covers_together(&v(&["bad", "0.0.0.0/33"])));
    }
}
