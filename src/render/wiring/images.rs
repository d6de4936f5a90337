//! Images: the reference of every container image, and the images that do not fit the
//! chart's pod layout (bitnami's, MLflow 2), refused with the reason.

use super::{APP_VERSION, Acc};
use crate::model::{ImagePullPolicy, Values};
use serde::Serialize;

/// The image of each container.
#[derive(Debug, Clone, Serialize)]
pub struct Images {
    pub mlflow: String,
    pub postgresql: String,
    pub minio: String,
    /// The MinIO client of the bucket Job.
    pub mc: String,
    pub versitygw: String,
    pub proxy: String,
    /// The pull policy of each image, by the same names.
    pub pull: PullPolicies,
}

/// Each image's pull policy, chosen or by Kubernetes' own rule.
#[derive(Debug, Clone, Serialize)]
pub struct PullPolicies {
    pub mlflow: &'static str,
    pub postgresql: &'static str,
    pub minio: &'static str,
    pub mc: &'static str,
    pub proxy: &'static str,
    pub versitygw: &'static str,
}

/// The policy given, or the one the API server defaults to when none is, written out so a
/// render says what a kubelet will do: Always when the tag is "latest" (also beside a
/// digest), or when there is neither tag nor digest (parsers.ParseImageName then says
/// "latest"); IfNotPresent otherwise (`SetDefaults_Container`, pkg/apis/core/v1/defaults.go,
/// and `ParseImageName`, pkg/util/parsers/parsers.go, Kubernetes v1.33).
fn pull_policy(chosen: ImagePullPolicy, tag: &str, digest: &str) -> &'static str {
    match chosen {
        ImagePullPolicy::Always => "Always",
        ImagePullPolicy::IfNotPresent => "IfNotPresent",
        ImagePullPolicy::Never => "Never",
        ImagePullPolicy::Auto if tag == "latest" || (tag.is_empty() && digest.is_empty()) => {
            "Always"
        }
        ImagePullPolicy::Auto => "IfNotPresent",
    }
}

/// `repo:tag`, `repo@digest` or `repo:tag@digest`.
fn reference(repo: &str, tag: &str, digest: &str) -> String {
    match (tag, digest) {
        (_, d) if !d.is_empty() && tag.is_empty() => format!("{repo}@{d}"),
        (t, d) if !d.is_empty() => format!("{repo}:{t}@{d}"),
        (t, _) => format!("{repo}:{t}"),
    }
}

/// `registry/repository` (or the repository alone when the registry is empty), tagged.
fn with_registry(registry: &str, repository: &str, tag: &str, digest: &str) -> String {
    let full = if registry.is_empty() {
        repository.to_string()
    } else {
        format!("{registry}/{repository}")
    };
    reference(&full, tag, digest)
}

pub(crate) fn build(values: &Values, acc: &mut Acc) -> Images {
    let (mlflow, pg, minio, mc, proxy) = (
        &values.image,
        &values.postgresql.image,
        &values.minio.image,
        &values.minio.client_image,
        &values.oauth2_proxy,
    );
    let vgw = &values.versitygw.image;
    let tag = match mlflow.tag.as_str() {
        "" => format!("v{APP_VERSION}-full"),
        t => t.to_string(),
    };
    for (key, repo, tag, on) in [
        (
            "image.repository",
            mlflow.repository.as_str(),
            tag.as_str(),
            true,
        ),
        (
            "postgresql.image.repository",
            &pg.repository,
            &pg.tag,
            values.services.postgres.enabled,
        ),
        (
            "minio.image.repository",
            &minio.repository,
            &minio.tag,
            values.services.minio.enabled,
        ),
        (
            "minio.clientImage.repository",
            &mc.repository,
            &mc.tag,
            values.services.minio.enabled,
        ),
        (
            "oauth2Proxy.repository",
            &proxy.repository,
            &proxy.tag,
            proxy.enabled,
        ),
    ] {
        if let Some(why) = on
            .then(|| crate::migration::unfit_image(key, repo, tag))
            .flatten()
        {
            acc.errors.push(why);
        }
    }
    let images = Images {
        mlflow: reference(&mlflow.repository, &tag, &mlflow.digest),
        postgresql: with_registry(&pg.registry, &pg.repository, &pg.tag, &pg.digest),
        minio: with_registry(
            &minio.registry,
            &minio.repository,
            &minio.tag,
            &minio.digest,
        ),
        mc: with_registry(&mc.registry, &mc.repository, &mc.tag, &mc.digest),
        versitygw: with_registry(&vgw.registry, &vgw.repository, &vgw.tag, &vgw.digest),
        proxy: reference(&proxy.repository, &proxy.tag, &proxy.digest),
        pull: PullPolicies {
            mlflow: pull_policy(mlflow.pull_policy, &tag, &mlflow.digest),
            postgresql: pull_policy(pg.pull_policy, &pg.tag, &pg.digest),
            minio: pull_policy(minio.pull_policy, &minio.tag, &minio.digest),
            mc: pull_policy(mc.pull_policy, &mc.tag, &mc.digest),
            proxy: pull_policy(proxy.pull_policy, &proxy.tag, &proxy.digest),
            versitygw: pull_policy(vgw.pull_policy, &vgw.tag, &vgw.digest),
        },
    };
    // Each reference the values make is one a registry serves, named by its keys; a tag
    // that is no tag is named by its own key.
    for (on, keys, image, (tag_key, tag)) in [
        (
            true,
            "image.repository/tag/digest",
            &images.mlflow,
            ("image.tag", tag.as_str()),
        ),
        (
            values.services.postgres.enabled,
            "postgresql.image.*",
            &images.postgresql,
            ("postgresql.image.tag", pg.tag.as_str()),
        ),
        (
            values.services.minio.enabled,
            "minio.image.*",
            &images.minio,
            ("minio.image.tag", minio.tag.as_str()),
        ),
        (
            values.services.minio.enabled,
            "minio.clientImage.*",
            &images.mc,
            ("minio.clientImage.tag", mc.tag.as_str()),
        ),
        (
            proxy.enabled,
            "oauth2Proxy.repository/tag/digest",
            &images.proxy,
            ("oauth2Proxy.tag", proxy.tag.as_str()),
        ),
        (
            values.services.versitygw.enabled,
            "versitygw.image.*",
            &images.versitygw,
            ("versitygw.image.tag", vgw.tag.as_str()),
        ),
    ] {
        if !on || crate::validate::rules::image_ref(image) {
            continue;
        }
        if !tag.is_empty() && !is_tag(tag) {
            acc.errors.push(format!(
                "{tag_key}: not an image tag: at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (this one has {} characters)",
                tag.chars().count()
            ));
        } else {
            acc.errors.push(format!(
                "{keys} make {}, which is not an image reference like registry/name:tag (lowercase repository, a tag of letters, digits, '_', '.', '-')",
                crate::error::quoted(image)
            ));
        }
    }
    images
}

/// A tag as the distribution reference grammar has it: `[\w][\w.-]{0,127}`.
fn is_tag(tag: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    tag.len() <= 128
        && tag.starts_with(word)
        && tag.chars().all(|c| word(c) || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policies_follow_kubernetes_unless_chosen() {
        use ImagePullPolicy::*;
        for (chosen, tag, digest, want) in [
            (Auto, "v3.17.2-full", "", "IfNotPresent"),
            (Auto, "latest", "", "Always"),
            (Auto, "", "", "Always"),
            (Auto, "latest", "sha256:x", "Always"),
            (Auto, "", "sha256:x", "IfNotPresent"),
            (Always, "17", "", "Always"),
            (IfNotPresent, "latest", "", "IfNotPresent"),
            (Never, "17", "", "Never"),
        ] {
            assert_eq!(
                pull_policy(chosen, tag, digest),
                want,
                "{chosen:?} {tag} {digest}"
            );
        }
    }

    #[test]
    fn references() {
        assert_eq!(reference("r", "t", ""), "r:t");
        assert_eq!(reference("r", "", "sha256:x"), "r@sha256:x");
        assert_eq!(reference("r", "t", "sha256:x"), "r:t@sha256:x");
        assert_eq!(
            with_registry("", "library/postgres", "17", ""),
            "library/postgres:17"
        );
        assert_eq!(
            with_registry("docker.io", "minio/minio", "t", ""),
            "docker.io/minio/minio:t"
        );
    }
}
