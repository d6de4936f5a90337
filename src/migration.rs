//! Keys of the original chart and of the bitnami subcharts it bundled that this chart
//! does not take as they are: each names what replaces it, so a migrating user's values
//! file fails with a way forward instead of a bare "unknown key". The same table is
//! docs/migration.md's; a test walks it key by key.

/// (key path, or a prefix ending in `.`; what replaces it)
pub const REPLACED: &[(&str, &str)] = &[
    (
        "global.storageClass",
        "set postgresql.persistence.storageClass and minio.persistence.storageClass",
    ),
    (
        "global.defaultStorageClass",
        "set postgresql.persistence.storageClass and minio.persistence.storageClass",
    ),
    (
        "global.imageRegistry",
        "set image.repository, postgresql.image.registry, minio.image.registry and minio.clientImage.registry",
    ),
    (
        "global.imagePullSecrets",
        "set imagePullSecrets (used by every pod)",
    ),
    ("global.postgresql.", "set the postgresql.auth.* keys"),
    (
        "global.security.",
        "not needed: images are pinned official ones, not bitnami's",
    ),
    (
        "global.",
        "this chart has no global values; set the component's own keys (docs/values.md)",
    ),
    (
        "postgresql.enabled",
        "set services.postgres.enabled (true deploys PostgreSQL in the release)",
    ),
    (
        "minio.enabled",
        "set services.minio.enabled (true deploys MinIO in the release)",
    ),
    (
        "minio.service.type",
        "not configurable: MinIO is reached only inside the cluster, through MLflow (a ClusterIP Service)",
    ),
    (
        "postgresql.service.type",
        "not configurable: PostgreSQL is reached only inside the cluster (a ClusterIP Service)",
    ),
    (
        "postgresql.primary.persistence.size",
        "set postgresql.persistence.size",
    ),
    (
        "postgresql.primary.persistence.storageClass",
        "set postgresql.persistence.storageClass",
    ),
    (
        "postgresql.primary.persistence.",
        "set the postgresql.persistence.* keys (storageClass, size)",
    ),
    ("postgresql.primary.resources", "set postgresql.resources"),
    (
        "postgresql.primary.",
        "this chart runs one PostgreSQL without bitnami's primary/read-replica layout; set the postgresql.* keys (docs/values.md)",
    ),
    (
        "postgresql.readReplicas.",
        "read replicas are not supported; remove it",
    ),
    (
        "postgresql.architecture",
        "only a standalone PostgreSQL is deployed; remove it",
    ),
    (
        "postgresql.auth.enablePostgresUser",
        "the superuser always exists (its password is postgresql.auth.postgresPassword, generated when empty); remove it",
    ),
    (
        "postgresql.auth.secretKeys.",
        "the keys of postgresql.auth.existingSecret are fixed: password and postgres-password",
    ),
    (
        "postgresql.auth.usePasswordFiles",
        "passwords reach the containers through secretKeyRef; remove it",
    ),
    (
        "postgresql.persistence.enabled",
        "PostgreSQL always keeps its data on a PersistentVolumeClaim; remove it",
    ),
    (
        "postgresql.database",
        "set postgresql.auth.database (the original chart read this key by mistake)",
    ),
    (
        "postgresql.metrics.",
        "PostgreSQL metrics are not part of this chart; remove it",
    ),
    (
        "minio.defaultBuckets",
        "set MLFlow.artifacts.bucketName: the bucket Job creates that bucket, private",
    ),
    (
        "minio.mode",
        "only a standalone MinIO is deployed; remove it",
    ),
    (
        "minio.statefulset.",
        "only a standalone MinIO is deployed; remove it",
    ),
    (
        "minio.persistence.enabled",
        "MinIO always keeps its data on a PersistentVolumeClaim; remove it",
    ),
    (
        "minio.auth.rootUserSecretKey",
        "the keys of minio.auth.existingSecret are fixed: root-user and root-password",
    ),
    (
        "minio.auth.rootPasswordSecretKey",
        "the keys of minio.auth.existingSecret are fixed: root-user and root-password",
    ),
    (
        "minio.console.",
        "MinIO's console is not exposed; use mc, or MinIO's API through a port-forward",
    ),
    (
        "minio.service.ports.console",
        "MinIO's console is not exposed; remove it",
    ),
    (
        "minio.provisioning.",
        "the bucket Job creates MLFlow.artifacts.bucketName; other provisioning is not supported",
    ),
    (
        "minio.metrics.",
        "MinIO metrics are not part of this chart; remove it",
    ),
    (
        "oauth2Proxy.redirectUrl",
        "the login callback is derived from the first concrete ingress host",
    ),
    (
        "oauth2Proxy.extraArgs",
        "not supported: the proxy's flags are part of the security boundary (docs/security.md)",
    ),
];

/// What replaces the values key `path` (dotted), if it is a known key of the original
/// chart or of bitnami's subcharts.
pub fn replacement(path: &str) -> Option<&'static str> {
    REPLACED.iter().find_map(|(key, what)| {
        let hit = if let Some(prefix) = key.strip_suffix('.') {
            path == prefix || path.starts_with(key)
        } else {
            path == *key || path.starts_with(&format!("{key}."))
        };
        hit.then_some(*what)
    })
}

/// PostgreSQL's major version in an image tag: "17.6-bookworm" → 17, "9.6.24" → 9.6 (before
/// 10 the major was X.Y), "0.8.1-pg17" (pgvector, postgis) → 17; None when the tag does not
/// say.
pub(crate) fn pg_major(tag: &str) -> Option<String> {
    if let Some(i) = tag.find("pg") {
        let digits: String = tag[i + 2..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty() {
            return Some(digits);
        }
    }
    let mut parts = tag.split(|c: char| !c.is_ascii_digit());
    let first: u64 = parts.next()?.parse().ok()?;
    if first >= 10 {
        return Some(first.to_string());
    }
    let second = tag[first.to_string().len()..]
        .strip_prefix('.')?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>();
    (!second.is_empty()).then(|| format!("{first}.{second}"))
}

/// Images that do not fit this chart's pods, with the reason: bitnami's PostgreSQL and MinIO
/// (their own entrypoints, users and data paths) and the original chart's MLflow 2 image
/// (no `--allowed-hosts`, which the server command needs).
pub fn unfit_image(key: &str, repository: &str, tag: &str) -> Option<String> {
    let repo = repository.to_ascii_lowercase();
    if repo.contains("bitnami") {
        return Some(format!(
            "{key}: bitnami images ({repository}) keep their data and settings elsewhere and start differently; this chart runs the official images (see the default in docs/values.md and docs/migration.md)"
        ));
    }
    // Bitnami's tags (`15.8.0-debian-12-r0`, `2022.12.12-debian-11-r9`, oauth2-proxy's
    // `7.4.0`) exist in bitnami's repositories only: with the official repository they
    // name an image no registry serves.
    if let Some(why) = bitnami_tag(key, tag) {
        return Some(why);
    }
    // The init script reads MLflow's password with psql's `\getenv` (psql 15 and later),
    // so that it is never on a command line; PostgreSQL 14 reached its end of life in
    // November 2026. A tag that names no version (`latest`, a digest) cannot be told.
    if key == "postgresql.image.repository"
        && let Some(major) = pg_major(tag)
        && major
            .split('.')
            .next()
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| m < 15)
    {
        return Some(format!(
            "postgresql.image.tag: PostgreSQL {major} is older than this chart supports: its init script needs psql 15 or later (\\getenv keeps the password off the command line), and PostgreSQL 14 and older are past their end of life; use 15 or later (the default is in docs/values.md)"
        ));
    }
    if key == "image.repository" {
        let v2 = tag.trim_start_matches('v').starts_with("2.")
            || tag.trim_start_matches('v').starts_with("1.");
        if repo.contains("evk02/mlflow") || v2 {
            // The key that decides: the repository for the original chart's image, else
            // the tag.
            let key = if repo.contains("evk02/mlflow") {
                key
            } else {
                "image.tag"
            };
            return Some(format!(
                "{key}: {repository}:{tag} is {} whose server has no --allowed-hosts; use MLflow 3 (the default ghcr.io/mlflow/mlflow)",
                if v2 {
                    "MLflow 2 or older,"
                } else {
                    "the original chart's MLflow image (evk02/mlflow ships MLflow 2),"
                }
            ));
        }
    }
    None
}

/// Why `tag` of the image at `key` is one of bitnami's, which the official repository
/// does not have: bitnami's revision suffix (`-r9`, after `-debian-11` and the like), or,
/// for OAuth2-Proxy, a version without the `v` its official tags carry
/// (quay.io/oauth2-proxy/oauth2-proxy tags releases as `v7.15.3`).
fn bitnami_tag(key: &str, tag: &str) -> Option<String> {
    let tag_key = match key.strip_suffix(".repository") {
        Some("oauth2Proxy") => "oauth2Proxy.tag".to_string(),
        Some(image) => format!("{image}.tag"),
        None => return None,
    };
    let revision = tag.rsplit_once("-r").is_some_and(|(head, n)| {
        !head.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    });
    let distro = ["-debian-", "-photon-", "-ol-", "-ubuntu-", "-centos-"]
        .iter()
        .any(|d| tag.contains(d));
    let numbers: Option<Vec<u64>> = tag.split('.').map(|p| p.parse().ok()).collect();
    let three = numbers.as_ref().filter(|n| n.len() == 3);
    // OAuth2-Proxy's official tags start with `v`; MinIO's official ones are
    // `RELEASE.<date>` (bitnami's are `2025.9.7`); the official postgres image tags
    // `X.Y` and `X` from version 10 on (bitnami's `15.8.0`).
    let plain_proxy_version = key == "oauth2Proxy.repository" && three.is_some();
    let plain = plain_proxy_version
        || match key {
            "minio.image.repository" | "minio.clientImage.repository" => {
                three.is_some_and(|n| n[0] >= 2000)
            }
            "postgresql.image.repository" => three.is_some_and(|n| n[0] >= 10),
            _ => false,
        };
    (revision || distro || plain).then(|| {
        format!(
            "{tag_key}: {tag:?} is a bitnami tag, which the official image this chart runs does not have (the pull would fail); remove the key for the default, or give an official tag{}",
            if plain_proxy_version {
                format!(" (v{tag}; this chart is tested with the default)")
            } else {
                String::new()
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitnami_tags_are_refused() {
        for (key, tag) in [
            ("postgresql.image.repository", "15.8.0-debian-12-r0"),
            ("minio.image.repository", "2022.12.12-debian-11-r9"),
            ("oauth2Proxy.repository", "7.4.0"),
            ("image.repository", "3.1.0-debian-12-r3"),
            ("postgresql.image.repository", "17.2.0-r1"),
            ("postgresql.image.repository", "15.8.0"),
            ("minio.image.repository", "2025.9.7"),
            ("minio.clientImage.repository", "2023.1.28-debian-11-r1"),
        ] {
            let why = bitnami_tag(key, tag).unwrap_or_else(|| panic!("{key} {tag}"));
            assert!(why.contains("is a bitnami tag"), "{why}");
        }
        for (key, tag) in [
            ("postgresql.image.repository", "17.6"),
            ("postgresql.image.repository", "17.6-bookworm"),
            ("postgresql.image.repository", "15-alpine3.20"),
            ("minio.image.repository", "RELEASE.2025-09-07T16-13-09Z"),
            ("oauth2Proxy.repository", "v7.15.3"),
            ("oauth2Proxy.repository", "v7.15.3-alpine"),
            ("image.repository", "v3.17.2-full"),
            ("image.repository", "latest"),
            ("postgresql.image.repository", ""),
            ("postgresql.image.repository", "9.6.24"),
            (
                "minio.clientImage.repository",
                "RELEASE.2025-08-13T08-35-41Z",
            ),
        ] {
            assert!(bitnami_tag(key, tag).is_none(), "{key} {tag}");
        }
    }

    #[test]
    fn postgresql_before_15_is_refused() {
        for tag in ["14.19", "13", "9.6-alpine", "14"] {
            assert!(
                unfit_image("postgresql.image.repository", "postgres", tag).is_some(),
                "{tag}"
            );
        }
        for tag in ["15", "17.6", "18.1-alpine", "latest", "", "alpine"] {
            assert!(
                unfit_image("postgresql.image.repository", "postgres", tag).is_none(),
                "{tag}"
            );
        }
    }

    #[test]
    fn prefixes_and_keys() {
        assert_eq!(
            replacement("postgresql.primary.persistence.size"),
            Some("set postgresql.persistence.size")
        );
        assert!(
            replacement("postgresql.primary.nodeSelector")
                .unwrap()
                .contains("one PostgreSQL")
        );
        assert!(
            replacement("global.storageClass")
                .unwrap()
                .contains("storageClass")
        );
        assert!(replacement("global.foo").is_some());
        assert!(replacement("postgresql.auth.password").is_none());
        assert!(replacement("minio.modeX").is_none());
    }

    #[test]
    fn images() {
        assert!(
            unfit_image(
                "postgresql.image.repository",
                "bitnamilegacy/postgresql",
                "14"
            )
            .is_some()
        );
        assert!(unfit_image("image.repository", "evk02/mlflow", "2.2.1").is_some());
        assert!(unfit_image("image.repository", "ghcr.io/mlflow/mlflow", "v2.9.0").is_some());
        assert!(unfit_image("image.repository", "ghcr.io/mlflow/mlflow", "v3.17.2-full").is_none());
        assert!(
            unfit_image(
                "minio.image.repository",
                "quay.io/minio/minio",
                "RELEASE.2025"
            )
            .is_none()
        );
    }

    #[test]
    fn postgresql_majors_read_from_every_kind_of_tag() {
        let key = "postgresql.image.repository";
        for (repo, tag) in [
            ("postgres", "17.6"),
            ("pgvector/pgvector", "0.8.0-pg17"),
            ("timescale/timescaledb", "2.17.2-pg17"),
            ("postgis/postgis", "17-3.5"),
            ("postgres", "latest"),
        ] {
            assert_eq!(unfit_image(key, repo, tag), None, "{repo}:{tag}");
        }
        for (repo, tag, major) in [
            ("postgres", "14.19", "PostgreSQL 14 "),
            ("pgvector/pgvector", "0.8.0-pg14", "PostgreSQL 14 "),
            ("postgres", "9.6.24", "PostgreSQL 9.6 "),
        ] {
            let why = unfit_image(key, repo, tag).unwrap_or_default();
            assert!(why.contains(major), "{repo}:{tag}: {why}");
        }
    }
}
