//! Day two: what keeps the rendered platform running after the first apply. MLflow's
//! periodic tasks run in exactly one pod; the garbage collection CronJob is wired like the
//! tracking server and refuses what `mlflow gc` or the CronJob controller would not take.
//! (Drains, pull policies and GitOps pruning are in `security`; the run-for-real proofs of
//! garbage collection and rollback are in `e2e`.)

use crate::common;
use serde_json::Value;

fn render(extra: &[&str]) -> common::Run {
    let mut a = vec![
        "render",
        "mlflow",
        "--set",
        "oauth2Proxy.clientID=c,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r",
    ];
    a.extend_from_slice(extra);
    common::run(&a, None)
}

fn docs(extra: &[&str]) -> Vec<Value> {
    let r = render(extra);
    assert_eq!(r.code, 0, "{extra:?}: {}", r.stderr);
    serde_saphyr::from_multiple::<Value>(&r.stdout)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

fn strs(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

fn kind<'a>(docs: &'a [Value], kind: &str, component: &str) -> Vec<&'a Value> {
    docs.iter()
        .filter(|d| {
            d["kind"] == kind && d["metadata"]["labels"]["app.kubernetes.io/component"] == component
        })
        .collect()
}

/// (most pods that may run it at once, periodic tasks on) of every `mlflow server`
/// container. MLflow's default for MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS is true
/// (mlflow/environment_variables.py at 3.17.2).
fn servers(docs: &[Value]) -> Vec<(i64, bool)> {
    let mut out = Vec::new();
    for d in docs.iter().filter(|d| d["kind"] == "Deployment") {
        let most = d["spec"]["replicas"].as_i64().unwrap_or_else(|| {
            docs.iter()
                .find(|h| {
                    h["kind"] == "HorizontalPodAutoscaler"
                        && h["spec"]["scaleTargetRef"]["name"] == d["metadata"]["name"]
                })
                .expect("an HPA scales a Deployment without replicas")["spec"]["maxReplicas"]
                .as_i64()
                .unwrap()
        });
        for c in d["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
        {
            if c["command"][0] == "mlflow" && c["args"][0] == "server" {
                let off = c["env"].as_array().into_iter().flatten().any(|e| {
                    e["name"] == "MLFLOW_SERVER_JOB_ENABLE_PERIODIC_TASKS" && e["value"] == "false"
                });
                out.push((most, !off));
            }
        }
    }
    out
}

#[test]
fn periodic_tasks_run_in_exactly_one_pod() {
    for extra in [
        &[][..],
        &["--set", "replicaCount=1"][..],
        &["--set", "replicaCount=3"][..],
        &[
            "--set",
            "autoscaling.enabled=true,autoscaling.minReplicas=1,autoscaling.maxReplicas=4",
        ][..],
        &[
            "--set",
            "replicaCount=2,oauth2Proxy.enabled=false,metrics.enabled=true",
        ][..],
    ] {
        let d = docs(extra);
        let s = servers(&d);
        let running: i64 = s.iter().filter(|(_, on)| *on).map(|(n, _)| n).sum();
        assert_eq!(running, 1, "{extra:?}: {s:?}");
        // Always rendered, so scaling down to one replica scales it to zero instead of
        // leaving it beside the tracking pod.
        assert_eq!(s.len(), 2, "{extra:?}");
        let sch = kind(&d, "Deployment", "scheduler")[0];
        let tracking_many = s.iter().any(|(n, on)| !on && *n > 1);
        assert_eq!(
            sch["spec"]["replicas"],
            i64::from(tracking_many),
            "{extra:?}"
        );
        assert_eq!(
            sch["spec"]["strategy"]["type"], "Recreate",
            "never two at once"
        );
        let c = &sch["spec"]["template"]["spec"]["containers"][0];
        let args = strs(&c["args"]);
        let host = args[args.iter().position(|a| *a == "--host").unwrap() + 1];
        assert_eq!(host, "127.0.0.1", "the scheduler serves nothing");
        assert!(!args.contains(&"--expose-prometheus"));
        assert!(c.get("ports").is_none());
        // No Service sends traffic to it.
        for svc in d.iter().filter(|x| x["kind"] == "Service") {
            assert_ne!(
                svc["spec"]["selector"]["app.kubernetes.io/component"],
                "scheduler"
            );
        }
        // Its NetworkPolicy admits nothing.
        let np = kind(&d, "NetworkPolicy", "scheduler");
        assert_eq!(np[0]["spec"]["ingress"], serde_json::json!([]));
    }
}

#[test]
fn gc_cronjob_is_wired_like_the_tracking_server() {
    assert!(
        kind(&docs(&[]), "CronJob", "gc").is_empty(),
        "off by default"
    );
    let d = docs(&[
        "--set",
        "MLFlow.gc.enabled=true,MLFlow.gc.schedule=@daily,MLFlow.gc.timeZone=Europe/Berlin,MLFlow.gc.olderThan=7d12h,MLFlow.gc.jobs=true",
    ]);
    let cj = kind(&d, "CronJob", "gc")[0];
    assert_eq!(cj["spec"]["schedule"], "@daily");
    assert_eq!(cj["spec"]["timeZone"], "Europe/Berlin");
    assert_eq!(cj["spec"]["concurrencyPolicy"], "Forbid");
    let pod = &cj["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let cmd = strs(&c["command"]);
    assert_eq!(&cmd[..2], ["python", "/scripts/gc.py"]);
    let after = |flag: &str| cmd[cmd.iter().position(|a| *a == flag).unwrap() + 1];
    assert_eq!(after("--older-than"), "7d12h");
    assert_eq!(after("--artifacts-destination"), "s3://mlflow");
    assert!(cmd.contains(&"--jobs"));
    // The script it runs is the one in the scripts ConfigMap it mounts.
    let cm = d
        .iter()
        .find(|x| x["kind"] == "ConfigMap" && x["data"]["gc.py"].is_string())
        .expect("gc.py");
    assert!(
        cm["data"]["gc.py"]
            .as_str()
            .unwrap()
            .contains("cli(['gc', '--backend-store-uri'")
    );
    assert!(
        pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["configMap"]["name"] == cm["metadata"]["name"])
    );
    // Same database and object store as the tracking server; credentials only by reference.
    let tracking = d
        .iter()
        .find(|x| {
            x["kind"] == "Deployment"
                && x["metadata"]["labels"]["app.kubernetes.io/component"] == "tracking"
        })
        .unwrap();
    let server_env = &tracking["spec"]["template"]["spec"]["containers"][0]["env"];
    for e in c["env"].as_array().unwrap() {
        assert!(
            server_env.as_array().unwrap().contains(e),
            "{e} differs from the server's"
        );
        let name = e["name"].as_str().unwrap();
        if name.contains("PASSWORD") || name.contains("SECRET") || name.contains("KEY") {
            assert!(e.get("value").is_none(), "{name} must come from a Secret");
        }
    }
    // The database and MinIO admit it; its own policy admits nothing.
    for component in ["postgresql", "minio"] {
        let np = kind(&d, "NetworkPolicy", component)[0];
        let from = np["spec"]["ingress"][0]["from"].as_array().unwrap();
        assert!(
            from.iter()
                .any(|f| f["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "gc"),
            "{component}"
        );
    }
    assert_eq!(
        kind(&d, "NetworkPolicy", "gc")[0]["spec"]["ingress"],
        serde_json::json!([])
    );
}

#[test]
fn gc_refuses_what_mlflow_or_the_cronjob_controller_would_not_take() {
    for (set, key) in [
        ("MLFlow.gc.schedule=every night", "MLFlow.gc.schedule"),
        ("MLFlow.gc.schedule=61 * * * *", "MLFlow.gc.schedule"),
        ("MLFlow.gc.timeZone=Mars/Olympus", "MLFlow.gc.timeZone"),
        ("MLFlow.gc.timeZone=Local", "MLFlow.gc.timeZone"),
        ("MLFlow.gc.olderThan=30", "MLFlow.gc.olderThan"),
        ("MLFlow.gc.olderThan=1.2.3d", "MLFlow.gc.olderThan"),
        ("MLFlow.gc.olderThan=2h1d", "MLFlow.gc.olderThan"),
    ] {
        for skip in [false, true] {
            let mut extra = vec!["--set", "MLFlow.gc.enabled=true", "--set", set];
            if skip {
                extra.push("--skip-schema-validation");
            }
            let r = render(&extra);
            assert_ne!(r.code, 0, "{set} (skip schema: {skip})");
            assert!(r.stdout.is_empty(), "{set}");
            assert!(r.stderr.contains(key), "{set}: {}", r.stderr);
        }
    }
    // Disabled, nothing about it is checked or rendered.
    let r = render(&["--set", "MLFlow.gc.timeZone=Local"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Every pod spec of a render, with the object's kind/name.
fn pod_specs(docs: &[Value]) -> Vec<(String, &Value)> {
    docs.iter()
        .filter_map(|d| {
            let spec = match d["kind"].as_str()? {
                "CronJob" => &d["spec"]["jobTemplate"]["spec"]["template"]["spec"],
                "Deployment" | "StatefulSet" | "Job" => &d["spec"]["template"]["spec"],
                _ => return None,
            };
            Some((format!("{}/{}", d["kind"], d["metadata"]["name"]), spec))
        })
        .collect()
}

/// OpenShift's restricted-v2 SCC (openshift/cluster-kube-apiserver-operator,
/// bindata/bootkube/scc-manifests/0000_20_kube-apiserver-operator_00_scc-restricted-v2.yaml):
/// runAsUser MustRunAsRange and fsGroup MustRunAs from the namespace's range, ALL
/// capabilities dropped, no privilege escalation, seccomp runtime/default, and only
/// configMap, downwardAPI, emptyDir, persistentVolumeClaim, projected and secret volumes.
#[test]
fn openshift_leaves_ids_to_the_platform_on_every_pod() {
    let on = docs(&[
        "--set",
        "openshift=true,replicaCount=2,MLFlow.gc.enabled=true,metrics.enabled=true",
    ]);
    let specs = pod_specs(&on);
    assert!(
        specs.len() >= 7,
        "{:?}",
        specs.iter().map(|s| &s.0).collect::<Vec<_>>()
    );
    for (what, spec) in &specs {
        let pod = &spec["securityContext"];
        for id in ["runAsUser", "runAsGroup", "fsGroup"] {
            assert!(pod.get(id).is_none(), "{what}: pod {id}");
        }
        assert_eq!(pod["runAsNonRoot"], true, "{what}");
        assert_eq!(pod["seccompProfile"]["type"], "RuntimeDefault", "{what}");
        for key in ["initContainers", "containers"] {
            for c in spec[key].as_array().into_iter().flatten() {
                let sc = &c["securityContext"];
                for id in ["runAsUser", "runAsGroup"] {
                    assert!(sc.get(id).is_none(), "{what} {}: {id}", c["name"]);
                }
                assert_eq!(sc["allowPrivilegeEscalation"], false, "{what}");
                assert_eq!(
                    sc["capabilities"]["drop"],
                    serde_json::json!(["ALL"]),
                    "{what}"
                );
            }
        }
        for v in spec["volumes"].as_array().into_iter().flatten() {
            let kind = v
                .as_object()
                .unwrap()
                .keys()
                .find(|k| *k != "name")
                .unwrap()
                .clone();
            assert!(
                [
                    "configMap",
                    "downwardAPI",
                    "emptyDir",
                    "persistentVolumeClaim",
                    "projected",
                    "secret"
                ]
                .contains(&kind.as_str()),
                "{what}: volume type {kind}"
            );
        }
    }
    // IDs or another seccomp profile in the values are refused under openshift, naming
    // the key (restricted-v2 would refuse the pod at admission).
    for (set, key) in [
        (
            "postgresql.podSecurityContext.runAsUser=1001",
            "postgresql.podSecurityContext.runAsUser",
        ),
        (
            "minio.securityContext.runAsGroup=0",
            "minio.securityContext.runAsGroup",
        ),
        ("podSecurityContext.fsGroup=5", "podSecurityContext.fsGroup"),
        (
            "securityContext.runAsUser=1001",
            "securityContext.runAsUser",
        ),
        (
            "extraContainers[0].name=s,extraContainers[0].image=busybox:1,extraContainers[0].securityContext.runAsUser=5",
            "extraContainers[0].securityContext.runAsUser",
        ),
        (
            "minio.podSecurityContext.seccompProfile.type=Localhost,minio.podSecurityContext.seccompProfile.localhostProfile=x.json",
            "minio.podSecurityContext.seccompProfile.type",
        ),
    ] {
        let r = render(&["--set", "openshift=true", "--set", set]);
        assert_ne!(r.code, 0, "{set}");
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(key), "{set}: {}", r.stderr);
    }
    // extraObjects too: no pod of the render names an ID under openshift.
    let dir = common::scratch_root().join("os");
    std::fs::create_dir_all(&dir).unwrap();
    let eo = dir.join("eo.yaml");
    std::fs::write(
        &eo,
        "openshift: true\nextraObjects:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: extra}\n    spec:\n      selector: {matchLabels: {a: b}}\n      template:\n        metadata: {labels: {a: b}}\n        spec:\n          securityContext: {runAsUser: 1000}\n          containers: [{name: c, image: \"busybox:1\"}]\n",
    )
    .unwrap();
    let r = render(&["-f", eo.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("Deployment/extra") && r.stderr.contains("runAsUser"),
        "{}",
        r.stderr
    );
    // Off (the default), every pod names its IDs.
    for (what, spec) in pod_specs(&docs(&["--set", "replicaCount=2,MLFlow.gc.enabled=true"])) {
        assert_eq!(spec["securityContext"]["runAsUser"], 10001, "{what}");
        assert_eq!(spec["securityContext"]["fsGroup"], 10001, "{what}");
    }
    // OpenShift's DNS answers on 5353: every policy that allows DNS allows it.
    for np in on.iter().filter(|d| d["kind"] == "NetworkPolicy") {
        for rule in np["spec"]["egress"].as_array().into_iter().flatten() {
            let ports = rule["ports"].as_array().cloned().unwrap_or_default();
            if ports.iter().any(|p| p["port"] == 53) {
                for proto in ["UDP", "TCP"] {
                    assert!(
                        ports
                            .iter()
                            .any(|p| p["port"] == 5353 && p["protocol"] == proto),
                        "{}: 5353/{proto}",
                        np["metadata"]["name"]
                    );
                }
            }
        }
    }
}

/// PostgreSQL's and MinIO's pods take their own security contexts, merged over the
/// restricted default, and the restricted profile still holds.
#[test]
fn each_component_has_its_own_security_context() {
    let d = docs(&[
        "--set",
        "postgresql.podSecurityContext.fsGroupChangePolicy=OnRootMismatch,postgresql.securityContext.readOnlyRootFilesystem=true,minio.podSecurityContext.runAsUser=20000,minio.podSecurityContext.runAsGroup=20000",
    ]);
    let sts = |c: &str| kind(&d, "StatefulSet", c)[0]["spec"]["template"]["spec"].clone();
    let pg = sts("postgresql");
    assert_eq!(
        pg["securityContext"]["fsGroupChangePolicy"],
        "OnRootMismatch"
    );
    assert_eq!(
        pg["securityContext"]["runAsUser"], 10001,
        "the default stays under the merge"
    );
    let minio = sts("minio");
    assert_eq!(minio["securityContext"]["runAsUser"], 20000);
    assert!(
        minio["securityContext"]
            .get("fsGroupChangePolicy")
            .is_none()
    );
    // The MLflow pod is not touched by theirs.
    let tracking = kind(&d, "Deployment", "tracking")[0];
    assert_eq!(
        tracking["spec"]["template"]["spec"]["securityContext"]["runAsUser"],
        10001
    );
    // Weakening the restricted profile is refused, naming the component's key.
    let r = render(&[
        "--set",
        "postgresql.securityContext.allowPrivilegeEscalation=true",
    ]);
    assert_ne!(r.code, 0);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("allowPrivilegeEscalation"),
        "{}",
        r.stderr
    );
}

fn values_file(name: &str, text: &str) -> String {
    common::scratch_file("day-two", name, text)
        .to_string_lossy()
        .into_owned()
}

/// `diff` names the changes Kubernetes refuses in place, what to do instead, the data
/// migrations, and the data a rename leaves behind; in text and in `-o json`.
#[test]
fn diff_preflight_names_refusals_migrations_and_data_left_behind() {
    let base = values_file(
        "base.yaml",
        "oauth2Proxy:\n  clientID: c\n  oidc: {oidc_issuer_url: \"https://kc.example.org/r\"}\n",
    );
    let up = values_file(
        "up.yaml",
        "postgresql:\n  persistence: {size: 16Gi}\n  image: {tag: \"18.1\"}\nimage: {tag: v3.18.0-full}\n",
    );
    let diff = |new: &[&str], json: bool| {
        let mut a = vec!["diff", "--values-old", &base];
        for f in new {
            a.extend(["--values-new", f]);
        }
        if json {
            a.extend(["-o", "json"]);
        }
        common::run(&a, None)
    };
    let same = diff(&[&base], false);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(!same.stdout.contains("refuse") && !same.stdout.contains("migrations"));
    let r = diff(&[&base, &up], false);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Kubernetes will refuse 1 of these changes in place:"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(
        "StatefulSet/default/mlflow-postgresql: a StatefulSet's spec may change only in"
    ));
    assert!(r.stdout.contains("kubectl -n default patch pvc with the new spec.resources.requests.storage: data-mlflow-postgresql-0;"));
    assert!(r.stdout.contains("--cascade=orphan"));
    assert!(r.stdout.contains("Data migrations on the next start (2):"));
    assert!(r.stdout.contains("ghcr.io/mlflow/mlflow:v3.17.2-full → ghcr.io/mlflow/mlflow:v3.18.0-full: the db-upgrade step migrates"));
    assert!(
        r.stdout.contains(
            "postgres:17.6 → docker.io/library/postgres:18.1: a PostgreSQL major version"
        )
    );
    // Back to an older MLflow: the step refuses a revision it does not know.
    let down = values_file("down.yaml", "image: {tag: v3.16.0-full}\n");
    let r = diff(&[&base, &down], false);
    assert!(
        r.stdout
            .contains("→ ghcr.io/mlflow/mlflow:v3.16.0-full: an older MLflow than the one before")
            && r.stdout.contains("exits 3"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout
            .contains("v3.16.0-full: the db-upgrade step migrates")
    );
    let j: Value = serde_json::from_str(&diff(&[&base, &up], true).stdout).unwrap();
    assert_eq!(
        j["preflight"]["refused"][0]["fields"],
        serde_json::json!(["spec.volumeClaimTemplates"])
    );
    assert_eq!(j["preflight"]["migrations"].as_array().unwrap().len(), 2);
    // nameOverride renames every object: the new StatefulSets start on empty volumes.
    let renamed = values_file("renamed.yaml", "nameOverride: tracking\n");
    let r = diff(&[&base, &renamed], false);
    assert!(r.stdout.contains("Data left behind (2):"), "{}", r.stdout);
    assert!(r.stdout.contains("StatefulSet/default/mlflow-postgresql (removed): data-mlflow-postgresql-0: kubectl does not delete them, and nothing uses them"));
    // A selector change in place (same names, other labels) is refused.
    let relabel = values_file(
        "relabel.yaml",
        "nameOverride: tracking\nfullnameOverride: mlflow\n",
    );
    let r = diff(&[&base, &relabel], false);
    assert!(
        r.stdout
            .contains("Deployment/default/mlflow: spec.selector is immutable"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("kubectl -n default delete deployment mlflow")
    );
}

/// `diff` says what applying does beyond the changes, from two renders of the chart:
/// a rotated client secret leaves the pods on the old one, autoscaling after four
/// replicas drops to one, another bucket strands the artifacts, another KEK Secret
/// strands MLflow's encrypted secrets; the Secret names the chart lists are shown.
#[test]
fn diff_says_what_applying_does_beyond_the_changes() {
    let base = values_file(
        "effects-base.yaml",
        "oauth2Proxy:\n  clientID: c\n  clientSecret: first-client-secret\n  oidc: {oidc_issuer_url: \"https://kc.example.org/r\"}\nreplicaCount: 4\n",
    );
    let rotated = values_file(
        "effects-rotated.yaml",
        "oauth2Proxy:\n  clientSecret: second-client-secret\n",
    );
    let scaled = values_file(
        "effects-hpa.yaml",
        "autoscaling: {enabled: true, minReplicas: 4, maxReplicas: 8}\n",
    );
    let moved = values_file(
        "effects-bucket.yaml",
        "MLFlow:\n  artifacts: {bucketName: other-bucket}\n",
    );
    let kek = values_file(
        "effects-kek.yaml",
        "MLFlow:\n  crypto: {existingSecret: my-kek}\n",
    );
    let run_diff = |new: &str| {
        let r = common::run(
            &[
                "diff",
                "--values-old",
                &base,
                "--values-new",
                &base,
                "--values-new",
                new,
            ],
            None,
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        r
    };
    let diff = |new: &str| {
        let r = run_diff(new);
        assert!(
            r.stdout.contains("What applying does beyond the changes"),
            "{}",
            r.stdout
        );
        assert!(
            !r.stdout.contains("client-secret\n") && !r.stdout.contains("second-client-secret")
        );
        r.stdout
    };
    assert!(diff(&rotated).contains("rollout restart deployment/mlflow"));
    assert!(diff(&scaled).contains("spec.replicas (4) is no longer set"));
    let out = diff(&moved);
    assert!(
        out.contains("the artifact store moves from s3://mlflow at ")
            && out.contains(" to s3://other-bucket at "),
        "{out}"
    );
    // Only the MinIO Service's port changes: the same pods and volume, nothing moves.
    let port = values_file(
        "effects-port.yaml",
        "minio:\n  service: {ports: {api: 80}}\n",
    );
    let r = run_diff(&port);
    assert!(r.stdout.contains("http://mlflow-minio:80"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("the artifact store moves"),
        "{}",
        r.stdout
    );
    // MinIO moved out of the release under the same name: its data stays behind.
    let out_of_release = values_file(
        "effects-out.yaml",
        "services: {minio: {enabled: false}}\ns3: {url: \"http://mlflow-minio:13333\", secret: s3}\n",
    );
    let out = diff(&out_of_release);
    assert!(out.contains("the artifact store moves"), "{out}");
    let out = diff(&kek);
    assert!(
        out.contains("KEK passphrase now comes from Secret my-kek"),
        "{out}"
    );
    // The chart's list of Secrets a workload needs is names, shown as they are.
    assert!(
        out.contains("mlflow-chart.io/secrets-outside")
            && out.contains("my-kek")
            && !out.contains("secrets-outside: (hidden"),
        "{out}"
    );
}

/// The rendered guard of the PostgreSQL pod, run with `sh` against data volumes laid out
/// as the official image, bitnami's chart, or nothing left them.
#[test]
fn postgresql_never_initialises_over_another_layout() {
    let guard = |extra: &[&str]| -> (String, String) {
        let d = docs(extra);
        let sts = kind(&d, "StatefulSet", "postgresql")[0];
        let c = &sts["spec"]["template"]["spec"]["initContainers"][0];
        assert_eq!(c["command"][0], "sh");
        let pgdata = c["env"][0]["value"].as_str().unwrap().to_string();
        let main_pgdata = sts["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "PGDATA")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(pgdata, main_pgdata, "the guard checks the server's PGDATA");
        (c["command"][2].as_str().unwrap().to_string(), pgdata)
    };
    let (script, pgdata) = guard(&[]);
    assert_eq!(pgdata, "/var/lib/postgresql/data/pgdata");
    let base = common::scratch_root().join("guard");
    let run = |case: &str, dir: &str, layout: &[(&str, &str)]| -> (bool, String) {
        let root = base.join(case);
        std::fs::create_dir_all(&root).unwrap();
        for (path, text) in layout {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            if !path.ends_with('/') {
                std::fs::write(&p, text).unwrap();
            }
        }
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .env("PGDATA", root.join(dir))
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Initialised by the official image, or empty (a fresh volume with lost+found): go on.
    assert!(
        run(
            "ours",
            "pgdata",
            &[("pgdata/PG_VERSION", "17\n"), ("lost+found/", "")]
        )
        .0
    );
    assert!(run("empty", "pgdata", &[("lost+found/", "")]).0);
    assert!(run("failed-initdb", "pgdata", &[("pgdata/", "")]).0);
    // bitnami's layout: refused, naming what it found and both ways forward.
    let (ok, err) = run(
        "bitnami",
        "pgdata",
        &[
            ("data/PG_VERSION", "16\n"),
            ("data/base/1", "x"),
            ("conf/postgresql.conf", ""),
        ],
    );
    assert!(!ok);
    assert!(err.contains("refusing to initialise PostgreSQL"), "{err}");
    assert!(err.contains("data/PG_VERSION says PostgreSQL 16"), "{err}");
    assert!(
        err.contains("docs/migration.md") && err.contains("postgresql.persistence.dataDirectory"),
        "{err}"
    );
    // Any other leftover is refused too.
    assert!(!run("other", "pgdata", &[("something-else.txt", "x")]).0);
    // Adopted deliberately: the guard checks the chosen directory.
    let (script2, pgdata2) = guard(&["--set", "postgresql.persistence.dataDirectory=data"]);
    assert_eq!(pgdata2, "/var/lib/postgresql/data/data");
    assert_eq!(script, script2);
    assert!(run("bitnami", "data", &[]).0);
    let _ = std::fs::remove_dir_all(&base);
    for bad in ["..", "a/b", "lost+found", ""] {
        let r = render(&[
            "--set",
            &format!("postgresql.persistence.dataDirectory={bad}"),
            "--skip-schema-validation",
        ]);
        assert_ne!(r.code, 0, "{bad}");
        assert!(
            r.stderr.contains("postgresql.persistence.dataDirectory"),
            "{bad}: {}",
            r.stderr
        );
    }
}

/// A Job's pod template is immutable: whenever the values change a chart Job's template,
/// its name changes too (so apply creates a new Job instead of failing), and no
/// credential's value reaches the name.
#[test]
fn chart_jobs_are_renamed_whenever_their_template_changes() {
    let jobs = |extra: &[&str]| -> Vec<(String, String, Value)> {
        docs(extra)
            .into_iter()
            .filter(|d| d["kind"] == "Job")
            .map(|d| {
                (
                    d["metadata"]["labels"]["app.kubernetes.io/component"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    d["metadata"]["name"].as_str().unwrap().to_string(),
                    d["spec"]["template"].clone(),
                )
            })
            .collect()
    };
    let base = jobs(&[]);
    for set in [
        "imagePullSecrets[0].name=regcred",
        "trustedCA.secret=ca",
        "minio.auth.existingSecret=m",
        "postgresql.auth.existingSecret=p",
        "oauth2Proxy.secret=o",
        "postgresql.auth.password=p",
        "minio.auth.rootPassword=averylongpassword",
        "bucketInit.resources.limits.memory=256Mi",
        "MLFlow.artifacts.bucketName=models",
    ] {
        for (component, name, template) in jobs(&["--set", set]) {
            let Some((_, old_name, old_template)) = base.iter().find(|(c, ..)| *c == component)
            else {
                continue;
            };
            if *old_template != template {
                assert_ne!(
                    *old_name, name,
                    "{set}: {component} changed its template but kept its name"
                );
            }
        }
    }
    // Two users paired with passwords, one name, too.
    assert_eq!(
        jobs(&[
            "--set",
            "minio.auth.rootUser=admin,minio.auth.rootPassword=averylongpassword"
        ]),
        jobs(&[
            "--set",
            "minio.auth.rootUser=admin2,minio.auth.rootPassword=averylongpassword"
        ])
    );
    // Two passwords, one name: the value is not in the hash.
    assert_eq!(
        jobs(&["--set", "postgresql.auth.password=first-password"]),
        jobs(&["--set", "postgresql.auth.password=other-password"])
    );
}

/// `diff` reads a `render -o json` stream (one `kind: List`) as the objects it holds, as
/// kubectl and `validate` do: the same preflight as for YAML, and a YAML render against a
/// JSON render of the same values is unchanged. Objects it cannot key are refused.
#[test]
fn diff_reads_lists_and_refuses_objects_it_cannot_key() {
    let write = |name: &str, args: &[&str]| {
        let r = render(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        values_file(name, &r.stdout)
    };
    let old_json = write("old.json", &["-o", "json"]);
    let new_json = write(
        "new.json",
        &["-o", "json", "--set", "postgresql.persistence.size=16Gi"],
    );
    let old_yaml = write("old.yaml", &[]);
    let r = common::run(&["diff", &old_json, &new_json], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Kubernetes will refuse 1 of these changes in place")
            && r.stdout.contains("! StatefulSet/default/mlflow-postgresql"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("List/"), "{}", r.stdout);
    let r = common::run(&["diff", &old_yaml, &old_json], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("0 added, 0 removed, 0 changed"),
        "{}",
        r.stdout
    );
    for (name, text, said) in [
        (
            "dup.yaml",
            "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata: {a: '1'}\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata: {a: '2'}\n",
            "defined twice, differently",
        ),
        (
            "noname.yaml",
            "kind: ConfigMap\napiVersion: v1\nmetadata: {}\n",
            "no metadata.name",
        ),
        (
            "boolns.yaml",
            "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x, namespace: false}\n",
            "metadata.namespace is not a string",
        ),
    ] {
        let bad = values_file(name, text);
        let r = common::run(&["diff", &bad, &old_yaml], None);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}");
        assert!(
            r.stderr.contains(said) && r.stderr.contains(name),
            "{name}: {}",
            r.stderr
        );
    }
    // The same definition twice is one object.
    let twice = values_file(
        "twice.yaml",
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n",
    );
    // An empty namespace is none.
    let empty = values_file(
        "empty-ns.yaml",
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x, namespace: \"\"}\n---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n",
    );
    for old in [&twice, &empty] {
        let r = common::run(&["diff", old, &twice], None);
        assert_eq!(r.code, 0, "{old}: {}", r.stderr);
        assert!(r.stdout.contains("1 unchanged"), "{old}: {}", r.stdout);
    }
}

/// PostgreSQL takes MLflow's role, database and passwords once, on its first start: the
/// preflight names every later change of them (docker-library/postgres
/// docker-entrypoint.sh runs initialisation only without DATABASE_ALREADY_EXISTS).
#[test]
fn diff_names_database_credentials_the_database_keeps() {
    let generated = values_file("cred-gen.yaml", "oauth2Proxy: {enabled: false}\n");
    let explicit = values_file(
        "cred-a.yaml",
        "oauth2Proxy: {enabled: false}\npostgresql: {auth: {password: pw-Kq7a}}\n",
    );
    let changed = values_file(
        "cred-b.yaml",
        "oauth2Proxy: {enabled: false}\npostgresql: {auth: {password: pw-Kq7b}}\n",
    );
    let renamed = values_file(
        "cred-n.yaml",
        "oauth2Proxy: {enabled: false}\npostgresql: {auth: {username: ml2, database: ml2}}\n",
    );
    // Only the superuser's given: MLflow's generated password moves to another generated
    // Secret, which the old password must be copied into before applying.
    let superuser_only = values_file(
        "cred-su.yaml",
        "oauth2Proxy: {enabled: false}\npostgresql: {auth: {postgresPassword: pw-Kq7c}}\n",
    );
    let diff = |a: &str, b: &str| {
        let r = common::run(&["diff", "--values-old", a, "--values-new", b], None);
        assert!(!r.stdout.contains("pw-Kq7"), "{}", r.stdout);
        r.stdout
    };
    for (a, b, said) in [
        (
            &explicit,
            &changed,
            "(MLFLOW_DB_PASSWORD): the password in Secret mlflow-postgresql (key password) changes",
        ),
        (
            &explicit,
            &generated,
            "(MLFLOW_DB_PASSWORD): Secret mlflow-postgresql is no longer rendered",
        ),
        (
            &generated,
            &explicit,
            "(MLFLOW_DB_PASSWORD): Secret mlflow-postgresql is now rendered",
        ),
        (
            &generated,
            &superuser_only,
            "Before applying, make mlflow-postgresql-generated with the old password: kubectl -n default create secret generic mlflow-postgresql-generated --from-literal=password=\"$(kubectl -n default get secret mlflow-postgresql -o jsonpath='{.data.password}' | base64 -d)\"",
        ),
        (
            &generated,
            &renamed,
            "(MLFLOW_DB_USER): MLflow's database role is made only on the first start",
        ),
        (
            &generated,
            &renamed,
            "(MLFLOW_DB_NAME): MLflow's database is made only on the first start",
        ),
    ] {
        let out = diff(a, b);
        assert!(
            out.contains("Credentials the running database keeps"),
            "{out}"
        );
        assert!(out.contains(said), "{said}: {out}");
    }
    let out = diff(&explicit, &explicit);
    assert!(!out.contains("Credentials"), "{out}");
    let r = common::run(
        &[
            "diff",
            "--values-old",
            &explicit,
            "--values-new",
            &changed,
            "-o",
            "json",
        ],
        None,
    );
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        j["preflight"]["credentials"][0]["variable"],
        "MLFLOW_DB_PASSWORD"
    );
}

/// What the independent review of the preflight found: a Secret given before and
/// generated now leaves pods without a key, a database moved through the URI's query,
/// Pods and Jobs as the API server updates them, and `-o yaml`.
#[test]
fn diff_names_what_a_kept_secret_and_a_moved_query_break() {
    let base = values_file(
        "review-base.yaml",
        "oauth2Proxy: {clientID: mlflow, oidc: {oidc_issuer_url: \"https://keycloak.example.org/realms/mlflow\"}}\n",
    );
    let given = |name: &str, text: &str| values_file(name, text);
    let diff = |old: &[&str], new: &[&str], output: Option<&str>| {
        let mut a = vec!["diff"];
        for f in old {
            a.extend(["--values-old", f]);
        }
        for f in new {
            a.extend(["--values-new", f]);
        }
        if let Some(o) = output {
            a.extend(["-o", o]);
        }
        let r = common::run(&a, None);
        assert!(r.code < 2, "{}", r.stderr);
        r.stdout
    };
    // MinIO's root password given, then generated: the kept Secret lacks root-user.
    let minio = given(
        "review-minio.yaml",
        "minio: {auth: {rootPassword: MINIOPW12345}}\n",
    );
    let j: Value = serde_json::from_str(&diff(&[&base, &minio], &[&base], Some("json"))).unwrap();
    let effects = j["preflight"]["effects"].as_array().unwrap();
    let e = effects
        .iter()
        .find(|e| e["object"] == "Secret/default/mlflow-minio")
        .unwrap_or_else(|| panic!("{effects:?}"));
    let what = e["what"].as_str().unwrap();
    assert!(
        what.contains("lacks key root-user,")
            && what.contains("StatefulSet/default/mlflow-minio")
            && what.contains("Deployment/default/mlflow")
            && what.contains("kubectl -n default delete secret mlflow-minio")
            && !what.contains("MINIOPW12345"),
        "{what}"
    );
    // PostgreSQL's: the advice is to keep giving it, not to keep the Secret.
    let pg = given(
        "review-pg.yaml",
        "postgresql: {auth: {password: PW1111111111}}\n",
    );
    let out = diff(&[&base, &pg], &[&base], None);
    let said = out
        .lines()
        .find(|l| l.contains("(MLFLOW_DB_PASSWORD)"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        said.contains("lacks key postgres-password")
            && said.contains("Keep giving the password")
            && !said.contains("out of the prune"),
        "{said}"
    );
    assert!(!out.contains("PW1111111111"));
    // The tracking store moves through the URI's query (libpq's keywords), not for sslmode.
    let uri = |name: &str, uri: &str| {
        given(
            name,
            &format!("services: {{postgres: {{enabled: false, externalURI: \"{uri}\"}}}}\n"),
        )
    };
    let plain = uri("review-uri.yaml", "postgresql://u@db.example.org/mlflow");
    for (i, query) in [
        "host=other.example.org",
        "dbname=other",
        "options=-csearch_path%3Dother",
    ]
    .iter()
    .enumerate()
    {
        let moved = uri(
            &format!("review-uri-{i}.yaml"),
            &format!("postgresql://u@db.example.org/mlflow?{query}"),
        );
        let out = diff(&[&base, &plain], &[&base, &moved], None);
        assert!(out.contains("the tracking store"), "{query}: {out}");
    }
    let ssl = uri(
        "review-uri-ssl.yaml",
        "postgresql://u@db.example.org/mlflow?sslmode=require",
    );
    assert!(!diff(&[&base, &plain], &[&base, &ssl], None).contains("the tracking store"));
    // A Pod's environment is refused; a Job that only gains parallelism is not.
    let objects = |name: &str, value: &str, parallelism: &str| {
        given(
            name,
            &format!(
                "extraObjects:\n  - {{apiVersion: v1, kind: Pod, metadata: {{name: probe}}, spec: {{containers: [{{name: c, image: \"busybox:1.36\", env: [{{name: A, value: \"{value}\"}}]}}]}}}}\n  - {{apiVersion: batch/v1, kind: Job, metadata: {{name: once}}, spec: {{{parallelism}template: {{spec: {{restartPolicy: Never, containers: [{{name: c, image: \"busybox:1.36\"}}]}}}}}}}}\n"
            ),
        )
    };
    let a = objects("review-objects-a.yaml", "1", "");
    let b = objects("review-objects-b.yaml", "2", "parallelism: 3, ");
    let j: Value = serde_json::from_str(&diff(&[&base, &a], &[&base, &b], Some("json"))).unwrap();
    let refused = j["preflight"]["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["object"], "Pod/default/probe");
    assert_eq!(refused[0]["fields"], serde_json::json!(["spec.containers"]));
    // `-o yaml` is the JSON report's structure as YAML; the default is the human report.
    let json: Value =
        serde_json::from_str(&diff(&[&base, &a], &[&base, &b], Some("json"))).unwrap();
    let yaml: Value =
        serde_saphyr::from_str(&diff(&[&base, &a], &[&base, &b], Some("yaml"))).unwrap();
    assert_eq!(json, yaml);
    let text = diff(&[&base, &a], &[&base, &b], None);
    assert!(
        text.contains("Kubernetes will refuse 1 of these changes"),
        "{text}"
    );
    assert_eq!(text, diff(&[&base, &a], &[&base, &b], Some("text")));
}

/// Runs `diff OLD NEW` over two manifests given as text (plus `extra` flags).
fn diff_manifests(name: &str, old: &str, new: &str, extra: &[&str]) -> common::Run {
    let a = values_file(&format!("{name}-old.yaml"), old);
    let b = values_file(&format!("{name}-new.yaml"), new);
    let mut args = vec!["diff", a.as_str(), b.as_str()];
    args.extend(extra);
    let r = common::run(&args, None);
    assert!(r.code < 2, "{}", r.stderr);
    r
}

/// A StatefulSet in the form `diff` tests use: `namespace` (if any) and `serviceName`.
fn statefulset(namespace: &str, service: &str) -> String {
    let ns = if namespace.is_empty() {
        String::new()
    } else {
        format!(", namespace: {namespace}")
    };
    format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: s{ns}}}\nspec:\n  serviceName: {service}\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers: [{{name: c, image: \"nginx:1.27\"}}]\n  volumeClaimTemplates:\n  - metadata: {{name: data}}\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources: {{requests: {{storage: 1Gi}}}}\n"
    )
}

/// An object without `metadata.namespace` (as `helm get manifest` prints one) is in the
/// namespace `-n` names (default: `default`), as `kubectl apply -n` puts it: the same
/// object as the one that names it, so its immutable fields are checked and nothing is
/// said to be left behind. Cluster-scoped kinds stay without one; a custom kind is
/// namespaced when an object of it names a namespace.
#[test]
fn diff_puts_objects_without_a_namespace_in_the_diff_namespace() {
    let r = diff_manifests(
        "nons",
        &statefulset("", "hl"),
        &statefulset("default", "hl2"),
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("0 added, 0 removed, 1 changed, 0 unchanged")
            && r.stdout
                .contains("! StatefulSet/default/s: a StatefulSet's spec")
            && r.stdout.contains("(spec.serviceName)")
            && !r.stdout.contains("Data left behind"),
        "{}",
        r.stdout
    );
    // The same object, written with and without its namespace, is unchanged.
    let r = diff_manifests(
        "nons-same",
        &statefulset("", "hl"),
        &statefulset("default", "hl"),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Under `-n ml` it is another object than the one in `default`.
    let r = diff_manifests(
        "nons-ml",
        &statefulset("", "hl"),
        &statefulset("default", "hl"),
        &["-n", "ml"],
    );
    assert!(
        r.stdout.contains("- StatefulSet/ml/s (removed)")
            && r.stdout.contains("+ StatefulSet/default/s (added)"),
        "{}",
        r.stdout
    );
    let r = diff_manifests(
        "nons-ml-same",
        &statefulset("", "hl"),
        &statefulset("ml", "hl"),
        &["--namespace", "ml"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // A ClusterRole has no namespace; a custom kind one of whose objects names a
    // namespace is namespaced.
    let r = diff_manifests(
        "nons-scope",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []\n---\napiVersion: example.org/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []\n---\napiVersion: example.org/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {size: 2}\n",
        &[],
    );
    assert!(
        r.stdout.contains("~ Widget/default/w (changed)")
            && r.stdout
                .contains("0 added, 0 removed, 1 changed, 1 unchanged"),
        "{}",
        r.stdout
    );
    // A cluster-scoped object that names a namespace (Helm charts often write one on a
    // ClusterRole) is stored without it (rest.BeforeCreate): the same object, and two
    // different definitions of it are one object defined twice.
    let role = |ns: &str, verb: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: cr{ns}}}\nrules: [{{apiGroups: [\"\"], resources: [pods], verbs: [{verb}]}}]\n"
        )
    };
    let r = diff_manifests(
        "cluster-ns",
        &role("", "get"),
        &role(", namespace: ml", "get"),
        &["-n", "ml"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let twice = format!("{}---\n{}", role("", "get"), role(", namespace: x", "list"));
    let twice = values_file("cluster-ns-twice.yaml", &twice);
    let r = common::run(&["diff", &twice, &twice], None);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("defined twice, differently"),
        "{}",
        r.stderr
    );
}

/// An indexed Job with `completionMode: Indexed`, `completions` and `parallelism`.
fn indexed_job(completions: u32, parallelism: u32) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: j, namespace: default}}\nspec:\n  completionMode: Indexed\n  completions: {completions}\n  parallelism: {parallelism}\n  backoffLimitPerIndex: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - {{name: c, image: \"busybox:1.36\", command: [echo, a]}}\n"
    )
}

/// An Indexed Job may change its completions together with its parallelism, to the same
/// number (validateCompletions, ElasticIndexedJob); otherwise completions are immutable.
#[test]
fn diff_lets_an_indexed_job_scale_completions_with_parallelism() {
    let r = diff_manifests("elastic", &indexed_job(3, 3), &indexed_job(5, 5), &[]);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains("refuse"), "{}", r.stdout);
    let r = diff_manifests("elastic-no", &indexed_job(3, 3), &indexed_job(5, 3), &[]);
    assert!(
        r.stdout
            .contains("Kubernetes will refuse 1 of these changes in place")
            && r.stdout.contains("(spec.completions)"),
        "{}",
        r.stdout
    );
    // A NonIndexed Job's completions never change.
    let plain = |n: u32| indexed_job(n, n).replace("Indexed", "NonIndexed");
    let r = diff_manifests("elastic-plain", &plain(3), &plain(5), &[]);
    assert!(r.stdout.contains("(spec.completions)"), "{}", r.stdout);
}

/// An EndpointSlice's addressType is immutable (ValidateEndpointSliceUpdate).
#[test]
fn diff_refuses_another_endpointslice_address_type() {
    let slice = |kind: &str, address: &str| {
        format!(
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {{name: ext-db-1, namespace: default, labels: {{kubernetes.io/service-name: ext-db}}}}\naddressType: {kind}\nports: [{{name: pg, port: 5432, protocol: TCP}}]\nendpoints: [{{addresses: [\"{address}\"]}}]\n"
        )
    };
    let r = diff_manifests(
        "eps",
        &slice("IPv4", "10.1.2.3"),
        &slice("FQDN", "db.example.org"),
        &[],
    );
    assert!(
        r.stdout.contains(
            "! EndpointSlice/default/ext-db-1: an EndpointSlice's addressType never changes (addressType)"
        ) && r
            .stdout
            .contains("kubectl -n default delete endpointslice ext-db-1, then apply"),
        "{}",
        r.stdout
    );
    let r = diff_manifests(
        "eps-same-type",
        &slice("IPv4", "10.1.2.3"),
        &slice("IPv4", "10.1.2.4"),
        &[],
    );
    assert!(!r.stdout.contains("refuse"), "{}", r.stdout);
}

/// A claim the render holds (an `extraObjects` one), removed or renamed: a prune deletes
/// it, with its volume under a Delete reclaim policy, and a new claim starts empty.
#[test]
fn diff_names_a_removed_claim_as_data_left_behind() {
    let claim = |name: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 5Gi}}}}\n"
        )
    };
    let r = diff_manifests("pvc-renamed", &claim("shared"), &claim("shared2"), &[]);
    let said = r
        .stdout
        .lines()
        .find(|l| l.contains("! PersistentVolumeClaim/default/shared (removed)"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        r.stdout.contains("Data left behind (1):")
            && said.contains("a prune")
            && said.contains("Delete reclaim policy")
            && said.contains("PersistentVolumeClaim/default/shared2 start empty"),
        "{said}"
    );
    // Removed without a successor: no claim starts empty.
    let r = diff_manifests(
        "pvc-removed",
        &format!("{}---\n{}", claim("shared"), claim("other")),
        &claim("other"),
        &[],
    );
    assert!(
        r.stdout.contains("Data left behind (1):") && !r.stdout.contains("start empty"),
        "{}",
        r.stdout
    );
}

/// A Service whose old render left its cluster IP to the cluster and whose new one sets
/// one: refused unless it is the allocated IP, which the render cannot know (a warning);
/// a new headless one is refused.
#[test]
fn diff_warns_about_a_cluster_ip_set_where_it_was_allocated() {
    let service = |ip: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: s, namespace: default}}\nspec:\n  selector: {{a: b}}\n  ports: [{{port: 80}}]\n{ip}"
        )
    };
    let r = diff_manifests(
        "svc-ip",
        &service(""),
        &service("  clusterIP: 10.0.0.5\n"),
        &[],
    );
    assert!(
        !r.stdout.contains("Kubernetes will refuse")
            && r.stdout
                .contains("What applying does beyond the changes (1):")
            && r.stdout
                .contains("unless 10.0.0.5 is the IP the cluster allocated")
            && r.stdout
                .contains("kubectl -n default delete service s, then apply"),
        "{}",
        r.stdout
    );
    let r = diff_manifests(
        "svc-ips",
        &service(""),
        &service("  clusterIPs: [10.0.0.5]\n"),
        &[],
    );
    assert!(r.stdout.contains("unless 10.0.0.5 is"), "{}", r.stdout);
    let r = diff_manifests(
        "svc-none",
        &service(""),
        &service("  clusterIP: None\n"),
        &[],
    );
    assert!(
        r.stdout.contains("Kubernetes will refuse 1") && !r.stdout.contains("unless"),
        "{}",
        r.stdout
    );
    // Headless on both sides, said by another field: nothing changes.
    let r = diff_manifests(
        "svc-headless-by-list",
        &service("  clusterIP: None\n"),
        &service("  clusterIPs: [None]\n"),
        &[],
    );
    assert!(!r.stdout.contains("Kubernetes will refuse"), "{}", r.stdout);
    // The reverse: a headless Service whose new render leaves the IP out stays headless
    // (patchAllocatedValues copies the old None over the empty field).
    let r = diff_manifests(
        "svc-headless-dropped",
        &service("  clusterIP: None\n"),
        &service(""),
        &[],
    );
    assert!(
        !r.stdout.contains("Kubernetes will refuse")
            && r.stdout.contains("so the Service stays headless")
            && r.stdout
                .contains("kubectl -n default delete service s, then apply"),
        "{}",
        r.stdout
    );
}

/// A rollback with `MLFlow.migration.enabled: false` has no db-upgrade step to exit 3:
/// the server itself refuses the unknown revision.
#[test]
fn diff_advises_a_rollback_without_the_migration_step() {
    let base = values_file(
        "rollback-base.yaml",
        "oauth2Proxy: {clientID: c, oidc: {oidc_issuer_url: \"https://kc.example.org/r\"}}\nMLFlow: {migration: {enabled: false}}\n",
    );
    let older = values_file("rollback-older.yaml", "image: {tag: \"3.16.0\"}\n");
    let r = common::run(
        &[
            "diff",
            "--values-old",
            &base,
            "--values-new",
            &base,
            "--values-new",
            &older,
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("an older MLflow than the one before, and MLFlow.migration is off")
            && r.stdout.contains("refuses to start")
            && !r.stdout.contains("exits 3"),
        "{}",
        r.stdout
    );
}

/// A database name percent-encoded differently (`/m%6c`) is the same database: the
/// tracking store does not move.
#[test]
fn diff_reads_a_database_name_percent_decoded() {
    let base = values_file(
        "decoded-base.yaml",
        "oauth2Proxy: {clientID: c, oidc: {oidc_issuer_url: \"https://kc.example.org/r\"}}\nMLFlow: {migration: {enabled: false}}\n",
    );
    let uri = |name: &str, uri: &str| {
        values_file(
            name,
            &format!("services: {{postgres: {{enabled: false, externalURI: \"{uri}\"}}}}\n"),
        )
    };
    let plain = uri("decoded-uri.yaml", "postgresql://u@db.example.org/ml");
    let encoded = uri("decoded-uri-enc.yaml", "postgresql://u@db.example.org/m%6c");
    let r = common::run(
        &[
            "diff",
            "--values-old",
            &base,
            "--values-old",
            &plain,
            "--values-new",
            &base,
            "--values-new",
            &encoded,
        ],
        None,
    );
    assert!(r.code < 2, "{}", r.stderr);
    assert!(!r.stdout.contains("the tracking store"), "{}", r.stdout);
}

/// A claim read from the cluster while still Pending may not grow (only a bound claim's
/// request may change: validation.go:2425-2440 at v1.33.3), and a scale-down under
/// `whenScaled: Delete` names the claims it deletes; both from manifest files.
#[test]
fn diff_reads_a_claims_phase_and_a_statefulsets_retention_policy() {
    let claim = |size: &str, status: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: scratch, namespace: ml}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: {size}}}}}\n{status}"
        )
    };
    let old = values_file(
        "claim-old.yaml",
        &claim("5Gi", "status: {phase: Pending}\n"),
    );
    let new = values_file("claim-new.yaml", &claim("10Gi", ""));
    let r = common::run(&["diff", &old, &new], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("spec.resources.requests.storage (the claim is Pending, not Bound)"),
        "{}",
        r.stdout
    );
    let bound = values_file(
        "claim-bound.yaml",
        &claim("5Gi", "status: {phase: Bound}\n"),
    );
    let r = common::run(&["diff", &bound, &new], None);
    assert!(!r.stdout.contains("refuse"), "{}", r.stdout);

    let sts = |replicas: u32, policy: &str| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db, namespace: ml}}\nspec:\n  replicas: {replicas}\n  serviceName: db\n  selector: {{matchLabels: {{app: db}}}}\n  template:\n    metadata: {{labels: {{app: db}}}}\n    spec:\n      containers: [{{name: c, image: \"postgres:17\"}}]\n  volumeClaimTemplates:\n  - metadata: {{name: data}}\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources: {{requests: {{storage: 1Gi}}}}\n{policy}"
        )
    };
    let old = values_file("sts-old.yaml", &sts(1, ""));
    let new = values_file(
        "sts-new.yaml",
        &sts(
            0,
            "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}\n",
        ),
    );
    let r = common::run(&["diff", &old, &new], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "StatefulSet/ml/db: the scale-down deletes the claims data-db-0 and their data"
        ),
        "{}",
        r.stdout
    );
}

/// Objects that differ only as the API server does not tell apart (a quantity's spelling,
/// an empty map for an absent one) are unchanged in `diff`: applying the new render
/// changes nothing in them. A quantity of another amount is still a change.
#[test]
fn diff_compares_quantities_by_amount() {
    let base = values_file(
        "quantities-base.yaml",
        "oauth2Proxy:\n  clientID: c\n  oidc: {oidc_issuer_url: \"https://kc.example.org/r\"}\n",
    );
    let render_to = |name: &str, extra: &[&str]| {
        let mut a = vec!["render", "-q", "-f", &base];
        a.extend_from_slice(extra);
        let r = common::run(&a, None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        values_file(name, &r.stdout)
    };
    let old = render_to(
        "quantities-old.yaml",
        &[
            "--set",
            "postgresql.persistence.size=8Gi,resources.limits.memory=2Gi",
        ],
    );
    let same = render_to(
        "quantities-same.yaml",
        &[
            "--set",
            "postgresql.persistence.size=8192Mi,resources.limits.memory=2048Mi",
        ],
    );
    let more = render_to(
        "quantities-more.yaml",
        &[
            "--set",
            "postgresql.persistence.size=8Gi,resources.limits.memory=3Gi",
        ],
    );
    let r = common::run(&["diff", &old, &same], None);
    assert!(
        !r.stdout
            .contains("StatefulSet/default/mlflow-postgresql (changed)"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("Deployment/default/mlflow (changed)"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("refuse"), "{}", r.stdout);
    let r = common::run(&["diff", &old, &more], None);
    for said in [
        "Deployment/default/mlflow (changed)",
        "+            memory: 3Gi",
    ] {
        assert!(r.stdout.contains(said), "{said}: {}", r.stdout);
    }
}

/// `diff` refuses in place what the API server refuses on update (an independent attack
/// found these passed): a RuntimeClass's handler, what an events.k8s.io/v1 Event says, a
/// CustomResourceDefinition's scope or kind; a CRD's new version is no refusal.
#[test]
fn diff_refuses_runtime_class_event_and_crd_changes() {
    let crd = |scope: &str, kind: &str, versions: &str| {
        format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: widgets.example.org}}\nspec:\n  group: example.org\n  scope: {scope}\n  names: {{kind: {kind}, plural: widgets, singular: widget, listKind: WidgetList}}\n  versions: [{versions}]\n"
        )
    };
    let v1 = "{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}";
    let v2 = "{name: v2, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}";
    let event = |note: &str| {
        format!(
            "apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {{name: e, namespace: default}}\neventTime: \"2026-01-02T03:04:05.000000Z\"\ntype: Normal\nreason: Started\naction: Start\nreportingController: example.org/c\nreportingInstance: c-0\nregarding: {{kind: Pod, name: p, namespace: default}}\nnote: {note}\n"
        )
    };
    let rc = |handler: &str| {
        format!(
            "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {{name: sandbox}}\nhandler: {handler}\n"
        )
    };
    let stream = |parts: &[String]| parts.join("---\n");
    let old = values_file(
        "immutable-old.yaml",
        &stream(&[crd("Namespaced", "Widget", v1), event("first"), rc("runc")]),
    );
    let new = values_file(
        "immutable-new.yaml",
        &stream(&[crd("Cluster", "Gadget", v1), event("second"), rc("kata")]),
    );
    let r = common::run(&["diff", &old, &new], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for said in [
        "Kubernetes will refuse 3 of these changes in place:",
        "RuntimeClass/-/sandbox: a RuntimeClass's handler never changes (handler)",
        "Event/default/e: an Event of events.k8s.io/v1 may change only in its series and metadata (note)",
        "CustomResourceDefinition/-/widgets.example.org: a CustomResourceDefinition's group and plural never change, nor its scope and kind once established (spec.names.kind, spec.scope)",
    ] {
        assert!(r.stdout.contains(said), "{said}: {}", r.stdout);
    }
    let more = values_file(
        "immutable-more.yaml",
        &stream(&[
            crd("Namespaced", "Widget", &format!("{v1}, {v2}")),
            event("first"),
            rc("runc"),
        ]),
    );
    let r = common::run(&["diff", &old, &more], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("refuse"), "{}", r.stdout);
}

/// What the API server stores alike is no change to a Job's template: an env var's
/// `value: ""` and no value, an emptyDir's `medium: ""` and none (Go's `omitempty`), and
/// the deprecated `serviceAccount` beside the same `serviceAccountName` (an alias,
/// Convert_v1_PodSpec_To_core_PodSpec). Another value is still refused.
#[test]
fn a_job_template_stored_alike_is_not_refused() {
    let job = |pod: &str| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: j}}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n{pod}"
        )
    };
    let base = "      serviceAccountName: x\n      containers:\n      - {name: c, image: \"busybox:1.36\", env: [{name: A}], volumeMounts: [{name: t, mountPath: /t}]}\n      volumes:\n      - {name: t, emptyDir: {}}\n";
    let refused = |new: &str| {
        let r = diff_manifests("stored-alike", &job(base), &job(new), &["-o", "json"]);
        let j: Value = serde_json::from_str(&r.stdout).unwrap();
        j["preflight"]["refused"].as_array().map_or(0, Vec::len)
    };
    for alike in [
        base.replace("[{name: A}]", "[{name: A, value: \"\"}]"),
        base.replace("emptyDir: {}", "emptyDir: {medium: \"\"}"),
        base.replace(
            "      serviceAccountName: x\n",
            "      serviceAccountName: x\n      serviceAccount: x\n",
        ),
        base.replace("      serviceAccountName: x\n", "      serviceAccount: x\n"),
    ] {
        assert_eq!(refused(&alike), 0, "{alike}");
    }
    for other in [
        base.replace("[{name: A}]", "[{name: A, value: b}]"),
        base.replace("emptyDir: {}", "emptyDir: {medium: Memory}"),
        base.replace("      serviceAccountName: x\n", "      serviceAccount: y\n"),
    ] {
        assert_eq!(refused(&other), 1, "{other}");
    }
}
