//! The values model: the one typed description of every chart value. `values.schema.json`
//! is generated from it (`mlflow-chart schema`; a test keeps the committed file in sync),
//! docs/values.md from its descriptions and the defaults in values.yaml, and the render
//! decodes the merged values into it, so templates and wiring read typed fields only.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A Kubernetes object name (DNS-1123 subdomain), or empty for "none".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct K8sName(pub String);

impl K8sName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl JsonSchema for K8sName {
    fn schema_name() -> Cow<'static, str> {
        "k8sName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "maxLength": 253,
            "pattern": "^(|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$"
        })
    }
}

/// The pattern of a Kubernetes quantity (`500m`, `1Gi`, `2`, `1e3`).
pub(crate) const QUANTITY_PATTERN: &str =
    r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$";

/// A Kubernetes quantity, as written: a string like `500m` or `1Gi`, or a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Quantity(pub Value);

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = Value::deserialize(d)?;
        let ok = match &v {
            Value::Number(_) => true,
            Value::String(s) => is_quantity(s),
            _ => false,
        };
        if ok {
            Ok(Quantity(v))
        } else {
            Err(D::Error::custom("expected a quantity like 500m, 2 or 10Gi"))
        }
    }
}

/// Does `s` match [`QUANTITY_PATTERN`]: a signed decimal with an optional SI, binary or
/// exponent suffix?
pub fn is_quantity(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(digits);
    let mut parts = num.splitn(2, '.');
    let (int, frac) = (parts.next().unwrap_or(""), parts.next());
    let number_ok = !num.is_empty()
        && num.matches('.').count() <= 1
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let suffix_ok = match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T"
        | "P" | "E" => true,
        e => e
            .strip_prefix(['e', 'E'])
            .map(|x| x.strip_prefix(['+', '-']).unwrap_or(x))
            .is_some_and(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit())),
    };
    number_ok && suffix_ok
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "quantity".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "integer", "number"], "pattern": QUANTITY_PATTERN})
    }
}

/// CPU, memory, ephemeral storage, hugepages (`hugepages-2Mi`) and extended resources
/// (`nvidia.com/gpu`) of requests or limits.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(
    inline,
    extend("additionalProperties" = false, "patternProperties" = {
        "^hugepages-": {"type": ["string", "integer", "number"], "pattern": QUANTITY_PATTERN},
        "/": {"type": ["string", "integer", "number"], "pattern": QUANTITY_PATTERN},
    })
)]
pub struct ResourceList {
    /// CPU cores (`500m`, `2`).
    #[serde(default)]
    pub cpu: Option<Quantity>,
    /// Local ephemeral storage bytes.
    #[serde(rename = "ephemeral-storage", default)]
    pub ephemeral_storage: Option<Quantity>,
    /// Memory bytes (`512Mi`, `2Gi`).
    #[serde(default)]
    pub memory: Option<Quantity>,
    /// Hugepages and extended resources, by name (checked as Kubernetes checks a
    /// container's resource names once rendered).
    #[serde(flatten)]
    #[schemars(skip)]
    pub other: BTreeMap<String, Quantity>,
}

/// All of the list's resources in name order, as Helm prints a map.
impl Serialize for ResourceList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut all: BTreeMap<&str, &Quantity> =
            self.other.iter().map(|(k, v)| (k.as_str(), v)).collect();
        for (name, q) in [
            ("cpu", &self.cpu),
            ("ephemeral-storage", &self.ephemeral_storage),
            ("memory", &self.memory),
        ] {
            if let Some(q) = q {
                all.insert(name, q);
            }
        }
        all.serialize(s)
    }
}

/// A container's resources: requests and limits (a Kubernetes object, passed through).
/// Fields are in key order, as Helm prints a map.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "resources", extend("additionalProperties" = false))]
pub struct Resources {
    /// What the container may use at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceList>,
    /// What the scheduler reserves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceList>,
}

/// A list the original chart also took as one comma-separated string (`"a,b"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct StringList(pub Vec<String>);

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            One(String),
            Many(Vec<String>),
        }
        Ok(StringList(match Form::deserialize(d)? {
            Form::One(s) => split_commas(&s),
            Form::Many(v) => v,
        }))
    }
}

/// `"a, b"` → `["a", "b"]`: the original chart's comma-separated form of a list. A blank
/// string is the empty list; an empty item (`"a,,b"`, `","`) stays, so the check of the
/// list refuses it instead of silently lifting a restriction.
pub fn split_commas(s: &str) -> Vec<String> {
    if s.trim().is_empty() {
        return Vec::new();
    }
    s.split(',').map(|x| x.trim().to_string()).collect()
}

impl JsonSchema for StringList {
    fn schema_name() -> Cow<'static, str> {
        "stringList".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
    }
}

/// An image pull Secret: its name, or `{name: …}` as Kubernetes writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PullSecret {
    Name(K8sName),
    Ref { name: K8sName },
}

impl PullSecret {
    pub fn name(&self) -> &str {
        match self {
            PullSecret::Name(n) | PullSecret::Ref { name: n } => n.as_str(),
        }
    }
}

impl JsonSchema for PullSecret {
    fn schema_name() -> Cow<'static, str> {
        "pullSecret".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let name = g.subschema_for::<K8sName>();
        json_schema!({"oneOf": [name, {
            "type": "object",
            "properties": {"name": name},
            "additionalProperties": false,
            "required": ["name"],
            "x-keep-required": true
        }]})
    }
}

fn always_false(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"const": false})
}

/// Each item an object with a name; a `kind: List` (or a typed `*List` with items) has no
/// name (its metadata is a ListMeta) but items, each checked as an object of its own when
/// rendered.
fn extra_objects(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["apiVersion", "kind"],
            "x-keep-required": true,
            "additionalProperties": true,
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object", "additionalProperties": true}
            },
            // kubectl reads any object with `items` as a list and applies its items
            // (apimachinery v0.33.0 pkg/apis/meta/v1/unstructured/helpers.go:433-446), so a
            // typed list (`ConfigMapList`) has no name either.
            "if": {"anyOf": [
                {"properties": {"kind": {"const": "List"}}},
                {
                    "properties": {"kind": {"pattern": "List$"}},
                    "required": ["items"],
                    "x-keep-required": true
                }
            ]},
            "then": {
                "required": ["items"],
                "x-keep-required": true,
                "properties": {"items": {"type": "array"}}
            },
            "else": {
                "required": ["metadata"],
                "x-keep-required": true,
                "properties": {
                    "metadata": {
                        "type": "object",
                        "required": ["name"],
                        "x-keep-required": true,
                        "additionalProperties": true
                    }
                }
            }
        }
    })
}

/// A list of Kubernetes objects of one type, checked as that type by the wiring.
fn k8s_objects(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {"type": "object", "additionalProperties": true}})
}

/// `(root)`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "mlflow-chart values", extend("additionalProperties" = false, "$id" = "https://mlflow-chart.invalid/values.schema.json"))]
pub struct Values {
    /// replaces the chart name ("mlflow") in object names (cut to 63 characters, trailing '-' dropped).
    #[serde(rename = "nameOverride")]
    #[schemars(regex(pattern = r#"^(|[a-z0-9][-a-z0-9]*)$"#))]
    pub name_override: String,
    /// the base name of every object (default: the release name if it contains "mlflow", else "<release>-mlflow"; cut to 63 characters, trailing '-' dropped).
    #[serde(rename = "fullnameOverride")]
    #[schemars(regex(pattern = r#"^(|[a-z0-9][-a-z0-9]*)$"#))]
    pub fullname_override: String,
    /// MLflow tracking server replicas (ignored when autoscaling.enabled).
    #[serde(rename = "replicaCount")]
    #[schemars(range(min = 0, max = 1000))]
    pub replica_count: i64,
    /// The MLflow server image.
    pub image: Image,
    /// names of Secrets for pulling every image of the release.
    #[serde(rename = "imagePullSecrets")]
    pub image_pull_secrets: Vec<PullSecret>,
    /// The MLflow tracking server.
    #[serde(rename = "MLFlow")]
    pub mlflow: Mlflow,
    /// Which backing services the release deploys.
    pub services: Services,
    /// An external PostgreSQL, used when services.postgres.enabled is false.
    #[serde(rename = "externalDatabase")]
    pub external_database: ExternalDatabase,
    /// An external S3 endpoint, used when services.minio.enabled is false.
    pub s3: S3,
    /// Azure Blob Storage as the artifact store (instead of S3).
    #[serde(rename = "azureBlob", default)]
    pub azure_blob: AzureBlob,
    /// Google Cloud Storage as the artifact store (instead of S3).
    #[serde(default)]
    pub gcs: Gcs,
    /// The PostgreSQL the release deploys.
    pub postgresql: Postgresql,
    /// The MinIO the release deploys.
    pub minio: Minio,
    /// The Versity S3 Gateway the release deploys (services.versitygw.enabled).
    #[serde(default)]
    pub versitygw: Versitygw,
    /// OAuth2-Proxy in front of MLflow.
    #[serde(rename = "oauth2Proxy")]
    pub oauth2_proxy: OAuth2Proxy,
    /// The Job that creates missing Secrets once.
    #[serde(rename = "secretGenerator")]
    pub secret_generator: SecretGenerator,
    /// The Job that creates the artifact bucket in the release's MinIO.
    #[serde(rename = "bucketInit", default)]
    pub bucket_init: BucketInit,
    /// The MLflow ServiceAccount.
    #[serde(rename = "serviceAccount")]
    pub service_account: ServiceAccount,
    /// annotations of the MLflow pods.
    #[serde(rename = "podAnnotations")]
    pub pod_annotations: BTreeMap<String, String>,
    /// leave user, group and fsGroup IDs to the platform on every pod (OpenShift's restricted-v2 SCC assigns them from the namespace's range); pods still run as non-root.
    #[serde(default)]
    pub openshift: bool,
    /// merged over the restricted default of the MLflow pods.
    #[serde(rename = "podSecurityContext")]
    pub pod_security_context: Map<String, Value>,
    /// merged over the restricted default of the MLflow container.
    #[serde(rename = "securityContext")]
    pub security_context: Map<String, Value>,
    /// The MLflow Service.
    pub service: Service,
    /// The MLflow Ingress.
    pub ingress: Ingress,
    /// A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) to MLflow, beside or instead of the Ingress.
    #[serde(rename = "httpRoute", default)]
    pub http_route: HttpRoute,
    /// resources of the MLflow container.
    #[serde(default)]
    pub resources: Resources,
    /// A HorizontalPodAutoscaler for MLflow.
    pub autoscaling: Autoscaling,
    /// The MLflow PodDisruptionBudget (rendered only when at least two replicas always run, so it never blocks a drain).
    #[serde(rename = "podDisruptionBudget", default)]
    pub pod_disruption_budget: PodDisruptionBudget,
    /// An extra CA bundle to trust.
    #[serde(rename = "trustedCA")]
    pub trusted_ca: TrustedCa,
    /// NetworkPolicies of the release.
    #[serde(rename = "networkPolicy")]
    pub network_policy: NetworkPolicy,
    /// applied to every pod of the release.
    #[serde(rename = "nodeSelector")]
    pub node_selector: BTreeMap<String, String>,
    /// applied to every pod of the release.
    pub tolerations: Vec<Map<String, Value>>,
    /// applied to every pod of the release.
    pub affinity: Map<String, Value>,
    /// spread MLflow replicas across nodes (ScheduleAnyway).
    #[serde(rename = "topologySpread")]
    pub topology_spread: bool,
    /// extra environment variables of the MLflow container (Kubernetes EnvVar objects; the chart's own names, and the variables `mlflow server` reads its bind address, request checks and stores from, are refused).
    #[serde(rename = "extraEnv", default)]
    #[schemars(schema_with = "k8s_objects")]
    pub extra_env: Vec<Map<String, Value>>,
    /// extra envFrom sources of the MLflow container (Kubernetes EnvFromSource objects).
    #[serde(rename = "extraEnvFrom", default)]
    #[schemars(schema_with = "k8s_objects")]
    pub extra_env_from: Vec<Map<String, Value>>,
    /// extra volumes of the MLflow pod (Kubernetes Volume objects).
    #[serde(rename = "extraVolumes", default)]
    #[schemars(schema_with = "k8s_objects")]
    pub extra_volumes: Vec<Map<String, Value>>,
    /// extra volume mounts of the MLflow container (Kubernetes VolumeMount objects).
    #[serde(rename = "extraVolumeMounts", default)]
    #[schemars(schema_with = "k8s_objects")]
    pub extra_volume_mounts: Vec<Map<String, Value>>,
    /// sidecar containers of the MLflow pod (Kubernetes Container objects; the restricted security context is their default).
    #[serde(rename = "extraContainers", default)]
    #[schemars(schema_with = "k8s_objects")]
    pub extra_containers: Vec<Map<String, Value>>,
    /// init containers of the MLflow pod, run after the schema step (Kubernetes Container objects).
    #[serde(rename = "extraInitContainers", default)]
    #[schemars(schema_with = "k8s_objects")]
    pub extra_init_containers: Vec<Map<String, Value>>,
    /// extra Kubernetes objects rendered as given (each one validated).
    #[serde(rename = "extraObjects")]
    #[schemars(schema_with = "extra_objects")]
    pub extra_objects: Vec<Map<String, Value>>,
    /// Prometheus metrics of MLflow.
    pub metrics: Metrics,
}

/// `metrics`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Metrics {
    /// record Prometheus metrics (mlflow server --expose-prometheus) and serve them on port 9090 of a metrics container and Service; nothing else is served there, and the tracking port stays behind the proxy.
    pub enabled: bool,
    /// A Prometheus Operator ServiceMonitor.
    #[serde(rename = "serviceMonitor")]
    pub service_monitor: MetricsServiceMonitor,
    /// peers allowed to scrape port 9090 (e.g. the Prometheus namespace); empty = any.
    #[serde(rename = "scrapeFrom")]
    pub scrape_from: Vec<Map<String, Value>>,
    /// resources of the metrics container.
    #[serde(default)]
    pub resources: Resources,
}

/// `metrics.serviceMonitor`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MetricsServiceMonitor {
    /// create a ServiceMonitor when the cluster serves monitoring.coreos.com/v1 (pass --api-versions monitoring.coreos.com/v1).
    pub enabled: bool,
    /// scrape interval (a Prometheus duration: each unit at most once, largest first, e.g. 30s or 1m30s).
    // prometheus-operator's Duration (pkg/apis/monitoring/v1/types.go, kubebuilder pattern).
    #[schemars(regex(
        pattern = r#"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"#
    ))]
    pub interval: String,
}

/// `networkPolicy`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct NetworkPolicy {
    /// deny by default and allow only the release's real paths.
    pub enabled: bool,
    /// peers allowed to reach MLflow (the proxy); empty = any.
    #[serde(rename = "ingressFrom")]
    pub ingress_from: Vec<Map<String, Value>>,
    /// the cluster DNS pods every pod may ask (ports 53 and 5353, UDP and TCP). The default is CoreDNS/kube-dns in kube-system; on OpenShift use namespace openshift-dns, pod label dns.operator.openshift.io/daemonset-dns: default.
    #[serde(rename = "dnsTo")]
    pub dns_to: Vec<Map<String, Value>>,
    /// where the proxy may reach the identity provider (e.g. [{ipBlock: {cidr: 203.0.113.10/32}}]); empty = any address on the issuer URL's port.
    #[serde(rename = "identityProviderTo")]
    pub identity_provider_to: Vec<Map<String, Value>>,
    /// where MLflow may reach an external database; empty = any address on its port.
    #[serde(rename = "externalDatabaseTo")]
    pub external_database_to: Vec<Map<String, Value>>,
    /// where MLflow may reach an external object store (S3, Azure Blob, GCS); empty = any address on its port (443 for Azure Blob and GCS).
    #[serde(rename = "externalS3To")]
    pub external_s3_to: Vec<Map<String, Value>>,
    /// where the secret generator may reach the Kubernetes API server (e.g. [{ipBlock: {cidr: 10.0.0.1/32}}]); empty = any address on 443 and 6443.
    #[serde(rename = "apiServerTo")]
    pub api_server_to: Vec<Map<String, Value>>,
    /// where the proxy may reach the ServiceAccount token issuer (discovery and JWKS, with oauth2Proxy.machineTokens); empty = any address on the issuer's port (and 6443 for the in-cluster issuer).
    #[serde(rename = "tokenIssuerTo", default)]
    pub token_issuer_to: Vec<Map<String, Value>>,
    /// extra egress rules of the MLflow pods, for what extraContainers or extraEnv make them reach (Kubernetes NetworkPolicyEgressRule objects).
    #[serde(rename = "extraEgress", default)]
    #[schemars(schema_with = "k8s_objects")]
    pub extra_egress: Vec<Map<String, Value>>,
}

/// `trustedCA`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct TrustedCa {
    /// existing ConfigMap holding a PEM bundle of CAs to trust (e.g. an on-premises Keycloak's, S3's or PostgreSQL's); it replaces the default trust of MLflow, the migration step and mc, so include public CAs if you also reach public endpoints. The proxy keeps the system CAs too.
    #[serde(rename = "configMap")]
    pub config_map: String,
    /// the same, from an existing Secret (set one of configMap and secret).
    pub secret: String,
    /// the key of the ConfigMap or Secret that holds the bundle.
    #[schemars(length(max = 253), regex(pattern = r#"^[-._a-zA-Z0-9]*$"#))]
    pub key: String,
}

/// `podDisruptionBudget`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct PodDisruptionBudget {
    /// render the budget when at least two MLflow replicas always run (replicaCount, or autoscaling.minReplicas).
    pub enabled: bool,
    /// MLflow pods a drain may evict at once: a number (at least 1) or a percentage of the replicas (`50%`, rounded up, at least `1%`), so a drain always makes progress.
    #[serde(rename = "maxUnavailable")]
    pub max_unavailable: MaxUnavailable,
}

/// A PodDisruptionBudget's `maxUnavailable` that never blocks a drain: a count of at least
/// 1, or a percentage of at least 1%, which the disruption controller rounds up
/// (pkg/controller/disruption/disruption.go, `GetScaledValueFromIntOrPercent(…, true)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MaxUnavailable {
    Count(i64),
    Percent(String),
}

impl MaxUnavailable {
    /// Does the budget let a drain evict at least one pod?
    pub fn allows_eviction(&self) -> bool {
        match self {
            MaxUnavailable::Count(n) => *n >= 1,
            MaxUnavailable::Percent(p) => p
                .strip_suffix('%')
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| (1..=100).contains(&n)),
        }
    }
}

impl JsonSchema for MaxUnavailable {
    fn schema_name() -> Cow<'static, str> {
        "maxUnavailable".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["integer", "string"],
            "minimum": 1,
            "maximum": 1000,
            "pattern": "^([1-9][0-9]?|100)%$"
        })
    }
}

impl Default for PodDisruptionBudget {
    fn default() -> Self {
        Self {
            enabled: true,
            max_unavailable: MaxUnavailable::Count(1),
        }
    }
}

/// `autoscaling`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Autoscaling {
    /// scale MLflow with an autoscaling/v2 HorizontalPodAutoscaler.
    pub enabled: bool,
    /// lower bound.
    #[serde(rename = "minReplicas")]
    #[schemars(range(min = 1, max = 2147483647))]
    pub min_replicas: i64,
    /// upper bound.
    #[serde(rename = "maxReplicas")]
    #[schemars(range(min = 1, max = 2147483647))]
    pub max_replicas: i64,
    /// CPU target; 0 = none.
    // A null deletes it (`x-null-is-none`, see schema::restore_deleted): none, as the
    // original chart's HPA template (`{{- if .Values.autoscaling.targetCPU… }}`) read it.
    #[serde(rename = "targetCPUUtilizationPercentage", default)]
    #[schemars(range(min = 0, max = 1000), extend("x-null-is-none" = true))]
    pub target_cpu_utilization_percentage: Option<i64>,
    /// memory target; 0 = none.
    #[serde(rename = "targetMemoryUtilizationPercentage", default)]
    #[schemars(range(min = 0, max = 1000), extend("x-null-is-none" = true))]
    pub target_memory_utilization_percentage: Option<i64>,
}

/// `ingress`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Ingress {
    /// expose MLflow (through the proxy when enabled) with an Ingress.
    pub enabled: bool,
    /// IngressClass name.
    #[serde(rename = "className")]
    pub class_name: String,
    /// annotations of the Ingress.
    pub annotations: BTreeMap<String, String>,
    /// hosts and paths.
    pub hosts: Vec<IngressHost>,
    /// TLS entries: hosts and secretName.
    pub tls: Vec<IngressTls>,
}

/// `httpRoute`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct HttpRoute {
    /// render the HTTPRoute when the cluster serves gateway.networking.k8s.io/v1 (pass --api-versions gateway.networking.k8s.io/v1 to render).
    pub enabled: bool,
    /// annotations of the HTTPRoute.
    pub annotations: BTreeMap<String, String>,
    /// the Gateways (and listeners) it attaches to: Gateway API ParentReference objects, e.g. {name: public, namespace: gateways, sectionName: https}.
    #[serde(rename = "parentRefs")]
    pub parent_refs: Vec<Map<String, Value>>,
    /// host names it serves; like ingress hosts they become MLflow's allowed hosts and CORS origins and the proxy's callback.
    pub hostnames: Vec<String>,
    /// the listeners terminate TLS, so the hosts are served over https (the proxy's callback, secure cookies, origins).
    pub tls: bool,
}

impl Default for HttpRoute {
    fn default() -> Self {
        Self {
            enabled: false,
            annotations: BTreeMap::new(),
            parent_refs: Vec::new(),
            hostnames: Vec::new(),
            tls: true,
        }
    }
}

/// `ingress.tls[]`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct IngressTls {
    /// Hosts the certificate covers (none: every host).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// The Secret holding the certificate.
    #[serde(rename = "secretName")]
    #[serde(default)]
    pub secret_name: K8sName,
}

/// `ingress.hosts[]`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false, "x-keep-required" = true))]
pub struct IngressHost {
    /// A DNS name (or *.wildcard) the Ingress serves.
    #[schemars(regex(
        pattern = r#"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#
    ))]
    pub host: String,
    /// Its paths: at least one (an Ingress rule without paths is invalid); without the
    /// key, `/` as a Prefix.
    #[serde(default, deserialize_with = "at_least_one_path")]
    #[schemars(length(min = 1))]
    pub paths: Vec<IngressPath>,
}

/// `ingress.hosts[].paths[]`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false, "x-keep-required" = true))]
pub struct IngressPath {
    /// A path, starting with /.
    #[schemars(regex(pattern = r#"^/"#))]
    pub path: String,
    /// How the path matches (default Prefix).
    #[serde(rename = "pathType")]
    #[serde(default = "PathType::prefix")]
    pub path_type: PathType,
}

/// `service`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Service {
    /// type of the MLflow Service.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// port of the MLflow Service (the proxy's when it is enabled).
    #[schemars(range(min = 1, max = 65535))]
    pub port: i64,
}

/// `serviceAccount`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct ServiceAccount {
    /// create the MLflow ServiceAccount.
    pub create: bool,
    /// annotations of the ServiceAccount (e.g. IRSA role).
    pub annotations: BTreeMap<String, String>,
    /// its name; empty = the full name.
    pub name: K8sName,
}

/// `secretGenerator`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct SecretGenerator {
    /// resources of the Job that creates missing Secrets once.
    #[serde(default)]
    pub resources: Resources,
}

/// `bucketInit`
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct BucketInit {
    /// resources of the Job that creates the artifact bucket.
    #[serde(default)]
    pub resources: Resources,
}

/// `oauth2Proxy`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct OAuth2Proxy {
    /// protect MLflow (UI and API) with OAuth2-Proxy.
    pub enabled: bool,
    /// OAuth2-Proxy image repository.
    #[schemars(length(min = 1))]
    pub repository: String,
    /// OAuth2-Proxy version.
    pub tag: String,
    /// optional "sha256:..." (or "sha512:...") digest.
    #[schemars(regex(pattern = r#"^(|sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$"#))]
    pub digest: String,
    /// when to pull the proxy image; empty = Kubernetes' default: Always for the tag "latest" (or no tag and no digest), else IfNotPresent.
    #[serde(rename = "pullPolicy", default)]
    pub pull_policy: ImagePullPolicy,
    /// existing Secret with keys "cookie_secret" and "client_secret".
    pub secret: K8sName,
    /// OAuth client id (required when enabled).
    #[serde(rename = "clientID")]
    pub client_id: String,
    /// literal client secret (rendered into a Secret; prefer oauth2Proxy.secret).
    #[serde(rename = "clientSecret")]
    pub client_secret: String,
    /// literal cookie secret of 16, 24 or 32 bytes (rendered; prefer oauth2Proxy.secret).
    #[serde(rename = "cookieSecret")]
    pub cookie_secret: String,
    /// the client has no secret (PKCE, S256); implied when no client secret is given.
    #[serde(rename = "publicClient")]
    pub public_client: bool,
    /// OAuth2-Proxy provider.
    pub provider: OAuth2ProxyProvider,
    /// accepted email domains (a string or a list).
    #[serde(rename = "emailDomains")]
    pub email_domains: StringList,
    /// accepted groups (needs oidc.oidc_groups_claim unless the provider's default fits).
    #[serde(rename = "allowedGroups")]
    pub allowed_groups: Vec<String>,
    /// extra accepted "aud" values of bearer JWTs (the client id always is).
    #[serde(rename = "extraAudiences")]
    pub extra_audiences: Vec<String>,
    /// source networks (your ingress controller's pods) whose X-Forwarded-* headers the proxy trusts; empty = trust none (--reverse-proxy=false).
    #[serde(rename = "trustedProxyCIDRs")]
    #[schemars(inner(length(min = 1)))]
    pub trusted_proxy_cidrs: Vec<String>,
    /// refresh the session cookie after this duration.
    #[serde(rename = "cookieRefresh")]
    #[schemars(regex(pattern = r#"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^0$"#))]
    pub cookie_refresh: String,
    /// Keycloak-specific settings.
    pub keycloak: OAuth2ProxyKeycloak,
    /// The OIDC identity provider.
    pub oidc: OAuth2ProxyOidc,
    /// Tokens for machines: Kubernetes ServiceAccount tokens from the cluster's own issuer.
    #[serde(rename = "machineTokens", default)]
    pub machine_tokens: MachineTokens,
    /// resources of the proxy container.
    #[serde(default)]
    pub resources: Resources,
}

/// `oauth2Proxy.machineTokens`
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MachineTokens {
    /// accept projected ServiceAccount tokens of the listed ServiceAccounts as bearer tokens (--extra-jwt-issuers); needs oauth2Proxy.emailDomains without "*".
    pub enabled: bool,
    /// the cluster's ServiceAccount token issuer, as its discovery document names it (kubectl get --raw /.well-known/openid-configuration); https.
    pub issuer: String,
    /// the audience the tokens must carry (the pod's projected token audience); empty = mlflow-chart:<namespace>:<fullname>.
    pub audience: String,
    /// the ServiceAccounts allowed in, as "namespace:name" (the proxy admits each as system:serviceaccount:namespace:name; MLflow itself records the user name its client sends).
    #[serde(rename = "serviceAccounts")]
    pub service_accounts: Vec<String>,
    /// ConfigMap holding the issuer's CA as key ca.crt (kube-root-ca.crt for an in-cluster issuer); trusted by the proxy only, beside the system's roots; empty = the system's roots.
    #[serde(rename = "issuerCAConfigMap", default)]
    pub issuer_ca_config_map: K8sName,
}

/// `oauth2Proxy.oidc`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct OAuth2ProxyOidc {
    /// the Keycloak realm URL (required when enabled).
    pub oidc_issuer_url: String,
    /// accept an http:// issuer (tokens and the login then travel unencrypted; for tests only).
    #[serde(rename = "allowHttpIssuer")]
    pub allow_http_issuer: bool,
    /// JWKS URL, only when discovery must be bypassed.
    pub oidc_jwks_url: String,
    /// claim holding the email; empty = the proxy's default.
    pub oidc_email_claim: String,
    /// claim holding the groups; empty = the proxy's default.
    pub oidc_groups_claim: String,
}

/// `oauth2Proxy.keycloak`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct OAuth2ProxyKeycloak {
    /// accepted Keycloak roles (realm roles, or "client:role").
    pub allowed_roles: StringList,
}

/// `minio`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Minio {
    /// Its root credentials.
    pub auth: MinioAuth,
    /// The MinIO server image (quay.io/minio/minio).
    pub image: RegistryImage,
    /// The MinIO client (mc) image of the Job that creates the bucket.
    #[serde(rename = "clientImage")]
    pub client_image: RegistryImage,
    /// Its Service.
    pub service: MinioService,
    /// Its data volume.
    pub persistence: MinioPersistence,
    /// The console Ingress of the original chart (never rendered).
    pub ingress: MinioIngress,
    /// The S3 API Ingress of the original chart (never rendered).
    #[serde(rename = "apiIngress")]
    pub api_ingress: MinioApiIngress,
    /// resources of the MinIO container.
    #[serde(default)]
    pub resources: Resources,
    /// merged over the restricted default of the MinIO pod.
    #[serde(rename = "podSecurityContext", default)]
    pub pod_security_context: Map<String, Value>,
    /// merged over the restricted default of the MinIO container.
    #[serde(rename = "securityContext", default)]
    pub security_context: Map<String, Value>,
}

/// `versitygw`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Versitygw {
    /// Its root credentials (the only S3 identity).
    #[serde(default)]
    pub auth: VersitygwAuth,
    /// The gateway image (versity/versitygw).
    pub image: RegistryImage,
    /// Its data volume.
    pub persistence: MinioPersistence,
    /// resources of the gateway container.
    #[serde(default)]
    pub resources: Resources,
    /// merged over the restricted default of the gateway pod.
    #[serde(rename = "podSecurityContext", default)]
    pub pod_security_context: Map<String, Value>,
    /// merged over the restricted default of the gateway container.
    #[serde(rename = "securityContext", default)]
    pub security_context: Map<String, Value>,
}

impl Default for Versitygw {
    fn default() -> Self {
        Self {
            auth: VersitygwAuth::default(),
            image: RegistryImage {
                registry: "ghcr.io".into(),
                repository: "versity/versitygw".into(),
                tag: "v1.10.0".into(),
                digest: String::new(),
                pull_policy: ImagePullPolicy::Auto,
            },
            persistence: MinioPersistence {
                storage_class: String::new(),
                size: Quantity(Value::from("20Gi")),
            },
            resources: Resources::default(),
            pod_security_context: Map::new(),
            security_context: Map::new(),
        }
    }
}

/// `versitygw.auth`
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct VersitygwAuth {
    /// root access key id; empty = generated in the cluster once.
    #[serde(rename = "accessKey")]
    pub access_key: String,
    /// root secret access key; empty = generated in the cluster once.
    #[serde(rename = "secretKey")]
    pub secret_key: String,
    /// Secret with keys "access-key" and "secret-key".
    #[serde(rename = "existingSecret")]
    pub existing_secret: K8sName,
}

/// `minio.apiIngress`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MinioApiIngress {
    /// accepted for compatibility; must stay false: MLflow proxies every artifact, so clients need no S3 endpoint or keys.
    #[schemars(schema_with = "always_false")]
    pub enabled: bool,
}

/// `minio.ingress`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MinioIngress {
    /// accepted for compatibility; must stay false: MinIO's web console is off (MINIO_BROWSER=off); manage buckets with `mc` through the API port.
    #[schemars(schema_with = "always_false")]
    pub enabled: bool,
}

/// `minio.persistence`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MinioPersistence {
    /// StorageClass of the data volume; empty = cluster default; "-" = none (storageClassName: "", as bitnami's charts read it: only a pre-provisioned PersistentVolume binds).
    #[serde(rename = "storageClass")]
    pub storage_class: String,
    /// size of the data volume.
    pub size: Quantity,
}

/// `minio.service`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MinioService {
    /// Its Service ports.
    pub ports: MinioServicePorts,
}

/// `minio.service.ports`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MinioServicePorts {
    /// port of the MinIO S3 API Service (MinIO itself listens on 9000 in its pod, so any port works, 80 included).
    #[schemars(range(min = 1, max = 65535))]
    pub api: i64,
}

/// An image as registry, repository, tag and optional digest (PostgreSQL, MinIO, mc).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct RegistryImage {
    /// registry of the image; empty = the repository names it.
    pub registry: String,
    /// repository of the image.
    pub repository: String,
    /// tag of the image (the release of the program).
    pub tag: String,
    /// optional "sha256:..." (or "sha512:...") digest.
    #[schemars(regex(pattern = r#"^(|sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$"#))]
    pub digest: String,
    /// when to pull it; empty = Kubernetes' default: Always for the tag "latest" (or no tag and no digest), else IfNotPresent.
    #[serde(rename = "pullPolicy", default)]
    pub pull_policy: ImagePullPolicy,
}

/// `minio.auth`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MinioAuth {
    /// MinIO root user; empty = generated in the cluster once.
    #[serde(rename = "rootUser")]
    pub root_user: String,
    /// MinIO root password; empty = generated in the cluster once.
    #[serde(rename = "rootPassword")]
    pub root_password: String,
    /// Secret with keys "root-user" and "root-password".
    #[serde(rename = "existingSecret")]
    pub existing_secret: K8sName,
}

/// `postgresql`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Postgresql {
    /// Its user, database and passwords.
    pub auth: PostgresqlAuth,
    /// The PostgreSQL image (the official library/postgres).
    pub image: RegistryImage,
    /// Its data volume.
    pub persistence: PostgresqlPersistence,
    /// resources of the PostgreSQL container.
    #[serde(default)]
    pub resources: Resources,
    /// merged over the restricted default of the PostgreSQL pod.
    #[serde(rename = "podSecurityContext", default)]
    pub pod_security_context: Map<String, Value>,
    /// merged over the restricted default of the PostgreSQL container.
    #[serde(rename = "securityContext", default)]
    pub security_context: Map<String, Value>,
}

/// `postgresql.persistence`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct PostgresqlPersistence {
    /// StorageClass of the data volume; empty = cluster default; "-" = none (storageClassName: "", as bitnami's charts read it: only a pre-provisioned PersistentVolume binds).
    #[serde(rename = "storageClass")]
    pub storage_class: String,
    /// size of the data volume.
    pub size: Quantity,
    /// the data directory's name on the volume (PGDATA = /var/lib/postgresql/data/<this>); "data" adopts a bitnami PostgreSQL volume deliberately (same major version, its user ID in postgresql.podSecurityContext).
    #[serde(rename = "dataDirectory", default = "default_data_directory")]
    #[schemars(regex(pattern = r#"^[A-Za-z0-9_][A-Za-z0-9._-]{0,62}$"#))]
    pub data_directory: String,
}

/// `ingress.hosts[].paths` given: at least one (the schema's `minItems`, kept under
/// `--skip-schema-validation`: an empty list must not become `/`).
fn at_least_one_path<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<IngressPath>, D::Error> {
    let paths = <Vec<IngressPath> as Deserialize>::deserialize(d)?;
    if paths.is_empty() {
        return Err(serde::de::Error::custom(
            "an Ingress rule needs at least one path: list one, or leave the key out for `/`",
        ));
    }
    Ok(paths)
}

fn default_data_directory() -> String {
    "pgdata".into()
}

/// `postgresql.auth`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct PostgresqlAuth {
    /// database user MLflow connects as.
    #[schemars(
        length(min = 1, max = 63),
        regex(pattern = r#"^[A-Za-z_][-.A-Za-z0-9_]*$"#)
    )]
    pub username: String,
    /// that user's password; empty = generated in the cluster once.
    pub password: String,
    /// password of the "postgres" superuser; empty = generated.
    #[serde(rename = "postgresPassword")]
    pub postgres_password: String,
    /// database MLflow uses.
    #[schemars(
        length(min = 1, max = 63),
        regex(pattern = r#"^[A-Za-z_][-.A-Za-z0-9_]*$"#)
    )]
    pub database: String,
    /// Secret with keys "password" and "postgres-password".
    #[serde(rename = "existingSecret")]
    pub existing_secret: K8sName,
}

/// `s3`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct S3 {
    /// S3 endpoint when MinIO is disabled (becomes MLFLOW_S3_ENDPOINT_URL; empty = AWS).
    pub url: String,
    /// existing Secret with keys "user" and "key" (AWS access key id and secret).
    pub secret: K8sName,
    /// literal access key id (rendered into a Secret; prefer s3.secret).
    pub user: String,
    /// literal secret access key (rendered into a Secret; prefer s3.secret).
    pub key: String,
    /// AWS_DEFAULT_REGION for the S3 client; empty = unset.
    pub region: String,
}

/// `externalDatabase`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct ExternalDatabase {
    /// host of an external PostgreSQL (with services.postgres.enabled=false).
    pub host: String,
    /// its port.
    #[schemars(range(min = 1, max = 65535))]
    pub port: i64,
    /// its database.
    pub database: String,
    /// its user.
    pub username: String,
    /// Secret holding the user's password.
    #[serde(rename = "existingSecret")]
    pub existing_secret: K8sName,
    /// key of the password in that Secret.
    #[serde(rename = "existingSecretPasswordKey")]
    pub existing_secret_password_key: String,
    /// libpq sslmode (e.g. require, verify-full); empty = libpq default.
    pub sslmode: ExternalDatabaseSslmode,
    /// the database: postgresql, or mysql (MySQL or MariaDB through PyMySQL, the driver in MLflow's image; port 5432 then means MySQL's 3306).
    #[serde(rename = "type", default)]
    pub kind: DatabaseKind,
}

/// `azureBlob`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct AzureBlob {
    /// keep artifacts in an Azure Blob container (wasbs://), proxied by MLflow; needs services.minio.enabled=false.
    pub enabled: bool,
    /// the storage account's name (3-24 lowercase letters and digits).
    #[serde(rename = "storageAccount")]
    pub storage_account: String,
    /// the blob container (3-63 lowercase letters, digits and single hyphens).
    pub container: String,
    /// a path prefix inside the container; empty = its root.
    pub path: String,
    /// the cloud's blob endpoint suffix: blob.core.windows.net, blob.core.chinacloudapi.cn or blob.core.usgovcloudapi.net.
    #[serde(rename = "endpointSuffix")]
    pub endpoint_suffix: AzureEndpointSuffix,
    /// Secret holding a connection string or an account key; empty = workload identity (the pods get the label azure.workload.identity/use; annotate serviceAccount with azure.workload.identity/client-id).
    #[serde(rename = "existingSecret")]
    pub existing_secret: K8sName,
    /// key of the credential in that Secret.
    #[serde(rename = "existingSecretKey")]
    pub existing_secret_key: String,
    /// what that key holds: connectionString (AZURE_STORAGE_CONNECTION_STRING) or accessKey (AZURE_STORAGE_ACCESS_KEY).
    pub credential: AzureCredential,
}

/// `gcs`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Gcs {
    /// keep artifacts in a Google Cloud Storage bucket (gs://), proxied by MLflow; needs services.minio.enabled=false.
    pub enabled: bool,
    /// the bucket's name.
    pub bucket: String,
    /// a path prefix inside the bucket; empty = its root.
    pub path: String,
    /// Secret holding a service account key file (mounted, GOOGLE_APPLICATION_CREDENTIALS); empty = workload identity (annotate serviceAccount with iam.gke.io/gcp-service-account).
    #[serde(rename = "existingSecret")]
    pub existing_secret: K8sName,
    /// key of the key file in that Secret.
    #[serde(rename = "existingSecretKey")]
    pub existing_secret_key: String,
}

/// `services`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Services {
    /// The PostgreSQL backend store.
    pub postgres: ServicesPostgres,
    /// The MinIO artifact store.
    pub minio: ServicesMinio,
    /// The Versity S3 Gateway artifact store (the maintained alternative to MinIO).
    #[serde(default)]
    pub versitygw: ServicesVersitygw,
}

/// `services.versitygw`
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct ServicesVersitygw {
    /// deploy the Versity S3 Gateway in the release instead of MinIO (set services.minio.enabled=false).
    pub enabled: bool,
}

/// `services.minio`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct ServicesMinio {
    /// deploy MinIO in the release.
    pub enabled: bool,
    /// with MinIO disabled: same as s3.url (the S3 endpoint).
    #[serde(rename = "externalURI")]
    pub external_uri: String,
}

/// `services.postgres`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct ServicesPostgres {
    /// deploy PostgreSQL in the release.
    pub enabled: bool,
    /// with PostgreSQL disabled: the backend store URI of an external database, without a password (the password comes from externalDatabase.existingSecret as PGPASSWORD).
    #[serde(rename = "externalURI")]
    pub external_uri: String,
}

/// `MLFlow`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Mlflow {
    /// Where MLflow keeps artifacts.
    pub artifacts: MlflowArtifacts,
    /// extra Host headers MLflow accepts (ingress hosts and the service's own names are always allowed).
    #[serde(rename = "allowedHosts")]
    pub allowed_hosts: Vec<String>,
    /// extra `mlflow server` arguments, appended verbatim (each `$` is written `$$`, so Kubernetes passes it on rather than expanding `$(NAME)`).
    #[serde(rename = "extraArgs")]
    pub extra_args: Vec<String>,
    /// gunicorn/uvicorn workers of the tracking server.
    #[schemars(range(min = 1, max = 64))]
    pub workers: i64,
    /// The database schema migration before the server starts.
    pub migration: MlflowMigration,
    /// Garbage collection of deleted runs: a CronJob running `mlflow gc`.
    #[serde(default)]
    pub gc: MlflowGc,
    /// MLflow's workspaces (logical isolation of experiments, registered models and prompts).
    #[serde(default)]
    pub workspaces: MlflowWorkspaces,
    /// The key-encryption passphrase of MLflow's secrets (AI Gateway API keys).
    #[serde(default)]
    pub crypto: MlflowCrypto,
    /// extra browser origins allowed to change state through the API (the ingress hosts' origins always are).
    #[serde(rename = "corsAllowedOrigins")]
    #[schemars(inner(regex(pattern = r#"^https?://[^/,]+$"#)))]
    pub cors_allowed_origins: Vec<String>,
}

/// `MLFlow.migration`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MlflowMigration {
    /// run `mlflow db upgrade` (serialised by a PostgreSQL advisory lock) in an init container before the server starts.
    pub enabled: bool,
}

/// `MLFlow.workspaces`
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MlflowWorkspaces {
    /// run MLflow with --enable-workspaces (the database holds the workspaces; existing objects are in the default one); gc then collects in every workspace.
    pub enabled: bool,
}

/// `MLFlow.crypto`
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MlflowCrypto {
    /// Secret with key "kek-passphrase" (MLFLOW_CRYPTO_KEK_PASSPHRASE, 32+ characters); empty = generated in the cluster once (MLflow's built-in default is shared by every installation).
    #[serde(rename = "existingSecret")]
    pub existing_secret: K8sName,
}

/// `MLFlow.gc`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MlflowGc {
    /// permanently delete runs, experiments and logged models in the "deleted" stage, with their artifacts, on a schedule (`mlflow gc`).
    pub enabled: bool,
    /// when to run, in cron syntax (five fields, or a macro like @daily).
    #[schemars(length(min = 1))]
    pub schedule: String,
    /// IANA time zone of the schedule (e.g. Europe/Berlin); empty = the kube-controller-manager's.
    #[serde(rename = "timeZone")]
    pub time_zone: String,
    /// only what was deleted longer ago than this (e.g. 30d, 12h, 1d2h3m4s); empty = everything deleted.
    #[serde(rename = "olderThan")]
    #[schemars(regex(
        pattern = r#"^([0-9]+(\.[0-9]+)?d)?([0-9]+(\.[0-9]+)?h)?([0-9]+(\.[0-9]+)?m)?([0-9]+(\.[0-9]+)?s)?$"#
    ))]
    pub older_than: String,
    /// also delete the records of finished MLflow server jobs (`--jobs`), by the same age.
    pub jobs: bool,
    /// resources of the garbage collection Job.
    #[serde(default)]
    pub resources: Resources,
}

impl Default for MlflowGc {
    fn default() -> Self {
        Self {
            enabled: false,
            schedule: "30 3 * * *".into(),
            time_zone: String::new(),
            older_than: "30d".into(),
            jobs: false,
            resources: Resources::default(),
        }
    }
}

/// `MLFlow.artifacts`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct MlflowArtifacts {
    /// bucket holding artifacts, optionally followed by a key prefix (team-models/mlflow); MLflow serves it as --artifacts-destination s3://<bucketName> (the bucket is created by a Job when MinIO is enabled).
    #[serde(rename = "bucketName")]
    #[schemars(
        length(min = 3, max = 576),
        regex(pattern = r#"^[a-z0-9][a-z0-9.-]*[a-z0-9](/[A-Za-z0-9._~-]+)*$"#)
    )]
    pub bucket_name: String,
}

/// `image`
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, extend("additionalProperties" = false))]
pub struct Image {
    /// MLflow 3 image. The "-full" variant ships the PostgreSQL driver (psycopg2) and boto3, which `mlflow server` needs for postgresql:// and s3://.
    #[schemars(length(min = 1))]
    pub repository: String,
    /// empty means "v<appVersion>-full".
    pub tag: String,
    /// optional "sha256:..." (or "sha512:...") digest; when set the image is pinned by it.
    #[schemars(regex(pattern = r#"^(|sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$"#))]
    pub digest: String,
    /// when to pull the MLflow image (also used by the secret generator and metrics containers); empty = Kubernetes' default: Always for the tag "latest" (or no tag and no digest), else IfNotPresent.
    #[serde(rename = "pullPolicy", default)]
    pub pull_policy: ImagePullPolicy,
}

/// An image pull policy; empty follows Kubernetes' own rule (Always for "latest" or no tag,
/// IfNotPresent otherwise) and is rendered explicitly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum ImagePullPolicy {
    #[default]
    #[serde(rename = "")]
    Auto,
    #[serde(rename = "Always")]
    Always,
    #[serde(rename = "IfNotPresent")]
    IfNotPresent,
    #[serde(rename = "Never")]
    Never,
}

impl ExternalDatabaseSslmode {
    /// The libpq name ("" for libpq's default).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unset => "",
            Self::Disable => "disable",
            Self::Allow => "allow",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

impl OAuth2ProxyProvider {
    /// OAuth2-Proxy's `--provider` name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeycloakOidc => "keycloak-oidc",
            Self::Oidc => "oidc",
        }
    }
}

impl Default for AzureBlob {
    fn default() -> Self {
        Self {
            enabled: false,
            storage_account: String::new(),
            container: String::new(),
            path: String::new(),
            endpoint_suffix: AzureEndpointSuffix::Public,
            existing_secret: K8sName::default(),
            existing_secret_key: "connection-string".into(),
            credential: AzureCredential::ConnectionString,
        }
    }
}

impl Default for Gcs {
    fn default() -> Self {
        Self {
            enabled: false,
            bucket: String::new(),
            path: String::new(),
            existing_secret: K8sName::default(),
            existing_secret_key: "credentials.json".into(),
        }
    }
}

/// `externalDatabase.type`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum DatabaseKind {
    #[default]
    #[serde(rename = "postgresql")]
    Postgresql,
    #[serde(rename = "mysql")]
    Mysql,
}

/// `azureBlob.endpointSuffix`: the clouds MLflow's wasbs:// parser knows
/// (mlflow/store/artifact/azure_blob_artifact_repo.py, parse_wasbs_uri, 3.17.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum AzureEndpointSuffix {
    #[default]
    #[serde(rename = "blob.core.windows.net")]
    Public,
    #[serde(rename = "blob.core.chinacloudapi.cn")]
    China,
    #[serde(rename = "blob.core.usgovcloudapi.net")]
    UsGov,
}

impl AzureEndpointSuffix {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "blob.core.windows.net",
            Self::China => "blob.core.chinacloudapi.cn",
            Self::UsGov => "blob.core.usgovcloudapi.net",
        }
    }
}

/// `azureBlob.credential`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum AzureCredential {
    #[default]
    #[serde(rename = "connectionString")]
    ConnectionString,
    #[serde(rename = "accessKey")]
    AccessKey,
}

/// `externalDatabase.sslmode`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum ExternalDatabaseSslmode {
    #[serde(rename = "")]
    Unset,
    #[serde(rename = "disable")]
    Disable,
    #[serde(rename = "allow")]
    Allow,
    #[serde(rename = "prefer")]
    Prefer,
    #[serde(rename = "require")]
    Require,
    #[serde(rename = "verify-ca")]
    VerifyCa,
    #[serde(rename = "verify-full")]
    VerifyFull,
}

/// `oauth2Proxy.provider`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum OAuth2ProxyProvider {
    #[serde(rename = "keycloak-oidc")]
    KeycloakOidc,
    #[serde(rename = "oidc")]
    Oidc,
}

/// `service.type`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum ServiceType {
    #[serde(rename = "ClusterIP")]
    ClusterIP,
    #[serde(rename = "NodePort")]
    NodePort,
    #[serde(rename = "LoadBalancer")]
    LoadBalancer,
}

impl PathType {
    /// The default path type.
    fn prefix() -> Self {
        PathType::Prefix
    }
}

/// `ingress.hosts[].paths[].pathType`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum PathType {
    #[serde(rename = "Prefix")]
    Prefix,
    #[serde(rename = "Exact")]
    Exact,
    #[serde(rename = "ImplementationSpecific")]
    ImplementationSpecific,
}

/// Tidies the generated schema: an optional key is not nullable (a `null` deletes it in
/// the merge), integer formats go (the ranges say it), and `required`
/// lists stay only where a type asks for them (`x-keep-required`): the values a user
/// writes are a partial overlay of the defaults, so editors must not demand every key.
#[derive(Debug, Clone)]
struct Tidy;

impl schemars::transform::Transform for Tidy {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(obj) = schema.as_object_mut() {
            obj.remove("format");
            // Defaults live in values.yaml (a `#[serde(default)]` is only for decoding).
            obj.remove("default");
            if let Some(Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if let [one] = types.as_slice() {
                    let one = one.clone();
                    obj.insert("type".into(), one);
                }
            }
            if let Some(Value::Array(alts)) = obj.get("anyOf")
                && let [a, b] = alts.as_slice()
                && b.get("type").and_then(Value::as_str) == Some("null")
                && let Value::Object(inner) = a.clone()
            {
                obj.remove("anyOf");
                for (k, v) in inner {
                    obj.entry(k).or_insert(v);
                }
            }
            if obj.remove("x-keep-required").is_none() {
                obj.remove("required");
            }
        }
        schemars::transform::transform_subschemas(self, schema);
    }
}

/// The JSON Schema of the values, generated from [`Values`].
pub fn generate() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with_transform(Tidy)
        .into_generator();
    generator.into_root_schema_for::<Values>().to_value()
}

/// The schema as committed in values.schema.json: pretty JSON with a final newline.
pub fn generate_text() -> String {
    let mut text = serde_json::to_string_pretty(&generate()).unwrap_or_default();
    text.push('\n');
    text
}

/// Asserts that the committed file `name` (at the crate root) holds `generated`; with
/// `UPDATE_SCHEMA` set, writes it first. `wrong` says what to do when it does not.
#[cfg(test)]
pub(crate) fn assert_committed(name: &str, generated: &str, wrong: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, generated).unwrap_or_else(|e| panic!("write {name}: {e}"));
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {name}: {e}"));
    assert!(committed == generated, "{name} {wrong}");
    committed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// values.schema.json is generated from the model; `UPDATE_SCHEMA=1 cargo test`
    /// rewrites it.
    #[test]
    fn committed_schema_is_generated_from_the_model() {
        assert_committed(
            "values.schema.json",
            &generate_text(),
            "is not what the model generates: run `UPDATE_SCHEMA=1 cargo test --lib model`",
        );
    }

    #[test]
    fn string_lists_take_the_original_comma_form() {
        let l: StringList = serde_json::from_value(Value::from("a, b")).unwrap();
        assert_eq!(l.0, ["a", "b"]);
        let l: StringList = serde_json::from_value(Value::from(",")).unwrap();
        assert_eq!(l.0, ["", ""]);
        let l: StringList = serde_json::from_value(Value::from(" ")).unwrap();
        assert!(l.0.is_empty());
        let l: StringList = serde_json::from_value(serde_json::json!(["x"])).unwrap();
        assert_eq!(l.0, ["x"]);
        assert!(serde_json::from_value::<StringList>(Value::from(3)).is_err());
    }

    #[test]
    fn quantities() {
        for ok in ["1", "500m", "1Gi", "+1.5", ".5", "1.", "1e3", "2E-2", "10k"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "Gi", "1GB", "1..2", ".", "1e", "-", "1 Gi", "1Gi "] {
            assert!(!is_quantity(bad), "{bad}");
        }
        assert!(serde_json::from_value::<Quantity>(serde_json::json!({"x": 1})).is_err());
        assert!(serde_json::from_value::<Quantity>(serde_json::json!(2)).is_ok());
    }

    #[test]
    fn pull_secrets_take_both_forms() {
        let p: Vec<PullSecret> =
            serde_json::from_value(serde_json::json!(["a", {"name": "b"}])).unwrap();
        assert_eq!(
            p.iter().map(PullSecret::name).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }
}
