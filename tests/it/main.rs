//! The one integration-test crate: every module runs the built `mlflow-chart` binary.
//! Oracle modules (kubernetes-validate, PyYAML, Helm's strvals, MLflow end to end) need
//! the venvs that `scripts/test.sh` installs.

mod bad_input;
mod cli;
mod common;
mod completions;
mod day_two;
mod e2e;
mod extensions;
mod gateway_api;
mod golden;
mod injection;
mod machine_tokens;
mod object_store;
mod oracles;
mod repository;
mod security;
mod strvals_oracle;
mod validate_corpus;
mod validate_rules;
mod values_model;
