//! End-to-end: runs the rendered MLflow pod's real programs (PostgreSQL 15 or MariaDB, an S3
//! server, Azurite or a GCS emulator, the schema step, `mlflow server`, the MLflow client)
//! on loopback. The work is in tests/e2e/e2e.py and tests/e2e/stores.py; see their
//! docstrings for each step.

use crate::common;

use std::process::Command;

fn e2e(scenario: &str) {
    run("tests/e2e/e2e.py", scenario);
}

fn run(script: &str, scenario: &str) {
    let venv = std::env::var("MLFLOW_CHART_E2E_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| common::root().join(".venv-e2e"));
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/test.sh, which installs MLflow and its peers into .venv-e2e",
        python.display()
    );
    let out = Command::new(python)
        .arg(common::root().join(script))
        .args([
            "--binary",
            env!("CARGO_BIN_EXE_mlflow-chart"),
            "--scenario",
            scenario,
        ])
        .output()
        .expect("e2e runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "e2e {scenario} failed\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("scenario {scenario}: passed")),
        "{stdout}"
    );
}

#[test]
fn in_release_postgres_and_minio_with_generated_credentials() {
    e2e("in-release");
}

#[test]
fn external_postgres_from_existing_secret() {
    e2e("external-postgres");
}

#[test]
fn external_s3_from_s3_secret() {
    e2e("external-s3");
}

#[test]
fn in_release_versitygw_with_the_bucket_job_script() {
    e2e("versitygw");
}

/// MySQL through the rendered password launcher (MariaDB from Debian) and Azure Blob
/// (Azurite): tests/e2e/stores.py.
#[test]
fn external_mysql_and_azure_blob() {
    run("tests/e2e/stores.py", "mysql-azure");
}

/// MySQL and Google Cloud Storage with workload identity (gcp-storage-emulator).
#[test]
fn external_mysql_and_google_cloud_storage() {
    run("tests/e2e/stores.py", "mysql-gcs");
}
