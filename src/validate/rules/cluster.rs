//! Cluster-level and other small objects: StorageClass (`pkg/apis/storage/validation`),
//! PriorityClass (`pkg/apis/scheduling/validation`), Lease, RuntimeClass and EndpointSlice,
//! at v1.33; ControllerRevision, core v1 Event, Namespace, Node and ServiceCIDR at
//! v1.35.4.

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
            let name = v.str_at("/metadata/name");
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
        "CustomResourceDefinition"
            if v.get("apiVersion")
                .and_then(Value::as_str)
                .is_some_and(|a| a.starts_with("apiextensions.k8s.io/")) =>
        {
            crd(o, v);
        }
        // ValidateAPIService (kube-aggregator pkg/apis/apiregistration/validation): the
        // name is `spec.version + "." + spec.group`.
        "APIService" => {
            let text = |p: &str| v.str_at(p);
            let want = format!("{}.{}", text("/spec/version"), text("/spec/group"));
            let name = text("/metadata/name");
            if !name.is_empty() && name != want {
                o.add(
                    "metadata.name",
                    format!("must be spec.version + \".\" + spec.group: {want:?}"),
                );
            }
        }
        // ValidateLeaseSpec (pkg/apis/coordination/validation/validation.go at v1.35.4):
        // a duration above zero, transitions from zero. (Its strategy and preferredHolder
        // rules are behind CoordinatedLeaderElection, off by default, without which the
        // API server drops both fields.)
        "Lease" => {
            if let Some(spec) = get(v, "spec") {
                super::fields::positive(o, spec, "leaseDurationSeconds", "spec");
                super::fields::non_negative(o, spec, "leaseTransitions", "spec");
            }
        }
        // ValidateControllerRevision (pkg/apis/apps/validation/validation.go at v1.35.4):
        // data is mandatory, the revision not negative.
        "ControllerRevision" => {
            if get(v, "data").is_none() {
                o.add("data", "required: data is mandatory");
            }
            super::fields::non_negative(o, v, "revision", "");
        }
        "Event" if v.get("apiVersion").and_then(Value::as_str) == Some("v1") => event(o, v),
        "Event" if v.get("apiVersion").and_then(Value::as_str) == Some("events.k8s.io/v1") => {
            events_v1(o, v);
        }
        // ValidateNamespace (pkg/apis/core/validation/validation.go at v1.35.4): each of
        // spec.finalizers passes validateFinalizerName (a qualified name; one without a
        // '/' is a standard finalizer, validateKubeFinalizerName).
        "Namespace" => {
            for (n, f) in super::items(v.at("/spec/finalizers")) {
                let ok = f.as_str().is_some_and(|f| {
                    is_label_key(f)
                        && (f.contains('/')
                            || matches!(f, "kubernetes" | "orphan" | "foregroundDeletion"))
                });
                if !ok {
                    o.add(
                        format!("spec.finalizers[{n}]"),
                        "name is neither a standard finalizer name nor is it fully qualified (like example.com/cleanup)",
                    );
                }
            }
        }
        "Node" => node(o, v),
        // ValidateServiceCIDR (pkg/apis/networking/validation/validation.go at v1.35.4):
        // one or two CIDRs, two of different IP families, each a valid CIDR.
        "ServiceCIDR" => {
            let cidrs: Vec<(usize, &Value)> = super::items(v.at("/spec/cidrs")).collect();
            let families: Vec<Option<bool>> = cidrs
                .iter()
                .map(|(_, c)| {
                    c.as_str()
                        .and_then(super::fields::cidr)
                        .map(|(ip, _)| ip.is_ipv4())
                })
                .collect();
            match cidrs.len() {
                0 => o.add("spec.cidrs", "required: at least one CIDR required"),
                1 | 2 => {
                    if cidrs.len() == 2
                        && families.iter().all(Option::is_some)
                        && families[0] == families[1]
                    {
                        o.add(
                            "spec.cidrs",
                            "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64",
                        );
                    }
                    for ((n, c), family) in cidrs.iter().zip(&families) {
                        if family.is_none() {
                            o.add(
                                format!("spec.cidrs[{n}]"),
                                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                            );
                        } else if let Some(c) = c.as_str()
                            && let Err(why) = canonical_cidr(c)
                        {
                            o.add(format!("spec.cidrs[{n}]"), why);
                        }
                    }
                }
                _ => o.add("spec.cidrs", "may only hold up to 2 values"),
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

/// legacyValidateEvent (pkg/apis/core/validation/events.go at v1.35.4), which
/// ValidateEventCreate applies alone to an Event created through the core v1 API: without
/// an eventTime, the involved object's namespace is the event's (an event without one
/// lives in "default"); with one, an involved object without a namespace belongs to an
/// event in "default" or "kube-system", and reportingController (a qualified name),
/// reportingInstance, action and reason are required, each at most 128 bytes, the message
/// at most 1024. An event without metadata.namespace goes to the namespace kubectl
/// applies it to, which is not known here: its namespace is not compared.
fn event(o: &mut Out<'_>, v: &Value) {
    let ns = v.at("/metadata/namespace").and_then(Value::as_str);
    let involved = v
        .at("/involvedObject/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mismatch = "does not match event.namespace (metadata.namespace)";
    if get(v, "eventTime").is_none() {
        if let Some(ns) = ns
            && (if involved.is_empty() {
                !ns.is_empty() && ns != "default"
            } else {
                ns != involved
            })
        {
            o.add("involvedObject.namespace", mismatch);
        }
        return;
    }
    if involved.is_empty() && ns.is_some_and(|ns| ns != "default" && ns != "kube-system") {
        o.add("involvedObject.namespace", mismatch);
    }
    // The core v1 Event's reportingComponent is the internal ReportingController.
    reported(o, v, "reportingComponent", "message");
}

/// What legacyValidateEvent requires of an event with an eventTime, under the names of
/// its API version (`controller`, `note`): reportingController a qualified name,
/// reportingInstance, action and reason given and at most 128 bytes, the note at most
/// 1024.
fn reported(o: &mut Out<'_>, v: &Value, controller: &str, note: &str) {
    let text = |k: &str| v.text(k);
    match text(controller) {
        "" => o.add(controller, "required"),
        c if !is_label_key(c) => o.add(
            controller,
            "must be a qualified name like example.com/controller",
        ),
        _ => {}
    }
    for (k, limit) in [("reportingInstance", 128), ("action", 128), ("reason", 128)] {
        match text(k).len() {
            0 => o.add(k, "required"),
            n if n > limit => o.add(k, format!("can have at most {limit} characters")),
            _ => {}
        }
    }
    if text(note).len() > 1024 {
        o.add(note, "can have at most 1024 characters");
    }
}

/// ValidateEventCreate (pkg/apis/core/validation/events.go at v1.35.4) for an Event
/// created through events.k8s.io/v1, whose fields convert to the core Event's
/// (regarding → involvedObject, note → message, deprecatedSource → source, …): the
/// strict checks (eventTime required, type Normal or Warning, the deprecated fields and
/// count unset, a series counts at least 2 and has a lastObservedTime) and the legacy
/// ones of an event with an eventTime (reportingController a qualified name,
/// reportingInstance, action and reason required and at most 128 bytes, the note at most
/// 1024; a regarded object without a namespace belongs to an event in "default" or
/// "kube-system").
fn events_v1(o: &mut Out<'_>, v: &Value) {
    let text = |k: &str| v.text(k);
    if get(v, "eventTime").is_none() {
        o.add("eventTime", "required");
    }
    if !matches!(text("type"), "Normal" | "Warning") {
        o.add("type", "must be Normal or Warning");
    }
    for k in ["deprecatedFirstTimestamp", "deprecatedLastTimestamp"] {
        if get(v, k).is_some() {
            o.add(k, "needs to be unset");
        }
    }
    if v.get("deprecatedCount")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        != 0
    {
        o.add("deprecatedCount", "needs to be unset");
    }
    let source = |k: &str| {
        v.at(&format!("/deprecatedSource/{k}"))
            .and_then(Value::as_str)
    };
    if source("component").is_some_and(|c| !c.is_empty())
        || source("host").is_some_and(|h| !h.is_empty())
    {
        o.add("deprecatedSource", "needs to be unset");
    }
    if let Some(series) = v.get("series").filter(|s| s.is_object()) {
        if series.get("count").and_then(Value::as_i64).unwrap_or(0) < 2 {
            o.add("series.count", "should be at least 2");
        }
        if get(series, "lastObservedTime").is_none() {
            o.add("series.lastObservedTime", "required");
        }
    }
    let ns = v.at("/metadata/namespace").and_then(Value::as_str);
    let regarded = v
        .at("/regarding/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    if regarded.is_empty() && ns.is_some_and(|ns| ns != "default" && ns != "kube-system") {
        o.add(
            "regarding.namespace",
            "does not match the event's namespace (metadata.namespace)",
        );
    }
    reported(o, v, "reportingController", "note");
}

/// validateCustomResourceDefinitionSpec (apiextensions-apiserver
/// pkg/apis/apiextensions/validation/validation.go), its plain field rules: the name is
/// `<names.plural>.<group>`, the group a DNS subdomain with a dot, the scope Namespaced or
/// Cluster, plural and kind (lowercased) DNS-1035 labels, every version named by a DNS-1035
/// label, exactly one storage version, and (in apiextensions.k8s.io/v1) a schema for every
/// version. The schema's structure, CEL rules and conversion are the API server's to check
/// (a warning says so).
fn crd(o: &mut Out<'_>, v: &Value) {
    let text = |p: &str| v.str_at(p);
    let dns1035 =
        |s: &str| super::is_dns1123_label_of(s) && s.starts_with(|c: char| c.is_ascii_lowercase());
    let (group, plural, kind) = (
        text("/spec/group"),
        text("/spec/names/plural"),
        text("/spec/names/kind"),
    );
    let name = text("/metadata/name");
    if !name.is_empty() && !plural.is_empty() && name != format!("{plural}.{group}") {
        o.add(
            "metadata.name",
            format!("must be spec.names.plural + \".\" + spec.group: \"{plural}.{group}\""),
        );
    }
    if group.is_empty() {
        o.add("spec.group", "required");
    } else if !group.contains('.') || !super::dns_subdomain(group) {
        o.add(
            "spec.group",
            "must be a DNS subdomain with at least one dot (example.org)",
        );
    }
    match text("/spec/scope") {
        "Namespaced" | "Cluster" => {}
        _ => o.add("spec.scope", "must be Namespaced or Cluster"),
    }
    if plural.is_empty() {
        o.add("spec.names.plural", "required");
    } else if !dns1035(plural) {
        o.add(
            "spec.names.plural",
            "must be a lowercase DNS-1035 label (letters, digits, '-', starting with a letter)",
        );
    }
    if kind.is_empty() {
        o.add("spec.names.kind", "required");
    } else if !dns1035(&kind.to_ascii_lowercase()) {
        o.add("spec.names.kind", "must be a DNS-1035 label once lowercased (letters, digits, '-', starting with a letter)");
    }
    let versions: Vec<(usize, &Value)> = super::items(v.at("/spec/versions")).collect();
    if versions.is_empty() {
        o.add(
            "spec.versions",
            "must have exactly one version marked as storage version",
        );
        return;
    }
    let v1 = v.get("apiVersion").and_then(Value::as_str) == Some("apiextensions.k8s.io/v1");
    let mut storage = 0;
    for (n, version) in &versions {
        let name = version.text("name");
        if !dns1035(name) {
            o.add(
                format!("spec.versions[{n}].name"),
                "must be a DNS-1035 label (lowercase letters, digits, '-', starting with a letter), like v1",
            );
        }
        if version.get("storage").and_then(Value::as_bool) == Some(true) {
            storage += 1;
        }
        if v1 && version.at("/schema/openAPIV3Schema").is_none() {
            o.add(
                format!("spec.versions[{n}].schema.openAPIV3Schema"),
                "required: schemas are required",
            );
        }
    }
    if storage != 1 {
        o.add(
            "spec.versions",
            "must have exactly one version marked as storage version",
        );
    }
}

/// ValidateNode (pkg/apis/core/validation/validation.go at v1.35.4), for a new Node:
/// validateNodeTaints (a qualified-name key, a label value, a known effect, one taint per
/// key and effect) and the pod CIDRs (each a CIDR as IsValidCIDRForLegacyField reads it;
/// two at most, of different IP families, no duplicate). `podCIDR` stands for `podCIDRs`
/// when only it is given (the v1 conversion).
fn node(o: &mut Out<'_>, v: &Value) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (n, t) in super::items(v.at("/spec/taints")) {
        let at = format!("spec.taints[{n}]");
        let key = t.text("key");
        if key.is_empty() {
            o.add(format!("{at}.key"), "required");
        } else if !is_label_key(key) {
            o.add(
                format!("{at}.key"),
                "must be a qualified name like example.com/key",
            );
        }
        if let Some(val) = t.get("value").and_then(Value::as_str)
            && !super::is_label_value(val)
        {
            o.add(
                format!("{at}.value"),
                "must be a label value (at most 63 characters: alphanumerics, '-', '_', '.', starting and ending alphanumeric)",
            );
        }
        let effect = t.text("effect");
        match effect {
            "" => o.add(format!("{at}.effect"), "required"),
            "NoSchedule" | "PreferNoSchedule" | "NoExecute" => {}
            _ => o.add(
                format!("{at}.effect"),
                "unsupported value: NoSchedule, PreferNoSchedule or NoExecute",
            ),
        }
        if seen.contains(&(key, effect)) {
            o.add(at, "taints must be unique by key and effect pair");
        } else {
            seen.push((key, effect));
        }
    }
    let listed: Vec<&Value> = super::items(v.at("/spec/podCIDRs"))
        .map(|(_, c)| c)
        .collect();
    let single = v
        .at("/spec/podCIDR")
        .filter(|c| c.as_str().is_some_and(|s| !s.is_empty()));
    let (cidrs, at): (Vec<&Value>, &str) = match single {
        Some(c) if listed.is_empty() => (vec![c], "spec.podCIDR"),
        _ => (listed, "spec.podCIDRs"),
    };
    let parsed: Vec<Option<bool>> = cidrs
        .iter()
        .map(|c| {
            c.as_str()
                .and_then(super::fields::cidr)
                .map(|(ip, _)| ip.is_ipv4())
        })
        .collect();
    for (n, p) in parsed.iter().enumerate() {
        if p.is_none() {
            let path = if at == "spec.podCIDR" {
                at.to_string()
            } else {
                format!("{at}[{n}]")
            };
            o.add(
                path,
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            );
        }
    }
    if cidrs.len() > 1 {
        let dual = cidrs.len() == 2 && parsed.iter().all(Option::is_some) && parsed[0] != parsed[1];
        if !dual {
            o.add(at, "may specify no more than one CIDR for each IP family");
        }
        for (n, c) in cidrs.iter().enumerate() {
            if cidrs[..n].contains(c) {
                o.add(format!("{at}[{n}]"), format!("Duplicate value: {c}"));
            }
        }
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
            let key = e.text("key");
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
    let family = v.text("addressType");
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
        // validatePorts (pkg/apis/discovery/validation/validation.go at v1.33): a
        // protocol of supportedPortProtocols; a missing one defaults to TCP
        // (SetDefaults_EndpointPort), an empty one is refused.
        if let Some(Value::String(proto)) = p.get("protocol")
            && !matches!(proto.as_str(), "TCP" | "UDP" | "SCTP")
        {
            o.add(
                format!("ports[{i}].protocol"),
                "unsupported value: must be SCTP, TCP or UDP",
            );
        }
        let name = p.text("name");
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

/// validation.IsValidCIDR (k8s.io/apimachinery/pkg/api/validation/ip.go, a new field's
/// strict form, as ValidateServiceCIDR checks each CIDR): no leading zeros in an IPv4
/// octet, no IPv4-mapped IPv6 address, and the text as `ipnet.String()` prints it, the
/// network address (no host bits) in canonical form (RFC 5952 for IPv6, lowercase).
fn canonical_cidr(c: &str) -> Result<(), String> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let Some((a, l)) = c.split_once('/') else {
        return Ok(());
    };
    let Ok(len) = l.parse::<u32>() else {
        return Ok(());
    };
    let Ok(addr) = a.parse::<IpAddr>() else {
        return Err("must not have leading 0s in IPv4 octets".into());
    };
    let network = match addr {
        IpAddr::V4(v) => {
            let mask = u32::MAX.checked_shl(32 - len.min(32)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v) & mask))
        }
        IpAddr::V6(v) => {
            if v.to_ipv4_mapped().is_some() {
                return Err("must not be an IPv4-mapped IPv6 address".into());
            }
            let mask = u128::MAX.checked_shl(128 - len.min(128)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v) & mask))
        }
    };
    let canonical = format!("{network}/{len}");
    if canonical == c {
        Ok(())
    } else {
        Err(format!("must be in canonical form (\"{canonical}\")"))
    }
}
