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
    common::documents(&render(extra))
}

fn of<'a>(d: &'a [Value], kind: &str, component: &str) -> Vec<&'a Value> {
    d.iter()
        .filter(|x| {
            x["kind"] == kind && x["metadata"]["labels"]["app.kubernetes.io/component"] == component
        })
        .collect()
}

fn named<'a>(d: &'a [Value], kind: &str, name: &str) -> &'a Value {
    d.iter()
        .find(|x| x["kind"] == kind && x["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
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

/// Every MLflow pod (tracking, scheduler, gc) and its main container.
fn mlflow_pods(d: &[Value]) -> Vec<(&Value, &Value)> {
    let mut out = Vec::new();
    for (kind, component) in [
        ("Deployment", "tracking"),
        ("Deployment", "scheduler"),
        ("CronJob", "gc"),
    ] {
        for o in of(d, kind, component) {
            let pod = if kind == "CronJob" {
                &o["spec"]["jobTemplate"]["spec"]["template"]
            } else {
                &o["spec"]["template"]
            };
            out.push((pod, &pod["spec"]["containers"][0]));
        }
    }
    out
}

fn env_of<'a>(c: &'a Value, name: &str) -> Option<&'a Value> {
    c["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
}

fn problems(extra: &[&str]) -> String {
    let r = render(extra);
    assert_ne!(r.code, 0, "should be refused: {extra:?}");
    assert!(r.stdout.is_empty(), "nothing on stdout when refused");
    r.stderr
}

const AZURE: &str = "services.minio.enabled=false,azureBlob.enabled=true,azureBlob.storageAccount=acct01,azureBlob.container=mlflow-art";

#[test]
fn azure_blob_is_the_destination_with_its_credential_by_reference() {
    let d = docs(&[
        "--set",
        AZURE,
        "--set",
        "azureBlob.path=team/a,azureBlob.existingSecret=az,azureBlob.credential=accessKey,azureBlob.existingSecretKey=key,MLFlow.gc.enabled=true",
    ]);
    let pods = mlflow_pods(&d);
    assert_eq!(pods.len(), 3);
    for (pod, c) in pods {
        let text = c.to_string();
        assert!(
            text.contains("wasbs://mlflow-art@acct01.blob.core.windows.net/team/a"),
            "{text}"
        );
        let key = env_of(c, "AZURE_STORAGE_ACCESS_KEY").expect("access key env");
        assert_eq!(key["valueFrom"]["secretKeyRef"]["name"], "az");
        assert_eq!(key["valueFrom"]["secretKeyRef"]["key"], "key");
        assert!(env_of(c, "AZURE_STORAGE_CONNECTION_STRING").is_none());
        assert!(env_of(c, "MLFLOW_S3_ENDPOINT_URL").is_none());
        assert!(pod["metadata"]["labels"]["azure.workload.identity/use"].is_null());
    }
    // No MinIO, no bucket Job, no S3 Secret.
    assert!(of(&d, "StatefulSet", "minio").is_empty());
    assert!(of(&d, "Job", "bucket-init").is_empty());
}

#[test]
fn azure_without_a_secret_uses_workload_identity_on_every_mlflow_pod() {
    let d = docs(&["--set", AZURE, "--set", "MLFlow.gc.enabled=true"]);
    for (pod, c) in mlflow_pods(&d) {
        assert_eq!(
            pod["metadata"]["labels"]["azure.workload.identity/use"],
            "true"
        );
        assert!(env_of(c, "AZURE_STORAGE_CONNECTION_STRING").is_none());
        assert!(env_of(c, "AZURE_STORAGE_ACCESS_KEY").is_none());
    }
    // The token goes to MLflow's containers only: the chart's others are skipped.
    let dep = of(&d, "Deployment", "tracking")[0];
    assert_eq!(
        dep["spec"]["template"]["metadata"]["annotations"]["azure.workload.identity/skip-containers"],
        "db-upgrade;oauth2-proxy;metrics"
    );
    let sched = of(&d, "Deployment", "scheduler")[0];
    assert_eq!(
        sched["spec"]["template"]["metadata"]["annotations"]["azure.workload.identity/skip-containers"],
        "db-upgrade"
    );
    // Only the pods: selectors and other objects are unchanged.
    assert!(dep["metadata"]["labels"]["azure.workload.identity/use"].is_null());
    assert!(dep["spec"]["selector"]["matchLabels"]["azure.workload.identity/use"].is_null());
}

#[test]
fn gcs_key_file_is_mounted_read_only_and_workload_identity_reaches_the_metadata_server() {
    let g = "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=acme_ml.artifacts,gcs.path=prod,MLFlow.gc.enabled=true";
    let d = docs(&["--set", g, "--set", "gcs.existingSecret=gk"]);
    for (pod, c) in mlflow_pods(&d) {
        assert!(c.to_string().contains("gs://acme_ml.artifacts/prod"));
        assert_eq!(
            env_of(c, "GOOGLE_APPLICATION_CREDENTIALS").unwrap()["value"],
            "/etc/mlflow-chart/gcs/credentials.json"
        );
        let mount = c["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "gcs-key")
            .expect("key mount");
        assert_eq!(mount["readOnly"], true);
        let vol = pod["spec"]["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "gcs-key")
            .expect("key volume");
        assert_eq!(vol["secret"]["secretName"], "gk");
    }
    let metadata = |d: &[Value]| {
        d.iter()
            .filter(|x| x["kind"] == "NetworkPolicy")
            .any(|x| x.to_string().contains("169.254.169.254/32"))
    };
    assert!(!metadata(&d), "a key file needs no metadata server");
    let wi = docs(&["--set", g]);
    assert!(metadata(&wi));
    for (_, c) in mlflow_pods(&wi) {
        assert!(env_of(c, "GOOGLE_APPLICATION_CREDENTIALS").is_none());
    }
}

#[test]
fn cloud_store_values_are_checked_and_conflicts_refused() {
    for (set, want) in [
        (
            format!("{AZURE},gcs.enabled=true,gcs.bucket=abc"),
            "both true",
        ),
        (
            "azureBlob.enabled=true,azureBlob.storageAccount=acct01,azureBlob.container=mlflow-art"
                .to_string(),
            "services.minio.enabled=false",
        ),
        (
            format!("{AZURE},azureBlob.storageAccount=Acct_1"),
            "azureBlob.storageAccount",
        ),
        (
            format!("{AZURE},azureBlob.container=a--b"),
            "azureBlob.container",
        ),
        (format!("{AZURE},azureBlob.path=../x"), "azureBlob.path"),
        (format!("{AZURE},azureBlob.path=/x"), "azureBlob.path"),
        (format!("{AZURE},azureBlob.path=a b"), "azureBlob.path"),
        (
            format!("{AZURE},azureBlob.path=a?x=$(SECRET)"),
            "azureBlob.path",
        ),
        (
            "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=google-x".to_string(),
            "gcs.bucket",
        ),
        (
            "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=10.0.0.1".to_string(),
            "gcs.bucket",
        ),
        (
            "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=".to_string(),
            "gcs.bucket",
        ),
        (
            "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=Abc".to_string(),
            "gcs.bucket",
        ),
    ] {
        let err = problems(&["--set", &set]);
        assert!(err.contains(want), "{set}: {err}");
    }
    // The wrong type or an unknown suffix is a schema error naming the key.
    for set in [
        format!("{AZURE},azureBlob.endpointSuffix=blob.example.org"),
        format!("{AZURE},azureBlob.credential=sas"),
    ] {
        let err = problems(&["--set", &set]);
        assert!(err.contains("azureBlob."), "{set}: {err}");
    }
    // The S3 settings have no effect with a cloud store, and say so.
    let r = render(&["--set", AZURE, "--set", "s3.url=https://s3.example.org"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("s3.url is ignored while azureBlob.enabled")
    );
}

const MYSQL: &str = "services.postgres.enabled=false,externalDatabase.type=mysql,externalDatabase.host=db.example.org,externalDatabase.existingSecret=dbpw";

#[test]
fn mysql_starts_every_database_process_through_the_password_launcher() {
    let d = docs(&[
        "--set",
        MYSQL,
        "--set",
        "replicaCount=2,MLFlow.gc.enabled=true",
    ]);
    let launcher = ["python", "/scripts/with-db-password.py"];
    let pods = mlflow_pods(&d);
    assert_eq!(pods.len(), 3);
    for (pod, c) in pods {
        let cmd: Vec<&str> = c["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(&cmd[..2], launcher, "{cmd:?}");
        let uri = env_of(c, "MLFLOW_BACKEND_STORE_URI").unwrap()["value"]
            .as_str()
            .unwrap();
        assert_eq!(uri, "mysql+pymysql://mlflow@db.example.org:3306/mlflow");
        let pw = env_of(c, "MYSQL_PWD").unwrap();
        assert_eq!(pw["valueFrom"]["secretKeyRef"]["name"], "dbpw");
        assert!(env_of(c, "PGPASSWORD").is_none());
        // The URI is never an argument (it would be without the password, and the
        // argument would win over the launcher's variable).
        assert!(!c.to_string().contains("--backend-store-uri"), "{c}");
        assert!(
            c["volumeMounts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["mountPath"] == "/scripts")
        );
        for init in pod["spec"]["initContainers"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if init["name"] == "db-upgrade" {
                assert_eq!(init["command"][1], "/scripts/with-db-password.py");
            }
        }
    }
    let cm = d
        .iter()
        .find(|x| x["kind"] == "ConfigMap" && x["data"]["db-upgrade.py"].is_string())
        .unwrap();
    assert!(cm["data"]["with-db-password.py"].is_string());
    // MySQL's port in the egress rule.
    assert!(
        d.iter()
            .filter(|x| x["kind"] == "NetworkPolicy")
            .any(|x| x.to_string().contains("\"port\":3306"))
    );
    // PostgreSQL users get neither the launcher nor the script.
    let pg = docs(&[]);
    let cm = pg
        .iter()
        .find(|x| x["kind"] == "ConfigMap" && x["data"]["db-upgrade.py"].is_string())
        .unwrap();
    assert!(cm["data"]["with-db-password.py"].is_null());
    assert_eq!(mlflow_pods(&pg)[0].1["command"][0], "mlflow");
}

#[test]
fn mysql_values_are_checked() {
    for (set, want) in [
        (
            "services.postgres.enabled=false,externalDatabase.type=mysql,externalDatabase.host=db".to_string(),
            "externalDatabase.existingSecret is empty",
        ),
        (
            format!("{MYSQL},externalDatabase.sslmode=require"),
            "externalDatabase.sslmode",
        ),
        (
            format!("{MYSQL},externalDatabase.sslmode=verify-full"),
            "needs trustedCA",
        ),
        (
            "externalDatabase.type=mysql".to_string(),
            "services.postgres.enabled=false",
        ),
        (
            "services.postgres.enabled=false,externalDatabase.existingSecret=s,services.postgres.externalURI=mysql+mysqldb://u@db/x".to_string(),
            "mysql+pymysql://",
        ),
        (
            "services.postgres.enabled=false,externalDatabase.existingSecret=s,services.postgres.externalURI=mysql://u@db/x?ssl_ca=/x".to_string(),
            "takes no query",
        ),
        (
            "services.postgres.enabled=false,externalDatabase.type=mysql,externalDatabase.existingSecret=s,services.postgres.externalURI=postgresql://u@db/x".to_string(),
            "make them agree",
        ),
    ] {
        let err = problems(&["--set", &set]);
        assert!(err.contains(want), "{set}: {err}");
    }
    // A password in the URI is refused and never echoed.
    let err = problems(&[
        "--set",
        "services.postgres.enabled=false,externalDatabase.existingSecret=s,services.postgres.externalURI=mysql://u:Hunter2Secret@db/x",
    ]);
    assert!(err.contains("must not contain a password"), "{err}");
    assert!(!err.contains("Hunter2Secret"), "{err}");
    // An explicit port is kept; the URI form keeps its own.
    let d = docs(&["--set", MYSQL, "--set", "externalDatabase.port=3307"]);
    assert!(
        d.iter()
            .any(|x| x.to_string().contains("db.example.org:3307"))
    );
    let d = docs(&[
        "--set",
        "services.postgres.enabled=false,externalDatabase.existingSecret=s,services.postgres.externalURI=mysql://u@db:3310/x",
    ]);
    let text = serde_json::to_string(&d).unwrap();
    assert!(text.contains("mysql+pymysql://u@db:3310/x"));
    assert!(text.contains("\"port\":3310"));
}

#[test]
fn mysql_keeps_the_trusted_ca_for_https_clients_and_gets_it_in_the_uri() {
    let d = docs(&[
        "--set",
        MYSQL,
        "--set",
        "trustedCA.configMap=corp-ca,externalDatabase.sslmode=verify-full,services.minio.enabled=false,s3.url=https://s3.internal.example,s3.secret=s3",
    ]);
    for (_, c) in mlflow_pods(&d) {
        for n in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "AWS_CA_BUNDLE"] {
            assert!(env_of(c, n).is_some(), "{n} missing: {c}");
        }
        assert!(env_of(c, "PGSSLROOTCERT").is_none());
        let uri = env_of(c, "MLFLOW_BACKEND_STORE_URI").unwrap()["value"]
            .as_str()
            .unwrap();
        assert!(
            uri.ends_with("?ssl_ca=/etc/mlflow-chart/ca/ca.crt"),
            "{uri}"
        );
    }
}

#[test]
fn store_inputs_kubernetes_or_the_drivers_would_refuse_are_refused_by_key() {
    let uri = "services.postgres.enabled=false,externalDatabase.existingSecret=s,services.postgres.externalURI=";
    for (set, want) in [
        (format!("{uri}mysql://db/x"), "names no user"),
        (format!("{uri}mysql://u@db:3306"), "names no database"),
        (format!("{uri}mysql://u@db:3306/"), "names no database"),
        // Kubernetes expands $(NAME) in env values and arguments.
        (format!("{uri}mysql://u@db/$(HOME)"), "contains '$'"),
        (format!("{uri}postgresql://u@db/$(HOME)"), "contains '$'"),
        (
            "services.minio.enabled=false,s3.url=https://s3.example.org/$(X)".to_string(),
            "contains '$'",
        ),
        // Secret keys: IsConfigMapKey refuses a leading "..".
        (
            format!("{MYSQL},externalDatabase.existingSecretPasswordKey=..pw"),
            "externalDatabase.existingSecretPasswordKey must be a key",
        ),
        (
            format!("{AZURE},azureBlob.existingSecret=s,azureBlob.existingSecretKey=..cs"),
            "azureBlob.existingSecretKey must be a key",
        ),
        (
            format!("{AZURE},azureBlob.existingSecret=s,azureBlob.existingSecretKey=bad key"),
            "azureBlob.existingSecretKey must be a key",
        ),
        (
            "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=abc,gcs.existingSecret=g,gcs.existingSecretKey=..data".to_string(),
            "gcs.existingSecretKey must be a key",
        ),
        (
            "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=a.-b".to_string(),
            "gcs.bucket",
        ),
        (
            "services.minio.enabled=false,gcs.enabled=true,gcs.bucket=my-google-x".to_string(),
            "contain \"google\"",
        ),
    ] {
        let err = problems(&["--set", &set]);
        assert!(err.contains(want), "{set}: {err}");
    }
    // The chart's credential is the one MLflow's Azure client uses: no competing variable.
    let err = problems(&[
        "--set",
        AZURE,
        "--set",
        "azureBlob.existingSecret=s,azureBlob.credential=accessKey,extraEnv[0].name=AZURE_STORAGE_CONNECTION_STRING,extraEnv[0].value=x",
    ]);
    assert!(err.contains("AZURE_STORAGE_CONNECTION_STRING"), "{err}");
    // Where the data goes is the chart's.
    for arg in [
        "--artifacts-destination=gs://other",
        "--no-serve-artifacts",
        "--registry-store-uri=sqlite:///x",
        "--workspace-store-uri=sqlite:///x",
        "--cors-allowed-origins=*",
    ] {
        let err = problems(&["--set-json", &format!("MLFlow.extraArgs=[\"{arg}\"]")]);
        assert!(err.contains("is set by the chart"), "{arg}: {err}");
    }
}

#[test]
fn validate_refuses_secret_keys_and_item_paths_starting_with_two_dots() {
    let manifest = r#"apiVersion: v1
kind: Pod
metadata: {name: p, namespace: n}
spec:
  containers:
    - name: c
      image: busybox:1.36
      env:
        - name: A
          valueFrom: {secretKeyRef: {name: s, key: ..pw}}
  volumes:
    - name: v
      secret:
        secretName: s
        items: [{key: ok, path: ..data}]
"#;
    let out = common::run(&["validate", "-"], Some(manifest.as_bytes()));
    let text = format!("{}{}", out.stdout, out.stderr);
    assert_ne!(out.code, 0, "{text}");
    assert!(text.contains("env[0].valueFrom.secretKeyRef.key"), "{text}");
    assert!(text.contains("items[0].path"), "{text}");
}

/// `minio.service.ports.api` is the Service's port, as in bitnami's chart: MinIO itself
/// always listens on 9000 in its pod (a non-root server cannot bind a port below 1024 on
/// runtimes that keep `net.ipv4.ip_unprivileged_port_start` at 1024), MLflow and the bucket
/// Job reach the Service's port, and the NetworkPolicies, which see traffic after the
/// Service's translation, allow the pod's. 13333, the console's default port that MinIO
/// compares the API's with (cmd/common-main.go:498-503 at RELEASE.2025-09-07T16-13-09Z),
/// is then never bound either.
#[test]
fn the_minio_service_port_is_not_the_pod_port() {
    for port in ["80", "13333", "9001"] {
        let d = docs(&["--set", &format!("minio.service.ports.api={port}")]);
        let sts = named(&d, "StatefulSet", "mlflow-minio");
        let c = &sts["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["ports"][0]["containerPort"], 9000, "{c}");
        let args: Vec<&str> = c["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(
            args.windows(2).any(|w| w == ["--address", ":9000"]),
            "{args:?}"
        );
        for svc in ["mlflow-minio", "mlflow-minio-hl"] {
            let s = named(&d, "Service", svc);
            assert_eq!(s["spec"]["ports"][0]["port"].to_string(), port, "{s}");
            assert_eq!(s["spec"]["ports"][0]["targetPort"], "api", "{s}");
        }
        let np = named(&d, "NetworkPolicy", "mlflow-minio");
        let text = serde_json::to_string(&np["spec"]["ingress"]).unwrap();
        assert!(text.contains("\"port\":9000"), "{text}");
        assert!(!text.contains(&format!("\"port\":{port}")), "{text}");
        let np = named(&d, "NetworkPolicy", "mlflow");
        let text = serde_json::to_string(&np["spec"]["egress"]).unwrap();
        assert!(text.contains("\"port\":9000"), "{text}");
        let dep = serde_json::to_string(&named(&d, "Deployment", "mlflow")).unwrap();
        assert!(
            dep.contains(&format!("http://mlflow-minio:{port}")),
            "{dep}"
        );
    }
}

/// `MLFlow.artifacts.bucketName` may carry a key prefix after the bucket, as the original
/// chart's `s3://<bucketName>` allowed: MLflow gets the whole URI, the bucket Job the
/// bucket alone; a prefix that is not a clean path is refused.
#[test]
fn a_bucket_name_may_carry_a_key_prefix() {
    let d = docs(&[
        "--set",
        "MLFlow.artifacts.bucketName=team-models/mlflow/prod",
    ]);
    let text = serde_json::to_string(&d).unwrap();
    assert!(
        text.contains(r#""--artifacts-destination","s3://team-models/mlflow/prod""#),
        "{text}"
    );
    let job = of(&d, "Job", "bucket-init");
    assert_eq!(job.len(), 1);
    let env = job[0]["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    assert!(
        env.iter()
            .any(|e| e["name"] == "BUCKET" && e["value"] == "team-models"),
        "{env:?}"
    );
    for bad in [
        "team-models/a/../b",
        "team-models/",
        "team-models//x",
        "Team/x",
        "999.1.1.1",
        "01.02.03.04/x",
    ] {
        let r = render(&["--set", &format!("MLFlow.artifacts.bucketName={bad}")]);
        assert_eq!(r.code, 1, "{bad}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("MLFlow.artifacts.bucketName"),
            "{bad}: {}",
            r.stderr
        );
    }
}
