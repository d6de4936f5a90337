//! Kubernetes' own field rules that a typed decode cannot see: name and key syntax,
//! number ranges, quantities (requests within limits), selector and toleration
//! operators, NetworkPolicy peers, image references. Each rule follows the API server's
//! validation (kubernetes `pkg/apis/core/validation/validation.go`,
//! `pkg/apis/networking/validation/validation.go`, `pkg/apis/apps/validation`, and
//! apimachinery's `validation.IsDNS1123Subdomain`/`IsQualifiedName`); the function names
//! are given beside each rule.

mod cluster;
mod core;
mod fields;
mod gateway;
mod networking;
mod pod;
mod rbac;
mod workloads;

use crate::parse::At;
use crate::parse::Document;
use serde_json::Value;

// apimachinery `IsDNS1123Subdomain`, `IsQualifiedName` and `IsValidLabelValue`, shared
// with the cross-object checks.
use super::semantic::is_dns1123_label as is_dns1123_label_of;
pub use super::semantic::is_dns1123_subdomain as dns_subdomain;
use super::semantic::{SemanticProblem as RuleProblem, is_label_key, is_label_value};

/// A field rule's problem: document index, path, message.
pub type Problem = RuleProblem;
pub(crate) use fields::path_segment;
pub(crate) use gateway::parent_refs;
pub(crate) use workloads::{cron_schedule, time_zone_ok};

/// The most bytes an object's annotations may hold, keys and values together
/// (apimachinery pkg/api/validation/objectmeta.go:36, TotalAnnotationSizeLimitB).
pub const ANNOTATIONS_MAX: usize = 256 * 1024;

/// The bytes annotations hold as ValidateAnnotationsSize counts them (objectmeta.go:58-66).
pub fn annotations_size(annotations: &serde_json::Map<String, Value>) -> usize {
    annotations
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum()
}

/// apimachinery `IsConfigMapKey` (Secret and ConfigMap data keys).
pub fn config_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        && s != "."
        && s != ".."
        // hasChDirPrefix: "must not start with '..'"
        && !s.starts_with("..")
}

/// A quantity's exact value, as the API server keeps and compares it (see
/// [`Exact`](crate::validate::typed::quantities::Exact)); a JSON number by its decimal
/// text. `None` when it does not parse.
pub fn quantity_exact(v: &Value) -> Option<crate::validate::typed::quantities::Exact> {
    match v {
        Value::String(s) => crate::validate::typed::quantities::exact(s),
        Value::Number(n) => crate::validate::typed::quantities::exact(&n.to_string()),
        _ => None,
    }
}

/// Is this quantity below zero, as the API server reads it (`-1e-1000` is -1n there)?
pub fn quantity_negative(v: &Value) -> bool {
    quantity_exact(v).is_some_and(|q| q.negative)
}

/// Is this quantity above zero, as the API server reads it?
pub fn quantity_positive(v: &Value) -> bool {
    quantity_exact(v).is_some_and(|q| !q.negative && !q.is_zero())
}

/// The value of a Kubernetes quantity in base units, if it parses (a float: for sizes
/// and messages; comparisons and signs go by [`quantity_exact`]).
pub fn quantity_value(v: &Value) -> Option<f64> {
    let s = match v {
        Value::Number(n) => return n.as_f64(),
        Value::String(s) => s.trim(),
        _ => return None,
    };
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        // Go reads the exponent as an int64 and keeps its low 32 bits (`int32(parsed)`,
        // apimachinery pkg/api/resource/suffix.go:190-194 at v0.33.0): `1e4294967297` is
        // 10 there, and compared as 10.
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse::<i64>().ok()? as i32),
        _ => return None,
    };
    Some(n * mult)
}

/// A container image reference: `[registry[:port]/]path[:tag][@digest]` with lowercase
/// path components (distribution/reference's grammar, simplified: no whitespace, no empty
/// component, a tag of word characters, a digest `algorithm:hex`).
pub fn image_ref(s: &str) -> bool {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let ok = d.split_once(':').is_some_and(|(alg, hex)| {
            !alg.is_empty()
                && alg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !ok {
            return false;
        }
    }
    // The tag is after the last ':' that comes after the last '/'.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && t.as_bytes()[0] != b'.'
            && t.as_bytes()[0] != b'-'
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !ok {
            return false;
        }
    }
    let mut parts = name.split('/');
    let first = parts.next().unwrap_or("");
    // A registry may carry a port (`host:5000`); nothing else has a ':'.
    let (host, port) = first
        .split_once(':')
        .map_or((first, None), |(h, p)| (h, Some(p)));
    let first_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    // A path component: lowercase alphanumerics joined by one '.', one or two '_', or
    // any run of '-' (distribution/reference `path-component`).
    let component = |p: &str| {
        let b = p.as_bytes();
        !p.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && p.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(&c))
            && !p.contains("..")
            && !p.contains("___")
            && !p.contains("._")
            && !p.contains("_.")
    };
    let host_ok = (port.is_some() || host.contains('.') || host == "localhost") || component(host);
    first_ok && host_ok && parts.all(component)
}

/// A NetworkPolicy ipBlock's CIDR: IsValidCIDRForLegacyField, which in 1.33 (the
/// StrictIPCIDRValidation gate off) parses as ParseCIDRSloppy does, IPv4 octets with
/// leading zeros included (networking validation, ValidateIPBlock).
fn is_cidr(c: &str) -> bool {
    fields::cidr(c).is_some()
}

struct Out<'a> {
    doc: usize,
    out: &'a mut Vec<RuleProblem>,
}

impl Out<'_> {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(RuleProblem {
            doc: self.doc,
            path: path.into(),
            message: message.into(),
        });
    }
}

/// A DNS-1123 subdomain, or empty (the core API group).
pub fn dns_subdomain_or_empty(s: &str) -> bool {
    s.is_empty() || dns_subdomain(s)
}

/// ValidateTemplateObjectMeta (pkg/apis/core/validation/validation.go at v1.35.4, for a
/// PersistentVolumeClaimTemplate's metadata) and the labels and annotations of
/// ValidatePodTemplateSpec's metadata: ValidateLabels (qualified-name keys, label
/// values) and ValidateAnnotations (qualified-name keys whatever their case, at most
/// 256 KiB in all; apimachinery pkg/api/validation/objectmeta.go).
fn template_meta(o: &mut Out<'_>, meta: &Value, at: &str) {
    for (k, v) in meta
        .get("labels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !is_label_key(k) {
            o.add(format!("{at}.labels[{k:?}]"), "invalid label key");
        }
        if !v.as_str().is_some_and(is_label_value) {
            o.add(
                format!("{at}.labels[{k:?}]"),
                "invalid label value (at most 63 characters: alphanumerics, '-', '_', '.', starting and ending alphanumeric)",
            );
        }
    }
    let Some(ann) = meta.get("annotations").and_then(Value::as_object) else {
        return;
    };
    for k in ann.keys() {
        if !is_label_key(&k.to_lowercase()) {
            o.add(
                format!("{at}.annotations[{k:?}]"),
                "invalid annotation key: a name like example.com/key",
            );
        }
    }
    if annotations_size(ann) > ANNOTATIONS_MAX {
        o.add(
            format!("{at}.annotations"),
            "annotations may total at most 256 KiB",
        );
    }
}

/// The items of a list field, numbered (none when the field is absent or not a list).
fn items(v: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// Every rule over every document.
pub fn check(docs: &[Document]) -> Vec<RuleProblem> {
    let indexed: Vec<(usize, &Document)> = docs.iter().enumerate().collect();
    crate::parallel::map(&indexed, |&(i, d)| check_one(i, d))
        .into_iter()
        .flatten()
        .collect()
}

/// Every rule over one document (number `i` of the stream).
pub fn check_one(i: usize, d: &Document) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    {
        let mut o = Out {
            doc: i,
            out: &mut out,
        };
        let v = &d.value;
        match d.kind() {
            "Secret" | "ConfigMap" => {
                for field in ["data", "stringData", "binaryData"] {
                    for k in v
                        .get(field)
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k)
                    {
                        if !config_key(k) {
                            // ValidateConfigMap / ValidateSecret: IsConfigMapKey.
                            o.add(
                                format!("{field}[{k:?}]"),
                                "invalid key: use letters, digits, '-', '_' and '.', not starting with '..' (at most 253)",
                            );
                        }
                    }
                }
            }
            "PersistentVolumeClaim" => pvc_spec(&mut o, v.get("spec"), "spec"),
            "Ingress" => ingress(&mut o, v),
            "NetworkPolicy" => network_policy(&mut o, v),
            "HTTPRoute" if d.api_version().starts_with("gateway.networking.k8s.io/") => {
                let refs = v
                    .at("/spec/parentRefs")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                for (i, message) in gateway::parent_refs(refs) {
                    o.add(format!("spec.parentRefs[{i}]"), message);
                }
            }
            "Service" => {
                for (n, p) in items(v.at("/spec/ports")) {
                    port_range(&mut o, p.get("port"), &format!("spec.ports[{n}].port"));
                    // SetDefaults_Service: a targetPort of 0 (or "") becomes the port
                    // before validation (pkg/apis/core/v1/defaults.go:131-132 at v1.33.3).
                    if let Some(t) = p
                        .get("targetPort")
                        .filter(|t| t.is_number() && t.as_i64() != Some(0))
                    {
                        port_range(&mut o, Some(t), &format!("spec.ports[{n}].targetPort"));
                    }
                }
            }
            _ => {}
        }
        for (mpath, meta) in [
            ("metadata", v.get("metadata")),
            ("spec.template.metadata", v.at("/spec/template/metadata")),
        ] {
            let Some(ann) = meta
                .and_then(|m| m.get("annotations"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            for k in ann.keys() {
                if !is_label_key(&k.to_lowercase()) {
                    // ValidateAnnotations: keys are qualified names, whatever their case
                    // (apimachinery pkg/api/validation/objectmeta.go:44-50 at v0.33.0).
                    o.add(
                        format!("{mpath}.annotations[{k:?}]"),
                        "invalid annotation key: a name like example.com/key",
                    );
                }
            }
            if annotations_size(ann) > ANNOTATIONS_MAX {
                o.add(
                    format!("{mpath}.annotations"),
                    "annotations may total at most 256 KiB",
                );
            }
        }
        if let Some(r) = v.at("/spec/replicas")
            && r.as_i64().is_some_and(|n| n < 0)
        {
            // ValidateNonnegativeField (apps/validation).
            o.add("spec.replicas", "must be 0 or more");
        }
        for (n, t) in items(v.at("/spec/volumeClaimTemplates")) {
            let at = format!("spec.volumeClaimTemplates[{n}].spec");
            pvc_spec(&mut o, t.get("spec"), &at);
            if let Some(spec) = t.get("spec") {
                core::pvc(&mut o, spec, &at, false);
            }
        }
        // ValidatePodTemplate → ValidatePodTemplateSpec: the template's labels and
        // annotations (a workload's template's are checked above and in `semantic`).
        if d.kind() == "PodTemplate"
            && let Some(meta) = v.at("/template/metadata")
        {
            template_meta(&mut o, meta, "template.metadata");
        }
        // A PodTemplate's template is a value, not a pointer: without one its pod spec is
        // empty, and ValidatePodSpec requires containers.
        if d.kind() == "PodTemplate"
            && super::typed::is_builtin(d.api_version(), d.kind())
            && !v.at("/template/spec").is_some_and(Value::is_object)
        {
            o.add(
                "template.spec.containers",
                "required: a pod needs at least one container",
            );
        }
        for (prefix, pod) in pod_specs(v) {
            pod::check(&mut o, pod, &prefix, d.kind());
            // The pod's (or template's) own metadata sits beside its spec.
            let meta = format!("{}metadata", prefix.strip_suffix("spec").unwrap_or(""));
            let labels = v.at(&format!("/{}/labels", meta.replace('.', "/")));
            let name = v.str_at(&format!("/{}/name", meta.replace('.', "/")));
            pod::ephemeral_claims(&mut o, pod, name, &prefix);
            pod::affinity_label_keys(&mut o, pod, labels, &prefix);
            if let Some(a) = v.at(&format!("/{}/annotations", meta.replace('.', "/"))) {
                pod::annotations(&mut o, a, pod, &format!("{meta}.annotations"));
            }
        }
        // The objects whose spec the API server requires (a selector, a template,
        // containers, ports, access modes): no spec at all is refused.
        if matches!(
            d.kind(),
            "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "Job"
                | "CronJob"
                | "Pod"
                | "Service"
                | "PersistentVolumeClaim"
                | "PersistentVolume"
                | "HorizontalPodAutoscaler"
                | "PodDisruptionBudget"
                | "NetworkPolicy"
                | "ReplicationController"
        ) && !v.get("spec").is_some_and(Value::is_object)
            && super::typed::is_builtin(d.api_version(), d.kind())
        {
            o.add("spec", "required: this kind needs a spec");
        }
        if super::typed::is_builtin(d.api_version(), d.kind()) {
            timestamps(&mut o, d.kind(), v);
        }
        core::check(&mut o, d.kind(), v);
        workloads::check(&mut o, d.kind(), v);
        networking::check(&mut o, d.kind(), v);
        rbac::check(&mut o, d.kind(), v);
        cluster::check(&mut o, d.kind(), v);
        for (path, sel) in selectors(v) {
            label_selector(&mut o, sel, &path);
        }
    }
    out
}

/// The pod specs of an object whose pod-spec rules apply: a Pod's, a workload's template,
/// a CronJob's job template, a PodTemplate's template (ValidatePodTemplate →
/// ValidatePodTemplateSpec → ValidatePodSpec, pkg/apis/core/validation/validation.go at
/// v1.35.4: the rules a Deployment's template gets).
fn pod_specs(v: &Value) -> Vec<(String, &Value)> {
    pod_templates(v)
        .into_iter()
        .map(|(at, spec, ..)| (at.to_string(), spec))
        .collect()
}

/// The pod specs of an object with their metadata, as pod-security-admission reads them
/// (a Pod, a workload's template, a CronJob's job template, a PodTemplate's template):
/// (spec path, spec, metadata path, metadata).
fn pod_templates(v: &Value) -> Vec<(&'static str, &Value, &'static str, Option<&Value>)> {
    let pod = v.get("kind").and_then(Value::as_str) == Some("Pod");
    let template = v.get("kind").and_then(Value::as_str) == Some("PodTemplate");
    [
        (pod, "spec", "/spec", "metadata", "/metadata"),
        (
            true,
            "spec.template.spec",
            "/spec/template/spec",
            "spec.template.metadata",
            "/spec/template/metadata",
        ),
        (
            true,
            "spec.jobTemplate.spec.template.spec",
            "/spec/jobTemplate/spec/template/spec",
            "spec.jobTemplate.spec.template.metadata",
            "/spec/jobTemplate/spec/template/metadata",
        ),
        (
            template,
            "template.spec",
            "/template/spec",
            "template.metadata",
            "/template/metadata",
        ),
    ]
    .into_iter()
    .filter(|(kind_matches, ..)| *kind_matches)
    .filter_map(|(_, at, pointer, meta_at, meta)| {
        v.at(pointer).map(|spec| (at, spec, meta_at, v.at(meta)))
    })
    .collect()
}

/// A probe's or lifecycle handler's `host` (policy/check_hostProbesAndhostLifecycle.go
/// at v0.34.0, baseline from 1.34: any non-empty host).
fn probe_hosts(o: &mut Out<'_>, c: &Value, at: &str) {
    for (handler, pointer) in [
        ("livenessProbe", "/livenessProbe"),
        ("readinessProbe", "/readinessProbe"),
        ("startupProbe", "/startupProbe"),
        ("lifecycle.postStart", "/lifecycle/postStart"),
        ("lifecycle.preStop", "/lifecycle/preStop"),
    ] {
        for action in ["httpGet", "tcpSocket"] {
            if c.at(pointer)
                .and_then(|h| h.get(action))
                .and_then(|a| a.get("host"))
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
            {
                o.add(
                    format!("{at}.{handler}.{action}.host"),
                    "breaks the Pod Security Standards from Kubernetes 1.34 (any probe or lifecycle host does, whatever --kube-version: a render is for every cluster from 1.33 on): leave it out, so the kubelet uses the pod's IP",
                );
            }
        }
    }
}

fn selectors(v: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    let kind = v.text("kind");
    if kind != "Service"
        && let Some(s) = v.at("/spec/selector").filter(|s| s.is_object())
    {
        out.push(("spec.selector".to_string(), s));
    }
    if kind == "NetworkPolicy"
        && let Some(s) = v.at("/spec/podSelector")
    {
        out.push(("spec.podSelector".to_string(), s));
    }
    out
}

fn port_range(o: &mut Out<'_>, p: Option<&Value>, path: &str) {
    if let Some(n) = p.and_then(Value::as_i64)
        && !(1..=65535).contains(&n)
    {
        // validation.IsValidPortNum.
        o.add(path, "must be a port number from 1 to 65535");
    }
}

fn pvc_spec(o: &mut Out<'_>, spec: Option<&Value>, at: &str) {
    let Some(spec) = spec else { return };
    if let Some(sc) = spec.get("storageClassName").and_then(Value::as_str)
        && !sc.is_empty()
        && !dns_subdomain(sc)
    {
        // ValidatePersistentVolumeClaimSpec: ValidateClassName.
        o.add(
            format!("{at}.storageClassName"),
            "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
        );
    }
    if let Some(q) = spec.at("/resources/requests/storage") {
        match quantity_exact(q) {
            Some(x) if !x.negative && !x.is_zero() => {}
            // ValidateResourceQuantityValue + "must be greater than zero" for storage.
            _ => o.add(
                format!("{at}.resources.requests.storage"),
                "must be a quantity greater than zero, like 10Gi",
            ),
        }
    }
}

fn host_ok(h: &str) -> bool {
    // ParseIPSloppy of the whole host: `010.1.1.1` is an address too (k8s.io/utils
    // net/parse.go), `*.1.2.3.4` is not (it is then a wildcard DNS subdomain).
    !fields::is_ip(h) && dns_subdomain(h.strip_prefix("*.").unwrap_or(h))
}

/// validateHTTPIngressPath: an absolute path (which Exact and Prefix need, and
/// ImplementationSpecific only when one is given); for Exact and Prefix, no `//`, `/./`,
/// `/../`, `%2f`, and no trailing `/..` or `/.`.
fn ingress_path_ok(path: &str, path_type: &str) -> bool {
    if path.is_empty() && path_type == "ImplementationSpecific" {
        return true;
    }
    if !path.starts_with('/') {
        return false;
    }
    if matches!(path_type, "Exact" | "Prefix") {
        let lower = path.to_ascii_lowercase();
        return !["//", "/./", "/../", "%2f"]
            .iter()
            .any(|b| lower.contains(b))
            && !path.ends_with("/..")
            && !path.ends_with("/.");
    }
    true
}

fn ingress(o: &mut Out<'_>, v: &Value) {
    for (n, r) in items(v.at("/spec/rules")) {
        for (m, p) in items(r.at("/http/paths")) {
            let path = p.text("path");
            let ty = p.text("pathType");
            if matches!(ty, "Exact" | "Prefix" | "ImplementationSpecific")
                && !ingress_path_ok(path, ty)
            {
                o.add(
                    format!("spec.rules[{n}].http.paths[{m}].path"),
                    "must be an absolute path without //, /./, /../ or %2F (and not end in /. or /..)",
                );
            }
        }
    }
    if let Some(c) = v.at("/spec/ingressClassName").and_then(Value::as_str)
        && !dns_subdomain(c)
    {
        // ValidateIngressSpec: IngressClassName is a DNS subdomain.
        o.add(
            "spec.ingressClassName",
            "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
        );
    }
    for (n, r) in items(v.at("/spec/rules")) {
        if let Some(h) = r.get("host").and_then(Value::as_str)
            && !h.is_empty()
            && !host_ok(h)
        {
            // validateIngressRules: a DNS name (optionally "*."), not an IP; an empty
            // host (any host) is not checked (`if len(ih.Host) > 0`).
            o.add(format!("spec.rules[{n}].host"), "must be a DNS name (labels of at most 63 lowercase letters, digits, '-'), optionally starting with '*.', not an IP address");
        }
    }
    // validateIngressTLS: a host with '*' is a wildcard DNS subdomain (`*.` and a
    // subdomain), any other a DNS-1123 subdomain; unlike a rule's host, an IP address
    // passes (it is a subdomain by the pattern) and no label length is checked.
    let tls_host = |h: &str| match h.strip_prefix("*.") {
        Some(rest) => h.len() <= 253 && dns_subdomain(rest),
        None => !h.contains('*') && dns_subdomain(h),
    };
    for (n, t) in items(v.at("/spec/tls")) {
        for (m, h) in items(t.get("hosts")) {
            if !h.as_str().is_some_and(tls_host) {
                o.add(
                    format!("spec.tls[{n}].hosts[{m}]"),
                    "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.'), optionally starting with '*.'",
                );
            }
        }
    }
}

fn network_policy(o: &mut Out<'_>, v: &Value) {
    for (dir, peers_key) in [("ingress", "from"), ("egress", "to")] {
        for (n, rule) in items(v.at(&format!("/spec/{dir}"))) {
            for (m, peer) in items(rule.get(peers_key)) {
                let at = format!("spec.{dir}[{n}].{peers_key}[{m}]");
                let obj = peer.as_object();
                let has = |k: &str| obj.is_some_and(|o| o.get(k).is_some_and(|x| !x.is_null()));
                // ValidateNetworkPolicyPeer: exactly one of ipBlock, or selectors.
                let selectors = has("podSelector") || has("namespaceSelector");
                if !selectors && !has("ipBlock") {
                    o.add(at.clone(), "a peer needs podSelector, namespaceSelector or ipBlock (an empty peer is refused)");
                }
                if selectors && has("ipBlock") {
                    o.add(
                        at.clone(),
                        "ipBlock cannot be combined with podSelector or namespaceSelector",
                    );
                }
                if let Some(b) = peer.get("ipBlock") {
                    let cidr = b.text("cidr");
                    if !is_cidr(cidr) {
                        o.add(
                            format!("{at}.ipBlock.cidr"),
                            "must be a CIDR like 10.0.0.0/8",
                        );
                    }
                    for (e, x) in items(b.get("except")) {
                        if !x.as_str().is_some_and(is_cidr) {
                            o.add(format!("{at}.ipBlock.except[{e}]"), "must be a CIDR");
                        }
                    }
                }
                for s in ["podSelector", "namespaceSelector"] {
                    if let Some(sel) = peer.get(s) {
                        label_selector(o, sel, &format!("{at}.{s}"));
                    }
                }
            }
            for (m, p) in items(rule.get("ports")) {
                if p.get("port").is_some_and(Value::is_number) {
                    port_range(
                        o,
                        p.get("port"),
                        &format!("spec.{dir}[{n}].ports[{m}].port"),
                    );
                }
            }
        }
    }
}

/// ValidateLabelSelector: label keys and values, operators and their values.
fn label_selector(o: &mut Out<'_>, sel: &Value, at: &str) {
    for (k, v) in sel
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !is_label_key(k) {
            o.add(format!("{at}.matchLabels[{k:?}]"), "invalid label key");
        } else if !v.as_str().is_some_and(is_label_value) {
            o.add(
                format!("{at}.matchLabels[{k:?}]"),
                "invalid label value (at most 63 characters: alphanumerics, '-', '_', '.')",
            );
        }
    }
    for (n, e) in items(sel.get("matchExpressions")) {
        if !e
            .get("key")
            .and_then(Value::as_str)
            .is_some_and(is_label_key)
        {
            o.add(
                format!("{at}.matchExpressions[{n}].key"),
                "invalid label key",
            );
        }
        for (m, x) in items(e.get("values")) {
            if !x.as_str().is_some_and(is_label_value) {
                o.add(
                    format!("{at}.matchExpressions[{n}].values[{m}]"),
                    "invalid label value",
                );
            }
        }
    }
    for (n, e) in items(sel.get("matchExpressions")) {
        let op = e.text("operator");
        let count = e
            .get("values")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        match op {
            "In" | "NotIn" if count == 0 => o.add(
                format!("{at}.matchExpressions[{n}].values"),
                "must not be empty for In and NotIn",
            ),
            "Exists" | "DoesNotExist" if count > 0 => o.add(
                format!("{at}.matchExpressions[{n}].values"),
                "must be empty for Exists and DoesNotExist",
            ),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => o.add(
                format!("{at}.matchExpressions[{n}].operator"),
                "must be In, NotIn, Exists or DoesNotExist",
            ),
        }
    }
}

/// Objects of a built-in alpha or beta API version (`storagemigration.k8s.io/v1alpha1`,
/// `storage.k8s.io/v1beta1`): the API server serves none unless enabled with
/// `--runtime-config` (alpha group versions are "always disabled by default",
/// `alphaAPIGroupVersionsDisabledByDefault`; every beta one added since 1.24 is off by
/// default too, KEP-3136, `betaAPIGroupVersionsDisabledByDefault` in
/// `DefaultAPIResourceConfigSource`, and every beta version Kubernetes 1.33 has is one of
/// them: the older betas were removed by 1.32), and kubectl then fails with "no matches
/// for kind". Allowed when `api_versions` (Helm's `--api-versions`) lists the version or
/// `version/Kind`.
pub fn gated_apis(docs: &[Document], api_versions: &[String]) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let (api, kind) = (d.api_version(), d.kind());
        let version = api.rsplit('/').next().unwrap_or("");
        let declared = api_versions
            .iter()
            .any(|v| v == api || *v == format!("{api}/{kind}"));
        let level = if version.contains("alpha") {
            "an alpha"
        } else if version.contains("beta") {
            "a beta"
        } else {
            continue;
        };
        if crate::validate::typed::is_builtin(api, kind) && !declared {
            Out {
                doc: i,
                out: &mut out,
            }
            .add(
                "apiVersion",
                format!(
                    "{api} is {level} API: Kubernetes serves it only when the API server enables it (kube-apiserver --runtime-config={api}=true), and kubectl apply otherwise fails with \"no matches for kind {kind}\"; use a GA version, or pass --api-versions {api} if your cluster serves it"
                ),
            );
        }
    }
    out
}

/// Fields that the target Kubernetes version refuses by default, behind a feature gate
/// (pkg/features/kube_features.go): an `image` volume needs ImageVolume, off by default
/// before 1.35 (v1.33: Beta, `Default: false`), without which the API server drops the
/// source and refuses the volume as having none; a Service's `trafficDistribution` of
/// PreferSameZone or PreferSameNode needs PreferSameTrafficDistribution, off by default
/// before 1.34 (v1.33: Alpha; 1.34: Beta, on), without which
/// validateServiceTrafficDistribution takes PreferClose only.
pub fn gated_fields(docs: &[Document], kube_minor: u32) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let mut o = Out {
            doc: i,
            out: &mut out,
        };
        if kube_minor < 34
            && d.kind() == "Service"
            && let Some(t @ ("PreferSameZone" | "PreferSameNode")) = d
                .value
                .at("/spec/trafficDistribution")
                .and_then(Value::as_str)
        {
            o.add(
                "spec.trafficDistribution",
                format!("{t} is refused by Kubernetes 1.{kube_minor} by default (the PreferSameTrafficDistribution feature gate is on by default from 1.34): use PreferClose, or render with --kube-version 1.34 or later"),
            );
        }
        if kube_minor >= 35 {
            continue;
        }
        for (at, pod) in pod_specs(&d.value) {
            for (n, v) in items(pod.get("volumes")) {
                if v.get("image").is_some_and(|x| !x.is_null()) {
                    o.add(
                        format!("{at}.volumes[{n}].image"),
                        format!("image volumes are off by default in Kubernetes 1.{kube_minor} (the ImageVolume feature gate is on by default from 1.35): the API server would drop the source and refuse the volume; with the gate on in your cluster, render with --kube-version 1.35 or later"),
                    );
                }
            }
        }
    }
    out
}

/// The dynamic resource allocation fields of every pod and pod template
/// ([`pod::resource_claims`]): Kubernetes 1.33 drops them (the DynamicResourceAllocation
/// feature gate is off by default, pkg/features/kube_features.go), 1.34 and later
/// (DynamicResourceAllocation GA, on) refuse what is wrong in them. `validate` applies
/// these from `--kube-version 1.34`; `render`, whose manifests must apply to every
/// cluster from 1.33, always.
pub fn resource_claims(docs: &[Document]) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let mut o = Out {
            doc: i,
            out: &mut out,
        };
        for (at, pod) in pod_specs(&d.value) {
            pod::resource_claims(&mut o, pod, &at);
        }
    }
    out
}

/// Fixed user, group and fsGroup IDs in any pod of the stream (`openshift: true`, where the
/// restricted-v2 SCC assigns them from the namespace's range and refuses others).
pub fn fixed_ids(docs: &[Document]) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let mut o = Out {
            doc: i,
            out: &mut out,
        };
        // SCC admission reads pods (and their controllers' templates), not a PodTemplate.
        for (at, pod) in pod_specs(&d.value)
            .into_iter()
            .filter(|(at, _)| at != "template.spec")
        {
            for k in ["runAsUser", "runAsGroup", "fsGroup"] {
                if pod
                    .at(&format!("/securityContext/{k}"))
                    .is_some_and(|v| !v.is_null())
                {
                    o.add(
                        format!("{at}.securityContext.{k}"),
                        "names an ID, which restricted-v2 assigns (openshift: true)",
                    );
                }
            }
            for field in ["initContainers", "containers", "ephemeralContainers"] {
                for (n, c) in items(pod.get(field)) {
                    for k in ["runAsUser", "runAsGroup"] {
                        if c.at(&format!("/securityContext/{k}"))
                            .is_some_and(|v| !v.is_null())
                        {
                            o.add(
                                format!("{at}.{field}[{n}].securityContext.{k}"),
                                "names an ID, which restricted-v2 assigns (openshift: true)",
                            );
                        }
                    }
                }
            }
        }
    }
    out
}

/// The restricted Pod Security Standard for the pods of the documents `checked` picks
/// (pod-security-admission `policy/check_*.go`: privileged, allowPrivilegeEscalation,
/// runAsNonRoot, runAsUser, capabilities, seccompProfile, host namespaces, volume types,
/// hostPort).
/// `minor` is the target Kubernetes minor version (from 1.35 `hostUsers: false` relaxes
/// the user checks). A probe or lifecycle `host`, which breaks the standard from 1.34
/// (policy/check_hostProbesAndhostLifecycle.go at v0.34.0), is refused at every version.
pub fn restricted(
    docs: &[Document],
    minor: u32,
    checked: impl Fn(&Document) -> bool,
) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        if !checked(d) {
            continue;
        }
        let mut o = Out {
            doc: i,
            out: &mut out,
        };
        for (at, pod, meta_at, meta) in pod_templates(&d.value) {
            let psc = pod.get("securityContext");
            // allowPrivilegeEscalation_1_25, capabilitiesRestricted_1_25,
            // seccompProfileRestricted_1_25: a Windows pod (spec.os.name) is exempt, as
            // the API refuses those fields for it.
            let windows = pod.at("/os/name").and_then(Value::as_str) == Some("windows");
            // runAsNonRoot1_35, runAsUser1_35 (helpers.go relaxPolicyForUserNamespacePod at
            // v0.35.0): a pod in a user namespace (hostUsers: false) may run as its root.
            let userns = minor >= 35 && pod.get("hostUsers") == Some(&Value::Bool(false));
            for k in ["hostNetwork", "hostPID", "hostIPC"] {
                if pod.get(k) == Some(&Value::Bool(true)) {
                    o.add(
                        format!("{at}.{k}"),
                        "breaks the restricted Pod Security Standard",
                    );
                }
            }
            // check_restrictedVolumes.go, restrictedVolumes_1_0: only these sources (image
            // since v1.33, kubernetes/kubernetes#130394); hostPath, nfs, iscsi, … are not.
            const RESTRICTED_VOLUMES: [&str; 9] = [
                "configMap",
                "csi",
                "downwardAPI",
                "emptyDir",
                "ephemeral",
                "image",
                "persistentVolumeClaim",
                "projected",
                "secret",
            ];
            for (n, v) in items(pod.get("volumes")) {
                for source in v.as_object().into_iter().flatten().map(|(k, _)| k) {
                    if source != "name" && !RESTRICTED_VOLUMES.contains(&source.as_str()) {
                        o.add(
                            format!("{at}.volumes[{n}].{source}"),
                            "breaks the restricted Pod Security Standard (its volumes are configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret)",
                        );
                    }
                }
            }
            let pod_non_root = psc
                .and_then(|s| s.get("runAsNonRoot"))
                .and_then(Value::as_bool);
            if pod_non_root == Some(false) && !userns {
                o.add(
                    format!("{at}.securityContext.runAsNonRoot"),
                    "false breaks the restricted Pod Security Standard",
                );
            }
            if let Some(t) = psc
                .and_then(|s| s.at("/seccompProfile/type"))
                .and_then(Value::as_str)
                && !windows
                && !matches!(t, "RuntimeDefault" | "Localhost")
            {
                o.add(
                    format!("{at}.securityContext.seccompProfile.type"),
                    "must be RuntimeDefault or Localhost (restricted Pod Security Standard)",
                );
            }
            for (n, sysctl) in items(psc.and_then(|s| s.get("sysctls"))) {
                // check_sysctls.go: only the safe set.
                let safe = [
                    "kernel.shm_rmid_forced",
                    "net.ipv4.ip_local_port_range",
                    "net.ipv4.ip_unprivileged_port_start",
                    "net.ipv4.tcp_syncookies",
                    "net.ipv4.ping_group_range",
                    "net.ipv4.ip_local_reserved_ports",
                    "net.ipv4.tcp_keepalive_time",
                    "net.ipv4.tcp_fin_timeout",
                    "net.ipv4.tcp_keepalive_intvl",
                    "net.ipv4.tcp_keepalive_probes",
                    // sysctlsAllowedV1Dot32
                    "net.ipv4.tcp_rmem",
                    "net.ipv4.tcp_wmem",
                ];
                if !sysctl
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|s| safe.contains(&s))
                {
                    o.add(
                        format!("{at}.securityContext.sysctls[{n}]"),
                        "is not a safe sysctl (restricted Pod Security Standard)",
                    );
                }
            }
            // check_appArmorProfile.go allowedAnnotationValue: empty, runtime/default or
            // localhost/*.
            for (k, v) in meta
                .and_then(|m| m.get("annotations"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if k.starts_with("container.apparmor.security.beta.kubernetes.io/")
                    && !v.as_str().is_some_and(|s| {
                        s.is_empty() || s == "runtime/default" || s.starts_with("localhost/")
                    })
                {
                    o.add(format!("{meta_at}.annotations[{k:?}]"), "AppArmor must be runtime/default or localhost/* (restricted Pod Security Standard)");
                }
            }
            if psc.and_then(|s| s.get("runAsUser")).and_then(Value::as_i64) == Some(0) && !userns {
                o.add(
                    format!("{at}.securityContext.runAsUser"),
                    "0 (root) breaks the restricted Pod Security Standard",
                );
            }
            let pod_seccomp = psc
                .and_then(|s| s.at("/seccompProfile/type"))
                .and_then(Value::as_str);
            for field in ["initContainers", "containers"] {
                for (n, c) in items(pod.get(field)) {
                    let cat = format!("{at}.{field}[{n}].securityContext");
                    let sc = c.get("securityContext");
                    let get = |k: &str| sc.and_then(|s| s.get(k));
                    // check_windowsHostProcess.go, check_seLinuxOptions.go,
                    // check_appArmorProfile.go, check_procMount.go, for the container and
                    // the pod alike.
                    for (scope, ctx) in [(cat.clone(), sc), (format!("{at}.securityContext"), psc)]
                    {
                        let g = |k: &str| ctx.and_then(|s| s.get(k));
                        if g("windowsOptions").and_then(|w| w.get("hostProcess"))
                            == Some(&Value::Bool(true))
                        {
                            o.add(
                                format!("{scope}.windowsOptions.hostProcess"),
                                "breaks the restricted Pod Security Standard",
                            );
                        }
                        if let Some(se) = g("seLinuxOptions") {
                            let t = se.text("type");
                            let allowed = [
                                "",
                                "container_t",
                                "container_init_t",
                                "container_kvm_t",
                                "container_engine_t",
                            ];
                            if !allowed.contains(&t)
                                || se.get("user").is_some()
                                || se.get("role").is_some()
                            {
                                o.add(format!("{scope}.seLinuxOptions"), "only the type container_t (or _init_t, _kvm_t, _engine_t) may be set (restricted Pod Security Standard)");
                            }
                        }
                        if let Some(t) = g("appArmorProfile")
                            .and_then(|a| a.get("type"))
                            .and_then(Value::as_str)
                            && !matches!(t, "RuntimeDefault" | "Localhost")
                        {
                            o.add(format!("{scope}.appArmorProfile.type"), "must be RuntimeDefault or Localhost (restricted Pod Security Standard)");
                        }
                    }
                    if get("procMount")
                        .and_then(Value::as_str)
                        .is_some_and(|p| p != "Default")
                    {
                        o.add(
                            format!("{cat}.procMount"),
                            "must be Default (restricted Pod Security Standard)",
                        );
                    }
                    if get("privileged") == Some(&Value::Bool(true)) {
                        o.add(
                            format!("{cat}.privileged"),
                            "breaks the restricted Pod Security Standard",
                        );
                    }
                    // Whatever `minor`: a render with no --kube-version (1.33) is for
                    // every cluster from 1.33 on, 1.34's namespaces that enforce the
                    // standard at `latest` included (docs/migration.md).
                    probe_hosts(&mut o, c, &format!("{at}.{field}[{n}]"));
                    if !windows && get("allowPrivilegeEscalation") != Some(&Value::Bool(false)) {
                        o.add(
                            format!("{cat}.allowPrivilegeEscalation"),
                            "must be false (restricted Pod Security Standard)",
                        );
                    }
                    let non_root = get("runAsNonRoot")
                        .and_then(Value::as_bool)
                        .or(pod_non_root);
                    if non_root != Some(true) && !userns {
                        o.add(
                            format!("{cat}.runAsNonRoot"),
                            "must be true (restricted Pod Security Standard)",
                        );
                    }
                    if get("runAsUser").and_then(Value::as_i64) == Some(0) && !userns {
                        o.add(
                            format!("{cat}.runAsUser"),
                            "0 (root) breaks the restricted Pod Security Standard",
                        );
                    }
                    let drops_all = get("capabilities")
                        .and_then(|c| c.get("drop"))
                        .and_then(Value::as_array)
                        .is_some_and(|d| d.iter().any(|x| x == "ALL"));
                    if !drops_all && !windows {
                        o.add(
                            format!("{cat}.capabilities.drop"),
                            "must include ALL (restricted Pod Security Standard)",
                        );
                    }
                    for (m, a) in items(get("capabilities").and_then(|c| c.get("add"))) {
                        if a != "NET_BIND_SERVICE" && !windows {
                            o.add(format!("{cat}.capabilities.add[{m}]"), "only NET_BIND_SERVICE may be added (restricted Pod Security Standard)");
                        }
                    }
                    let seccomp = sc
                        .and_then(|s| s.at("/seccompProfile/type"))
                        .and_then(Value::as_str)
                        .or(pod_seccomp);
                    if !windows && !matches!(seccomp, Some("RuntimeDefault" | "Localhost")) {
                        o.add(format!("{cat}.seccompProfile.type"), "must be RuntimeDefault or Localhost (restricted Pod Security Standard)");
                    }
                    for (m, p) in items(c.get("ports")) {
                        if p.get("hostPort")
                            .and_then(Value::as_i64)
                            .is_some_and(|h| h != 0)
                        {
                            o.add(
                                format!("{at}.{field}[{n}].ports[{m}].hostPort"),
                                "breaks the restricted Pod Security Standard",
                            );
                        }
                    }
                }
            }
        }
    }
    out
}

/// Timestamps as the API server decodes them: a `metav1.Time` with Go's
/// `time.Parse(time.RFC3339, …)` (k8s.io/apimachinery/pkg/apis/meta/v1/time.go,
/// UnmarshalJSON: a `T` between date and time, `Z` or an offset, any fraction), a
/// `metav1.MicroTime` with the layout `2006-01-02T15:04:05.000000Z07:00` (micro_time.go,
/// RFC3339Micro: exactly six fractional digits). A text either refuses is a decode error
/// (400) for the whole object. The fields of the kinds that carry them in a manifest.
fn timestamps(o: &mut Out<'_>, kind: &str, v: &Value) {
    fn check(o: &mut Out<'_>, at: String, t: Option<&Value>, micro: bool) {
        let Some(text) = t.and_then(Value::as_str) else {
            return;
        };
        let b = text.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        let head = b.len() >= 19
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10)
            && b[10] == b'T'
            && digits(11..13)
            && b[13] == b':'
            && digits(14..16)
            && b[16] == b':'
            && digits(17..19);
        // Go refuses a leap second (time/format.go, stdSecond: "second out of range").
        let in_range = head && &text[17..19] <= "59";
        let rest = &text[19.min(text.len())..];
        // Go takes ',' as well as '.' before the fraction (parseNanoseconds, commaOrPeriod).
        let (fraction, zone) = match rest.strip_prefix(['.', ',']) {
            Some(f) => {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                (Some(n), &f[n..])
            }
            None => (None, rest),
        };
        // An offset hour up to 24 and minute up to 60 ("some people do write offsets of
        // 24 hours or 60 minutes", time/format.go, stdISO8601ColonTZ).
        let zone_ok = zone == "Z"
            || (zone.len() == 6
                && matches!(zone.as_bytes()[0], b'+' | b'-')
                && zone.as_bytes()[3] == b':'
                && zone
                    .bytes()
                    .enumerate()
                    .all(|(i, c)| matches!(i, 0 | 3) || c.is_ascii_digit())
                && &zone[1..3] <= "24"
                && &zone[4..6] <= "60");
        let fraction_ok = if micro {
            fraction == Some(6)
        } else {
            fraction != Some(0)
        };
        if !(head && in_range && zone_ok && fraction_ok) {
            o.add(
                at,
                if micro {
                    "must be a time with exactly six fractional digits, as 2006-01-02T15:04:05.000000Z (RFC3339Micro; kubectl sends the text and the API server cannot decode another)"
                } else {
                    "must be an RFC 3339 time, as 2006-01-02T15:04:05Z (a T between date and time, Z or an offset such as +01:00)"
                },
            );
        }
    }
    check(
        o,
        "metadata.creationTimestamp".into(),
        v.at("/metadata/creationTimestamp"),
        false,
    );
    check(
        o,
        "metadata.deletionTimestamp".into(),
        v.at("/metadata/deletionTimestamp"),
        false,
    );
    for (n, f) in items(v.at("/metadata/managedFields")) {
        check(
            o,
            format!("metadata.managedFields[{n}].time"),
            f.get("time"),
            false,
        );
    }
    match kind {
        "Event" => {
            for (field, micro) in [
                ("eventTime", true),
                ("firstTimestamp", false),
                ("lastTimestamp", false),
                ("deprecatedFirstTimestamp", false),
                ("deprecatedLastTimestamp", false),
            ] {
                check(o, field.into(), v.get(field), micro);
            }
            check(
                o,
                "series.lastObservedTime".into(),
                v.at("/series/lastObservedTime"),
                true,
            );
        }
        "Lease" => {
            for field in ["acquireTime", "renewTime"] {
                check(
                    o,
                    format!("spec.{field}"),
                    v.at(&format!("/spec/{field}")),
                    true,
                );
            }
        }
        "Node" => {
            for (n, t) in items(v.at("/spec/taints")) {
                check(
                    o,
                    format!("spec.taints[{n}].timeAdded"),
                    t.get("timeAdded"),
                    false,
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities() {
        assert_eq!(quantity_value(&json!("500m")), Some(0.5));
        assert_eq!(quantity_value(&json!("1Gi")), Some(1024f64.powi(3)));
        assert_eq!(quantity_value(&json!("1e3")), Some(1000.0));
        assert_eq!(quantity_value(&json!(2)), Some(2.0));
        assert_eq!(quantity_value(&json!("-1")), Some(-1.0));
        assert_eq!(quantity_value(&json!("x")), None);
        // The exponent's low 32 bits, as Go keeps them (int32 of an int64).
        assert_eq!(quantity_value(&json!("1e4294967297")), Some(10.0));
        assert_eq!(quantity_value(&json!("-1e4294967296")), Some(-1.0));
        assert_eq!(quantity_value(&json!("1e99999999999999999999")), None);
    }

    #[test]
    fn images() {
        for ok in [
            "ghcr.io/mlflow/mlflow:v3.17.2-full",
            "docker.io/library/postgres:17.6",
            "localhost:5000/a/b:1",
            "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z",
            "nginx",
            "repo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(image_ref(ok), "{ok}");
        }
        for bad in [
            ":v3",
            "a b:1",
            "repo::x",
            "repo:",
            "Repo/Name:1",
            "repo:.x",
            "",
        ] {
            assert!(!image_ref(bad), "{bad}");
        }
    }

    fn doc(v: Value) -> Vec<Document> {
        vec![Document {
            template: "t".into(),
            value: v,
        }]
    }

    #[test]
    fn field_rules() {
        let p = check(&doc(
            json!({"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": -1,
            "template": {"spec": {"tolerations": [{"operator": "Maybe"}], "nodeSelector": {"bad key": "v"},
            "containers": [{"name": "c", "image": ":x", "resources": {"requests": {"cpu": "4"}, "limits": {"cpu": "2"}}}]}}}}),
        ));
        let paths: Vec<&str> = p.iter().map(|x| x.path.as_str()).collect();
        for want in [
            "spec.replicas",
            "spec.template.spec.tolerations[0].operator",
            "spec.template.spec.containers[0].image",
            "spec.template.spec.containers[0].resources.requests.cpu",
        ] {
            assert!(paths.contains(&want), "{want}: {paths:?}");
        }
        assert!(
            paths
                .iter()
                .any(|p| p.starts_with("spec.template.spec.nodeSelector")),
            "{paths:?}"
        );
        let np = check(&doc(
            json!({"kind": "NetworkPolicy", "metadata": {"name": "n"}, "spec": {"podSelector": {},
            "ingress": [{"from": [{}, {"ipBlock": {"cidr": "x"}, "podSelector": {}}]}]}}),
        ));
        assert_eq!(
            np.len(),
            3,
            "{:?}",
            np.iter().map(|x| &x.message).collect::<Vec<_>>()
        );
    }

    fn paths(v: Value) -> Vec<(String, String)> {
        check(&doc(v))
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect()
    }

    /// validateContainerOnlyForPod: whitespace around an image is a Pod's problem only; a
    /// Deployment's template takes it (its pods would not: the image reference check,
    /// advisory, says so).
    #[test]
    fn image_whitespace_refused_for_pods_only() {
        let container = json!([{"name": "c", "image": " busybox:1"}]);
        let pod = paths(json!({"kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": container}}));
        assert!(
            pod.iter().any(|(p, m)| p == "spec.containers[0].image"
                && m.contains("leading or trailing whitespace")),
            "{pod:?}"
        );
        for kind in ["Deployment", "PodTemplate"] {
            let v = if kind == "PodTemplate" {
                json!({"kind": kind, "metadata": {"name": "t"},
                    "template": {"spec": {"containers": container}}})
            } else {
                json!({"kind": kind, "metadata": {"name": "d"}, "spec": {
                    "selector": {"matchLabels": {"a": "b"}},
                    "template": {"metadata": {"labels": {"a": "b"}},
                        "spec": {"containers": container}}}})
            };
            let found = check(&doc(v));
            assert!(
                found
                    .iter()
                    .all(|p| !p.message.contains("whitespace") && p.is_advisory()),
                "{kind}: {:?}",
                found
                    .iter()
                    .map(|p| (&p.path, &p.message))
                    .collect::<Vec<_>>()
            );
        }
    }

    /// A PodTemplate's template gets a workload template's pod-spec rules (not a Pod's).
    #[test]
    fn pod_template_spec_is_checked() {
        let found = paths(json!({"kind": "PodTemplate", "metadata": {"name": "t"},
            "template": {"metadata": {"annotations": {"bad key": "x"}},
                "spec": {"restartPolicy": "Sometimes", "hostNetwork": true,
                    "containers": [{"name": "c", "image": "",
                        "ports": [{"containerPort": 0}]}]}}}));
        for want in [
            "template.spec.restartPolicy",
            "template.spec.containers[0].image",
            "template.spec.containers[0].ports[0].containerPort",
            "template.metadata.annotations[\"bad key\"]",
        ] {
            assert!(found.iter().any(|(p, _)| p == want), "{want}: {found:?}");
        }
    }

    /// validateWindowsSecurityContextOptions: runAsUserName as `[DOMAIN\\]USER`.
    #[test]
    fn windows_run_as_user_names() {
        let at = "spec.containers[0].securityContext.windowsOptions.runAsUserName";
        let problems = |name: &str| {
            paths(
                json!({"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
                {"name": "c", "image": "busybox:1",
                 "securityContext": {"windowsOptions": {"runAsUserName": name}}}]}}),
            )
            .into_iter()
            .filter(|(p, _)| p == at)
            .count()
        };
        for ok in [
            "ContainerUser",
            "NT AUTHORITY\\SYSTEM",
            "corp.example.com\\svc",
            "CORP\\a.b",
            &"u".repeat(104),
        ] {
            assert_eq!(problems(ok), 0, "{ok}");
        }
        for bad in [
            "",
            "a\\b\\c",
            "\\user",
            ".corp\\user",
            "corp:1\\user",
            "user|x",
            "...",
            "a\u{7f}b",
            &"u".repeat(105),
        ] {
            assert!(problems(bad) > 0, "{bad:?}");
        }
    }

    /// validateWindowsHostProcessPod: the pod's setting is inherited, and every container
    /// must then be a hostProcess one, on the host's network.
    #[test]
    fn windows_host_process_pods() {
        let pod =
            |spec: Value| paths(json!({"kind": "Pod", "metadata": {"name": "p"}, "spec": spec}));
        let hp = |v: bool| json!({"windowsOptions": {"hostProcess": v}});
        let ok = pod(json!({"hostNetwork": true, "securityContext": hp(true),
            "containers": [{"name": "a", "image": "x:1"},
                {"name": "b", "image": "x:1", "securityContext": hp(true)}]}));
        assert!(
            ok.iter()
                .all(|(p, _)| !p.contains("hostNetwork") && p != "spec"),
            "{ok:?}"
        );
        let bad = pod(json!({"securityContext": hp(false),
            "containers": [{"name": "a", "image": "x:1", "securityContext": hp(true)},
                {"name": "b", "image": "x:1"}]}));
        for want in [
            "spec.hostNetwork",
            "spec",
            "spec.containers[0].securityContext.windowsOptions.hostProcess",
        ] {
            assert!(bad.iter().any(|(p, _)| p == want), "{want}: {bad:?}");
        }
    }

    /// The DRA fields are checked by `resource_claims`, not by `check` (1.33 drops them).
    #[test]
    fn resource_claims_are_separate() {
        let v = json!({"kind": "Pod", "metadata": {"name": "p"}, "spec": {
            "resourceClaims": [{"name": "a", "resourceClaimName": "x",
                "resourceClaimTemplateName": "y"}, {"name": "a", "resourceClaimName": "z"}],
            "containers": [{"name": "c", "image": "x:1", "resources": {"claims": [
                {"name": "a", "request": "r"}, {"name": "a"}, {"name": ""}]}}]}});
        assert!(check(&doc(v.clone())).is_empty());
        let found: Vec<(String, String)> = resource_claims(&doc(v))
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect();
        for (path, message) in [
            ("spec.resourceClaims[0]", "at most one of"),
            ("spec.resourceClaims[1].name", "Duplicate"),
            ("spec.containers[0].resources.claims[1]", "Duplicate"),
            ("spec.containers[0].resources.claims[2]", "required"),
        ] {
            assert!(
                found.iter().any(|(p, m)| p == path && m.contains(message)),
                "{path}: {found:?}"
            );
        }
    }
}
