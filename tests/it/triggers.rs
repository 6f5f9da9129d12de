//! The grammar facts the engine's walk relies on (see
//! `gohint::analysis::triggers`): the token every node of a kind holds, and
//! the parents a kind can have, checked against the grammar's node types and
//! against real code.

use gohint::analysis::pattern_gate::{Gate, KEYWORDS};
use gohint::analysis::triggers::{Mark, Triggers, MARKS, ROOT};

fn gate(kind: &str) -> Gate {
    Gate {
        kind: kind.to_string(),
        words: Vec::new(),
    }
}

/// Every node of a kind in `MARKS` or `KEYWORDS` holds its token
/// (or the ancestor named does), in the rule fixtures and in oddly
/// spaced code.
#[test]
fn every_node_of_a_marked_kind_holds_its_token() {
    let mut sources = vec![concat!(
        "package p\nvar (\n\ta map[int]int\n\tb, c chan int\n)\n",
        "func (r T) m(x any, ch chan int) {\n\tvar d = x. (int)\n",
        "\tfor range ch {\n\t\tselect {\n\t\tcase v := <-ch:\n\t\t\tch <- v\n",
        "\t\tcase ch <- 1:\n\t\t}\n\t}\n\tgo r.m(x./* c */(int), ch)\n",
        "\tdefer r.m(d, ch)\n}\nfunc f() {}\n",
        "func g(x interface{ M() }) struct{} {\n\tswitch y := x.(type) {\n\tdefault:\n",
        "\t\t_ = func() { _ = y }\n\t}\n\tselect {\n\tdefault:\n\t}\n\treturn struct{}{}\n}\n"
    )
    .to_string()];
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for entry in std::fs::read_dir(fixtures)
        .expect("the fixtures folder")
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "go") {
            sources.push(std::fs::read_to_string(entry.path()).expect("a fixture"));
        }
    }
    let language = tree_sitter::Language::new(tree_sitter_go::LANGUAGE);
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&language).expect("the Go grammar");
    let keywords = KEYWORDS
        .iter()
        .map(|&(kind, word)| (kind, Mark::Holds(word)));
    let marks: Vec<(&str, Mark)> = MARKS.iter().copied().chain(keywords).collect();
    let mut seen = vec![0; marks.len()];
    for src in &sources {
        let tree = parser.parse(src, None).expect("parses");
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            let mut c = node.walk();
            stack.extend(node.children(&mut c));
            let Some(k) = marks.iter().position(|m| m.0 == node.kind()) else {
                continue;
            };
            seen[k] += 1;
            let (kind, mark) = marks[k];
            let (token, holder) = match mark {
                Mark::Holds(token) => (token, Some(node)),
                Mark::Under(token, parents) => (
                    token,
                    std::iter::successors(node.parent(), |p| p.parent())
                        .take_while(|p| parents.contains(&p.kind()))
                        .last(),
                ),
                Mark::TopLevel => {
                    assert_eq!(node.parent().map(|p| p.kind()), Some(ROOT));
                    continue;
                }
            };
            let holder = holder.expect("a node holding the token");
            let triggers = Triggers::new(&[gate(kind)]).expect("triggers");
            let hits = triggers.hits(src, holder.byte_range());
            assert!(
                !hits.is_empty(),
                "{kind} without {token}: {}",
                &src[holder.byte_range()]
            );
        }
    }
    for ((kind, _), n) in marks.iter().zip(seen) {
        assert!(n > 0, "no {kind} in the sources");
    }
}

#[test]
fn the_parents_named_are_every_parent_the_grammar_allows() {
    let types: serde_json::Value =
        serde_json::from_str(tree_sitter_go::NODE_TYPES).expect("node types");
    let kinds = types.as_array().expect("a list of node types");
    for (kind, mark) in MARKS {
        let named: &[&str] = match mark {
            Mark::Holds(_) => continue,
            Mark::Under(_, parents) => parents,
            Mark::TopLevel => &[ROOT],
        };
        let needle = format!("\"type\":\"{kind}\"");
        let mut allowed: Vec<&str> = kinds
            .iter()
            .filter(|t| {
                let shape = serde_json::json!([t.get("children"), t.get("fields")]);
                shape.to_string().contains(&needle)
            })
            .filter_map(|t| t.get("type").and_then(|t| t.as_str()))
            .collect();
        allowed.sort_unstable();
        let mut named = named.to_vec();
        named.sort_unstable();
        assert_eq!(allowed, named, "parents of {kind}");
    }
}
