//! Tokens for machines (`oauth2Proxy.machineTokens`): the proxy accepts projected
//! ServiceAccount tokens of the cluster's issuer for exactly the listed ServiceAccounts
//! (`--extra-jwt-issuers` + `--authenticated-emails-file`, OAuth2-Proxy v7.15.3), never
//! together with settings that would admit every ServiceAccount or none.

use crate::common;
use serde_json::Value;

const BASE: &str = "oauth2Proxy.clientID=c,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/r,oauth2Proxy.emailDomains=example.org";
const MT: &str = "oauth2Proxy.machineTokens.enabled=true,oauth2Proxy.machineTokens.issuer=https://kubernetes.default.svc.cluster.local,oauth2Proxy.machineTokens.serviceAccounts[0]=ml-jobs:trainer,oauth2Proxy.machineTokens.serviceAccounts[1]=ci:publisher";

fn render(extra: &[&str]) -> common::Run {
    let mut a = vec!["render", "mlflow", "-n", "mlflow", "--set", BASE];
    a.extend_from_slice(extra);
    common::run(&a, None)
}

fn proxy_args(d: &[Value]) -> Vec<String> {
    let dep = d
        .iter()
        .find(|x| x["kind"] == "Deployment" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    let c = dep["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "oauth2-proxy")
        .unwrap();
    c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn only_the_listed_service_accounts_of_the_issuer_are_admitted() {
    let d = common::documents(&render(&["--set", MT]));
    let args = proxy_args(&d);
    assert!(args.contains(&"--extra-jwt-issuers=https://kubernetes.default.svc.cluster.local=mlflow-chart:mlflow:mlflow".to_string()), "{args:?}");
    assert!(args.contains(&"--skip-jwt-bearer-tokens=true".to_string()));
    assert!(args.contains(&"--email-domain=example.org".to_string()));
    assert!(!args.iter().any(|a| a == "--email-domain=*"));
    let file = args
        .iter()
        .find_map(|a| a.strip_prefix("--authenticated-emails-file="))
        .expect("emails file");
    let (dir, key) = file.rsplit_once('/').unwrap();
    // The file is the ConfigMap's key, mounted read-only in the proxy container.
    let cm = d
        .iter()
        .find(|x| {
            x["kind"] == "ConfigMap" && x["metadata"]["name"] == "mlflow-oauth2-proxy-machines"
        })
        .expect("ConfigMap");
    assert_eq!(
        cm["data"][key],
        "system:serviceaccount:ml-jobs:trainer\nsystem:serviceaccount:ci:publisher\n"
    );
    let dep = d
        .iter()
        .find(|x| x["kind"] == "Deployment" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    let pod = &dep["spec"]["template"]["spec"];
    let proxy = pod["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "oauth2-proxy")
        .unwrap();
    let mount = proxy["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mountPath"] == dir)
        .expect("mount");
    assert_eq!(mount["readOnly"], true);
    let vol = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .unwrap();
    assert_eq!(vol["configMap"]["name"], cm["metadata"]["name"]);
    // The proxy may reach the issuer (its port and 6443), where networkPolicy.tokenIssuerTo says.
    let np = d
        .iter()
        .find(|x| x["kind"] == "NetworkPolicy" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    let has_6443 = |np: &Value| np["spec"]["egress"].to_string().contains("6443");
    assert!(has_6443(np));
    let d2 = common::documents(&render(&[
        "--set",
        MT,
        "--set",
        "networkPolicy.tokenIssuerTo[0].ipBlock.cidr=10.0.0.1/32,oauth2Proxy.machineTokens.audience=https://mlflow.example.org",
    ]));
    assert!(proxy_args(&d2).contains(&"--extra-jwt-issuers=https://kubernetes.default.svc.cluster.local=https://mlflow.example.org".to_string()));
    let np2 = d2
        .iter()
        .find(|x| x["kind"] == "NetworkPolicy" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    let rule = np2["spec"]["egress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r.to_string().contains("6443"))
        .unwrap();
    assert_eq!(rule["to"][0]["ipBlock"]["cidr"], "10.0.0.1/32");
    // Off: nothing of it is rendered.
    let off = common::documents(&render(&[]));
    assert!(
        !proxy_args(&off)
            .iter()
            .any(|a| a.contains("extra-jwt-issuers") || a.contains("authenticated-emails-file"))
    );
    assert!(
        !off.iter()
            .any(|x| x["metadata"]["name"] == "mlflow-oauth2-proxy-machines")
    );
    assert!(
        !off.iter().any(|x| x["kind"] == "NetworkPolicy"
            && has_6443(x)
            && x["metadata"]["name"] == "mlflow")
    );
}

#[test]
fn settings_that_would_admit_every_service_account_or_none_are_refused() {
    for (set, want) in [
        // "*" admits any subject, so any ServiceAccount with the audience, in any namespace.
        ("oauth2Proxy.emailDomains=*", "without \"*\""),
        ("oauth2Proxy.allowedGroups[0]=admins", "carry no groups"),
        (
            "oauth2Proxy.keycloak.allowed_roles=mlflow-user",
            "carry no groups",
        ),
        ("oauth2Proxy.machineTokens.issuer=", "issuer is empty"),
        (
            "oauth2Proxy.machineTokens.issuer=http://kubernetes.default.svc",
            "oauth2Proxy.machineTokens.issuer",
        ),
        (
            "oauth2Proxy.machineTokens.issuer=https://a.example.org/x=y",
            "must not contain ','",
        ),
        (
            "oauth2Proxy.machineTokens.audience=a\\,b",
            "must not contain ','",
        ),
        (
            "oauth2Proxy.machineTokens.audience=a=b",
            "must not contain ','",
        ),
        (
            "oauth2Proxy.machineTokens.serviceAccounts=null",
            "serviceAccounts is empty",
        ),
        (
            "oauth2Proxy.machineTokens.serviceAccounts[0]=trainer",
            "serviceAccounts[0]",
        ),
        (
            "oauth2Proxy.machineTokens.serviceAccounts[0]=Ml:trainer",
            "serviceAccounts[0]",
        ),
        (
            "oauth2Proxy.machineTokens.serviceAccounts[0]=ml:a:b",
            "serviceAccounts[0]",
        ),
        (
            "oauth2Proxy.machineTokens.serviceAccounts[0]=ml:",
            "serviceAccounts[0]",
        ),
        (
            "oauth2Proxy.machineTokens.serviceAccounts[0]=*:trainer",
            "serviceAccounts[0]",
        ),
        // pflag reads the flag as CSV: a bare '"' stops the proxy.
        ("oauth2Proxy.machineTokens.audience=a\"b", "'\"'"),
        (
            "oauth2Proxy.machineTokens.issuer=https://k.example.org/a\"b",
            "'\"'",
        ),
        // Kubernetes expands $(NAME) in arguments.
        (
            "oauth2Proxy.machineTokens.audience=https://m.example.org/$(X)",
            "must not contain '$'",
        ),
        (
            "oauth2Proxy.extraAudiences[0]=https://a.example.org/$(X)",
            "holds '$'",
        ),
        // Tokens for the API server are API credentials.
        (
            "oauth2Proxy.machineTokens.audience=https://kubernetes.default.svc.cluster.local",
            "API server's address",
        ),
        (
            "oauth2Proxy.machineTokens.audience=https://kubernetes.default.svc",
            "API server's address",
        ),
        (
            "oauth2Proxy.extraAudiences[0]=https://kubernetes.default.svc.cluster.local/",
            "extraAudiences",
        ),
        // Audiences other systems take ServiceAccount tokens for: the token MLflow
        // receives would be a credential there (k3s's API server, AWS STS, Entra, GCP).
        (
            "oauth2Proxy.machineTokens.audience=k3s",
            "k3s or RKE2 accepts",
        ),
        (
            "oauth2Proxy.machineTokens.audience=rke2",
            "k3s or RKE2 accepts",
        ),
        (
            "oauth2Proxy.machineTokens.audience=sts.amazonaws.com",
            "AWS STS",
        ),
        (
            "oauth2Proxy.machineTokens.audience=api://AzureADTokenExchange",
            "Microsoft Entra",
        ),
        (
            "oauth2Proxy.machineTokens.audience=//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k",
            "Google Cloud",
        ),
        (
            "oauth2Proxy.machineTokens.audience=my-proj.svc.id.goog",
            "Google Cloud",
        ),
        (
            "oauth2Proxy.machineTokens.audience=api://AzureADTokenExchangeUSGov",
            "Microsoft Entra",
        ),
        (
            "oauth2Proxy.machineTokens.audience=sts.amazonaws.com.cn",
            "AWS STS",
        ),
        (
            "oauth2Proxy.extraAudiences[0]=k3s",
            "extraAudiences[0] is an audience",
        ),
        (
            "oauth2Proxy.extraAudiences[0]=STS.amazonaws.com",
            "extraAudiences[0] is an audience",
        ),
        // Another email claim could be set to a ServiceAccount's line by a person.
        (
            "oauth2Proxy.oidc.oidc_email_claim=given_name",
            "oidc_email_claim",
        ),
        (
            "oauth2Proxy.machineTokens.serviceAccounts[2]=ml-jobs:trainer",
            "repeats ml-jobs:trainer",
        ),
    ] {
        let r = render(&["--set", MT, "--set", set]);
        assert_ne!(r.code, 0, "{set} must be refused");
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(want), "{set}: {}", r.stderr);
    }
    // Keys without the switch say they do nothing.
    let r = render(&[
        "--set",
        "oauth2Proxy.machineTokens.issuer=https://k.example.org",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("oauth2Proxy.machineTokens.issuer has no effect")
    );
}

/// docs/examples/machine-token-job.yaml validates, and asks for the audience the chart's
/// default render (release mlflow, namespace mlflow) accepts.
#[test]
fn the_documented_job_matches_the_chart() {
    let example = common::root().join("docs/examples/machine-token-job.yaml");
    let text = std::fs::read_to_string(&example).unwrap();
    let v = common::run(&["validate", "--strict", example.to_str().unwrap()], None);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let d = common::documents(&render(&["--set", MT]));
    let flag = proxy_args(&d)
        .into_iter()
        .find_map(|a| a.strip_prefix("--extra-jwt-issuers=").map(str::to_string))
        .unwrap();
    let audience = flag.split_once('=').unwrap().1;
    assert!(
        text.contains(&format!("audience: {audience}\n")),
        "{audience}"
    );
    assert!(text.contains("serviceAccountName: trainer") && text.contains("namespace: ml-jobs"));
}

/// The issuer's CA is trusted by the proxy only (beside the system's roots); MLflow's trust
/// is unchanged. The egress to 6443 is for the in-cluster issuer only.
#[test]
fn the_issuer_ca_is_the_proxys_alone_and_6443_only_for_the_api_server() {
    let d = common::documents(&render(&[
        "--set",
        MT,
        "--set",
        "oauth2Proxy.machineTokens.issuerCAConfigMap=kube-root-ca.crt",
    ]));
    let args = proxy_args(&d);
    assert!(args.contains(&"--provider-ca-file=/etc/oauth2-proxy/issuer-ca/ca.crt".to_string()));
    assert!(args.contains(&"--use-system-trust-store=true".to_string()));
    let dep = d
        .iter()
        .find(|x| x["kind"] == "Deployment" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    let pod = &dep["spec"]["template"]["spec"];
    for c in pod["containers"].as_array().unwrap() {
        let mounts = c["volumeMounts"].to_string();
        assert_eq!(
            mounts.contains("issuer-ca"),
            c["name"] == "oauth2-proxy",
            "{}: {mounts}",
            c["name"]
        );
        let env = c["env"].to_string();
        assert!(!env.contains("SSL_CERT_FILE") && !env.contains("REQUESTS_CA_BUNDLE"));
    }
    assert!(
        dep["metadata"]["annotations"]["mlflow-chart.io/configmaps-outside"]
            .as_str()
            .unwrap()
            .contains("kube-root-ca.crt")
    );
    let public = common::documents(&render(&[
        "--set",
        MT,
        "--set",
        "oauth2Proxy.machineTokens.issuer=https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
    ]));
    let np = public
        .iter()
        .find(|x| x["kind"] == "NetworkPolicy" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    assert!(!np.to_string().contains("6443"), "{np}");
}
