//! The bad-input corpus: every case must exit non-zero with a specific message, print
//! nothing on stdout, never panic, and finish in bounded time. Secrets given as input are
//! never echoed in an error.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A case: name, files to create (name, content), arguments (`{d}` = the case's folder),
/// expected exit code, a substring stderr must contain.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<&'static str>,
    code: i32,
    needle: &'static str,
}

const P: [&str; 4] = [
    "--set",
    "oauth2Proxy.clientID=c",
    "--set",
    "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r",
];

fn c(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &[&'static str],
    code: i32,
    needle: &'static str,
) -> Case {
    let mut a = vec!["render"];
    a.extend_from_slice(args);
    if !args.contains(&"oauth2Proxy.enabled=false") {
        a.extend_from_slice(&P);
    }
    raw(name, files, &a, code, needle)
}

fn raw(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &[&'static str],
    code: i32,
    needle: &'static str,
) -> Case {
    Case {
        name,
        files,
        args: args.to_vec(),
        code,
        needle,
    }
}

fn f(content: impl AsRef<str>) -> Vec<(&'static str, Vec<u8>)> {
    let content = content.as_ref();
    vec![("v.yaml", content.as_bytes().to_vec())]
}

const V: &[&str] = &["-f", "{d}/v.yaml"];

fn alias_bomb() -> String {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        s.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    s
}

fn cases() -> Vec<Case> {
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let deep_map = {
        let mut s = String::new();
        // Deeper than the 64-level limit, within the 4 MiB cap.
        for i in 0..10_000 {
            s.push_str(&" ".repeat(i.min(200)));
            s.push_str("k:\n");
        }
        s
    };
    vec![
        // Malformed YAML.
        c("unclosed-flow", f("a: [1, 2\nb: 3\n"), V, 1, "invalid YAML"),
        c(
            "bad-indent",
            f("image:\n  tag: x\n   pullPolicy: Always\n"),
            V,
            1,
            "invalid YAML",
        ),
        c("tab-indent", f("image:\n\ttag: x\n"), V, 1, "invalid YAML"),
        c(
            "duplicate-key",
            f("replicaCount: 1\nreplicaCount: 2\n"),
            V,
            1,
            "duplicate mapping key: replicaCount",
        ),
        // `1` and `"1"` are one JSON key: refused, not the last one kept (found by an
        // independent attack).
        c(
            "number-and-quoted-key",
            f("podAnnotations:\n  1: a\n  \"1\": b\n"),
            V,
            1,
            "duplicate mapping key: \"1\"",
        ),
        c(
            "quoted-and-number-key-in-flow",
            f("podAnnotations: {'1': a, 1: b}\n"),
            V,
            1,
            "duplicate mapping key: \"1\"",
        ),
        c(
            "unclosed-quote",
            f("image:\n  tag: \"v1\n"),
            V,
            1,
            "invalid YAML",
        ),
        c(
            "bad-escape",
            f("image:\n  tag: \"\\q\"\n"),
            V,
            1,
            "invalid YAML",
        ),
        c(
            "undefined-alias",
            f("replicaCount: *nope\n"),
            V,
            1,
            "invalid YAML",
        ),
        c(
            "top-level-list",
            f("- a\n- b\n"),
            V,
            1,
            "must be a YAML mapping",
        ),
        c(
            "top-level-scalar",
            f("just text\n"),
            V,
            1,
            "must be a YAML mapping",
        ),
        c(
            "alias-bomb",
            vec![("v.yaml", alias_bomb().into_bytes())],
            V,
            1,
            "too many YAML nodes",
        ),
        c(
            "deep-flow-nesting",
            vec![("v.yaml", deep.into_bytes())],
            V,
            1,
            "nests too deeply",
        ),
        c(
            "deep-block-nesting",
            vec![("v.yaml", deep_map.into_bytes())],
            V,
            1,
            "limit of 64 levels",
        ),
        c(
            "non-utf8",
            vec![("v.yaml", vec![b'a', b':', b' ', 0xff, 0xfe, b'\n'])],
            V,
            1,
            // Where, as every other values error says it (found by an independent review).
            "v.yaml:1:4 is not UTF-8 text: an invalid byte (byte offset 3) (at key a)",
        ),
        c(
            "binary",
            vec![("v.yaml", vec![0, 1, 2, 3, 0x89, b'P', b'N', b'G'])],
            V,
            1,
            "not UTF-8",
        ),
        c(
            "nul-byte",
            vec![("v.yaml", b"a: b\0c\n".to_vec())],
            V,
            1,
            "invalid YAML",
        ),
        raw(
            "empty-values-file-needs-proxy-keys",
            f(""),
            &["render", "-f", "{d}/v.yaml"],
            1,
            "oauth2Proxy.oidc.oidc_issuer_url",
        ),
        raw(
            "whitespace-values-file",
            f("   \n\n"),
            &["render", "-f", "{d}/v.yaml"],
            1,
            "oauth2Proxy.clientID",
        ),
        c(
            "empty-stdin-is-empty-values",
            vec![],
            &["-f", "-", "--set", "replicaCount=x"],
            1,
            "replicaCount: wrong type",
        ),
        // Wrong types.
        c(
            "replicas-string",
            f("replicaCount: many\n"),
            V,
            1,
            "replicaCount: wrong type",
        ),
        c(
            "replicas-negative",
            f("replicaCount: -1\n"),
            V,
            1,
            "replicaCount: must be at least 0",
        ),
        c(
            "port-too-big",
            f("service:\n  port: 70000\n"),
            V,
            1,
            "service.port: must be at most 65535",
        ),
        c(
            "ingress-enabled-string",
            f("ingress:\n  enabled: maybe\n"),
            V,
            1,
            "ingress.enabled: wrong type",
        ),
        c(
            "hosts-as-map",
            f("ingress:\n  hosts: {host: a}\n"),
            V,
            1,
            "ingress.hosts: wrong type",
        ),
        c(
            "bad-cpu",
            f("resources:\n  limits: {cpu: lots}\n"),
            V,
            1,
            "resources.limits.cpu: is not a Kubernetes quantity",
        ),
        c(
            "bad-pull-policy",
            f("image:\n  pullPolicy: Sometimes\n"),
            V,
            1,
            "image.pullPolicy: must be one of",
        ),
        c(
            "email-domains-number",
            f("oauth2Proxy:\n  emailDomains: 5\n"),
            V,
            1,
            "oauth2Proxy.emailDomains",
        ),
        c(
            "node-selector-int",
            f("nodeSelector:\n  disk: 5\n"),
            V,
            1,
            "nodeSelector.disk: wrong type",
        ),
        c(
            "min-replicas-zero",
            f("autoscaling:\n  minReplicas: 0\n"),
            V,
            1,
            "autoscaling.minReplicas: must be at least 1",
        ),
        c(
            "bad-digest",
            f("image:\n  digest: latest\n"),
            V,
            1,
            "image.digest: is not an image digest",
        ),
        // sha512 names 128 hex digits (OCI image-spec descriptor.md), not 64.
        c(
            "short-sha512-digest",
            f(format!("image:\n  digest: sha512:{}\n", "a".repeat(64))),
            V,
            1,
            "image.digest: is not an image digest",
        ),
        // Unknown keys.
        c(
            "unknown-top",
            f("replicas: 2\n"),
            V,
            1,
            "replicas: unknown key (did you mean `replicaCount`?)",
        ),
        c(
            "unknown-nested",
            f("oauth2Proxy:\n  clientId: x\n"),
            V,
            1,
            "did you mean `clientID`?",
        ),
        c(
            "unknown-deep",
            f("postgresql:\n  auth:\n    usernme: x\n"),
            V,
            1,
            "postgresql.auth.usernme: unknown key",
        ),
        c(
            "unknown-in-list",
            f("ingress:\n  hosts:\n    - hots: a\n"),
            V,
            1,
            "ingress.hosts[0].hots: unknown key",
        ),
        // Invalid --set.
        c(
            "set-no-value",
            vec![],
            &["--set", "image.tag"],
            1,
            "key \"tag\" has no value",
        ),
        c(
            "set-map-over-scalar",
            vec![],
            &["--set", "a.b=1,a.b.c=2"],
            1,
            "failed parsing --set",
        ),
        c(
            "set-negative-index",
            vec![],
            &["--set", "tolerations[-1]=1"],
            1,
            "negative -1 index",
        ),
        c(
            "set-huge-index",
            vec![],
            &["--set", "tolerations[70000]=1"],
            1,
            "greater than maximum supported index",
        ),
        c(
            "set-unterminated-list",
            vec![],
            &["--set", "MLFlow.extraArgs={a"],
            1,
            "list must terminate",
        ),
        c(
            "set-json-bad",
            vec![],
            &["--set-json", "nodeSelector={"],
            1,
            "invalid JSON value",
        ),
        c(
            "set-json-bad-object",
            vec![],
            &["--set-json", "{bad"],
            1,
            "not a JSON object",
        ),
        c(
            "set-file-missing",
            vec![],
            &["--set-file", "image.tag=/nonexistent/file"],
            1,
            "cannot read",
        ),
        // A comma the user meant as part of a credential makes the rest an unknown key:
        // it is not named (found by an independent review).
        c(
            "set-credential-cut-at-a-comma",
            vec![],
            &["--set", "oauth2Proxy.clientSecret=Abc,TOPSECRET=1"],
            1,
            "not named here: it comes from the same --set argument as oauth2Proxy.clientSecret",
        ),
        c(
            "set-string-credential-cut-at-a-comma",
            vec![],
            &["--set-string", "postgresql.auth.password=Abc,x.TOPSECRET=1"],
            1,
            "not named here",
        ),
        c(
            "postgresql-before-15",
            vec![],
            &["--set-string", "postgresql.image.tag=14.19"],
            1,
            "postgresql.image.tag: PostgreSQL 14 is older than this chart supports",
        ),
        // pgvector's and TimescaleDB's tags name PostgreSQL's major after `-pg`.
        c(
            "postgresql-before-15-in-a-pg-suffix",
            vec![],
            &[
                "--set",
                "postgresql.image.repository=pgvector/pgvector,postgresql.image.tag=0.8.0-pg14",
            ],
            1,
            "postgresql.image.tag: PostgreSQL 14 is older than this chart supports",
        ),
        // A ConfigMap of another namespace does not satisfy a reference of the chart's pods.
        c(
            "reference-met-only-in-another-namespace",
            f(
                "extraEnv: [{name: FOO, valueFrom: {configMapKeyRef: {name: cmx, key: k}}}]\nextraObjects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: cmx, namespace: other}, data: {k: v}}]\n",
            ),
            &["-f", "{d}/v.yaml"],
            1,
            "no ConfigMap named \"cmx\" in the manifests",
        ),
        c(
            "set-file-empty-path",
            vec![],
            &["--set-file", "image.tag=,image.repository=x"],
            1,
            "no file is named after `=`",
        ),
        c(
            "set-file-one-letter-path",
            vec![],
            &["--set-file", "image.tag=e"],
            1,
            "cannot read --set-file file (the file after `=`): No such file or directory",
        ),
        c(
            "type-of-several-kinds",
            vec![],
            &["--set-json", r#"resources={"limits":{"cpu":[1]}}"#],
            1,
            "resources.limits.cpu: wrong type: expected integer, number or string from --set-json",
        ),
        c(
            "set-only-comma",
            vec![],
            &["--set", ","],
            1,
            "cannot end with ,",
        ),
        c(
            "set-type-error",
            vec![],
            &["--set", "replicaCount=x"],
            1,
            "from --set 'replicaCount=…'",
        ),
        c(
            "set-too-deep",
            vec![],
            &[
                "--set",
                "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a=1",
            ],
            1,
            "maximum supported nested level",
        ),
        c(
            "set-string-unknown",
            vec![],
            &["--set-string", "imagee.tag=1"],
            1,
            "imagee: unknown key",
        ),
        // Invalid names.
        c(
            "bucket-uppercase",
            f("MLFlow:\n  artifacts:\n    bucketName: MyBucket\n"),
            V,
            1,
            "MLFlow.artifacts.bucketName",
        ),
        c(
            "bucket-too-short",
            f("MLFlow:\n  artifacts:\n    bucketName: ab\n"),
            V,
            1,
            "at least 3 characters",
        ),
        raw(
            "release-uppercase",
            vec![],
            &["render", "MLflow"],
            1,
            "invalid release name",
        ),
        raw(
            "release-too-long",
            vec![],
            &[
                "render",
                "a-very-long-release-name-that-is-longer-than-fifty-three",
            ],
            1,
            "at most 53",
        ),
        raw(
            "namespace-invalid",
            vec![],
            &["render", "-n", "My_NS"],
            1,
            "invalid namespace",
        ),
        c(
            "name-override-invalid",
            f("nameOverride: Bad Name\n"),
            V,
            1,
            "nameOverride: does not match",
        ),
        // Conflicting options and broken cross-key rules.
        c(
            "proxy-secret-and-client-secret",
            f("oauth2Proxy:\n  secret: s\n  clientSecret: TOPSECRET-client-1234\n"),
            V,
            1,
            "use one of them",
        ),
        c(
            "s3-user-without-key",
            f("services:\n  minio:\n    enabled: false\ns3:\n  user: u\n"),
            V,
            1,
            "s3.user is given without s3.key: give both (the access key id and its secret), or s3.secret (s3.user at ",
        ),
        c(
            "s3-key-without-user",
            f("services:\n  minio:\n    enabled: false\ns3:\n  key: k\n"),
            V,
            1,
            "s3.key is given without s3.user: give both (the access key id and its secret), or s3.secret (s3.key at ",
        ),
        c(
            "pg-disabled-no-external",
            f("services:\n  postgres:\n    enabled: false\n"),
            V,
            1,
            "externalDatabase.host",
        ),
        c(
            "external-uri-with-password",
            f(
                "services:\n  postgres:\n    enabled: false\n    externalURI: postgresql://u:TOPSECRET@h/db\n",
            ),
            V,
            1,
            "must not contain a password",
        ),
        c(
            "null-tag-on-text",
            f("postgresql:\n  auth:\n    password: !!null TOPSECRET\n"),
            V,
            1,
            "v.yaml:3:22: the value has a `!!null` tag but is not null (at key postgresql.auth.password)",
        ),
        raw(
            "proxy-without-issuer",
            vec![],
            &["render", "--set", "oauth2Proxy.clientID=c"],
            1,
            "oauth2Proxy.oidc.oidc_issuer_url is not set",
        ),
        c(
            "cookie-secret-length",
            vec![],
            &["--set", "oauth2Proxy.cookieSecret=TOPSECRET"],
            1,
            "must be 16, 24 or 32 bytes, or URL-safe base64",
        ),
        c(
            "public-client-with-secret",
            vec![],
            &[
                "--set",
                "oauth2Proxy.publicClient=true,oauth2Proxy.clientSecret=TOPSECRET",
            ],
            1,
            "a public client has no secret",
        ),
        c(
            "autoscaling-min-over-max",
            f("autoscaling:\n  enabled: true\n  minReplicas: 5\n  maxReplicas: 2\n"),
            V,
            1,
            "greater than autoscaling.maxReplicas",
        ),
        c(
            "autoscaling-no-target",
            f("autoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 0\n"),
            V,
            1,
            "needs autoscaling.targetCPUUtilizationPercentage",
        ),
        c(
            "minio-api-ingress",
            f("minio:\n  apiIngress:\n    enabled: true\n"),
            V,
            1,
            "minio.apiIngress.enabled: must be false",
        ),
        c(
            "ingress-without-hosts",
            f("ingress:\n  enabled: true\n  hosts: []\n"),
            V,
            1,
            "names no host",
        ),
        c(
            "output-dir-and-json",
            vec![],
            &["--output-dir", "{d}/out", "-o", "json"],
            2,
            "cannot be combined",
        ),
        c(
            "old-kube-version",
            vec![],
            &["--kube-version", "1.20"],
            1,
            "not supported",
        ),
        c(
            "bad-kube-version",
            vec![],
            &["--kube-version", "latest"],
            1,
            "not a version",
        ),
        c(
            "show-only-missing",
            vec![],
            &["-s", "templates/nope.yaml"],
            1,
            "could not find template",
        ),
        c("unknown-flag", vec![], &["--frobnicate"], 2, "--frobnicate"),
        // Unreadable inputs.
        c(
            "missing-file",
            vec![],
            &["-f", "{d}/nope.yaml"],
            1,
            "cannot read values file",
        ),
        c(
            "directory-as-file",
            vec![],
            &["-f", "{d}"],
            1,
            "cannot read values file",
        ),
        raw(
            "validate-missing-file",
            vec![],
            &["validate", "{d}/nope.yaml"],
            1,
            "cannot read",
        ),
        raw(
            "validate-malformed",
            f("a: [\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "do not parse",
        ),
        raw(
            "validate-scalar-doc",
            f("---\n5\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "not a Kubernetes object",
        ),
        // A `---` line with content after it: kubectl's and Helm's line reader refuse it
        // before any YAML parser sees it (apimachinery pkg/util/yaml/decoder.go:412-421
        // at v0.36.1), in a manifest stream and in a values file alike.
        raw(
            "validate-separator-with-content",
            f(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n--- {apiVersion: v1, kind: ConfigMap, metadata: {name: TOPSECRET}}\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "v.yaml:4: a line starting with `---` separates YAML documents",
        ),
        raw(
            "validate-yaml-directive",
            f("%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "v.yaml:1: a YAML directive",
        ),
        raw(
            "validate-content-after-document-end",
            f(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "v.yaml:5: content after a `...` document end",
        ),
        c(
            "values-separator-with-content",
            f("--- {podAnnotations: {team: TOPSECRET}}\n"),
            V,
            1,
            "v.yaml:1: a line starting with `---` separates YAML documents",
        ),
        c(
            "values-yaml11-number-kept-as-text",
            f("postgresql:\n  image:\n    tag: 17_\n"),
            V,
            1,
            "v.yaml:3:10: the value (not shown) is a number to Helm's YAML reader",
        ),
        c(
            "values-bare-tag-as-password",
            f("postgresql:\n  auth:\n    password: !TOPSECRET\n"),
            V,
            1,
            "a tag (`!…`, not shown) with no value after it (at key postgresql.auth.password)",
        ),
        raw("unknown-subcommand", vec![], &["deploy"], 2, "deploy"),
        // --- Issue 11: credentials are never echoed, in any kind of message. -----------
        c(
            "set-comma-tail-secret",
            vec![],
            &["--set", "postgresql.auth.password=Hunter2,TOPSECRETtail"],
            1,
            "'postgresql.auth.password=…'",
        ),
        c(
            "set-string-comma-tail-secret",
            vec![],
            &["--set-string", "minio.auth.rootPassword=abc,TOPSECRET"],
            1,
            "--set-string 'minio.auth.rootPassword=…'",
        ),
        c(
            "set-json-bad-secret",
            vec![],
            &["--set-json", "postgresql.auth.password={TOPSECRET"],
            1,
            "--set-json 'postgresql.auth.password=…'",
        ),
        c(
            "set-map-tail-secret",
            vec![],
            &["--set", "oauth2Proxy.clientSecret=x,TOPSECRET.y"],
            1,
            "'oauth2Proxy.clientSecret=…'",
        ),
        c(
            "set-file-secret-path",
            vec![],
            &["--set-file", "oauth2Proxy.clientSecret={d}/TOPSECRET.txt"],
            1,
            "cannot read --set-file file",
        ),
        c(
            "yaml-error-below-password",
            f(
                "postgresql:\n  auth:\n    password: TOPSECRET1\n    username: [TOPSECRET2\n  x: 1\n",
            ),
            V,
            1,
            "postgresql",
        ),
        c(
            "yaml-error-on-password-line",
            f("postgresql:\n  auth:\n    password: \"TOPSECRET\n"),
            V,
            1,
            "invalid YAML",
        ),
        c(
            "yaml-error-in-list-of-secrets",
            f("extraObjects:\n  - [TOPSECRET, {\n"),
            V,
            1,
            "extraObjects",
        ),
        c(
            "yaml-tab-after-secret",
            f("minio:\n  auth:\n    rootPassword: TOPSECRET\n\trootUser: x\n"),
            V,
            1,
            "invalid YAML",
        ),
        c(
            "schema-wrong-type-secret",
            f("postgresql:\n  auth:\n    password: [TOPSECRET]\n"),
            V,
            1,
            "postgresql.auth.password",
        ),
        c(
            "schema-secret-number",
            f("oauth2Proxy:\n  clientSecret: 12345678901234567890\n"),
            V,
            1,
            "oauth2Proxy.clientSecret",
        ),
        c(
            "unknown-key-holding-secret",
            f("postgresql:\n  auth:\n    passwrd: TOPSECRET\n"),
            V,
            1,
            "did you mean `password`",
        ),
        c(
            "short-minio-password",
            f("minio:\n  auth:\n    rootUser: admin\n    rootPassword: TOPSEC\n"),
            V,
            1,
            "minio.auth.rootPassword",
        ),
        c(
            "bad-extra-object-secret-data",
            f(
                "extraObjects:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: x}\n    stringData: {p: 12345}\n    data: {q: TOPSECRET!!}\n",
            ),
            V,
            1,
            "extra-objects.yaml",
        ),
        c(
            "bad-extra-object-secret-type",
            f(
                "extraObjects:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: x}\n    data: [TOPSECRET]\n",
            ),
            V,
            1,
            "data",
        ),
        raw(
            "validate-secret-wrong-type",
            f(
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: [TOPSECRET]\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "data",
        ),
        raw(
            "validate-secret-yaml-error",
            f(
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: TOPSECRET\n  user: [TOPSECRET2\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "do not parse",
        ),
        raw(
            "validate-secret-number",
            f(
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: 31337\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "stringData",
        ),
        raw(
            "diff-bad-side-secret",
            f("apiVersion: v1\nkind: Secret\nstringData: {p: [TOPSECRET\n"),
            &["diff", "{d}/v.yaml", "{d}/v.yaml"],
            2,
            "do not parse",
        ),
        raw(
            "values-bad-secret",
            f("postgresql:\n  auth:\n    password: [TOPSECRET\n"),
            &["values", "-f", "{d}/v.yaml"],
            1,
            "invalid YAML",
        ),
        c(
            "set-json-object-secret",
            vec![],
            &[
                "--set-json",
                r#"{"replicaCount":"x","postgresql":{"auth":{"password":"TOPSECRET"}}}"#,
            ],
            1,
            // The argument sets several keys: the message shows the one at fault.
            "from --set-json 'replicaCount=…'",
        ),
        c(
            "yaml-keys-below-secret",
            f("oauth2Proxy:\n  clientSecret:\n    TOPSECRET_p3: 1\n    TOPSECRET_p3: 2\n"),
            V,
            1,
            "oauth2Proxy.clientSecret",
        ),
        c(
            "bad-base64-secret",
            f(
                "extraObjects:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: x}\n    data: {q: TOPSECRET_DC!!}\n",
            ),
            V,
            1,
            "not valid base64",
        ),
        c(
            "deep-set-key",
            vec![],
            &[
                "--set",
                Box::leak(format!("podAnnotations{}=1", "[0]".repeat(15_000)).into_boxed_str()),
            ],
            1,
            "the limit is 256",
        ),
        c(
            "proxy-enabled-null",
            vec![],
            &["--set", "oauth2Proxy.enabled=null"],
            1,
            "oauth2Proxy.enabled: the chart needs this value",
        ),
        // Boundary checks: credentials in URIs and hosts, bucket names (issue 12, item 6).
        raw(
            "issuer-with-userinfo",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set",
                "oauth2Proxy.oidc.oidc_issuer_url=https://admin:TOPSECRET@kc.example.org/realms/r",
            ],
            1,
            "oauth2Proxy.oidc.oidc_issuer_url must not carry credentials",
        ),
        raw(
            "issuer-with-token-query",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r?token=TOPSECRET",
            ],
            1,
            "must not carry a credential in its query",
        ),
        raw(
            "issuer-http",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set",
                "oauth2Proxy.oidc.oidc_issuer_url=http://kc.example.org/realms/r",
            ],
            1,
            "must start with https:// (for a test realm served over plain http, also set oauth2Proxy.oidc.allowHttpIssuer=true",
        ),
        raw(
            "issuer-bad-port",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org:0/realms/r",
            ],
            1,
            "port must be a number from 1 to 65535",
        ),
        c(
            "s3-url-with-userinfo",
            vec![],
            &[
                "--set",
                "services.minio.enabled=false",
                "--set",
                "s3.url=https://AKIA:TOPSECRET@s3.example.org",
            ],
            1,
            "s3.url must not carry credentials",
        ),
        c(
            "db-uri-query-password",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false",
                "--set",
                "services.postgres.externalURI=postgresql://u@db:5432/x?password=TOPSECRET",
            ],
            1,
            "must not carry a credential in its query",
        ),
        c(
            "db-host-with-userinfo",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false",
                "--set",
                "externalDatabase.host=u:TOPSECRET@db",
            ],
            1,
            "externalDatabase.host must be a host name",
        ),
        c(
            "db-port-null",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false",
                "--set",
                "externalDatabase.host=db",
                "--set",
                "externalDatabase.port=null",
            ],
            1,
            "externalDatabase.port: the chart needs this value",
        ),
        c(
            "bucket-double-dot",
            vec![],
            &["--set", "MLFlow.artifacts.bucketName=a..b"],
            1,
            "MLFlow.artifacts.bucketName",
        ),
        c(
            "bucket-ip",
            vec![],
            &["--set", "MLFlow.artifacts.bucketName=192.168.1.1"],
            1,
            "must not look like an IP address",
        ),
        raw(
            "issuer-encoded-token-query",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set-literal",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r?%74oken=TOPSECRET",
            ],
            1,
            "must not carry a credential in its query",
        ),
        c(
            "db-uri-encoded-password",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false",
                "--set",
                "externalDatabase.existingSecret=s",
                "--set-literal",
                "services.postgres.externalURI=postgresql://mlflow@db:5432/mlflow?%70assword=TOPSECRET",
            ],
            1,
            "must not carry a credential in its query",
        ),
        c(
            "s3-url-access-token",
            vec![],
            &[
                "--set",
                "services.minio.enabled=false",
                "--set-literal",
                "s3.url=https://s3.example.org/?access_token=TOPSECRET",
            ],
            1,
            "s3.url must not carry a credential",
        ),
        c(
            "set-json-array-secret",
            vec![],
            &["--set-json", r#"["TOPSECRET"]"#],
            1,
            "--set-json '…'",
        ),
        c(
            "ingress-ip-host",
            vec![],
            &[
                "--set",
                "ingress.enabled=true",
                "--set",
                "ingress.hosts[0].host=10.0.0.1",
            ],
            1,
            "is an IP address; an Ingress host must be a DNS name",
        ),
        // Found by the third attack.
        c(
            "extra-object-overrides-ours",
            f(
                "extraObjects:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: mlflow}\n    spec:\n      selector: {matchLabels: {a: b}}\n      template:\n        metadata: {labels: {a: b}}\n        spec: {containers: [{name: c, image: x}]}\n",
            ),
            V,
            1,
            "duplicate object: Deployment/mlflow is defined twice",
        ),
        c(
            "extra-object-list-overrides-ours",
            f(
                "extraObjects:\n  - apiVersion: v1\n    kind: List\n    metadata: {name: l}\n    items:\n      - apiVersion: v1\n        kind: Service\n        metadata: {name: mlflow}\n        spec: {ports: [{port: 80}]}\n",
            ),
            V,
            1,
            "duplicate object: Service/mlflow",
        ),
        c(
            "empty-allowed-group",
            vec![],
            &["--set", "oauth2Proxy.allowedGroups[0]="],
            1,
            "oauth2Proxy.allowedGroups: an item is empty",
        ),
        c(
            "empty-dns-to",
            vec![],
            &["--set-json", "networkPolicy.dnsTo=[]"],
            1,
            "networkPolicy.dnsTo is empty",
        ),
        c(
            "network-policy-null",
            vec![],
            &["--set", "networkPolicy.enabled=null"],
            1,
            "networkPolicy.enabled: the chart needs this value",
        ),
        c(
            "extra-args-credential",
            vec![],
            &[
                "--set-json",
                r#"MLFlow.extraArgs=["--registry-store-uri","postgresql://u:TOPSECRET@db/x"]"#,
            ],
            1,
            "MLFlow.extraArgs[1] carries a credential",
        ),
        // Forms a WHATWG URL parser reads with a userinfo, as browsers and many
        // libraries do: scheme-relative, one slash, backslashes, none.
        c(
            "extra-args-credential-lenient-uris",
            vec![],
            &[
                "--set-json",
                r#"MLFlow.extraArgs=["--a=//admin:TOPSECRET@db/x","--b=https:/u:TOPSECRET@h/","--c=https:\\\\u:TOPSECRET@h/","--d=https:u:TOPSECRET@h"]"#,
            ],
            1,
            "MLFlow.extraArgs[3] carries a credential",
        ),
        c(
            "allowed-hosts-secret",
            vec![],
            &["--set", "MLFlow.allowedHosts[0]=u:TOPSECRET@host"],
            1,
            "MLFlow.allowedHosts[0] is not a host pattern",
        ),
        c(
            "trusted-cidr-secret",
            vec![],
            &["--set", "oauth2Proxy.trustedProxyCIDRs[0]=TOPSECRET/8"],
            1,
            "oauth2Proxy.trustedProxyCIDRs[0] is not a CIDR",
        ),
        c(
            "trusted-cidr-plus",
            vec![],
            &["--set", "oauth2Proxy.trustedProxyCIDRs[0]=10.0.0.0/+8"],
            1,
            "oauth2Proxy.trustedProxyCIDRs[0] is not a CIDR",
        ),
        raw(
            "issuer-fragment",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set-literal",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r#access_token=TOPSECRET",
            ],
            1,
            "must not have a fragment",
        ),
        raw(
            "validate-multiline-secret",
            f(
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  p: first\n    TOPSECRET_v1: more\n  q: [\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "do not parse",
        ),
        raw(
            "validate-list-bad-item",
            f(
                "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: d}\n    spec: {replicas: TOPSECRET}\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "Deployment/d",
        ),
        raw(
            "validate-secretlist-bad-item",
            f(
                "apiVersion: v1\nkind: SecretList\nitems:\n  - metadata: {name: s}\n    data: {p: [TOPSECRET]}\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "Secret/s",
        ),
        c(
            "set-json-deep",
            vec![],
            &[
                "--set-json",
                Box::leak(
                    format!("podAnnotations={}{}", "[".repeat(300), "]".repeat(300))
                        .into_boxed_str(),
                ),
            ],
            1,
            "deeper than the limit of 128 levels",
        ),
        // Attack round 5 (typed values model).
        c(
            "set-without-equals-hides-password",
            vec![],
            &["--set", "postgresql.auth.password:SECRETMARKER123"],
            1,
            "its argument number 1 has no '='",
        ),
        c(
            "external-db-empty-username",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false,externalDatabase.host=db.example.org,externalDatabase.existingSecret=dbs,externalDatabase.username=",
            ],
            1,
            "externalDatabase.username is empty",
        ),
        c(
            "empty-pull-secret",
            vec![],
            &["--set", "imagePullSecrets[0]="],
            1,
            "imagePullSecrets[0] is empty",
        ),
        c(
            "pull-secret-double-dot",
            vec![],
            &["--set", "imagePullSecrets[0]=a..b"],
            1,
            "imagePullSecrets[0]",
        ),
        c(
            "empty-allowed-host",
            vec![],
            &["--set-json", r#"MLFlow.allowedHosts=[""]"#],
            1,
            "MLFlow.allowedHosts[0] is empty",
        ),
        c(
            "external-uri-without-user",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false,services.postgres.externalURI=postgresql://@h/db",
            ],
            1,
            "names no user",
        ),
        c(
            "existing-secret-named-like-a-generated-one",
            vec![],
            &["--set", "oauth2Proxy.secret=mlflow-postgresql"],
            1,
            "has the name of a Secret this chart creates",
        ),
        c(
            "blank-client-id",
            vec![],
            // --set-string is applied after the --set of the proxy's test values.
            &["--set-string", "oauth2Proxy.clientID= "],
            1,
            "oauth2Proxy.clientID",
        ),
        c(
            "allowed-roles-only-commas",
            vec![],
            &["--set", r"oauth2Proxy.keycloak.allowed_roles=\,"],
            1,
            "oauth2Proxy.keycloak.allowed_roles: an item is empty",
        ),
        c(
            "noncharacter-in-a-value",
            vec![],
            &["--set-json", r#"podAnnotations={"a":"x\ufffe"}"#],
            1,
            "podAnnotations.a: holds U+FFFE or U+FFFF, which YAML cannot carry",
        ),
        c(
            "control-character-says-so",
            vec![],
            &["--set-json", r#"podAnnotations={"a":"x\u001b"}"#],
            1,
            "Error: 1 value holds a control character (NUL, escape, …)",
        ),
        c(
            "control-character-in-a-key",
            vec![],
            &[
                "--set-json",
                r#"extraObjects=[{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"t"},"spec":{"\u007f":"v"}}]"#,
            ],
            1,
            "holds a control character",
        ),
        c(
            "control-character-and-noncharacter",
            vec![],
            &[
                "--set-json",
                r#"podAnnotations={"a":"\u0000","b":"\uffff"}"#,
            ],
            1,
            "Error: 2 values hold a character YAML cannot carry (a control character such as NUL or escape, or U+FFFE or U+FFFF)",
        ),
        c(
            "noncharacter-in-a-key",
            vec![],
            &["--set-json", r#"affinity={"\uffff":{}}"#],
            1,
            "holds U+FFFE or U+FFFF",
        ),
        c(
            // 61 levels of the user's, deeper than 64 once inside the pod template: the
            // values' own budget names the key before any template runs.
            "nesting-past-the-budget-inside-a-pod",
            f(format!(
                "podSecurityContext: {}x{}\n",
                "{a: ".repeat(61),
                "}".repeat(61)
            )),
            V,
            1,
            "the values nest deeper than 48 levels here (at /",
        ),
        c(
            // --set-json reads 128 levels: past the values' 48 it is named with its flag
            // (attack round 14: it failed inside a template, as a template's fault).
            "set-json-nested-past-the-values-budget",
            vec![],
            &[
                "--set",
                "extraObjects[0].apiVersion=x.io/v1,extraObjects[0].kind=Foo,extraObjects[0].metadata.name=f",
                "--set-json",
                "extraObjects[0].spec=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            ],
            1,
            "the values nest deeper than 48 levels here (from --set-json 'extraObjects[0].spec=…')",
        ),
        c(
            "nul-in-allowed-group",
            vec![],
            &["--set-json", r#"oauth2Proxy.allowedGroups=["a\u0000b"]"#],
            1,
            "holds a control character",
        ),
        c(
            "hpa-negative-without-schema",
            vec![],
            &[
                "--skip-schema-validation",
                "--set",
                "autoscaling.enabled=true,autoscaling.minReplicas=-1",
            ],
            1,
            "spec.minReplicas: must be greater than or equal to 1",
        ),
        c(
            "empty-username-without-schema",
            vec![],
            &[
                "--skip-schema-validation",
                "--set-string",
                "postgresql.auth.username=",
            ],
            1,
            "postgresql.auth.username is empty",
        ),
        c(
            "secret-name-with-space-without-schema",
            vec![],
            &[
                "--skip-schema-validation",
                "--set-string",
                "postgresql.auth.existingSecret=x y",
            ],
            1,
            "postgresql.auth.existingSecret must be a Kubernetes object name",
        ),
        // Attack round 7 (values model, second pass).
        c(
            "fs-group-change-policy-bogus",
            vec![],
            &[
                "--set-json",
                r#"podSecurityContext.fsGroupChangePolicy="Bogus""#,
            ],
            1,
            "fsGroupChangePolicy: unsupported value",
        ),
        c(
            "oidc-claim-padded",
            vec![],
            &["--set-string", "oauth2Proxy.oidc.oidc_email_claim= "],
            1,
            "oauth2Proxy.oidc.oidc_email_claim begins or ends with whitespace",
        ),
        c(
            "blank-password",
            vec![],
            &["--set-string", "postgresql.auth.password=  "],
            1,
            "postgresql.auth.password is blank",
        ),
        c(
            "encoded-nul-in-uri",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false,externalDatabase.existingSecret=s",
                "--set-string",
                "services.postgres.externalURI=postgresql://u@db.example.org/ml%00flow",
            ],
            1,
            "contains whitespace or control characters",
        ),
        c(
            "image-tag-dash",
            vec![],
            &["--set", "image.tag=-"],
            1,
            "image.tag: not an image tag",
        ),
        c(
            "set-key-with-space-as-typed",
            vec![],
            &["--set", "foo bar"],
            1,
            // Without '=' the argument may be a value: it is not shown, its position is.
            "--set '…' (its argument number 1 has no '=')",
        ),
        // Kubernetes' field rules and the restricted Pod Security Standard on rendered pods.
        // Attack round 14: volume sources outside the restricted standard's list
        // (check_restrictedVolumes.go), not only hostPath.
        c(
            "nfs-extra-volume",
            vec![],
            &[
                "--set",
                "extraVolumes[0].name=h,extraVolumes[0].nfs.server=10.0.0.1,extraVolumes[0].nfs.path=/",
            ],
            1,
            "volumes[2].nfs: breaks the restricted Pod Security Standard",
        ),
        c(
            "git-repo-extra-volume",
            vec![],
            &[
                "--set",
                "extraVolumes[0].name=g,extraVolumes[0].gitRepo.repository=https://example.org/r.git",
            ],
            1,
            "gitRepo: breaks the restricted Pod Security Standard",
        ),
        // The proxy checks email_verified only for the "email" claim
        // (providers/provider_data.go:296 at v7.15.3).
        c(
            "email-domains-on-unverified-claim",
            vec![],
            &[
                "--set",
                "oauth2Proxy.emailDomains[0]=example.org,oauth2Proxy.oidc.oidc_email_claim=preferred_username",
            ],
            1,
            "the proxy checks email_verified only for the \"email\" claim",
        ),
        // Groups and Keycloak roles are read from the claim --oidc-groups-claim names
        // (providers/provider_data.go:281, keycloak_oidc.go:40-47 at v7.15.3).
        c(
            "groups-from-a-profile-claim",
            vec![],
            &[
                "--set",
                "oauth2Proxy.allowedGroups[0]=mlflow-users,oauth2Proxy.oidc.oidc_groups_claim=given_name",
            ],
            1,
            "a claim of the user's own profile",
        ),
        // Keycloak's `upn` mapper writes the username (OIDCLoginProtocolFactory).
        c(
            "groups-from-keycloaks-upn",
            vec![],
            &[
                "--set",
                "oauth2Proxy.allowedGroups[0]=mlflow-users,oauth2Proxy.oidc.oidc_groups_claim=upn",
            ],
            1,
            "a claim of the user's own profile",
        ),
        // Roles every user of a Keycloak realm holds restrict nothing.
        c(
            "a-request-just-above-its-limit",
            vec![],
            &["--set-string", "resources.requests.cpu=2.0000000000000001"],
            1,
            "resources.requests.cpu is above resources.limits.cpu",
        ),
        c(
            "a-negative-request-below-a-double",
            vec![],
            &["--set-string", "resources.requests.cpu=-1e-1000"],
            1,
            "the cpu quantities must not be negative",
        ),
        c(
            "a-quantity-the-api-server-cannot-scale",
            vec![],
            &["--set-string", "resources.requests.cpu=1e-999999999"],
            1,
            "resources.requests.cpu",
        ),
        c(
            "a-published-cookie-secret",
            vec![],
            &[
                "--set-string",
                "oauth2Proxy.cookieSecret=OQINaROshtE9TcZkNAm-5Zs2Pv3xaWytBmc5W7sPX7w=",
            ],
            1,
            "oauth2Proxy.cookieSecret is an example published in OAuth2-Proxy's own documentation, or a key of at most four distinct bytes",
        ),
        c(
            "a-cookie-secret-of-zero-bytes",
            vec![],
            &[
                "--set-string",
                "oauth2Proxy.cookieSecret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            ],
            1,
            "oauth2Proxy.cookieSecret is an example published",
        ),
        c(
            "an-email-address-as-a-domain",
            vec![],
            &[
                "--set-string",
                "oauth2Proxy.emailDomains[0]=user@example.org",
            ],
            1,
            "oauth2Proxy.emailDomains: \"user@example.org\" holds '@'",
        ),
        c(
            "a-star-without-a-dot-in-a-domain",
            vec![],
            &["--set-string", "oauth2Proxy.emailDomains[0]=*example.org"],
            1,
            "so it can never match an email address",
        ),
        c(
            "a-domain-with-a-port",
            f("oauth2Proxy:\n  emailDomains: [example.org:443]\n"),
            &["-f", "{d}/v.yaml"],
            1,
            "oauth2Proxy.emailDomains: \"example.org:443\" is not a domain name",
        ),
        c(
            "an-issuer-with-a-query",
            vec![],
            &[
                "--set-string",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/r?pw=TOPSECRET",
            ],
            1,
            "oauth2Proxy.oidc.oidc_issuer_url must not have a query",
        ),
        c(
            "an-issuer-with-dot-segments",
            vec![],
            &[
                "--set-string",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/../realms/r",
            ],
            1,
            "oauth2Proxy.oidc.oidc_issuer_url has a `.` or `..` path segment",
        ),
        c(
            "a-session-id-in-a-uri",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false",
                "--set",
                "services.postgres.externalURI=postgresql://db.example.org/mlflow;jsessionid=TOPSECRET",
            ],
            1,
            "must not carry a credential in its query or path parameters",
        ),
        c(
            "a-role-every-user-holds",
            vec![],
            &[
                "--set",
                "oauth2Proxy.keycloak.allowed_roles={mlflow-user,default-roles-mlflow}",
            ],
            1,
            "oauth2Proxy.keycloak.allowed_roles names \"default-roles-mlflow\", a Keycloak role every user of the realm holds",
        ),
        c(
            "a-role-every-user-holds-as-a-group",
            vec![],
            &[
                "--set",
                "oauth2Proxy.allowedGroups={role:account:view-profile}",
            ],
            1,
            "oauth2Proxy.allowedGroups names \"role:account:view-profile\", a Keycloak role every user",
        ),
        // Through a roles claim path, roles are groups under their plain names.
        c(
            "a-role-every-user-holds-through-the-roles-claim",
            vec![],
            &[
                "--set",
                "oauth2Proxy.allowedGroups={view-profile},oauth2Proxy.oidc.oidc_groups_claim=resource_access.account.roles",
            ],
            1,
            "oauth2Proxy.allowedGroups names \"view-profile\", a Keycloak role every user",
        ),
        c(
            "groups-from-a-claim-every-token-carries",
            vec![],
            &[
                "--set",
                "oauth2Proxy.allowedGroups={mlflow},oauth2Proxy.oidc.oidc_groups_claim=azp",
            ],
            1,
            "a claim every token of the client carries with the same value",
        ),
        c(
            "offline-access-does-not-lift-the-email-claim-refusal",
            vec![],
            &[
                "--set",
                "oauth2Proxy.emailDomains[0]=example.org,oauth2Proxy.oidc.oidc_email_claim=preferred_username,oauth2Proxy.keycloak.allowed_roles=offline_access",
            ],
            1,
            "names \"offline_access\", a Keycloak role every user",
        ),
        // A dotted name is a path into the token (claim_extractor.go:158-164).
        c(
            "groups-from-a-profile-claim-path",
            vec![],
            &[
                "--set",
                "oauth2Proxy.allowedGroups[0]=admins,oauth2Proxy.oidc.oidc_groups_claim=address.formatted",
            ],
            1,
            "a claim of the user's own profile",
        ),
        c(
            "bitnami-client-and-plain-tags",
            vec![],
            &[
                "--set-string",
                "minio.clientImage.tag=2023.1.28-debian-11-r1,minio.image.tag=2025.9.7,postgresql.image.tag=15.8.0",
            ],
            1,
            "minio.clientImage.tag: \"2023.1.28-debian-11-r1\" is a bitnami tag",
        ),
        c(
            "roles-from-a-profile-claim",
            vec![],
            &[
                "--set",
                "oauth2Proxy.keycloak.allowed_roles=mlflow-user,oauth2Proxy.oidc.oidc_groups_claim=preferred_username",
            ],
            1,
            "could write an allowed group or `role:<name>` into it",
        ),
        // The original chart's bitnami tags with the official repositories name images
        // no registry serves.
        c(
            "bitnami-tags",
            vec![],
            &[
                "--set",
                "postgresql.image.tag=15.8.0-debian-12-r0,minio.image.tag=2022.12.12-debian-11-r9,oauth2Proxy.tag=7.4.0",
            ],
            1,
            "oauth2Proxy.tag: \"7.4.0\" is a bitnami tag",
        ),
        c(
            "privileged-container",
            vec![],
            &["--set", "securityContext.privileged=true"],
            1,
            "cannot be false while privileged is true",
        ),
        c(
            "root-pod",
            vec![],
            &["--set", "podSecurityContext.runAsUser=0"],
            1,
            "restricted Pod Security Standard",
        ),
        c(
            "add-sys-admin",
            vec![],
            &["--set", "securityContext.capabilities.add[0]=SYS_ADMIN"],
            1,
            "only NET_BIND_SERVICE may be added",
        ),
        c(
            "requests-over-limits",
            vec![],
            &[
                "--set",
                "resources.requests.cpu=4",
                "--set",
                "resources.limits.cpu=2",
            ],
            1,
            "resources.requests.cpu is above resources.limits.cpu",
        ),
        // The limit that changed is named with its place, not the request the defaults
        // hold (a file that writes `resources: {limits: …}` writes no request).
        c(
            "limit-below-default-request-file",
            f("resources:\n  limits:\n    memory: 100Mi\n"),
            V,
            1,
            "limit (resources.limits.memory at ",
        ),
        c(
            "limit-below-default-request-flag",
            vec![],
            &["--set", "resources.limits.memory=100Mi"],
            1,
            "(resources.limits.memory from --set",
        ),
        // The null a --set leaves before the item it sets is the flag's, not the
        // defaults' (Helm's strvals fills the gap with null).
        c(
            "null-gap-from-set",
            vec![],
            &["--set", "extraEnv[1].name=A"],
            1,
            "extraEnv[0]: wrong type: expected object from --set 'extraEnv[1].name=…', which sets a later item",
        ),
        c(
            "null-given-by-set",
            vec![],
            &["--set", "extraEnv[0]=null"],
            1,
            "extraEnv[0]: wrong type: expected object from --set 'extraEnv[0]=…', which leaves it null",
        ),
        c(
            "bracketed-db-host-not-ipv6",
            vec![],
            &[
                "--set",
                "services.postgres.enabled=false,externalDatabase.existingSecret=pg",
                "--set-string",
                "externalDatabase.host=[x]y",
            ],
            1,
            "externalDatabase.host: brackets hold an IPv6 address",
        ),
        c(
            "bracketed-s3-host-not-ipv6",
            vec![],
            &[
                "--set",
                "services.minio.enabled=false,s3.secret=s3",
                "--set-string",
                "s3.url=https://[PWNED]/",
            ],
            1,
            "s3.url: brackets hold an IPv6 address",
        ),
        c(
            "unbracketed-ipv6-in-s3-url",
            vec![],
            &[
                "--set",
                "services.minio.enabled=false,s3.secret=s3",
                "--set-string",
                "s3.url=https://::1/",
            ],
            1,
            "s3.url: an IPv6 address in a URI goes in brackets",
        ),
        c(
            "zero-storage",
            vec![],
            &["--set", "postgresql.persistence.size=0"],
            1,
            "postgresql.persistence.size must be a size above zero",
        ),
        c(
            "bad-storage-class",
            vec![],
            &["--set", "postgresql.persistence.storageClass=Bad Class"],
            1,
            "postgresql.persistence.storageClass must be a Kubernetes object name",
        ),
        c(
            "bad-ingress-class",
            vec![],
            &[
                "--set",
                "ingress.enabled=true",
                "--set",
                "ingress.className=Bad Class",
            ],
            1,
            "ingress.className must be a Kubernetes object name",
        ),
        c(
            "toleration-maybe",
            vec![],
            &[
                "--set",
                "tolerations[0].operator=Maybe",
                "--set",
                "tolerations[0].key=k",
            ],
            1,
            "must be Equal or Exists",
        ),
        c(
            "empty-ingress-peer",
            vec![],
            &["--set-json", "networkPolicy.ingressFrom=[{}]"],
            1,
            "an empty peer is refused",
        ),
        c(
            "image-tag-colon",
            vec![],
            &["--set", "image.tag=:x"],
            1,
            "image.tag: not an image tag",
        ),
        c(
            "issuer-plus-port",
            vec![],
            &[
                "--set-literal",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org:+443/r",
            ],
            1,
            "port must be a number from 1 to 65535",
        ),
        raw(
            "validate-negative-replicas",
            f(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: -5\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: x}]}\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "spec.replicas: must be 0 or more",
        ),
        raw(
            "validate-port-70000",
            f(
                "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 70000}]\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "must be a port number from 1 to 65535",
        ),
        raw(
            "validate-bad-configmap-key",
            f("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {\"bad key\": v}\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "invalid key",
        ),
        // Objects the API server refuses before their fields (issue 14).
        raw(
            "validate-deployment-v1",
            f("apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "use apps/v1",
        ),
        raw(
            "validate-deployment-extensions",
            f("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "not served as extensions/v1beta1",
        ),
        raw(
            "validate-no-kind",
            f("apiVersion: v1\nmetadata: {name: x}\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "every object needs apiVersion and kind",
        ),
        raw(
            "validate-role-without-name",
            f("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {}\nrules: []\n"),
            &["validate", "{d}/v.yaml"],
            1,
            "every object needs a name",
        ),
        // Found by the fourth attack.
        raw(
            "issuer-encoded-equals",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set-literal",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/r?token%3DTOPSECRET",
            ],
            1,
            "must not carry a credential in its query or path parameters",
        ),
        raw(
            "issuer-path-param",
            vec![],
            &[
                "render",
                "--set",
                "oauth2Proxy.clientID=c",
                "--set-literal",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/r;password=TOPSECRET",
            ],
            1,
            "must not carry a credential",
        ),
        c(
            "pod-run-as-root-allowed",
            vec![],
            &["--set", "podSecurityContext.runAsNonRoot=false"],
            1,
            "securityContext.runAsNonRoot: false breaks the restricted",
        ),
        c(
            "pod-seccomp-unconfined",
            vec![],
            &["--set", "podSecurityContext.seccompProfile.type=Unconfined"],
            1,
            "seccompProfile.type: must be RuntimeDefault or Localhost",
        ),
        c(
            "unsafe-sysctl",
            vec![],
            &[
                "--set",
                "podSecurityContext.sysctls[0].name=kernel.msgmax",
                "--set",
                "podSecurityContext.sysctls[0].value=x",
            ],
            1,
            "is not a safe sysctl",
        ),
        c(
            "apparmor-unconfined",
            vec![],
            &[
                "--set",
                "podAnnotations.container\\.apparmor\\.security\\.beta\\.kubernetes\\.io/mlflow=unconfined",
            ],
            1,
            "AppArmor must be runtime/default",
        ),
        c(
            "proc-mount-unmasked",
            vec![],
            &["--set", "securityContext.procMount=Unmasked"],
            1,
            // Kubernetes' own rule comes first (Unmasked needs hostUsers: false), the
            // restricted profile's (procMount Default) after it.
            "securityContext.procMount from --set",
        ),
        c(
            "selinux-spc",
            vec![],
            &["--set", "securityContext.seLinuxOptions.type=spc_t"],
            1,
            "seLinuxOptions",
        ),
        c(
            "email-domains-empty",
            vec![],
            &["--set-json", "oauth2Proxy.emailDomains=[]"],
            1,
            "oauth2Proxy.emailDomains is empty",
        ),
        c(
            "cookie-refresh-too-long",
            vec![],
            &["--set", "oauth2Proxy.cookieRefresh=200h"],
            1,
            "shorter than the cookie's lifetime of 168h",
        ),
        c(
            "bucket-dot-dash",
            vec![],
            &["--set", "MLFlow.artifacts.bucketName=a.-b"],
            1,
            "MLFlow.artifacts.bucketName",
        ),
        c(
            "trusted-ca-bad-name",
            vec![],
            &["--set", "trustedCA.secret=Bad_Name"],
            1,
            "trustedCA.secret must be a Kubernetes object name",
        ),
        c(
            "allowed-group-quote",
            vec![],
            &["--set-json", r#"oauth2Proxy.allowedGroups=["\"a"]"#],
            1,
            "oauth2Proxy.allowedGroups: an item is empty or holds",
        ),
        c(
            "show-only-bare-name",
            vec![],
            &["-s", "deployment.yaml"],
            1,
            "could not find template deployment.yaml",
        ),
        // Field rules found by the fourth attack.
        raw(
            "validate-service-digit",
            f(
                "apiVersion: v1\nkind: Service\nmetadata: {name: 1abc}\nspec: {ports: [{port: 80}]}\n",
            ),
            &["validate", "{d}/v.yaml"],
            1,
            "must start with a letter",
        ),
        c(
            "ingress-double-slash",
            vec![],
            &[
                "--set",
                "ingress.enabled=true",
                "--set",
                "ingress.hosts[0].host=m.example.org",
                "--set",
                "ingress.hosts[0].paths[0].path=/a//b",
                "--set",
                "ingress.hosts[0].paths[0].pathType=Prefix",
            ],
            1,
            "must be an absolute path without //",
        ),
        c(
            "toleration-seconds-noschedule",
            vec![],
            &[
                "--set-json",
                r#"tolerations=[{"key":"k","operator":"Exists","effect":"NoSchedule","tolerationSeconds":5}]"#,
            ],
            1,
            "must be NoExecute when tolerationSeconds is set",
        ),
        c(
            "annotation-bad-key",
            vec![],
            &["--set", "podAnnotations.bad key!=x"],
            1,
            "invalid annotation key",
        ),
        c(
            "run-as-user-huge",
            vec![],
            &["--set", "podSecurityContext.runAsUser=5000000000"],
            1,
            "must be from 0 to 2147483647",
        ),
        c(
            "seccomp-localhost-no-profile",
            vec![],
            &["--set", "podSecurityContext.seccompProfile.type=Localhost"],
            1,
            "must be set when the seccomp type is Localhost",
        ),
        c(
            "image-repo-leading-dash",
            vec![],
            &["--set", "image.repository=ghcr.io/-bad"],
            1,
            "is not an image reference",
        ),
        c(
            "minio-user-short",
            vec![],
            &[
                "--set",
                "minio.auth.rootUser=ab",
                "--set",
                "minio.auth.rootPassword=abcdefgh12",
            ],
            1,
            "minio.auth.rootUser must be at least 3 characters",
        ),
        // Wording without library jargon.
        c(
            "set-fractional-index",
            vec![],
            &["--set", "tolerations[1.5]=x"],
            1,
            "list index \"1.5\" is not a whole number",
        ),
        c(
            "int-tag-on-text",
            f("podAnnotations:\n  a: !!int TOPSECRET\n"),
            V,
            1,
            "its `!!int` tag asks for",
        ),
        c(
            "null-mapping-key",
            f("podAnnotations:\n  null: b\n"),
            V,
            1,
            "a mapping key is null",
        ),
        c(
            "missing-file-no-os-error",
            vec![],
            &["-f", "{d}/nope.yaml"],
            1,
            "No such file or directory\nhint",
        ),
        // --- Endless and oversized input: capped before it is read whole. -------------
        c(
            "dev-zero-values",
            vec![],
            &["-f", "/dev/zero"],
            1,
            "larger than the limit of 4 MiB",
        ),
        c(
            "dev-zero-set-file",
            vec![],
            &["--set-file", "podAnnotations.a=/dev/zero"],
            1,
            "larger than the limit of 4 MiB",
        ),
        c(
            "dev-urandom-values",
            vec![],
            &["-f", "/dev/urandom"],
            1,
            "/dev/urandom",
        ),
        raw(
            "dev-zero-validate",
            vec![],
            &["validate", "/dev/zero"],
            1,
            "larger than the limit of 32 MiB",
        ),
        raw(
            "dev-zero-diff",
            vec![],
            &["diff", "/dev/zero", "{d}/v.yaml"],
            2,
            "larger than the limit of 32 MiB",
        ),
        raw(
            "dev-zero-diff-values",
            vec![],
            &[
                "diff",
                "--values-old",
                "/dev/zero",
                "--values-new",
                "/dev/zero",
            ],
            2,
            "larger than the limit of 4 MiB",
        ),
        raw(
            "dev-zero-values-cmd",
            vec![],
            &["values", "-f", "/dev/zero"],
            1,
            "/dev/zero",
        ),
        c(
            "nul-bytes-values",
            vec![("v.yaml", vec![0u8; 1000])],
            V,
            1,
            "v.yaml",
        ),
        c(
            "latin1-values",
            vec![("v.yaml", b"a: \xe9\n".to_vec())],
            V,
            1,
            "not UTF-8",
        ),
        // --- Messages in the user's terms. --------------------------------------------
        c(
            "multi-document-values",
            f("a: 1\n---\nb: 2\n"),
            V,
            1,
            "more than one YAML document",
        ),
        c(
            "depth-names-key",
            f(format!(
                "podAnnotations:\n  a: {}{}\n",
                "[".repeat(70),
                "]".repeat(70)
            )),
            V,
            1,
            "at key podAnnotations.a[0]",
        ),
        c(
            "replica-count-null",
            vec![],
            &["--set", "replicaCount=null"],
            1,
            "replicaCount: the chart needs this value",
        ),
        c(
            "set-without-equals",
            vec![],
            &["--set", "foo"],
            1,
            "--set '…' (its argument number 1 has no '=')",
        ),
        c(
            "show-only-empty-template",
            vec![],
            &["-s", "templates/hpa.yaml"],
            1,
            "rendered nothing for these values",
        ),
        c(
            "hint-points-to-values-doc",
            f("replicaCont: 2\n"),
            V,
            1,
            "docs/values.md",
        ),
        c(
            "float-replicas",
            f("replicaCount: 1.5\n"),
            V,
            1,
            "replicaCount: wrong type",
        ),
        c(
            "bool-as-port",
            f("service:\n  port: true\n"),
            V,
            1,
            "service.port",
        ),
        raw(
            "diff-names-failing-side",
            f("replicaCount: 2\n"),
            &["diff", "--values-old", "{d}/v.yaml"],
            2,
            "rendering the old side (--values-old) failed",
        ),
        raw(
            "values-unknown-key",
            f("replicaCont: 2\n"),
            &["values", "-f", "{d}/v.yaml"],
            1,
            "did you mean `replicaCount`",
        ),
        // A rule's message says what to do where the rule alone would not.
        c(
            "minio-console-ingress",
            vec![],
            &["--set", "minio.ingress.enabled=true"],
            1,
            "must be false from --set 'minio.ingress.enabled=…' (accepted for compatibility; must stay false: MinIO's web console is off (MINIO_BROWSER=off)",
        ),
        c(
            "decimal-for-integer-by-set",
            vec![],
            &["--set", "MLFlow.workers=2.0"],
            1,
            "a whole number is needed: write it as a plain integer (2, not 2.0",
        ),
        c(
            "text-for-integer-by-set-string",
            vec![],
            &["--set-string", "MLFlow.workers=2"],
            1,
            "a number is needed, not text: write it without quotes in a values file (5000, not \"5000\"), or give it with --set (not --set-string)",
        ),
        c(
            "text-for-boolean",
            vec![],
            &["--set-string", "minio.ingress.enabled=false"],
            1,
            "a boolean is needed, not text: give it with --set (not --set-string)",
        ),
        c(
            "number-for-text",
            vec![],
            &["--set", "image.tag=3"],
            1,
            "image.tag: wrong type: expected string from --set 'image.tag=…': write it in quotes in a values file, as you mean it (tag: \"3.10\"; unquoted, YAML reads 3.10 as the number 3.1), or give it with --set-string",
        ),
        // Kubernetes' rules reach the chart's own objects through its values.
        c(
            "pod-annotation-mirror",
            vec![],
            &[
                "--set-string",
                "podAnnotations.kubernetes\\.io/config\\.mirror=x",
            ],
            1,
            "must set spec.nodeName if mirror pod annotation is set",
        ),
        c(
            "extra-egress-end-port",
            vec![],
            &[
                "--set-json",
                r#"networkPolicy.extraEgress=[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}],"ports":[{"port":100,"endPort":70000}]}]"#,
            ],
            1,
            "endPort: must be a port number from 1 to 65535",
        ),
        raw(
            "validate-many-docs-budget",
            vec![("v.yaml", "---\n".repeat(200_000).into_bytes())],
            &["validate", "{d}/v.yaml"],
            1,
            "too many YAML documents: the limit is 100000",
        ),
    ]
}

fn dir_for(name: &str) -> PathBuf {
    let d = common::scratch_root().join(format!("bad-{name}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn substitute(args: &[&str], d: &Path) -> Vec<String> {
    args.iter()
        .map(|a| a.replace("{d}", &d.to_string_lossy()))
        .collect()
}

#[test]
fn corpus_has_at_least_110_cases() {
    assert!(cases().len() >= 110, "{}", cases().len());
}

#[test]
fn every_bad_input_fails_cleanly() {
    let mut problems = Vec::new();
    for case in cases() {
        let d = dir_for(case.name);
        for (name, content) in &case.files {
            std::fs::write(d.join(name), content).unwrap();
        }
        let args = substitute(&case.args, &d);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let start = Instant::now();
        let r = common::run(&argv, Some(b""));
        let took = start.elapsed();
        // `validate` prints its report on stdout; everything else prints nothing there.
        let report = case.args.first() == Some(&"validate");
        let out = format!("{}{}", r.stdout, r.stderr);
        let ok = r.code == case.code
            && (r.stdout.is_empty() || report)
            && out.contains(case.needle)
            && !out.contains("panicked")
            && !out.contains("TOPSECRET")
            && !out.contains("31337")
            && took < Duration::from_secs(20);
        if !ok {
            problems.push(format!(
                "{}: exit {} (want {}), {:?}, stdout {} bytes, stderr: {}",
                case.name,
                r.code,
                case.code,
                took,
                r.stdout.len(),
                r.stderr.lines().take(4).collect::<Vec<_>>().join(" | ")
            ));
        }
        let _ = std::fs::remove_dir_all(&d);
    }
    assert!(
        problems.is_empty(),
        "{} cases misbehaved:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A 100 MB values file is refused at the cap, quickly, with the file and the cap named.
#[test]
fn huge_values_file_is_refused_at_the_cap() {
    let d = dir_for("huge");
    let path = d.join("big.yaml");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(w, "podAnnotations:").unwrap();
        let line = format!("\"{}\"", "x".repeat(200));
        let mut written = 0usize;
        let mut i = 0;
        while written < 100 * 1024 * 1024 {
            let l = format!("  k{i}: {line}\n");
            written += l.len();
            w.write_all(l.as_bytes()).unwrap();
            i += 1;
        }
    }
    let start = Instant::now();
    let p = path.to_string_lossy().into_owned();
    let r = common::run(&["render", "-f", &p], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("larger than the limit of 4 MiB"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&p), "{}", r.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Each input under its own cap, but together over the 16 MiB of all values inputs.
#[test]
fn total_values_input_is_capped() {
    let d = dir_for("total");
    let big = format!("# {}\n", "x".repeat(3_900_000));
    let mut args = vec!["values".to_string()];
    for i in 0..5 {
        let p = d.join(format!("v{i}.yaml"));
        std::fs::write(&p, &big).unwrap();
        args.push("-f".into());
        args.push(p.to_string_lossy().into_owned());
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = common::run(&argv, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("together are larger than the limit of 16 MiB"),
        "{}",
        r.stderr
    );
    let mut args = vec!["values".to_string()];
    for i in 0..5 {
        args.push("--set-file".into());
        args.push(format!(
            "podAnnotations.a{i}={}",
            d.join(format!("v{i}.yaml")).display()
        ));
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = common::run(&argv, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("together are larger than the limit of 16 MiB"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Valid objects are no false alarms: a CronJob (no selector), a 100-character ConfigMap
/// name (a subdomain's parts have no 63-character limit), an existing ServiceAccount.
#[test]
fn valid_objects_are_accepted() {
    let d = dir_for("valid14");
    let p = d.join("ok.yaml");
    std::fs::write(&p, format!("apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: cj}}\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{{name: c, image: busybox}}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {}}}\ndata: {{a: b}}\n", "a".repeat(100))).unwrap();
    let r = common::run(&["validate", p.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mut args = vec!["render", "-q"];
    args.extend_from_slice(&P);
    args.extend_from_slice(&[
        "--set",
        "serviceAccount.create=false",
        "--set",
        "serviceAccount.name=team-sa",
    ]);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("serviceAccountName: team-sa"));
    let _ = std::fs::remove_dir_all(&d);
}

/// Every volume source the restricted Pod Security Standard allows
/// (check_restrictedVolumes.go, restrictedVolumes_1_0, image since v1.33) renders in the
/// chart's pods; an unverified email claim beside groups is a warning, not an error.
#[test]
fn restricted_volume_sources_and_claims_with_groups_are_accepted() {
    let volumes = r#"extraVolumes=[
        {"name":"a","csi":{"driver":"d.example.org"}},
        {"name":"b","downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}},
        {"name":"c","ephemeral":{"volumeClaimTemplate":{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}}},
        {"name":"d","image":{"reference":"registry.example.org/models:1","pullPolicy":"IfNotPresent"}},
        {"name":"e","projected":{"sources":[{"configMap":{"name":"x"}}]}},
        {"name":"f","persistentVolumeClaim":{"claimName":"data"}}
    ]"#;
    // Image volumes need the ImageVolume feature gate, on by default from 1.35.
    let mut args = vec!["render", "-q", "--set-json", volumes];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("image volumes are off by default in Kubernetes 1.33")
    );
    args.extend_from_slice(&["--kube-version", "1.35"]);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in [
        "csi:",
        "downwardAPI:",
        "ephemeral:",
        "reference: registry.example.org/models:1",
    ] {
        assert!(r.stdout.contains(name), "{name} missing");
    }
    let mut args = vec![
        "render",
        "-q",
        "--set",
        "oauth2Proxy.emailDomains[0]=example.org,oauth2Proxy.oidc.oidc_email_claim=preferred_username,oauth2Proxy.allowedGroups[0]=/ml",
    ];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: oauth2Proxy.emailDomains restricts who may log in")
    );
    assert!(r.stdout.contains("--oidc-email-claim=preferred_username"));
}

/// Valid Kubernetes settings the chart's values used to refuse: extended resources and
/// hugepages (validateResourceName), a percentage PodDisruptionBudget.
#[test]
fn extended_resources_and_percentage_budgets_are_accepted() {
    let mut args = vec![
        "render",
        "-q",
        "--set",
        r"resources.limits.nvidia\.com/gpu=1,resources.requests.nvidia\.com/gpu=1",
        "--set",
        "resources.limits.hugepages-2Mi=64Mi,resources.requests.hugepages-2Mi=64Mi",
        "--set",
        "replicaCount=3",
        "--set-string",
        "podDisruptionBudget.maxUnavailable=50%",
    ];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("            nvidia.com/gpu: 1\n"));
    assert!(r.stdout.contains("            hugepages-2Mi: 64Mi\n"));
    assert!(r.stdout.contains("  maxUnavailable: 50%\n"));
    for (set, needle) in [
        (
            "podDisruptionBudget.maxUnavailable=0%",
            "podDisruptionBudget.maxUnavailable",
        ),
        (
            r"resources.limits.nvidia\.com/gpu=0.5",
            "must be a whole number",
        ),
        (
            "resources.limits.gpu=1",
            "resources.limits.gpu: unknown key",
        ),
    ] {
        let mut args = vec![
            "render",
            "-q",
            "--set",
            "replicaCount=3",
            "--set-string",
            set,
        ];
        args.extend_from_slice(&P);
        let r = common::run(&args, None);
        assert_eq!(r.code, 1, "{set}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(needle), "{set}: {}", r.stderr);
    }
}

/// A per-container AppArmor annotation for MLflow's container renders: in the scheduler
/// pod it names that pod's server container, which the API server requires
/// (ValidateAppArmorPodAnnotations: "container not found").
#[test]
fn apparmor_annotation_for_mlflow_reaches_both_server_pods() {
    let mut args = vec![
        "render",
        "-q",
        "--set",
        r"podAnnotations.container\.apparmor\.security\.beta\.kubernetes\.io/mlflow=localhost/mlflow",
    ];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("container.apparmor.security.beta.kubernetes.io/mlflow: localhost/mlflow")
    );
    assert!(
        r.stdout
            .contains("container.apparmor.security.beta.kubernetes.io/scheduler: localhost/mlflow")
    );
}

/// A key past YAML's 1024-character limit for implicit keys, in a map passed through
/// whole (CSI volume attributes take any key), renders as an explicit key (`? key`), and
/// the output reads back with it.
#[test]
fn a_key_past_1024_characters_renders_as_an_explicit_key() {
    let key = "k".repeat(1030);
    let volumes = format!(
        r#"extraVolumes=[{{"name":"v","csi":{{"driver":"d.example.org","volumeAttributes":{{"{key}":"v"}}}}}}]"#
    );
    let mut args = vec!["render", "-q", "--set-json", &volumes];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(&format!("? {key}\n")), "no explicit key");
    let docs = mlflow_chart::parse::parse_stream("out", &r.stdout).unwrap();
    let attributes = docs
        .iter()
        .find(|d| d.kind() == "Deployment" && d.name() == "mlflow")
        .and_then(|d| {
            d.value
                .pointer("/spec/template/spec/volumes")?
                .as_array()?
                .iter()
                .find(|v| v["name"] == "v")?
                .pointer("/csi/volumeAttributes")
                .cloned()
        });
    assert_eq!(attributes, Some(serde_json::json!({ key: "v" })));
}

/// A ConfigMap above Kubernetes' 1 MiB is refused.
#[test]
fn oversized_configmap_is_refused() {
    let d = dir_for("bigcm");
    let p = d.join("cm.yaml");
    std::fs::write(
        &p,
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  k: \"{}\"\n",
            "x".repeat(2 * 1024 * 1024)
        ),
    )
    .unwrap();
    let r = common::run(&["validate", p.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("at most 1 MiB"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

/// A password changes no Job name (a Job name hashing a password could be checked
/// against guesses), and `-s` takes Helm's patterns.
#[test]
fn job_names_hide_credentials_and_show_only_globs() {
    let mut base = vec!["render", "-q"];
    base.extend_from_slice(&P);
    let jobs = |extra: &[&str]| -> Vec<String> {
        let mut a = base.clone();
        a.extend_from_slice(extra);
        let r = common::run(&a, None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .filter(|l| {
                l.contains("name: mlflow-bucket-init-")
                    || l.contains("name: mlflow-secret-generator-")
            })
            .map(str::to_string)
            .collect()
    };
    for key in [
        "postgresql.auth.password",
        "minio.auth.rootPassword",
        "oauth2Proxy.clientSecret",
    ] {
        let a = jobs(&[
            "--set",
            &format!("{key}=first-secret-1"),
            "--set",
            "postgresql.auth.postgresPassword=x1234567",
            "--set",
            "minio.auth.rootUser=admin1",
        ]);
        let b = jobs(&[
            "--set",
            &format!("{key}=other-secret-2"),
            "--set",
            "postgresql.auth.postgresPassword=x1234567",
            "--set",
            "minio.auth.rootUser=admin1",
        ]);
        assert_eq!(a, b, "{key} changes a Job name");
        assert!(!a.is_empty());
    }
    // Credentials in pieces given verbatim: an environment variable named like one, a
    // flag's argument, a Secret among extraObjects.
    for template in [
        r#"extraEnv=[{"name":"HF_TOKEN","value":"SECRET"}]"#,
        r#"extraContainers=[{"name":"side","image":"busybox:1.36","args":["--api-key","SECRET"]}]"#,
        r#"extraObjects=[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"},"stringData":{"k":"SECRET"}}]"#,
    ] {
        let a = jobs(&["--set-json", &template.replace("SECRET", "first-1")]);
        let b = jobs(&["--set-json", &template.replace("SECRET", "other-2")]);
        assert_eq!(a, b, "{template} changes a Job name");
    }
    let a = jobs(&["--set-string", "podAnnotations.config=password=first-1"]);
    let b = jobs(&["--set-string", "podAnnotations.config=password=other-2"]);
    assert_eq!(a, b, "a credential in an annotation changes a Job name");
    // What a Job's template renders changes its name, whatever the key is called.
    for (one, other) in [
        (
            "trustedCA.configMap=ca",
            "trustedCA.configMap=ca,trustedCA.key=bundle.pem",
        ),
        (
            "nodeSelector.example\\.com/token=a",
            "nodeSelector.example\\.com/token=b",
        ),
    ] {
        assert_ne!(
            jobs(&["--set", one]),
            jobs(&["--set", other]),
            "{one} / {other} keep the Job names"
        );
    }
    let mut a = base.clone();
    a.extend_from_slice(&["-s", "templates/service*.yaml"]);
    let r = common::run(&a, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("# Source: mlflow-chart/templates/service.yaml")
    );
    assert!(
        r.stdout
            .contains("# Source: mlflow-chart/templates/service-postgresql.yaml")
    );
    assert!(!r.stdout.contains("kind: Deployment"));
}

/// A wildcard TLS entry (or one naming no host) covers the ingress host: the cookie stays
/// Secure and the callback https.
#[test]
fn wildcard_tls_keeps_the_cookie_secure() {
    let mut a = vec!["render", "-q"];
    a.extend_from_slice(&P);
    a.extend_from_slice(&[
        "--set",
        "ingress.enabled=true",
        "--set",
        "ingress.hosts[0].host=a.example.org",
        "--set-json",
        r#"ingress.tls=[{"hosts":["*.example.org"],"secretName":"wild"}]"#,
    ]);
    let r = common::run(&a, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("--cookie-secure=true"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("--redirect-url=https://a.example.org/oauth2/callback")
    );
    assert!(!r.stderr.contains("no TLS entry"));
}

/// Credential-named pairs in any object are masked in diffs.
#[test]
fn diff_masks_credential_named_pairs() {
    let d = dir_for("diffnames");
    let doc = |v: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, annotations: {{api-key: {v}, privateKey: {v}}}}}\ndata: {{a: b}}\n"
        )
    };
    let (a, b) = (d.join("a.yaml"), d.join("b.yaml"));
    std::fs::write(&a, doc("TOPSECRET1")).unwrap();
    std::fs::write(&b, doc("TOPSECRET2")).unwrap();
    let r = common::run(&["diff", a.to_str().unwrap(), b.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains("TOPSECRET"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

/// A valid `kind: List` is no false alarm, and its items are checked.
#[test]
fn lists_are_validated_item_by_item() {
    let d = dir_for("lists");
    let ok = d.join("ok.yaml");
    std::fs::write(&ok, "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n    data: {k: v}\n").unwrap();
    let r = common::run(&["validate", ok.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let _ = std::fs::remove_dir_all(&d);
}

/// In a render, each object a `List` in `extraObjects` holds is checked as itself, beside
/// the objects around the List: its problems are its own, and none is lost. (An
/// independent differential test found a build that checked the stream's documents
/// against the problems of the List's items: a List of one item with an unknown field
/// rendered, exit 0; other shapes blamed the neighbouring object.)
#[test]
fn render_checks_each_object_a_list_holds_as_itself() {
    let d = dir_for("renderlists");
    let cases = [
        (
            "  - apiVersion: v1\n    kind: List\n    metadata: {name: lst}\n    items:\n      - {apiVersion: v1, kind: Secret, metadata: {name: a}, bogus: 1}\n",
            "Secret/a: bogus: unknown field",
        ),
        (
            "  - apiVersion: v1\n    kind: List\n    metadata: {name: l1}\n    items:\n      - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n      - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n  - {apiVersion: v1, kind: ServiceAccount, metadata: {name: \"\"}}\n  - {apiVersion: v1, kind: List, metadata: {name: l2}, items: []}\n",
            "ServiceAccount/: metadata.name: missing: every object needs a name",
        ),
        (
            "  - apiVersion: v1\n    kind: List\n    metadata: {name: l1}\n    items:\n      - {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}\n      - {apiVersion: v1, kind: ServiceAccount, metadata: {name: b}}\n  - {apiVersion: v1, kind: ServiceAccount, metadata: {name: d}, bogus: 1}\n  - {apiVersion: v1, kind: List, metadata: {name: l2}, items: []}\n",
            "ServiceAccount/d: bogus: unknown field",
        ),
    ];
    for (i, (objects, problem)) in cases.iter().enumerate() {
        let f = d.join(format!("{i}.yaml"));
        std::fs::write(
            &f,
            format!("oauth2Proxy: {{enabled: false}}\nextraObjects:\n{objects}"),
        )
        .unwrap();
        for extra in [&[][..], &["-o", "json"][..]] {
            let mut args = vec!["render", "-q", "-f", f.to_str().unwrap()];
            args.extend(extra);
            let r = common::run(&args, None);
            assert_eq!(r.code, 1, "case {i}: {}", r.stderr);
            assert!(r.stdout.is_empty(), "case {i}");
            let listed: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("  - ")).collect();
            // Each line names the item of extraObjects and its file:line after it.
            assert!(
                listed.len() == 1
                    && listed[0]
                        .starts_with(&format!("  - extra-objects.yaml: {problem} (extraObjects[")),
                "case {i}: {}",
                r.stderr
            );
            assert!(
                !r.stderr.contains("not validated"),
                "case {i}: {}",
                r.stderr
            );
        }
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// A typed list (`ConfigMapList`, `SecretList`) in `extraObjects` needs no name, as kubectl
/// reads any object with `items` as a list; its items are checked as themselves (kind
/// taken from the list's), and a custom kind whose name ends in `List` but that has no
/// `items` still needs its name.
#[test]
fn typed_lists_in_extra_objects() {
    let d = dir_for("typedlists");
    let f = d.join("v.yaml");
    let write = |objects: &str| {
        std::fs::write(
            &f,
            format!("oauth2Proxy: {{enabled: false}}\nextraObjects:\n{objects}"),
        )
        .unwrap()
    };
    let args = ["render", "-q", "-f", f.to_str().unwrap()];
    write(
        "  - apiVersion: v1\n    kind: ConfigMapList\n    items:\n      - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {x: \"1\"}}\n",
    );
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("kind: ConfigMapList"), "{}", r.stdout);
    write(
        "  - apiVersion: v1\n    kind: SecretList\n    items:\n      - {metadata: {name: a}, stringData: {x: \"1\"}, tpe: Opaque}\n",
    );
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("Secret/a: tpe: unknown field"),
        "{}",
        r.stderr
    );
    write("  - apiVersion: example.com/v1\n    kind: AllowList\n    spec: {}\n");
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("extraObjects[0]: missing required key \"metadata\""),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// libpq keyword strings and other `password=` pairs are masked in diffs too.
#[test]
fn diff_masks_credential_pairs() {
    let d = dir_for("diffpairs");
    let doc = |v: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  dsn: host=db password={v} sslmode=require\n"
        )
    };
    let (a, b) = (d.join("a.yaml"), d.join("b.yaml"));
    std::fs::write(&a, doc("TOPSECRET1")).unwrap();
    std::fs::write(&b, doc("TOPSECRET2")).unwrap();
    let r = common::run(&["diff", a.to_str().unwrap(), b.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains("TOPSECRET"), "{}", r.stdout);
    // Two texts masked alike would read as an unchanged line: the marker says the change.
    assert!(
        r.stdout.contains("-  dsn: (hidden; old value)")
            && r.stdout.contains("+  dsn: (hidden; new value)"),
        "{}",
        r.stdout
    );
    // JSON and YAML inside a value that the diff prints double-quoted (`\"password\"`),
    // compact JSON, and a block scalar; in both output formats.
    let doc = |v: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  settings.json: '{{\"db\": {{\"user\": \"svc{v}\", \"password\": \"TOPSECRET{v}a\"}}}}'\n  app.yaml: 'token: \"TOPSECRET{v}b\"'\n  compact.json: '{{\"client_secret\":\"TOPSECRET{v}c\",\"pin\":1}}'\n  block: |\n    {{\"aws_secret_access_key\":\"TOPSECRET{v}d\"}}\n    line{v}\n"
        )
    };
    diff_hides_and_shows(&d, &doc("1"), &doc("2"), "TOPSECRET", &["line1", "line2"]);
    let _ = std::fs::remove_dir_all(&d);
}

/// `diff` of `old` and `new` (written under `d`) in both output formats: they differ,
/// `hidden` never shows, and each of `shown` does.
fn diff_hides_and_shows(d: &Path, old: &str, new: &str, hidden: &str, shown: &[&str]) {
    let (a, b) = (d.join("old.yaml"), d.join("new.yaml"));
    std::fs::write(&a, old).unwrap();
    std::fs::write(&b, new).unwrap();
    for format in ["yaml", "json"] {
        let r = common::run(
            &[
                "diff",
                "-o",
                format,
                a.to_str().unwrap(),
                b.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(!r.stdout.contains(hidden), "{format}: {}", r.stdout);
        for s in shown {
            assert!(r.stdout.contains(s), "{format} {s}: {}", r.stdout);
        }
    }
}

/// A credential's variable given a list or map (the wrong type, which `values` still
/// prints) and a URI written scheme-relative or with one slash are masked by `values`
/// and by `diff`, whose old and new sides differ.
#[test]
fn listed_env_values_and_lenient_uris_are_masked() {
    let d = dir_for("lenient");
    let r = common::run(
        &[
            "values",
            "--set-json",
            r#"extraEnv=[{"name":"DB_PASSWORD","value":["TOPSECRET1",{"name":"TOPSECRET2"}]}]"#,
            "--set",
            "podAnnotations.a=//admin:TOPSECRET3@db.example.org/x,podAnnotations.b=https:/u:TOPSECRET4@h/",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("TOPSECRET"), "{}", r.stdout);
    assert!(r.stdout.contains("name: DB_PASSWORD"), "{}", r.stdout);
    let pod = |v: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, annotations: {{a: '//u:TOPSECRETa{v}@h/x'}}}}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    args: [--x=https:\\\\u:TOPSECRETb{v}@h/]\n    env:\n    - name: API_TOKEN\n      value: [TOPSECRETc{v}]\n    - name: MODE\n      value: mode{v}\n"
        )
    };
    diff_hides_and_shows(&d, &pod("1"), &pod("2"), "TOPSECRET", &["mode1", "mode2"]);
    let _ = std::fs::remove_dir_all(&d);
}

/// A URI's password holding punctuation (`,` `)` `'`, and for a database URI `?` `#` `/`
/// as libpq and SQLAlchemy read it) is a password to every check: masked by `values`,
/// `diff` and errors, refused in `MLFlow.extraArgs`, warned about in `extraEnv`; and a
/// misspelled credential key printed with `--skip-schema-validation` is masked.
#[test]
fn punctuated_uri_passwords_and_misspelled_keys_are_credentials() {
    let d = dir_for("punct");
    let base = d.join("base.yaml");
    std::fs::write(
        &base,
        "oauth2Proxy: {clientID: mlflow, oidc: {oidc_issuer_url: https://kc.example.org/realms/m}}\n",
    )
    .unwrap();
    let base = base.to_string_lossy().into_owned();
    let r = common::run(
        &[
            "values",
            "--skip-schema-validation",
            "--set-literal",
            "services.postgres.externalURI=postgresql://mlflow:TOPSECRET1?x@db.example.org/mlflow",
            "--set-literal",
            "s3.url=https://AKIA:TOPSECRET2,x@minio.example.org",
            "--set-literal",
            "podAnnotations.a=postgresql://u:TOPSECRET3/x@db.example.org/x",
            "--set",
            "s3.Key=TOPSECRET4,postgresql.auth.pasword=TOPSECRET5,oauth2Proxy.clientSecrt=TOPSECRET6",
            // A space in an https userinfo; a percent-encoded query name; a key typed on.
            "--set-literal",
            "podAnnotations.b=https://u: TOPSECRETb@h/",
            "--set-literal",
            "podAnnotations.c=https://h/x?%70assword=TOPSECRETc",
            "--set",
            "s3.key:TOPSECRETd=1",
            "--set",
            "postgresql.auth.password\tTOPSECRETe=1",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("TOPSECRET"), "{}", r.stdout);
    assert!(r.stdout.contains("clientSecrt:"), "{}", r.stdout);
    for (key, value) in [
        (
            "image.repository",
            "https://robot:TOPSECRET7,x@registry.example.org/mlflow",
        ),
        (
            "MLFlow.extraArgs[0]",
            "--x-frame-options=https://u:TOPSECRET8)x@h.example.org",
        ),
        (
            "extraEnv[0].value",
            "postgresql://u:TOPSECRET9?x@db.example.org/x",
        ),
    ] {
        let r = common::run(
            &[
                "render",
                "-f",
                &base,
                "--set",
                "extraEnv[0].name=APP_DB",
                "--set-literal",
                &format!("{key}={value}"),
            ],
            None,
        );
        assert!(!r.stderr.contains("TOPSECRET"), "{key}: {}", r.stderr);
        if key == "extraEnv[0].value" {
            assert!(
                r.stderr.contains("holds a URI with a credential"),
                "{}",
                r.stderr
            );
        } else {
            assert_eq!(r.code, 1, "{key}: {}", r.stderr);
            assert!(r.stdout.is_empty(), "{key}");
        }
    }
    let cm = |v: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, namespace: default}}\ndata:\n  url: \"https://u:TOPSECRETa,{v}@h.example.org/x\"\n  db: \"postgresql://u:TOPSECRETb?{v}@db/x\"\n  mode: mode{v}\n"
        )
    };
    diff_hides_and_shows(&d, &cm("1"), &cm("2"), "TOPSECRET", &["mode1", "mode2"]);
    let _ = std::fs::remove_dir_all(&d);
}

/// Credentials in plain sight outside Secrets are masked too: an environment variable
/// whose name is a credential's, the argument after a credential flag given apart
/// (`--client-secret X`), and an ini line `password = X`; a changed variable of another
/// name still shows.
#[test]
fn diff_masks_credential_variables_and_split_flags() {
    let d = dir_for("diffenv");
    let doc = |v: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    image: example.org/c:1\n    args: [--client-secret, SEKRET{v}a, --verbose, --token, SEKRET{v}b, plain{v}]\n    env:\n    - {{name: MLFLOW_TRACKING_PASSWORD, value: SEKRET{v}c}}\n    - {{name: API_TOKEN, value: SEKRET{v}d}}\n    - {{name: LOG_LEVEL, value: level{v}}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ini}}\ndata:\n  app.ini: |\n    [db]\n    password = SEKRET{v}e\n"
        )
    };
    let (a, b) = (d.join("a.yaml"), d.join("b.yaml"));
    std::fs::write(&a, doc("1")).unwrap();
    std::fs::write(&b, doc("2")).unwrap();
    let r = common::run(&["diff", a.to_str().unwrap(), b.to_str().unwrap()], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("SEKRET"), "{}", r.stdout);
    for shown in ["plain1", "plain2", "level1", "level2", "--verbose"] {
        assert!(r.stdout.contains(shown), "{shown}: {}", r.stdout);
    }
    assert!(r.stdout.contains("(hidden; new value)"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

/// Several manifest files together are capped too.
#[test]
fn total_manifest_input_is_capped() {
    let d = dir_for("mtotal");
    let p = d.join("m.yaml");
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: \"");
    text.push_str(&"x".repeat(30 * 1024 * 1024));
    text.push_str("\"\n");
    std::fs::write(&p, text).unwrap();
    let ps = p.to_string_lossy().into_owned();
    let start = Instant::now();
    let r = common::run(&["validate", &ps, &ps, &ps], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("together are larger than the limit of 64 MiB"),
        "{}",
        r.stderr
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&d);
}

/// A dotted name or a path that holds a credential word (`rbac.authorization.k8s.io`,
/// `secrets/tls.crt`) is no pair and holds no credential: a diff shows it, so a reviewer
/// sees a RoleBinding's roleRef.apiGroup change from and to what.
#[test]
fn diff_shows_dotted_names_beside_credential_words() {
    let d = dir_for("diffdotted");
    let old = d.join("old.yaml");
    let new = d.join("new.yaml");
    let doc = |group: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: rb, namespace: default}}\nroleRef: {{apiGroup: {group}, kind: Role, name: r}}\nsubjects: [{{kind: ServiceAccount, name: sa, namespace: default}}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, namespace: default}}\ndata: {{path: secrets/tls.crt, group: {group}}}\n"
        )
    };
    std::fs::write(&old, doc("rbac.authorization.k8s.io")).unwrap();
    std::fs::write(&new, doc("evil.example.com")).unwrap();
    let (o, n) = (
        old.to_string_lossy().into_owned(),
        new.to_string_lossy().into_owned(),
    );
    let r = common::run(&["diff", &o, &n], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for line in [
        "-  apiGroup: rbac.authorization.k8s.io",
        "+  apiGroup: evil.example.com",
        "  path: secrets/tls.crt",
        "-  group: rbac.authorization.k8s.io",
    ] {
        assert!(r.stdout.contains(line), "{line}: {}", r.stdout);
    }
    // A Bearer or Basic credential is masked whatever names it.
    let doc = |token: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: h, namespace: default}}\ndata:\n  f: |\n    header = Bearer {token}\n    x = 1\n"
        )
    };
    std::fs::write(&old, doc("SEKRETabc1")).unwrap();
    std::fs::write(&new, doc("SEKRETabc2")).unwrap();
    let r = common::run(&["diff", &o, &n], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("SEKRET"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

/// A diff of renders masks URI credentials that reach the rendered arguments.
#[test]
fn diff_masks_uri_credentials() {
    let d = dir_for("diffuri");
    let old = d.join("old.yaml");
    let new = d.join("new.yaml");
    let doc = |v: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  uri: {v}\n")
    };
    std::fs::write(&old, doc("https://u:TOPSECRET1@h/p?token=TOPSECRET2")).unwrap();
    std::fs::write(&new, doc("https://u:TOPSECRET3@h/p?token=TOPSECRET4")).unwrap();
    let (o, n) = (
        old.to_string_lossy().into_owned(),
        new.to_string_lossy().into_owned(),
    );
    let r = common::run(&["diff", &o, &n], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("TOPSECRET"), "{}", r.stdout);
    let r = common::run(&["diff", "--show-secrets", &o, &n], None);
    assert!(r.stdout.contains("TOPSECRET3"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

/// Under the cap but over the YAML node budget: refused with the limit named.
#[test]
fn too_many_nodes_names_the_limit() {
    let d = dir_for("nodes");
    let mut s = String::from("podAnnotations:\n");
    for i in 0..300_000 {
        s.push_str(&format!("  k{i}: v\n"));
    }
    assert!(s.len() < 4 * 1024 * 1024);
    let path = d.join("v.yaml");
    std::fs::write(&path, s).unwrap();
    let p = path.to_string_lossy().into_owned();
    let r = common::run(&["render", "-f", &p], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("too many YAML nodes"), "{}", r.stderr);
    assert!(r.stderr.contains("the limit is 250000"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("budget") && !r.stderr.contains("Nodes {"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Every subcommand, with stdout or stderr on a full disk or a closed pipe: no panic, the
/// documented exit code (a failed write of the result is 1; a failed write to stderr
/// leaves the command's own code), and nothing half-written.
#[test]
fn failed_writes_never_panic() {
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_mlflow-chart");
    let golden = common::root().join("tests/golden/default.yaml");
    let golden = golden.to_string_lossy().into_owned();
    let other = common::root().join("tests/golden/autoscaling.yaml");
    let other = other.to_string_lossy().into_owned();
    let mut render = vec!["render"];
    render.extend_from_slice(&P);
    // (arguments, exit code when all output is written)
    let commands: Vec<(Vec<&str>, i32)> = vec![
        (render.clone(), 0),
        (vec!["render", "--set", "x=1"], 1),
        (vec!["values"], 0),
        (vec!["values", "--set", "replicaCount=2"], 0),
        (vec!["schema"], 0),
        (vec!["schema", "--reference"], 0),
        (vec!["validate", &golden], 0),
        (vec!["diff", &golden, &other], 1),
        (vec!["completions", "bash"], 0),
        (vec!["--help"], 0),
        (vec!["--version"], 0),
        (vec!["render", "--no-such-flag"], 2),
    ];
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let mut problems = Vec::new();
    for (args, ok_code) in &commands {
        // stderr full: the command's own exit code.
        let out = Command::new(bin)
            .args(args)
            .current_dir(common::root())
            .stdout(Stdio::piped())
            .stderr(full())
            .output()
            .unwrap();
        if out.status.code() != Some(*ok_code) {
            problems.push(format!("{args:?} 2>/dev/full: {:?}", out.status));
        }
        // stdout full: 1 where there was a result to write, else the command's code.
        let out = Command::new(bin)
            .args(args)
            .current_dir(common::root())
            .stdout(full())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // diff(1): a failure to write is trouble (2), not "different" (1).
        let want = if args[0] == "diff" {
            2
        } else if *ok_code == 2 || args.contains(&"x=1") {
            *ok_code
        } else {
            1
        };
        if out.status.code() != Some(want) || err.contains("panicked") {
            problems.push(format!("{args:?} >/dev/full: {:?} {err}", out.status));
        }
        // stdout open for reading only (`1</dev/null`): the write fails with EBADF, which
        // std's own stdout handle would report as done.
        if !args[0].starts_with('-') {
            let out = Command::new(bin)
                .args(args)
                .current_dir(common::root())
                .stdout(std::fs::File::open("/dev/null").unwrap())
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(want) || err.contains("panicked") {
                problems.push(format!("{args:?} 1</dev/null: {:?} {err}", out.status));
            }
        }
        // stdout a closed pipe.
        let mut child = Command::new(bin)
            .args(args)
            .current_dir(common::root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.code().is_none() || out.status.code() == Some(101) || err.contains("panicked")
        {
            problems.push(format!("{args:?} | closed: {:?} {err}", out.status));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Big but legal (or big and wrong) inputs finish quickly: the cases the attack found
/// super-linear. Limits are generous for a debug build on a loaded 2-core machine; the
/// benchmark `cargo bench --bench linear` measures the per-item cost.
#[test]
fn big_inputs_finish_quickly() {
    let d = dir_for("big");
    let mut errors = String::from("podAnnotations:\n");
    let mut unknown = String::new();
    for i in 0..20_000 {
        errors.push_str(&format!("  k{i}: {i}\n"));
        unknown.push_str(&format!("unknownKey{i}: 1\n"));
    }
    let mut docs = String::new();
    for i in 0..3_000 {
        docs.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  namespace: ns\ndata:\n  a: b\n"
        ));
    }
    std::fs::write(d.join("errors.yaml"), errors).unwrap();
    std::fs::write(d.join("unknown.yaml"), unknown).unwrap();
    std::fs::write(d.join("docs.yaml"), docs).unwrap();
    let p = |n: &str| d.join(n).to_string_lossy().into_owned();
    let mut bad_docs = String::new();
    for i in 0..3_000 {
        bad_docs.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_{i}\n"
        ));
    }
    std::fs::write(d.join("bad.yaml"), bad_docs).unwrap();
    let (e, u, m) = (p("errors.yaml"), p("unknown.yaml"), p("docs.yaml"));
    let bad = p("bad.yaml");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["render", "-f", &e], 1, "20000 problems"),
        (vec!["render", "-f", &u], 1, "and 19950 more"),
        (
            vec!["render", "--set", "tolerations[65536]=x"],
            1,
            "tolerations",
        ),
        (vec!["validate", &m], 0, "3000 documents, 0 errors"),
        (vec!["validate", &bad], 1, "and 2950 more problems"),
    ];
    for (args, code, needle) in cases {
        let start = Instant::now();
        let r = common::run(&args, None);
        let took = start.elapsed();
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(needle) || r.stdout.contains(needle),
            "{args:?}: {}{}",
            r.stdout,
            r.stderr
        );
        assert!(
            r.stderr.lines().count() < 60,
            "{args:?}: problem list not capped"
        );
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// A one-line value (a name, URL, claim, credential) with a line break or tab is refused,
/// naming each key and never the value; annotations and objects passed through keep their
/// lines.
#[test]
fn one_line_values_hold_no_line_break() {
    let dir = common::scratch_root().join("lines");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "oauth2Proxy:\n  extraAudiences: [\"team\\nmlflow\"]\n  oidc:\n    oidc_groups_claim: \"gro\\rups\"\nminio:\n  auth:\n    rootPassword: \"pw-Zq8\\t1\\n\"\ningress:\n  tls:\n  - hosts: [\"a\\n\"]\n",
    )
    .unwrap();
    let mut args = vec!["render", "-f", bad.to_str().unwrap()];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    for key in [
        "oauth2Proxy.extraAudiences[0]",
        "oauth2Proxy.oidc.oidc_groups_claim",
        "minio.auth.rootPassword",
        "ingress.tls[0].hosts[0]",
    ] {
        assert!(
            r.stderr
                .contains(&format!("  - {key}: holds a line break or a tab")),
            "{key}: {}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains("pw-Zq8"), "{}", r.stderr);
    // --set-file: the file's final line break.
    let pw = dir.join("pw.txt");
    std::fs::write(&pw, "s3cr3t\n").unwrap();
    let set_file = format!("postgresql.auth.password={}", pw.display());
    let mut args = vec!["render", "--set-file", &set_file];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("postgresql.auth.password: holds a line break"),
        "{}",
        r.stderr
    );
    // Several lines where they belong.
    let ok = dir.join("ok.yaml");
    std::fs::write(
        &ok,
        "podAnnotations:\n  note: \"line 1\\nline 2\"\nextraEnv:\n- name: PEM\n  value: \"a\\n\\tb\"\n",
    )
    .unwrap();
    let mut args = vec!["render", "-q", "-f", ok.to_str().unwrap()];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A problem in a chart object at a value the user passed through (tolerations,
/// podAnnotations, securityContext merged into the chart's) names the values key and
/// where it was written, once for all the objects it was copied into.
#[test]
fn problems_in_passed_through_values_name_their_key() {
    let dir = common::scratch_root().join("through");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text, said) in [
        (
            "tol.yaml",
            "tolerations:\n  - key: dedicated\n    operator: Equals\n    effect: NoSchedule\n",
            "must be Equal or Exists (tolerations[0].operator at ",
        ),
        (
            "ann.yaml",
            "podAnnotations:\n  \"team name\": ml\n",
            "(podAnnotations[\"team name\"] at ",
        ),
        (
            "sc.yaml",
            "securityContext:\n  runAsUser: -5\n",
            "(securityContext.runAsUser at ",
        ),
    ] {
        let stderr = failing_render(&dir, name, text);
        let line = stderr
            .lines()
            .find(|l| l.contains(said))
            .unwrap_or_else(|| panic!("{name}: {stderr}"));
        assert!(
            line.contains(&format!("{name}:")),
            "{name}: the file and line: {line}"
        );
        // Listed once, with the count of the other objects it is in.
        assert_eq!(stderr.matches(said).count(), 1, "{name}: {stderr}");
        assert!(line.contains("more object"), "{line}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The attribution never names a key it cannot tell apart from another equal one, never
/// takes an extraObjects value for the chart's, counts objects (not occurrences), and
/// leaves a large failure listed as it is.
#[test]
fn passed_through_problems_are_never_misattributed() {
    let dir = common::scratch_root().join("misattr");
    std::fs::create_dir_all(&dir).unwrap();
    let run = |name: &str, text: &str| failing_render(&dir, name, text);
    // The same toleration in an extraObjects Pod: the chart's pods name `tolerations`.
    let err = run(
        "pod.yaml",
        "tolerations:\n  - {key: \"a b\", operator: Exists}\nextraObjects:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n    spec:\n      containers: [{name: c, image: busybox}]\n      tolerations:\n        - {key: \"a b\", operator: Exists}\n",
    );
    assert!(err.contains("(tolerations[0].key at "), "{err}");
    // The chart's pods are not attributed to the extraObjects Pod, nor it to them.
    for line in err.lines().filter(|l| l.contains("Deployment/")) {
        assert!(!line.contains("(extraObjects"), "{line}");
    }
    let pod = err
        .lines()
        .find(|l| l.contains("Pod/p:"))
        .unwrap_or_default();
    assert!(
        pod.contains("(extraObjects[0].spec.tolerations[0].key at ")
            && !pod.contains("(tolerations"),
        "{err}"
    );
    // Two equal items: which one was copied cannot be told, so neither is named and no
    // problem is folded into another.
    let err = run(
        "twice.yaml",
        "tolerations:\n  - {key: \"a b\", operator: Exists}\n  - {key: \"a b\", operator: Exists}\n",
    );
    assert!(!err.contains("(tolerations["), "{err}");
    assert!(!err.contains("more object"), "{err}");
    // Two problems in one container: each counts its other object once.
    let err = run("pod2.yaml", "podSecurityContext:\n  fsGroup: -3\n");
    assert!(
        err.contains("(podSecurityContext.fsGroup at ")
            && err.contains("the same in 1 more object)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Refusals made after rendering (the restricted Pod Security Standard, gated fields,
/// an object defined twice, a merged securityContext, the annotations' total size, a
/// missing field of an extra item) name the values key and its file:line too.
#[test]
fn refusals_after_rendering_name_file_line_and_key() {
    let dir = common::scratch_root().join("after");
    std::fs::create_dir_all(&dir).unwrap();
    let big = format!("podAnnotations:\n  a: \"{}\"\n", "x".repeat(300_000));
    for (name, text, said, line_no) in [
        (
            "root.yaml",
            "postgresql:\n  podSecurityContext:\n    runAsUser: 0\n",
            "(postgresql.podSecurityContext.runAsUser at ",
            3,
        ),
        (
            "priv.yaml",
            "minio:\n  securityContext:\n    privileged: true\n",
            "(minio.securityContext at ",
            2,
        ),
        (
            "git.yaml",
            "extraVolumes:\n  - name: g\n    gitRepo: {repository: \"https://example.org/r\"}\n",
            "(extraVolumes[0].gitRepo at ",
            3,
        ),
        (
            "cap.yaml",
            "securityContext:\n  capabilities:\n    add: [NET_ADMIN]\n",
            "(securityContext.capabilities.add[0] at ",
            3,
        ),
        (
            "twice.yaml",
            "extraObjects:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n",
            "(extraObjects[1].metadata.name at ",
            3,
        ),
        (
            "image.yaml",
            "extraVolumes:\n  - name: m\n    image: {reference: \"busybox:1.37\"}\n",
            "(extraVolumes[0].image at ",
            3,
        ),
        ("big.yaml", big.as_str(), "(podAnnotations at ", 1),
        (
            "envfrom.yaml",
            "extraEnvFrom:\n  - secretRef: {}\n",
            "(extraEnvFrom[0].secretRef at ",
            2,
        ),
        (
            "prefix.yaml",
            "extraEnvFrom:\n  - prefix: X_\n",
            "(extraEnvFrom[0] at ",
            2,
        ),
        (
            "chart-twice.yaml",
            "extraObjects:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: mlflow}\n    spec: {ports: [{port: 80}]}\n",
            "(extraObjects[0].metadata.name at ",
            4,
        ),
        (
            "list-image.yaml",
            "extraObjects:\n  - apiVersion: v1\n    kind: List\n    items:\n      - apiVersion: v1\n        kind: Pod\n        metadata: {name: p}\n        spec:\n          containers: [{name: c, image: busybox}]\n          volumes: [{name: m, image: {reference: \"busybox:1.37\"}}]\n",
            "(extraObjects[0].items[0].spec.volumes[0].image at ",
            10,
        ),
    ] {
        let stderr = failing_render(&dir, name, text);
        let line = stderr
            .lines()
            .find(|l| l.contains(said))
            .unwrap_or_else(|| panic!("{name}: {stderr}"));
        // The file and its line, after the key.
        let (_, at) = line.split_once(said).unwrap();
        assert!(at.contains(&format!("{name}:{line_no}:")), "{name}: {line}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `--set` that appends a list item names the item it set, never the file's earlier
/// items (its list holds a null placeholder for them).
#[test]
fn appended_items_keep_their_own_origin() {
    let dir = common::scratch_root().join("append");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("root.yaml");
    std::fs::write(
        &f,
        "extraContainers:\n  - name: a\n    image: busybox:1.36\n    securityContext:\n      runAsUser: 0\n",
    )
    .unwrap();
    let mut args = vec!["render", "-f", f.to_str().unwrap()];
    args.extend_from_slice(&P);
    args.extend([
        "--set",
        "extraContainers[1].name=b,extraContainers[1].image=busybox:1.36",
    ]);
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("(extraContainers[0].securityContext.runAsUser at ")
            && r.stderr.contains("root.yaml:5:"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("runAsUser from --set"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Renders with the values file `name` (written into `dir`) and the proxy's settings; the
/// render must fail, with nothing on stdout. Its stderr.
fn failing_render(dir: &std::path::Path, name: &str, text: &str) -> String {
    let f = dir.join(name);
    std::fs::write(&f, text).unwrap();
    let mut args = vec!["render", "-f", f.to_str().unwrap()];
    args.extend_from_slice(&P);
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{name}: {}", r.stderr);
    assert!(r.stdout.is_empty());
    r.stderr
}

/// Each `a[65536]` creates 65,537 list items: a few hundred bytes of `--set` took
/// gigabytes, or ended the run (SIGABRT) under a memory limit. The `--set` flags of a run
/// together may create 300,000 items past the ends of lists, each family counted.
#[test]
fn set_list_indexes_cannot_take_gigabytes() {
    let lists = |n: usize, key: &str| {
        (0..n)
            .map(|i| format!("{key}{i}[65536]=a"))
            .collect::<Vec<_>>()
            .join(",")
    };
    for flag in ["--set", "--set-json", "--set-string", "--set-literal"] {
        // One argument each (--set-literal takes the rest of its argument as the value).
        let value = if flag == "--set-json" { "1" } else { "a" };
        let items: Vec<String> = (0..100).map(|i| format!("x.l{i}[65536]={value}")).collect();
        let mut args = vec!["values", "--skip-schema-validation"];
        for item in &items {
            args.extend([flag, item.as_str()]);
        }
        let start = Instant::now();
        let r = common::run(&args, None);
        assert_eq!(r.code, 1, "{flag}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{flag}");
        assert!(
            r.stderr
                .contains("the --set flags together may create at most 300000"),
            "{flag}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("values file (-f)"),
            "{flag}: {}",
            r.stderr
        );
        assert!(start.elapsed() < Duration::from_secs(5), "{flag}");
    }
    // Spread over the families and arguments, the limit is one; four lists of the
    // largest index, and more, are still taken.
    let (json, set) = (lists(2, "j.l").replace("=a", "=1"), lists(2, "s.l"));
    for (last, code) in [("t[40000]=x", 1), ("t[30000]=x", 0)] {
        let r = common::run(
            &[
                "values",
                "--skip-schema-validation",
                "--set-json",
                &json,
                "--set",
                &set,
                "--set-string",
                last,
            ],
            None,
        );
        assert_eq!(r.code, code, "{last}: {}", r.stderr);
        let named = format!("--set-string '{}=…'", &last[..last.len() - 2]);
        assert_eq!(r.stderr.contains(&named), code == 1, "{}", r.stderr);
    }
}

/// Values files are capped together too: five files of 249,000 list items each (each
/// under the 250,000 nodes of one file, all under 16 MiB) are refused, naming the limit;
/// 33 of them took 2 GB before.
#[test]
fn values_files_hold_a_million_nodes_in_all() {
    let d = dir_for("values-nodes");
    let mut args = vec!["values".to_string()];
    for i in 0..5 {
        let f = d.join(format!("f{i}.yaml"));
        let items = vec!["0"; 249_000].join(",");
        std::fs::write(&f, format!("x{i}: [{items}]\n")).unwrap();
        args.extend(["-f".to_string(), f.to_string_lossy().into_owned()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let start = Instant::now();
    let r = common::run(&args, None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("the values files together hold more than 1000000 values"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("f4.yaml"), "{}", r.stderr);
    // Bounded, also on a loaded machine (8 s alone for a debug build here).
    assert!(start.elapsed() < Duration::from_secs(90));
    let _ = std::fs::remove_dir_all(&d);
}

/// A value the YAML reader refuses for what it is (a float too large, NaN, infinity) is
/// not quoted back: it may be a credential (`password: 1e999`).
#[test]
fn refused_scalars_are_not_echoed() {
    let d = dir_for("nonfinite");
    for value in ["1e999", "-1E9999", ".NaN", "+.Inf"] {
        let f = d.join("v.yaml");
        std::fs::write(&f, format!("postgresql:\n  auth:\n    password: {value}\n")).unwrap();
        for cmd in [&["render", "-q"][..], &["values"]] {
            let mut args = cmd.to_vec();
            args.extend(["-f", f.to_str().unwrap()]);
            let r = common::run(&args, None);
            assert_eq!(r.code, 1, "{value}: {}", r.stderr);
            assert!(r.stdout.is_empty());
            assert!(!r.stderr.contains(value), "{value}: {}", r.stderr);
            assert!(
                r.stderr.contains("v.yaml:3:") && r.stderr.contains("postgresql.auth.password"),
                "{}",
                r.stderr
            );
        }
    }
    // The chart's sections named for tokens and secrets are no credentials: the path
    // below them is shown whole.
    for (text, path) in [
        (
            "oauth2Proxy:\n  machineTokens:\n    enabled: .nan\n",
            "oauth2Proxy.machineTokens.enabled",
        ),
        (
            "secretGenerator:\n  resources:\n    limits: .nan\n",
            "secretGenerator.resources.limits",
        ),
    ] {
        let f = d.join("v.yaml");
        std::fs::write(&f, text).unwrap();
        let r = common::run(&["render", "-q", "-f", f.to_str().unwrap()], None);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("(at key {path})")),
            "{}",
            r.stderr
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// Text that names a credential is hidden line by line in diffs, with what is indented
/// under it: the shapes an independent attack printed through the pair masker (a tab
/// after the colon, an escaped key, a value on the next line, block scalars, lists,
/// anchors and tags, other HTTP schemes, ini values with spaces, Docker's `"auth"`).
#[test]
fn diff_hides_credential_lines_whatever_their_shape() {
    let d = dir_for("difflines");
    let text = |v: &str| {
        [
            format!("{{\"password\":\t\"S3CR3T{v}a\"}}"),
            format!("{{\"pass\\u0077ord\": \"S3CR3T{v}b\"}}"),
            format!("{{\"password\":\n    \"S3CR3T{v}c\"}}"),
            format!("{{\"password\":\"a\\\"S3CR3T{v}d\"}}"),
            format!("{{\"password\":[\"S3CR3T{v}e\"]}}"),
            format!("{{\"auths\":{{\"r\":{{\"auth\":\"S3CR3T{v}f\"}}}}}}"),
            format!("password: |\n  S3CR3T{v}g\nnext: 1"),
            format!("password: >-\n  S3CR3T{v}h"),
            format!("password:\n- S3CR3T{v}i"),
            format!("password: &a S3CR3T{v}j"),
            format!("password: !!str S3CR3T{v}k"),
            format!("Authorization:Bearer S3CR3T{v}l"),
            format!("Authorization: Token S3CR3T{v}m"),
            format!("password=S3CR3T{v}n HUNTER"),
            format!("Cookie: _oauth2_proxy=S3CR3T{v}o"),
            format!("visible{v}"),
        ]
        .join("\n")
    };
    let doc = |v: &str| {
        let mut out =
            String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  cfg: |\n");
        for line in text(v).lines() {
            out.push_str(&format!("    {line}\n"));
        }
        out.push_str(&format!("  password: |\n    S3CR3T{v}p\n"));
        out
    };
    diff_hides_and_shows(&d, &doc("1"), &doc("2"), "S3CR3T", &["visible2"]);
    let _ = std::fs::remove_dir_all(&d);
}

/// What the masker hides is no more than it must: a changed switch in a flag
/// (`--cookie-secure=true` → `false`), the URL in a variable named for a token endpoint,
/// and a replica count stay visible; `auth:` as a word, XML elements and a PEM key's body
/// are hidden.
#[test]
fn diff_shows_switches_and_urls_and_hides_auth_xml_and_pem() {
    let d = dir_for("diffnarrow");
    let doc = |v: &str, secure: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n  replicas: {v}\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers:\n      - name: c\n        image: example.org/c:1\n        args: [--cookie-secure={secure}, --skip-jwt-bearer-tokens={secure}]\n        env:\n        - {{name: TOKEN_URL, value: \"https://kc{v}.example.org/token\"}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  cfg: |\n    basic_auth: SEKRET{v}a\n    <password>SEKRET{v}b</password>\n    key: |\n    -----BEGIN PRIVATE KEY-----\n    SEKRET{v}c\n    -----END PRIVATE KEY-----\n    oauth2: visible{v}\n"
        )
    };
    diff_hides_and_shows(
        &d,
        &doc("1", "true"),
        &doc("2", "false"),
        "SEKRET",
        &[
            "--cookie-secure=false",
            "--skip-jwt-bearer-tokens=false",
            "kc2.example.org",
            "replicas: 2",
            "visible2",
        ],
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// No input reaches stderr as raw control characters (an escape sequence colours or
/// rewrites the terminal; a line break in a kind would forge an `Error:` line in a CI
/// log), and a custom resource's kind and name follow the API server's rules.
#[test]
fn messages_carry_no_raw_control_characters() {
    let cases: Vec<Vec<String>> = vec![
        vec!["-f".into(), "no\u{1b}[31mfile".into()],
        vec!["--set-string".into(), "podAnnotations.a\u{1b}[31mX=1".into()],
        vec!["-s".into(), "templates/\u{1b}[31m".into()],
        vec![
            "--set-json".into(),
            r#"extraObjects=[{"apiVersion":"x.example.org/v1","kind":"W\nError: fake\r","metadata":{"name":"a"}}]"#.into(),
        ],
        vec![
            "--set-json".into(),
            r#"extraObjects=[{"apiVersion":"x.example.org/v1","kind":"Widget","metadata":{"name":"a\u001b[2Kb"}}]"#.into(),
        ],
    ];
    for extra in &cases {
        let mut args = vec!["render", "mlflow"];
        args.extend_from_slice(&P);
        args.extend(extra.iter().map(String::as_str));
        let r = common::run(&args, None);
        assert!(
            !r.stderr.contains(['\u{1b}', '\r']),
            "{extra:?}: {:?}",
            r.stderr
        );
        assert!(
            !r.stderr.lines().any(|l| l.starts_with("Error: fake")),
            "{extra:?}: {}",
            r.stderr
        );
    }
    for (object, want) in [
        (
            r#"{"apiVersion":"x.example.org/v1","kind":"Wid get","metadata":{"name":"a"}}"#,
            "is no kind a CustomResourceDefinition can define",
        ),
        (
            r#"{"apiVersion":"x.example.org/v1","kind":"Widget","metadata":{"name":"A B"}}"#,
            "is not a valid custom resource name",
        ),
        (
            r#"{"apiVersion":"x.example.org/v1","kind":"Widget","metadata":{"name":"a/b"}}"#,
            "is not a valid custom resource name",
        ),
    ] {
        let mut args = vec!["render", "mlflow", "-q"];
        args.extend_from_slice(&P);
        let set = format!("extraObjects=[{object}]");
        args.extend(["--set-json", &set]);
        let r = common::run(&args, None);
        assert_eq!(r.code, 1, "{object}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(want), "{object}: {}", r.stderr);
    }
    let mut args = vec!["render", "mlflow", "-q"];
    args.extend_from_slice(&P);
    args.extend([
        "--set-json",
        r#"extraObjects=[{"apiVersion":"x.example.org/v1","kind":"My-Widget2","metadata":{"name":"a-b.c"}}]"#,
    ]);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // OpenShift's aggregated APIs name Users and Groups by their own rules.
    let mut args = vec!["render", "mlflow", "-q"];
    args.extend_from_slice(&P);
    args.extend([
        "--set-json",
        r#"extraObjects=[{"apiVersion":"user.openshift.io/v1","kind":"Group","metadata":{"name":"MLflow-Users"},"users":["alice@example.com"]}]"#,
    ]);
    let r = common::run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A `--set-json` argument that is a whole JSON document other than an object (a list, a
/// string) is no `key=value`: its text (values through and through) is not shown.
#[test]
fn whole_json_documents_are_not_shown() {
    for arg in [
        r#"[{"postgresql":{"auth":{"password":"Hunter2=S3cret"}}}]"#,
        r#""Hunter2=S3cret""#,
        r#" [ "Hunter2=S3cret" ]"#,
    ] {
        let r = common::run(&["render", "mlflow", "--set-json", arg], None);
        assert_ne!(r.code, 0, "{arg}");
        assert!(r.stdout.is_empty());
        assert!(!r.stderr.contains("Hunter2"), "{arg}: {}", r.stderr);
        assert!(r.stderr.contains("--set-json"), "{arg}: {}", r.stderr);
    }
}

/// An object over the API server's 3 MiB request body limit (k8s.io/apiserver
/// pkg/server/config.go MaxRequestBodyBytes) is refused: no apply of any kind takes it.
/// Above etcd's 1.5 MiB a warning says server-side apply does not help either.
#[test]
fn an_object_over_the_request_limit_is_refused() {
    let render = |size: usize| {
        let blob = common::scratch_file("request-limit", &format!("{size}.txt"), "a".repeat(size));
        let set_file = format!("extraEnv[0].value={}", blob.display());
        common::run(
            &[
                "render",
                "mlflow",
                "-q",
                "--set",
                "oauth2Proxy.clientID=m",
                "--set",
                "oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/m",
                "--set",
                "extraEnv[0].name=BLOB",
                "--set-file",
                &set_file,
            ],
            None,
        )
    };
    let r = render(3_300_000);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("reads at most 3145728 bytes"),
        "{}",
        r.stderr
    );
    let r = render(2_000_000);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("above etcd's default request limit"),
        "{}",
        r.stderr
    );
}

/// With --skip-schema-validation an out-of-range replica count or utilization target is
/// still refused by the chart's rules with its key and where it was written, not by an
/// unnamed typed check of the rendered object.
#[test]
fn out_of_range_integers_name_their_key_without_the_schema() {
    let f = common::scratch_file(
        "int-range",
        "v.yaml",
        "oauth2Proxy: {clientID: m, oidc: {oidc_issuer_url: \"https://k.example.org/realms/m\"}}\nreplicaCount: 2147483648\n",
    );
    let file = f.to_str().unwrap();
    for (extra, said) in [
        (
            vec![],
            "replicaCount must be a whole number from 0 to 2147483647 (replicaCount at ",
        ),
        (
            vec!["--set", "replicaCount=-1"],
            "replicaCount must be a whole number from 0 to 2147483647 (replicaCount from --set",
        ),
        (
            vec![
                "--set",
                "replicaCount=1",
                "--set",
                "autoscaling.enabled=true",
                "--set",
                "autoscaling.targetMemoryUtilizationPercentage=2147483648",
            ],
            "autoscaling.targetMemoryUtilizationPercentage must be a whole number from 1 to 2147483647",
        ),
    ] {
        let mut a = vec!["render", "-q", "--skip-schema-validation", "-f", file];
        a.extend(extra);
        let r = common::run(&a, None);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(said), "{said}: {}", r.stderr);
    }
}

/// Shapes the line masker had missed (an independent attack): a userinfo without a
/// scheme in a variable or a file, an XML element whose value sits on lines of its own
/// at any indentation, and a Secret's manifest held as text (YAML or JSON), whose data
/// lines name no credential. `diff` hides them, and `values` too.
#[test]
fn diff_hides_schemeless_userinfo_split_elements_and_embedded_secrets() {
    let d = dir_for("diffshapes");
    let doc = |v: &str| {
        format!(
            r#"apiVersion: v1
kind: ConfigMap
metadata: {{name: c}}
data:
  proxy: "user:S3CR3T{v}a@proxy.example.org:3128"
  env: "REDIS_ADDR=mlflow:S3CR3T{v}b@redis.example.org:6379"
  settings.xml: |
    <server>
      <id>nexus{v}</id>
      <password>
    S3CR3T{v}c
      </password>
    </server>
  manifest.yaml: |
    apiVersion: v1
    kind: Secret
    metadata: {{name: db}}
    stringData:
      root: S3CR3T{v}d
  manifest.json: |
    {{"apiVersion": "v1",
     "kind": "Secret",
     "data": {{"root": "S3CR3T{v}e"}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
  - name: c
    image: busybox:1.36
    env:
    - {{name: REDIS_ADDR, value: "mlflow:S3CR3T{v}f@redis.example.org:6379"}}
"#
        )
    };
    diff_hides_and_shows(&d, &doc("1"), &doc("2"), "S3CR3T", &["nexus2"]);
    let values = common::scratch_file("diffshapes", "values.yaml", {
        let objects: Vec<String> = doc("1")
            .split("---\n")
            .map(|o| {
                let v: serde_json::Value = serde_saphyr::from_str(o).unwrap();
                v.to_string()
            })
            .collect();
        format!("extraObjects: [{}]\n", objects.join(","))
    });
    let r = common::run(&["values", "-f", values.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("S3CR3T"), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&d);
}
