//! Extension points of the MLflow pod (extraEnv, extraEnvFrom, extraVolumes,
//! extraVolumeMounts, extraContainers, extraInitContainers, networkPolicy.extraEgress):
//! rendered where they belong, checked as the Kubernetes objects they are, never taking a
//! name the chart uses, and sidecars restricted by default.

use crate::common;
use serde_json::Value;

const EXT: &str = r#"
extraEnv:
  - {name: OPENAI_API_KEY, valueFrom: {secretKeyRef: {name: llm, key: openai}}}
extraEnvFrom:
  - configMapRef: {name: mlflow-extra}
extraVolumes:
  - {name: plugins, configMap: {name: mlflow-plugins}}
extraVolumeMounts:
  - {name: plugins, mountPath: /plugins, readOnly: true}
extraContainers:
  - {name: log-shipper, image: "docker.io/fluent/fluent-bit:4.0.3"}
extraInitContainers:
  - {name: wait, image: "docker.io/library/busybox:1.37", command: ["true"]}
networkPolicy:
  extraEgress:
    - {ports: [{port: 443, protocol: TCP}], to: [{ipBlock: {cidr: 203.0.113.0/24}}]}
replicaCount: 2
oauth2Proxy:
  clientID: c
  oidc: {oidc_issuer_url: "https://kc.example.org/r"}
"#;

fn render(extra: &[&str]) -> common::Run {
    // A file per call: tests run in parallel, and rewriting one shared file while another
    // run reads it gave that run a truncated values file.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let f = common::scratch_file("ext", &format!("ext-{n}.yaml"), EXT);
    let mut a = vec!["render", "mlflow", "-f", f.to_str().unwrap()];
    a.extend_from_slice(extra);
    common::run(&a, None)
}

fn component<'a>(docs: &'a [Value], kind: &str, c: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["labels"]["app.kubernetes.io/component"] == c)
        .unwrap()
}

#[test]
fn extensions_land_in_the_mlflow_pods_and_validate() {
    let r = render(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs: Vec<Value> = serde_saphyr::from_multiple::<Value>(&r.stdout)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .collect();
    let pod = &component(&docs, "Deployment", "tracking")["spec"]["template"]["spec"];
    let names = |k: &str| -> Vec<String> {
        pod[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names("containers").contains(&"log-shipper".to_string()));
    assert_eq!(
        names("initContainers").last().unwrap(),
        "wait",
        "after the schema step"
    );
    let mlflow = &pod["containers"][0];
    assert!(
        mlflow["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "OPENAI_API_KEY")
    );
    assert_eq!(mlflow["envFrom"][0]["configMapRef"]["name"], "mlflow-extra");
    assert!(
        mlflow["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["mountPath"] == "/plugins")
    );
    assert!(
        pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "plugins")
    );
    // Sidecars start restricted.
    let sidecar = pod["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "log-shipper")
        .unwrap();
    assert_eq!(
        sidecar["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert_eq!(
        sidecar["securityContext"]["capabilities"]["drop"],
        serde_json::json!(["ALL"])
    );
    // The scheduler (online scoring needs the same keys) gets env and volumes, no sidecars.
    let sch = &component(&docs, "Deployment", "scheduler")["spec"]["template"]["spec"];
    assert!(
        sch["containers"][0]["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "OPENAI_API_KEY")
    );
    assert_eq!(sch["containers"].as_array().unwrap().len(), 1);
    // The extra egress rule is on the MLflow policy; the outside objects are declared.
    let np = component(&docs, "NetworkPolicy", "tracking");
    assert!(
        np["spec"]["egress"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["to"][0]["ipBlock"]["cidr"] == "203.0.113.0/24")
    );
    let ann = &component(&docs, "Deployment", "tracking")["metadata"]["annotations"];
    assert!(
        ann["mlflow-chart.io/secrets-outside"]
            .as_str()
            .unwrap()
            .split(',')
            .any(|s| s == "llm")
    );
    let cms = ann["mlflow-chart.io/configmaps-outside"].as_str().unwrap();
    assert!(
        cms.contains("mlflow-extra") && cms.contains("mlflow-plugins"),
        "{cms}"
    );
    // The render validates strictly on its own.
    let v = common::run(&["validate", "--strict", "-"], Some(r.stdout.as_bytes()));
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

#[test]
fn extensions_are_checked_as_kubernetes_objects_naming_the_key() {
    for (set, needle) in [
        ("extraEnv[0].nmae=X", "extraEnv[0].nmae: unknown field"),
        (
            "extraEnv[1].name=PGPASSWORD,extraEnv[1].value=x",
            "extraEnv[1].name \"PGPASSWORD\" is a variable the chart sets",
        ),
        (
            "extraVolumes[1].name=tmp,extraVolumes[1].emptyDir.medium=Memory",
            "extraVolumes[1].name \"tmp\" is a volume the chart sets",
        ),
        (
            "extraContainers[1].name=mlflow,extraContainers[1].image=busybox:1",
            "extraContainers[1].name \"mlflow\" is a container the chart sets",
        ),
        (
            "extraInitContainers[1].name=log-shipper,extraInitContainers[1].image=busybox:1",
            "also an extraContainers name",
        ),
        (
            "extraContainers[0].ports[0].containerPort=notaport",
            "extraContainers[0].ports[0].containerPort",
        ),
        (
            "networkPolicy.extraEgress[0].bogus=1",
            "networkPolicy.extraEgress[0].bogus: unknown field",
        ),
        (
            "replicaCount=1,extraEnv[1].name=MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS,extraEnv[1].value=false",
            "is a variable the chart sets",
        ),
        // Kubernetes' field rules, named by the values key.
        (
            "extraEnv[0].valueFrom.fieldRef.fieldPath=metadata.name",
            "extraEnv[0].valueFrom: may not have more than one field",
        ),
        (
            "extraVolumes[0].name=UPPER",
            "extraVolumes[0].name: must be a DNS-1123 label",
        ),
        (
            "extraVolumeMounts[0].subPath=../a",
            "extraVolumeMounts[0].subPath: must not contain '..'",
        ),
        (
            "networkPolicy.enabled=false,networkPolicy.extraEgress[0].to[0].ipBlock.cidr=bogus",
            "networkPolicy.extraEgress[0].to[0].ipBlock.cidr",
        ),
        (
            "extraContainers[0].securityContext.privileged=true",
            "privileged",
        ),
    ] {
        let r = render(&["--set", set]);
        assert_ne!(r.code, 0, "{set}");
        assert!(r.stdout.is_empty(), "{set}");
        assert!(r.stderr.contains(needle), "{set}: {}", r.stderr);
    }
}

/// `extraObjects` of a namespaced kind without a namespace get the release's (the README:
/// "the objects name their namespace"; kubectl would put them in its context's namespace,
/// away from the pods that mount them); cluster-scoped ones get none, and one of a kind
/// this build cannot place is said.
#[test]
fn extra_objects_land_in_the_release_namespace() {
    let objects = r#"extraObjects=[
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"extra"},"data":{"a":"b"}},
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"elsewhere","namespace":"other"}},
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"empty","namespace":""}},
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"cr"},"rules":[]},
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.org"},
         "spec":{"group":"example.org","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets","singular":"widget","listKind":"WidgetList"},
                 "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}},
        {"apiVersion":"example.org/v1","kind":"Widget","metadata":{"name":"w"}},
        {"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g"}},
        {"apiVersion":"v1","kind":"List","items":[
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"listed"}},
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"listed-cr"},"rules":[]}]},
        {"apiVersion":"v1","kind":"SecretList","metadata":{"name":"sl"},"items":[{"metadata":{"name":"typed"},"type":"Opaque"}]}
    ]"#;
    let r = render(&["-n", "team", "--set-json", objects]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs: Vec<Value> = serde_saphyr::from_multiple(&r.stdout).unwrap();
    let ns = |kind: &str, name: &str| {
        docs.iter()
            .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no {kind}/{name}"))["metadata"]["namespace"]
            .clone()
    };
    assert_eq!(ns("ConfigMap", "extra"), "team");
    assert_eq!(ns("ConfigMap", "elsewhere"), "other");
    assert_eq!(ns("ConfigMap", "empty"), "team");
    assert_eq!(ns("ClusterRole", "cr"), Value::Null);
    assert_eq!(
        ns("CustomResourceDefinition", "widgets.example.org"),
        Value::Null
    );
    assert_eq!(ns("Widget", "w"), "team");
    assert_eq!(ns("Gadget", "g"), Value::Null);
    // A List's items are objects of their own (a typed list's items may omit their kind).
    let items: Vec<&Value> = docs
        .iter()
        .filter(|d| d["kind"].as_str().is_some_and(|k| k.ends_with("List")))
        .flat_map(|d| d["items"].as_array().unwrap())
        .collect();
    let item_ns = |name: &str| {
        items
            .iter()
            .find(|i| i["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no item {name}"))["metadata"]["namespace"]
            .clone()
    };
    assert_eq!(item_ns("listed"), "team");
    assert_eq!(item_ns("listed-cr"), Value::Null);
    assert_eq!(item_ns("typed"), "team");
    assert!(
        r.stderr
            .contains("extraObjects[6] (example.com/v1 Gadget) has no metadata.namespace"),
        "{}",
        r.stderr
    );
}

/// Values Kubernetes takes that were refused, and an object `kubectl apply` cannot
/// create: an annotation key is a qualified name whatever its case (ValidateAnnotations
/// lowercases it, apimachinery objectmeta.go:44-50); an object of over 256 KiB as JSON
/// does not fit the last-applied-configuration annotation of a client-side apply, which
/// renders with a warning; a legacy ingress-class annotation beside ingress.className is
/// refused on create, whatever class it names (ValidateIngressCreate).
#[test]
fn annotation_case_apply_size_and_ingress_class() {
    let r = render(&[
        "--set-json",
        r#"serviceAccount.annotations={"EKS.Amazonaws.com/role-arn":"arn:aws:iam::1:role/x"}"#,
        "--set-json",
        r#"podAnnotations={"Example.com/Team":"ml"}"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("EKS.Amazonaws.com/role-arn"));
    // In a file: one argument may hold at most 128 KiB.
    let big = common::scratch_root().join("big.yaml");
    let object = |name: &str, size: usize| {
        format!(
            "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: {name}}}, data: {{a: {}}}}}\n",
            "x".repeat(size)
        )
    };
    // Go's JSON writes `<` as six bytes (\u003c): 50,000 of them are 300,000 bytes.
    let angles = format!(
        "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: angles}}, data: {{a: \"{}\"}}}}\n",
        "<".repeat(50_000)
    );
    let text = format!(
        "extraObjects:\n{}{}{angles}",
        object("big", 270_000),
        object("fits", 200_000)
    );
    std::fs::write(&big, text).unwrap();
    let r = render(&["-f", big.to_str().unwrap()]);
    std::fs::remove_file(&big).unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("ConfigMap/big is ") && r.stderr.contains("--server-side"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("ConfigMap/fits"), "{}", r.stderr);
    assert!(r.stderr.contains("ConfigMap/angles is "), "{}", r.stderr);
    // Whatever the two name, even the same class: `annotationIsSet &&
    // IngressClassName != nil`. The annotation alone renders.
    for class in ["traefik", "nginx"] {
        let r = render(&[
            "--set",
            "ingress.enabled=true,ingress.className=nginx,ingress.hosts[0].host=ml.example.org",
            "--set-json",
            &format!(r#"ingress.annotations={{"kubernetes.io/ingress.class":"{class}"}}"#),
        ]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("can not be set when the class field")
                && r.stderr.contains("ingress.annotations"),
            "{}",
            r.stderr
        );
    }
    let r = render(&[
        "--set",
        "ingress.enabled=true,ingress.hosts[0].host=ml.example.org",
        "--set-json",
        r#"ingress.annotations={"kubernetes.io/ingress.class":"nginx"}"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("ingressClassName"), "{}", r.stdout);
}

/// A problem in an `extraObjects` object names its item (a List's item under `items`),
/// the path below it, and where it was written.
#[test]
fn extra_object_problems_name_their_item_and_line() {
    let f = common::scratch_file(
        "eo",
        "eo.yaml",
        "extraObjects:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cm}\n  data:\n    \"a/b\": x\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: s}\n    spec:\n      ports: [{port: 0}]\n",
    );
    let name = f.to_string_lossy().into_owned();
    let r = render(&["-f", &name]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    for said in [
        format!("(extraObjects[0].data[\"a/b\"] at {name}:6:5)"),
        format!("(extraObjects[1].items[0].spec.ports[0].port at {name}:14:16)"),
    ] {
        assert!(r.stderr.contains(&said), "{said}: {}", r.stderr);
    }
    let r = render(&[
        "--set-json",
        r#"extraObjects=[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a b":"x"}}]"#,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("(extraObjects[0].data[\"a b\"] from --set-json 'extraObjects=…')"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_file(&f);
}

/// An extra container may use a claim's volume from extraVolumes as a block device
/// (ValidateVolumeDevices: a PersistentVolumeClaim or Ephemeral volume), and not one of
/// another kind.
#[test]
fn extra_containers_take_block_devices_of_extra_volumes() {
    let volumes = r#"extraVolumes=[{"name":"d","persistentVolumeClaim":{"claimName":"blk"}},{"name":"e","emptyDir":{}}]"#;
    let container = |key: &str, volume: &str| {
        format!(
            r#"{key}=[{{"name":"dev","image":"busybox:1.36","securityContext":{{"readOnlyRootFilesystem":true}},"volumeDevices":[{{"name":"{volume}","devicePath":"/dev/xvda"}}]}}]"#
        )
    };
    for key in ["extraContainers", "extraInitContainers"] {
        let run = |volume: &str| {
            let c = container(key, volume);
            common::run(
                &[
                    "render",
                    "mlflow",
                    "--set",
                    "oauth2Proxy.clientID=c,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/r",
                    "--set-json",
                    volumes,
                    "--set-json",
                    &c,
                ],
                None,
            )
        };
        let r = run("d");
        assert_eq!(r.code, 0, "{key}: {}", r.stderr);
        assert!(r.stdout.contains("devicePath: /dev/xvda"), "{key}");
        let r = run("e");
        assert_eq!(r.code, 1, "{key}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "{key}[0].volumeDevices[0].name: can only use volume source type of PersistentVolumeClaim or Ephemeral"
            )),
            "{key}: {}",
            r.stderr
        );
    }
}

/// Kinds whose API-server rules go past fields and types render with a warning that says
/// so; kinds checked in full render without it.
#[test]
fn partly_checked_kinds_are_named() {
    let r = render(&[
        "--set-json",
        r#"extraObjects=[{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"check"},"webhooks":[]},{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain"}}]"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("ValidatingWebhookConfiguration/check is checked for its fields, types and metadata only"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("ConfigMap/plain is checked"));
}

/// `extraObjects` pods are the user's and render as given, but one outside the restricted
/// Pod Security Standard (which the chart's own pods meet) is said on stderr with the
/// fields that break it; a restricted one, in a List too, is not.
#[test]
fn unrestricted_extra_pods_are_named() {
    let r = render(&[
        "--set-json",
        r#"extraObjects=[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"evil"},"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"busybox:1.37","securityContext":{"privileged":true}}]}},{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"root"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.37","securityContext":{"runAsUser":0}}]}}}}]},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"fine"},"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"busybox:1.37","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}]"#,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |id: &str| {
        r.stderr
            .lines()
            .find(|l| l.contains(id) && l.contains("restricted Pod Security Standard"))
            .map(str::to_string)
    };
    let evil = line("Pod/evil").unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(evil.contains("spec.hostNetwork"), "{evil}");
    assert!(evil.contains("securityContext.privileged"), "{evil}");
    let job = line("Job/root").unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(job.contains("runAsUser"), "{job}");
    assert_eq!(line("Pod/fine"), None, "{}", r.stderr);
    // The chart's own pods never draw it.
    let r = render(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("restricted Pod Security Standard"),
        "{}",
        r.stderr
    );
}

/// The warning follows pod-security-admission's policy as the target version has it:
/// AppArmor annotations of a Pod and a CronJob's pods, PodTemplates, Windows pods exempt
/// from the three Linux-only checks, the 1.32 sysctls, an empty AppArmor annotation; and a
/// probe's `host` (from 1.34; at every --kube-version, as a render is for every cluster
/// from 1.33 on), which also refuses the chart's own pods.
#[test]
fn restricted_standard_follows_the_policy() {
    let restricted_ctx =
        r#""securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}"#;
    let pod_ctx =
        r#""securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}"#;
    let objects = format!(
        r#"extraObjects=[
{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"aa","annotations":{{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}}}},"spec":{{{pod_ctx}}},"containers":[{{"name":"c","image":"busybox:1.37",{restricted_ctx}}}]}}}},
{{"apiVersion":"batch/v1","kind":"CronJob","metadata":{{"name":"cj"}},"spec":{{"schedule":"* * * * *","jobTemplate":{{"spec":{{"template":{{"metadata":{{"annotations":{{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}}}},"spec":{{"restartPolicy":"Never",{pod_ctx}}},"containers":[{{"name":"c","image":"busybox:1.37",{restricted_ctx}}}]}}}}}}}}}}}},
{{"apiVersion":"v1","kind":"PodTemplate","metadata":{{"name":"pt"}},"template":{{"spec":{{"containers":[{{"name":"c","image":"busybox:1.37","securityContext":{{"privileged":true}}}}]}}}}}},
{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"win"}},"spec":{{"os":{{"name":"windows"}},"securityContext":{{"runAsNonRoot":true}},"containers":[{{"name":"c","image":"mcr.microsoft.com/windows/nanoserver:ltsc2022"}}]}}}},
{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"sysctl","annotations":{{"container.apparmor.security.beta.kubernetes.io/c":""}}}},"spec":{{"securityContext":{{"runAsNonRoot":true,"seccompProfile":{{"type":"RuntimeDefault"}},"sysctls":[{{"name":"net.ipv4.tcp_rmem","value":"4096 87380 6291456"}}]}},"containers":[{{"name":"c","image":"busybox:1.37",{restricted_ctx}}}]}}}},
{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"probe"}},"spec":{{{pod_ctx}}},"containers":[{{"name":"c","image":"busybox:1.37",{restricted_ctx},"livenessProbe":{{"tcpSocket":{{"host":"10.0.0.1","port":80}}}}}}]}}}}
]"#
    )
    .replace('\n', "");
    let warned = |r: &common::Run, id: &str| {
        r.stderr
            .lines()
            .find(|l| l.contains(id) && l.contains("restricted Pod Security Standard"))
            .map(str::to_string)
    };
    for version in ["1.33", "1.34"] {
        let r = render(&["--set-json", &objects, "--kube-version", version]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let aa = warned(&r, "Pod/aa").unwrap_or_else(|| panic!("{}", r.stderr));
        assert!(aa.contains("metadata.annotations"), "{aa}");
        let cj = warned(&r, "CronJob/cj").unwrap_or_else(|| panic!("{}", r.stderr));
        assert!(
            cj.contains("spec.jobTemplate.spec.template.metadata.annotations"),
            "{cj}"
        );
        let pt = warned(&r, "PodTemplate/pt").unwrap_or_else(|| panic!("{}", r.stderr));
        assert!(
            pt.contains("template.spec.containers[0].securityContext.privileged"),
            "{pt}"
        );
        assert_eq!(warned(&r, "Pod/win"), None, "{}", r.stderr);
        assert_eq!(warned(&r, "Pod/sysctl"), None, "{}", r.stderr);
        assert!(warned(&r, "Pod/probe").is_some(), "{version}: {}", r.stderr);
    }
    // From 1.35 a pod in a user namespace may run as its root (runAsNonRoot1_35).
    let userns = r#"extraObjects=[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"userns"},"spec":{"hostUsers":false,"securityContext":{"runAsUser":0,"runAsNonRoot":false,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"busybox:1.37","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}]"#;
    for (version, warns) in [("1.34", true), ("1.35", false)] {
        let r = render(&["--set-json", userns, "--kube-version", version]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            warned(&r, "Pod/userns").is_some(),
            warns,
            "{version}: {}",
            r.stderr
        );
    }
    // The chart's own pods: a probe host in an extra container is refused, with or
    // without --kube-version.
    let sidecar = r#"extraContainers=[{"name":"s","image":"busybox:1.37","livenessProbe":{"tcpSocket":{"host":"10.0.0.1","port":80}}}]"#;
    for version in [None, Some("1.33"), Some("1.34")] {
        let mut args = vec!["--set-json", sidecar];
        args.extend(version.iter().flat_map(|v| ["--kube-version", v]));
        let r = render(&args);
        assert_eq!(r.code, 1, "{version:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("livenessProbe.tcpSocket.host"),
            "{}",
            r.stderr
        );
    }
}

/// An extraObject of a built-in alpha or beta API version is refused (no cluster serves
/// one unless its API server enables it: beta APIs are off by default since 1.24, and an
/// independent attack found the betas rendered), unless `--api-versions` says the cluster
/// does.
#[test]
fn alpha_and_beta_apis_need_api_versions() {
    let cases = [
        (
            r#"extraObjects=[{"apiVersion":"storagemigration.k8s.io/v1alpha1","kind":"StorageVersionMigration","metadata":{"name":"m"},"spec":{"resource":{"group":"","version":"v1","resource":"secrets"}}}]"#,
            "storagemigration.k8s.io/v1alpha1",
            "StorageVersionMigration",
            "is an alpha API",
        ),
        (
            r#"extraObjects=[{"apiVersion":"storage.k8s.io/v1beta1","kind":"VolumeAttributesClass","metadata":{"name":"v"},"driverName":"d.example.org"}]"#,
            "storage.k8s.io/v1beta1",
            "VolumeAttributesClass",
            "is a beta API",
        ),
        (
            r#"extraObjects=[{"apiVersion":"networking.k8s.io/v1beta1","kind":"ServiceCIDR","metadata":{"name":"s"},"spec":{"cidrs":["10.96.0.0/16"]}}]"#,
            "networking.k8s.io/v1beta1",
            "ServiceCIDR",
            "is a beta API",
        ),
    ];
    for (eo, api, kind, said) in cases {
        let r = render(&["-q", "--set-json", eo]);
        assert_eq!(r.code, 1, "{api}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(said), "{}", r.stderr);
        for declared in [api.to_string(), format!("{api}/{kind}")] {
            let r = render(&["-q", "--set-json", eo, "--api-versions", &declared]);
            assert_eq!(r.code, 0, "{declared}: {}", r.stderr);
            assert!(r.stdout.contains(&format!("kind: {kind}")));
        }
    }
}

/// A custom resource whose CustomResourceDefinition is in the same render is rendered
/// with a warning: the first `kubectl apply` of the stream cannot map its kind (the API
/// server serves it only once the definition is established). A custom resource of a
/// kind defined elsewhere, or of another group, gets no such warning.
#[test]
fn a_custom_resource_beside_its_definition_is_warned_of() {
    let crd = r#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.org"},
         "spec":{"group":"example.org","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets","singular":"widget","listKind":"WidgetList"},
                 "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}"#;
    let said = "is of a kind that CustomResourceDefinition widgets.example.org in this same render defines";
    for (objects, warned) in [
        (
            format!(
                r#"[{crd},{{"apiVersion":"example.org/v1","kind":"Widget","metadata":{{"name":"w"}}}}]"#
            ),
            true,
        ),
        (
            format!(
                r#"[{crd},{{"apiVersion":"v1","kind":"List","items":[{{"apiVersion":"example.org/v1","kind":"Widget","metadata":{{"name":"listed"}}}}]}}]"#
            ),
            true,
        ),
        (
            format!(
                r#"[{crd},{{"apiVersion":"example.com/v1","kind":"Widget","metadata":{{"name":"w"}}}}]"#
            ),
            false,
        ),
        (format!("[{crd}]"), false),
    ] {
        let r = render(&["--set-json", &format!("extraObjects={objects}")]);
        assert_eq!(r.code, 0, "{objects}: {}", r.stderr);
        assert_eq!(r.stderr.contains(said), warned, "{objects}: {}", r.stderr);
    }
}
