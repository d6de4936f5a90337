//! Networking objects beyond the rules in `mod.rs`: Ingress backends and path types,
//! IngressClass controllers, NetworkPolicy policy types, ports and ipBlock exceptions —
//! kubernetes `pkg/apis/networking/validation/validation.go` at v1.33.

use super::fields::{cidr_within, get, one_of, path_segment};
use super::{Out, dns_subdomain, items};
use crate::parse::At;
use serde_json::Value;

pub(super) fn check(o: &mut Out<'_>, kind: &str, v: &Value) {
    match kind {
        "Ingress" => ingress(o, v),
        "IngressClass" => ingress_class(o, v),
        "NetworkPolicy" => network_policy(o, v),
        _ => {}
    }
}

/// validateIngressBackend: exactly one of service and resource; a service port by name
/// (IsValidPortName) or number (IsValidPortNum), not both.
fn backend(o: &mut Out<'_>, b: &Value, at: &str) {
    match (get(b, "service"), get(b, "resource")) {
        (Some(_), Some(_)) => o.add(at, "cannot set both service and resource backends"),
        (None, None) => o.add(at, "one of service or resource is required"),
        (Some(s), None) => {
            if s.get("name").and_then(Value::as_str).is_none_or(|n| {
                // A Service name: a DNS-1035 label (starts with a letter).
                !super::fields::dns_label(n) || !n.starts_with(|c: char| c.is_ascii_lowercase())
            }) {
                o.add(
                    format!("{at}.service.name"),
                    "must be a Service name (a DNS-1035 label)",
                );
            }
            let p = s.get("port");
            let name = p.and_then(|p| get(p, "name"));
            let number = p.and_then(|p| get(p, "number"));
            match (name, number) {
                (Some(_), Some(_)) => o.add(
                    format!("{at}.service.port"),
                    "cannot set both port name and port number",
                ),
                (None, None) => o.add(
                    format!("{at}.service.port"),
                    "port name or number is required",
                ),
                (None, Some(n)) if !n.as_i64().is_some_and(|n| (1..=65535).contains(&n)) => o.add(
                    format!("{at}.service.port.number"),
                    "must be a port number from 1 to 65535",
                ),
                (Some(n), None) if !n.as_str().is_some_and(super::fields::port_name) => o.add(
                    format!("{at}.service.port.name"),
                    "must be a port name (IANA_SVC_NAME: at most 15 lowercase letters, digits and '-', with a letter)",
                ),
                _ => {}
            }
        }
        (None, Some(r)) => typed_local_ref(o, r, &format!("{at}.resource")),
    }
}

/// validateIngressTypedLocalObjectReference (pkg/apis/networking/validation/validation.go
/// at v1.33), for a resource backend and, through validateIngressClassParametersReference,
/// an IngressClass's parameters: an apiGroup, if given, is a DNS-1123 subdomain; kind and
/// name are required, each a path segment name (IsValidPathSegmentName).
fn typed_local_ref(o: &mut Out<'_>, r: &Value, at: &str) {
    if let Some(g) = get(r, "apiGroup").and_then(Value::as_str)
        && !dns_subdomain(g)
    {
        o.add(
            format!("{at}.apiGroup"),
            "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
        );
    }
    for k in ["kind", "name"] {
        match r.text(k) {
            "" => o.add(format!("{at}.{k}"), format!("required: {k} is required")),
            x if !path_segment(x) => o.add(
                format!("{at}.{k}"),
                "may not be '.' or '..' and may not contain '/' or '%'",
            ),
            _ => {}
        }
    }
}

/// ValidateIngressSpec.
fn ingress(o: &mut Out<'_>, v: &Value) {
    let Some(spec) = get(v, "spec") else {
        o.add("spec", "either defaultBackend or rules must be specified");
        return;
    };
    // ValidateIngressCreate: the legacy class annotation "can not be set when the class
    // field is also set", whatever either holds (`annotationIsSet &&
    // ingress.Spec.IngressClassName != nil`; an empty class name is a set field).
    const CLASS: &str = "kubernetes.io/ingress.class";
    if v.at("/metadata/annotations")
        .and_then(|a| a.get(CLASS))
        .is_some()
        && spec.get("ingressClassName").is_some_and(|c| !c.is_null())
    {
        o.add(
            format!("metadata.annotations[{CLASS:?}]"),
            "can not be set when the class field `spec.ingressClassName` is also set: keep one of them",
        );
    }
    let rules: Vec<(usize, &Value)> = items(spec.get("rules")).collect();
    if rules.is_empty() && get(spec, "defaultBackend").is_none() {
        o.add("spec", "either defaultBackend or rules must be specified");
    }
    if let Some(b) = get(spec, "defaultBackend") {
        backend(o, b, "spec.defaultBackend");
    }
    for (n, r) in rules {
        let Some(http) = get(r, "http") else { continue };
        let paths: Vec<(usize, &Value)> = items(http.get("paths")).collect();
        if paths.is_empty() {
            o.add(
                format!("spec.rules[{n}].http.paths"),
                "required: at least one path",
            );
        }
        for (m, p) in paths {
            let at = format!("spec.rules[{n}].http.paths[{m}]");
            one_of(
                o,
                p,
                "pathType",
                &at,
                &["Exact", "Prefix", "ImplementationSpecific"],
            );
            match get(p, "backend") {
                Some(b) => backend(o, b, &format!("{at}.backend")),
                None => o.add(format!("{at}.backend"), "required"),
            }
        }
    }
    for (n, t) in items(spec.get("tls")) {
        if let Some(s) = get(t, "secretName").and_then(Value::as_str)
            && !s.is_empty()
            && !dns_subdomain(s)
        {
            o.add(
                format!("spec.tls[{n}].secretName"),
                "must be a Secret name (a DNS-1123 subdomain)",
            );
        }
    }
}

/// ValidateIngressClassSpec: a controller like example.com/ingress-controller; namespaced
/// parameters name their namespace.
fn ingress_class(o: &mut Out<'_>, v: &Value) {
    if let Some(p) = v.at("/spec/parameters").filter(|p| !p.is_null()) {
        typed_local_ref(o, p, "spec.parameters");
        one_of(o, p, "scope", "spec.parameters", &["Cluster", "Namespace"]);
        let ns = p.text("namespace");
        match p.get("scope").and_then(Value::as_str) {
            Some("Namespace") if ns.is_empty() => o.add(
                "spec.parameters.namespace",
                "required when scope is Namespace",
            ),
            // validateIngressClassParametersReference: ValidateNamespaceName.
            Some("Namespace") if !super::fields::dns_label(ns) => o.add(
                "spec.parameters.namespace",
                "must be a namespace name (a DNS-1123 label: lowercase letters, digits, '-', at most 63)",
            ),
            Some("Cluster") | None if !ns.is_empty() => o.add(
                "spec.parameters.namespace",
                "may only be set when scope is Namespace",
            ),
            _ => {}
        }
    }
    let c = v
        .at("/spec/controller")
        .and_then(Value::as_str)
        .unwrap_or("");
    if c.is_empty() {
        o.add("spec.controller", "required");
        return;
    }
    // IsDomainPrefixedPath: a DNS subdomain, then a path.
    let ok = c.len() <= 250
        && c.split_once('/').is_some_and(|(host, path)| {
            dns_subdomain(host)
                && !path.is_empty()
                && path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:@/".contains(&b))
        });
    if !ok {
        o.add("spec.controller", "must be a domain-prefixed path like example.com/ingress-controller (at most 250 characters)");
    }
}

/// ValidateNetworkPolicySpec: policy types, port protocols and ranges, ipBlock
/// exceptions within the CIDR.
fn network_policy(o: &mut Out<'_>, v: &Value) {
    let Some(spec) = get(v, "spec") else { return };
    let types: Vec<(usize, &Value)> = items(spec.get("policyTypes")).collect();
    if types.len() > 2 {
        o.add("spec.policyTypes", "may not have more than 2 entries");
    }
    for (n, t) in &types {
        if !matches!(t.as_str(), Some("Ingress" | "Egress")) {
            o.add(
                format!("spec.policyTypes[{n}]"),
                "unsupported value: must be Ingress or Egress",
            );
        }
    }
    for (dir, peers) in [("ingress", "from"), ("egress", "to")] {
        for (n, rule) in items(spec.get(dir)) {
            for (m, p) in items(rule.get("ports")) {
                let at = format!("spec.{dir}[{n}].ports[{m}]");
                one_of(o, p, "protocol", &at, &["TCP", "UDP", "SCTP"]);
                // A named port is an IANA_SVC_NAME ("8080" as a string is not).
                if let Some(Value::String(name)) = get(p, "port")
                    && !super::fields::port_name(name)
                {
                    o.add(
                        format!("{at}.port"),
                        "must be a port number, or a port name (IANA_SVC_NAME, with a letter)",
                    );
                }
                if let Some(end) = get(p, "endPort").and_then(Value::as_i64) {
                    // ValidateNetworkPolicyPort: endPort is a port number too (IsValidPortNum).
                    if !(1..=65535).contains(&end)
                        && matches!(get(p, "port"), Some(Value::Number(_)))
                    {
                        o.add(
                            format!("{at}.endPort"),
                            "must be a port number from 1 to 65535",
                        );
                    }
                    match get(p, "port") {
                        Some(Value::Number(port)) => {
                            if port.as_i64().is_some_and(|port| end < port) {
                                o.add(
                                    format!("{at}.endPort"),
                                    "must be greater than or equal to port",
                                );
                            }
                        }
                        Some(_) => {
                            o.add(format!("{at}.endPort"), "may not be used with a named port")
                        }
                        None => o.add(format!("{at}.endPort"), "may not be used without port"),
                    }
                }
            }
            for (m, peer) in items(rule.get(peers)) {
                let Some(b) = get(peer, "ipBlock") else {
                    continue;
                };
                let cidr = b.text("cidr");
                for (e, x) in items(b.get("except")) {
                    let x = x.as_str().unwrap_or("");
                    // ValidateIPBlock: each exception is a strict subset of the CIDR.
                    if super::fields::cidr(x).is_some()
                        && super::fields::cidr(cidr).is_some()
                        && (!cidr_within(x, cidr) || cidr_within(cidr, x))
                    {
                        o.add(
                            format!("spec.{dir}[{n}].{peers}[{m}].ipBlock.except[{e}]"),
                            "must be a strict subset of ipBlock.cidr",
                        );
                    }
                }
            }
        }
    }
}
