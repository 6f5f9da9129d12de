//! The broad kind of a Go type (slice, map, string, channel…), where the
//! file itself says it: a declared type, a parameter, a composite literal,
//! `make`, a struct field or a type declared in the same file. Enough for
//! rules that must tell a slice from a string or a channel without a type
//! checker; anything else is unknown.

use super::syntax::{self, text, Walk};
use crate::analysis::fields::Fields as _;
use tree_sitter::Node;

/// The broad kind of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `[]T`.
    Slice,
    /// `[N]T` or a pointer to one.
    Array,
    /// `map[K]V`.
    Map,
    /// `string`.
    String,
    /// `chan T`.
    Chan,
    /// Anything else that is known: numbers, structs, pointers, funcs…
    Other,
}

impl Shape {
    /// Whether `len(x)` counts the iterations of `for range x`.
    pub fn is_container(self) -> bool {
        matches!(self, Shape::Slice | Shape::Array | Shape::Map)
    }
}

/// How many declarations [`of_expr`] follows (`b := a`, `type L []T`, …)
/// before it gives up.
const MAX_STEPS: u8 = 8;

/// Library calls known to return one slice.
const SLICE_FUNCS: [&str; 12] = [
    "strings.Split",
    "strings.SplitN",
    "strings.SplitAfter",
    "strings.Fields",
    "strings.FieldsFunc",
    "bytes.Split",
    "bytes.SplitN",
    "bytes.Fields",
    "os.Environ",
    "filepath.SplitList",
    "reflect.VisibleFields",
    "utf8.AppendRune",
];

/// The shape of expression `expr`, if the file tells it.
pub fn of_expr(expr: Node<'_>, src: &str) -> Option<Shape> {
    expr_shape(expr, src, MAX_STEPS)
}

/// The shape of type node `ty`, if the file tells it.
pub fn of_type(ty: Node<'_>, src: &str) -> Option<Shape> {
    type_shape(ty, src, MAX_STEPS)
}

fn expr_shape(expr: Node<'_>, src: &str, steps: u8) -> Option<Shape> {
    let steps = steps.checked_sub(1)?;
    let expr = syntax::unparen(expr);
    match syntax::kind(expr) {
        "composite_literal" => type_shape(expr.field("type")?, src, steps),
        "interpreted_string_literal" | "raw_string_literal" => Some(Shape::String),
        "int_literal" | "float_literal" | "rune_literal" | "func_literal" => Some(Shape::Other),
        "slice_expression" => match expr_shape(expr.field("operand")?, src, steps)? {
            Shape::Array => Some(Shape::Slice),
            s => Some(s),
        },
        "call_expression" => call_shape(expr, src, steps),
        "identifier" => {
            let (decl, index) = declaration(expr, src)?;
            declared_shape(decl, index, src, steps)
        }
        "selector_expression" => {
            if text(expr, src) == "os.Args" {
                return Some(Shape::Slice);
            }
            let field = expr.field("field")?;
            field_shape(expr, text(field, src), src, steps)
        }
        _ => None,
    }
}

fn call_shape(call: Node<'_>, src: &str, steps: u8) -> Option<Shape> {
    let callee = syntax::unparen(call.field("function")?);
    let args = syntax::call_args(call);
    match syntax::kind(callee) {
        "slice_type" | "array_type" | "map_type" | "channel_type" | "parenthesized_type" => {
            type_shape(callee, src, steps)
        }
        "identifier" => {
            let name = text(callee, src);
            if let Some(func) = top_level(call, src, "function_declaration", name) {
                return type_shape(single_result(func)?, src, steps);
            }
            match name {
                "make" => type_shape(*args.first()?, src, steps),
                "append" => Some(Shape::Slice),
                "string" => Some(Shape::String),
                "new" | "len" | "cap" | "int" | "int64" | "uint" | "float64" | "byte" | "rune" => {
                    Some(Shape::Other)
                }
                _ => None,
            }
        }
        "selector_expression" => {
            let name = text(callee, src);
            SLICE_FUNCS.contains(&name).then_some(Shape::Slice)
        }
        _ => None,
    }
}

/// The one result type of a function declaration.
fn single_result(func: Node<'_>) -> Option<Node<'_>> {
    let result = func.field("result")?;
    if syntax::kind(result) != "parameter_list" {
        return Some(result);
    }
    let mut c = result.walk();
    let params: Vec<Node<'_>> = result
        .named_children(&mut c)
        .filter(|n| syntax::kind(*n) != "comment")
        .collect();
    match params.as_slice() {
        [p] if p.field("name").is_none() => p.field("type"),
        _ => None,
    }
}

fn type_shape(ty: Node<'_>, src: &str, steps: u8) -> Option<Shape> {
    let steps = steps.checked_sub(1)?;
    match syntax::kind(ty) {
        "slice_type" => Some(Shape::Slice),
        "array_type" | "implicit_length_array_type" => Some(Shape::Array),
        "map_type" => Some(Shape::Map),
        "channel_type" => Some(Shape::Chan),
        "parenthesized_type" => type_shape(ty.named_child(0)?, src, steps),
        "pointer_type" => match type_shape(ty.named_child(0)?, src, steps) {
            Some(Shape::Array) => Some(Shape::Array),
            _ => Some(Shape::Other),
        },
        "struct_type" | "interface_type" | "function_type" => Some(Shape::Other),
        "generic_type" => type_shape(ty.field("type")?, src, steps),
        "type_identifier" => match text(ty, src) {
            "string" => Some(Shape::String),
            "bool" | "byte" | "rune" | "int" | "int8" | "int16" | "int32" | "int64" | "uint"
            | "uint8" | "uint16" | "uint32" | "uint64" | "uintptr" | "float32" | "float64"
            | "complex64" | "complex128" | "error" | "any" => Some(Shape::Other),
            name => {
                let spec = top_level(ty, src, "type_spec", name)?;
                type_shape(spec.field("type")?, src, steps)
            }
        },
        _ => None,
    }
}

/// The shape a declaration gives its `index`-th name.
fn declared_shape(decl: Node<'_>, index: usize, src: &str, steps: u8) -> Option<Shape> {
    match syntax::kind(decl) {
        "parameter_declaration" => type_shape(decl.field("type")?, src, steps),
        "variadic_parameter_declaration" => Some(Shape::Slice),
        "var_spec" => match decl.field("type") {
            Some(ty) => type_shape(ty, src, steps),
            None => value_at(decl.field("value")?, index).and_then(|v| expr_shape(v, src, steps)),
        },
        "short_var_declaration" => {
            let value = value_at(decl.field("right")?, index)?;
            let left = decl.field("left")?;
            let right = decl.field("right")?;
            (left.named_child_count() == right.named_child_count()).then_some(())?;
            expr_shape(value, src, steps)
        }
        _ => None,
    }
}

/// The `index`-th expression of an expression list.
fn value_at(list: Node<'_>, index: usize) -> Option<Node<'_>> {
    let mut c = list.walk();
    let found = list
        .named_children(&mut c)
        .filter(|n| syntax::kind(*n) != "comment")
        .nth(index);
    found
}

/// The declaration of identifier `ident` in force where it is used, and the
/// position of its name in that declaration: the nearest one before it
/// whose scope holds it, in the enclosing top-level function, else at the
/// top level of the file.
fn declaration<'t>(ident: Node<'t>, src: &str) -> Option<(Node<'t>, usize)> {
    let name = text(ident, src);
    let at = ident.start_byte();
    let outer = syntax::ancestors(ident)
        .filter(|n| {
            matches!(
                syntax::kind(*n),
                "function_declaration" | "method_declaration"
            )
        })
        .last();
    let mut best = None;
    if let Some(func) = outer {
        syntax::walk(func, |n| {
            if n.start_byte() >= at {
                return Walk::Stop;
            }
            if let Some(index) = names(n, src).iter().position(|x| *x == name) {
                if scope_of(n).is_some_and(|s| s.start_byte() <= at && at < s.end_byte()) {
                    best = Some((n, index));
                }
            }
            Walk::Enter
        });
    }
    if best.is_some() {
        return best;
    }
    let root = syntax::ancestors(ident).last()?;
    let mut c = root.walk();
    let decls: Vec<Node<'t>> = root
        .named_children(&mut c)
        .filter(|d| syntax::kind(*d) == "var_declaration")
        .collect();
    decls
        .into_iter()
        .flat_map(syntax::descendants)
        .find_map(|n| {
            let index = (syntax::kind(n) == "var_spec")
                .then(|| names(n, src).iter().position(|x| *x == name))??;
            Some((n, index))
        })
}

/// The names a declaring node declares, in order.
fn names<'s>(n: Node<'_>, src: &'s str) -> Vec<&'s str> {
    match syntax::kind(n) {
        "parameter_declaration" | "variadic_parameter_declaration" => {
            let mut c = n.walk();
            let found = n.fields("name", &mut c).map(|x| text(x, src)).collect();
            found
        }
        "var_spec" | "short_var_declaration" | "range_clause" => syntax::assigned_names(n, src),
        _ => Vec::new(),
    }
}

/// Where a declaration's names are visible: the function of a parameter,
/// else the innermost block or statement header holding the declaration.
fn scope_of(decl: Node<'_>) -> Option<Node<'_>> {
    if syntax::kind(decl).ends_with("parameter_declaration") {
        return decl.parent()?.parent();
    }
    syntax::ancestors(decl).find(|a| {
        matches!(
            syntax::kind(*a),
            "block"
                | "for_statement"
                | "if_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "expression_case"
                | "type_case"
                | "communication_case"
                | "default_case"
        )
    })
}

/// The top-level declaration of kind `kind` (`type_spec`,
/// `function_declaration`) named `name` in the file holding `node`.
fn top_level<'t>(node: Node<'t>, src: &str, kind: &str, name: &str) -> Option<Node<'t>> {
    let root = syntax::ancestors(node).last()?;
    let mut c = root.walk();
    let tops: Vec<Node<'t>> = root.named_children(&mut c).collect();
    tops.into_iter().find_map(|top| {
        let candidates = if kind == "type_spec" && syntax::kind(top) == "type_declaration" {
            let mut c = top.walk();
            top.named_children(&mut c).collect()
        } else {
            vec![top]
        };
        candidates.into_iter().find(|d| {
            syntax::kind(*d) == kind && d.field("name").is_some_and(|n| text(n, src) == name)
        })
    })
}

/// The shape of field `field` of selector `sel`: the type of every struct
/// field with that name declared in the file, when they all agree.
fn field_shape(sel: Node<'_>, field: &str, src: &str, steps: u8) -> Option<Shape> {
    let root = syntax::ancestors(sel).last()?;
    let mut c = root.walk();
    let types: Vec<Node<'_>> = root
        .named_children(&mut c)
        .filter(|d| syntax::kind(*d) == "type_declaration")
        .collect();
    let mut shape = None;
    for ty in types {
        let mut agree = true;
        syntax::walk(ty, |n| {
            if syntax::kind(n) != "field_declaration" {
                return Walk::Enter;
            }
            let mut c = n.walk();
            let named = n.fields("name", &mut c).any(|x| text(x, src) == field);
            if named {
                let s = n.field("type").and_then(|t| type_shape(t, src, steps));
                if s.is_none() || (shape.is_some() && shape != s) {
                    agree = false;
                    return Walk::Stop;
                }
                shape = s;
            }
            Walk::Enter
        });
        if !agree {
            return None;
        }
    }
    shape
}
