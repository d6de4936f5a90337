//! The Gateway API HTTPRoute (`httpRoute.*`): rendered only when asked and when the cluster
//! serves gateway.networking.k8s.io/v1; its hostnames feed MLflow's allowed hosts and
//! origins and the proxy's callback exactly as ingress hosts do; validated against the
//! bundled CRD (gateway-api v1.6.1), both the values and the rendered object.

use crate::common;
use serde_json::Value;

const OIDC: &str =
    "oauth2Proxy.clientID=c,oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/r";
const ROUTE: &str = "httpRoute.enabled=true,httpRoute.hostnames[0]=mlflow.example.org,httpRoute.parentRefs[0].name=public,httpRoute.parentRefs[0].namespace=gateways";
const API: [&str; 2] = ["--api-versions", "gateway.networking.k8s.io/v1"];

fn render(extra: &[&str]) -> common::Run {
    let mut a = vec!["render", "mlflow", "-n", "mlflow", "--set", OIDC];
    a.extend_from_slice(extra);
    common::run(&a, None)
}

fn docs(extra: &[&str]) -> Vec<Value> {
    common::documents(&render(extra))
}

fn find<'a>(d: &'a [Value], kind: &str) -> Vec<&'a Value> {
    d.iter().filter(|x| x["kind"] == kind).collect()
}

fn proxy_args(d: &[Value]) -> Vec<String> {
    let dep = d
        .iter()
        .find(|x| x["kind"] == "Deployment" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    dep["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "oauth2-proxy")
        .unwrap()["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn mlflow_args(d: &[Value]) -> String {
    let dep = d
        .iter()
        .find(|x| x["kind"] == "Deployment" && x["metadata"]["name"] == "mlflow")
        .unwrap();
    dep["spec"]["template"]["spec"]["containers"][0]["args"].to_string()
}

#[test]
fn rendered_only_with_the_capability_and_then_wired_like_an_ingress_host() {
    // Without the API: no route, a note, and its host is not trusted.
    let r = render(&["--set", ROUTE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("kind: HTTPRoute"));
    assert!(r.stderr.contains("no HTTPRoute rendered"), "{}", r.stderr);
    assert!(!r.stdout.contains("mlflow.example.org"));
    // With it (both forms Helm accepts).
    for api in [
        "gateway.networking.k8s.io/v1",
        "gateway.networking.k8s.io/v1/HTTPRoute",
    ] {
        let d = docs(&["--set", ROUTE, "--api-versions", api]);
        let route = find(&d, "HTTPRoute");
        assert_eq!(route.len(), 1, "{api}");
        let spec = &route[0]["spec"];
        assert_eq!(spec["hostnames"], serde_json::json!(["mlflow.example.org"]));
        assert_eq!(spec["parentRefs"][0]["namespace"], "gateways");
        // To the Service's port, which ends at the proxy.
        let svc = find(&d, "Service")
            .into_iter()
            .find(|s| s["metadata"]["name"] == "mlflow")
            .unwrap();
        assert_eq!(spec["rules"][0]["backendRefs"][0]["name"], "mlflow");
        assert_eq!(
            spec["rules"][0]["backendRefs"][0]["port"],
            svc["spec"]["ports"][0]["port"]
        );
        let args = proxy_args(&d);
        assert!(
            args.contains(&"--redirect-url=https://mlflow.example.org/oauth2/callback".to_string())
        );
        assert!(args.contains(&"--cookie-secure=true".to_string()));
        let m = mlflow_args(&d);
        assert!(m.contains("mlflow.example.org:*"), "{m}");
        assert!(m.contains("https://mlflow.example.org"), "{m}");
    }
    // A plain-http listener: http callback, cookies not secure, and a warning.
    let mut a = API.to_vec();
    a.extend(["--set", ROUTE, "--set", "httpRoute.tls=false"]);
    let r = render(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("--redirect-url=http://mlflow.example.org/oauth2/callback")
    );
    assert!(r.stdout.contains("--cookie-secure=false"));
    assert!(r.stderr.contains("plain http"));
}

#[test]
fn ingress_and_route_together_serve_both_hosts() {
    let mut a = API.to_vec();
    a.extend([
        "--set",
        ROUTE,
        "--set",
        "ingress.enabled=true,ingress.hosts[0].host=old.example.org,ingress.tls[0].hosts[0]=old.example.org",
    ]);
    let d = docs(&a);
    assert_eq!(find(&d, "HTTPRoute").len(), 1);
    assert_eq!(find(&d, "Ingress").len(), 1);
    let m = mlflow_args(&d);
    assert!(
        m.contains("https://old.example.org") && m.contains("https://mlflow.example.org"),
        "{m}"
    );
    // The first concrete host (the ingress's) is the callback.
    assert!(
        proxy_args(&d)
            .contains(&"--redirect-url=https://old.example.org/oauth2/callback".to_string())
    );
}

#[test]
fn values_are_checked_against_the_crd_and_named_by_key() {
    let refused = |set: &str| {
        let mut a = API.to_vec();
        a.extend(["--set", set]);
        let r = render(&a);
        assert_ne!(r.code, 0, "{set}");
        assert!(r.stdout.is_empty());
        r.stderr
    };
    let e = refused("httpRoute.enabled=true,httpRoute.hostnames[0]=a.example.org");
    assert!(e.contains("httpRoute.parentRefs is empty"), "{e}");
    let e = refused("httpRoute.enabled=true,httpRoute.parentRefs[0].name=gw");
    assert!(e.contains("httpRoute.hostnames names no host"), "{e}");
    for (host, _) in [
        ("10.0.0.1", ""),
        ("A.example.org", ""),
        ("a.example.org:443", ""),
        ("a..b", ""),
    ] {
        let e = refused(&format!("{ROUTE},httpRoute.hostnames[1]={host}"));
        assert!(e.contains("httpRoute.hostnames[1]"), "{host}: {e}");
    }
    let e = refused(&format!("{ROUTE},httpRoute.hostnames[0]=*.example.org"));
    assert!(e.contains("only wildcard hosts"), "{e}");
    let e = refused(&format!(
        "{ROUTE},httpRoute.parentRefs[0].port=0,httpRoute.parentRefs[0].colour=red,httpRoute.parentRefs[1].kind=Bad_Kind"
    ));
    // The CRD's CEL rules on parentRefs (same parent: sectionName on all, each different).
    for set in [
        "httpRoute.parentRefs[1].name=public,httpRoute.parentRefs[1].namespace=gateways",
        "httpRoute.parentRefs[0].sectionName=https,httpRoute.parentRefs[1].name=public,httpRoute.parentRefs[1].namespace=gateways",
        "httpRoute.parentRefs[0].sectionName=https,httpRoute.parentRefs[1].name=public,httpRoute.parentRefs[1].namespace=gateways,httpRoute.parentRefs[1].sectionName=https,httpRoute.parentRefs[1].kind=Gateway",
    ] {
        let e2 = refused(&format!("{ROUTE},{set}"));
        assert!(
            e2.contains("httpRoute.parentRefs[1]") && e2.contains("sectionName must be"),
            "{set}: {e2}"
        );
    }
    let mut ok = API.to_vec();
    let two = format!(
        "{ROUTE},httpRoute.parentRefs[0].sectionName=a,httpRoute.parentRefs[1].name=public,httpRoute.parentRefs[1].namespace=gateways,httpRoute.parentRefs[1].sectionName=b"
    );
    ok.extend(["--set", &two]);
    assert_eq!(render(&ok).code, 0);
    let e2 = refused(&format!(
        "{ROUTE},httpRoute.hostnames[1]=mlflow.example.org"
    ));
    assert!(e2.contains("repeats mlflow.example.org"), "{e2}");
    // The CRD's list limits, named by key.
    let many: String = (0..17)
        .map(|i| format!("httpRoute.hostnames[{i}]=h{i}.example.org"))
        .collect::<Vec<_>>()
        .join(",");
    let e2 = refused(&format!("{ROUTE},{many}"));
    assert!(
        e2.contains("httpRoute.hostnames has 17 items; an HTTPRoute takes at most 16"),
        "{e2}"
    );
    for want in [
        "httpRoute.parentRefs[0].port",
        "httpRoute.parentRefs[0].colour: unknown field",
        "httpRoute.parentRefs[1]: missing required key \"name\"",
        "httpRoute.parentRefs[1].kind",
    ] {
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn validate_checks_an_httproute_against_the_bundled_crd() {
    let mut a = vec![
        "render", "mlflow", "-n", "mlflow", "--set", OIDC, "--set", ROUTE,
    ];
    a.extend(API);
    let r = common::run(&a, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ok = common::run(&["validate", "--strict", "-"], Some(r.stdout.as_bytes()));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains("0 not validated") || ok.stderr.contains("0 not validated"),
        "{}{}",
        ok.stdout,
        ok.stderr
    );
    // A route edited by hand: an unknown field and a bad path type are errors.
    let bad = r
        .stdout
        .replace("type: PathPrefix", "type: Prefix")
        .replace("  hostnames:", "  hostname: x\n  hostnames:");
    let out = common::run(&["validate", "-"], Some(bad.as_bytes()));
    assert_ne!(out.code, 0);
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(text.contains("spec.hostname"), "{text}");
    assert!(
        text.contains("spec.rules[0].matches[0].path.type"),
        "{text}"
    );
    // And the CEL rule on parentRefs.
    let dup = r.stdout.replace(
        "  parentRefs:\n  - name: public\n    namespace: gateways\n",
        "  parentRefs:\n  - name: public\n    namespace: gateways\n  - name: public\n    namespace: gateways\n",
    );
    assert_ne!(dup, r.stdout);
    let out = common::run(&["validate", "-"], Some(dup.as_bytes()));
    assert_ne!(out.code, 0);
    assert!(format!("{}{}", out.stdout, out.stderr).contains("spec.parentRefs[1]"));
}

/// `diff --values-old/--values-new` renders both sides with the cluster's API versions.
#[test]
fn diff_renders_both_sides_with_the_api_versions() {
    let dir = common::scratch_root().join("diff");
    std::fs::create_dir_all(&dir).unwrap();
    let old = dir.join("old.yaml");
    let new = dir.join("new.yaml");
    let base = "oauth2Proxy: {clientID: c, oidc: {oidc_issuer_url: https://kc.example.org/r}}\n";
    std::fs::write(&old, base).unwrap();
    std::fs::write(
        &new,
        format!("{base}httpRoute: {{enabled: true, parentRefs: [{{name: gw}}], hostnames: [m.example.org]}}\n"),
    )
    .unwrap();
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let with = common::run(
        &[
            "diff",
            "--values-old",
            o,
            "--values-new",
            n,
            "-n",
            "mlflow",
            "--api-versions",
            "gateway.networking.k8s.io/v1",
        ],
        None,
    );
    let without = common::run(
        &["diff", "--values-old", o, "--values-new", n, "-n", "mlflow"],
        None,
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(with.code, 1, "{}", with.stderr);
    assert!(with.stdout.contains("HTTPRoute"), "{}", with.stdout);
    assert!(!without.stdout.contains("HTTPRoute"));
}

/// A parentRef that names no listener attaches the route to a plain-http one as well:
/// said while `httpRoute.tls` says the hosts are https, not when it names its listener
/// (by sectionName or port) or when the route is plain http anyway.
#[test]
fn a_parent_without_a_listener_is_said_when_the_hosts_are_https() {
    let said = "httpRoute.parentRefs[0] names no sectionName";
    for (extra, warned) in [
        ("", true),
        (",httpRoute.parentRefs[0].sectionName=https", false),
        (",httpRoute.parentRefs[0].port=443", false),
        (",httpRoute.parentRefs[0].port=80", true),
        (",httpRoute.tls=false", false),
    ] {
        let mut a = vec!["--set".to_string(), format!("{ROUTE}{extra}")];
        a.extend(API.iter().map(|s| s.to_string()));
        let argv: Vec<&str> = a.iter().map(String::as_str).collect();
        let r = render(&argv);
        assert_eq!(r.code, 0, "{extra}: {}", r.stderr);
        assert_eq!(r.stderr.contains(said), warned, "{extra}: {}", r.stderr);
    }
}
