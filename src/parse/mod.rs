//! Parse: turns each rendered template into YAML documents with the YAML crate's
//! multi-document parser (never by splitting on `---`); empty documents are dropped. Plain
//! YAML is read straight from the parser's events ([`direct`]); serde-saphyr reads the rest.

pub mod direct;

use crate::error::Failure;
use crate::render::Rendered;
use serde_json::Value;

/// One Kubernetes object and the template it came from.
#[derive(Debug, Clone)]
pub struct Document {
    pub template: String,
    pub value: Value,
}

impl Document {
    pub fn str_at<'a>(&'a self, pointer: &str) -> &'a str {
        self.value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    pub fn kind(&self) -> &str {
        self.str_at("/kind")
    }
    pub fn api_version(&self) -> &str {
        self.str_at("/apiVersion")
    }
    pub fn name(&self) -> &str {
        self.str_at("/metadata/name")
    }
    /// `Kind/name` for messages.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }
}

/// Parses YAML text holding any number of documents.
pub fn parse_stream(source: &str, text: &str) -> Result<Vec<Document>, Failure> {
    let docs: Vec<Value> = match direct::documents(text) {
        Some(docs) => docs,
        None => serde_saphyr::from_multiple_with_options(text, crate::yaml::manifest_options())
            .map_err(|e| {
                Failure::render(format!(
                    "the YAML does not parse: {}",
                    crate::yaml::manifest_error_text(source, text, &e)
                ))
            })?,
    };
    let mut out = Vec::new();
    for (i, value) in docs.into_iter().enumerate() {
        match value {
            Value::Null => {}
            Value::Object(_) => out.push(Document {
                template: source.to_string(),
                value,
            }),
            other => {
                return Err(Failure::render(format!(
                    "{source}: document {} is {}, not a Kubernetes object",
                    i + 1,
                    crate::values::kind_name(&other)
                )));
            }
        }
    }
    Ok(out)
}

/// Parses several named YAML sources; every source that fails is reported, not just
/// the first.
pub fn parse_all<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Document>, Vec<String>> {
    let sources: Vec<(&str, &str)> = sources.into_iter().collect();
    // Threads only for a megabyte of YAML or more (see parallel::MIN_ITEMS).
    let results = crate::parallel::map_weighted(
        &sources,
        |(_, text)| text.len(),
        1 << 20,
        |(name, text)| parse_stream(name, text),
    );
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => problems.push(e.message),
        }
    }
    if problems.is_empty() {
        Ok(docs)
    } else {
        Err(problems)
    }
}

/// Parses every rendered template; all failures are reported together.
pub fn parse(files: &[Rendered]) -> Result<Vec<Document>, Failure> {
    parse_all(files.iter().map(|f| (f.template.as_str(), f.text.as_str()))).map_err(|problems| {
        Failure::render("a template produced invalid YAML").with_problems(problems)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_empty_documents_and_keeps_order() {
        let d = parse_stream(
            "t.yaml",
            "---\n---\nkind: A\n---\n# only a comment\n---\nkind: B\n",
        )
        .unwrap();
        assert_eq!(
            d.iter().map(|d| d.kind().to_string()).collect::<Vec<_>>(),
            ["A", "B"]
        );
    }

    #[test]
    fn rejects_scalars_and_bad_yaml() {
        assert!(parse_stream("t.yaml", "just text\n").is_err());
        assert!(parse_stream("t.yaml", "a: [\n").is_err());
    }

    #[test]
    fn octal_like_kubectl() {
        let d = parse_stream("t.yaml", "kind: A\nmode: 0777\n").unwrap();
        assert_eq!(d[0].value["mode"], serde_json::json!(511));
    }
}
