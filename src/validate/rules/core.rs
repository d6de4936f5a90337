//! Core objects other than pods: Service, Secret and ConfigMap, PersistentVolumeClaim,
//! LimitRange, ResourceQuota, Endpoints, and every object's metadata (namespace,
//! generateName, finalizers, owner references) — kubernetes
//! `pkg/apis/core/validation/validation.go` and apimachinery's `ValidateObjectMeta` at
//! v1.33, the function named beside each rule.

use super::fields::{
    alternatives, dns_label, get, is_ip, join_key, one_of, port_name, port_or_name,
};
use super::{Out, dns_subdomain, is_label_key, items, quantity_value};
use crate::parse::At;
use serde_json::Value;
use std::collections::HashSet;

pub(super) fn check(o: &mut Out<'_>, kind: &str, v: &Value) {
    metadata(o, v);
    match kind {
        "Service" => service(o, v),
        "Secret" => secret(o, v),
        "ConfigMap" => config_map(o, v),
        "PersistentVolumeClaim" => {
            if let Some(spec) = get(v, "spec") {
                pvc(o, spec, "spec", true);
            }
        }
        "PersistentVolume" => {
            if let Some(spec) = get(v, "spec") {
                persistent_volume(o, spec);
            }
        }
        "LimitRange" => limit_range(o, v),
        "ResourceQuota" => {
            // validateResourceQuotaScopes: known scopes, not both of a pair.
            let scopes: Vec<&str> = items(v.at("/spec/scopes"))
                .filter_map(|(_, x)| x.as_str())
                .collect();
            for s in &scopes {
                if !matches!(
                    *s,
                    "Terminating"
                        | "NotTerminating"
                        | "BestEffort"
                        | "NotBestEffort"
                        | "PriorityClass"
                        | "CrossNamespacePodAffinity"
                        | "VolumeAttributesClass"
                ) {
                    o.add("spec.scopes", format!("unsupported scope {s:?}"));
                }
            }
            for (a, b) in [
                ("BestEffort", "NotBestEffort"),
                ("Terminating", "NotTerminating"),
            ] {
                if scopes.contains(&a) && scopes.contains(&b) {
                    o.add("spec.scopes", format!("conflicting scopes {a} and {b}"));
                }
            }
            let hard: Vec<(&String, &Value)> = v
                .at("/spec/hard")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .collect();
            for (k, q) in &hard {
                let at = join_key("spec.hard", k);
                // validateResourceQuotaResourceName: a qualified name; without a '/', one
                // the quota system knows (helper.IsStandardQuotaResourceName).
                if !is_label_key(k) || !k.contains('/') && !quota_resource(k) {
                    o.add(
                        &at,
                        "must be a standard resource for quota (cpu, memory, requests.storage, pods, count/<resource>.<group>, requests.<extended resource>, …)",
                    );
                }
                // ValidateResourceQuantityValue: not negative; object counts and extended
                // resources (helper.IsIntegerResourceName) are whole numbers.
                match quantity_value(q) {
                    Some(x) if x < 0.0 => o.add(&at, "must be greater than or equal to 0"),
                    Some(x) if x.fract() != 0.0 && integer_resource(k) => {
                        o.add(&at, "must be an integer")
                    }
                    _ => {}
                }
            }
            // validateResourceQuotaScopes: each scope applies to the quota's resources
            // (helper.IsResourceQuotaScopeValidForResource).
            for s in &scopes {
                if let Some(k) = hard.iter().map(|(k, _)| *k).find(|k| !scope_fits(s, k)) {
                    o.add(
                        "spec.scopes",
                        format!("unsupported scope applied to resource: {s} does not apply to {k}"),
                    );
                }
            }
            if let Some(sel) = v.at("/spec/scopeSelector") {
                scope_selector(o, sel, &hard);
            }
        }
        "Endpoints" => {
            for (n, s) in items(v.get("subsets")) {
                for field in ["addresses", "notReadyAddresses"] {
                    for (m, a) in items(s.get(field)) {
                        // validateEndpointAddress / validateNonSpecialIP (C:7581, 7605).
                        // IsValidIPForLegacyField: read as ParseIPSloppy reads it.
                        let ip = a
                            .get("ip")
                            .and_then(Value::as_str)
                            .and_then(super::fields::parse_ip_sloppy)
                            .map(|ip| ip.to_canonical());
                        match ip {
                            None => o.add(
                                format!("subsets[{n}].{field}[{m}].ip"),
                                "must be a valid IP address",
                            ),
                            Some(ip) if super::fields::special_ip(ip) => o.add(
                                format!("subsets[{n}].{field}[{m}].ip"),
                                "may not be unspecified, loopback, link-local or link-local multicast",
                            ),
                            Some(_) => {}
                        }
                    }
                }
                // validateEndpointSubsets: some address, ready or not.
                if items(s.get("addresses")).count() == 0
                    && items(s.get("notReadyAddresses")).count() == 0
                {
                    o.add(
                        format!("subsets[{n}]"),
                        "must specify `addresses` or `notReadyAddresses`",
                    );
                }
                for field in ["addresses", "notReadyAddresses"] {
                    for (m, a) in items(s.get(field)) {
                        // validateEndpointAddress: a node name (ValidateNodeName).
                        if let Some(node) = a.get("nodeName").and_then(Value::as_str)
                            && !dns_subdomain(node)
                        {
                            o.add(
                                format!("subsets[{n}].{field}[{m}].nodeName"),
                                "must be a node name (a DNS-1123 subdomain)",
                            );
                        }
                        // validateEndpointAddress: a hostname is a DNS-1123 label.
                        if let Some(h) = a.get("hostname").and_then(Value::as_str)
                            && !h.is_empty()
                            && !dns_label(h)
                        {
                            o.add(
                                format!("subsets[{n}].{field}[{m}].hostname"),
                                "must be a DNS-1123 label (lowercase letters, digits, '-')",
                            );
                        }
                    }
                }
                let ports: Vec<(usize, &Value)> = items(s.get("ports")).collect();
                for (m, p) in &ports {
                    let at = format!("subsets[{n}].ports[{m}]");
                    one_of(o, p, "protocol", &at, &["TCP", "UDP", "SCTP"]);
                    super::cluster::app_protocol(o, p, &at);
                    // validateEndpointPort: a name when there are several, a DNS-1123
                    // label; a valid port number.
                    let name = p.text("name");
                    if name.is_empty() && ports.len() > 1 {
                        o.add(format!("{at}.name"), "required: several ports need names");
                    } else if !name.is_empty() && !dns_label(name) {
                        o.add(
                            format!("{at}.name"),
                            "must be a DNS-1123 label (lowercase letters, digits, '-')",
                        );
                    }
                    if !p
                        .get("port")
                        .and_then(Value::as_i64)
                        .is_some_and(|x| (1..=65535).contains(&x))
                    {
                        o.add(
                            format!("{at}.port"),
                            "must be a port number from 1 to 65535",
                        );
                    }
                }
            }
        }
        _ => {}
    }
}

/// ValidateObjectMeta: namespace, generateName, finalizers, owner references.
fn metadata(o: &mut Out<'_>, v: &Value) {
    let Some(m) = get(v, "metadata") else { return };
    if let Some(ns) = get(m, "namespace").and_then(Value::as_str)
        && !ns.is_empty()
        && !dns_label(ns)
    {
        o.add(
            "metadata.namespace",
            "must be a DNS-1123 label (lowercase letters, digits, '-', at most 63)",
        );
    }
    if let Some(g) = get(m, "generateName").and_then(Value::as_str)
        && !g.is_empty()
        && !dns_subdomain(
            &format!("{}a", g.strip_suffix('-').unwrap_or(g))
                .chars()
                .take(253)
                .collect::<String>(),
        )
    {
        o.add(
            "metadata.generateName",
            "must be the prefix of a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
        );
    }
    for (n, f) in items(m.get("finalizers")) {
        // A qualified name (apimachinery ValidateFinalizerName); an unprefixed one must be
        // a standard finalizer. For the built-in kinds that is an error: core
        // ValidateObjectMeta runs validateKubeFinalizerName on every metadata.finalizers
        // entry ("name is neither a standard finalizer name nor is it fully qualified",
        // C:7475). For a custom resource the apiextensions-apiserver only warns ("prefer
        // a domain-qualified finalizer name", pkg/registry/customresource/validator.go
        // validateKubeFinalizerName at v0.33.0).
        // A CustomResourceDefinition's and an APIService's metadata apimachinery's
        // ValidateObjectMeta alone checks (apiextensions ValidateCustomResourceDefinition,
        // kube-aggregator ValidateAPIService): a qualified name is all they need.
        let text = |k: &str| v.text(k);
        match f.as_str() {
            Some(f) if is_label_key(f) => {
                if !f.contains('/')
                    && !matches!(f, "kubernetes" | "orphan" | "foregroundDeletion")
                    && !matches!(text("kind"), "CustomResourceDefinition" | "APIService")
                {
                    if crate::validate::typed::namespaced(text("apiVersion"), text("kind"))
                        .is_some()
                    {
                        o.add(
                            format!("metadata.finalizers[{n}]"),
                            format!("{f:?}: name is neither a standard finalizer name (kubernetes, orphan, foregroundDeletion) nor is it fully qualified: use a name like example.com/cleanup"),
                        );
                    } else {
                        o.add(
                            format!("metadata.finalizers[{n}]"),
                            format!(
                                "{f:?}: {}{} to avoid accidental conflicts with other finalizer writers",
                                crate::validate::semantic::UNQUALIFIED_FINALIZER,
                                if f.contains('.') { " including a path (/)" } else { "" }
                            ),
                        );
                    }
                }
            }
            _ => o.add(
                format!("metadata.finalizers[{n}]"),
                "must be a qualified name like example.com/cleanup",
            ),
        }
    }
    // ValidateFinalizers (apimachinery pkg/api/validation/objectmeta.go:197-213 at
    // v0.33.0): orphaning the dependents and deleting them first contradict each other.
    let finalizers: Vec<&str> = items(m.get("finalizers"))
        .filter_map(|(_, f)| f.as_str())
        .collect();
    if finalizers.contains(&"orphan") && finalizers.contains(&"foregroundDeletion") {
        o.add(
            "metadata.finalizers",
            "finalizer orphan and foregroundDeletion cannot be both set",
        );
    }
    if items(m.get("ownerReferences"))
        .filter(|(_, r)| r.get("controller") == Some(&Value::Bool(true)))
        .count()
        > 1
    {
        o.add(
            "metadata.ownerReferences",
            "only one reference can have controller set to true",
        );
    }
    for (n, r) in items(m.get("ownerReferences")) {
        for k in ["apiVersion", "kind", "name", "uid"] {
            if r.get(k).and_then(Value::as_str).is_none_or(str::is_empty) {
                o.add(format!("metadata.ownerReferences[{n}].{k}"), "required");
            }
        }
        // BannedOwners (objectmeta.go:38-41, 85-87): a core Event owns nothing.
        if r.get("apiVersion").and_then(Value::as_str) == Some("v1")
            && r.get("kind").and_then(Value::as_str) == Some("Event")
        {
            o.add(
                format!("metadata.ownerReferences[{n}]"),
                "/v1, Kind=Event is disallowed from being an owner",
            );
        }
    }
}

/// ValidateNonSpecialIP (external IPs, endpoints): why an address may not be one, if it
/// is unspecified, loopback, link-local, or link-local multicast (Go's net.IP tests, an
/// IPv4-mapped IPv6 address as its IPv4 one).
fn special_ip(s: &str) -> Option<&'static str> {
    let ip = super::fields::parse_ip_sloppy(s)?;
    let ip = match ip {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
        v4 => v4,
    };
    match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            if v4.is_unspecified() {
                Some("may not be unspecified (0.0.0.0)")
            } else if a == 127 {
                Some("may not be in the loopback range (127.0.0.0/8, ::1/128)")
            } else if a == 169 && b == 254 {
                Some("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
            } else if a == 224 && b == 0 && c == 0 {
                Some("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
            } else {
                None
            }
        }
        std::net::IpAddr::V6(v6) => {
            let seg = v6.segments();
            if v6.is_unspecified() {
                Some("may not be unspecified (::)")
            } else if v6.is_loopback() {
                Some("may not be in the loopback range (127.0.0.0/8, ::1/128)")
            } else if seg[0] & 0xffc0 == 0xfe80 {
                Some("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
            } else if seg[0] & 0xff0f == 0xff02 {
                Some("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
            } else {
                None
            }
        }
    }
}

/// ValidateService.
fn service(o: &mut Out<'_>, v: &Value) {
    // ValidateService (v1.33): the topology annotation and its deprecated spelling must
    // agree when both are given.
    let annotation = |k: &str| v["metadata"]["annotations"].get(k).and_then(Value::as_str);
    if let (Some(mode), Some(hints)) = (
        annotation("service.kubernetes.io/topology-mode"),
        annotation("service.kubernetes.io/topology-aware-hints"),
    ) && mode != hints
    {
        o.add(
            super::fields::join_key("metadata.annotations", "service.kubernetes.io/topology-mode"),
            "must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified",
        );
    }
    let Some(spec) = get(v, "spec") else { return };
    const TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    one_of(o, spec, "type", "spec", TYPES);
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP");
    let cluster_ip = spec.text("clusterIP");
    if ty == "ExternalName" {
        // ValidateService: no IP families for a name (the allocator's initIPFamilyFields
        // leaves an ExternalName Service as it is, so nothing clears them first).
        if items(spec.get("ipFamilies")).next().is_some() {
            o.add(
                "spec.ipFamilies",
                "may not be set for ExternalName services",
            );
        }
        if spec.get("ipFamilyPolicy").is_some_and(|p| !p.is_null()) {
            o.add(
                "spec.ipFamilyPolicy",
                "may not be set for ExternalName services",
            );
        }
        match spec.get("externalName").and_then(Value::as_str) {
            Some(n) if !n.is_empty() && dns_subdomain(n.trim_end_matches('.')) => {}
            Some(n) if !n.is_empty() => o.add("spec.externalName", "must be a DNS name"),
            _ => o.add(
                "spec.externalName",
                "required for a Service of type ExternalName",
            ),
        }
    }
    if !(cluster_ip.is_empty() || cluster_ip == "None" || is_ip(cluster_ip)) {
        o.add(
            "spec.clusterIP",
            "must be empty, 'None', or a valid IP address",
        );
    }
    if cluster_ip == "None" && matches!(ty, "NodePort" | "LoadBalancer") {
        o.add(
            "spec.clusterIP",
            format!("may not be 'None' for a {ty} Service"),
        );
    }
    let ports: Vec<(usize, &Value)> = items(spec.get("ports")).collect();
    if ports.is_empty() && ty != "ExternalName" && cluster_ip != "None" {
        o.add(
            "spec.ports",
            "required: a Service needs at least one port (unless it is headless or ExternalName)",
        );
    }
    let mut names = HashSet::new();
    let mut seen = HashSet::new();
    let mut node_ports = HashSet::new();
    for (n, p) in &ports {
        let at = format!("spec.ports[{n}]");
        let name = p.text("name");
        if ports.len() > 1 && name.is_empty() {
            o.add(
                format!("{at}.name"),
                "required when the Service has more than one port",
            );
        }
        if !name.is_empty() {
            if !dns_label(name) {
                o.add(
                    format!("{at}.name"),
                    "must be a DNS-1123 label (lowercase letters, digits, '-')",
                );
            } else if !names.insert(name.to_string()) {
                o.add(
                    format!("{at}.name"),
                    format!("duplicate port name {name:?}"),
                );
            }
        }
        one_of(o, p, "protocol", &at, &["TCP", "UDP", "SCTP"]);
        // validateServicePort: an application protocol is a qualified name.
        if let Some(ap) = p.get("appProtocol").and_then(Value::as_str)
            && !is_label_key(ap)
        {
            o.add(
                format!("{at}.appProtocol"),
                "must be a qualified name like http or kubernetes.io/h2c",
            );
        }
        // SetDefaults_Service: a missing or empty port protocol is TCP.
        let proto = match p.get("protocol").and_then(Value::as_str) {
            None | Some("") => "TCP",
            Some(proto) => proto,
        };
        if let Some(port) = p.get("port").and_then(Value::as_i64)
            && !seen.insert((port, proto.to_string()))
        {
            o.add(
                format!("{at}.port"),
                format!("duplicate port {port}/{proto}"),
            );
        }
        // An empty targetPort becomes the port (SetDefaults_Service, as 0 does).
        if let Some(t) = get(p, "targetPort").filter(|t| t.as_str().is_some_and(|s| !s.is_empty()))
            && !t.as_str().is_some_and(port_name)
        {
            port_or_name(o, Some(t), &format!("{at}.targetPort"));
        }
        // ValidateService: "Check for duplicate NodePorts, considering (protocol,port)
        // pairs" (a nodePort of 0 is none; the protocol defaults to TCP).
        if let Some(np) = get(p, "nodePort").and_then(Value::as_i64)
            && np != 0
            && !node_ports.insert((np, proto.to_string()))
        {
            o.add(
                format!("{at}.nodePort"),
                format!("duplicate node port {np}/{proto}"),
            );
        }
        // A nodePort of 0 is unset: ValidateService checks only a non-zero one, and the
        // registry allocates one for NodePort and LoadBalancer Services.
        if let Some(np) = get(p, "nodePort")
            .and_then(Value::as_i64)
            .filter(|&np| np != 0)
        {
            // ValidateService forbids a nodePort explicitly only for ClusterIP.
            if ty == "ClusterIP" {
                o.add(
                    format!("{at}.nodePort"),
                    format!("may not be used when type is '{ty}'"),
                );
            } else if !(1..=65535).contains(&np) {
                o.add(
                    format!("{at}.nodePort"),
                    "must be a port number from 1 to 65535",
                );
            }
        }
    }
    one_of(o, spec, "sessionAffinity", "spec", &["None", "ClientIP"]);
    // ValidateService: the selector is a label set.
    for (k, x) in spec
        .get("selector")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !is_label_key(k) || !x.as_str().is_some_and(super::is_label_value) {
            o.add(
                format!("spec.selector[{k:?}]"),
                "invalid label key or value",
            );
        }
    }
    // SetDefaults_Service (pkg/apis/core/v1/defaults.go) runs first: a missing or empty
    // sessionAffinity is None, and with None the sessionAffinityConfig is dropped (so
    // ValidateService's "must not be set when session affinity is None" never fires for
    // a v1 object); the timeout is checked only with ClientIP (validateClientIPAffinityConfig).
    if get(spec, "sessionAffinity").and_then(Value::as_str) == Some("ClientIP")
        && let Some(t) = spec
            .at("/sessionAffinityConfig/clientIP/timeoutSeconds")
            .and_then(Value::as_i64)
        && !(1..=86400).contains(&t)
    {
        o.add(
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
            "must be from 1 to 86400",
        );
    }
    if ty == "ExternalName" && !cluster_ip.is_empty() {
        o.add(
            "spec.clusterIP",
            "may not be set for a Service of type ExternalName",
        );
    }
    for (n, ip) in items(spec.get("externalIPs")) {
        if !ip.as_str().is_some_and(is_ip) {
            o.add(
                format!("spec.externalIPs[{n}]"),
                "must be a valid IP address",
            );
        } else if let Some(why) = ip.as_str().and_then(special_ip) {
            o.add(format!("spec.externalIPs[{n}]"), why);
        }
    }
    // A node port is a port number (the allocator takes none other).
    if let Some(p) = get(spec, "healthCheckNodePort").and_then(Value::as_i64)
        && !(0..=65535).contains(&p)
    {
        o.add(
            "spec.healthCheckNodePort",
            "must be a port number from 1 to 65535",
        );
    }
    // validateServiceExternalTrafficPolicy: a health-check node port only for a
    // LoadBalancer that keeps traffic on the node.
    if spec
        .get("healthCheckNodePort")
        .is_some_and(|p| !p.is_null() && p != 0)
        && !(ty == "LoadBalancer"
            && spec.get("externalTrafficPolicy").and_then(Value::as_str) == Some("Local"))
    {
        o.add(
            "spec.healthCheckNodePort",
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        );
    }
    for (n, r) in items(spec.get("loadBalancerSourceRanges")) {
        if r.as_str()
            .is_none_or(|c| super::fields::cidr(c.trim()).is_none())
        {
            o.add(
                format!("spec.loadBalancerSourceRanges[{n}]"),
                "must be a CIDR like 10.0.0.0/8",
            );
        }
    }
    // ValidateService: the fields of a load balancer only on a LoadBalancer Service
    // (source ranges, field or annotation; allocateLoadBalancerNodePorts), and
    // validateLoadBalancerClassField: a class only there, a qualified name.
    const RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";
    let ranges_annotation = v
        .at("/metadata/annotations")
        .and_then(|a| a.get(RANGES))
        .and_then(Value::as_str);
    if items(spec.get("loadBalancerSourceRanges")).next().is_none()
        && let Some(ranges) = ranges_annotation
    {
        let at = format!("metadata.annotations[{RANGES:?}]");
        if ty != "LoadBalancer" {
            o.add(at.clone(), "may only be used when `type` is 'LoadBalancer'");
        }
        let ranges = ranges.trim();
        if !ranges.is_empty()
            && ranges
                .split(',')
                .any(|c| super::fields::cidr(c.trim()).is_none())
        {
            o.add(
                at,
                "must be a comma-separated list of CIDRs like 10.0.0.0/8",
            );
        }
    }
    let lb_only = [
        "loadBalancerSourceRanges",
        "allocateLoadBalancerNodePorts",
        "loadBalancerClass",
    ];
    for field in lb_only {
        let set = match get(spec, field) {
            Some(Value::Array(a)) => !a.is_empty(),
            Some(_) => true,
            None => false,
        };
        if set && ty != "LoadBalancer" {
            o.add(
                format!("spec.{field}"),
                format!("may only be used when `type` is 'LoadBalancer', not '{ty}'"),
            );
        }
    }
    if ty == "LoadBalancer"
        && let Some(class) = get(spec, "loadBalancerClass")
        && !class.as_str().is_some_and(is_label_key)
    {
        o.add(
            "spec.loadBalancerClass",
            "must be a qualified name like example.com/internal-vip",
        );
    }
    // validateServiceTrafficDistribution: PreferClose, and from Kubernetes 1.34 (the
    // PreferSameTrafficDistribution gate) PreferSameZone and PreferSameNode, which
    // rules::gated_fields checks against the target version.
    one_of(
        o,
        spec,
        "trafficDistribution",
        "spec",
        &["PreferClose", "PreferSameZone", "PreferSameNode"],
    );
    if get(spec, "trafficDistribution").and_then(Value::as_str) == Some("") {
        o.add(
            "spec.trafficDistribution",
            "unsupported value: must be PreferClose, PreferSameZone or PreferSameNode (or left out)",
        );
    }
    let families: Vec<&str> = items(spec.get("ipFamilies"))
        .filter_map(|(_, f)| f.as_str())
        .collect();
    // ValidateServiceClusterIPsRelatedFields: every repeat is a duplicate (a third entry
    // of two families is one).
    for (n, f) in items(spec.get("ipFamilies")) {
        if f.as_str().is_some() && items(spec.get("ipFamilies")).take(n).any(|(_, g)| g == f) {
            o.add(format!("spec.ipFamilies[{n}]"), "duplicate IP family");
        }
    }
    if families.len() > 1
        && spec.get("ipFamilyPolicy").and_then(Value::as_str) == Some("SingleStack")
    {
        o.add(
            "spec.ipFamilies",
            "may hold one family when ipFamilyPolicy is SingleStack",
        );
    }
    cluster_ips(o, spec, ty, cluster_ip);
    one_of(
        o,
        spec,
        "internalTrafficPolicy",
        "spec",
        &["Cluster", "Local"],
    );
    // validateServiceExternalTrafficPolicy: only for externally reachable Services
    // (NodePort, LoadBalancer, or with externalIPs).
    let external = matches!(ty, "NodePort" | "LoadBalancer")
        || items(spec.get("externalIPs")).next().is_some();
    if let Some(p) = get(spec, "externalTrafficPolicy").and_then(Value::as_str) {
        if !external {
            o.add(
                "spec.externalTrafficPolicy",
                format!("may only be set for externally reachable Services (NodePort, LoadBalancer or externalIPs), not '{ty}'"),
            );
        } else if !matches!(p, "Cluster" | "Local") {
            o.add(
                "spec.externalTrafficPolicy",
                "unsupported value: must be Cluster or Local",
            );
        }
    }
    for (n, f) in items(spec.get("ipFamilies")) {
        if !matches!(f.as_str(), Some("IPv4" | "IPv6")) {
            o.add(
                format!("spec.ipFamilies[{n}]"),
                "unsupported value: must be IPv4 or IPv6",
            );
        }
    }
    one_of(
        o,
        spec,
        "ipFamilyPolicy",
        "spec",
        &["SingleStack", "PreferDualStack", "RequireDualStack"],
    );
}

/// ValidateServiceClusterIPsRelatedFields (pkg/apis/core/validation/validation.go at
/// v1.33), on the Service as the registry hands it over: on create, NormalizeClusterIPs
/// (pkg/registry/core/service/storage) sets clusterIPs to [clusterIP] when only clusterIP
/// is given, and nothing the other way. So: clusterIPs without clusterIP is refused, its
/// first value must be clusterIP; at most two values, each an IP (read as the legacy
/// field is, ParseIPSloppy) but for a first and only "None"; two of different families;
/// each of the family ipFamilies[i] names. An ExternalName Service takes no clusterIPs
/// (ValidateService).
fn cluster_ips(o: &mut Out<'_>, spec: &Value, ty: &str, cluster_ip: &str) {
    let given: Vec<&Value> = match get(spec, "clusterIPs") {
        Some(Value::Array(a)) => a.iter().collect(),
        _ => Vec::new(),
    };
    if ty == "ExternalName" {
        if !given.is_empty() {
            o.add(
                "spec.clusterIPs",
                "may not be set for ExternalName services",
            );
        }
        return;
    }
    let ips: Vec<&str> = given.iter().map(|v| v.as_str().unwrap_or("")).collect();
    if cluster_ip.is_empty() {
        if !ips.is_empty() {
            o.add(
                "spec.clusterIPs",
                "must be empty when `clusterIP` is not specified",
            );
        }
    } else if ips.first().is_some_and(|first| *first != cluster_ip) {
        o.add("spec.clusterIPs", "first value must match `clusterIP`");
    }
    let mut invalid = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && *ip == "None" {
            if ips.len() > 1 {
                invalid = true;
                o.add("spec.clusterIPs", "'None' must be the first and only value");
            }
            continue;
        }
        if !is_ip(ip) {
            invalid = true;
            o.add(
                format!("spec.clusterIPs[{i}]"),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        }
    }
    if ips.len() > 2 {
        o.add("spec.clusterIPs", "may only hold up to 2 values");
    }
    if invalid {
        return;
    }
    // k8s.io/utils net IPFamilyOf: IPv4 whenever `ip.To4() != nil`, so an IPv4-mapped
    // IPv6 address (`::ffff:10.0.0.1`) is of the IPv4 family.
    let v6 =
        |ip: &str| super::fields::parse_ip_sloppy(ip).is_some_and(|ip| ip.to_canonical().is_ipv6());
    // netutils.IsDualStackIPStrings: exactly one of each family.
    if ips.len() > 1 && !(ips.len() == 2 && v6(ips[0]) != v6(ips[1])) {
        o.add(
            "spec.clusterIPs",
            "may specify no more than one IP for each IP family",
        );
    }
    let families: Vec<&str> = items(spec.get("ipFamilies"))
        .map(|(_, f)| f.as_str().unwrap_or(""))
        .collect();
    let headless = ips.len() == 1 && ips[0] == "None";
    if !headless {
        for (i, (ip, family)) in ips.iter().zip(&families).enumerate() {
            match *family {
                "IPv4" if v6(ip) => o.add(
                    format!("spec.clusterIPs[{i}]"),
                    format!("expected an IPv4 value as indicated by `ipFamilies[{i}]`"),
                ),
                "IPv6" if !v6(ip) => o.add(
                    format!("spec.clusterIPs[{i}]"),
                    format!("expected an IPv6 value as indicated by `ipFamilies[{i}]`"),
                ),
                _ => {}
            }
        }
    }
}

/// ValidateSecret: the keys each built-in Secret type requires.
fn secret(o: &mut Out<'_>, v: &Value) {
    let ty = v.get("type").and_then(Value::as_str).unwrap_or("Opaque");
    let has = |k: &str| {
        ["data", "stringData"]
            .iter()
            .any(|f| v.get(*f).and_then(|d| d.get(k)).is_some())
    };
    let needs: &[&str] = match ty {
        "kubernetes.io/tls" => &["tls.crt", "tls.key"],
        "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
        "kubernetes.io/dockercfg" => &[".dockercfg"],
        "kubernetes.io/ssh-auth" => &["ssh-privatekey"],
        _ => &[],
    };
    // validateSecret: a docker config must be JSON (C:6971, 6982).
    for k in [".dockerconfigjson", ".dockercfg"] {
        if !needs.contains(&k) {
            continue;
        }
        let text = v
            .at(&format!("/stringData/{k}"))
            .and_then(Value::as_str)
            .map(|t| t.as_bytes().to_vec())
            .or_else(|| {
                v.at(&format!("/data/{k}"))
                    .and_then(Value::as_str)
                    .and_then(|b| {
                        serde_json::from_value::<k8s_openapi::ByteString>(Value::from(b)).ok()
                    })
                    .map(|b| b.0)
            });
        // Read into a `map[string]interface{}`: an object (or `null`) only; an array, a
        // number or a string fails to unmarshal.
        if let Some(bytes) = text
            && !matches!(
                serde_json::from_slice::<Value>(&bytes),
                Ok(Value::Object(_) | Value::Null)
            )
        {
            o.add(format!("data[{k:?}]"), "must be a JSON object");
        }
    }
    for k in needs {
        if !has(k) {
            o.add(
                format!("data[{k:?}]"),
                format!("required for a Secret of type {ty}"),
            );
        }
    }
    // An ssh-auth Secret's key must also hold something: `len(secret.Data[...]) == 0`
    // is Required (ValidateSecret, core validation.go, v1.33); stringData's value
    // replaces data's.
    if ty == "kubernetes.io/ssh-auth" && has("ssh-privatekey") {
        let key = v
            .at("/stringData/ssh-privatekey")
            .or_else(|| v.at("/data/ssh-privatekey"));
        if key.and_then(Value::as_str).is_some_and(str::is_empty) || key.is_some_and(Value::is_null)
        {
            o.add(
                "data[\"ssh-privatekey\"]",
                "required for a Secret of type kubernetes.io/ssh-auth: the private key is empty",
            );
        }
    }
    if ty == "kubernetes.io/basic-auth" && !has("username") && !has("password") {
        o.add(
            "data",
            "a kubernetes.io/basic-auth Secret needs a username or password key",
        );
    }
    if ty == "kubernetes.io/service-account-token"
        && v.at("/metadata/annotations/kubernetes.io~1service-account.name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    {
        o.add(
            "metadata.annotations[\"kubernetes.io/service-account.name\"]",
            "required for a Secret of type kubernetes.io/service-account-token",
        );
    }
}

/// ValidateConfigMap: a key may not be in both data and binaryData.
fn config_map(o: &mut Out<'_>, v: &Value) {
    let data: HashSet<&String> = v
        .get("data")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .collect();
    for (k, _) in v
        .get("binaryData")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if data.contains(k) {
            o.add(format!("binaryData[{k:?}]"), "duplicate of a key in data");
        }
    }
}

/// ValidatePersistentVolumeSpec: a capacity, access modes, exactly one volume source,
/// known reclaim policy and volume mode; a local volume needs node affinity.
fn persistent_volume(o: &mut Out<'_>, spec: &Value) {
    match spec.at("/capacity/storage").and_then(quantity_value) {
        Some(x) if x > 0.0 => {}
        Some(_) => o.add("spec.capacity.storage", "must be greater than zero"),
        None => o.add("spec.capacity.storage", "required"),
    }
    // NotSupported: a volume's capacity is its storage only.
    for k in spec
        .get("capacity")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .filter(|k| *k != "storage")
    {
        o.add(
            join_key("spec.capacity", k),
            "unsupported value: a volume's capacity holds storage only",
        );
    }
    let modes = access_modes(o, spec, "spec");
    if modes.len() > 1
        && modes
            .iter()
            .any(|(_, m)| m.as_str() == Some("ReadWriteOncePod"))
    {
        o.add(
            "spec.accessModes",
            "may not use ReadWriteOncePod with other access modes",
        );
    }
    // ValidatePersistentVolume: ValidateClassName.
    if let Some(sc) = spec.get("storageClassName").and_then(Value::as_str)
        && !sc.is_empty()
        && !dns_subdomain(sc)
    {
        o.add(
            "spec.storageClassName",
            "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
        );
    }
    // validateCSIPersistentVolumeSource: a driver named as ValidateCSIDriverName wants,
    // the volume's handle, and Secret references with a name and a namespace
    // (validatePVSecretReference).
    if let Some(csi) = get(spec, "csi") {
        super::pod::csi_driver(o, csi, "spec.csi");
        if csi
            .get("volumeHandle")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            o.add("spec.csi.volumeHandle", "required: the CSI volume's handle");
        }
        for r in [
            "controllerPublishSecretRef",
            "nodeStageSecretRef",
            "nodePublishSecretRef",
            "controllerExpandSecretRef",
            "nodeExpandSecretRef",
        ] {
            let Some(refd) = get(csi, r) else { continue };
            for (k, ok) in [
                ("name", dns_subdomain as fn(&str) -> bool),
                ("namespace", dns_label as fn(&str) -> bool),
            ] {
                match refd.text(k) {
                    "" => o.add(format!("spec.csi.{r}.{k}"), "required"),
                    x if !ok(x) => o.add(
                        format!("spec.csi.{r}.{k}"),
                        format!("must be a valid {k} (lowercase letters, digits, '-')"),
                    ),
                    _ => {}
                }
            }
        }
    }
    // validateHostPathVolumeSource; Recycle may not empty a hostPath of '/'.
    if let Some(h) = get(spec, "hostPath") {
        super::pod::host_path(o, h, "spec.hostPath");
        if h.get("path").and_then(Value::as_str) == Some("/")
            && spec
                .get("persistentVolumeReclaimPolicy")
                .and_then(Value::as_str)
                == Some("Recycle")
        {
            o.add(
                "spec.persistentVolumeReclaimPolicy",
                "may not be 'recycle' for a hostPath mount of '/'",
            );
        }
    }
    // validateLocalVolumeSource: a path without '..'.
    if let Some(l) = get(spec, "local") {
        match l.get("path").and_then(Value::as_str) {
            None | Some("") => o.add("spec.local.path", "required"),
            Some(p) if p.split('/').any(|e| e == "..") => {
                o.add("spec.local.path", "must not contain '..'")
            }
            Some(_) => {}
        }
    }
    if let Some(nfs) = get(spec, "nfs") {
        nfs_source(o, nfs, "spec.nfs");
    }
    // validateVolumeNodeAffinity: node affinity holds required terms, at least one
    // (ValidateNodeSelector).
    if let Some(aff) = get(spec, "nodeAffinity") {
        match get(aff, "required") {
            None => o.add(
                "spec.nodeAffinity.required",
                "required: must specify required node constraints",
            ),
            Some(r) if items(r.get("nodeSelectorTerms")).count() == 0 => o.add(
                "spec.nodeAffinity.required.nodeSelectorTerms",
                "must have at least one node selector term",
            ),
            Some(_) => {}
        }
    }
    one_of(
        o,
        spec,
        "persistentVolumeReclaimPolicy",
        "spec",
        &["Retain", "Delete", "Recycle"],
    );
    one_of(o, spec, "volumeMode", "spec", &["Block", "Filesystem"]);
    const NOT_SOURCES: &[&str] = &[
        "capacity",
        "accessModes",
        "claimRef",
        "persistentVolumeReclaimPolicy",
        "storageClassName",
        "mountOptions",
        "volumeMode",
        "nodeAffinity",
        "volumeAttributesClassName",
    ];
    let sources = spec
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, x)| !NOT_SOURCES.contains(&k.as_str()) && !x.is_null())
        .count();
    match sources {
        0 => o.add(
            "spec",
            "must specify a volume type (csi, nfs, hostPath, local, …)",
        ),
        1 => {}
        _ => o.add("spec", "may not specify more than one volume type"),
    }
    if get(spec, "local").is_some() && get(spec, "nodeAffinity").is_none() {
        o.add("spec.nodeAffinity", "required for a local volume");
    }
    // validateVolumeNodeAffinity: the required terms as a pod's node selector terms.
    for (n, term) in items(spec.at("/nodeAffinity/required/nodeSelectorTerms")) {
        super::pod::node_selector_term(
            o,
            term,
            &format!("spec.nodeAffinity.required.nodeSelectorTerms[{n}]"),
            true,
        );
    }
}

/// The access modes of a PersistentVolume or a claim: at least one, each a known mode
/// (ValidatePersistentVolumeSpec, ValidatePersistentVolumeClaimSpec).
fn access_modes<'v>(o: &mut Out<'_>, spec: &'v Value, at: &str) -> Vec<(usize, &'v Value)> {
    const MODES: &[&str] = &[
        "ReadWriteOnce",
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOncePod",
    ];
    let modes: Vec<(usize, &Value)> = items(spec.get("accessModes")).collect();
    if modes.is_empty() {
        o.add(
            format!("{at}.accessModes"),
            "at least 1 access mode is required",
        );
    }
    for (n, m) in &modes {
        if !m.as_str().is_some_and(|m| MODES.contains(&m)) {
            o.add(
                format!("{at}.accessModes[{n}]"),
                format!("unsupported value: must be {}", alternatives(MODES)),
            );
        }
    }
    modes
}

/// ValidatePersistentVolumeClaimSpec: access modes (at least one, whatever the claim is
/// populated from: validation.go:2320 at v1.33.3), storage request, volume mode, data
/// sources.
/// `claim` is a PersistentVolumeClaim object's spec (not a template's).
pub(super) fn pvc(o: &mut Out<'_>, spec: &Value, at: &str, claim: bool) {
    let modes = access_modes(o, spec, at);
    let mut source = get(spec, "dataSource");
    let source_ref = get(spec, "dataSourceRef");
    // A claim created with a dataSource alone that is neither a claim nor a VolumeSnapshot
    // of snapshot.storage.k8s.io: the API server drops it before validation
    // (pkg/api/persistentvolumeclaim/util.go, EnforceDataSourceBackwardsCompatibility,
    // from the claim strategy's PrepareForCreate) and the claim starts empty: a warning.
    // A template's is validated as written.
    if claim
        && source_ref.is_none()
        && let Some(s) = source
    {
        let text = |k: &str| s.text(k);
        let kept = matches!(
            (text("apiGroup"), text("kind")),
            ("", "PersistentVolumeClaim") | ("snapshot.storage.k8s.io", "VolumeSnapshot")
        );
        if !kept {
            o.add(
                format!("{at}.dataSource"),
                crate::validate::semantic::DROPPED_DATA_SOURCE,
            );
            source = None;
        }
    }
    for (key, r) in [("dataSource", source), ("dataSourceRef", source_ref)] {
        if let Some(r) = r {
            data_source(o, r, &format!("{at}.{key}"));
        }
    }
    // Both given: the same object (isDataSourceEqualDataSourceRef; the API server copies
    // one to the other only when one is missing, pvcutil.NormalizeDataSources). A
    // dataSourceRef's namespace is dropped while CrossNamespaceVolumeDataSource is off
    // (alpha in 1.33 and 1.34), so it is not compared.
    if let (Some(a), Some(b)) = (source, source_ref)
        && ["apiGroup", "kind", "name"]
            .iter()
            .any(|k| get(a, k) != get(b, k))
    {
        o.add(
            format!("{at}.dataSource"),
            "must match dataSourceRef (give one of them, or the same apiGroup, kind and name in both)",
        );
    }
    if modes.len() > 1
        && modes
            .iter()
            .any(|(_, m)| m.as_str() == Some("ReadWriteOncePod"))
    {
        o.add(
            format!("{at}.accessModes"),
            "ReadWriteOncePod may not be combined with other access modes",
        );
    }
    if spec.at("/resources/requests/storage").is_none() {
        o.add(
            format!("{at}.resources.requests.storage"),
            "required: the size of the claim",
        );
    }
    one_of(o, spec, "volumeMode", at, &["Block", "Filesystem"]);
}

/// validateNFSVolumeSource (validation.go:990-1002 at v1.33.3), for a PersistentVolume
/// and a pod's volume: a server, and an absolute path (Go's `path.IsAbs`: a leading '/').
pub(super) fn nfs_source(o: &mut Out<'_>, nfs: &Value, at: &str) {
    if nfs
        .get("server")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        o.add(format!("{at}.server"), "required");
    }
    match nfs.get("path").and_then(Value::as_str) {
        None | Some("") => o.add(format!("{at}.path"), "required"),
        Some(p) if !p.starts_with('/') => o.add(format!("{at}.path"), "must be an absolute path"),
        Some(_) => {}
    }
}

/// validateDataSource and validateDataSourceRef (validation.go:2260-2315 at v1.33.3): a
/// name and a kind; without an apiGroup only a PersistentVolumeClaim (the core group has
/// no other source: a VolumeSnapshot is `snapshot.storage.k8s.io`); an apiGroup a DNS
/// subdomain.
fn data_source(o: &mut Out<'_>, r: &Value, at: &str) {
    let text = |k: &str| r.text(k);
    for k in ["name", "kind"] {
        if text(k).is_empty() {
            o.add(format!("{at}.{k}"), format!("required: {k} is required"));
        }
    }
    let group = text("apiGroup");
    if group.is_empty() && text("kind") != "PersistentVolumeClaim" {
        o.add(
            at,
            "must be 'PersistentVolumeClaim' when referencing the default apiGroup (give apiGroup: a VolumeSnapshot's is snapshot.storage.k8s.io)",
        );
    } else if !group.is_empty() && !dns_subdomain(group) {
        o.add(
            format!("{at}.apiGroup"),
            "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
        );
    }
}

/// The quota scopes the API server knows (helper.IsStandardResourceQuotaScope, and
/// VolumeAttributesClass from 1.34).
const QUOTA_SCOPES: &[&str] = &[
    "Terminating",
    "NotTerminating",
    "BestEffort",
    "NotBestEffort",
    "PriorityClass",
    "CrossNamespacePodAffinity",
    "VolumeAttributesClass",
];

/// helper.IsStandardQuotaResourceName: the resources the quota system tracks by a bare
/// name, and hugepages.
fn quota_resource(k: &str) -> bool {
    matches!(
        k,
        "cpu"
            | "memory"
            | "ephemeral-storage"
            | "requests.cpu"
            | "requests.memory"
            | "requests.storage"
            | "requests.ephemeral-storage"
            | "limits.cpu"
            | "limits.memory"
            | "limits.ephemeral-storage"
            | "pods"
            | "resourcequotas"
            | "services"
            | "replicationcontrollers"
            | "secrets"
            | "persistentvolumeclaims"
            | "configmaps"
            | "services.nodeports"
            | "services.loadbalancers"
    ) || k.starts_with("hugepages-")
        || k.starts_with("requests.hugepages-")
}

/// helper.IsStandardResourceName: the bare names a LimitRange of a type other than Pod and
/// Container may hold (validateResourceName).
fn standard_resource(k: &str) -> bool {
    quota_resource(k) || k == "storage"
}

/// helper.IsExtendedResourceName: outside kubernetes.io, not `requests.`, and a
/// qualified name with `requests.` before it.
fn extended_resource(k: &str) -> bool {
    k.contains('/')
        && !k.contains("kubernetes.io/")
        && !k.starts_with("requests.")
        && is_label_key(&format!("requests.{k}"))
}

/// helper.IsIntegerResourceName: object counts and extended resources.
fn integer_resource(k: &str) -> bool {
    matches!(
        k,
        "pods"
            | "resourcequotas"
            | "services"
            | "replicationcontrollers"
            | "secrets"
            | "configmaps"
            | "persistentvolumeclaims"
            | "services.nodeports"
            | "services.loadbalancers"
    ) || extended_resource(k)
}

/// helper.IsResourceQuotaScopeValidForResource, for the resources the quota system knows
/// by a bare name (others are not checked against scopes): the pod scopes apply to pods
/// and their compute resources, BestEffort to pods only.
fn scope_fits(scope: &str, k: &str) -> bool {
    if !quota_resource(k) {
        return true;
    }
    let pod_compute = matches!(
        k,
        "cpu" | "memory" | "limits.cpu" | "limits.memory" | "requests.cpu" | "requests.memory"
    );
    match scope {
        "Terminating"
        | "NotTerminating"
        | "NotBestEffort"
        | "PriorityClass"
        | "CrossNamespacePodAffinity" => k == "pods" || pod_compute,
        "BestEffort" => k == "pods",
        _ => true,
    }
}

/// validateScopedResourceSelectorRequirement: known scope names that apply to the quota's
/// resources; the pod-kind scopes only with Exists; In and NotIn with values, Exists and
/// DoesNotExist without; no conflicting pair.
fn scope_selector(o: &mut Out<'_>, sel: &Value, hard: &[(&String, &Value)]) {
    let mut names = Vec::new();
    for (n, e) in items(sel.get("matchExpressions")) {
        let at = format!("spec.scopeSelector.matchExpressions[{n}]");
        let scope = e.text("scopeName");
        let op = e.text("operator");
        let values = e
            .get("values")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if !QUOTA_SCOPES.contains(&scope) {
            o.add(format!("{at}.scopeName"), "unsupported scope");
        }
        if let Some(k) = hard.iter().map(|(k, _)| *k).find(|k| !scope_fits(scope, k)) {
            o.add(
                &at,
                format!("unsupported scope applied to resource: {scope} does not apply to {k}"),
            );
        }
        if matches!(
            scope,
            "BestEffort"
                | "NotBestEffort"
                | "Terminating"
                | "NotTerminating"
                | "CrossNamespacePodAffinity"
        ) && op != "Exists"
        {
            o.add(
                format!("{at}.operator"),
                format!("must be 'Exists' when the scope is {scope}"),
            );
        }
        match op {
            "In" | "NotIn" if values == 0 => o.add(
                format!("{at}.values"),
                "required: at least one value when the operator is In or NotIn",
            ),
            "Exists" | "DoesNotExist" if values != 0 => o.add(
                format!("{at}.values"),
                "must be empty when the operator is Exists or DoesNotExist",
            ),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => o.add(
                format!("{at}.operator"),
                "not a valid selector operator: In, NotIn, Exists or DoesNotExist",
            ),
        }
        names.push(scope);
    }
    for (a, b) in [
        ("BestEffort", "NotBestEffort"),
        ("Terminating", "NotTerminating"),
    ] {
        if names.contains(&a) && names.contains(&b) {
            o.add(
                "spec.scopeSelector.matchExpressions",
                format!("conflicting scopes {a} and {b}"),
            );
        }
    }
}

/// ValidateLimitRange: each type once, a known or qualified type; resource names a
/// container may request (Pod, Container) or standard ones (other types); no defaults for
/// the Pod type; a storage minimum or maximum for PersistentVolumeClaim; the order of the
/// bounds ([`limit_order`]); and resources that are not overcommitted (hugepages, extended
/// resources) with a default equal to the default request.
fn limit_range(o: &mut Out<'_>, v: &Value) {
    let mut seen: Vec<&str> = Vec::new();
    for (n, l) in items(v.at("/spec/limits")) {
        let at = format!("spec.limits[{n}]");
        // validateLimitRangeTypeName: a qualified name; without a '/', a standard type.
        let t = l.text("type");
        if !(matches!(t, "Pod" | "Container" | "PersistentVolumeClaim")
            || t.contains('/') && is_label_key(t))
        {
            o.add(
                format!("{at}.type"),
                "unsupported value: must be Pod, Container, PersistentVolumeClaim or a qualified custom type",
            );
        }
        if seen.contains(&t) {
            o.add(
                format!("{at}.type"),
                format!("duplicate value {t:?}: each type may have one entry (put its resources together)"),
            );
        }
        seen.push(t);
        let fields: &[&str] = if t == "Pod" {
            for field in ["default", "defaultRequest"] {
                if l.get(field)
                    .and_then(Value::as_object)
                    .is_some_and(|m| !m.is_empty())
                {
                    o.add(
                        format!("{at}.{field}"),
                        "may not be specified when `type` is 'Pod'",
                    );
                }
            }
            &["max", "min", "maxLimitRequestRatio"]
        } else {
            &[
                "max",
                "min",
                "default",
                "defaultRequest",
                "maxLimitRequestRatio",
            ]
        };
        for field in fields {
            for k in l
                .get(*field)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                let container = matches!(t, "Pod" | "Container");
                // validateLimitRangeResourceName → validateContainerResourceName or
                // validateResourceName.
                let ok = is_label_key(k)
                    && if k.contains('/') {
                        !container || k.contains("kubernetes.io/") || extended_resource(k)
                    } else if container {
                        matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage")
                            || k.starts_with("hugepages-")
                    } else {
                        standard_resource(k)
                    };
                if !ok {
                    o.add(
                        join_key(&format!("{at}.{field}"), k),
                        if container {
                            "must be a standard resource for containers (cpu, memory, ephemeral-storage, hugepages-<size>) or an extended resource like example.com/gpu"
                        } else {
                            "must be a standard resource type (like storage) or fully qualified"
                        },
                    );
                }
            }
        }
        if t == "PersistentVolumeClaim"
            && l.at("/min/storage").is_none()
            && l.at("/max/storage").is_none()
        {
            o.add(
                format!("{at}.limits"),
                "required: either minimum or maximum storage value is required",
            );
        }
        // helper.IsOvercommitAllowed: hugepages and resources outside kubernetes.io.
        if t != "Pod" {
            for (k, d) in l
                .get("default")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let overcommit = (!k.contains('/') || k.contains("kubernetes.io/"))
                    && !k.starts_with("hugepages-");
                if let Some(r) = l.at(&format!(
                    "/defaultRequest/{}",
                    k.replace('~', "~0").replace('/', "~1")
                )) && !overcommit
                    && quantity_value(d) != quantity_value(r)
                {
                    o.add(
                        join_key(&format!("{at}.defaultRequest"), k),
                        format!("must equal the default value in {k} (it is not overcommitted)"),
                    );
                }
            }
        }
        limit_order(o, l, &at);
    }
}

/// ValidateLimitRange: per resource, min ≤ defaultRequest ≤ default ≤ max (each pair that
/// is given), and a maxLimitRequestRatio of at least 1.
fn limit_order(o: &mut Out<'_>, l: &Value, at: &str) {
    let q = |field: &str, k: &str| l.get(field).and_then(|m| m.get(k)).and_then(quantity_value);
    let mut names: Vec<&String> = [
        "min",
        "max",
        "default",
        "defaultRequest",
        "maxLimitRequestRatio",
    ]
    .iter()
    .filter_map(|f| l.get(*f).and_then(Value::as_object))
    .flat_map(|m| m.keys())
    .collect();
    names.sort();
    names.dedup();
    for k in names {
        for (low, high) in [
            ("min", "max"),
            ("min", "defaultRequest"),
            ("defaultRequest", "max"),
            ("defaultRequest", "default"),
            ("min", "default"),
            ("default", "max"),
        ] {
            if let (Some(a), Some(b)) = (q(low, k), q(high, k))
                && a > b
            {
                o.add(
                    format!("{at}.{low}.{k}"),
                    format!("{low} value is greater than {high} value"),
                );
            }
        }
        let ratio = q("maxLimitRequestRatio", k);
        if ratio.is_some_and(|r| r < 1.0) {
            o.add(
                format!("{at}.maxLimitRequestRatio.{k}"),
                "ratio is less than 1",
            );
        }
        if let (Some(r), Some(min), Some(max)) = (ratio, q("min", k), q("max", k))
            && min > 0.0
            && r > max / min
        {
            o.add(
                format!("{at}.maxLimitRequestRatio.{k}"),
                format!("ratio {r} is greater than max/min = {:.6}", max / min),
            );
        }
    }
}
