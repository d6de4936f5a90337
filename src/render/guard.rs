//! Outer guards: the condition of an `{% if %}` that encloses all of a template's output.
//! build.rs finds them (this file is compiled there too), so a render evaluates one short
//! expression instead of compiling a whole template that would print nothing.

/// The condition of the `{% if … %}` that encloses everything `source` prints, if there
/// is one: before it only whitespace and comments, after its `{% endif %}` only
/// whitespace, and no `{% elif %}` or `{% else %}` of its own. `None` whenever the text is
/// anything else (a `{% raw %}` block, an unclosed tag, a string that is not closed where
/// the tag seems to end): then the
/// template is always rendered whole, as without a guard.
pub fn outer_if(source: &str) -> Option<&str> {
    let mut rest = skip_blank(source)?;
    let (first, after) = next_tag(rest.strip_prefix("{%")?)?;
    let condition = first.strip_prefix("if ")?.trim();
    if condition.is_empty() {
        return None;
    }
    rest = after;
    let mut depth = 1usize;
    while depth > 0 {
        let at = rest.find('{')?;
        let from = &rest[at..];
        if let Some(comment) = from.strip_prefix("{#") {
            rest = &comment[comment.find("#}")? + 2..];
        } else if let Some(expr) = from.strip_prefix("{{") {
            let end = expr.find("}}")?;
            if !quotes_balanced(&expr[..end]) {
                return None;
            }
            rest = &expr[end + 2..];
        } else if let Some(tag) = from.strip_prefix("{%") {
            let (body, after) = next_tag(tag)?;
            let keyword = body.split_whitespace().next().unwrap_or("");
            match keyword {
                "if" => depth += 1,
                "endif" => depth -= 1,
                "elif" | "else" if depth == 1 => return None,
                "raw" | "endraw" => return None,
                _ => {}
            }
            rest = after;
        } else {
            rest = &from[1..];
        }
    }
    rest.trim().is_empty().then_some(condition)
}

/// `text` after its leading whitespace and `{# … #}` comments, or `None` if a comment is
/// not closed.
fn skip_blank(mut text: &str) -> Option<&str> {
    loop {
        text = text.trim_start();
        match text.strip_prefix("{#") {
            Some(comment) => text = &comment[comment.find("#}")? + 2..],
            None => return Some(text),
        }
    }
}

/// Does `body` hold whole strings only? If not, the `%}` or `}}` that ended it here was
/// inside a string, and minijinja reads the tag further.
fn quotes_balanced(body: &str) -> bool {
    body.matches('"').count().is_multiple_of(2) && body.matches('\'').count().is_multiple_of(2)
}

/// The body of the tag whose `{%` was just consumed (without the whitespace-control
/// marks), and the text after its `%}`; `None` if it does not end, or ends in a string.
fn next_tag(text: &str) -> Option<(&str, &str)> {
    let end = text.find("%}")?;
    let body = &text[..end];
    if !quotes_balanced(body) {
        return None;
    }
    let body = body
        .trim_start_matches(['-', '+'])
        .trim_end_matches(['-', '+']);
    Some((body.trim(), &text[end + 2..]))
}

#[cfg(test)]
mod tests {
    use super::outer_if;

    #[test]
    fn finds_the_guard_only_when_it_encloses_everything() {
        let cases: &[(&str, Option<&str>)] = &[
            ("{% if a.b %}x{% endif %}\n", Some("a.b")),
            (
                "{# c #}\n{%- if a and b -%}\nx\n{%- endif %}\n",
                Some("a and b"),
            ),
            (
                "{# c #}{# d #}  {% if a %}{% if b %}y{% endif %}{% endif %}",
                Some("a"),
            ),
            ("{% if a %}{{ x }}{# {% endif %} #}{% endif %}", Some("a")),
            // Something printed before or after the block.
            ("x{% if a %}y{% endif %}", None),
            ("{% if a %}y{% endif %}x", None),
            ("{% if a %}y{% endif %}{% if b %}z{% endif %}", None),
            // Its own else or elif; an else deeper down is fine.
            ("{% if a %}y{% else %}z{% endif %}", None),
            ("{% if a %}y{% elif b %}z{% endif %}", None),
            (
                "{% if a %}{% if b %}y{% else %}z{% endif %}{% endif %}",
                Some("a"),
            ),
            // Not an if; unclosed; quotes; raw.
            ("{% for x in y %}{{ x }}{% endfor %}", None),
            ("{% if a %}y", None),
            ("{% if a %}y{% endif", None),
            ("{% if a == \"%}\" %}y{% endif %}", None),
            (
                "{% if a == \"b\" %}{% include \"c\" %}{% endif %}",
                Some("a == \"b\""),
            ),
            ("{% if a %}{{ \"}}\" }}{% endif %}", None),
            (
                "{% if a %}{% raw %}{% endif %}{% endraw %}{% endif %}",
                None,
            ),
            ("{% if a %}{{ \"{%\" }}{% endif %}", Some("a")),
            ("{# open", None),
            ("", None),
            ("{% if %}x{% endif %}", None),
        ];
        for (source, want) in cases {
            assert_eq!(outer_if(source), *want, "{source:?}");
        }
    }
}
