//! Table test of the `--set` family against real Helm (v4, via helm-python-sdk): every
//! case must give the same value as Helm's own parser, or be rejected by both.

use crate::common;

use mlflow_chart::strvals::{Mode, parse_into};
use serde_json::{Map, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// (Helm function, our mode, expression).
const CASES: &[(&str, &str)] = &[
    // Malformed keys Helm ignores, and a trailing backslash it refuses (attack round 5).
    ("set", "oauth2Proxy.allowedGroups[=admins"),
    ("set", ".replicaCount=3"),
    ("set", "replicaCount[=3"),
    ("set", "=3"),
    ("set", "[0]=3"),
    ("set", "\\"),
    ("set", "a=b\\"),
    ("literal", "a\\"),
    ("json", "[1]"),
    // --set: types
    ("set", "a=1"),
    ("set", "a=-5"),
    ("set", "a=+5"),
    ("set", "a=0"),
    ("set", "a=-0"),
    ("set", "a=01"),
    ("set", "a=007"),
    ("set", "a=1e3"),
    ("set", "a=1.5"),
    ("set", "a=0x1F"),
    ("set", "a=1_000"),
    ("set", "a=9223372036854775807"),
    ("set", "a=9223372036854775808"),
    ("set", "a=-9223372036854775809"),
    ("set", "a=true"),
    ("set", "a=TRUE"),
    ("set", "a=False"),
    ("set", "a=falſe"),
    ("set", "a=null"),
    ("set", "a=Null"),
    ("set", "a=yes"),
    ("set", "a=on"),
    ("set", "a=~"),
    ("set", "a="),
    ("set", "a= "),
    ("set", "a=hello world"),
    ("set", "a=x=y"),
    ("set", "a=x:y"),
    // --set: structure
    ("set", "a.b=1"),
    ("set", "a.b.c.d=x"),
    ("set", "a.b=1,a.c=2"),
    ("set", "a.b=1,a.b.c=2"),
    ("set", "a.b.c=2,a.b=1"),
    ("set", "a=1,a.b=2"),
    ("set", "a=null,a.b=1"),
    ("set", "a.b\\.c=1"),
    ("set", "nodeSelector.kubernetes\\.io/role=master"),
    ("set", "a\\,b=1"),
    ("set", "a=x\\,y"),
    ("set", "a=x\\"),
    ("set", "a=\\\\"),
    ("set", "a=1,b=2,c=3"),
    ("set", "a=1,"),
    ("set", "a=1,,b=2"),
    ("set", ",a=1"),
    ("set", ","),
    ("set", ""),
    ("set", "a"),
    ("set", "a.b"),
    ("set", "a."),
    ("set", "a.=1"),
    ("set", ".a=1"),
    ("set", "=1"),
    ("set", "a,b=1"),
    ("set", "a=1,b"),
    // --set: lists
    ("set", "a={x,y,z}"),
    ("set", "a={1,true,null}"),
    ("set", "a={}"),
    ("set", "a={x"),
    ("set", "a={x,y},b=1"),
    ("set", "a={x}c=1"),
    ("set", "a={x\\,y,z}"),
    ("set", "a[0]=x"),
    ("set", "a[2]=x"),
    ("set", "a[0]=x,a[1]=y"),
    ("set", "a[1]=y,a[0]=x"),
    ("set", "a[0].b=1"),
    ("set", "a[0].b=1,a[0].c=2"),
    ("set", "a[0].b=1,a[1].b=2"),
    ("set", "a[0]=1,a[0].b=2"),
    ("set", "a[0][1]=x"),
    ("set", "a[0][0][0]=deep"),
    // A number cut after its '.' or exponent at the end fails in Go's scanner (round 14).
    ("json", "a=2."),
    ("json", "a=-2."),
    ("json", "a=1e"),
    ("json", "a=1.5e"),
    // An empty value at the end edits an existing list element in place (attack round 14).
    ("set", "a[0].b=1,a[0].c="),
    ("set", "a[0].b=1,a[0].c.d="),
    ("set", "a[1]=x,a[0].b="),
    ("set", "a[0].b=1,a[0].c[0].d="),
    ("set", "a[1]=x,a[0]."),
    ("set", "a[0][0]=1,a[0][1].b="),
    ("set", "a[0][0].b=1,a[0][0].c="),
    ("set", "a[0].b=1,a[0].c[0]="),
    ("string", "a[0].b=1,a[0].c="),
    ("set", "a[0]={x,y}"),
    ("set", "a[0]="),
    ("set", "a[0]"),
    ("set", "a[0"),
    ("set", "a[]=1"),
    ("set", "a[x]=1"),
    ("set", "a[-1]=1"),
    ("set", "a[+1]=1"),
    ("set", "a[65536]=1"),
    ("set", "a[65537]=1"),
    ("set", "a[0]x=1"),
    ("set", "a=1,a[0]=2"),
    ("set", "a[0]=1,a.b=2"),
    ("set", "a.b[1].c=x,a.b[0].d=y"),
    (
        "set",
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd=1",
    ),
    (
        "set",
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee=1",
    ),
    ("set", "é.ü=ß"),
    ("set", "a=\u{1F600}"),
    // --set-string
    ("string", "a=1"),
    ("string", "a=true"),
    ("string", "a=null"),
    ("string", "a={1,true}"),
    ("string", "a[1]=01"),
    ("string", "a.b=x\\,y"),
    ("string", "a"),
    ("string", "a=1,b"),
    // --set-json
    ("json", "a=1"),
    ("json", "a=1.5"),
    ("json", "a=\"x\""),
    ("json", "a=true"),
    ("json", "a=null"),
    ("json", "a="),
    ("json", "a=[1,2,{\"b\":3}]"),
    ("json", "a={\"b\":{\"c\":[1]}}"),
    ("json", "a=1,b=2"),
    ("json", "a=1 , b=2"),
    ("json", "a=1x=2"),
    ("json", "a=x"),
    ("json", "a={"),
    ("json", "a.b=[1]"),
    ("json", "a[0]={\"b\":1}"),
    ("json", "a[1]=2"),
    ("json", "a=\"x,y\",b=1"),
    ("json", "{\"a\":1}"),
    ("json", "a"),
    // --set-literal
    ("literal", "a=1"),
    ("literal", "a=x,y=z"),
    ("literal", "a.b=true"),
    ("literal", "a[0]=x"),
    ("literal", "a[1].b=x,y"),
    ("literal", "a\\.b=1"),
    ("literal", "a=\\n{x}"),
    ("literal", "a"),
    ("literal", "a,b=1"),
    ("literal", "a="),
    // Malformed keys Helm ignores without an error (docs/migration.md says we do too).
    ("set", "=x"),
    ("set", "a[=x"),
    ("set", "[0]=x"),
    ("set", "a=b,=c"),
];

/// Release names: `render` refuses (exit 1, as Helm) exactly the names Helm's
/// `ValidateReleaseName` refuses; names Helm takes but Kubernetes cannot use for our
/// Services (a leading digit, a dot) fail later, as rule errors (exit 1).
#[test]
fn release_names_like_helm() {
    let long = "a".repeat(53);
    let too_long = "a".repeat(54);
    let names = [
        "mlflow",
        "team_mlflow",
        "1team",
        long.as_str(),
        too_long.as_str(),
        "-a",
        "a-",
        "A",
        "a.b",
        "a..b",
        "team.prod",
        "x",
    ];
    let script = "import json,sys,helm_python as h\nout=[]\nfor n in json.load(sys.stdin):\n    try:\n        h.validate_release_name(n); out.append(True)\n    except Exception:\n        out.append(False)\nprint(json.dumps(out))";
    let mut child = std::process::Command::new(common::venv_bin("python"))
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the oracle venv's python");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(serde_json::to_string(&names).unwrap().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let helm: Vec<bool> = serde_json::from_slice(&out.stdout).expect("oracle output");
    for (name, helm_ok) in names.iter().zip(helm) {
        let r = common::run(
            &[
                "render",
                "-q",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r",
                "--",
                name,
            ],
            None,
        );
        let refused = r.stderr.contains("invalid release name");
        assert_eq!(
            !refused, helm_ok,
            "{name:?}: helm accepts = {helm_ok}, we exit {}: {}",
            r.code, r.stderr
        );
        if refused {
            assert_eq!(r.code, 1, "as Helm, an invalid release name exits 1");
        }
    }
}

fn helm_fn(kind: &str) -> &'static str {
    match kind {
        "set" => "parse_set_string",
        "string" => "parse_set_string_values",
        "json" => "parse_set_json",
        _ => "parse_set_literal",
    }
}

fn ours(kind: &str, expr: &str) -> Result<Value, String> {
    let mode = match kind {
        "set" => Mode::Typed,
        "string" => Mode::Str,
        "json" => Mode::Json,
        _ => Mode::Literal,
    };
    let mut m = Map::new();
    parse_into(expr, &mut m, mode).map(|_| Value::Object(m))
}

#[test]
fn at_least_100_cases() {
    assert!(CASES.len() >= 100, "{} cases", CASES.len());
}

#[test]
fn same_results_as_helm() {
    let python = common::venv_bin("python");
    let input: Vec<(&str, &str)> = CASES.iter().map(|(k, e)| (helm_fn(k), *e)).collect();
    let mut child = Command::new(python)
        .arg(common::root().join("tests/oracle/helm_strvals.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&input).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed");
    let helm: Vec<Value> = serde_json::from_slice(&out.stdout).expect("oracle JSON");
    assert_eq!(helm.len(), CASES.len());
    let mut mismatches = Vec::new();
    for ((kind, expr), h) in CASES.iter().zip(&helm) {
        let mine = ours(kind, expr);
        let helm_ok = h["ok"].as_bool().unwrap();
        let same = match (&mine, helm_ok) {
            (Ok(v), true) => *v == h["value"],
            (Err(_), false) => true,
            _ => false,
        };
        if !same {
            mismatches.push(format!("--{kind} {expr:?}: ours {mine:?}, helm {h}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
