//! Property: no user value can add a key, an object or a document. Arbitrary strings
//! (YAML syntax, template syntax, newlines, unicode, long) put into string values either
//! render to exactly the same set of objects and keys as a plain value, with the string
//! verbatim where it belongs, or fail cleanly; and the emitted YAML reads back unchanged.

use mlflow_chart::cli::{RenderArgs, render_docs};
use mlflow_chart::emit;
use mlflow_chart::parse::{Document, parse_stream};
use mlflow_chart::values::ValuesArgs;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn args(s: &str) -> RenderArgs {
    let js = serde_json::to_string(s).unwrap();
    RenderArgs::new(
        "mlflow",
        "mlflow",
        ValuesArgs {
            set: vec![
                "oauth2Proxy.clientID=mlflow".into(),
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r".into(),
            ],
            set_json: vec![
                format!("podAnnotations={{\"note\":{js}}}"),
                format!("oauth2Proxy.allowedGroups=[{js}]"),
                format!("MLFlow.extraArgs=[{js}]"),
                format!("ingress.annotations={{\"note\":{js}}}"),
                "ingress.enabled=true".into(),
                format!("s3.region={js}"),
            ],
            ..Default::default()
        },
    )
}

/// Every map key path in a document (list positions folded), and the object's identity.
fn shape(d: &Document) -> (String, BTreeSet<String>) {
    fn walk(v: &Value, at: String, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    let p = format!("{at}.{k}");
                    out.insert(p.clone());
                    walk(c, p, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, format!("{at}[]"), out)),
            _ => {}
        }
    }
    let mut keys = BTreeSet::new();
    walk(&d.value, String::new(), &mut keys);
    // Jobs are named after a hash of the input by design: compare them without it.
    let id = match d.id().rsplit_once('-') {
        Some((base, rev))
            if d.kind() == "Job"
                && rev.len() == 10
                && rev.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            base.to_string()
        }
        _ => d.id(),
    };
    (id, keys)
}

fn baseline() -> Vec<(String, BTreeSet<String>)> {
    let (docs, _) = render_docs(&args("plain")).expect("baseline renders");
    docs.iter().map(shape).collect()
}

fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::string::string_regex(
            "(---|\\.\\.\\.|: |#|\\{\\{ values \\}\\}|\\{%|&a|\\*a|!!binary|!!python/object|\n|\r\n|'|\"|\\\\|yes|on|~|null|0755|0x1F|12:30|1e3|\\[|\\]|\\{|\\}|,|kind: ClusterRole|[a-z]| |\t|é|\u{1F600}|\u{0}|\u{85}|\u{2028})*"
        )
        .unwrap(),
        "[a-z]{1000,5000}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn user_strings_never_change_structure(s in tricky()) {
        let base = baseline();
        match render_docs(&args(&s)) {
            Err(f) => prop_assert!(!f.message.is_empty(), "a failure must say why"),
            Ok((docs, _)) => {
                let got: Vec<_> = docs.iter().map(shape).collect();
                prop_assert_eq!(&got, &base, "objects or keys changed");
                let deploy = docs.iter().find(|d| d.id() == "Deployment/mlflow").unwrap();
                let pod = &deploy.value["spec"]["template"];
                prop_assert_eq!(&pod["metadata"]["annotations"]["note"], &json!(s));
                let mlflow = &pod["spec"]["containers"][0];
                prop_assert_eq!(mlflow["args"].as_array().unwrap().last().unwrap(), &json!(s));
                let proxy = &pod["spec"]["containers"][1];
                let group = format!("--allowed-group={s}");
                prop_assert!(proxy["args"].as_array().unwrap().contains(&json!(group)));
                // What we print reads back as exactly what we validated.
                let text = emit::stream(&docs).unwrap();
                let back = parse_stream("out", &text).unwrap();
                prop_assert_eq!(back.len(), docs.len());
                for (a, b) in back.iter().zip(&docs) {
                    prop_assert_eq!(&a.value, &b.value);
                }
            }
        }
    }
}
