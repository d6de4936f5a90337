//! Cluster-level and other small objects: StorageClass (`pkg/apis/storage/validation`),
//! PriorityClass (`pkg/apis/scheduling/validation`), Lease, RuntimeClass and EndpointSlice,
//! at v1.33.

use super::Out;
use super::fields::{get, one_of};
use super::is_label_key;
use crate::parse::At;
use serde_json::Value;

pub(super) fn check(o: &mut Out<'_>, kind: &str, v: &Value) {
    match kind {
        "StorageClass" => {
            // ValidateStorageClass: a qualified provisioner name (validateProvisioner
            // checks it lower-cased), known policies, parameters and topologies.
            match v.get("provisioner").and_then(Value::as_str) {
                Some(p) if !p.is_empty() && is_label_key(&p.to_lowercase()) => {}
                Some(p) if !p.is_empty() => o.add(
                    "provisioner",
                    "must be a qualified name like kubernetes.io/aws-ebs",
                ),
                _ => o.add("provisioner", "required"),
            }
            one_of(o, v, "reclaimPolicy", "", &["Delete", "Retain"]);
            one_of(
                o,
                v,
                "volumeBindingMode",
                "",
                &["Immediate", "WaitForFirstConsumer"],
            );
            if let Some(params) = v.get("parameters").and_then(Value::as_object) {
                storage_parameters(o, params);
            }
            allowed_topologies(o, v.get("allowedTopologies"));
        }
        "PriorityClass" => {
            // ValidatePriorityClass: a `system-` name is reserved for the two system classes,
            // with their values and not the global default (IsKnownSystemPriorityClass:
            // SystemCriticalPriority is 2 × 10^9, system-node-critical 1000 above it);
            // other classes at most HighestUserDefinablePriority.
            let name = v.at("/metadata/name").and_then(Value::as_str).unwrap_or("");
            let value = get(v, "value").and_then(Value::as_i64);
            if name.starts_with("system-") {
                let known = match name {
                    "system-cluster-critical" => value == Some(2_000_000_000),
                    "system-node-critical" => value == Some(2_000_001_000),
                    _ => false,
                } && v.get("globalDefault") != Some(&Value::Bool(true));
                if !known {
                    o.add(
                        "metadata.name",
                        "priority class names with 'system-' prefix are reserved for system use only (system-cluster-critical and system-node-critical, with their values)",
                    );
                }
            } else if value.is_some_and(|x| x > 1_000_000_000) {
                o.add(
                    "value",
                    "must be at most 1000000000 (higher values are reserved for system classes)",
                );
            }
            one_of(
                o,
                v,
                "preemptionPolicy",
                "",
                &["PreemptLowerPriority", "Never"],
            );
        }
        // ValidateLeaseSpec: durations above zero.
        "Lease" => {
            if let Some(spec) = get(v, "spec") {
                super::fields::positive(o, spec, "leaseDurationSeconds", "spec");
            }
        }
        // ValidateRuntimeClass (pkg/apis/node/validation): the handler is a DNS-1123
        // label; the overhead is checked as a container's limits
        // (ValidateResourceRequirements), the scheduling as a pod's tolerations and node
        // selector (validateScheduling).
        "RuntimeClass" => {
            if !v
                .get("handler")
                .and_then(Value::as_str)
                .is_some_and(super::fields::dns_label)
            {
                o.add(
                    "handler",
                    "must be a DNS-1123 label (lowercase letters, digits, '-')",
                );
            }
            if let Some(fixed) = v.at("/overhead/podFixed") {
                super::pod::limits(o, fixed, "overhead");
            }
            if let Some(s) = v.get("scheduling") {
                super::pod::tolerations(o, s.get("tolerations"), "scheduling.tolerations");
                super::pod::node_selector(o, s.get("nodeSelector"), "scheduling.nodeSelector");
            }
        }
        // ValidateEndpointSlice: the address type, the endpoints and the ports.
        "EndpointSlice" => {
            one_of(o, v, "addressType", "", &["IPv4", "IPv6", "FQDN"]);
            endpoint_slice(o, v);
        }
        _ => {}
    }
}

/// validateParameters (pkg/apis/storage/validation): at most 512 parameters, no empty key,
/// keys and values together at most 256 KiB.
fn storage_parameters(o: &mut Out<'_>, params: &serde_json::Map<String, Value>) {
    if params.len() > 512 {
        o.add("parameters", "may have at most 512 parameters");
        return;
    }
    if params.keys().any(String::is_empty) {
        o.add("parameters", "a parameter's name may not be empty");
    }
    // Counted as annotations are: keys and values, in bytes.
    if super::annotations_size(params) > 256 * 1024 {
        o.add("parameters", "may total at most 256 KiB");
    }
}

/// validateAllowedTopologies (pkg/apis/storage/validation) and core's
/// ValidateTopologySelectorTerm: each requirement has values, none twice, and a label
/// key; no key twice in a term; no two terms alike. A term without requirements counts as
/// a repeat: the API server compares each term with a list that starts with one empty
/// entry per term.
fn allowed_topologies(o: &mut Out<'_>, terms: Option<&Value>) {
    use std::collections::{BTreeMap, BTreeSet};
    let mut earlier: Vec<BTreeMap<&str, BTreeSet<&str>>> = Vec::new();
    let terms: Vec<&Value> = terms
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    for (i, term) in terms.iter().enumerate() {
        let at = format!("allowedTopologies[{i}].matchLabelExpressions");
        let mut keys: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let exprs = term
            .get("matchLabelExpressions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (n, e) in exprs.iter().enumerate() {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if values.is_empty() {
                o.add(format!("{at}[{n}].values"), "required: at least one value");
            }
            let mut set = BTreeSet::new();
            for (m, x) in values.iter().enumerate() {
                if !set.insert(*x) {
                    o.add(
                        format!("{at}[{n}].values[{m}]"),
                        format!("duplicate value {x:?}"),
                    );
                }
            }
            if !is_label_key(key) {
                o.add(
                    format!("{at}[{n}].key"),
                    "must be a label key like topology.kubernetes.io/zone",
                );
            }
            if keys.insert(key, set).is_some() {
                o.add(format!("{at}[{n}].key"), format!("duplicate key {key:?}"));
            }
        }
        if keys.is_empty() || earlier.contains(&keys) {
            o.add(
                &at,
                if keys.is_empty() {
                    "required: a term needs at least one requirement (an empty term counts as a repeat)"
                } else {
                    "duplicate term: the same requirements as an earlier term"
                },
            );
        }
        earlier.push(keys);
    }
}

/// validateEndpoints and validatePorts (pkg/apis/discovery/validation): each endpoint has
/// 1 to 100 addresses of the slice's type (IPv4, IPv6 outside the special ranges, or a
/// domain name) and a DNS-1123 label as hostname; port names are DNS-1123 labels, no name
/// twice (an unnamed port's name is "").
fn endpoint_slice(o: &mut Out<'_>, v: &Value) {
    let family = v.get("addressType").and_then(Value::as_str).unwrap_or("");
    for (i, e) in super::items(v.get("endpoints")) {
        let at = format!("endpoints[{i}]");
        let addresses: Vec<&Value> = e
            .get("addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        match addresses.len() {
            0 => o.add(format!("{at}.addresses"), "required: at least 1 address"),
            n if n > 100 => o.add(format!("{at}.addresses"), "may have at most 100 addresses"),
            _ => {}
        }
        for (n, a) in addresses.iter().enumerate() {
            let a = a.as_str().unwrap_or("");
            // IsValidIPv4Address / IsValidIPv6Address read the address as
            // netutils.ParseIPSloppy does (leading zeros allowed; an IPv4-mapped IPv6
            // address is IPv4), then ValidateNonSpecialIP.
            let ip = super::fields::parse_ip_sloppy(a).map(|ip| ip.to_canonical());
            let ok = match family {
                "IPv4" => ip.is_some_and(|ip| ip.is_ipv4() && !super::fields::special_ip(ip)),
                "IPv6" => ip.is_some_and(|ip| ip.is_ipv6() && !super::fields::special_ip(ip)),
                "FQDN" => fqdn(a),
                _ => true,
            };
            if !ok {
                o.add(
                    format!("{at}.addresses[{n}]"),
                    if family == "FQDN" {
                        "must be a fully qualified domain name (at least two DNS-1123 labels, like db.example.org)".to_string()
                    } else {
                        format!("must be an {family} address (not unspecified, loopback, link-local or link-local multicast)")
                    },
                );
            }
        }
        if let Some(node) = e.get("nodeName").and_then(Value::as_str)
            && !super::dns_subdomain(node)
        {
            o.add(
                format!("{at}.nodeName"),
                "must be a node name (a DNS-1123 subdomain)",
            );
        }
        if let Some(h) = e.get("hostname").and_then(Value::as_str)
            && !super::fields::dns_label(h)
        {
            o.add(
                format!("{at}.hostname"),
                "must be a DNS-1123 label (lowercase letters, digits, '-')",
            );
        }
    }
    // maxEndpoints and maxPorts.
    if super::items(v.get("endpoints")).count() > 1000 {
        o.add("endpoints", "may have at most 1000 endpoints");
    }
    if super::items(v.get("ports")).count() > 20000 {
        o.add("ports", "may have at most 20000 ports");
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, p) in super::items(v.get("ports")) {
        app_protocol(o, p, &format!("ports[{i}]"));
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        if !name.is_empty() && !super::fields::dns_label(name) {
            o.add(
                format!("ports[{i}].name"),
                "must be a DNS-1123 label (lowercase letters, digits, '-')",
            );
        }
        if names.contains(&name) {
            o.add(
                format!("ports[{i}].name"),
                format!("duplicate value {name:?} (an unnamed port is named \"\")"),
            );
        }
        names.push(name);
    }
}

/// apimachinery's IsFullyQualifiedDomainName: one trailing dot dropped, then at least two
/// labels, a DNS-1123 subdomain whose labels are DNS-1123 labels.
fn fqdn(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    name.contains('.')
        && super::dns_subdomain(name)
        && name.split('.').all(super::fields::dns_label)
}

/// An endpoint port's appProtocol is a qualified name (validateEndpointPort, validatePorts).
pub(super) fn app_protocol(o: &mut Out<'_>, p: &Value, at: &str) {
    if let Some(a) = p.get("appProtocol").and_then(Value::as_str)
        && !is_label_key(a)
    {
        o.add(
            format!("{at}.appProtocol"),
            "must be a qualified name like kubernetes.io/h2c or http",
        );
    }
}
