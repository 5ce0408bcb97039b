//! Compilation of `x-kubernetes-validations` rules when a CRD is written.
//! The real server type-checks each rule with cel-go against the schema;
//! here a rule is parsed by kube-cel's parser, its identifiers and field
//! selections on `self` are checked against the schema (`undefined field
//! 'foo'`, `undeclared reference to 'x'`), and every function or macro it
//! calls must be one kube-cel can evaluate: a rule kube-sim could not run is
//! refused, with a message that says so, rather than silently skipped.

use kube::core::cel::KubeCelExt;
use kube::core::cel::cel::common::ast::{EntryExpr, Expr, IdedExpr};
use kube::core::cel::cel::{Context, ExecutionError, Program};
use serde_json::Value;

use super::node::Node;

/// The outcome of compiling one rule.
#[derive(Debug, Default)]
pub(super) struct Compiled {
    /// Why the rule does not compile (`compilation failed: …`).
    pub(super) error: Option<String>,
    /// Why its `messageExpression` does not compile.
    pub(super) message_error: Option<String>,
    /// Whether the rule reads `oldSelf` (a transition rule).
    pub(super) uses_old_self: bool,
}

/// Compiles `rule` (an `x-kubernetes-validations` entry) for the node `s`;
/// `root` for the resource root (where `self` has `apiVersion`, `kind` and
/// `metadata.name`/`generateName`).
pub(super) fn compile(rule: &Value, s: Node<'_>, root: bool) -> Compiled {
    let text = rule.get("rule").and_then(Value::as_str).unwrap_or("");
    let mut out = Compiled::default();
    match check(text, s, root) {
        Ok(program) => out.uses_old_self = program.references().has_variable("oldSelf"),
        Err(e) => out.error = Some(e),
    }
    if let Some(expr) = rule
        .get("messageExpression")
        .and_then(Value::as_str)
        .filter(|e| !e.trim().is_empty())
    {
        out.message_error = check(expr, s, root)
            .err()
            .map(|e| e.replacen("compilation failed", "messageExpression compilation failed", 1));
    }
    out
}

/// Parses a CEL expression with kube-cel's parser; a panic of the parser
/// (on request input) is a parse error.
pub(super) fn parse(text: &str) -> Result<Program, String> {
    match std::panic::catch_unwind(|| Program::compile(text)) {
        Ok(Ok(program)) => Ok(program),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("ERROR: <input>: the expression cannot be parsed: {text}")),
    }
}

fn check(text: &str, s: Node<'_>, root: bool) -> Result<Program, String> {
    let program = match parse(text) {
        Ok(p) => p,
        Err(e) => {
            let optional = std::panic::catch_unwind(|| {
                kube::core::cel::cel::parser::Parser::new()
                    .enable_optional_syntax(true)
                    .parse(text)
                    .is_ok()
            });
            return Err(match optional {
                Ok(true) => unsupported("the optional syntax (`?.`, `[?…]`)"),
                _ => format!("compilation failed: {e}"),
            });
        }
    };
    let mut checker = Checker {
        text,
        root_schema: s,
        root,
        bound: vec!["self".into(), "oldSelf".into()],
    };
    checker.expr(program.expression())?;
    Ok(program)
}

fn unsupported(what: &str) -> String {
    format!(
        "compilation failed: {what} is not supported by kube-cel, the CEL engine kube-sim evaluates rules with; \
         kube-sim refuses the CRD rather than skip the rule (the real API server may accept it)"
    )
}

/// CEL type names cel-go resolves as identifiers and kube-cel does not.
const TYPE_NAMES: &[&str] = &[
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
    "dyn",
];

/// The type of an expression, as far as the schema tells.
#[derive(Clone, Copy)]
enum Ty<'a> {
    Node(Node<'a>, bool),
    Metadata,
    Dyn,
}

struct Checker<'a> {
    text: &'a str,
    root_schema: Node<'a>,
    root: bool,
    bound: Vec<String>,
}

impl<'a> Checker<'a> {
    fn expr(&mut self, e: &IdedExpr) -> Result<Ty<'a>, String> {
        match &e.expr {
            Expr::Ident(name) => self.ident(name),
            Expr::Select(select) => {
                let operand = self.expr(&select.operand)?;
                self.select(operand, &select.field)
            }
            Expr::Call(call) => {
                let name = call.func_name.as_str();
                let operator = is_operator(name);
                if !operator {
                    let namespace = match call.target.as_deref().map(|t| &t.expr) {
                        Some(Expr::Ident(p)) if !self.bound.contains(p) => Some(p.as_str()),
                        _ => None,
                    };
                    if !known_function(name, call.target.is_some(), namespace) {
                        return Err(unsupported(&format!(
                            "the function or macro '{}'",
                            qualified(namespace, name)
                        )));
                    }
                    if namespace.is_some() {
                        for a in &call.args {
                            self.expr(a)?;
                        }
                        return Ok(Ty::Dyn);
                    }
                }
                if let Some(t) = &call.target {
                    self.expr(t)?;
                }
                let mut args = Vec::new();
                for a in &call.args {
                    args.push(self.expr(a)?);
                }
                Ok(match (name, args.first()) {
                    ("_[_]", Some(Ty::Node(n, _))) => element(*n),
                    _ => Ty::Dyn,
                })
            }
            Expr::Comprehension(c) => {
                self.expr(&c.iter_range)?;
                self.expr(&c.accu_init)?;
                self.bound.push(c.iter_var.clone());
                self.bound.push(c.accu_var.clone());
                let result = (|| {
                    self.expr(&c.loop_cond)?;
                    self.expr(&c.loop_step)?;
                    self.expr(&c.result)
                })();
                self.bound.truncate(self.bound.len() - 2);
                result?;
                Ok(Ty::Dyn)
            }
            Expr::List(list) => {
                for item in &list.elements {
                    self.expr(item)?;
                }
                Ok(Ty::Dyn)
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(m) => {
                            self.expr(&m.key)?;
                            self.expr(&m.value)?;
                        }
                        EntryExpr::StructField(f) => {
                            self.expr(&f.value)?;
                        }
                    }
                }
                Ok(Ty::Dyn)
            }
            Expr::Struct(_) => Err(unsupported("message construction")),
            Expr::Literal(_) | Expr::Unspecified => Ok(Ty::Dyn),
        }
    }

    fn ident(&self, name: &str) -> Result<Ty<'a>, String> {
        if name == "self" || name == "oldSelf" {
            return Ok(Ty::Node(self.root_schema, self.root));
        }
        if name.starts_with('@') || self.bound.iter().any(|b| b == name) {
            return Ok(Ty::Dyn);
        }
        if TYPE_NAMES.contains(&name) {
            return Err(unsupported(&format!("the type identifier '{name}'")));
        }
        Err(self.located(
            &format!("undeclared reference to '{name}' (in container '')"),
            &position_of_word(self.text, name),
        ))
    }

    fn select(&self, operand: Ty<'a>, field: &str) -> Result<Ty<'a>, String> {
        match operand {
            Ty::Dyn => Ok(Ty::Dyn),
            Ty::Metadata => match field {
                "name" | "generateName" => Ok(Ty::Dyn),
                _ => Err(self.undefined(field)),
            },
            Ty::Node(n, resource_root) => {
                if n.preserve_unknown() || n.int_or_string() || n.type_() != "object" {
                    return Ok(Ty::Dyn);
                }
                let embedded = resource_root || n.embedded();
                if embedded && field == "metadata" {
                    return Ok(if resource_root { Ty::Metadata } else { Ty::Dyn });
                }
                if embedded && (field == "apiVersion" || field == "kind") {
                    return Ok(Ty::Dyn);
                }
                match n.properties().filter(|p| !p.is_empty()) {
                    Some(props) => props
                        .iter()
                        .find(|(name, _)| escape(name).as_deref() == Some(field))
                        .map(|(_, v)| Ty::Node(Node(v), false))
                        .ok_or_else(|| self.undefined(field)),
                    None => Ok(n.additional().schema().map_or(Ty::Dyn, |a| Ty::Node(a, false))),
                }
            }
        }
    }

    fn undefined(&self, field: &str) -> String {
        let at = self.text.find(&format!(".{field}")).unwrap_or(0);
        self.located(&format!("undefined field '{field}'"), &at)
    }

    /// cel-go's error with its location and a caret under the source.
    fn located(&self, message: &str, at: &usize) -> String {
        let before = &self.text[..(*at).min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count();
        let source_line = self.text[line_start..].lines().next().unwrap_or("");
        format!(
            "compilation failed: ERROR: <input>:{line}:{}: {message}\n | {source_line}\n | {}^",
            column + 1,
            ".".repeat(column)
        )
    }
}

/// The element type of a list or map node.
fn element(n: Node<'_>) -> Ty<'_> {
    match (n.type_(), n.items(), n.additional().schema()) {
        ("array", Some(items), _) => Ty::Node(items, false),
        ("object", _, Some(add)) => Ty::Node(add, false),
        _ => Ty::Dyn,
    }
}

fn position_of_word(text: &str, word: &str) -> usize {
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(i) = text[start..].find(word).map(|i| i + start) {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + word.len()).copied();
        let is_word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        if !is_word(before) && !after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return i;
        }
        start = i + word.len();
    }
    0
}

fn is_operator(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('@') || name == "!_" || name == "-_"
}

fn qualified(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(p) => format!("{p}.{name}"),
        None => name.to_string(),
    }
}

/// CEL reserved words, escaped as `__word__` in field names.
const RESERVED: &[&str] = &[
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// The CEL name of a property (`cel.Escape`), `None` when it has none.
pub(super) fn escape(name: &str) -> Option<String> {
    if RESERVED.contains(&name) {
        return Some(format!("__{name}__"));
    }
    let mut chars = name.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || "_.-/".contains(first)) {
        return None;
    }
    let mut out = String::new();
    for c in name.chars() {
        match c {
            '_' => out.push_str("__"),
            '.' => out.push_str("__dot__"),
            '-' => out.push_str("__dash__"),
            '/' => out.push_str("__slash__"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

thread_local! {
    static PROBE: Context<'static> = {
        let mut ctx = Context::default();
        ctx.register_all();
        ctx
    };
}

/// Whether kube-cel resolves a call of `name` (as a method, or in `namespace`
/// when the target is an unbound identifier like `sets`): the function is
/// called with no arguments in a context with every kube-cel function, and
/// only "undeclared reference" means it is missing.
pub(super) fn known_function(name: &str, method: bool, namespace: Option<&str>) -> bool {
    let source = match (method, namespace) {
        (_, Some(p)) => format!("{p}.{name}()"),
        (true, None) => format!("__kube_sim_probe__.{name}()"),
        (false, None) => format!("{name}()"),
    };
    let Ok(program) = parse(&source) else {
        return false;
    };
    PROBE.with(|ctx| match program.execute(ctx) {
        Err(ExecutionError::UndeclaredReference(r)) => {
            r.as_str() != name && namespace.is_none_or(|p| r.as_str() != p)
        }
        _ => true,
    })
}
