//! mlflow-chart: renders a complete MLflow platform as validated Kubernetes manifests.
//!
//! The pipeline, one module per stage (see `pipeline::render`):
//! [`values`] → [`render`] → [`parse`] → [`validate`] → [`sort`] → [`emit`].
//! [`error`] maps every failure to an exit code in one place.

pub mod cli;
pub mod completions;
pub mod crew;
pub mod diff;
pub mod emit;
pub mod error;
pub mod input;
pub mod locate;
pub mod migration;
pub mod model;
pub mod origin;
pub mod parallel;
pub mod parse;
pub mod pipeline;
pub mod preflight;
pub mod redact;
pub mod reference;
pub mod render;
pub mod schema;
pub mod sort;
pub mod strvals;
pub mod validate;
pub mod values;
pub mod yaml;
