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
            // ValidateStorageClass: a qualified provisioner name, known policies.
            match v.get("provisioner").and_then(Value::as_str) {
                Some(p) if !p.is_empty() && is_label_key(p) => {}
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
        // ValidateEndpointSlice: the address type.
        "EndpointSlice" => one_of(o, v, "addressType", "", &["IPv4", "IPv6", "FQDN"]),
        _ => {}
    }
}
