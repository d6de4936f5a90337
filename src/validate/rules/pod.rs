//! Pod specs (Pods and every pod template): containers, ports, env, volumes and mounts,
//! probes and lifecycle handlers, restart and DNS policy, scheduling (affinity,
//! topology spread) and security-context combinations — kubernetes
//! `pkg/apis/core/validation/validation.go` at v1.33 (`ValidatePodSpec`,
//! `validateContainers`, `validateVolumes`, `validateProbe`, `validateAffinity`, …), the
//! function named beside each rule.

use super::fields::{
    alternatives, dns_label, get, integer, non_negative, one_of, port_name, port_or_name, positive,
};
use super::{
    Out, config_key, dns_subdomain, image_ref, is_label_key, is_label_value, items, port_range,
    quantity_value,
};
use crate::parse::At;
use serde_json::Value;
use std::collections::HashSet;

/// The restart policy a pod template of `owner` must have (ValidatePodTemplateSpec for
/// apps workloads: Always; ValidateJobSpec: OnFailure or Never).
fn allowed_restart(owner: &str) -> &'static [&'static str] {
    match owner {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ReplicationController" => {
            &["Always"]
        }
        "Job" | "CronJob" => &["OnFailure", "Never"],
        _ => &["Always", "OnFailure", "Never"],
    }
}

/// Everything of a pod spec at `at`, owned by a `owner` (its kind).
pub(super) fn check(o: &mut Out<'_>, pod: &Value, at: &str, owner: &str) {
    pod_spec(o, pod, at);
    host_ports(o, pod, at, owner == "Pod");
    // ValidatePodSpec → validateRestartPolicy; a pod template's empty policy defaults to
    // Always before validation.
    // An empty one too (SetDefaults_PodSpec, pkg/apis/core/v1/defaults.go:222-224 at
    // v1.33.3).
    let restart = get(pod, "restartPolicy")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .unwrap_or("Always");
    let allowed = allowed_restart(owner);
    if !allowed.contains(&restart) {
        let whose = if owner == "Pod" {
            "a Pod".to_string()
        } else {
            format!("a {owner}'s pods")
        };
        o.add(
            format!("{at}.restartPolicy"),
            format!(
                "unsupported value {restart:?}: {whose} must have restartPolicy {}",
                alternatives(allowed)
            ),
        );
    }
    // validateDNSPolicy.
    one_of(
        o,
        pod,
        "dnsPolicy",
        at,
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    );
    if get(pod, "dnsPolicy").and_then(Value::as_str) == Some("None")
        && pod
            .at("/dnsConfig/nameservers")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
    {
        o.add(
            format!("{at}.dnsConfig.nameservers"),
            "must give at least one nameserver when dnsPolicy is None",
        );
    }
    // ValidatePodSpec: hostname and subdomain are DNS-1123 labels.
    for k in ["hostname", "subdomain"] {
        if let Some(h) = get(pod, k).and_then(Value::as_str)
            && !h.is_empty()
            && !dns_label(h)
        {
            o.add(
                format!("{at}.{k}"),
                "must be a DNS-1123 label (lowercase letters, digits, '-')",
            );
        }
    }
    positive(o, pod, "activeDeadlineSeconds", at);
    // ValidatePodTemplateSpecForReplicaSet & co.: controllers' pods run indefinitely.
    if matches!(
        owner,
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ReplicationController"
    ) && get(pod, "activeDeadlineSeconds").is_some()
    {
        o.add(
            format!("{at}.activeDeadlineSeconds"),
            format!("not supported in a {owner}'s pod template"),
        );
    }
    // ephemeralContainers are added through the pods/ephemeralcontainers subresource only
    // (ValidatePodCreate, ValidatePodTemplateSpec).
    if get(pod, "ephemeralContainers").is_some() {
        o.add(
            format!("{at}.ephemeralContainers"),
            "cannot be set on create or in a pod template (use kubectl debug)",
        );
    }
    // validatePodDNSConfig: at most 3 nameservers, each an IP.
    let servers: Vec<(usize, &Value)> = items(pod.at("/dnsConfig/nameservers")).collect();
    if servers.len() > 3 {
        o.add(
            format!("{at}.dnsConfig.nameservers"),
            "must not have more than 3 nameservers",
        );
    }
    for (n, ns) in servers {
        if !ns.as_str().is_some_and(super::fields::is_ip) {
            o.add(
                format!("{at}.dnsConfig.nameservers[{n}]"),
                "must be a valid IP address",
            );
        }
    }
    dns_searches(o, pod, at);
    // ValidateHostAliases: an IP and DNS-1123 subdomains.
    for (n, h) in items(pod.get("hostAliases")) {
        if !h
            .get("ip")
            .and_then(Value::as_str)
            .is_some_and(super::fields::is_ip)
        {
            o.add(
                format!("{at}.hostAliases[{n}].ip"),
                "must be a valid IP address",
            );
        }
        for (m, name) in items(h.get("hostnames")) {
            if !name.as_str().is_some_and(dns_subdomain) {
                o.add(
                    format!("{at}.hostAliases[{n}].hostnames[{m}]"),
                    "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
                );
            }
        }
    }
    // The Priority admission plugin (on by default) computes priority from
    // priorityClassName and refuses a pod whose own value differs from it; the value is
    // the API server's to set.
    // (The value of another class is the cluster's, so it is left to the cluster; the
    // built-in system classes' are fixed, pkg/apis/scheduling/types.go.)
    let class = get(pod, "priorityClassName").and_then(Value::as_str);
    let known = match class {
        None => Some(0),
        Some("system-node-critical") => Some(2_000_001_000),
        Some("system-cluster-critical") => Some(2_000_000_000),
        Some(_) => None,
    };
    if let Some(p) = get(pod, "priority")
        && let Some(want) = known
        && p.as_i64() != Some(want)
    {
        o.add(
            format!("{at}.priority"),
            format!("is computed from priorityClassName by the Priority admission plugin ({want} here), which refuses a pod that gives another value: leave it out and set priorityClassName"),
        );
    }
    // The same plugin computes preemptionPolicy from the class and refuses a pod whose own
    // differs (admitPod, plugin/pkg/admission/priority/admission.go): with no class, or a
    // built-in system class, that is PreemptLowerPriority.
    if known.is_some()
        && let Some(policy) = get(pod, "preemptionPolicy").and_then(Value::as_str)
        && policy != "PreemptLowerPriority"
    {
        o.add(
            format!("{at}.preemptionPolicy"),
            "is computed from priorityClassName by the Priority admission plugin (PreemptLowerPriority here), which refuses a pod that gives another value: leave it out and set priorityClassName to a class with the policy",
        );
    }
    // validateOverhead: the pod overhead is a resource list of non-negative quantities.
    if let Some(overhead) = get(pod, "overhead") {
        limits(o, overhead, &format!("{at}.overhead"));
        // The RuntimeClass admission plugin (on by default) refuses an overhead without a
        // runtimeClassName ("Pod Overhead set without corresponding RuntimeClass defined
        // Overhead", validateOverhead in plugin/pkg/admission/runtimeclass/admission.go);
        // with one, the overhead is the class's, which the cluster holds.
        if get(pod, "runtimeClassName")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            o.add(
                format!("{at}.overhead"),
                "is set from the pod's RuntimeClass by the RuntimeClass admission plugin, which refuses an overhead without runtimeClassName: leave it out",
            );
        }
    }
    match pod.at("/os/name").and_then(Value::as_str) {
        Some("windows") => windows(o, pod, at),
        Some("linux") => linux(o, pod, at),
        _ => {}
    }
    // validateHostNetwork: with the host's network, a hostPort equals its containerPort.
    if pod.get("hostNetwork") == Some(&Value::Bool(true)) {
        for field in ["initContainers", "containers"] {
            for (n, c) in items(pod.get(field)) {
                for (m, p) in items(c.get("ports")) {
                    if let (Some(h), Some(cp)) = (
                        get(p, "hostPort").and_then(Value::as_i64),
                        get(p, "containerPort").and_then(Value::as_i64),
                    ) && h != 0
                        && h != cp
                    {
                        o.add(
                            format!("{at}.{field}[{n}].ports[{m}].hostPort"),
                            "must match containerPort when hostNetwork is true",
                        );
                    }
                }
            }
        }
    }
    for k in ["priorityClassName", "serviceAccountName", "schedulerName"] {
        if let Some(n) = get(pod, k).and_then(Value::as_str)
            && !n.is_empty()
            && !dns_subdomain(n)
        {
            o.add(
                format!("{at}.{k}"),
                "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
            );
        }
    }
    for (n, s) in items(pod.get("imagePullSecrets")) {
        if s.is_object()
            && s.get("name")
                .filter(|n| !n.is_null())
                .is_none_or(|n| n.as_str().is_some_and(str::is_empty))
        {
            // validateImagePullSecrets refuses only fields beside the name; an empty
            // name is a warning of the API server (pkg/api/pod/warnings.go).
            o.add(
                format!("{at}.imagePullSecrets[{n}].name"),
                crate::validate::semantic::EMPTY_PULL_SECRET,
            );
        }
    }
    volumes(o, pod, at, owner == "Pod");
    containers(o, pod, at, owner == "Pod");
    // ValidatePodSpec: more names and enumerations.
    for k in ["nodeName", "runtimeClassName"] {
        if let Some(n) = get(pod, k).and_then(Value::as_str)
            && !n.is_empty()
            && !dns_subdomain(n)
        {
            o.add(
                format!("{at}.{k}"),
                "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
            );
        }
    }
    one_of(
        o,
        pod,
        "preemptionPolicy",
        at,
        &["PreemptLowerPriority", "Never"],
    );
    if let Some(os) = get(pod, "os") {
        one_of(o, os, "name", &format!("{at}.os"), &["linux", "windows"]);
    }
    for (n, g) in items(pod.get("readinessGates")) {
        if !g
            .get("conditionType")
            .and_then(Value::as_str)
            .is_some_and(is_label_key)
        {
            o.add(
                format!("{at}.readinessGates[{n}].conditionType"),
                "must be a qualified name like example.com/ready",
            );
        }
    }
    let mut gates = HashSet::new();
    for (n, g) in items(pod.get("schedulingGates")) {
        let name = g.text("name");
        if !is_label_key(name) {
            o.add(
                format!("{at}.schedulingGates[{n}].name"),
                "must be a qualified name",
            );
        } else if !gates.insert(name.to_string()) {
            o.add(
                format!("{at}.schedulingGates[{n}].name"),
                "duplicate scheduling gate",
            );
        }
    }
    windows_host_process(o, pod, at);
    affinity(o, pod, at);
    topology_spread(o, pod, at);
    if let Some(sc) = get(pod, "securityContext") {
        sysctls(o, sc, &format!("{at}.securityContext"));
    }
}

/// A name that must be a DNS-1123 label and unique among `seen` (volume and container
/// names); `duplicate` says what a second one is.
fn unique_label(
    o: &mut Out<'_>,
    seen: &mut HashSet<String>,
    name: &str,
    at: &str,
    duplicate: impl FnOnce() -> String,
) {
    if !dns_label(name) {
        o.add(
            at,
            "must be a DNS-1123 label (lowercase letters, digits, '-', at most 63)",
        );
    } else if !seen.insert(name.to_string()) {
        o.add(at, duplicate());
    }
}

/// validateVolumes: names are unique DNS-1123 labels, each with exactly one source; and
/// the sources' own fields.
/// validateVolumes; `is_pod` for a Pod (an image volume's reference is required there,
/// validateImageVolumeSource's ResourceIsPod).
/// validateHostPathVolumeSource (a pod's volume, a PersistentVolume): a path without
/// '..' (validatePathNoBacksteps) and a known type.
pub(super) fn host_path(o: &mut Out<'_>, h: &Value, at: &str) {
    match h.get("path").and_then(Value::as_str) {
        None | Some("") => o.add(format!("{at}.path"), "required"),
        Some(p) if p.split('/').any(|e| e == "..") => {
            o.add(format!("{at}.path"), "must not contain '..'")
        }
        Some(_) => {}
    }
    one_of(
        o,
        h,
        "type",
        at,
        &[
            "DirectoryOrCreate",
            "Directory",
            "FileOrCreate",
            "File",
            "Socket",
            "CharDevice",
            "BlockDevice",
        ],
    );
}

/// ValidateCSIDriverName: a driver is required, a DNS-1123 subdomain (compared in lower
/// case) of at most 63 characters.
pub(super) fn csi_driver(o: &mut Out<'_>, c: &Value, at: &str) {
    let driver = c.text("driver");
    if driver.is_empty() {
        o.add(format!("{at}.driver"), "required");
    } else if driver.len() > 63 || !dns_subdomain(&driver.to_lowercase()) {
        o.add(
            format!("{at}.driver"),
            "must be a DNS-1123 subdomain of at most 63 characters, like csi.example.org",
        );
    }
}

/// ValidateVolumes and validateVolumeSource (pkg/apis/core/validation/validation.go,
/// v1.33): when the pod's (or template's) name is known, each ephemeral volume's claim is
/// named `<pod>-<volume>`, which must be a DNS-1123 subdomain (ValidatePersistentVolumeName),
/// and no persistentVolumeClaim volume of the pod may name such a claim.
pub(super) fn ephemeral_claims(o: &mut Out<'_>, pod: &Value, pod_name: &str, at: &str) {
    if pod_name.is_empty() {
        return;
    }
    let mut created = HashSet::new();
    for (n, v) in items(pod.get("volumes")) {
        let name = v.text("name");
        if get(v, "ephemeral").is_none() || name.is_empty() {
            continue;
        }
        let claim = format!("{pod_name}-{name}");
        if !dns_subdomain(&claim) {
            o.add(
                format!("{at}.volumes[{n}].name"),
                format!("the claim of this ephemeral volume would be named {claim:?} (<pod>-<volume>), which is not a DNS-1123 subdomain (at most 253 characters)"),
            );
        }
        created.insert(claim);
    }
    for (n, v) in items(pod.get("volumes")) {
        if let Some(c) = get(v, "persistentVolumeClaim")
            && created.contains(c.text("claimName"))
        {
            o.add(
                format!("{at}.volumes[{n}].persistentVolumeClaim.claimName"),
                "must not reference a PVC that gets created for an ephemeral volume",
            );
        }
    }
}

fn volumes(o: &mut Out<'_>, pod: &Value, at: &str, is_pod: bool) {
    let mut names = HashSet::new();
    for (n, v) in items(pod.get("volumes")) {
        let vat = format!("{at}.volumes[{n}]");
        let name = v.text("name");
        unique_label(o, &mut names, name, &format!("{vat}.name"), || {
            format!("duplicate volume name {name:?}")
        });
        let sources: Vec<&String> = v
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, x)| *k != "name" && !x.is_null())
            .map(|(k, _)| k)
            .collect();
        match sources.len() {
            // SetDefaults_Volume: a volume with only a name is an emptyDir.
            0 => {}
            1 => {}
            _ => o.add(vat.clone(), "may not specify more than one volume type"),
        }
        if let Some(h) = get(v, "hostPath") {
            host_path(o, h, &format!("{vat}.hostPath"));
        }
        if let Some(nfs) = get(v, "nfs") {
            super::core::nfs_source(o, nfs, &format!("{vat}.nfs"));
        }
        if let Some(e) = get(v, "emptyDir") {
            // validateEmptyDirVolumeSource checks only the size, not the medium.
            if let Some(q) = get(e, "sizeLimit")
                && super::quantity_negative(q)
            {
                o.add(
                    format!("{vat}.emptyDir.sizeLimit"),
                    "must be greater than or equal to 0",
                );
            }
        }
        // validateConfigMapVolumeSource, validateSecretVolumeSource,
        // validateDownwardAPIVolumeSource, validateProjectedVolumeSource: the source's
        // name, file modes 0–0777, each item's key and local path.
        for (src, name_key) in [
            ("configMap", Some("name")),
            ("secret", Some("secretName")),
            ("downwardAPI", None),
            ("projected", None),
        ] {
            let Some(s) = get(v, src) else { continue };
            let sat = format!("{vat}.{src}");
            mode(o, s, "defaultMode", &sat);
            if let Some(k) = name_key
                && s.get(k).and_then(Value::as_str).is_none_or(str::is_empty)
            {
                o.add(format!("{sat}.{k}"), "required");
            }
            for (m, it) in items(s.get("items")) {
                let iat = format!("{sat}.items[{m}]");
                if src == "downwardAPI" {
                    downward_api_file(o, it, &iat);
                } else {
                    key_to_path(o, it, &iat);
                }
            }
        }
        if let Some(p) = get(v, "projected") {
            projection_sources(o, p, &format!("{vat}.projected"));
        }
        // validateCSIVolumeSource: a driver named as ValidateCSIDriverName wants.
        if let Some(c) = get(v, "csi") {
            csi_driver(o, c, &format!("{vat}.csi"));
        }
        // validateCSIVolumeSource: a node-publish Secret named by a valid name.
        if let Some(r) = v.at("/csi/nodePublishSecretRef") {
            match r.text("name") {
                "" => o.add(format!("{vat}.csi.nodePublishSecretRef.name"), "required"),
                n if !dns_subdomain(n) => o.add(
                    format!("{vat}.csi.nodePublishSecretRef.name"),
                    "must be a Secret name (a DNS-1123 subdomain)",
                ),
                _ => {}
            }
        }
        // validateImageVolumeSource: a reference (in a Pod), a known pull policy.
        if let Some(i) = get(v, "image") {
            if is_pod
                && i.get("reference")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            {
                o.add(format!("{vat}.image.reference"), "required");
            }
            one_of(
                o,
                i,
                "pullPolicy",
                &format!("{vat}.image"),
                &["Always", "IfNotPresent", "Never"],
            );
        }
        // validateEphemeralVolumeSource: a claim template whose spec is a claim's.
        if let Some(e) = get(v, "ephemeral") {
            let eat = format!("{vat}.ephemeral.volumeClaimTemplate");
            match e.at("/volumeClaimTemplate/spec") {
                Some(spec) => {
                    super::pvc_spec(o, Some(spec), &format!("{eat}.spec"));
                    super::core::pvc(o, spec, &format!("{eat}.spec"), false);
                }
                None => o.add(eat.clone(), "required: the claim's template, with its spec"),
            }
            // ValidatePersistentVolumeClaimTemplate → ValidateTemplateObjectMeta
            // (validation.go at v1.35.4): the claim template's labels (ValidateLabels)
            // and annotations (ValidateAnnotations).
            if let Some(meta) = e.at("/volumeClaimTemplate/metadata") {
                super::template_meta(o, meta, &format!("{eat}.metadata"));
            }
            // ValidatePersistentVolumeClaimTemplateObjectMeta: of the template's metadata,
            // only labels and annotations may be set (validateFieldAllowList with
            // allowedPVCTemplateObjectMetaFields; a zero value counts as not set).
            if let Some(Value::Object(meta)) = e.at("/volumeClaimTemplate/metadata") {
                for (k, val) in meta {
                    let zero = match val {
                        Value::Null => true,
                        Value::String(s) => s.is_empty(),
                        Value::Array(a) => a.is_empty(),
                        Value::Object(m) => m.is_empty(),
                        Value::Number(n) => n.as_f64() == Some(0.0),
                        Value::Bool(b) => !b,
                    };
                    if !zero && !matches!(k.as_str(), "labels" | "annotations") {
                        o.add(
                            format!("{eat}.metadata.{k}"),
                            "cannot be set for an ephemeral volume (only labels and annotations)",
                        );
                    }
                }
            }
        }
        if let Some(c) = get(v, "persistentVolumeClaim")
            && c.get("claimName")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            o.add(format!("{vat}.persistentVolumeClaim.claimName"), "required");
        }
    }
}

/// validateKeyToPath: a key, a local path not starting with `..`, a mode.
fn key_to_path(o: &mut Out<'_>, it: &Value, at: &str) {
    mode(o, it, "mode", at);
    match it.get("key").and_then(Value::as_str) {
        None | Some("") => o.add(format!("{at}.key"), "required"),
        Some(k) if !config_key(k) => o.add(
            format!("{at}.key"),
            "must be a key: letters, digits, '-', '_' and '.', not starting with '..'",
        ),
        Some(_) => {}
    }
    non_reserved_path(o, it.get("path"), &format!("{at}.path"));
}

/// ValidateLocalNonReservedPath (with the path required): relative, no `..` element,
/// not starting with `..` (the volume's own `..data` links).
fn non_reserved_path(o: &mut Out<'_>, p: Option<&Value>, at: &str) {
    let p = p.and_then(Value::as_str).unwrap_or("");
    if p.is_empty() {
        o.add(at, "required");
        return;
    }
    local_path(o, Some(&Value::from(p)), at, true);
    if p.starts_with("..") && !p.starts_with("../") {
        o.add(at, "must not start with '..'");
    }
}

/// validateDownwardAPIVolumeFile: a path, and one of fieldRef and resourceFieldRef.
fn downward_api_file(o: &mut Out<'_>, it: &Value, at: &str) {
    non_reserved_path(o, it.get("path"), &format!("{at}.path"));
    mode(o, it, "mode", at);
    match (get(it, "fieldRef"), get(it, "resourceFieldRef")) {
        (Some(f), r) => {
            field_ref(o, f, &format!("{at}.fieldRef"), VOLUME_FIELD_PATHS);
            if r.is_some() {
                o.add(
                    at.to_string(),
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                );
            }
        }
        (None, Some(r)) => resource_field_ref(o, r, &format!("{at}.resourceFieldRef"), true),
        (None, None) => o.add(
            at.to_string(),
            "one of fieldRef and resourceFieldRef is required",
        ),
    }
}

/// validateProjectionSources: one volume type per source; a Secret's or ConfigMap's name
/// and items; downward API files; a token's lifetime and local path; a trust bundle's
/// path; no path twice across the sources.
fn projection_sources(o: &mut Out<'_>, p: &Value, at: &str) {
    let mut paths: HashSet<String> = HashSet::new();
    let mut duplicate = |o: &mut Out<'_>, path: &str| {
        if !path.is_empty() && !paths.insert(path.to_string()) {
            o.add(
                format!("{at}.sources"),
                format!("conflicting duplicate paths: {path:?}"),
            );
        }
    };
    for (m, src) in items(p.get("sources")) {
        let sat = format!("{at}.sources[{m}]");
        let kinds = [
            "secret",
            "configMap",
            "downwardAPI",
            "serviceAccountToken",
            "clusterTrustBundle",
        ];
        if kinds.iter().filter(|k| get(src, k).is_some()).count() > 1 {
            o.add(
                sat.clone(),
                "may not specify more than 1 volume type per source",
            );
        }
        for kind in ["secret", "configMap"] {
            let Some(s) = get(src, kind) else { continue };
            if s.get("name")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                o.add(format!("{sat}.{kind}.name"), "required");
            }
            for (i, it) in items(s.get("items")) {
                key_to_path(o, it, &format!("{sat}.{kind}.items[{i}]"));
                duplicate(o, it.text("path"));
            }
        }
        if let Some(d) = get(src, "downwardAPI") {
            for (i, it) in items(d.get("items")) {
                downward_api_file(o, it, &format!("{sat}.downwardAPI.items[{i}]"));
                duplicate(o, it.text("path"));
            }
        }
        if let Some(t) = get(src, "serviceAccountToken") {
            let tat = format!("{sat}.serviceAccountToken");
            // expirationSeconds defaults to 3600 (SetDefaults_ServiceAccountTokenProjection).
            if let Some(e) = get(t, "expirationSeconds").and_then(Value::as_i64)
                && !(600..=1 << 32).contains(&e)
            {
                o.add(
                    format!("{tat}.expirationSeconds"),
                    "must be at least 600 (10 minutes) and at most 4294967296",
                );
            }
            // AllowNonLocalProjectedTokenPath is false for a new object.
            non_reserved_path(o, t.get("path"), &format!("{tat}.path"));
        }
        if let Some(b) = get(src, "clusterTrustBundle") {
            let bat = format!("{sat}.clusterTrustBundle");
            match (get(b, "name"), get(b, "signerName")) {
                (Some(_), Some(_)) => {
                    o.add(bat.clone(), "only one of name and signerName may be used")
                }
                (None, None) => o.add(bat.clone(), "either name or signerName must be specified"),
                (Some(_), None) if get(b, "labelSelector").is_some() => o.add(
                    format!("{bat}.labelSelector"),
                    "labelSelector must be unset if name is specified",
                ),
                _ => {}
            }
            non_reserved_path(o, b.get("path"), &format!("{bat}.path"));
            duplicate(o, b.text("path"));
        }
    }
}

fn mode(o: &mut Out<'_>, v: &Value, key: &str, at: &str) {
    if let Some(m) = get(v, key).and_then(Value::as_i64)
        && !(0..=0o777).contains(&m)
    {
        o.add(
            format!("{at}.{key}"),
            "must be a file mode from 0 to 0777 (511)",
        );
    }
}

/// validateLocalDescendingPath: relative, without a `..` element (and, for item paths,
/// not empty).
fn local_path(o: &mut Out<'_>, p: Option<&Value>, at: &str, required: bool) {
    let Some(p) = p.and_then(Value::as_str) else {
        return;
    };
    if p.is_empty() {
        if required {
            o.add(at, "required");
        }
        return;
    }
    if p.starts_with('/') {
        o.add(at, "must be a relative path");
    }
    // validatePathNoBacksteps splits filepath.ToSlash(path) at '/': on a Linux API
    // server ToSlash changes nothing, so a backslash separates nothing.
    if p.split('/').any(|e| e == "..") {
        o.add(at, "must not contain '..'");
    }
}

/// validateContainers / validateInitContainers: names, images, ports, env, mounts,
/// probes, lifecycle, policies, resources names; `is_pod` for a Pod's own containers
/// (not a pod template's), which validateContainerOnlyForPod checks further.
fn containers(o: &mut Out<'_>, pod: &Value, at: &str, is_pod: bool) {
    if pod
        .get("containers")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        o.add(
            format!("{at}.containers"),
            "required: a pod needs at least one container",
        );
    }
    let mut names = HashSet::new();
    for field in ["initContainers", "containers", "ephemeralContainers"] {
        for (n, c) in items(pod.get(field)) {
            let cat = format!("{at}.{field}[{n}]");
            let name = c.text("name");
            unique_label(o, &mut names, name, &format!("{cat}.name"), || {
                format!(
                    "duplicate container name {name:?} (names are unique across containers and initContainers)"
                )
            });
            // validateContainerOnlyForPod (validation.go at v1.35.4, called by
            // validateContainers and validateInitContainers for a Pod only, and by
            // validateEphemeralContainers always): no whitespace around the image. A pod
            // template (ValidatePodTemplateSpec) takes it; its pods would not, which the
            // image reference check reports.
            if (is_pod || field == "ephemeralContainers")
                && c.get("image")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.trim() != i)
            {
                o.add(
                    format!("{cat}.image"),
                    "must not have leading or trailing whitespace",
                );
            }
            if field != "ephemeralContainers"
                && c.get("image")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            {
                o.add(format!("{cat}.image"), "required: the container's image");
            }
            one_of(
                o,
                c,
                "imagePullPolicy",
                &cat,
                &["Always", "IfNotPresent", "Never"],
            );
            one_of(
                o,
                c,
                "terminationMessagePolicy",
                &cat,
                &["File", "FallbackToLogsOnError"],
            );
            match field {
                // Sidecar containers (restartPolicy: Always) are the only init policy.
                "initContainers" => {
                    one_of(o, c, "restartPolicy", &cat, &["Always"]);
                    // validateInitContainers: only sidecars (restartPolicy Always) may have
                    // probes or lifecycle hooks.
                    if c.get("restartPolicy").and_then(Value::as_str) != Some("Always") {
                        for k in [
                            "livenessProbe",
                            "readinessProbe",
                            "startupProbe",
                            "lifecycle",
                        ] {
                            if get(c, k).is_some() {
                                o.add(format!("{cat}.{k}"), "may not be set for init containers without restartPolicy: Always");
                            }
                        }
                    }
                }
                _ => {
                    if get(c, "restartPolicy").is_some() {
                        o.add(
                            format!("{cat}.restartPolicy"),
                            "may only be set on init containers",
                        );
                    }
                }
            }
            if field == "ephemeralContainers" && get(c, "ports").is_some() {
                o.add(
                    format!("{cat}.ports"),
                    "ephemeral containers may not have ports",
                );
            }
            ports(o, c, &cat);
            env(o, c, &cat);
            mounts(o, pod, c, &cat);
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                if let Some(p) = get(c, probe) {
                    self::probe(o, p, &format!("{cat}.{probe}"), probe != "readinessProbe");
                }
            }
            for hook in ["postStart", "preStop"] {
                if let Some(h) = c.at(&format!("/lifecycle/{hook}")) {
                    handler(
                        o,
                        h,
                        &format!("{cat}.lifecycle.{hook}"),
                        &["exec", "httpGet", "tcpSocket", "sleep"],
                    );
                }
            }
            resource_names(o, c.get("resources"), &format!("{cat}.resources"));
            if let Some(sc) = get(c, "securityContext") {
                security(o, sc, &format!("{cat}.securityContext"));
            }
        }
    }
}

/// validateContainerPorts: numbers, protocols, unique names.
fn ports(o: &mut Out<'_>, c: &Value, cat: &str) {
    let mut names = HashSet::new();
    for (m, p) in items(c.get("ports")) {
        let pat = format!("{cat}.ports[{m}]");
        if p.get("containerPort").is_none() {
            o.add(format!("{pat}.containerPort"), "required");
        }
        if let Some(h) = get(p, "hostPort").and_then(Value::as_i64)
            && h != 0
            && !(1..=65535).contains(&h)
        {
            o.add(
                format!("{pat}.hostPort"),
                "must be a port number from 1 to 65535",
            );
        }
        one_of(o, p, "protocol", &pat, &["TCP", "UDP", "SCTP"]);
        if let Some(name) = get(p, "name").and_then(Value::as_str) {
            if !port_name(name) {
                // Reported by the cross-object checks with the container's context.
            } else if !names.insert(name.to_string()) {
                o.add(
                    format!("{pat}.name"),
                    format!("duplicate port name {name:?}"),
                );
            }
        }
    }
}

/// The fields an env var may read (validEnvDownwardAPIFieldPathExpressions, v1.33).
const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// The fields a downward API volume file may hold (validVolumeDownwardAPIFieldPathExpressions).
const VOLUME_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.labels",
    "metadata.annotations",
    "metadata.uid",
];

/// validateObjectFieldSelector: API version v1 (empty defaults to it), a field path of
/// the list, or `metadata.labels['<key>']` / `metadata.annotations['<key>']` with a
/// qualified name (lower-cased for annotations).
fn field_ref(o: &mut Out<'_>, f: &Value, at: &str, paths: &[&str]) {
    if let Some(v) = f.get("apiVersion").and_then(Value::as_str)
        && !v.is_empty()
        && v != "v1"
    {
        o.add(
            format!("{at}.fieldPath"),
            format!("unsupported pod version: {v} (only v1)"),
        );
        return;
    }
    let p = f.text("fieldPath");
    if p.is_empty() {
        o.add(format!("{at}.fieldPath"), "required");
        return;
    }
    // fieldpath.SplitMaybeSubscriptedPath.
    let subscripted = p
        .strip_suffix("']")
        .and_then(|r| r.split_once("['"))
        .filter(|(_, key)| !key.is_empty());
    match subscripted {
        Some((path @ ("metadata.labels" | "metadata.annotations"), key)) => {
            let key = if path == "metadata.annotations" {
                key.to_lowercase()
            } else {
                key.to_string()
            };
            if !is_label_key(&key) {
                o.add(
                    at.to_string(),
                    format!("{key:?} is not a qualified name like example.com/name"),
                );
            }
        }
        Some((path, _)) => o.add(
            format!("{at}.fieldPath"),
            format!("{path} does not support a subscript"),
        ),
        None if !paths.contains(&p) => o.add(
            format!("{at}.fieldPath"),
            format!("unsupported value: one of {}", paths.join(", ")),
        ),
        None => {}
    }
}

/// validateContainerResourceFieldSelector and validateContainerResourceDivisor: a
/// resource of the list (or hugepages), a volume file names its container, and the
/// divisor is one Kubernetes supports for the resource (compared as the API server
/// compares the quantity's canonical form).
fn resource_field_ref(o: &mut Out<'_>, r: &Value, at: &str, volume: bool) {
    let resource = r.text("resource");
    if volume
        && r.get("containerName")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    {
        o.add(format!("{at}.containerName"), "required");
    } else if resource.is_empty() {
        o.add(format!("{at}.resource"), "required");
    } else {
        let ok = ["limits.", "requests."].iter().any(|pre| {
            resource.strip_prefix(pre).is_some_and(|x| {
                matches!(x, "cpu" | "memory" | "ephemeral-storage") || x.starts_with("hugepages-")
            })
        });
        if !ok {
            o.add(format!("{at}.resource"), "unsupported value: limits.cpu, limits.memory, limits.ephemeral-storage, requests.* or hugepages");
        }
    }
    if let Some(d) = get(r, "divisor")
        && !divisor_ok(resource, d)
    {
        o.add(
            format!("{at}.divisor"),
            if resource.ends_with(".cpu") {
                "only divisor's values 1m and 1 are supported with the cpu resource"
            } else {
                "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with this resource"
            },
        );
    }
}

/// Is the divisor's canonical form (Quantity.String()) one Kubernetes supports? Zero is
/// "unset"; an exponent form (`1e3`) prints as such, so only 1 is; a binary suffix prints
/// binary (`1024Ki` is `1Mi`); anything else prints with a decimal suffix.
fn divisor_ok(resource: &str, d: &Value) -> bool {
    let Some(v) = quantity_value(d) else {
        return true; // the typed check reports a quantity that does not parse
    };
    if v == 0.0 || v == 1.0 {
        return true;
    }
    // A YAML number reaches the API server as JSON: an integral one as an integer
    // (sigs.k8s.io/yaml), any other in decimal, so both print with a decimal suffix.
    let text = match d {
        Value::String(s) => s.trim().to_string(),
        _ => String::new(),
    };
    // An exponent is `e`/`E` followed by digits (`1e3`); `E` alone is exa (`1E`, `1Ei`).
    let exponent = text.find(['e', 'E']).is_some_and(|i| {
        text[i + 1..].starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')
    });
    let binary = text.ends_with('i');
    let kind = resource.rsplit('.').next().unwrap_or("");
    if exponent {
        return false;
    }
    if kind == "cpu" {
        return !binary && v == 1e-3;
    }
    if !(matches!(kind, "memory" | "ephemeral-storage") || resource.contains("hugepages-")) {
        return true;
    }
    const BINARY: [f64; 6] = [
        1024.0,
        1048576.0,
        1073741824.0,
        1099511627776.0,
        1125899906842624.0,
        1152921504606846976.0,
    ];
    const DECIMAL: [f64; 6] = [1e3, 1e6, 1e9, 1e12, 1e15, 1e18];
    if binary {
        BINARY.contains(&v)
    } else {
        DECIMAL.contains(&v)
    }
}

/// validateEnv / validateEnvVarValueFrom / validateEnvFrom: referenced ConfigMaps and
/// Secrets by valid names (ValidateConfigMapName, ValidateSecretName).
fn env(o: &mut Out<'_>, c: &Value, cat: &str) {
    for (m, e) in items(c.get("envFrom")) {
        // validateEnvFrom: one source; a prefix without '='.
        if ["configMapRef", "secretRef"]
            .iter()
            .filter(|k| get(e, k).is_some())
            .count()
            != 1
        {
            o.add(
                format!("{cat}.envFrom[{m}]"),
                "must specify exactly one of configMapRef or secretRef",
            );
        }
        if e.get("prefix")
            .and_then(Value::as_str)
            .is_some_and(|p| p.contains('='))
        {
            o.add(format!("{cat}.envFrom[{m}].prefix"), "may not contain '='");
        }
        for r in ["configMapRef", "secretRef"] {
            if let Some(n) = e.at(&format!("/{r}/name")).and_then(Value::as_str)
                && !dns_subdomain(n)
            {
                o.add(
                    format!("{cat}.envFrom[{m}].{r}.name"),
                    "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
                );
            }
        }
    }
    for (m, e) in items(c.get("env")) {
        for r in ["configMapKeyRef", "secretKeyRef"] {
            if let Some(n) = e
                .at(&format!("/valueFrom/{r}/name"))
                .and_then(Value::as_str)
                && !dns_subdomain(n)
            {
                o.add(
                    format!("{cat}.env[{m}].valueFrom.{r}.name"),
                    "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
                );
            }
        }
        let eat = format!("{cat}.env[{m}]");
        let has_value = e
            .get("value")
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty());
        let Some(from) = get(e, "valueFrom") else {
            continue;
        };
        if has_value {
            o.add(
                format!("{eat}.valueFrom"),
                "may not be given when value is not empty",
            );
        }
        let sources = [
            "fieldRef",
            "resourceFieldRef",
            "configMapKeyRef",
            "secretKeyRef",
            "fileKeyRef",
        ]
        .iter()
        .filter(|k| get(from, k).is_some())
        .count();
        match sources {
            0 => o.add(
                format!("{eat}.valueFrom"),
                "must give one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef",
            ),
            1 => {}
            _ => o.add(
                format!("{eat}.valueFrom"),
                "may not have more than one field specified at a time",
            ),
        }
        if let Some(f) = get(from, "fieldRef") {
            field_ref(o, f, &format!("{eat}.valueFrom.fieldRef"), ENV_FIELD_PATHS);
        }
        if let Some(r) = get(from, "resourceFieldRef") {
            resource_field_ref(o, r, &format!("{eat}.valueFrom.resourceFieldRef"), false);
        }
    }
}

/// validateVolumeMounts: a path, no duplicate paths, relative subPaths (that the volume
/// exists is a cross-check in `semantic.rs`).
fn mounts(o: &mut Out<'_>, pod: &Value, c: &Value, cat: &str) {
    let mut paths = HashSet::new();
    for (m, v) in items(c.get("volumeMounts")) {
        let mat = format!("{cat}.volumeMounts[{m}]");
        let path = v.text("mountPath");
        if path.is_empty() {
            o.add(format!("{mat}.mountPath"), "required");
        } else if !paths.insert(path.to_string()) {
            o.add(format!("{mat}.mountPath"), "must be unique");
        }
        local_path(o, v.get("subPath"), &format!("{mat}.subPath"), false);
        // ValidateVolumeMounts (validation.go:3137-3142 at v1.35.4): subPathExpr, like
        // subPath, is a relative path without a `..` element (validateLocalDescendingPath,
        // on the expression as written, before the kubelet expands its variables).
        local_path(
            o,
            v.get("subPathExpr"),
            &format!("{mat}.subPathExpr"),
            false,
        );
        if get(v, "subPath")
            .and_then(Value::as_str)
            .is_some_and(|x| !x.is_empty())
            && get(v, "subPathExpr")
                .and_then(Value::as_str)
                .is_some_and(|x| !x.is_empty())
        {
            o.add(
                format!("{mat}.subPathExpr"),
                "subPathExpr and subPath are mutually exclusive",
            );
        }
        one_of(
            o,
            v,
            "mountPropagation",
            &mat,
            &["None", "HostToContainer", "Bidirectional"],
        );
        // validateMountPropagation: Bidirectional only for privileged containers.
        let propagation = v.get("mountPropagation").and_then(Value::as_str);
        if propagation == Some("Bidirectional")
            && c.at("/securityContext/privileged") != Some(&Value::Bool(true))
        {
            o.add(
                format!("{mat}.mountPropagation"),
                "Bidirectional mount propagation is available only to privileged containers",
            );
        }
        // validateMountRecursiveReadOnly.
        match v.get("recursiveReadOnly").and_then(Value::as_str) {
            None | Some("Disabled") => {}
            Some("Enabled" | "IfPossible") => {
                if v.get("readOnly") != Some(&Value::Bool(true)) {
                    o.add(
                        format!("{mat}.recursiveReadOnly"),
                        "may only be specified when readOnly is true",
                    );
                }
                if propagation.is_some_and(|p| p != "None") {
                    o.add(
                        format!("{mat}.recursiveReadOnly"),
                        "may only be specified when mountPropagation is None or not specified",
                    );
                }
            }
            Some(_) => o.add(
                format!("{mat}.recursiveReadOnly"),
                "unsupported value: Disabled, IfPossible or Enabled",
            ),
        }
    }
    // ValidateVolumeDevices: a claim's volume (or an ephemeral one) in block mode, each
    // name and path once, none also a volume mount's.
    let mount_names: HashSet<&str> = items(c.get("volumeMounts"))
        .filter_map(|(_, m)| m.get("name").and_then(Value::as_str))
        .collect();
    let (mut names, mut device_paths) = (HashSet::new(), HashSet::new());
    for (m, d) in items(c.get("volumeDevices")) {
        let dat = format!("{cat}.volumeDevices[{m}]");
        let name = d.text("name");
        let path = d.text("devicePath");
        let volume = items(pod.get("volumes"))
            .map(|(_, v)| v)
            .find(|v| v.get("name").and_then(Value::as_str) == Some(name));
        if name.is_empty() {
            o.add(format!("{dat}.name"), "required");
        } else if !names.insert(name) {
            o.add(format!("{dat}.name"), "must be unique");
        }
        match volume {
            None => o.add(format!("{dat}.name"), format!("no volume named {name:?} in the pod")),
            Some(v) if get(v, "persistentVolumeClaim").is_none() && get(v, "ephemeral").is_none() => o.add(
                format!("{dat}.name"),
                "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
            ),
            Some(_) => {}
        }
        if mount_names.contains(name) {
            o.add(
                format!("{dat}.name"),
                "must not already exist in volumeMounts",
            );
        }
        if path.is_empty() {
            o.add(format!("{dat}.devicePath"), "required");
        } else if path.split('/').any(|e| e == "..") {
            o.add(
                format!("{dat}.devicePath"),
                "can not contain backsteps ('..')",
            );
        } else if !device_paths.insert(path) {
            o.add(format!("{dat}.devicePath"), "must be unique");
        }
        if paths.contains(path) {
            o.add(
                format!("{dat}.devicePath"),
                "must not already exist as a path in volumeMounts",
            );
        }
    }
    // validateResizePolicy: cpu or memory, once each; NotRequired or RestartContainer
    // (NotRequired under a pod restartPolicy of Never).
    let mut resized = HashSet::new();
    for (m, r) in items(c.get("resizePolicy")) {
        let rat = format!("{cat}.resizePolicy[{m}]");
        match r.text("resourceName") {
            "" => o.add(format!("{rat}.resourceName"), "required"),
            n @ ("cpu" | "memory") => {
                if !resized.insert(n) {
                    o.add(format!("{rat}.resourceName"), "duplicate");
                }
            }
            _ => o.add(
                format!("{rat}.resourceName"),
                "unsupported value: cpu or memory",
            ),
        }
        let policy = r.text("restartPolicy");
        match policy {
            "" => o.add(format!("{rat}.restartPolicy"), "required"),
            "NotRequired" | "RestartContainer" => {}
            _ => o.add(
                format!("{rat}.restartPolicy"),
                "unsupported value: NotRequired or RestartContainer",
            ),
        }
        if pod.get("restartPolicy").and_then(Value::as_str) == Some("Never")
            && policy != "NotRequired"
        {
            o.add(
                format!("{rat}.restartPolicy"),
                "must be 'NotRequired' when the pod's restartPolicy is 'Never'",
            );
        }
    }
}

/// validateHandler: exactly one action.
fn handler(o: &mut Out<'_>, h: &Value, at: &str, kinds: &[&str]) {
    // validateHTTPGetAction: header names are HTTP tokens; validateSleepAction: ≥ 0.
    for (n, hd) in items(h.at("/httpGet/httpHeaders")) {
        let name = hd.text("name");
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            o.add(
                format!("{at}.httpGet.httpHeaders[{n}].name"),
                "must be an HTTP header name",
            );
        }
    }
    if let Some(sl) = get(h, "sleep") {
        non_negative(o, sl, "seconds", &format!("{at}.sleep"));
    }
    let set: Vec<&&str> = kinds.iter().filter(|k| get(h, k).is_some()).collect();
    match set.len() {
        0 => o.add(
            at,
            format!("must specify a handler type ({})", alternatives(kinds)),
        ),
        1 => {}
        _ => o.add(at, "may not specify more than one handler type"),
    }
    // validateExecAction: a command.
    if let Some(e) = get(h, "exec")
        && items(e.get("command")).next().is_none()
    {
        o.add(format!("{at}.exec.command"), "required: the command to run");
    }
    if let Some(g) = get(h, "httpGet") {
        port_or_name(o, g.get("port"), &format!("{at}.httpGet.port"));
        one_of(o, g, "scheme", &format!("{at}.httpGet"), &["HTTP", "HTTPS"]);
    }
    if let Some(t) = get(h, "tcpSocket") {
        port_or_name(o, t.get("port"), &format!("{at}.tcpSocket.port"));
    }
    if let Some(g) = get(h, "grpc")
        && !g
            .get("port")
            .and_then(Value::as_i64)
            .is_some_and(|p| (1..=65535).contains(&p))
    {
        o.add(
            format!("{at}.grpc.port"),
            "must be a port number from 1 to 65535",
        );
    }
}

/// validateProbe: one handler, non-negative timings; liveness and startup probes need
/// successThreshold 1.
fn probe(o: &mut Out<'_>, p: &Value, at: &str, success_is_one: bool) {
    handler(o, p, at, &["exec", "httpGet", "tcpSocket", "grpc"]);
    for k in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        non_negative(o, p, k, at);
    }
    if let Some(t) = get(p, "terminationGracePeriodSeconds").and_then(Value::as_i64)
        && t <= 0
    {
        o.add(
            format!("{at}.terminationGracePeriodSeconds"),
            "must be greater than 0",
        );
    }
    // validateReadinessProbe: the grace period is for probes that kill the container.
    if !success_is_one && get(p, "terminationGracePeriodSeconds").is_some() {
        o.add(
            format!("{at}.terminationGracePeriodSeconds"),
            "must not be set for readiness probes",
        );
    }
    // SetDefaults_Probe: 0 becomes 1 before validation (pkg/apis/core/v1/defaults.go:
    // 243-245 at v1.33.3).
    if success_is_one
        && get(p, "successThreshold")
            .and_then(Value::as_i64)
            .is_some_and(|n| !matches!(n, 0 | 1))
    {
        o.add(
            format!("{at}.successThreshold"),
            "must be 1 for liveness and startup probes",
        );
    }
}

/// validateResourceName for container resources: a standard name, hugepages-<size>, or a
/// domain-prefixed extended resource (`example.com/gpu`); hugepages need a limit.
fn resource_names(o: &mut Out<'_>, r: Option<&Value>, at: &str) {
    let Some(r) = r else { return };
    for kind in ["requests", "limits"] {
        for (name, _) in r.get(kind).and_then(Value::as_object).into_iter().flatten() {
            let standard_name = matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage")
                || name.starts_with("hugepages-");
            let standard = matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage");
            let extended = name.contains('/')
                && is_label_key(name)
                && !name.starts_with("kubernetes.io/")
                && !name.starts_with("requests.");
            if !standard_name && !extended {
                o.add(format!("{at}.{kind}.{name}"), "unsupported resource name: cpu, memory, ephemeral-storage, hugepages-<size> or a domain-prefixed extended resource like example.com/gpu");
            }
            // validateResourceQuantityHugePageValue: a positive whole number of pages
            // (AllowIndivisibleHugePagesValues is false for a new object), of a page size
            // that parses (helper.IsHugePageResourceValueDivisible).
            if let Some(size) = name.strip_prefix("hugepages-")
                && let Some(q) = r
                    .get(kind)
                    .and_then(|x| x.get(name))
                    .and_then(quantity_value)
            {
                // Quantity.Value() rounds up to a whole number of bytes.
                let page = quantity_value(&Value::from(size)).filter(|p| *p >= 1.0);
                // Zero is a whole number of pages (0 % size == 0); a negative quantity is
                // refused as such.
                let divisible = page.is_some_and(|p| {
                    q < 0.0 || (q.ceil() as u128).is_multiple_of(p.ceil() as u128)
                });
                if !divisible {
                    o.add(
                        format!("{at}.{kind}.{name}"),
                        if page.is_some() {
                            format!("must be a whole multiple of the page size {size}")
                        } else {
                            format!("{size:?} is not a page size (like 2Mi or 1Gi)")
                        },
                    );
                }
            }
            // validateContainerResourceName: extended resources come in whole units.
            if extended
                && r.get(kind)
                    .and_then(|x| x.get(name))
                    .and_then(quantity_value)
                    .is_some_and(|q| q.fract() != 0.0)
            {
                o.add(
                    format!("{at}.{kind}.{name}"),
                    "must be a whole number (extended resources are not fractional)",
                );
            }
            // ValidateResourceRequirements (C:7159-7178): hugepages and extended
            // resources are not overcommitted: a request needs an equal limit.
            if kind == "requests" && !standard {
                match (
                    r.get("requests")
                        .and_then(|x| x.get(name))
                        .and_then(super::quantity_exact),
                    r.get("limits").and_then(|x| x.get(name)),
                ) {
                    (_, None) => o.add(
                        format!("{at}.limits.{name}"),
                        "required: a hugepages or extended-resource request needs an equal limit",
                    ),
                    (Some(a), Some(l)) if super::quantity_exact(l).is_some_and(|b| a != b) => o.add(
                        format!("{at}.requests.{name}"),
                        "must equal the limit (hugepages and extended resources are not overcommitted)",
                    ),
                    _ => {}
                }
            }
        }
    }
    let has = |k: &str| {
        ["requests", "limits"]
            .iter()
            .any(|x| r.at(&format!("/{x}/{k}")).is_some())
    };
    let hugepages = ["requests", "limits"].iter().any(|x| {
        r.get(*x)
            .and_then(Value::as_object)
            .is_some_and(|m| m.keys().any(|k| k.starts_with("hugepages-")))
    });
    if hugepages && !has("cpu") && !has("memory") {
        o.add(
            at.to_string(),
            "hugepages need a cpu or memory request or limit too",
        );
    }
}

/// validateSecurityContext: capability and escalation combinations, enumerations.
fn security(o: &mut Out<'_>, sc: &Value, at: &str) {
    let no_escalation = sc.get("allowPrivilegeEscalation") == Some(&Value::Bool(false));
    let adds_sys_admin = items(sc.at("/capabilities/add"))
        // validateSecurityContext compares with the exact string "CAP_SYS_ADMIN".
        .any(|(_, c)| c.as_str() == Some("CAP_SYS_ADMIN"));
    if no_escalation && adds_sys_admin {
        o.add(
            format!("{at}.allowPrivilegeEscalation"),
            "cannot be false while capabilities.add holds CAP_SYS_ADMIN",
        );
    }
    if let Some(p) = get(sc, "seccompProfile")
        && p.get("type").and_then(Value::as_str) != Some("Localhost")
        && get(p, "localhostProfile").is_some()
    {
        o.add(
            format!("{at}.seccompProfile.localhostProfile"),
            "can only be set for type Localhost",
        );
    }
    if let Some(p) = get(sc, "seccompProfile") {
        one_of(
            o,
            p,
            "type",
            &format!("{at}.seccompProfile"),
            &["RuntimeDefault", "Unconfined", "Localhost"],
        );
    }
    if let Some(p) = get(sc, "appArmorProfile") {
        one_of(
            o,
            p,
            "type",
            &format!("{at}.appArmorProfile"),
            &["RuntimeDefault", "Unconfined", "Localhost"],
        );
        // validateAppArmorProfileField: localhostProfile with type Localhost only, then
        // required, unpadded and at most 4095 bytes.
        let localhost = p.get("type").and_then(Value::as_str) == Some("Localhost");
        match get(p, "localhostProfile").map(|v| v.as_str().unwrap_or("")) {
            Some(_) if !localhost => o.add(
                format!("{at}.appArmorProfile.localhostProfile"),
                "can only be set when the type is Localhost",
            ),
            None if localhost => o.add(
                format!("{at}.appArmorProfile.localhostProfile"),
                "is required when the type is Localhost",
            ),
            Some(name) if localhost && name.trim() != name => o.add(
                format!("{at}.appArmorProfile.localhostProfile"),
                "must not be padded with whitespace",
            ),
            Some("") if localhost => o.add(
                format!("{at}.appArmorProfile.localhostProfile"),
                "is required when the type is Localhost",
            ),
            Some(name) if name.len() > 4095 => o.add(
                format!("{at}.appArmorProfile.localhostProfile"),
                "must be at most 4095 bytes",
            ),
            _ => {}
        }
    }
    one_of(o, sc, "procMount", at, &["Default", "Unmasked"]);
}

/// validateSysctls: names like kernel.shm_rmid_forced or net/ipv4/ip_forward.
fn sysctls(o: &mut Out<'_>, sc: &Value, at: &str) {
    for (n, s) in items(sc.get("sysctls")) {
        let name = s.text("name");
        // IsValidSysctlName: segments of [a-z0-9] ([-_a-z0-9]* [a-z0-9])? joined by '.'
        // or '/', at most 253 characters.
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        let segment = |seg: &str| {
            seg.bytes().next().is_some_and(alnum)
                && seg.bytes().last().is_some_and(alnum)
                && seg.bytes().all(|b| alnum(b) || b == b'-' || b == b'_')
        };
        let ok = name.len() <= 253 && name.split(['.', '/']).all(segment);
        if !ok {
            o.add(
                format!("{at}.sysctls[{n}].name"),
                "must be a sysctl name like kernel.shm_rmid_forced",
            );
        }
    }
}

/// validateNodeSelectorRequirement: operators and their values.
/// ValidateNodeSelectorRequirement; with `label_values` (a required term: the option
/// AllowInvalidLabelValueInRequiredNodeAffinity is false for a new object) each value is
/// a label value too.
fn node_requirement(o: &mut Out<'_>, e: &Value, at: &str, label_values: bool) {
    let op = e.text("operator");
    let values: Vec<&Value> = items(e.get("values")).map(|(_, v)| v).collect();
    match op {
        "In" | "NotIn" if values.is_empty() => o.add(
            format!("{at}.values"),
            "must be specified when operator is In or NotIn",
        ),
        "Exists" | "DoesNotExist" if !values.is_empty() => o.add(
            format!("{at}.values"),
            "may not be specified when operator is Exists or DoesNotExist",
        ),
        // One value; that it is an integer the API server does not check.
        "Gt" | "Lt" if values.len() != 1 => o.add(
            format!("{at}.values"),
            "must have one element when operator is Gt or Lt",
        ),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
        _ => o.add(
            format!("{at}.operator"),
            "unsupported value: must be In, NotIn, Exists, DoesNotExist, Gt or Lt",
        ),
    }
    if let Some(k) = e.get("key").and_then(Value::as_str)
        && !is_label_key(k)
    {
        o.add(format!("{at}.key"), "invalid label key");
    }
    if label_values {
        for (m, v) in values.iter().enumerate() {
            if !v.as_str().is_some_and(is_label_value) {
                o.add(
                    format!("{at}.values[{m}]"),
                    "must be a label value (63 characters at most: letters, digits, '-', '_' and '.', beginning and ending with a letter or digit)",
                );
            }
        }
    }
}

/// ValidateNodeSelectorTerm; `required` for a required term (see [`node_requirement`]).
pub(super) fn node_selector_term(o: &mut Out<'_>, t: &Value, at: &str, required: bool) {
    for (n, e) in items(t.get("matchExpressions")) {
        node_requirement(o, e, &format!("{at}.matchExpressions[{n}]"), required);
    }
    // validateNodeFieldSelectorRequirement: the one field a node can be selected by is
    // metadata.name, with In or NotIn and exactly one value.
    for (n, e) in items(t.get("matchFields")) {
        let fat = format!("{at}.matchFields[{n}]");
        let op = e.text("operator");
        if !matches!(op, "In" | "NotIn") {
            o.add(
                format!("{fat}.operator"),
                "must be In or NotIn for a node field selector",
            );
        } else if items(e.get("values")).count() != 1 {
            o.add(
                format!("{fat}.values"),
                "must be only one value when the operator is In or NotIn",
            );
        }
        if e.get("key").and_then(Value::as_str) != Some("metadata.name") {
            o.add(
                format!("{fat}.key"),
                "not a valid field selector key: only metadata.name",
            );
        }
        // Each value is a node name (ValidateNodeName: a DNS-1123 subdomain).
        for (v, name) in items(e.get("values")) {
            if !name.as_str().is_some_and(dns_subdomain) {
                o.add(
                    format!("{fat}.values[{v}]"),
                    "not a node name: lowercase letters, digits, '-' and '.', at most 253 characters",
                );
            }
        }
    }
}

/// validateAffinity.
fn affinity(o: &mut Out<'_>, pod: &Value, at: &str) {
    let Some(a) = get(pod, "affinity") else {
        return;
    };
    let aat = format!("{at}.affinity");
    if let Some(req) = a.at("/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution") {
        let rat = format!("{aat}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
        let terms: Vec<_> = items(req.get("nodeSelectorTerms")).collect();
        if terms.is_empty() {
            o.add(
                format!("{rat}.nodeSelectorTerms"),
                "must have at least one node selector term",
            );
        }
        for (n, t) in terms {
            node_selector_term(o, t, &format!("{rat}.nodeSelectorTerms[{n}]"), true);
        }
    }
    for (n, p) in items(a.at("/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution")) {
        let pat =
            format!("{aat}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{n}]");
        weight(o, p, &pat);
        if let Some(pref) = get(p, "preference") {
            node_selector_term(o, pref, &format!("{pat}.preference"), false);
        }
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        for (n, t) in items(a.at(&format!(
            "/{kind}/requiredDuringSchedulingIgnoredDuringExecution"
        ))) {
            let tat = format!("{aat}.{kind}.requiredDuringSchedulingIgnoredDuringExecution[{n}]");
            pod_affinity_term(o, t, &tat);
        }
        for (n, w) in items(a.at(&format!(
            "/{kind}/preferredDuringSchedulingIgnoredDuringExecution"
        ))) {
            let wat = format!("{aat}.{kind}.preferredDuringSchedulingIgnoredDuringExecution[{n}]");
            weight(o, w, &wat);
            if let Some(t) = get(w, "podAffinityTerm") {
                pod_affinity_term(o, t, &format!("{wat}.podAffinityTerm"));
            }
        }
    }
}

fn weight(o: &mut Out<'_>, v: &Value, at: &str) {
    if !get(v, "weight")
        .and_then(Value::as_i64)
        .is_some_and(|w| (1..=100).contains(&w))
    {
        o.add(format!("{at}.weight"), "must be in the range 1-100");
    }
}

/// validatePodAffinityTerm (v1.33): the label and namespace selectors, the namespaces,
/// matchLabelKeys and mismatchLabelKeys, the topology key.
fn pod_affinity_term(o: &mut Out<'_>, t: &Value, at: &str) {
    for field in ["labelSelector", "namespaceSelector"] {
        if let Some(sel) = get(t, field) {
            super::label_selector(o, sel, &format!("{at}.{field}"));
        }
    }
    for (n, ns) in items(t.get("namespaces")) {
        if !ns.as_str().is_some_and(|s| dns_label(s) && s.len() <= 63) {
            o.add(
                format!("{at}.namespaces[{n}]"),
                "must be a namespace name (a DNS-1123 label)",
            );
        }
    }
    // validateMatchLabelKeysAndMismatchLabelKeys, validateLabelKeys.
    let keys = |field: &str| -> Vec<&str> {
        items(t.get(field))
            .map(|(_, k)| k.as_str().unwrap_or(""))
            .collect()
    };
    let (matching, mismatching) = (keys("matchLabelKeys"), keys("mismatchLabelKeys"));
    for (field, list) in [
        ("matchLabelKeys", &matching),
        ("mismatchLabelKeys", &mismatching),
    ] {
        if !list.is_empty() && get(t, "labelSelector").is_none() {
            o.add(
                format!("{at}.{field}"),
                "must not be specified when labelSelector is not set",
            );
            continue;
        }
        for (n, k) in list.iter().enumerate() {
            if !is_label_key(k) {
                o.add(format!("{at}.{field}[{n}]"), "invalid label key");
            }
        }
    }
    for (n, k) in matching.iter().enumerate() {
        if mismatching.contains(k) {
            o.add(
                format!("{at}.matchLabelKeys[{n}]"),
                "exists in both matchLabelKeys and mismatchLabelKeys",
            );
        }
    }
    topology_key(o, t, at);
}

/// validateMatchLabelKeysAndMismatchLabelKeys's second rule (validation.go:8151-8170 at
/// v1.33.3), after the change the API server makes to a pod before it checks it
/// (pkg/registry/core/pod/strategy.go, mutatePodAffinity: each `matchLabelKeys` key the
/// pod has a label for becomes `key In (value)`, each `mismatchLabelKeys` one `key NotIn
/// (value)`, appended to the term's matchExpressions): a matchLabelKeys key that is then
/// in matchLabels, or in two expressions, is refused. A template's pods get the same
/// change from their labels, so a template that would make such pods is refused too.
/// `labels` are the pod's (the template's) labels; `at` the pod spec's path.
pub(super) fn affinity_label_keys(o: &mut Out<'_>, pod: &Value, labels: Option<&Value>, at: &str) {
    let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    for kind in ["podAffinity", "podAntiAffinity"] {
        let base = format!("/affinity/{kind}");
        let required = items(pod.at(&format!(
            "{base}/requiredDuringSchedulingIgnoredDuringExecution"
        )))
        .map(|(n, t)| {
            (
                format!("requiredDuringSchedulingIgnoredDuringExecution[{n}]"),
                t,
            )
        });
        let preferred = items(pod.at(&format!(
            "{base}/preferredDuringSchedulingIgnoredDuringExecution"
        )))
        .filter_map(|(n, w)| {
            get(w, "podAffinityTerm").map(|t| {
                (
                    format!("preferredDuringSchedulingIgnoredDuringExecution[{n}].podAffinityTerm"),
                    t,
                )
            })
        });
        for (path, t) in required.chain(preferred) {
            let Some(selector) = get(t, "labelSelector") else {
                continue;
            };
            let keys = |field: &str| -> Vec<&str> {
                items(t.get(field))
                    .filter_map(|(_, k)| k.as_str())
                    .collect()
            };
            let (matching, mismatching) = (keys("matchLabelKeys"), keys("mismatchLabelKeys"));
            if matching.is_empty() {
                continue;
            }
            let given = items(selector.get("matchExpressions"))
                .filter_map(|(_, e)| e.get("key").and_then(Value::as_str));
            let added = matching
                .iter()
                .chain(&mismatching)
                .copied()
                .filter(|k| label(k).is_some());
            let mut seen: HashSet<&str> = selector
                .get("matchLabels")
                .and_then(Value::as_object)
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let mut flagged = HashSet::new();
            for key in given.chain(added) {
                if let Some(i) = matching.iter().position(|k| *k == key)
                    && seen.contains(key)
                    && flagged.insert(i)
                {
                    o.add(
                        format!("{at}.affinity.{kind}.{path}.matchLabelKeys[{i}]"),
                        "exists in both matchLabelKeys and labelSelector (the API server adds `key In (the pod's value)` to the selector for each matchLabelKeys key before it checks): drop the key from the labelSelector",
                    );
                }
                seen.insert(key);
            }
        }
    }
}

fn topology_key(o: &mut Out<'_>, t: &Value, at: &str) {
    match t.get("topologyKey").and_then(Value::as_str) {
        Some(k) if !k.is_empty() && is_label_key(k) => {}
        Some(k) if !k.is_empty() => o.add(format!("{at}.topologyKey"), "invalid label key"),
        _ => o.add(format!("{at}.topologyKey"), "required: can not be empty"),
    }
}

/// validateTopologySpreadConstraints.
fn topology_spread(o: &mut Out<'_>, pod: &Value, at: &str) {
    for (n, c) in items(pod.get("topologySpreadConstraints")) {
        let cat = format!("{at}.topologySpreadConstraints[{n}]");
        if get(c, "maxSkew")
            .and_then(Value::as_i64)
            .is_none_or(|s| s <= 0)
        {
            o.add(format!("{cat}.maxSkew"), "must be greater than 0");
        }
        // ValidateTopologyKey: only required here (a pod affinity term's is a label key).
        if c.get("topologyKey")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            o.add(format!("{cat}.topologyKey"), "required: can not be empty");
        }
        // ValidateSpreadConstraintNotRepeat: one constraint per {topologyKey,
        // whenUnsatisfiable}.
        fn pair(c: &Value) -> (Option<&Value>, Option<&Value>) {
            (c.get("topologyKey"), c.get("whenUnsatisfiable"))
        }
        if items(pod.get("topologySpreadConstraints"))
            .skip(n + 1)
            .any(|(_, later)| pair(later) == pair(c))
        {
            o.add(
                format!("{cat}.{{topologyKey, whenUnsatisfiable}}"),
                "duplicate: another constraint has the same topologyKey and whenUnsatisfiable",
            );
        }
        // validateMatchLabelKeysInTopologySpread, and the label selector
        // (AllowInvalidTopologySpreadConstraintLabelSelector is false for a new object).
        let selector = get(c, "labelSelector");
        if let Some(sel) = selector {
            super::label_selector(o, sel, &format!("{cat}.labelSelector"));
        }
        let mut in_selector: Vec<&str> = Vec::new();
        if let Some(sel) = selector {
            in_selector.extend(
                sel.get("matchLabels")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.as_str()),
            );
            in_selector.extend(
                items(sel.get("matchExpressions"))
                    .filter_map(|(_, e)| e.get("key").and_then(Value::as_str)),
            );
        }
        let match_keys: Vec<_> = items(c.get("matchLabelKeys")).collect();
        if !match_keys.is_empty() && selector.is_none() {
            o.add(
                format!("{cat}.matchLabelKeys"),
                "must not be specified when labelSelector is not set",
            );
        }
        for (m, k) in match_keys {
            let k = k.as_str().unwrap_or("");
            if !is_label_key(k) {
                o.add(format!("{cat}.matchLabelKeys[{m}]"), "invalid label key");
            } else if in_selector.contains(&k) {
                o.add(
                    format!("{cat}.matchLabelKeys[{m}]"),
                    "exists in both matchLabelKeys and labelSelector",
                );
            }
        }
        match c.get("whenUnsatisfiable").and_then(Value::as_str) {
            Some("DoNotSchedule" | "ScheduleAnyway") => {}
            _ => o.add(
                format!("{cat}.whenUnsatisfiable"),
                "unsupported value: must be DoNotSchedule or ScheduleAnyway",
            ),
        }
        if let Some(m) = get(c, "minDomains").and_then(Value::as_i64) {
            if m <= 0 {
                o.add(format!("{cat}.minDomains"), "must be greater than 0");
            } else if c.get("whenUnsatisfiable").and_then(Value::as_str) != Some("DoNotSchedule") {
                o.add(
                    format!("{cat}.minDomains"),
                    "can only be used with whenUnsatisfiable: DoNotSchedule",
                );
            }
        }
        one_of(o, c, "nodeAffinityPolicy", &cat, &["Honor", "Ignore"]);
        one_of(o, c, "nodeTaintsPolicy", &cat, &["Honor", "Ignore"]);
    }
}

/// runAsUser/runAsGroup within 0..=2147483647, and a Localhost seccomp profile names one
/// (validateSecurityContext, validateSeccompProfileField).
fn security_context(o: &mut Out<'_>, sc: Option<&Value>, at: &str) {
    let Some(sc) = sc else { return };
    // ValidatePodSecurityContext: the policies' enumerations.
    for (k, allowed) in [
        ("fsGroupChangePolicy", &["OnRootMismatch", "Always"][..]),
        ("supplementalGroupsPolicy", &["Merge", "Strict"][..]),
        ("seLinuxChangePolicy", &["MountOption", "Recursive"][..]),
    ] {
        one_of(o, sc, k, at, allowed);
    }
    // IsValidUserID / IsValidGroupID: 0 to 2^31-1.
    let id = |v: &Value| integer(v).is_some_and(|n| (0..=2_147_483_647).contains(&n));
    for k in ["runAsUser", "runAsGroup", "fsGroup"] {
        if let Some(v) = get(sc, k)
            && !id(v)
        {
            o.add(format!("{at}.{k}"), "must be from 0 to 2147483647");
        }
    }
    // ValidatePodSecurityContext: each supplemental group a valid group ID.
    for (n, g) in items(sc.get("supplementalGroups")) {
        if !id(g) {
            o.add(
                format!("{at}.supplementalGroups[{n}]"),
                "must be from 0 to 2147483647",
            );
        }
    }
    // validateSeccompProfileField and ValidateAppArmorProfileField: a type of the three;
    // Localhost needs a profile (seccomp's a relative path without `..`, AppArmor's not
    // blank or padded, 4095 bytes at most), and no other type has one.
    for (field, what) in [
        ("seccompProfile", "seccomp"),
        ("appArmorProfile", "AppArmor"),
    ] {
        let Some(p) = get(sc, field) else { continue };
        let pat = format!("{at}.{field}");
        let kind = p.text("type");
        let profile = p.get("localhostProfile").filter(|v| !v.is_null());
        match kind {
            "" => o.add(
                format!("{pat}.type"),
                format!("required when {field} is set"),
            ),
            "Localhost" | "RuntimeDefault" | "Unconfined" => {}
            _ => o.add(
                format!("{pat}.type"),
                "unsupported value: Localhost, RuntimeDefault or Unconfined",
            ),
        }
        let lat = format!("{pat}.localhostProfile");
        match (kind, profile.and_then(Value::as_str)) {
            ("Localhost", None) => o.add(
                lat,
                format!("must be set when the {what} type is Localhost"),
            ),
            ("Localhost", Some(name)) if field == "seccompProfile" => {
                local_path(o, Some(&Value::from(name)), &lat, false);
            }
            ("Localhost", Some(name)) => {
                if name.trim() != name {
                    o.add(lat, "must not be padded with whitespace");
                } else if name.is_empty() {
                    o.add(lat, "must be set when the AppArmor type is Localhost");
                } else if name.len() > 4095 {
                    o.add(lat, "must be at most 4095 bytes");
                }
            }
            (_, _) if profile.is_some() && !kind.is_empty() => o.add(
                lat,
                format!("can only be set when the {what} type is Localhost"),
            ),
            _ => {}
        }
    }
    if let Some(w) = get(sc, "windowsOptions") {
        windows_options(o, w, &format!("{at}.windowsOptions"));
    }
    if sc.get("privileged") == Some(&Value::Bool(true))
        && sc.get("allowPrivilegeEscalation") == Some(&Value::Bool(false))
    {
        o.add(
            format!("{at}.allowPrivilegeEscalation"),
            "cannot be false while privileged is true",
        );
    }
}

/// A pod's dynamic resource allocation (pkg/apis/core/validation/validation.go at
/// v1.35.4): validatePodResourceClaim (each `spec.resourceClaims` entry has a unique
/// DNS-1123 label as its name and exactly one source, a ResourceClaim's or a
/// ResourceClaimTemplate's name, each a DNS-1123 subdomain) and validateResourceClaimNames
/// (ValidateContainerResourceRequirements: a container's `resources.claims` name entries
/// of `spec.resourceClaims`, each claim or claim request once, a request a DNS-1123
/// label). Kubernetes 1.33 drops these fields (the DynamicResourceAllocation gate is off
/// by default there), 1.34 and later refuse them: see [`super::resource_claims`].
pub(super) fn resource_claims(o: &mut Out<'_>, pod: &Value, at: &str) {
    let mut pod_claims: Vec<&str> = Vec::new();
    for (n, c) in items(pod.get("resourceClaims")) {
        let cat = format!("{at}.resourceClaims[{n}]");
        match c.text("name") {
            "" => o.add(format!("{cat}.name"), "required"),
            name if pod_claims.contains(&name) => {
                o.add(format!("{cat}.name"), format!("Duplicate value: {name:?}"))
            }
            name => {
                if !dns_label(name) {
                    o.add(
                        format!("{cat}.name"),
                        "must be a DNS-1123 label (lowercase letters, digits, '-', at most 63)",
                    );
                }
                pod_claims.push(name);
            }
        }
        let (claim, template) = (
            get(c, "resourceClaimName"),
            get(c, "resourceClaimTemplateName"),
        );
        match (claim, template) {
            (Some(_), Some(_)) => o.add(
                cat.clone(),
                "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified",
            ),
            (None, None) => o.add(
                cat.clone(),
                "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`",
            ),
            _ => {}
        }
        for (k, v) in [
            ("resourceClaimName", claim),
            ("resourceClaimTemplateName", template),
        ] {
            if let Some(v) = v
                && !v.as_str().is_some_and(dns_subdomain)
            {
                o.add(
                    format!("{cat}.{k}"),
                    "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.')",
                );
            }
        }
    }
    let mut sorted = pod_claims.clone();
    sorted.sort_unstable();
    for field in ["initContainers", "containers", "ephemeralContainers"] {
        for (n, c) in items(pod.get(field)) {
            let rat = format!("{at}.{field}[{n}].resources.claims");
            let mut names: Vec<String> = Vec::new();
            for (m, claim) in items(c.at("/resources/claims")) {
                let cat = format!("{rat}[{m}]");
                let name = claim.text("name");
                if name.is_empty() {
                    o.add(cat, "required");
                    continue;
                }
                if names.iter().any(|k| k == name) {
                    // All requests of that claim already referenced.
                    o.add(&cat, format!("Duplicate value: {name:?}"));
                } else {
                    let request = claim.text("request");
                    let mut key = name.to_string();
                    if !request.is_empty() {
                        if !dns_label(request) {
                            o.add(
                                format!("{cat}.request"),
                                "must be a DNS-1123 label (lowercase letters, digits, '-', at most 63)",
                            );
                        }
                        key = format!("{name}/{request}");
                    }
                    if names.contains(&key) {
                        o.add(&cat, format!("Duplicate value: {key:?}"));
                    } else if request.is_empty() {
                        // A whole claim after one of its requests.
                        for k in &names {
                            if k.split_once('/').is_some_and(|(c, _)| c == name) {
                                o.add(&cat, format!("Duplicate value: {name:?}"));
                            }
                        }
                    }
                    names.push(key);
                }
                if !pod_claims.contains(&name) {
                    o.add(
                        cat,
                        if sorted.is_empty() {
                            format!("not found: {name:?} must be one of the names in pod.spec.resourceClaims which is empty")
                        } else {
                            format!(
                                "not found: {name:?} must be one of the names in pod.spec.resourceClaims: {}",
                                sorted.join(", ")
                            )
                        },
                    );
                }
            }
        }
    }
}

/// validateWindowsSecurityContextOptions (pkg/apis/core/validation/validation.go at
/// v1.35.4, for a container's securityContext through ValidateSecurityContext and the
/// pod's through validatePodSpecSecurityContext, whatever the pod's OS): a GMSA credential
/// spec name is a DNS-1123 subdomain (the name of a GMSACredentialSpec custom resource);
/// a credential spec is not empty and at most 64 KiB; runAsUserName is `[DOMAIN\]USER`:
/// not empty, no control character, at most one backslash, a domain under 256 bytes that
/// is a NetBIOS name (1–15 characters, none of `\ / : * ? " < > |`, not starting with
/// '.') or a DNS name, and a user of 1–104 bytes, not only periods and spaces, without
/// any of `" / \ : ; | = , + * ? < > @ [ ]`.
fn windows_options(o: &mut Out<'_>, w: &Value, at: &str) {
    if let Some(name) = get(w, "gmsaCredentialSpecName").and_then(Value::as_str)
        && !dns_subdomain(name)
    {
        o.add(
            format!("{at}.gmsaCredentialSpecName"),
            "must be a DNS-1123 subdomain (the name of a GMSACredentialSpec: lowercase letters, digits, '-', '.')",
        );
    }
    // maxGMSACredentialSpecLength: 64 KiB, in bytes.
    match get(w, "gmsaCredentialSpec").and_then(Value::as_str) {
        Some("") => o.add(
            format!("{at}.gmsaCredentialSpec"),
            "gmsaCredentialSpec cannot be an empty string",
        ),
        Some(spec) if spec.len() > 64 * 1024 => o.add(
            format!("{at}.gmsaCredentialSpec"),
            "gmsaCredentialSpec size must be under 64 KiB",
        ),
        _ => {}
    }
    let Some(name) = get(w, "runAsUserName").and_then(Value::as_str) else {
        return;
    };
    let uat = format!("{at}.runAsUserName");
    // ctrlRegex `[[:cntrl:]]`: ASCII control characters.
    if name.is_empty() {
        o.add(uat, "runAsUserName cannot be an empty string");
        return;
    }
    if name.chars().any(|c| c.is_ascii_control()) {
        o.add(uat, "runAsUserName cannot contain control characters");
        return;
    }
    let parts: Vec<&str> = name.split('\\').collect();
    let (domain, user) = match parts[..] {
        [user] => (None, user),
        [domain, user] => (Some(domain), user),
        _ => {
            o.add(uat, "runAsUserName cannot contain more than one backslash");
            return;
        }
    };
    // maxRunAsUserNameDomainLength (bytes).
    if domain.is_some_and(|d| d.len() >= 256) {
        o.add(
            &uat,
            "runAsUserName's Domain length must be under 256 characters",
        );
    }
    // validNetBiosRegex `^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$` (characters, not
    // bytes) and validWindowsUserDomainDNSRegex: DNS labels of letters (either case),
    // digits and '-', joined by '.'.
    const NETBIOS_FORBIDDEN: &[char] = &['\\', '/', ':', '*', '?', '"', '<', '>', '|'];
    let netbios = |d: &str| {
        let n = d.chars().count();
        (1..=15).contains(&n) && !d.starts_with('.') && !d.contains(NETBIOS_FORBIDDEN)
    };
    let dns = |d: &str| {
        d.split('.').all(|l| {
            let b = l.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
    };
    if let Some(d) = domain
        && !(netbios(d) || dns(d))
    {
        o.add(
            &uat,
            "runAsUserName's Domain doesn't match the NetBios nor the DNS format",
        );
    }
    // maxRunAsUserNameUserLength (bytes).
    if user.is_empty() {
        o.add(&uat, "runAsUserName's User cannot be empty");
    } else if user.len() > 104 {
        o.add(
            &uat,
            "runAsUserName's User length must not be longer than 104 characters",
        );
    }
    // invalidUserNameDotsSpacesRegex `^[\. ]+$`, invalidUserNameCharsRegex.
    if !user.is_empty() && user.chars().all(|c| c == '.' || c == ' ') {
        o.add(
            &uat,
            "runAsUserName's User cannot contain only periods or spaces",
        );
    }
    if user.contains(
        &[
            '"', '/', '\\', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>', '@', '[', ']',
        ][..],
    ) {
        o.add(
            &uat,
            r#"runAsUserName's User cannot contain the following characters: "/\:;|=,+*?<>@[]"#,
        );
    }
}

/// validateWindowsHostProcessPod (pkg/apis/core/validation/validation.go at v1.35.4,
/// called by ValidatePodSpec for every pod and template, whatever its OS): where the pod
/// and a container both give hostProcess they agree; a pod with any hostProcess
/// container (its own setting, or inherited from the pod's) has only hostProcess
/// containers and the host's network. (Its last rule, no hostProcess container where the
/// API server runs with --allow-privileged=false, is the cluster's.)
fn windows_host_process(o: &mut Out<'_>, pod: &Value, at: &str) {
    let host_process = |sc: Option<&Value>| {
        sc.and_then(|s| get(s, "windowsOptions"))
            .and_then(|w| get(w, "hostProcess"))
            .and_then(Value::as_bool)
    };
    let pod_hp = host_process(get(pod, "securityContext"));
    let (mut containers, mut host_processes) = (0, 0);
    // podshelper.VisitContainersWithPath: init, regular and ephemeral containers.
    for field in ["initContainers", "containers", "ephemeralContainers"] {
        for (n, c) in items(pod.get(field)) {
            containers += 1;
            let c_hp = host_process(get(c, "securityContext"));
            if let (Some(p), Some(x)) = (pod_hp, c_hp)
                && p != x
            {
                o.add(
                    format!("{at}.{field}[{n}].securityContext.windowsOptions.hostProcess"),
                    format!(
                        "pod hostProcess value must be identical if both are specified, was {p}"
                    ),
                );
            }
            if c_hp.or(pod_hp) == Some(true) {
                host_processes += 1;
            }
        }
    }
    if host_processes == 0 {
        return;
    }
    if host_processes != containers {
        o.add(
            at,
            "If pod contains any hostProcess containers then all containers must be HostProcess containers",
        );
    }
    if get(pod, "hostNetwork").and_then(Value::as_bool) != Some(true) {
        o.add(
            format!("{at}.hostNetwork"),
            "hostNetwork must be true if pod contains any hostProcess containers",
        );
    }
}

/// Security contexts, tolerations (validateTolerations), the node selector, image
/// references, container ports, resources and the keys env references read.
fn pod_spec(o: &mut Out<'_>, pod: &Value, at: &str) {
    security_context(
        o,
        pod.get("securityContext"),
        &format!("{at}.securityContext"),
    );
    for field in ["initContainers", "containers"] {
        for (n, c) in items(pod.get(field)) {
            security_context(
                o,
                c.get("securityContext"),
                &format!("{at}.{field}[{n}].securityContext"),
            );
        }
    }
    tolerations(o, pod.get("tolerations"), &format!("{at}.tolerations"));
    node_selector(o, pod.get("nodeSelector"), &format!("{at}.nodeSelector"));
    host_namespaces(o, pod, at);
    sleep_within_grace(o, pod, at);
    for field in ["initContainers", "containers"] {
        for (n, c) in items(pod.get(field)) {
            let cat = format!("{at}.{field}[{n}]");
            if let Some(img) = c.get("image").and_then(Value::as_str)
                && !image_ref(img)
            {
                o.add(
                    format!("{cat}.image"),
                    "is not an image reference like registry/name:tag",
                );
            }
            for (m, p) in items(c.get("ports")) {
                port_range(
                    o,
                    p.get("containerPort"),
                    &format!("{cat}.ports[{m}].containerPort"),
                );
            }
            resources(o, c.get("resources"), &format!("{cat}.resources"));
            for (m, e) in items(c.get("env")) {
                for r in ["secretKeyRef", "configMapKeyRef"] {
                    if let Some(k) = e.at(&format!("/valueFrom/{r}/key"))
                        && !k.as_str().is_some_and(config_key)
                    {
                        o.add(
                            format!("{cat}.env[{m}].valueFrom.{r}.key"),
                            "must be a key: letters, digits, '-', '_' and '.', not starting with '..'",
                        );
                    }
                }
            }
        }
    }
}

/// A JSON value as Go's encoding/json reads it into `[]core.Toleration`
/// (helper.GetTolerationsFromPodAnnotations): `null` is no list; an item's keys match the
/// fields whatever their case, unknown keys are ignored, a string field takes a string
/// or null, `tolerationSeconds` a whole number (not `5.0`, not `"5"`). The tolerations with
/// their fields' own names, or None where Go's decoder fails.
fn go_tolerations(v: Value) -> Option<Value> {
    const FIELDS: [&str; 5] = ["key", "operator", "value", "effect", "tolerationSeconds"];
    let items = match v {
        Value::Null => return Some(Value::Array(Vec::new())),
        Value::Array(items) => items,
        _ => return None,
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let item = match item {
            Value::Null => serde_json::Map::new(),
            Value::Object(m) => m,
            _ => return None,
        };
        let mut t = serde_json::Map::new();
        for (k, x) in item {
            // Go prefers an exact match, then a case-insensitive one; the last wins.
            let Some(field) = FIELDS.iter().find(|f| f.eq_ignore_ascii_case(&k)) else {
                continue;
            };
            let ok = match (*field, &x) {
                (_, Value::Null) => true,
                ("tolerationSeconds", Value::Number(n)) => n.is_i64(),
                ("tolerationSeconds", _) => false,
                (_, Value::String(_)) => true,
                _ => false,
            };
            if !ok {
                return None;
            }
            if !x.is_null() {
                t.insert((*field).to_string(), x);
            }
        }
        out.push(Value::Object(t));
    }
    Some(Value::Array(out))
}

/// What the host's namespaces allow with each other (kubernetes
/// pkg/apis/core/validation/validation.go at v1.33): validatePodSpecSecurityContext
/// refuses a shared process namespace with the host's PID namespace; validateHostUsers
/// refuses a user namespace (`hostUsers: false`) with any host namespace;
/// ValidateSecurityContext refuses `procMount: Unmasked` unless the pod has its own user
/// namespace; validateSysctls refuses a name given twice, and ValidateHostSysctl a
/// network sysctl with the host's network namespace and an IPC one with its IPC
/// namespace (sysctl.GetNamespace: `net.`; `kernel.shm*`, `kernel.msg*`, `kernel.sem`,
/// `fs.mqueue.`).
fn host_namespaces(o: &mut Out<'_>, pod: &Value, at: &str) {
    let on = |k: &str| pod.get(k) == Some(&Value::Bool(true));
    if on("shareProcessNamespace") && on("hostPID") {
        o.add(
            format!("{at}.shareProcessNamespace"),
            "ShareProcessNamespace and HostPID cannot both be enabled",
        );
    }
    let own_users = pod.get("hostUsers") == Some(&Value::Bool(false));
    if own_users {
        for k in ["hostNetwork", "hostPID", "hostIPC"] {
            if on(k) {
                o.add(
                    format!("{at}.{k}"),
                    "forbidden when `pod.Spec.HostUsers` is false",
                );
            }
        }
    }
    for field in ["initContainers", "containers"] {
        for (n, c) in items(pod.get(field)) {
            if !own_users
                && c.at("/securityContext/procMount").and_then(Value::as_str) == Some("Unmasked")
            {
                o.add(
                    format!("{at}.{field}[{n}].securityContext.procMount"),
                    "'hostUsers' must be false to use 'Unmasked'",
                );
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (n, s) in items(pod.at("/securityContext/sysctls")) {
        let Some(name) = s.get("name").and_then(Value::as_str) else {
            continue;
        };
        // ConvertSysctlVariableToDotsSeparator: `net/ipv4/ip_forward` is `net.ipv4.ip_forward`.
        let dotted = match name.find(['.', '/']) {
            Some(i) if name.as_bytes()[i] == b'/' => name
                .chars()
                .map(|c| match c {
                    '/' => '.',
                    '.' => '/',
                    c => c,
                })
                .collect(),
            _ => name.to_string(),
        };
        let sat = format!("{at}.securityContext.sysctls[{n}].name");
        // validateSysctls compares the names as written.
        if !seen.insert(name) {
            o.add(&sat, format!("Duplicate value: {name:?}"));
        }
        let ipc = dotted.starts_with("kernel.shm")
            || dotted.starts_with("kernel.msg")
            || dotted == "kernel.sem"
            || dotted.starts_with("fs.mqueue.");
        if dotted.starts_with("net.") && on("hostNetwork") {
            o.add(&sat, "may not be specified when 'hostNetwork' is true");
        }
        if ipc && on("hostIPC") {
            o.add(&sat, "may not be specified when 'hostIPC' is true");
        }
    }
}

/// checkHostPortConflicts (v1.33): two ports may not take the same host port, protocol
/// (TCP when not given) and host IP, across the pod's containers (validateContainers)
/// and within each init container (validateInitContainers checks each alone). A Pod on
/// the host's network has each container port as its host port (SetDefaults_PodSpec,
/// defaultHostNetworkPorts; pod templates keep theirs since v1.28).
fn host_ports(o: &mut Out<'_>, pod: &Value, at: &str, is_pod: bool) {
    let host_network = is_pod && pod.get("hostNetwork") == Some(&Value::Bool(true));
    let check = |o: &mut Out<'_>, field: &str, list: &[(usize, &Value)]| {
        let mut taken = std::collections::HashSet::new();
        for (n, c) in list {
            for (m, p) in items(c.get("ports")) {
                let host = p
                    .get("hostPort")
                    .and_then(Value::as_i64)
                    .filter(|p| *p != 0);
                let port = host.or_else(|| {
                    host_network
                        .then(|| p.get("containerPort").and_then(Value::as_i64))
                        .flatten()
                });
                let Some(port) = port.filter(|p| *p != 0) else {
                    continue;
                };
                let text = |k: &str, default: &'static str| {
                    p.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or(default)
                        .to_string()
                };
                let key = format!("{}/{}/{port}", text("protocol", "TCP"), text("hostIP", ""));
                if !taken.insert(key.clone()) {
                    o.add(
                        format!("{at}.{field}[{n}].ports[{m}].hostPort"),
                        format!("Duplicate value: {key:?} (another port of the pod takes it)"),
                    );
                }
            }
        }
    };
    let containers: Vec<(usize, &Value)> = items(pod.get("containers")).collect();
    check(o, "containers", &containers);
    for init in items(pod.get("initContainers")) {
        check(o, "initContainers", &[init]);
    }
}

/// validateSleepAction (v1.33, PodLifecycleSleepActionAllowZero on): a lifecycle hook's
/// sleep may not outlast terminationGracePeriodSeconds, which defaulting sets to 30 when
/// it is not given (SetDefaults_PodSpec).
fn sleep_within_grace(o: &mut Out<'_>, pod: &Value, at: &str) {
    let grace = pod
        .get("terminationGracePeriodSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(30);
    for field in ["initContainers", "containers"] {
        for (n, c) in items(pod.get(field)) {
            for hook in ["postStart", "preStop"] {
                let path = format!("/lifecycle/{hook}/sleep/seconds");
                if let Some(secs) = c.at(&path).and_then(Value::as_i64)
                    && secs > grace
                {
                    o.add(
                        format!("{at}.{field}[{n}].lifecycle.{hook}.sleep.seconds"),
                        format!(
                            "must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                        ),
                    );
                }
            }
        }
    }
}

/// validatePodDNSConfig: at most 32 search domains and 2048 characters in all, each "."
/// or a DNS-1123 subdomain that may hold '_' (RelaxedDNSSearchValidation, Beta and on by
/// default from 1.33) with an optional final dot; every option has a name.
fn dns_searches(o: &mut Out<'_>, pod: &Value, at: &str) {
    let searches: Vec<(usize, &Value)> = items(pod.at("/dnsConfig/searches")).collect();
    if searches.len() > 32 {
        o.add(
            format!("{at}.dnsConfig.searches"),
            "must not have more than 32 search paths",
        );
    }
    let joined: usize = searches
        .iter()
        .map(|(_, s)| s.as_str().map_or(0, str::len))
        .sum::<usize>()
        + searches.len().saturating_sub(1);
    if joined > 2048 {
        o.add(
            format!("{at}.dnsConfig.searches"),
            "must not have more than 2048 characters (including spaces) in the search list",
        );
    }
    // IsDNS1123SubdomainWithUnderscore's label: `_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?`.
    let label = |l: &str| {
        let l = l.strip_prefix('_').unwrap_or(l);
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        l.bytes().next().is_some_and(alnum)
            && l.bytes().last().is_some_and(alnum)
            && l.bytes().all(|b| alnum(b) || b == b'-' || b == b'_')
    };
    for (n, s) in searches {
        let ok = s.as_str().is_some_and(|s| {
            let t = s.strip_suffix('.').unwrap_or(s);
            s == "." || (!t.is_empty() && t.len() <= 253 && t.split('.').all(label))
        });
        if !ok {
            o.add(
                format!("{at}.dnsConfig.searches[{n}]"),
                "must be a DNS-1123 subdomain (lowercase letters, digits, '-', '_', '.')",
            );
        }
    }
    for (n, opt) in items(pod.at("/dnsConfig/options")) {
        if opt
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            o.add(
                format!("{at}.dnsConfig.options[{n}].name"),
                "required: Option.Name must not be empty",
            );
        }
    }
}

/// validateWindows: a pod with `os.name: windows` sets none of the Linux-only security
/// fields, in the pod's securityContext or any container's.
fn windows(o: &mut Out<'_>, pod: &Value, at: &str) {
    const POD: &[&str] = &[
        "seLinuxOptions",
        "seccompProfile",
        "appArmorProfile",
        "fsGroup",
        "fsGroupChangePolicy",
        "sysctls",
        "runAsUser",
        "runAsGroup",
        "supplementalGroups",
        "supplementalGroupsPolicy",
        "seLinuxChangePolicy",
    ];
    const CONTAINER: &[&str] = &[
        "seLinuxOptions",
        "seccompProfile",
        "appArmorProfile",
        "capabilities",
        "readOnlyRootFilesystem",
        "privileged",
        "allowPrivilegeEscalation",
        "procMount",
        "runAsUser",
        "runAsGroup",
    ];
    // A list counts as set when it holds an item (`len(Sysctls) > 0`).
    let set = |v: Option<&Value>| match v {
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
        None => false,
    };
    for k in POD {
        if set(pod.get("securityContext").and_then(|c| get(c, k))) {
            o.add(
                format!("{at}.securityContext.{k}"),
                "cannot be set for a windows pod",
            );
        }
    }
    for k in ["shareProcessNamespace", "hostUsers"] {
        if get(pod, k).is_some() {
            o.add(format!("{at}.{k}"), "cannot be set for a windows pod");
        }
    }
    for field in ["initContainers", "containers"] {
        for (n, c) in items(pod.get(field)) {
            for k in CONTAINER {
                if c.get("securityContext").and_then(|sc| get(sc, k)).is_some() {
                    o.add(
                        format!("{at}.{field}[{n}].securityContext.{k}"),
                        "cannot be set for a windows pod",
                    );
                }
            }
        }
    }
}

/// validateLinux: a pod with `os.name: linux` sets no Windows options, in the pod's
/// securityContext or any container's.
fn linux(o: &mut Out<'_>, pod: &Value, at: &str) {
    if pod
        .at("/securityContext/windowsOptions")
        .is_some_and(|w| !w.is_null())
    {
        o.add(
            format!("{at}.securityContext.windowsOptions"),
            "cannot be set for a linux pod",
        );
    }
    for field in ["initContainers", "containers"] {
        for (n, c) in items(pod.get(field)) {
            if c.at("/securityContext/windowsOptions")
                .is_some_and(|w| !w.is_null())
            {
                o.add(
                    format!("{at}.{field}[{n}].securityContext.windowsOptions"),
                    "cannot be set for a linux pod",
                );
            }
        }
    }
}

/// ValidatePodSpecificAnnotations (v1.33, also for pod templates): the mirror-pod
/// annotation needs spec.nodeName (kubelet's static pods carry both); the deletion cost is a
/// 32-bit integer (helper.GetDeletionCostFromPodAnnotations: a sign or a digit first, no
/// leading zero), seccomp annotations name a profile (ValidateSeccompProfile), AppArmor
/// annotations name a container of the pod and a profile (ValidateAppArmorPodAnnotations).
pub(super) fn annotations(o: &mut Out<'_>, a: &Value, pod: &Value, at: &str) {
    let Some(a) = a.as_object() else { return };
    annotations_match_fields(o, a, pod, at);
    const MIRROR: &str = "kubernetes.io/config.mirror";
    if a.contains_key(MIRROR)
        && pod
            .get("nodeName")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    {
        o.add(
            format!("{at}[{MIRROR:?}]"),
            "must set spec.nodeName if mirror pod annotation is set (the annotation marks kubelet's static pods: leave it out)",
        );
    }
    // ValidateTolerationsInPodAnnotations: a non-empty value is a JSON list of
    // tolerations (helper.GetTolerationsFromPodAnnotations), each valid.
    const TOLERATIONS: &str = "scheduler.alpha.kubernetes.io/tolerations";
    if let Some(text) = a.get(TOLERATIONS).and_then(Value::as_str)
        && !text.is_empty()
    {
        let tat = format!("{at}[{TOLERATIONS:?}]");
        match serde_json::from_str::<Value>(text)
            .ok()
            .and_then(go_tolerations)
        {
            Some(list) => tolerations(o, Some(&list), &tat),
            None => o.add(tat, "must be a JSON list of tolerations"),
        }
    }
    if let Some(cost) = a.get("controller.kubernetes.io/pod-deletion-cost") {
        let ok = cost.as_str().is_some_and(|c| {
            (c.starts_with('-') || c == "0" || c.starts_with(|d: char| ('1'..='9').contains(&d)))
                && c.parse::<i32>().is_ok()
        });
        if !ok {
            o.add(
                format!("{at}[\"controller.kubernetes.io/pod-deletion-cost\"]"),
                "must be a 32bit integer",
            );
        }
    }
    for (k, v) in a {
        let profile = v.as_str().unwrap_or("");
        if k == "seccomp.security.alpha.kubernetes.io/pod"
            || k.starts_with("container.seccomp.security.alpha.kubernetes.io/")
        {
            let ok = matches!(profile, "runtime/default" | "docker/default" | "unconfined")
                || profile.strip_prefix("localhost/").is_some_and(|p| {
                    // validateLocalDescendingPath: relative, no `..` element.
                    !p.starts_with('/') && !p.split('/').any(|part| part == "..")
                });
            if !ok {
                o.add(
                    format!("{at}[{k:?}]"),
                    "must be a valid seccomp profile (runtime/default, unconfined or localhost/<relative path>)",
                );
            }
        }
        if let Some(container) = k.strip_prefix("container.apparmor.security.beta.kubernetes.io/") {
            let known = ["initContainers", "containers", "ephemeralContainers"]
                .iter()
                .flat_map(|f| items(pod.get(*f)))
                .any(|(_, c)| c.get("name").and_then(Value::as_str) == Some(container));
            if !known {
                o.add(format!("{at}[{k:?}]"), "container not found in the pod");
            }
            if !(matches!(profile, "" | "runtime/default" | "unconfined")
                || profile.starts_with("localhost/"))
            {
                o.add(
                    format!("{at}[{k:?}]"),
                    "invalid AppArmor profile name: runtime/default, unconfined or localhost/<name>",
                );
            }
        }
    }
}

/// validateSeccompAnnotationsAndFields and validateAppArmorAnnotationsAndFieldsMatchOnCreate
/// (both run for pod templates too): where a deprecated annotation and the field both
/// name a profile, they must agree. Seccomp: the pod's annotation with the pod's field, a
/// container's with the container's own field; AppArmor: a container's annotation with
/// its field, or the pod's when it has none.
fn annotations_match_fields(
    o: &mut Out<'_>,
    a: &serde_json::Map<String, Value>,
    pod: &Value,
    at: &str,
) {
    let spec_at = format!(
        "{}spec",
        at.strip_suffix("metadata.annotations").unwrap_or("")
    );
    let agrees =
        |annotation: &str, field: &Value, runtime_default: &[&str]| -> Option<&'static str> {
            match field.get("type").and_then(Value::as_str)? {
                "Unconfined" => (annotation != "unconfined").then_some("type"),
                "RuntimeDefault" => (!runtime_default.contains(&annotation)).then_some("type"),
                "Localhost" => match annotation.strip_prefix("localhost/") {
                    None => Some("type"),
                    Some(name) => (field.get("localhostProfile").and_then(Value::as_str)
                        != Some(name))
                    .then_some("localhostProfile"),
                },
                _ => None,
            }
        };
    const SECCOMP_DEFAULT: &[&str] = &["runtime/default", "docker/default"];
    if let (Some(ann), Some(field)) = (
        a.get("seccomp.security.alpha.kubernetes.io/pod")
            .and_then(Value::as_str),
        pod.at("/securityContext/seccompProfile"),
    ) && let Some(which) = agrees(ann, field, SECCOMP_DEFAULT)
    {
        o.add(
            format!("{spec_at}.securityContext.seccompProfile.{which}"),
            format!("seccomp {which} in annotation and field must match"),
        );
    }
    // The AppArmor check skips Windows pods. For a Pod (not a template) the API server
    // first copies a container's annotation into a container without a profile of its
    // own (applyAppArmorVersionSkew, pkg/registry/core/pod/strategy.go, PrepareForCreate),
    // so only the container's own field is compared there.
    let windows = pod.at("/os/name").and_then(Value::as_str) == Some("windows");
    let is_pod = spec_at == "spec";
    let pod_apparmor = pod
        .at("/securityContext/appArmorProfile")
        .filter(|_| !windows && !is_pod);
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for (n, c) in items(pod.get(list)) {
            let name = c.text("name");
            let cat = format!("{spec_at}.{list}[{n}].securityContext");
            if let (Some(ann), Some(field)) = (
                a.get(&format!(
                    "container.seccomp.security.alpha.kubernetes.io/{name}"
                ))
                .and_then(Value::as_str),
                c.at("/securityContext/seccompProfile"),
            ) && let Some(which) = agrees(ann, field, SECCOMP_DEFAULT)
            {
                o.add(
                    format!("{cat}.seccompProfile.{which}"),
                    format!("seccomp {which} in annotation and field must match"),
                );
            }
            if let (Some(ann), Some(field)) = (
                a.get(&format!(
                    "container.apparmor.security.beta.kubernetes.io/{name}"
                ))
                .and_then(Value::as_str),
                c.at("/securityContext/appArmorProfile")
                    .filter(|_| !windows)
                    .or(pod_apparmor),
            ) && let Some(which) = agrees(ann, field, &["runtime/default"])
            {
                o.add(
                    format!("{cat}.appArmorProfile.{which}"),
                    format!("apparmor {which} in annotation and field must match"),
                );
            }
        }
    }
}

/// validateTolerations (pkg/apis/core/validation): a pod's tolerations, and a
/// RuntimeClass's `scheduling.tolerations` (pkg/apis/node/validation, validateScheduling).
pub(super) fn tolerations(o: &mut Out<'_>, list: Option<&Value>, at: &str) {
    for (n, t) in items(list) {
        // An empty operator is Equal (validateTolerations: `case core.TolerationOpEqual, ""`).
        let op = match t.get("operator").and_then(Value::as_str) {
            None | Some("") => "Equal",
            Some(op) => op,
        };
        let key = t.text("key");
        if key.is_empty() && op != "Exists" {
            o.add(
                format!("{at}[{n}].operator"),
                "must be Exists when the key is empty",
            );
        }
        if !key.is_empty() && !is_label_key(key) {
            o.add(
                format!("{at}[{n}].key"),
                "invalid key: a label key like example.com/name",
            );
        }
        if t.get("tolerationSeconds").is_some_and(|s| !s.is_null())
            && t.get("effect").and_then(Value::as_str) != Some("NoExecute")
        {
            o.add(
                format!("{at}[{n}].effect"),
                "must be NoExecute when tolerationSeconds is set",
            );
        }
        if !matches!(op, "Equal" | "Exists") {
            o.add(format!("{at}[{n}].operator"), "must be Equal or Exists");
        }
        if op == "Exists"
            && t.get("value")
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty())
        {
            o.add(
                format!("{at}[{n}].value"),
                "must be empty when the operator is Exists",
            );
        }
        if op == "Equal"
            && !t
                .get("value")
                .and_then(Value::as_str)
                .is_none_or(is_label_value)
        {
            o.add(
                format!("{at}[{n}].value"),
                "must be a label value (63 characters at most: letters, digits, '-', '_' and '.', beginning and ending with a letter or digit)",
            );
        }
        let effect = t.text("effect");
        if !matches!(effect, "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            o.add(
                format!("{at}[{n}].effect"),
                "must be NoSchedule, PreferNoSchedule or NoExecute",
            );
        }
    }
}

/// A node selector's labels (ValidateLabels): a pod's, and a RuntimeClass's
/// `scheduling.nodeSelector`.
pub(super) fn node_selector(o: &mut Out<'_>, selector: Option<&Value>, at: &str) {
    for (k, v) in selector.and_then(Value::as_object).into_iter().flatten() {
        let key_ok = is_label_key(k);
        if !key_ok {
            o.add(format!("{at}[{k:?}]"), "invalid label key");
        }
        let val_ok = v.as_str().is_some_and(is_label_value);
        if !val_ok {
            o.add(format!("{at}[{k:?}]"), "invalid label value");
        }
    }
}

/// Resource limits alone, as ValidateResourceRequirements checks them: a RuntimeClass's
/// `overhead.podFixed` (pkg/apis/node/validation, validateOverhead).
pub(super) fn limits(o: &mut Out<'_>, fixed: &Value, at: &str) {
    let r = serde_json::json!({ "limits": fixed });
    resource_names(o, Some(&r), at);
    resources(o, Some(&r), at);
}

/// ValidateResourceRequirements: no negative quantity; a request at most its limit.
fn resources(o: &mut Out<'_>, r: Option<&Value>, at: &str) {
    let Some(r) = r else { return };
    for kind in ["requests", "limits"] {
        for (name, q) in r.get(kind).and_then(Value::as_object).into_iter().flatten() {
            if super::quantity_negative(q) {
                o.add(format!("{at}.{kind}.{name}"), "must not be negative");
            }
        }
    }
    for (name, req) in r
        .get("requests")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        // Compared exactly, as Quantity.Cmp does (2.0000000000000001 is above 2).
        if let (Some(a), Some(b)) = (
            super::quantity_exact(req),
            r.get("limits")
                .and_then(|l| l.get(name))
                .and_then(super::quantity_exact),
        ) && a > b
        {
            o.add(
                format!("{at}.requests.{name}"),
                "must be less than or equal to the limit",
            );
        }
    }
}
