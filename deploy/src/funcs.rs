//! The template functions Helm adds to Go's text/template that the chart
//! uses: `include` (Helm's own) and sprig's `default`, `trunc`,
//! `trimSuffix`, `replace`, `contains`, `quote`, `toYaml`, `indent`,
//! `nindent`, `int` and `fail`, each with sprig's argument order (the piped value
//! comes last) and semantics. gtmpl refuses to parse a call of any other
//! function, so the chart cannot silently depend on one missing here.
//!
//! gtmpl functions are plain `fn` pointers with no context, so `include`
//! finds the chart's templates in a thread-local set for the duration of a
//! render ([`Templates::install`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gtmpl::{Context, Func, FuncError, Template, Value};

thread_local! {
    /// The chart's template files, for `include`, while a render runs.
    static SOURCES: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    /// The template set parsed once per included name, while a render runs.
    static PARSED: RefCell<HashMap<String, Rc<Template>>> = RefCell::new(HashMap::new());
}

/// Every function the chart may call, for [`Template::add_funcs`].
pub fn all() -> Vec<(&'static str, Func)> {
    vec![
        ("include", include as Func),
        ("default", default as Func),
        ("trunc", trunc as Func),
        ("trimSuffix", trim_suffix as Func),
        ("replace", replace as Func),
        ("contains", contains as Func),
        ("quote", quote as Func),
        ("toYaml", to_yaml as Func),
        ("indent", indent as Func),
        ("nindent", nindent as Func),
        ("fail", fail as Func),
        ("int", to_int as Func),
    ]
}

/// The chart's template files made visible to `include` until dropped.
pub struct Templates(());

impl Templates {
    /// Makes `sources` (file name, text) the set `include` looks in, on
    /// this thread, until the returned guard is dropped.
    pub fn install(sources: &[(String, String)]) -> Self {
        SOURCES.with(|s| *s.borrow_mut() = sources.to_vec());
        PARSED.with(|p| p.borrow_mut().clear());
        Self(())
    }
}

impl Drop for Templates {
    fn drop(&mut self) {
        SOURCES.with(|s| s.borrow_mut().clear());
        PARSED.with(|p| p.borrow_mut().clear());
    }
}

/// The template set that renders `name`, parsed on first use.
fn parsed(name: &str) -> Result<Rc<Template>, FuncError> {
    if let Some(template) = PARSED.with(|p| p.borrow().get(name).cloned()) {
        return Ok(template);
    }
    let sources = SOURCES.with(|s| s.borrow().clone());
    let template = Rc::new(template_set(&sources, name).map_err(FuncError::Generic)?);
    PARSED.with(|p| p.borrow_mut().insert(name.to_string(), template.clone()));
    Ok(template)
}

/// A template holding every file of the chart (so every `define`), with
/// the chart's functions, that renders `name`.
pub fn template_set(sources: &[(String, String)], name: &str) -> Result<Template, String> {
    let mut template = Template::default();
    template.add_funcs(&all());
    for (file, text) in sources {
        template
            .add_template(file.clone(), text.clone())
            .map_err(|e| format!("{file}: {e}"))?;
    }
    template.name = name.to_string();
    Ok(template)
}

fn arity(name: &str, args: &[Value], n: usize) -> Result<(), FuncError> {
    if args.len() == n {
        Ok(())
    } else {
        Err(FuncError::ExactlyXArgs(name.to_string(), n))
    }
}

/// sprig's `toString` of a scalar.
fn string(value: &Value) -> String {
    match value {
        Value::NoValue | Value::Nil => String::new(),
        other => other.to_string(),
    }
}

fn int(name: &str, value: &Value) -> Result<i64, FuncError> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| FuncError::Generic(format!("{name}: not an integer"))),
        Value::String(s) => s
            .parse()
            .map_err(|_| FuncError::Generic(format!("{name}: {s:?} is not an integer"))),
        _ => Err(FuncError::Generic(format!("{name}: not an integer"))),
    }
}

/// sprig's `empty`: nil, false, 0, "" and empty lists and maps.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::NoValue | Value::Nil => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Map(m) | Value::Object(m) => m.is_empty(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.as_i64() == Some(0), |f| f == 0.0),
        Value::Function(_) => false,
    }
}

/// `include NAME DATA`: renders the named template and returns the text.
fn include(args: &[Value]) -> Result<Value, FuncError> {
    arity("include", args, 2)?;
    let Value::String(name) = &args[0] else {
        return Err(FuncError::Generic(
            "include: the template name must be a string".into(),
        ));
    };
    let template = parsed(name)?;
    if !template.tree_set.contains_key(name.as_str()) {
        return Err(FuncError::Generic(format!("include: no template {name:?}")));
    }
    template
        .render(&Context::from(args[1].clone()))
        .map(Value::String)
        .map_err(|e| FuncError::Generic(format!("include {name:?}: {e}")))
}

/// `default DEFAULT VALUE`: VALUE unless it is empty.
fn default(args: &[Value]) -> Result<Value, FuncError> {
    match args {
        [fallback] => Ok(fallback.clone()),
        [fallback, given] if is_empty(given) => Ok(fallback.clone()),
        [_, given] => Ok(given.clone()),
        _ => Err(FuncError::AtLeastXArgs("default".into(), 1)),
    }
}

/// `trunc N S`: the first N bytes of S (sprig cuts bytes too).
fn trunc(args: &[Value]) -> Result<Value, FuncError> {
    arity("trunc", args, 2)?;
    let n = int("trunc", &args[0])?;
    let s = string(&args[1]);
    let cut = usize::try_from(n).unwrap_or(0).min(s.len());
    let cut = (0..=cut).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    Ok(Value::String(if n < 0 { s } else { s[..cut].to_string() }))
}

/// `trimSuffix SUFFIX S`.
fn trim_suffix(args: &[Value]) -> Result<Value, FuncError> {
    arity("trimSuffix", args, 2)?;
    let (suffix, s) = (string(&args[0]), string(&args[1]));
    Ok(Value::String(
        s.strip_suffix(suffix.as_str()).unwrap_or(&s).to_string(),
    ))
}

/// `replace OLD NEW S`.
fn replace(args: &[Value]) -> Result<Value, FuncError> {
    arity("replace", args, 3)?;
    Ok(Value::String(
        string(&args[2]).replace(&string(&args[0]), &string(&args[1])),
    ))
}

/// `contains SUBSTR S`.
fn contains(args: &[Value]) -> Result<Value, FuncError> {
    arity("contains", args, 2)?;
    Ok(Value::Bool(string(&args[1]).contains(&string(&args[0]))))
}

/// Go's `%q` for the strings the chart quotes.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `quote S…`: each non-nil argument quoted, joined by spaces.
fn quote(args: &[Value]) -> Result<Value, FuncError> {
    let quoted: Vec<String> = args
        .iter()
        .filter(|v| !matches!(v, Value::Nil | Value::NoValue))
        .map(|v| go_quote(&string(v)))
        .collect();
    Ok(Value::String(quoted.join(" ")))
}

/// `toYaml V`: YAML with sorted keys and no final newline.
fn to_yaml(args: &[Value]) -> Result<Value, FuncError> {
    arity("toYaml", args, 1)?;
    let text = serde_yaml::to_string(&crate::values::to_yaml(&args[0]))
        .map_err(|e| FuncError::Generic(format!("toYaml: {e}")))?;
    Ok(Value::String(text.trim_end_matches('\n').to_string()))
}

fn pad(name: &str, args: &[Value]) -> Result<String, FuncError> {
    arity(name, args, 2)?;
    let n = int(name, &args[0])?;
    let pad = " ".repeat(usize::try_from(n).unwrap_or(0));
    Ok(format!(
        "{pad}{}",
        string(&args[1]).replace('\n', &format!("\n{pad}"))
    ))
}

/// `indent N S`: every line of S indented by N spaces.
fn indent(args: &[Value]) -> Result<Value, FuncError> {
    pad("indent", args).map(Value::String)
}

/// `nindent N S`: a newline, then `indent N S`.
fn nindent(args: &[Value]) -> Result<Value, FuncError> {
    pad("nindent", args).map(|s| Value::String(format!("\n{s}")))
}

/// `int V`: V as an integer (a number, or a string of digits).
fn to_int(args: &[Value]) -> Result<Value, FuncError> {
    arity("int", args, 1)?;
    Ok(Value::from(int("int", &args[0])?))
}

/// `fail MESSAGE`: stops the render with MESSAGE.
fn fail(args: &[Value]) -> Result<Value, FuncError> {
    arity("fail", args, 1)?;
    Err(FuncError::Generic(format!("fail: {}", string(&args[0]))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> Result<String, String> {
        let sources = vec![
            (
                "_helpers.tpl".to_string(),
                r#"{{- define "x" -}}[{{ . }}]{{- end }}"#.to_string(),
            ),
            ("t".to_string(), text.to_string()),
        ];
        let _guard = Templates::install(&sources);
        let template = template_set(&sources, "t")?;
        template
            .render(&Context::from(Value::Nil))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn sprig_string_functions_take_the_piped_value_last() {
        assert_eq!(render(r#"{{ "abcdef" | trunc 3 }}"#).unwrap(), "abc");
        assert_eq!(render(r#"{{ "a-" | trimSuffix "-" }}"#).unwrap(), "a");
        assert_eq!(render(r#"{{ "a+b" | replace "+" "_" }}"#).unwrap(), "a_b");
        assert_eq!(render(r#"{{ contains "ss" "passe" }}"#).unwrap(), "true");
        assert_eq!(
            render(r#"{{ "say \"hi\"" | quote }}"#).unwrap(),
            r#""say \"hi\"""#
        );
    }

    #[test]
    fn default_replaces_only_empty_values() {
        assert_eq!(render(r#"{{ "" | default "d" }}"#).unwrap(), "d");
        assert_eq!(render(r#"{{ "v" | default "d" }}"#).unwrap(), "v");
        assert_eq!(render(r#"{{ false | default "d" }}"#).unwrap(), "d");
    }

    #[test]
    fn indent_and_nindent_indent_every_line() {
        assert_eq!(render(r#"{{ "a\nb" | indent 2 }}"#).unwrap(), "  a\n  b");
        assert_eq!(render(r#"{{ "a\nb" | nindent 2 }}"#).unwrap(), "\n  a\n  b");
    }

    #[test]
    fn include_renders_a_define_of_another_file() {
        assert_eq!(render(r#"{{ include "x" "v" | quote }}"#).unwrap(), r#""[v]""#);
        assert!(render(r#"{{ include "missing" . }}"#).is_err());
    }

    #[test]
    fn int_makes_numbers_comparable() {
        assert_eq!(render(r#"{{ gt (int "3") 1 }}"#).unwrap(), "true");
        assert_eq!(render(r#"{{ gt (int 1) 1 }}"#).unwrap(), "false");
    }

    #[test]
    fn fail_stops_the_render_with_its_message() {
        let error = render(r#"{{ fail "proxy.kind must be DaemonSet" }}"#).unwrap_err();
        assert!(error.contains("proxy.kind must be DaemonSet"), "{error}");
    }

    #[test]
    fn unknown_functions_do_not_parse() {
        assert!(render(r#"{{ sha256sum "x" }}"#).is_err());
    }
}
