//! Workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet (kubernetes
//! `pkg/apis/apps/validation/validation.go`), Job and CronJob
//! (`pkg/apis/batch/validation/validation.go`), PodDisruptionBudget
//! (`pkg/apis/policy/validation/validation.go`) and HorizontalPodAutoscaler
//! (`pkg/apis/autoscaling/validation/validation.go`), at v1.33.

use super::fields::{
    dns_label, get, int_or_percent, int_or_percent_field, non_negative, one_of, path_segment,
};
use super::{Out, dns_subdomain};
use crate::parse::At;
use serde_json::Value;

pub(super) fn check(o: &mut Out<'_>, kind: &str, v: &Value) {
    let Some(spec) = get(v, "spec") else { return };
    match kind {
        "Deployment" => deployment(o, spec),
        "ReplicaSet" => apps_common(o, spec),
        "ReplicationController" => replication_controller(o, spec),
        "StatefulSet" => {
            // ValidateStatefulSetName is NameIsDNSLabel since v1.27 (apps validation.go;
            // the pods are named <name>-<ordinal> and get it as hostname).
            if v.at("/metadata/name")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty() && !dns_label(n))
            {
                o.add(
                    "metadata.name",
                    "must be a DNS-1123 label (lowercase letters, digits, '-', at most 63): a StatefulSet's name is its pods' hostname",
                );
            }
            statefulset(o, spec)
        }
        "DaemonSet" => daemonset(o, spec),
        "Job" => {
            // Without manualSelector the name becomes the job-name label of its pods
            // (generateSelector, pkg/registry/batch/job/strategy.go, runs only when
            // !ManualSelector): at most 63 characters. With it the name is a DNS-1123
            // subdomain (ValidateJob's ValidateObjectMeta), and one that is not a DNS label
            // is taken with a warning (WarningsOnCreate in the same file).
            let manual = spec.get("manualSelector") == Some(&Value::Bool(true));
            if let Some(n) = v.at("/metadata/name").and_then(Value::as_str) {
                if !manual && n.len() > 63 {
                    o.add(
                        "metadata.name",
                        "must be no more than 63 characters (it becomes the pods' job-name label)",
                    );
                } else if manual && !n.is_empty() && dns_subdomain(n) && !dns_label(n) {
                    o.add(
                        "metadata.name",
                        crate::validate::semantic::JOB_NAME_NOT_LABEL,
                    );
                }
            }
            // validateGeneratedSelector (pkg/apis/batch/validation, and generateSelector in
            // pkg/registry/batch/job/strategy.go): without manualSelector the API server
            // adds the controller-uid and job-name labels to the template (keeping any the
            // user gave) and the controller-uid to the selector, then requires the template
            // to carry the Job's name and UID and the selector to match those labels alone.
            if spec.get("manualSelector") != Some(&Value::Bool(true)) {
                let name = v.str_at("/metadata/name");
                generated_labels(o, spec, "spec", Some(name));
            }
            // ValidateJob: an Indexed Job's pods are named <name>-<index>, and the last
            // index is completions - 1.
            let name = v.str_at("/metadata/name");
            if spec.get("completionMode").and_then(Value::as_str) == Some("Indexed")
                && let Some(c) = get(spec, "completions").and_then(Value::as_i64)
                && c > 0
                && !name.is_empty()
                && !dns_label(&format!("{name}-{}", c - 1))
            {
                o.add(
                    "metadata.name",
                    format!(
                        "will not able to create pod with invalid DNS label: {name}-{}",
                        c - 1
                    ),
                );
            }
            // validateJobSpec: managedBy is a domain-prefixed path of at most 63
            // characters (apimachinery IsDomainPrefixedPath, validation.go:130-152).
            if let Some(m) = spec.get("managedBy").and_then(Value::as_str) {
                let ok = m.split_once('/').is_some_and(|(host, path)| {
                    dns_subdomain(host)
                        && !path.is_empty()
                        && path.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || b"/-._~%!$&'()*+,;=:".contains(&b)
                        })
                });
                if !ok {
                    o.add(
                        "spec.managedBy",
                        "must be a domain-prefixed path (such as \"acme.io/foo\")",
                    );
                } else if m.len() > 63 {
                    o.add("spec.managedBy", "must have at most 63 characters");
                }
            }
            job(o, spec, "spec")
        }
        "CronJob" => cronjob(o, v, spec),
        "PodDisruptionBudget" => pdb(o, spec),
        "HorizontalPodAutoscaler" => hpa(o, v, spec),
        _ => {}
    }
}

/// ValidateDeploymentSpec & co.: minReadySeconds and revisionHistoryLimit are
/// non-negative.
fn apps_common(o: &mut Out<'_>, spec: &Value) {
    non_negative(o, spec, "minReadySeconds", "spec");
    non_negative(o, spec, "revisionHistoryLimit", "spec");
}

/// ValidateReplicationControllerSpec and ValidatePodTemplateSpecForRC (core
/// validation.go, v1.33): the template is required, the selector must not be empty
/// (ValidateNonEmptySelector) and must match the template's labels. An empty selector is
/// first defaulted to the template's labels (SetDefaults_ReplicationController,
/// pkg/apis/core/v1/defaults.go).
fn replication_controller(o: &mut Out<'_>, spec: &Value) {
    // spec.replicas is checked for every kind beside the object's metadata (rules::check).
    non_negative(o, spec, "minReadySeconds", "spec");
    let template = get(spec, "template");
    let labels = template
        .and_then(|t| t.at("/metadata/labels"))
        .and_then(Value::as_object);
    let selector = get(spec, "selector")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty())
        .or(labels.filter(|l| !l.is_empty()));
    if template.is_none() {
        o.add(
            "spec.template",
            "Required value: a ReplicationController needs a pod template",
        );
    }
    let Some(selector) = selector else {
        o.add(
            "spec.selector",
            "Required value: the selector (or the template's labels it defaults to) must not be empty",
        );
        return;
    };
    if template.is_some()
        && !selector
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
    {
        o.add(
            "spec.template.metadata.labels",
            "`selector` does not match template `labels`",
        );
    }
}

/// ValidateDeploymentSpec, ValidateDeploymentStrategy, ValidateRollingUpdateDeployment.
fn deployment(o: &mut Out<'_>, spec: &Value) {
    apps_common(o, spec);
    if let Some(d) = get(spec, "progressDeadlineSeconds").and_then(Value::as_i64) {
        let min_ready = get(spec, "minReadySeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if d <= min_ready {
            o.add(
                "spec.progressDeadlineSeconds",
                "must be greater than minReadySeconds",
            );
        }
    }
    let Some(strategy) = get(spec, "strategy") else {
        return;
    };
    one_of(
        o,
        strategy,
        "type",
        "spec.strategy",
        &["Recreate", "RollingUpdate"],
    );
    let ty = strategy
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("RollingUpdate");
    let Some(ru) = get(strategy, "rollingUpdate") else {
        return;
    };
    if ty == "Recreate" {
        o.add(
            "spec.strategy.rollingUpdate",
            "may not be specified when strategy type is 'Recreate'",
        );
        return;
    }
    let at = "spec.strategy.rollingUpdate";
    int_or_percent_field(o, ru, "maxUnavailable", at, true);
    int_or_percent_field(o, ru, "maxSurge", at, false);
    let zero = |k: &str| {
        ru.get(k)
            .and_then(int_or_percent)
            .is_some_and(|(n, _)| n == 0)
    };
    if zero("maxUnavailable") && zero("maxSurge") {
        o.add(
            format!("{at}.maxUnavailable"),
            "may not be 0 when maxSurge is 0",
        );
    }
}

/// ValidateStatefulSetSpec.
fn statefulset(o: &mut Out<'_>, spec: &Value) {
    apps_common(o, spec);
    one_of(
        o,
        spec,
        "podManagementPolicy",
        "spec",
        &["OrderedReady", "Parallel"],
    );
    if let Some(u) = get(spec, "updateStrategy") {
        one_of(
            o,
            u,
            "type",
            "spec.updateStrategy",
            &["RollingUpdate", "OnDelete"],
        );
        if u.get("type").and_then(Value::as_str) == Some("OnDelete")
            && get(u, "rollingUpdate").is_some()
        {
            o.add(
                "spec.updateStrategy.rollingUpdate",
                "only allowed for updateStrategy 'RollingUpdate'",
            );
        }
        if let Some(ru) = get(u, "rollingUpdate") {
            non_negative(o, ru, "partition", "spec.updateStrategy.rollingUpdate");
            int_or_percent_field(
                o,
                ru,
                "maxUnavailable",
                "spec.updateStrategy.rollingUpdate",
                true,
            );
            // validateRollingUpdateStatefulSet with MaxUnavailableStatefulSet on (beta and
            // on by default from 1.35; off in 1.33-1.34, where the field is dropped): the
            // number or percentage cannot be 0. A render is for every cluster from 1.33 on.
            if ru
                .get("maxUnavailable")
                .and_then(int_or_percent)
                .is_some_and(|(n, _)| n == 0)
            {
                o.add(
                    "spec.updateStrategy.rollingUpdate.maxUnavailable",
                    "cannot be 0 (Kubernetes 1.35 and later refuse it; 1.33 and 1.34 ignore the field)",
                );
            }
        }
    }
    if let Some(p) = get(spec, "persistentVolumeClaimRetentionPolicy") {
        for k in ["whenDeleted", "whenScaled"] {
            one_of(
                o,
                p,
                k,
                "spec.persistentVolumeClaimRetentionPolicy",
                &["Retain", "Delete"],
            );
        }
    }
    if let Some(ord) = get(spec, "ordinals") {
        non_negative(o, ord, "start", "spec.ordinals");
    }
}

/// ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy.
fn daemonset(o: &mut Out<'_>, spec: &Value) {
    apps_common(o, spec);
    if let Some(u) = get(spec, "updateStrategy") {
        one_of(
            o,
            u,
            "type",
            "spec.updateStrategy",
            &["RollingUpdate", "OnDelete"],
        );
        if let Some(ru) = get(u, "rollingUpdate") {
            int_or_percent_field(
                o,
                ru,
                "maxUnavailable",
                "spec.updateStrategy.rollingUpdate",
                true,
            );
            int_or_percent_field(o, ru, "maxSurge", "spec.updateStrategy.rollingUpdate", true);
            // ValidateRollingUpdateDaemonSet: exactly one of them is non-zero (defaults:
            // maxUnavailable 1, maxSurge 0).
            let value = |k: &str, default: i64| {
                ru.get(k)
                    .and_then(int_or_percent)
                    .map_or(default, |(n, _)| n)
            };
            if (value("maxUnavailable", 1) == 0) == (value("maxSurge", 0) == 0) {
                o.add(
                    "spec.updateStrategy.rollingUpdate",
                    "exactly one of maxSurge and maxUnavailable must be non-zero",
                );
            }
        }
    }
}

/// ValidateJobSpec (the pod template's restartPolicy is checked with the pod spec).
fn job(o: &mut Out<'_>, spec: &Value, at: &str) {
    // ValidateJobSpec: a podFailurePolicy needs restartPolicy Never; maxFailedIndexes
    // needs backoffLimitPerIndex; a manual selector must be given.
    if get(spec, "podFailurePolicy").is_some()
        && spec
            .at("/template/spec/restartPolicy")
            .and_then(Value::as_str)
            != Some("Never")
    {
        o.add(
            format!("{at}.template.spec.restartPolicy"),
            "must be Never when podFailurePolicy is set",
        );
    }
    if get(spec, "maxFailedIndexes").is_some() && get(spec, "backoffLimitPerIndex").is_none() {
        o.add(
            format!("{at}.maxFailedIndexes"),
            "requires backoffLimitPerIndex",
        );
    }
    job_policies(o, spec, at);
    if spec.get("manualSelector") == Some(&Value::Bool(true)) && get(spec, "selector").is_none() {
        o.add(
            format!("{at}.selector"),
            "required when manualSelector is true",
        );
    }
    for k in [
        "parallelism",
        "completions",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ] {
        non_negative(o, spec, k, at);
    }
    // ValidateJobSpec: activeDeadlineSeconds is only non-negative (0 is accepted).
    non_negative(o, spec, "activeDeadlineSeconds", at);
    one_of(o, spec, "completionMode", at, &["NonIndexed", "Indexed"]);
    one_of(
        o,
        spec,
        "podReplacementPolicy",
        at,
        &["TerminatingOrFailed", "Failed"],
    );
    // SetDefaults_Job sets completions and parallelism to 1 when neither is given.
    if spec.get("completionMode").and_then(Value::as_str) == Some("Indexed")
        && get(spec, "completions").is_none()
        && get(spec, "parallelism").is_some()
    {
        o.add(
            format!("{at}.completions"),
            "required when completionMode is Indexed",
        );
    }
}

/// validateJobSpec's limits of an Indexed Job (pkg/apis/batch/validation/validation.go:
/// maxParallelismForIndexedJob, maxFailedIndexesForIndexedJob, completionsSoftLimit,
/// parallelismLimitForHighCompletions, maxFailedIndexesLimitForHighCompletions): they
/// cap the length of the Job's status.
fn indexed_limits(o: &mut Out<'_>, spec: &Value, at: &str, completions: Option<i64>) {
    let parallelism = get(spec, "parallelism").and_then(Value::as_i64);
    let max_failed = get(spec, "maxFailedIndexes").and_then(Value::as_i64);
    if parallelism.is_some_and(|p| p > 100_000) {
        o.add(
            format!("{at}.parallelism"),
            "must be less than or equal to 100000 when completion mode is Indexed",
        );
    }
    if let (Some(c), Some(m)) = (completions, max_failed)
        && m > c
    {
        o.add(
            format!("{at}.maxFailedIndexes"),
            "must be less than or equal to completions",
        );
    }
    if max_failed.is_some_and(|m| m > 100_000) {
        o.add(
            format!("{at}.maxFailedIndexes"),
            "must be less than or equal to 100000",
        );
    }
    if completions.is_some_and(|c| c > 100_000) && get(spec, "backoffLimitPerIndex").is_some() {
        const HIGH: &str =
            "when completions are above 100000 and used with backoff limit per index";
        if max_failed.is_none() {
            o.add(
                format!("{at}.maxFailedIndexes"),
                "must be specified when completions is above 100000",
            );
        }
        if parallelism.is_some_and(|p| p > 10_000) {
            o.add(
                format!("{at}.parallelism"),
                format!("must be less than or equal to 10000 {HIGH}"),
            );
        }
        if max_failed.is_some_and(|m| m > 10_000) {
            o.add(
                format!("{at}.maxFailedIndexes"),
                format!("must be less than or equal to 10000 {HIGH}"),
            );
        }
    }
}

/// validateJobSpec's per-index and policy rules (pkg/apis/batch/validation): the
/// per-index backoff, maxFailedIndexes and a success policy need Indexed completion; a
/// pod failure policy's rules (validatePodFailurePolicyRule, …OnExitCodes,
/// …OnPodConditions); with one, pods are replaced only once Failed.
fn job_policies(o: &mut Out<'_>, spec: &Value, at: &str) {
    let indexed = spec.get("completionMode").and_then(Value::as_str) == Some("Indexed");
    let completions = get(spec, "completions").and_then(Value::as_i64);
    if !indexed {
        for k in ["backoffLimitPerIndex", "maxFailedIndexes", "successPolicy"] {
            if get(spec, k).is_some() {
                o.add(format!("{at}.{k}"), "requires indexed completion mode");
            }
        }
    } else {
        indexed_limits(o, spec, at, completions);
    }
    if let Some(policy) = get(spec, "podFailurePolicy") {
        let pat = format!("{at}.podFailurePolicy");
        let rules: Vec<_> = super::items(policy.get("rules")).collect();
        if rules.len() > 20 {
            o.add(format!("{pat}.rules"), "must have at most 20 items");
        }
        let containers: Vec<&str> = ["containers", "initContainers"]
            .iter()
            .flat_map(|f| super::items(spec.at(&format!("/template/spec/{f}"))))
            .filter_map(|(_, c)| c.get("name").and_then(Value::as_str))
            .collect();
        for (n, rule) in rules {
            let rat = format!("{pat}.rules[{n}]");
            match rule.text("action") {
                "" => o.add(
                    format!("{rat}.action"),
                    "required: Count, FailIndex, FailJob or Ignore",
                ),
                "FailIndex" if get(spec, "backoffLimitPerIndex").is_none() => o.add(
                    format!("{rat}.action"),
                    "FailIndex requires the backoffLimitPerIndex to be set",
                ),
                "Count" | "FailIndex" | "FailJob" | "Ignore" => {}
                _ => o.add(
                    format!("{rat}.action"),
                    "unsupported value: Count, FailIndex, FailJob or Ignore",
                ),
            }
            let exit_codes = get(rule, "onExitCodes");
            let conditions: Vec<_> = super::items(rule.get("onPodConditions")).collect();
            match (exit_codes.is_some(), conditions.is_empty()) {
                (true, false) => o.add(
                    rat.clone(),
                    "specifying both onExitCodes and onPodConditions is not supported",
                ),
                (false, true) => o.add(
                    rat.clone(),
                    "specifying one of onExitCodes and onPodConditions is required",
                ),
                _ => {}
            }
            if let Some(e) = exit_codes {
                let eat = format!("{rat}.onExitCodes");
                let op = e.text("operator");
                if !matches!(op, "In" | "NotIn") {
                    o.add(format!("{eat}.operator"), "required: In or NotIn");
                }
                if let Some(name) = e.get("containerName").and_then(Value::as_str)
                    && !containers.contains(&name)
                {
                    o.add(
                        format!("{eat}.containerName"),
                        "must be one of the container or initContainer names in the pod template",
                    );
                }
                let values: Vec<i64> = super::items(e.get("values"))
                    .filter_map(|(_, v)| v.as_i64())
                    .collect();
                if values.is_empty() {
                    o.add(format!("{eat}.values"), "at least one value is required");
                } else if values.len() > 255 {
                    o.add(format!("{eat}.values"), "must have at most 255 items");
                }
                if op == "In" && values.contains(&0) {
                    o.add(format!("{eat}.values"), "must not be 0 for the In operator");
                }
                let mut seen = std::collections::HashSet::new();
                if !values.iter().all(|v| seen.insert(*v)) {
                    o.add(format!("{eat}.values"), "duplicate value");
                }
                if values.windows(2).any(|w| w[0] > w[1]) {
                    o.add(format!("{eat}.values"), "must be ordered");
                }
            }
            if conditions.len() > 20 {
                o.add(
                    format!("{rat}.onPodConditions"),
                    "must have at most 20 items",
                );
            }
            for (m, c) in conditions {
                let cat = format!("{rat}.onPodConditions[{m}]");
                if !c
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(super::is_label_key)
                {
                    o.add(
                        format!("{cat}.type"),
                        "must be a qualified name like example.com/Ready",
                    );
                }
                // An empty status defaults to True (SetDefaults_PodFailurePolicyOnPodConditionsPattern).
                if !matches!(
                    c.get("status").and_then(Value::as_str),
                    None | Some("" | "True" | "False" | "Unknown")
                ) {
                    o.add(
                        format!("{cat}.status"),
                        "unsupported value: True, False or Unknown",
                    );
                }
            }
        }
        if let Some(p) = spec.get("podReplacementPolicy").and_then(Value::as_str)
            && p != "Failed"
        {
            o.add(
                format!("{at}.podReplacementPolicy"),
                "must be Failed when podFailurePolicy is set",
            );
        }
    }
    if indexed && let Some(policy) = get(spec, "successPolicy") {
        let rules: Vec<_> = super::items(policy.get("rules")).collect();
        if rules.is_empty() {
            o.add(
                format!("{at}.successPolicy.rules"),
                "at least one rule must be specified when the successPolicy is specified",
            );
        } else if rules.len() > 20 {
            o.add(
                format!("{at}.successPolicy.rules"),
                "must have at most 20 items",
            );
        }
        for (n, rule) in rules {
            let rat = format!("{at}.successPolicy.rules[{n}]");
            let count = get(rule, "succeededCount").and_then(Value::as_i64);
            if count.is_none() && get(rule, "succeededIndexes").is_none() {
                o.add(
                    rat.clone(),
                    "at least one of succeededCount or succeededIndexes must be specified",
                );
            }
            // validateIndexesFormat: comma-separated indexes or ranges `a-b`, each below
            // completions, strictly increasing.
            let mut total: Option<i64> = None;
            if let Some(text) = get(rule, "succeededIndexes").and_then(Value::as_str) {
                match indexes_total(text, completions.unwrap_or(0)) {
                    Ok(n) => total = Some(n),
                    Err(e) => o.add(
                        format!("{rat}.succeededIndexes"),
                        format!("error parsing succeededIndexes: {e}"),
                    ),
                }
            }
            if let (Some(c), Some(t)) = (count, total)
                && c > t
            {
                o.add(
                    format!("{rat}.succeededCount"),
                    format!("must be less than or equal to {t} (the number of indexes in the specified succeededIndexes field)"),
                );
            }
            if let Some(c) = count {
                if c < 0 {
                    o.add(
                        format!("{rat}.succeededCount"),
                        "must be greater than or equal to 0",
                    );
                } else if completions.is_some_and(|total| c > total) {
                    o.add(
                        format!("{rat}.succeededCount"),
                        "must be less than or equal to the number of completions",
                    );
                }
            }
        }
    }
}

/// The number of indexes in an indexes text (`1,3-5`), as validateIndexesFormat reads it:
/// each below `completions`, strictly increasing.
fn indexes_total(text: &str, completions: i64) -> Result<i64, String> {
    let mut total = 0;
    let mut last: Option<i64> = None;
    if text.is_empty() {
        return Ok(0);
    }
    for part in text.split(',') {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let parse = |s: &str| {
            s.parse::<i64>()
                .map_err(|_| format!("cannot convert string to integer for index: {s:?}"))
        };
        let (x, y) = (parse(a)?, parse(b)?);
        if x >= completions || y >= completions {
            return Err(format!("too large index: {part:?}"));
        }
        if part.contains('-') && x >= y {
            return Err(format!("non-increasing order, previous: {x}, current: {y}"));
        }
        if let Some(l) = last
            && l >= x
        {
            return Err(format!("non-increasing order, previous: {l}, current: {x}"));
        }
        total += y - x + 1;
        last = Some(y);
    }
    Ok(total)
}

/// ValidateCronJobSpec: schedule, time zone, policy, history limits; the name leaves
/// room for the Jobs' 11-character suffix (at most 52).
fn cronjob(o: &mut Out<'_>, v: &Value, spec: &Value) {
    if let Some(name) = v.at("/metadata/name").and_then(Value::as_str)
        && name.len() > 52
    {
        o.add(
            "metadata.name",
            "must be no more than 52 characters (the CronJob's Jobs add a suffix)",
        );
    }
    let schedule = spec.text("schedule");
    if schedule.is_empty() {
        o.add("spec.schedule", "required");
    } else if schedule.contains("TZ") {
        o.add(
            "spec.schedule",
            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        );
    } else if let Err(why) = cron_schedule(schedule) {
        o.add("spec.schedule", format!("invalid schedule: {why}"));
    }
    if let Some(tz) = get(spec, "timeZone").and_then(Value::as_str)
        && !time_zone_ok(tz)
    {
        o.add(
            "spec.timeZone",
            "must be a time zone name like Europe/Berlin or UTC",
        );
    }
    one_of(
        o,
        spec,
        "concurrencyPolicy",
        "spec",
        &["Allow", "Forbid", "Replace"],
    );
    for k in [
        "startingDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
    ] {
        non_negative(o, spec, k, "spec");
    }
    if let Some(js) = spec.at("/jobTemplate/spec") {
        job(o, js, "spec.jobTemplate.spec");
        // The CronJob's Jobs get generated names, and their labels are checked as any
        // Job's when the controller creates them.
        if js.get("manualSelector") != Some(&Value::Bool(true)) {
            generated_labels(o, js, "spec.jobTemplate.spec", None);
        }
        // ValidateJobTemplateSpec: a CronJob's Jobs always get a generated selector.
        if get(js, "selector").is_some() {
            o.add(
                "spec.jobTemplate.spec.selector",
                "`selector` will be auto-generated: leave it out",
            );
        }
        if js.get("manualSelector") == Some(&Value::Bool(true)) {
            o.add(
                "spec.jobTemplate.spec.manualSelector",
                "unsupported value: must be false or unset",
            );
        }
    }
}

/// The labels a Job's pods get from the API server (validateGeneratedSelector): the Job's
/// name (unknown for a CronJob's Jobs, `name` None) and UID (never known beforehand) under
/// the legacy and the `batch.kubernetes.io/` keys. A template label under one of those
/// keys with another value, and a selector these labels do not satisfy, are refused.
fn generated_labels(o: &mut Out<'_>, spec: &Value, at: &str, name: Option<&str>) {
    const NAME_KEYS: [&str; 2] = ["job-name", "batch.kubernetes.io/job-name"];
    const UID_KEYS: [&str; 2] = ["controller-uid", "batch.kubernetes.io/controller-uid"];
    let labels = spec
        .at("/template/metadata/labels")
        .and_then(Value::as_object);
    for (k, v) in labels.into_iter().flatten() {
        let wrong = if NAME_KEYS.contains(&k.as_str()) {
            name.is_none_or(|n| v.as_str() != Some(n))
        } else {
            UID_KEYS.contains(&k.as_str())
        };
        if wrong {
            o.add(
                format!("{at}.template.metadata.labels[{k:?}]"),
                "is set by the API server (the Job's name and UID): leave it out, or set manualSelector: true",
            );
        }
    }
    // The UID is a value no label of the user's holds.
    let mut expected = serde_json::Map::new();
    for k in UID_KEYS {
        expected.insert(k.into(), Value::from("\u{0}uid"));
    }
    if let Some(n) = name {
        for k in NAME_KEYS {
            expected.insert(k.into(), Value::from(n));
        }
    }
    let Some(sel) = get(spec, "selector") else {
        return;
    };
    if !crate::validate::semantic::selector_matches(sel, &expected) {
        o.add(
            format!("{at}.selector"),
            "`selector` not auto-generated: leave it out (the API server generates it), or set manualSelector: true",
        );
        return;
    }
    // ValidateJobSpec: the selector matches the template's labels, the generated ones
    // added where the user gave none.
    let mut template = labels.cloned().unwrap_or_default();
    for (k, v) in expected {
        template.entry(k).or_insert(v);
    }
    if !crate::validate::semantic::selector_matches(sel, &template) {
        o.add(
            format!("{at}.template.metadata.labels"),
            "`selector` does not match template `labels`",
        );
    }
}

/// IANA time zone names (tzdata 2025b, vendored; see the file's header).
const TIME_ZONES: &str = include_str!("timezones.txt");

/// validateTimeZone: a name `time.LoadLocation` knows, other than "Local".
pub(crate) fn time_zone_ok(tz: &str) -> bool {
    tz != "Local"
        && TIME_ZONES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .any(|l| l == tz)
}

/// Go's `time.ParseDuration` grammar, which robfig/cron's `@every` descriptor hands its
/// argument to: an optional sign, then "0", or one or more decimal numbers each with a
/// unit (ns, us, µs, μs, ms, s, m, h); nothing else, no spaces.
fn go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    // Go's durations are int64 nanoseconds: larger ones are "invalid duration".
    let mut nanos = 0f64;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..digits];
        let ok_num = num.chars().filter(|c| *c == '.').count() <= 1
            && num.chars().any(|c| c.is_ascii_digit());
        if !ok_num {
            return false;
        }
        rest = &rest[digits..];
        let unit = [
            ("ns", 1.0),
            ("us", 1e3),
            ("µs", 1e3),
            ("μs", 1e3),
            ("ms", 1e6),
            ("s", 1e9),
            ("m", 60e9),
            ("h", 3600e9),
        ]
        .into_iter()
        .filter(|(u, _)| rest.starts_with(u))
        .max_by_key(|(u, _)| u.len());
        match unit {
            Some((u, per)) => {
                nanos += num.parse::<f64>().unwrap_or(f64::INFINITY) * per;
                rest = &rest[u.len()..];
            }
            None => return false,
        }
    }
    nanos <= i64::MAX as f64
}

/// robfig/cron's standard parser (what the CronJob controller uses): five fields, or a
/// descriptor (`@daily`, `@every 1h`, …).
pub(crate) fn cron_schedule(s: &str) -> Result<(), String> {
    if let Some(d) = s.strip_prefix('@') {
        return match d {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => {
                Ok(())
            }
            _ if d.starts_with("every ") => go_duration(&d["every ".len()..])
                .then_some(())
                .ok_or_else(|| format!("@{d}: not a Go duration like 1h30m or 90s")),
            _ => Err(format!("unrecognized descriptor @{d}")),
        };
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected exactly 5 fields, found {}", fields.len()));
    }
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let specs: [(&str, u32, u32, &[&str], u32); 5] = [
        ("minute", 0, 59, &[], 0),
        ("hour", 0, 23, &[], 0),
        ("day of month", 1, 31, &[], 0),
        ("month", 1, 12, MONTHS, 1),
        ("day of week", 0, 6, DAYS, 0),
    ];
    for (field, (what, min, max, names, base)) in fields.iter().zip(specs) {
        for part in field.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((r, st)) => (r, Some(st)),
                None => (part, None),
            };
            if let Some(st) = step
                && st.parse::<u32>().map_or(true, |n| n == 0)
            {
                return Err(format!("bad step {st:?} in the {what} field"));
            }
            if range == "*" || range == "?" {
                continue;
            }
            let value = |x: &str| -> Option<u32> {
                x.parse::<u32>().ok().or_else(|| {
                    names
                        .iter()
                        .position(|n| n.eq_ignore_ascii_case(x))
                        .map(|i| i as u32 + base)
                })
            };
            let (lo, hi) = match range.split_once('-') {
                Some((a, b)) => (value(a), value(b)),
                None => (value(range), value(range)),
            };
            match (lo, hi) {
                (Some(lo), Some(hi)) if lo >= min && hi <= max && lo <= hi => {}
                _ => {
                    return Err(format!(
                        "{range:?} is out of range for the {what} field ({min}-{max})"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// ValidatePodDisruptionBudgetSpec.
fn pdb(o: &mut Out<'_>, spec: &Value) {
    if get(spec, "minAvailable").is_some() && get(spec, "maxUnavailable").is_some() {
        o.add("spec", "minAvailable and maxUnavailable cannot be both set");
    }
    int_or_percent_field(o, spec, "minAvailable", "spec", true);
    int_or_percent_field(o, spec, "maxUnavailable", "spec", true);
    one_of(
        o,
        spec,
        "unhealthyPodEvictionPolicy",
        "spec",
        &["IfHealthyBudget", "AlwaysAllow"],
    );
}

/// ValidateHorizontalPodAutoscalerSpec (autoscaling/v2; v1 has targetCPU… instead).
fn hpa(o: &mut Out<'_>, v: &Value, spec: &Value) {
    // Scale to zero (HPAScaleToZero) is an alpha feature, off by default.
    if let Some(m) = get(spec, "minReplicas").and_then(Value::as_i64)
        && m < 1
    {
        o.add("spec.minReplicas", "must be greater than or equal to 1");
    }
    if get(spec, "maxReplicas")
        .and_then(Value::as_i64)
        .is_none_or(|m| m < 1)
    {
        o.add("spec.maxReplicas", "must be greater than or equal to 1");
    }
    cross_version_ref(o, spec.get("scaleTargetRef"), "spec.scaleTargetRef");
    if v.get("apiVersion").and_then(Value::as_str) == Some("autoscaling/v1") {
        if let Some(t) = get(spec, "targetCPUUtilizationPercentage").and_then(Value::as_i64)
            && t < 1
        {
            o.add(
                "spec.targetCPUUtilizationPercentage",
                "must be greater than or equal to 1",
            );
        }
        return;
    }
    // validateBehavior: scaling rules.
    for dir in ["scaleUp", "scaleDown"] {
        let Some(rules) = spec.at(&format!("/behavior/{dir}")) else {
            continue;
        };
        let at = format!("spec.behavior.{dir}");
        if let Some(w) = get(rules, "stabilizationWindowSeconds").and_then(Value::as_i64)
            && !(0..=3600).contains(&w)
        {
            o.add(
                format!("{at}.stabilizationWindowSeconds"),
                "must be from 0 to 3600",
            );
        }
        one_of(o, rules, "selectPolicy", &at, &["Max", "Min", "Disabled"]);
        // validateScalingRules: at least one policy. Defaulting (copyHPAScalingRules)
        // fills in the default policies only when the list is missing or null; an empty
        // list stays, and is refused.
        if rules
            .get("policies")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            o.add(
                format!("{at}.policies"),
                "must specify at least one Policy (leave policies out for the defaults)",
            );
        }
        for (n, p) in super::items(rules.get("policies")) {
            let pat = format!("{at}.policies[{n}]");
            one_of(o, p, "type", &pat, &["Pods", "Percent"]);
            if get(p, "value")
                .and_then(Value::as_i64)
                .is_none_or(|x| x <= 0)
            {
                o.add(format!("{pat}.value"), "must be greater than 0");
            }
            if !get(p, "periodSeconds")
                .and_then(Value::as_i64)
                .is_some_and(|x| (1..=1800).contains(&x))
            {
                o.add(format!("{pat}.periodSeconds"), "must be from 1 to 1800");
            }
        }
    }
    for (n, m) in super::items(spec.get("metrics")) {
        let at = format!("spec.metrics[{n}]");
        let ty = m.text("type");
        let field = match ty {
            "Object" => "object",
            "Pods" => "pods",
            "Resource" => "resource",
            "ContainerResource" => "containerResource",
            "External" => "external",
            _ => {
                o.add(format!("{at}.type"), "unsupported value: must be Object, Pods, Resource, ContainerResource or External");
                continue;
            }
        };
        // validateMetricSpec: the entry holds the source its type names, and no other.
        for other in [
            "object",
            "pods",
            "resource",
            "containerResource",
            "external",
        ] {
            if other != field && get(m, other).is_some() {
                o.add(
                    format!("{at}.{other}"),
                    "must populate the given metric source only",
                );
            }
        }
        let Some(src) = get(m, field) else {
            o.add(
                format!("{at}.{field}"),
                format!("required when type is {ty}"),
            );
            continue;
        };
        // validateObjectSource: the described object is a CrossVersionObjectReference,
        // checked as scaleTargetRef is.
        if ty == "Object" {
            cross_version_ref(
                o,
                src.get("describedObject"),
                &format!("{at}.{field}.describedObject"),
            );
        }
        // validateContainerResourceSource: the resource's name is a qualified name
        // (ValidateContainerResourceName), the container named as a DNS label.
        if ty == "ContainerResource" {
            let text = |k: &str| src.get(k).and_then(Value::as_str);
            if text("name").is_some_and(|n| !n.is_empty() && !super::is_label_key(n)) {
                o.add(
                    format!("{at}.{field}.name"),
                    "must be a resource name like cpu or example.com/gpu",
                );
            }
            if !text("container").is_some_and(dns_label) {
                o.add(
                    format!("{at}.{field}.container"),
                    "must name a container (a DNS-1123 label)",
                );
            }
        }
        if let Some(t) = get(src, "target") {
            let tat = format!("{at}.{field}.target");
            let tt = t.text("type");
            if !matches!(tt, "Utilization" | "Value" | "AverageValue") {
                o.add(
                    format!("{tat}.type"),
                    "unsupported value: must be Utilization, Value or AverageValue",
                );
            }
            if let Some(u) = get(t, "averageUtilization").and_then(Value::as_i64)
                && u < 1
            {
                o.add(
                    format!("{tat}.averageUtilization"),
                    "must be greater than 0",
                );
            }
            metric_target(o, ty, t, &tat);
        } else {
            o.add(format!("{at}.{field}.target"), "required");
        }
        // validateMetricIdentifier: a metric's name is a path segment.
        if let Some(name) = src.at("/metric/name").and_then(Value::as_str)
            && !path_segment(name)
        {
            o.add(
                format!("{at}.{field}.metric.name"),
                "may not be empty, '.' or '..', or contain '/' or '%'",
            );
        }
        if matches!(ty, "Resource" | "ContainerResource")
            && src
                .get("name")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            o.add(format!("{at}.{field}.name"), "required");
        }
    }
}

/// ValidateCrossVersionObjectReference (pkg/apis/autoscaling/validation/validation.go at
/// v1.33): kind and name are required, each a path segment name (IsValidPathSegmentName).
fn cross_version_ref(o: &mut Out<'_>, r: Option<&Value>, at: &str) {
    for k in ["kind", "name"] {
        match r.and_then(|r| r.get(k)).and_then(Value::as_str) {
            Some(x) if !x.is_empty() && path_segment(x) => {}
            Some(x) if !x.is_empty() => o.add(
                format!("{at}.{k}"),
                "may not be '.' or '..' and may not contain '/' or '%'",
            ),
            _ => o.add(format!("{at}.{k}"), "required"),
        }
    }
}

/// validateMetricTarget and the sources' own rules (pkg/apis/autoscaling/validation):
/// a value or average value is positive; an External target has exactly one of them, a
/// Pods target an average value, an Object target one of them, a Resource target an
/// average utilization or value.
fn metric_target(o: &mut Out<'_>, ty: &str, t: &Value, at: &str) {
    let value = get(t, "value");
    let average = get(t, "averageValue");
    for (k, q) in [("value", value), ("averageValue", average)] {
        if let Some(q) = q
            && super::quantity_exact(q).is_some_and(|x| x.negative || x.is_zero())
        {
            o.add(format!("{at}.{k}"), "must be positive");
        }
    }
    let utilization = get(t, "averageUtilization");
    match ty {
        "External" if value.is_none() && average.is_none() => o.add(
            format!("{at}.averageValue"),
            "must set either a target value for metric or a per-pod target",
        ),
        "External" if value.is_some() && average.is_some() => o.add(
            format!("{at}.value"),
            "may not set both a target value for metric and a per-pod target",
        ),
        "Pods" if average.is_none() => o.add(
            format!("{at}.averageValue"),
            "must specify a positive target averageValue",
        ),
        "Object" if value.is_none() && average.is_none() => o.add(
            format!("{at}.averageValue"),
            "must set either a target value or averageValue",
        ),
        "Resource" | "ContainerResource" if utilization.is_none() && average.is_none() => o.add(
            format!("{at}.averageUtilization"),
            "must set either a target raw value or a target utilization",
        ),
        "Resource" | "ContainerResource" if utilization.is_some() && average.is_some() => o.add(
            format!("{at}.averageValue"),
            "may not set both a target raw value and a target utilization",
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        for ok in [
            "* * * * *",
            "*/5 0-6 1,15 * mon-fri",
            "0 0 1 jan *",
            "@daily",
            "@every 1h",
            "@every 1h30m",
            "@every 1.5h",
            "@every 90s",
            "@every 0",
            "@every 300ms",
            "@every 2562047h",
            "0 12 * * 0",
        ] {
            assert!(cron_schedule(ok).is_ok(), "{ok}");
        }
        for bad in [
            "61 * * * *",
            "every day",
            "* * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "*/0 * * * *",
            "@often",
            "0 0 * * 7",
            "@every 1x",
            "@every 5",
            "@every 1d",
            "@every 1h 2m",
            "@every 1h ",
            "@every ",
            "@every .h",
            "@every 1..5h",
            "@every 2562048h",
            "@every 9999999h",
        ] {
            assert!(cron_schedule(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones() {
        assert!(time_zone_ok("Europe/Berlin"));
        assert!(time_zone_ok("UTC"));
        assert!(time_zone_ok("America/Argentina/Buenos_Aires"));
        assert!(!time_zone_ok("../etc/passwd"));
        assert!(!time_zone_ok("utc now"));
        assert!(!time_zone_ok("Mars/Olympus"));
        assert!(time_zone_ok("US/Eastern"));
        assert!(!time_zone_ok("Local"));
    }
}
