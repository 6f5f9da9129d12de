//! Whether a `for … range x` loop ranges over a channel, read from the
//! code around it (the syntax tree has no types): `x` is a parameter, a
//! variable or a struct field of the file whose declared type is a channel,
//! or a variable bound to `make(chan …)`, or `x` is a call of `time.Tick`.
//! A loop over a name declared out of sight (another file, a function's
//! result) is not recognised: no hover is better than a wrong one.

use crate::analysis::fields::Fields as _;
use crate::analysis::names::Resolver;
use crate::analysis::syntax::{self, Parents, Walk};
use std::rc::Rc;
use tree_sitter::Node;

/// Whether the `range` keyword `keyword` starts a loop over a channel;
/// `up` walks up the file's tree.
pub fn over_channel<'t>(keyword: Node<'t>, src: &'t str, up: &Rc<Parents<'t>>) -> bool {
    let Some(right) = up
        .parent(keyword)
        .filter(|c| c.kind() == "range_clause")
        .and_then(|c| c.field("right"))
    else {
        return false;
    };
    let right = unparenthesized(right);
    match right.kind() {
        "identifier" => variable_is_channel(right, src, up),
        "selector_expression" => right
            .field("field")
            .is_some_and(|f| field_is_channel(right, syntax::text(f, src), src)),
        "call_expression" => right
            .field("function")
            .is_some_and(|f| syntax::text(f, src) == "time.Tick"),
        _ => false,
    }
}

/// `node` without the parentheses around it.
fn unparenthesized(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// Whether a type or value node says "channel": a channel type, or
/// `make(chan …)`.
fn is_channel(node: Node<'_>) -> bool {
    match unparenthesized(node).kind() {
        "channel_type" => true,
        "call_expression" => node
            .field("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|first| first.kind() == "channel_type"),
        _ => false,
    }
}

/// Whether the variable `at` refers to is declared as a channel: with a
/// channel type, or bound to `make(chan …)`.
fn variable_is_channel<'t>(at: Node<'t>, src: &'t str, up: &Rc<Parents<'t>>) -> bool {
    let Some(decl) = Resolver::new(src, Rc::clone(up)).resolve(at) else {
        return false;
    };
    match decl.declared_type() {
        Some(ty) => is_channel(ty),
        None => decl.initial_value().is_some_and(is_channel),
    }
}

/// Whether a field declaration declares `name`.
fn declares(field: Node<'_>, name: &str, src: &str) -> bool {
    let mut c = field.walk();
    let names: Vec<Node<'_>> = field.fields("name", &mut c).collect();
    names.iter().any(|n| syntax::text(*n, src) == name)
}

/// Whether a struct of the file declares a field `name` of channel type.
fn field_is_channel(at: Node<'_>, name: &str, src: &str) -> bool {
    let Some(root) = syntax::ancestors(at).last() else {
        return false;
    };
    let mut found = false;
    syntax::walk(root, |n| {
        if found {
            return Walk::Skip;
        }
        match n.kind() {
            "function_declaration" | "method_declaration" => Walk::Skip,
            "field_declaration" => {
                found = declares(n, name, src) && n.field("type").is_some_and(is_channel);
                Walk::Skip
            }
            _ => Walk::Enter,
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::over_channel;
    use crate::analysis::Analyzer;

    /// Whether each `range` of `src` is over a channel, in order.
    fn ranges(src: &str) -> Vec<bool> {
        let tree = Analyzer::new().parse(src, None).expect("parse");
        let up = std::rc::Rc::new(crate::analysis::syntax::Parents::new(tree.root_node()));
        let mut out = Vec::new();
        crate::analysis::syntax::walk(tree.root_node(), |n| {
            if n.kind() == "range" {
                out.push(over_channel(n, src, &up));
            }
            crate::analysis::syntax::Walk::Enter
        });
        out
    }

    #[test]
    fn channels_by_parameter_variable_make_field_and_tick() {
        let src = "package p

import \"time\"

type hub struct {
	in    chan string
	names []string
}

var events = make(chan int)

func f(jobs <-chan int, ids []int, h *hub) {
	results := make(chan int, 4)
	var done chan struct{}
	m := map[string]int{}
	for range jobs {
	}
	for range ids {
	}
	for range results {
	}
	for range done {
	}
	for range m {
	}
	for range h.in {
	}
	for range h.names {
	}
	for range events {
	}
	for range time.Tick(time.Second) {
	}
	for range (jobs) {
	}
	go func(jobs []int) {
		for range jobs {
		}
	}(ids)
	for range unknown() {
	}
	if len(ids) > 0 {
		results := ids
		for range results {
		}
	}
	for range results {
	}
}
";
        assert_eq!(
            ranges(src),
            [
                true, false, true, true, false, true, false, true, true, true, false, false, false,
                true
            ]
        );
    }
}
