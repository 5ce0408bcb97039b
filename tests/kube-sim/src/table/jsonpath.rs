//! Kubernetes JSONPath (client-go `util/jsonpath`, as printer columns use it:
//! `.status.conditions[?(@.type=="Ready")].status`) translated to RFC 9535
//! for jsonpath-rust, with the k8s parser's rules: field names run to the
//! next `.`, `[`, `]`, `,`, `{`, `}`, `$`, `@` or space and may escape any
//! character with `\`; `[?(left op right)]` holds one comparison or an
//! existence test; `['key']`, indexes, slices, `*` and unions in brackets.

use jsonpath_rust::JsonPath;
use serde_json::Value;

/// A JSONPath that cannot be translated, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognized JSONPath {path:?}: {reason}")]
pub(crate) struct PathError {
    path: String,
    reason: &'static str,
}

fn is_terminator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}')
}

/// An RFC 9535 single-quoted name.
fn quoted(name: &str) -> String {
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// An RFC 9535 name selector for a field name.
fn name_selector(name: &str) -> String {
    format!("[{}]", quoted(name))
}

struct Translator<'a> {
    chars: Vec<char>,
    pos: usize,
    source: &'a str,
}

impl<'a> Translator<'a> {
    fn new(source: &'a str) -> Self {
        Self {
            chars: source.chars().collect(),
            pos: 0,
            source,
        }
    }

    fn error(&self, reason: &'static str) -> PathError {
        PathError {
            path: self.source.to_string(),
            reason,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// A field name after `.`, with `\` escapes removed.
    fn field(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                if let Some(next) = self.chars.get(self.pos + 1) {
                    name.push(*next);
                }
                self.pos += 2;
                continue;
            }
            if is_terminator(c) {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        name
    }

    /// The segments of a path after its root (`$` or `@`), as RFC 9535.
    fn segments(&mut self, out: &mut String) -> Result<(), PathError> {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' => self.pos += 1,
                '.' if self.chars.get(self.pos + 1) == Some(&'.') => {
                    self.pos += 2;
                    out.push_str("..");
                    if self.peek() == Some('[') {
                        continue;
                    }
                    let name = self.field();
                    out.push_str(&if name == "*" {
                        "[*]".to_string()
                    } else {
                        name_selector(&name)
                    });
                }
                '.' => {
                    self.pos += 1;
                    let name = self.field();
                    if name.is_empty() {
                        // A lone `.` is the current object.
                        continue;
                    }
                    out.push_str(&if name == "*" {
                        "[*]".to_string()
                    } else {
                        name_selector(&name)
                    });
                }
                '[' => self.bracket(out)?,
                _ => return Err(self.error("unexpected character")),
            }
        }
        Ok(())
    }

    fn bracket(&mut self, out: &mut String) -> Result<(), PathError> {
        let rest: String = self.chars[self.pos..].iter().collect();
        if rest.starts_with("[?(") {
            return self.filter(out);
        }
        let end = rest.find(']').ok_or_else(|| self.error("unterminated array"))?;
        let inner = &rest[1..end];
        self.pos += rest[..=end].chars().count();
        let parts: Vec<String> = inner
            .split(',')
            .map(|p| selector(p.trim()))
            .collect::<Option<_>>()
            .ok_or_else(|| self.error("invalid array index"))?;
        out.push('[');
        out.push_str(&parts.join(","));
        out.push(']');
        Ok(())
    }

    /// `[?(left op right)]` or `[?(path)]`, up to the first `)` outside
    /// quotes followed by `]`.
    fn filter(&mut self, out: &mut String) -> Result<(), PathError> {
        self.pos += 3;
        let start = self.pos;
        let mut quote: Option<char> = None;
        loop {
            let c = self.peek().ok_or_else(|| self.error("unterminated filter"))?;
            self.pos += 1;
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q && self.chars[self.pos - 2] != '\\' => quote = None,
                (None, ')') => break,
                _ => {}
            }
        }
        if self.peek() != Some(']') {
            return Err(self.error("unclosed array expect ]"));
        }
        self.pos += 1;
        let text: String = self.chars[start..self.pos - 2].iter().collect();
        out.push_str("[?(");
        out.push_str(&filter_expression(&text).ok_or_else(|| self.error("invalid filter"))?);
        out.push_str(")]");
        Ok(())
    }
}

/// One selector of a bracket: `'key'`, `*`, an index or a slice.
fn selector(part: &str) -> Option<String> {
    if part == "*" {
        return Some("*".into());
    }
    if let Some(key) = part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')) {
        return (!key.contains('\'')).then(|| quoted(key));
    }
    let mut pieces = part.split(':');
    let valid = |s: &str| {
        s.is_empty()
            || s.strip_prefix('-')
                .unwrap_or(s)
                .chars()
                .all(|c| c.is_ascii_digit())
    };
    let count = part.split(':').count();
    if part.is_empty() || count > 3 || !pieces.all(|p| valid(p) && p != "-") {
        return None;
    }
    Some(part.to_string())
}

/// A path inside a filter (`@.type`, `$.spec.x`) as RFC 9535.
fn inner_path(text: &str) -> Option<String> {
    let root = text.chars().next().filter(|c| *c == '@' || *c == '$')?;
    let mut out = root.to_string();
    Translator::new(text).with_pos(1).segments(&mut out).ok()?;
    Some(out)
}

impl Translator<'_> {
    fn with_pos(mut self, pos: usize) -> Self {
        self.pos = pos;
        self
    }
}

/// A literal or path on either side of a filter comparison.
fn operand(text: &str) -> Option<String> {
    let text = text.trim();
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            let unescaped = inner.replace(&format!("\\{q}"), &q.to_string());
            return serde_json::to_string(&unescaped).ok();
        }
    }
    if text == "true" || text == "false" || text.parse::<f64>().is_ok() {
        return Some(text.to_string());
    }
    inner_path(text)
}

/// The k8s filter `left op right` (split as client-go does) or an
/// existence test.
fn filter_expression(text: &str) -> Option<String> {
    let split = text.find(['!', '<', '>', '=']).filter(|i| *i > 0);
    let Some(op_start) = split else {
        return inner_path(text.trim());
    };
    let op_len = text[op_start..]
        .chars()
        .take_while(|c| matches!(c, '!' | '<' | '>' | '='))
        .count();
    let op = &text[op_start..op_start + op_len];
    if !matches!(op, "==" | "!=" | "<" | ">" | "<=" | ">=") {
        return None;
    }
    let (left, right) = (&text[..op_start], &text[op_start + op_len..]);
    if right.trim().is_empty() {
        return None;
    }
    Some(format!("{} {op} {}", operand(left)?, operand(right)?))
}

/// Translates a printer column's JSONPath (`.spec.secretName`, optionally in
/// `{}`) to RFC 9535 (`$['spec']['secretName']`).
pub(crate) fn translate(path: &str) -> Result<String, PathError> {
    let trimmed = path.trim();
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(trimmed)
        .trim();
    let mut translator = Translator::new(inner);
    if translator.peek() == Some('$') {
        translator.pos += 1;
    }
    let mut out = String::from("$");
    translator.segments(&mut out)?;
    Ok(out)
}

/// The first value the k8s JSONPath `path` selects in `object` (what the
/// table convertor prints), `None` when nothing matches or the path is
/// invalid.
pub(crate) fn first<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    let rfc = translate(path).ok()?;
    object.query(&rfc).ok()?.into_iter().next()
}
