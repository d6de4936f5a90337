//! The in-release object store: MinIO, or the Versity S3 Gateway (services.versitygw), never
//! both; the gateway's credentials, Service, policies and bucket Job wired like MinIO's.

use crate::common;
use serde_json::Value;

fn render(extra: &[&str]) -> common::Run {
    let mut a = vec![
        "render",
        "mlflow",
        "--set",
        "oauth2Proxy.clientID=c,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/r",
    ];
    a.extend_from_slice(extra);
    common::run(&a, None)
}

const VGW: [&str; 2] = [
    "--set",
    "services.minio.enabled=false,services.versitygw.enabled=true",
];

fn docs(extra: &[&str]) -> Vec<Value> {
    let r = render(extra);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_saphyr::from_multiple::<Value>(&r.stdout)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

fn of<'a>(d: &'a [Value], kind: &str, component: &str) -> Vec<&'a Value> {
    d.iter()
        .filter(|x| {
            x["kind"] == kind && x["metadata"]["labels"]["app.kubernetes.io/component"] == component
        })
        .collect()
}

#[test]
fn versitygw_replaces_minio_with_the_same_guarantees() {
    let mut a = VGW.to_vec();
    a.extend(["--set", "replicaCount=2,MLFlow.gc.enabled=true"]);
    let d = docs(&a);
    assert!(of(&d, "StatefulSet", "minio").is_empty());
    let sts = of(&d, "StatefulSet", "versitygw")[0];
    let pod = &sts["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    assert_eq!(c["args"], serde_json::json!(["posix", "/data/buckets"]));
    let env = c["env"].as_array().unwrap();
    let get = |n: &str| env.iter().find(|e| e["name"] == n).unwrap().clone();
    // Root credentials only from the generated Secret; the gateway refuses to start without.
    for n in ["ROOT_ACCESS_KEY_ID", "ROOT_SECRET_ACCESS_KEY"] {
        assert_eq!(
            get(n)["valueFrom"]["secretKeyRef"]["name"],
            "mlflow-versitygw",
            "{n}"
        );
    }
    assert_eq!(get("VGW_PORT")["value"], ":7070");
    assert_eq!(get("VGW_REGION")["value"], "us-east-1");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/health");
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    // MLflow signs with the region the gateway expects, and reaches it by its Service.
    let tracking = of(&d, "Deployment", "tracking")[0];
    let tenv = tracking["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    let tget = |n: &str| tenv.iter().find(|e| e["name"] == n).unwrap().clone();
    assert_eq!(
        tget("MLFLOW_S3_ENDPOINT_URL")["value"],
        "http://mlflow-versitygw:7070"
    );
    assert_eq!(tget("AWS_DEFAULT_REGION")["value"], "us-east-1");
    assert_eq!(
        tget("AWS_ACCESS_KEY_ID")["valueFrom"]["secretKeyRef"]["name"],
        "mlflow-versitygw"
    );
    // Generated once in the cluster, never rendered.
    assert!(
        !d.iter()
            .any(|x| x["kind"] == "Secret" && x["metadata"]["name"] == "mlflow-versitygw")
    );
    let generator = of(&d, "Job", "secret-generator")[0];
    let spec = generator["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "SECRETS")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        spec.contains("mlflow-versitygw")
            && spec.contains("access-key")
            && spec.contains("secret-key")
    );
    // Only MLflow's pods and the bucket Job reach it; it reaches nothing.
    let np = of(&d, "NetworkPolicy", "versitygw")[0];
    assert_eq!(np["spec"]["egress"], serde_json::json!([]));
    let from: Vec<&str> = np["spec"]["ingress"][0]["from"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(from, ["tracking", "bucket-init", "scheduler", "gc"]);
    assert_eq!(np["spec"]["ingress"][0]["ports"][0]["port"], 7070);
    // The bucket Job runs the scripts ConfigMap's create-bucket.py with the same credentials.
    let job = of(&d, "Job", "bucket-init")[0];
    let jc = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        jc["command"],
        serde_json::json!(["python", "/scripts/create-bucket.py"])
    );
    let cm = d
        .iter()
        .find(|x| x["kind"] == "ConfigMap" && x["data"]["create-bucket.py"].is_string());
    assert!(cm.is_some());
    // The render validates strictly on its own.
    let r = render(&a);
    let v = common::run(&["validate", "--strict", "-"], Some(r.stdout.as_bytes()));
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

#[test]
fn one_object_store_at_a_time_and_credentials_as_for_minio() {
    let r = render(&["--set", "services.versitygw.enabled=true"]);
    assert_ne!(r.code, 0);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("services.minio.enabled and services.versitygw.enabled are both true"),
        "{}",
        r.stderr
    );
    // An existing Secret is read as it is, never rendered or generated.
    let mut a = VGW.to_vec();
    a.extend(["--set", "versitygw.auth.existingSecret=team-s3"]);
    let d = docs(&a);
    let sts = of(&d, "StatefulSet", "versitygw")[0];
    assert!(
        sts["metadata"]["annotations"]["mlflow-chart.io/secrets-outside"]
            .as_str()
            .unwrap()
            .contains("team-s3")
    );
    // Literal keys are rendered into a Secret with a warning.
    let mut a = VGW.to_vec();
    a.extend([
        "--set",
        "versitygw.auth.accessKey=AKIAEXAMPLE,versitygw.auth.secretKey=averyveryverylongsecret",
    ]);
    let r = render(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("kind: Secret") && r.stderr.contains("warning"),
        "{}",
        r.stderr
    );
    // Blank or padded keys are refused, never echoed.
    let mut a = VGW.to_vec();
    a.extend(["--set", "versitygw.auth.secretKey=   "]);
    let r = render(&a);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("versitygw.auth.secretKey is blank"),
        "{}",
        r.stderr
    );
}

/// From the attack on the switch: the region is one SigV4 scope token (and an env value,
/// where `$(VAR)` would expand), the gateway's access key likewise; values of a store that
/// is off say so; `render -o json` validates like the YAML.
#[test]
fn region_keys_notes_and_json() {
    for region in ["$(ROOT_SECRET_ACCESS_KEY)", "a/b", "eu west", "-x"] {
        let mut a = VGW.to_vec();
        let set = format!("s3.region={region}");
        a.extend(["--set-literal", &set]);
        let r = render(&a);
        assert_ne!(r.code, 0, "{region}");
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("s3.region must be a region name"),
            "{region}: {}",
            r.stderr
        );
    }
    for key in ["a", "ab/cd", "a b"] {
        let mut a = VGW.to_vec();
        let set = format!("versitygw.auth.accessKey={key}");
        a.extend(["--set-literal", &set]);
        let r = render(&a);
        assert_ne!(r.code, 0, "{key}");
        assert!(
            r.stderr.contains("versitygw.auth.accessKey must be"),
            "{key}: {}",
            r.stderr
        );
    }
    let r = render(&["--set", "versitygw.persistence.size=50Gi"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "versitygw.persistence has no effect while services.versitygw.enabled is false"
        ),
        "{}",
        r.stderr
    );
    let mut a = VGW.to_vec();
    a.extend(["-o", "json"]);
    let r = render(&a);
    let v = common::run(&["validate", "--strict", "-"], Some(r.stdout.as_bytes()));
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}
