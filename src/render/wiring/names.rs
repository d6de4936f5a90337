//! Names: the full name, every object's name (Helm-style truncation, valid for its kind),
//! the Jobs' input-hash revisions, the ServiceAccount, and the recommended labels.

use super::{APP_VERSION, Acc, CHART_NAME, CHART_VERSION, Release};
use crate::model::Values;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The name of every object the chart renders.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Names {
    /// The full name: MLflow's Deployment, Service, ServiceAccount (when created), ….
    pub mlflow: String,
    pub postgresql: String,
    pub postgresql_headless: String,
    pub postgresql_init: String,
    pub minio: String,
    pub minio_headless: String,
    /// The Versity S3 Gateway (StatefulSet, Service, NetworkPolicy, credentials Secret).
    pub versitygw: String,
    /// The Secret of MLflow's key-encryption passphrase.
    pub crypto: String,
    pub s3: String,
    pub proxy: String,
    pub proxy_client: String,
    /// The ConfigMap of the ServiceAccounts allowed in with machine tokens.
    pub proxy_machines: String,
    pub generator: String,
    pub scripts: String,
    pub metrics: String,
    pub bucket_job: String,
    pub default_deny: String,
    pub generator_job: String,
    pub bucket_init_job: String,
    /// The single-replica Deployment that runs MLflow's periodic tasks.
    pub scheduler: String,
    /// The garbage collection CronJob (at most 52 characters: its Jobs get an 11-digit suffix).
    pub gc: String,
    pub service_account: String,
    /// The chart's name in labels (`app.kubernetes.io/name`): "mlflow" or `nameOverride`,
    /// cut as Helm's name helper cuts it.
    pub chart: String,
}

/// Helm's `trunc 63 | trimSuffix "-"`.
fn trunc63(s: &str) -> String {
    let mut out: String = s.chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `<base>-<suffix>`, shortening the base so the whole stays a 63-character DNS label.
pub(crate) fn suffixed(base: &str, suffix: &str) -> String {
    suffixed_within(base, suffix, 63)
}

/// `<base>-<suffix>` in at most `max` characters, shortening the base.
fn suffixed_within(base: &str, suffix: &str, max: usize) -> String {
    let room = max.saturating_sub(suffix.len() + 1);
    let mut head: String = base.chars().take(room).collect();
    while head.ends_with('-') {
        head.pop();
    }
    format!("{head}-{suffix}")
}

/// The chart's name, or `nameOverride` as Helm's name helper gives it (`trunc 63 |
/// trimSuffix "-"`).
fn chart_name(values: &Values) -> String {
    match values.name_override.as_str() {
        "" => CHART_NAME.to_string(),
        n => trunc63(n),
    }
}

/// The full name, as the original chart computed it.
pub fn fullname(values: &Values, release: &str) -> String {
    if !values.fullname_override.is_empty() {
        return trunc63(&values.fullname_override);
    }
    let name = chart_name(values);
    if release.contains(&name) {
        trunc63(release)
    } else {
        trunc63(&format!("{release}-{name}"))
    }
}

/// FNV-1a 64, written to like a file.
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A short, stable hash (FNV-1a 64) of the values, release and chart version. Keys are
/// sorted first, so the order in which the user wrote them does not matter.
fn input_hash(mut values: Value, release: &Release) -> String {
    use std::io::Write;
    // The credentials as `values` masks them: the chart's credential keys (whether one is
    // given still counts: a given one is rendered, a missing one generated), and in the
    // pieces given verbatim (an extraEnv variable named like one, a Secret in
    // extraObjects, a flag's argument, an annotation) what `diff` masks. A Job's spec
    // holds none of them (Secrets are referenced), so its name must not follow them: a
    // hash of a password in a Job name could be checked against guesses. Every other
    // value counts, under whatever name (`trustedCA.key`, a nodeSelector label `…/token`).
    crate::values::mask_in_place(&mut values);
    crate::values::sort_keys(&mut values);
    // The bytes of `{values as compact JSON}|{name}|{namespace}|{chart}|{app}`, hashed as
    // they are written.
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let _ = serde_json::to_writer(&mut h, &values);
    let _ = write!(
        h,
        "|{}|{}|{CHART_VERSION}|{APP_VERSION}",
        release.name, release.namespace
    );
    format!("{:010x}", h.0 >> 24)
}

/// Every object's name; a full name that is not a valid Service name is an error.
pub(crate) fn build(values: &Values, release: &Release, acc: &mut Acc) -> Names {
    let full = fullname(values, &release.name);
    if full.contains('.') {
        acc.errors.push(format!(
            "the release's objects would be named {full:?}, but a Service name cannot contain '.' (DNS-1035): choose a release name without dots, or set fullnameOverride"
        ));
    } else if !full.starts_with(|c: char| c.is_ascii_lowercase())
        || !full
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        acc.errors.push(format!(
            "the release's objects would be named {full:?}, but a Service name must start with a letter and hold only lowercase letters, digits and '-' (DNS-1035): choose such a release name, or set nameOverride/fullnameOverride"
        ));
    }
    // A Job's pod template is immutable: a Job whose spec changes needs a new name, or
    // `kubectl apply` fails. Naming Jobs after a hash of everything they are rendered from
    // keeps the name stable across re-renders of the same input and changes it otherwise.
    let revision = input_hash(serde_json::to_value(values).unwrap_or(Value::Null), release);
    let service_account = match (
        values.service_account.create,
        values.service_account.name.as_str(),
    ) {
        (_, n) if !n.is_empty() => n.to_string(),
        (true, _) => full.clone(),
        (false, _) => "default".to_string(),
    };
    let s = |suffix: &str| suffixed(&full, suffix);
    let names = Names {
        // A StatefulSet's pods carry the label controller-revision-hash = "<name>-<hash>"
        // (up to 11 more characters), which must stay within 63: StatefulSet names get at
        // most 52.
        postgresql: suffixed_within(&full, "postgresql", 52),
        minio: suffixed_within(&full, "minio", 52),
        versitygw: suffixed_within(&full, "versitygw", 52),
        crypto: s("crypto"),
        postgresql_headless: s("postgresql-hl"),
        postgresql_init: s("postgresql-init"),
        minio_headless: s("minio-hl"),
        s3: s("s3"),
        proxy: s("oauth2-proxy"),
        proxy_client: s("oauth2-proxy-client"),
        proxy_machines: s("oauth2-proxy-machines"),
        generator: s("secret-generator"),
        scripts: s("scripts"),
        metrics: s("metrics"),
        bucket_job: s("bucket-init"),
        default_deny: s("default-deny"),
        generator_job: s(&format!("secret-generator-{revision}")),
        bucket_init_job: s(&format!("bucket-init-{revision}")),
        scheduler: s("scheduler"),
        gc: suffixed_within(&full, "gc", 52),
        service_account,
        chart: chart_name(values),
        mlflow: full,
    };
    let key = match (
        values.fullname_override.is_empty(),
        values.name_override.is_empty(),
    ) {
        (false, _) => "fullnameOverride",
        (true, true) => "the release name",
        (true, false) => "the release name with nameOverride",
    };
    distinct(&names, key, acc);
    cut(&names, key, acc);
    // The generator's ServiceAccount may create Secrets (its Role): MLflow's pods, which
    // every user of the proxy reaches, must not run as it.
    if names.service_account == names.generator {
        acc.errors.push(format!(
            "serviceAccount.name {:?} is the secret generator's ServiceAccount, which may create Secrets in the namespace: MLflow's pods would hold that right; choose another name",
            names.service_account
        ));
    }
    names
}

/// Two of the release's objects of different roles may not share a name: with a long
/// base name cut to fit, `<base>-scheduler` can come out as the base itself (a
/// `fullnameOverride` that ends in `-scheduler`), and kubectl would apply one object over
/// the other.
fn distinct(n: &Names, key: &str, acc: &mut Acc) {
    let roles = roles(n);
    for (i, (a, name)) in roles.iter().enumerate() {
        if let Some((b, _)) = roles[i + 1..].iter().find(|(_, other)| other == name) {
            acc.errors.push(format!(
                "{key}: the base name {:?} is too long and ends like a suffix the chart adds: {a} and {b} would both be named {name:?}; choose a shorter one (40 characters or fewer avoid this)",
                n.mlflow
            ));
            return;
        }
    }
}

/// A warning when names were cut to fit (a StatefulSet's 52 characters, a label's 63):
/// another release in the namespace whose base name differs only past the cut would
/// get the same objects, and `kubectl apply` would take them over (Helm charts cut the
/// same way, and say nothing).
fn cut(n: &Names, key: &str, acc: &mut Acc) {
    let base = n.mlflow.as_str();
    // The Jobs' names are cut sooner, but carry a hash of the release's name.
    let kept = roles(n)
        .iter()
        .skip(1)
        .map(|(_, name)| {
            base.bytes()
                .zip(name.bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .min()
        .unwrap_or(base.len());
    if kept < base.len() {
        acc.warnings.push(format!(
            "{key} is long: the objects' names keep only the first {kept} characters of the base name {base:?} (a StatefulSet's name is at most 52 characters, others 63), so another release in this namespace whose name differs only after them would get the same objects; keep the base name to {kept} characters, or set fullnameOverride"
        ));
    }
}

/// Every role's object name, MLflow's first.
fn roles(n: &Names) -> [(&'static str, &String); 19] {
    [
        ("MLflow", &n.mlflow),
        ("PostgreSQL", &n.postgresql),
        ("PostgreSQL's headless Service", &n.postgresql_headless),
        ("PostgreSQL's init ConfigMap", &n.postgresql_init),
        ("MinIO", &n.minio),
        ("MinIO's headless Service", &n.minio_headless),
        ("the Versity S3 Gateway", &n.versitygw),
        ("the crypto Secret", &n.crypto),
        ("the S3 Secret", &n.s3),
        ("the proxy's Secret", &n.proxy),
        ("the proxy's client Secret", &n.proxy_client),
        ("the machine-token ConfigMap", &n.proxy_machines),
        ("the secret generator", &n.generator),
        ("the scripts ConfigMap", &n.scripts),
        ("the metrics Service", &n.metrics),
        ("the bucket Job's policy", &n.bucket_job),
        ("the default-deny NetworkPolicy", &n.default_deny),
        ("the scheduler", &n.scheduler),
        ("the gc CronJob", &n.gc),
    ]
}

/// Labels every object carries (the six app.kubernetes.io recommended labels).
pub fn labels(values: &Values, release: &Release, component: &str) -> Map<String, Value> {
    let mut m = selector(values, release, component);
    m.insert("app.kubernetes.io/version".into(), json!(APP_VERSION));
    m.insert("app.kubernetes.io/part-of".into(), json!("mlflow"));
    m.insert("app.kubernetes.io/managed-by".into(), json!("mlflow-chart"));
    m.insert(
        "helm.sh/chart".into(),
        json!(format!("{CHART_NAME}-{CHART_VERSION}")),
    );
    m
}

/// The minimal, immutable selector labels: name, instance, component.
pub fn selector(values: &Values, release: &Release, component: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("app.kubernetes.io/name".into(), json!(chart_name(values)));
    m.insert("app.kubernetes.io/instance".into(), json!(release.name));
    m.insert("app.kubernetes.io/component".into(), json!(component));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(json: Value) -> Values {
        let mut v = Value::Object(crate::values::defaults().clone());
        if let (Value::Object(d), Value::Object(o)) = (&mut v, json) {
            crate::values::coalesce(d, o);
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn fullname_rules() {
        let v = values(json!({}));
        assert_eq!(fullname(&v, "mlflow"), "mlflow");
        assert_eq!(fullname(&v, "team-mlflow-prod"), "team-mlflow-prod");
        assert_eq!(fullname(&v, "team"), "team-mlflow");
        let long = "a".repeat(62);
        assert_eq!(
            fullname(&v, &long),
            format!("{long}-").trim_end_matches('-').to_string()
        );
        assert_eq!(
            fullname(&values(json!({"fullnameOverride": "x"})), "team"),
            "x"
        );
    }

    #[test]
    fn suffix_fits_label() {
        let n = suffixed(&"a".repeat(63), "postgresql-hl");
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("-postgresql-hl"));
    }

    #[test]
    fn job_revision_is_stable_and_input_sensitive() {
        let r = Release {
            name: "mlflow".into(),
            namespace: "ns".into(),
        };
        let a = input_hash(json!({"a": 1}), &r);
        assert_eq!(a, input_hash(json!({"a": 1}), &r));
        assert_ne!(a, input_hash(json!({"a": 2}), &r));
        // Key order does not matter.
        let x: Value = serde_json::from_str(r#"{"p": {"a": 1, "b": 2}}"#).unwrap();
        let y: Value = serde_json::from_str(r#"{"p": {"b": 2, "a": 1}}"#).unwrap();
        assert_eq!(input_hash(x, &r), input_hash(y, &r));
        assert_eq!(a.len(), 10);
        // Credentials do not feed the name; whether one is given does, and so does any
        // other value, whatever its name.
        let pw = |p: &str| input_hash(json!({"postgresql": {"auth": {"password": p}}}), &r);
        assert_eq!(pw("a"), pw("b"));
        assert_ne!(pw("a"), pw(""));
        let ca = |k: &str| input_hash(json!({"trustedCA": {"key": k}}), &r);
        assert_ne!(ca("ca.crt"), ca("bundle.pem"));
        let node = |v: &str| input_hash(json!({"nodeSelector": {"example.com/token": v}}), &r);
        assert_ne!(node("a"), node("b"));
    }

    #[test]
    fn statefulset_names_leave_room_for_the_revision_label() {
        let v = values(json!({}));
        let mut acc = Acc::default();
        let r = Release {
            name: "a".repeat(53),
            namespace: "ns".into(),
        };
        let n = build(&v, &r, &mut acc);
        assert!(n.postgresql.len() <= 52 && n.minio.len() <= 52, "{n:?}");
        assert!(n.postgresql_headless.len() <= 63);
    }

    /// A base name cut in some object's name is said, with how much of it is kept; one
    /// that fits everywhere is not.
    #[test]
    fn cut_names_are_said() {
        let v = values(json!({}));
        let said = |name: &str| {
            let mut acc = Acc::default();
            let r = Release {
                name: name.into(),
                namespace: "ns".into(),
            };
            build(&v, &r, &mut acc);
            acc.warnings
        };
        assert_eq!(said("team-a"), Vec::<String>::new());
        // `<base>-oauth2-proxy-machines` is the tightest: 63 - 22 = 41 characters.
        let fits = format!("{}-mlflow", "a".repeat(34));
        assert_eq!(fits.len(), 41);
        assert_eq!(said(&fits), Vec::<String>::new());
        let long = format!("{}-mlflow", "a".repeat(35));
        let w = said(&long);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("keep only the first 41 characters"), "{w:?}");
        assert!(said(&"b".repeat(53))[0].contains("the release name is long"));
        // A long nameOverride is named with the release name it follows.
        let mut acc = Acc::default();
        let r = Release {
            name: "r".into(),
            namespace: "ns".into(),
        };
        build(
            &values(json!({"nameOverride": "n".repeat(40)})),
            &r,
            &mut acc,
        );
        assert!(
            acc.warnings[0].contains("the release name with nameOverride is long"),
            "{:?}",
            acc.warnings
        );
    }
}
