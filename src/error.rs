//! Failures and the one place that maps them to exit codes and to what stderr shows.

use std::fmt;

/// What kind of failure, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad command line: conflicting or malformed options (exit 2).
    Usage,
    /// Bad input: unreadable or malformed values, invalid `--set`, values that break the
    /// schema or the chart's rules (exit 1).
    Input,
    /// A template failed to render or produced unparsable YAML (exit 1).
    Render,
    /// Rendered or given manifests failed validation (exit 1).
    Invalid,
}

/// A failure with everything the user needs: what, where, how to fix.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
    pub problems: Vec<String>,
    pub hint: Option<String>,
}

impl Failure {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            problems: Vec::new(),
            hint: None,
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(Kind::Input, message)
    }
    pub fn render(message: impl Into<String>) -> Self {
        Self::new(Kind::Render, message)
    }
    pub fn invalid(message: impl Into<String>, problems: Vec<String>) -> Self {
        Failure {
            problems,
            ..Self::new(Kind::Invalid, message)
        }
    }
    /// Adds a list of individual problems (all reported at once).
    pub fn with_problems(mut self, problems: Vec<String>) -> Self {
        self.problems = problems;
        self
    }
    /// Adds how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The process exit code for this failure: 2 for usage errors, 1 for the rest.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Usage => 2,
            Kind::Input | Kind::Render | Kind::Invalid => 1,
        }
    }
}

impl fmt::Display for Failure {
    /// The message, problems and hint, with any URI credentials masked (defence in depth:
    /// a message may quote a URI the user gave).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = crate::redact::message;
        write!(f, "Error: {}", r(&self.message))?;
        for p in &self.problems {
            write!(f, "\n  - {}", r(&p.replace('\n', "\n    ")))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {}", r(h))?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(Failure::usage("x").exit_code(), 2);
        assert_eq!(Failure::input("x").exit_code(), 1);
        assert_eq!(Failure::invalid("x", vec![]).exit_code(), 1);
    }

    #[test]
    fn display_lists_problems_and_hint() {
        let f = Failure::input("bad values")
            .with_problems(vec!["a: wrong".into(), "b: wrong".into()])
            .hint("fix it");
        assert_eq!(
            f.to_string(),
            "Error: bad values\n  - a: wrong\n  - b: wrong\nhint: fix it"
        );
    }
}

/// A value a message quotes (a name, a claim, an image reference; never a credential),
/// quoted and cut to 64 characters, so that a huge value cannot flood the message. A
/// credential the value may hold all the same is masked as `values` masks it: a URI's
/// (with or without its scheme, `robot:token@registry/…`) and a credential's pair
/// (`?token=…`, `password=…`).
pub fn quoted(value: &str) -> String {
    const MAX: usize = 64;
    use crate::redact::{pairs, reference_userinfo, uris};
    let masked = reference_userinfo(&pairs(&uris(value))).into_owned();
    let value = masked.as_str();
    match value.char_indices().nth(MAX) {
        None => format!("{value:?}"),
        Some((cut, _)) => format!(
            "{:?}… ({} characters)",
            &value[..cut],
            value.chars().count()
        ),
    }
}

#[cfg(test)]
mod quoted_tests {
    #[test]
    fn credentials_in_quoted_values_are_masked() {
        for (value, hidden) in [
            (
                "robot:glpat-S3CR3T@registry.example.org/ml/mlflow",
                "S3CR3T",
            ),
            ("mlflow.example.org?token=S3CR3T", "S3CR3T"),
            ("https://u:S3CR3T@h.example.org/x", "S3CR3T"),
            ("host=db password=S3CR3T", "S3CR3T"),
            (
                "docker.io/robot:glpat-S3CR3T@registry.example.org/x:17.6",
                "S3CR3T",
            ),
        ] {
            let q = super::quoted(value);
            assert!(!q.contains(hidden), "{value}: {q}");
        }
        assert_eq!(
            super::quoted("registry:5000/repo@sha256:abc"),
            "\"registry:5000/repo@sha256:abc\""
        );
        assert_eq!(super::quoted("robot@example.org"), "\"robot@example.org\"");
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(super::quoted("groups"), "\"groups\"");
        let long = "é".repeat(10_000);
        let q = super::quoted(&long);
        assert!(q.len() < 200, "{q}");
        assert!(q.ends_with("… (10000 characters)"), "{q}");
        assert_eq!(
            super::quoted(&"x".repeat(64)),
            format!("{:?}", "x".repeat(64))
        );
    }
}
