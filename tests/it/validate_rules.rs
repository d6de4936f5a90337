//! Kubernetes' field rules, case by case: every manifest in tests/data/validate-rules.json
//! breaks one rule of the API server (its validation function is named in the case) and
//! must be refused at that path, under `validate --strict`; every stream in
//! tests/data/validate-valid.json is valid and must pass `validate --strict` without an
//! error (no false alarms; advisory cases may warn).

use crate::common;
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(common::root().join("tests/data").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validate(stream: &str, strict: bool) -> (i32, Value) {
    let mut args = vec!["validate", "-o", "json", "-"];
    if strict {
        args.push("--strict");
    }
    let r = common::run(&args, Some(stream.as_bytes()));
    let report = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json report ({e}): {} {}", r.stdout, r.stderr));
    (r.code, report)
}

#[test]
fn every_broken_manifest_names_the_rule_it_breaks() {
    let cases = load("validate-rules.json");
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut misses = Vec::new();
    for case in &cases {
        let (name, path, message) = (
            case["name"].as_str().unwrap(),
            case["path"].as_str().unwrap(),
            case["message"].as_str().unwrap(),
        );
        assert!(
            !case["rule"].as_str().unwrap_or("").is_empty(),
            "{name}: no rule named"
        );
        let (code, report) = validate(&case["object"].to_string(), true);
        let hit = report["problems"].as_array().unwrap().iter().any(|p| {
            p["severity"] == "error"
                && p["path"] == path
                && p["message"].as_str().unwrap_or("").contains(message)
        });
        if code != 1 || !hit {
            misses.push(format!(
                "{name} ({}): wanted {path}: {message}; got exit {code}: {}",
                case["rule"], report["problems"]
            ));
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn valid_edge_cases_pass() {
    let cases = load("validate-valid.json");
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut alarms = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let stream = case["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n---\n");
        // A custom resource without its CRD is "not validated", an error under --strict
        // by design; advisory problems (a probe on an undeclared port name, an unusual
        // image reference) are warnings, which --strict makes errors.
        let strict = !name.starts_with("crd-") && !name.starts_with("advisory-");
        let (code, report) = validate(&stream, strict);
        let errors = report["problems"].as_array().map_or(1, |p| {
            p.iter().filter(|x| x["severity"] != "warning").count()
        });
        if code != 0 || errors > 0 {
            alarms.push(format!("{name}: exit {code}: {}", report["problems"]));
        }
    }
    assert!(alarms.is_empty(), "{}", alarms.join("\n"));
}

/// Annotations may total 256 KiB (ValidateAnnotationsSize); one byte more is refused.
#[test]
fn annotation_size_limit_is_exact() {
    let doc = |n: usize| {
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "annotations": {"a": "x".repeat(n)}}})
        .to_string()
    };
    let (code, _) = validate(&doc(256 * 1024 - 1), true);
    assert_eq!(code, 0);
    let (code, report) = validate(&doc(256 * 1024), true);
    assert_eq!(code, 1, "{report}");
}

/// A Secret or ConfigMap stores at most 1 MiB of values, counted as the API server
/// counts them: decoded bytes, keys not counted, stringData over data
/// (ValidateSecret, ValidateConfigMap at v1.33). Base64 wrapped over lines is read with
/// the line breaks ignored, as Go's decoder reads it.
#[test]
fn data_size_limit_counts_decoded_values() {
    const MIB: usize = 1024 * 1024;
    // `n` zero bytes in base64 (three bytes a group of four "A"s, then the padding).
    let zeros = |n: usize| {
        let tail = match n % 3 {
            0 => "",
            1 => "AA==",
            _ => "AAA=",
        };
        format!("{}{tail}", "AAAA".repeat(n / 3))
    };
    let secret = |data: Value| {
        serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": data})
            .to_string()
    };
    let (code, report) = validate(&secret(serde_json::json!({"a-long-key": zeros(MIB)})), true);
    assert_eq!(code, 0, "{report}");
    let (code, report) = validate(&secret(serde_json::json!({"a": zeros(MIB + 1)})), true);
    assert_eq!(code, 1, "{report}");
    assert!(
        report.to_string().contains("1048577 bytes of data"),
        "{report}"
    );
    // A key in both: stringData's value is the one stored.
    let both = serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
        "data": {"a": zeros(MIB)}, "stringData": {"a": "small"}});
    let (code, report) = validate(&both.to_string(), true);
    assert_eq!(code, 0, "{report}");
    let config = |data: &str, binary: &str| {
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "data": {"text": data}, "binaryData": {"bin": binary}})
        .to_string()
    };
    let (code, report) = validate(&config(&"x".repeat(MIB - 3), &zeros(3)), true);
    assert_eq!(code, 0, "{report}");
    let (code, report) = validate(&config(&"x".repeat(MIB - 2), &zeros(3)), true);
    assert_eq!(code, 1, "{report}");
    // Wrapped base64 (76 characters a line, as `base64` prints it) is valid; a broken
    // one is not.
    let wrapped: String = zeros(300)
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
        .collect();
    let (code, report) = validate(&secret(serde_json::json!({"a": wrapped})), true);
    assert_eq!(code, 0, "{report}");
    let (code, report) = validate(&secret(serde_json::json!({"a": "AAA@\nAAAA"})), true);
    assert_eq!(code, 1, "{report}");
    assert!(report.to_string().contains("not valid base64"), "{report}");
}

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1}
                labels: {type: object, x-kubernetes-preserve-unknown-fields: true}
"#;

/// Custom resources are validated against their CRD's schema, from `--crd` or from the
/// stream; without one they stay "not validated" (an error only under --strict).
#[test]
fn custom_resources_follow_their_crd() {
    let dir = common::scratch_root().join("crd-rules");
    std::fs::create_dir_all(&dir).unwrap();
    let crd = dir.join("crd.yaml");
    std::fs::write(&crd, CRD).unwrap();
    let crd = crd.to_string_lossy().into_owned();
    let bad = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 0, colour: red}\n";
    let good = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 2, labels: {any: thing}}\n";
    let run = |args: &[&str], stdin: &str| common::run(args, Some(stdin.as_bytes()));
    let r = run(&["validate", "--crd", &crd, "-"], bad);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("spec.size: must be at least 1"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("spec.colour: unknown field"),
        "{}",
        r.stdout
    );
    let r = run(
        &["validate", "--strict", "--crd", &dir.to_string_lossy(), "-"],
        good,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // The CRD in the stream itself.
    let r = run(&["validate", "-"], &format!("{CRD}---\n{bad}"));
    assert_eq!(r.code, 1, "{}", r.stdout);
    // No CRD: not validated; an error under --strict.
    let r = run(&["validate", "-"], bad);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("1 not validated"), "{}", r.stdout);
    let r = run(&["validate", "--strict", "-"], bad);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("1 error"), "{}", r.stdout);
    // A --crd file without a CRD is a usage problem, said plainly.
    let r = run(&["validate", "--crd", "/dev/null", "-"], good);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no CustomResourceDefinition"),
        "{}",
        r.stderr
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// An unserved version of a built-in kind names what serves it; a removed group too.
#[test]
fn unserved_built_in_versions_name_the_served_one() {
    for (doc, want) in [
        (
            "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n",
            "use apps/v1",
        ),
        (
            "apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n",
            "use apps/v1",
        ),
        (
            "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: d}\n",
            "use policy/v1",
        ),
        (
            "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: d}\n",
            "use batch/v1",
        ),
        (
            "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: d}\n",
            "serves no kind Deploymnet",
        ),
    ] {
        let r = common::run(&["validate", "-"], Some(doc.as_bytes()));
        assert_eq!(r.code, 1, "{doc}: {}", r.stdout);
        assert!(r.stdout.contains(want), "{doc}: {}", r.stdout);
    }
}

/// A pod's dynamic resource allocation (validatePodResourceClaim, validateResourceClaimNames,
/// pkg/apis/core/validation/validation.go at v1.35.4): Kubernetes 1.33 drops the fields
/// (the DynamicResourceAllocation gate is off by default there), so `validate` refuses a
/// claim without a source, or a container's claim the pod does not list, from
/// `--kube-version 1.34`; `render`, whose output must apply from 1.33 on, always.
#[test]
fn resource_claims_are_checked_from_1_34_and_always_in_a_render() {
    let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"resourceClaims": [{"name": "gpu"}],
            "containers": [{"name": "c", "image": "busybox:1",
                "resources": {"claims": [{"name": "gpu"}, {"name": "tpu"}]}}]}});
    let stream = pod.to_string();
    let run = |version: &str| {
        let r = common::run(
            &["validate", "-o", "json", "--kube-version", version, "-"],
            Some(stream.as_bytes()),
        );
        let report: Value = serde_json::from_str(&r.stdout).unwrap();
        (r.code, report)
    };
    let (code, report) = run("1.33");
    assert_eq!(code, 0, "{report}");
    for version in ["1.34", "1.35"] {
        let (code, report) = run(version);
        assert_eq!(code, 1, "{report}");
        let text = report["problems"].to_string();
        assert!(
            text.contains("spec.resourceClaims[0]")
                && text.contains(
                    "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"
                ),
            "{text}"
        );
        assert!(
            text.contains("spec.containers[0].resources.claims[1]")
                && text.contains("must be one of the names in pod.spec.resourceClaims: gpu"),
            "{text}"
        );
    }
    // A render refuses them at its default version (1.33) too, in extraObjects as well.
    let extra = format!("extraObjects=[{stream}]");
    let r = common::run(
        &[
            "render",
            "-q",
            "--set",
            "oauth2Proxy.clientID=c",
            "--set",
            "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r",
            "--set-json",
            &extra,
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("resource claims would be refused by Kubernetes 1.34 and later"),
        "{}",
        r.stderr
    );
    // Given a source, the claim passes everywhere.
    let mut good = pod.clone();
    good["spec"]["resourceClaims"][0]["resourceClaimTemplateName"] = "gpu-template".into();
    good["spec"]["containers"][0]["resources"]["claims"] = serde_json::json!([{"name": "gpu"}]);
    let good = good.to_string();
    let r = common::run(
        &["validate", "--kube-version", "1.34", "-"],
        Some(good.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
}

/// A claim created with a `dataSource` the API server drops (not a claim, not a
/// VolumeSnapshot of snapshot.storage.k8s.io, no dataSourceRef) is taken with a warning
/// that it starts empty (EnforceDataSourceBackwardsCompatibility runs before
/// validation); in a claim template, which nothing drops, it is refused.
#[test]
fn a_dropped_claim_data_source_is_a_warning() {
    let claim = |source: &str| {
        format!(
            r#"{{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{{"name":"c"}},"spec":{{"accessModes":["ReadWriteOnce"],"resources":{{"requests":{{"storage":"1Gi"}}}},"dataSource":{source}}}}}"#
        )
    };
    let (code, report) = validate(&claim(r#"{"kind":"VolumeSnapshot","name":"snap"}"#), false);
    assert_eq!(code, 0, "{report}");
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["severity"] == "warning"
            && p["message"]
                .as_str()
                .unwrap()
                .contains("the API server drops this dataSource and the claim starts empty")),
        "{report}"
    );
    let (code, report) = validate(
        &claim(r#"{"apiGroup":"snapshot.storage.k8s.io","kind":"VolumeSnapshot","name":"snap"}"#),
        true,
    );
    assert_eq!(code, 0, "{report}");
    let (code, report) = validate(&claim(r#"{"kind":"PersistentVolumeClaim"}"#), false);
    assert_eq!(code, 1, "{report}");
}

/// A Service port's `nodePort: 0` is unset (ValidateService checks only a non-zero one;
/// the registry allocates one), for every type; 70000 is still refused.
#[test]
fn a_zero_node_port_is_unset() {
    for ty in ["NodePort", "LoadBalancer", "ClusterIP"] {
        let svc = format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  type: {ty}\n  selector: {{a: b}}\n  ports: [{{port: 80, nodePort: 0}}]\n"
        );
        let r = common::run(&["validate", "-"], Some(svc.as_bytes()));
        assert_eq!(r.code, 0, "{ty}: {}", r.stderr);
    }
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  selector: {a: b}\n  ports: [{port: 80, nodePort: 70000}]\n";
    let r = common::run(&["validate", "-"], Some(svc.as_bytes()));
    assert_eq!(r.code, 1, "{}", r.stderr);
}

/// ReplicationController (ValidateReplicationControllerSpec, ValidatePodTemplateSpecForRC):
/// a template is required, the selector (defaulted from the template's labels) must not
/// be empty and must match them.
#[test]
fn replication_controller_selector_and_template() {
    let rc = |body: &str| {
        let text = format!(
            "apiVersion: v1\nkind: ReplicationController\nmetadata: {{name: legacy}}\nspec:\n  replicas: 1\n{body}"
        );
        common::run(&["validate", "-"], Some(text.as_bytes()))
    };
    let tmpl = |labels: &str| {
        format!(
            "  template:\n    metadata: {{labels: {labels}}}\n    spec:\n      containers: [{{name: c, image: \"busybox:1.36\"}}]\n"
        )
    };
    for (body, said) in [
        (
            format!("  selector: {{app: legacy}}\n{}", tmpl("{app: other}")),
            "`selector` does not match template `labels`",
        ),
        (
            "  selector: {app: legacy}\n".to_string(),
            "spec.template: Required value",
        ),
        (tmpl("{}"), "spec.selector: Required value"),
    ] {
        let r = rc(&body);
        assert_eq!(r.code, 1, "{body}: {}", r.stderr);
        assert!(r.stdout.contains(said), "{body}: {}", r.stdout);
    }
    for body in [
        tmpl("{app: legacy}"),
        format!(
            "  selector: {{app: legacy}}\n{}",
            tmpl("{app: legacy, tier: x}")
        ),
    ] {
        let r = rc(&body);
        assert_eq!(r.code, 0, "{body}: {}", r.stderr);
    }
}

/// An IPAddress is named by its address (ValidateIPAddressName: IsValidIP), not a DNS
/// subdomain: `not-an-ip` is refused, `2001:db8::1` taken.
#[test]
fn an_ip_address_object_is_named_by_its_address() {
    let obj = |name: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: IPAddress\nmetadata: {{name: \"{name}\"}}\nspec:\n  parentRef: {{resource: services, name: s, namespace: x}}\n"
        )
    };
    for (name, ok) in [
        ("not-an-ip", false),
        ("2001:db8::1", true),
        ("10.96.0.10", true),
    ] {
        let r = common::run(&["validate", "-"], Some(obj(name).as_bytes()));
        assert_eq!(r.code == 0, ok, "{name}: {}", r.stdout);
    }
}

/// `validate -o yaml` is the report's structure as YAML, the same as `-o json` (an
/// independent attack found it printed the human report); the human report is `-o text`,
/// the default.
#[test]
fn validate_yaml_output_is_the_json_structure() {
    let stream = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbogus: 1\n";
    let run = |format: &str| common::run(&["validate", "-o", format, "-"], Some(stream.as_bytes()));
    let (y, j) = (run("yaml"), run("json"));
    assert_eq!((y.code, j.code), (1, 1));
    let from_yaml: Value = serde_saphyr::from_str(&y.stdout).unwrap();
    let from_json: Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(from_yaml, from_json);
    assert_eq!(from_yaml["valid"], false);
    let text = common::run(&["validate", "-"], Some(stream.as_bytes()));
    assert_eq!(text.code, 1);
    assert!(
        text.stdout
            .starts_with("error: <stdin>: ConfigMap/c: bogus: unknown field"),
        "{}",
        text.stdout
    );
    assert_eq!(text.stdout, run("text").stdout);
}

/// A number key and the same key quoted are one key of the object: `validate` refuses the
/// stream (an independent attack found the second value kept and the first dropped, the
/// file reported valid), and so does `diff`; a merge key's value overridden is no duplicate.
#[test]
fn a_number_key_and_the_same_key_quoted_are_refused() {
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ns\n";
    for data in [
        "data:\n  1: a\n  \"1\": b\n",
        "data:\n  '1': a\n  1: b\n",
        "data: {1: a, \"1\": b}\n",
        "data:\n  0x1: a\n  \"0x1\": b\n",
    ] {
        let stream = format!("{head}{data}");
        let r = common::run(&["validate", "-"], Some(stream.as_bytes()));
        assert_eq!(r.code, 1, "{data:?}: {} {}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("duplicate mapping key"),
            "{data:?}: {}",
            r.stderr
        );
        let file = common::scratch_file("dup-keys", "new.yaml", &stream);
        let old = common::scratch_file("dup-keys", "old.yaml", head);
        let d = common::run(
            &["diff", old.to_str().unwrap(), file.to_str().unwrap()],
            None,
        );
        assert_eq!(d.code, 2, "{data:?}: {}", d.stderr);
        assert!(d.stdout.is_empty());
    }
    let merged = format!("{head}  labels: &l {{a: b}}\n  annotations:\n    <<: *l\n    a: c\n");
    let r = common::run(&["validate", "-"], Some(merged.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
}
