//! Golden renders, one per values scenario in tests/scenarios/, compared byte for byte
//! with tests/golden/<name>.yaml. Regenerate with `UPDATE_GOLDEN=1 cargo test --test it golden`
//! and review the diff.

use crate::common;

use serde_json::Value;

fn docs(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(text)
        .expect("golden output parses")
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
}

#[test]
fn goldens_match() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for (name, path) in common::scenarios() {
        let run = common::render_scenario(&path);
        assert_eq!(run.code, 0, "{name} failed to render: {}", run.stderr);
        let golden = common::golden_path(&name);
        if update {
            std::fs::write(&golden, &run.stdout).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if want != run.stdout {
            failures.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "renders differ from goldens: {failures:?}; run UPDATE_GOLDEN=1 cargo test --test it golden and review the diff"
    );
}

#[test]
fn every_scenario_has_a_golden_and_vice_versa() {
    let names: Vec<String> = common::scenarios().into_iter().map(|(n, _)| n).collect();
    assert!(names.len() >= 8, "scenarios: {names:?}");
    for entry in std::fs::read_dir(common::root().join("tests/golden")).unwrap() {
        let stem = entry
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(names.contains(&stem), "golden {stem} has no scenario");
    }
}

#[test]
fn renders_are_byte_identical_across_runs() {
    for (name, path) in common::scenarios() {
        let a = common::render_scenario(&path);
        let b = common::render_scenario(&path);
        assert_eq!(a.stdout, b.stdout, "{name} is not deterministic");
        assert!(!a.stdout.is_empty());
    }
}

#[test]
fn default_render_holds_no_credentials() {
    let path = common::root().join("tests/scenarios/default.yaml");
    let run = common::render_scenario(&path);
    for d in docs(&run.stdout) {
        if d["kind"] == "Secret" {
            panic!("default render holds a Secret: {}", d["metadata"]["name"]);
        }
    }
    assert!(
        !run.stdout.to_lowercase().contains("password: "),
        "no literal password"
    );
}

#[test]
fn existing_secrets_render_holds_no_secret_data() {
    let path = common::root().join("tests/scenarios/existing-secrets.yaml");
    let run = common::render_scenario(&path);
    let ds = docs(&run.stdout);
    assert!(ds.iter().all(|d| d["kind"] != "Secret"));
    // Nothing to generate either: every credential comes from the named Secrets.
    assert!(ds.iter().all(|d| d["kind"] != "Job"
        || d["metadata"]["labels"]["app.kubernetes.io/component"] != "secret-generator"));
}

/// Ingress → Service → container port ends at the proxy, and MLflow listens on loopback.
#[test]
fn proxy_scenarios_route_only_through_the_proxy() {
    for (name, path) in common::scenarios() {
        let run = common::render_scenario(&path);
        let ds = docs(&run.stdout);
        let deploy = find(&ds, "Deployment", "mlflow").expect("deployment");
        let containers = deploy["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap();
        let proxy = containers.iter().find(|c| c["name"] == "oauth2-proxy");
        let mlflow = containers.iter().find(|c| c["name"] == "mlflow").unwrap();
        let args: Vec<&str> = mlflow["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let host = args[args.iter().position(|a| *a == "--host").unwrap() + 1];
        let svc = find(&ds, "Service", "mlflow").unwrap();
        let target = svc["spec"]["ports"][0]["targetPort"].as_str().unwrap();
        let owner: Vec<&Value> = containers
            .iter()
            .filter(|c| {
                c["ports"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == target))
            })
            .collect();
        assert_eq!(
            owner.len(),
            1,
            "{name}: exactly one container owns the Service's target port"
        );
        if let Some(ingress) = find(&ds, "Ingress", "mlflow") {
            for rule in ingress["spec"]["rules"].as_array().unwrap() {
                for p in rule["http"]["paths"].as_array().unwrap() {
                    assert_eq!(p["backend"]["service"]["name"], "mlflow", "{name}");
                }
            }
        }
        match proxy {
            Some(_) => {
                assert_eq!(
                    owner[0]["name"], "oauth2-proxy",
                    "{name}: the Service must end at the proxy"
                );
                assert_eq!(
                    host, "127.0.0.1",
                    "{name}: MLflow must listen on loopback behind the proxy"
                );
                assert!(
                    mlflow.get("ports").is_none(),
                    "{name}: MLflow's port is not declared"
                );
                let np = find(&ds, "NetworkPolicy", "mlflow").unwrap();
                let ports = &np["spec"]["ingress"][0]["ports"];
                assert_eq!(ports.as_array().unwrap().len(), 1);
                assert_eq!(
                    ports[0]["port"], 4180,
                    "{name}: only the proxy port is open"
                );
            }
            None => {
                assert_eq!(owner[0]["name"], "mlflow", "{name}");
                assert_eq!(host, "0.0.0.0", "{name}");
            }
        }
    }
}

#[test]
fn every_proxy_option_is_a_real_oauth2_proxy_flag() {
    let flags =
        std::fs::read_to_string(common::root().join("tests/data/oauth2-proxy-v7.15.3/flags.txt"))
            .expect("tests/data/oauth2-proxy-v7.15.3/flags.txt");
    let known: Vec<&str> = flags.lines().map(str::trim).collect();
    let keys = std::fs::read_to_string(
        common::root().join("tests/data/oauth2-proxy-v7.15.3/config-keys.txt"),
    )
    .unwrap();
    let known_keys: Vec<String> = keys
        .lines()
        .map(|k| format!("OAUTH2_PROXY_{}", k.trim().to_uppercase()))
        .collect();
    let mut checked = 0;
    for (name, path) in common::scenarios() {
        let run = common::render_scenario(&path);
        for d in docs(&run.stdout) {
            for c in d["spec"]["template"]["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if c["name"] != "oauth2-proxy" {
                    continue;
                }
                for a in c["args"].as_array().unwrap() {
                    let flag = a
                        .as_str()
                        .unwrap()
                        .trim_start_matches("--")
                        .split('=')
                        .next()
                        .unwrap();
                    assert!(
                        known.contains(&flag),
                        "{name}: --{flag} is not an OAuth2-Proxy v7.15.3 flag"
                    );
                    checked += 1;
                }
                for e in c["env"].as_array().into_iter().flatten() {
                    let n = e["name"].as_str().unwrap().to_string();
                    assert!(
                        known_keys.contains(&n),
                        "{name}: env {n} is not an OAuth2-Proxy option"
                    );
                }
            }
        }
    }
    assert!(checked > 50, "checked {checked} flags");
}

#[test]
fn mlflow_chart_validate_accepts_every_golden() {
    for (name, _) in common::scenarios() {
        let g = common::golden_path(&name).to_string_lossy().into_owned();
        let r = common::run(&["validate", "--strict", &g], None);
        assert_eq!(r.code, 0, "{name}: {}", r.stdout);
        assert!(
            r.stdout.contains(", 0 errors, 0 warnings, 0 not validated"),
            "{}",
            r.stdout
        );
    }
}
