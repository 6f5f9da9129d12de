//! What one file tells the other files of its package about `sync.Cond`s
//! and `sync.WaitGroup`s: the unexported Cond and WaitGroup fields and
//! package-level Cond variables it declares, the names it signals
//! (`x.Signal()`, `s.ready.Broadcast()`, or the method values), the fields
//! whose `Done` it calls, and the names whose value it hands elsewhere
//! (passed, assigned, returned, stored in a literal, its address taken).
//! What is kept is what the rules ask, no more.
//!
//! Names are kept by spelling, field names and plain identifiers alike:
//! another file cannot resolve them, and a name that merely looks the same
//! makes a rule asking here silent, never louder. Escaped names are kept as
//! hashes: every unexported value name of the file may be one.

use super::fields::Fields as _;
use super::syntax::{self, text, unparen, ById, IdHasher, KindSet, Walk};
use memchr::memmem::Finder;
use std::collections::HashSet;
use std::hash::Hasher;
use std::ops::Range;
use std::sync::LazyLock;
use tree_sitter::Node;

/// The words a declaration names when it may declare, make or wait on a
/// Cond or WaitGroup: what the walk records of them is written so (a
/// field's type `sync.Cond`, a value `sync.NewCond(…)`). The methods that
/// signal and finish count only when selected: see [`names_one`].
const NAMES: [&str; 4] = ["sync.Cond", "NewCond", "WaitGroup", "Wait()"];

/// The methods counted when selected (`x.Signal`), and the least number
/// of dots before them: `Done` counts on a field (`s.wg.Done`), not on a
/// variable (`ctx.Done()`).
const SELECTED: [(&str, usize); 3] = [("Signal", 1), ("Broadcast", 1), ("Done", 2)];

/// The kinds [`CondFacts::visit`] looks at, tested by id before their
/// names are compared.
static VISITED: LazyLock<KindSet> = LazyLock::new(|| {
    KindSet::new(&[
        "selector_expression",
        "argument_list",
        "literal_value",
        "send_statement",
        "return_statement",
        "keyed_element",
        "assignment_statement",
        "short_var_declaration",
        "var_spec",
        "type_spec",
    ])
});

/// The searchers of [`NAMES`], built once: building one costs more than
/// searching a declaration with it.
static FINDERS: LazyLock<Vec<Finder<'static>>> =
    LazyLock::new(|| NAMES.iter().map(Finder::new).collect());

/// The searchers of [`SELECTED`]'s methods, with the dots they need.
static METHODS: LazyLock<Vec<(Finder<'static>, usize)>> = LazyLock::new(|| {
    SELECTED
        .iter()
        .map(|(name, dots)| (Finder::new(name), *dots))
        .collect()
});

/// Whether the text `text` of a region names one of [`NAMES`], or
/// selects one of [`SELECTED`]'s methods. What the gate shuts out are the
/// plain names that region passes elsewhere: the rules asking whether a
/// name escapes ask it of Cond and WaitGroup fields and variables, which
/// a region that names neither seldom hands elsewhere but by selection
/// (read from the text anyway).
fn names_one(text: &str) -> bool {
    let bytes = text.as_bytes();
    FINDERS.iter().any(|f| f.find(bytes).is_some())
        || METHODS.iter().any(|(f, dots)| {
            let len = f.needle().len();
            f.find_iter(bytes)
                .any(|at| selected(bytes, at, at + len, *dots))
        })
}

/// Whether the word at `start..end` of `text` may be a method selected
/// after `dots` dots (`x.Signal`, `s.wg.Done` for two; spaces allowed
/// around the dots): a comment in between admits it.
fn selected(text: &[u8], start: usize, end: usize, dots: usize) -> bool {
    let word = |b: &u8| *b == b'_' || b.is_ascii_alphanumeric();
    if text.get(end).is_some_and(word) {
        return false;
    }
    let mut at = start;
    // Read backward: a dot, then a word and a dot for each further dot.
    for step in 0..(2 * dots).saturating_sub(1) {
        let want_dot = step % 2 == 0;
        while at > 0 && text[at - 1].is_ascii_whitespace() {
            at -= 1;
        }
        match at.checked_sub(1).map(|i| text[i]) {
            Some(b'/') => return true,
            Some(b'.') if want_dot => at -= 1,
            Some(b) if !want_dot && word(&b) => {
                while at > 0 && word(&text[at - 1]) {
                    at -= 1;
                }
            }
            _ => return false,
        }
    }
    true
}

/// An unexported field of type `sync.Cond` or `*sync.Cond` (or
/// `sync.WaitGroup`, `*sync.WaitGroup`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CondField {
    /// The struct type declaring it.
    pub owner: String,
    /// The field's name.
    pub field: String,
}

/// The operand of a method selection (`x.Done`, `s.wg.Done`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selected {
    /// The identifier, or the field selected (`wg` for `s.wg`).
    pub name: String,
    /// Whether it is a field selected (`s.wg`) rather than an identifier.
    pub field: bool,
}

/// The `sync.Cond` and `sync.WaitGroup` facts of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CondFacts {
    /// The unexported Cond fields of its struct types.
    pub fields: Vec<CondField>,
    /// The unexported WaitGroup fields of its struct types.
    pub wait_groups: Vec<CondField>,
    /// Its unexported package-level Cond variables.
    pub globals: Vec<String>,
    /// The names signalled: the operand of each `.Signal` and
    /// `.Broadcast` selection, once per selection.
    pub signalled: Vec<Selected>,
    /// The field of each `.Done` selection on a field (`wg` for
    /// `s.wg.Done`), once per selection; a variable's (`ctx.Done()`) is
    /// not kept.
    pub dones: Vec<String>,
    /// The Cond fields given a lock by `x.f = sync.NewCond(&x.mu)`: the
    /// field and the lock's path below `x` (`.mu`).
    pub cond_locks: Vec<(String, String)>,
    /// The hashes of the unexported names whose value leaves for
    /// somewhere else.
    escaped: HashSet<u64, ById>,
}

impl CondFacts {
    /// Whether the value of a field or variable named `name` may leave
    /// for somewhere else in this file.
    pub fn escapes(&self, name: &str) -> bool {
        self.escaped.contains(&hash(name))
    }

    /// Whether it holds nothing but escaped names.
    fn is_bare(&self) -> bool {
        self.fields.is_empty()
            && self.wait_groups.is_empty()
            && self.globals.is_empty()
            && self.signalled.is_empty()
            && self.dones.is_empty()
            && self.cond_locks.is_empty()
    }

    /// Adds the facts of a later region, but for its escaped names.
    fn merge(&mut self, later: &CondFacts) {
        self.fields.extend_from_slice(&later.fields);
        self.wait_groups.extend_from_slice(&later.wait_groups);
        self.globals.extend_from_slice(&later.globals);
        self.signalled.extend_from_slice(&later.signalled);
        self.dones.extend_from_slice(&later.dones);
        self.cond_locks.extend_from_slice(&later.cond_locks);
    }
}

/// One region of a file and its facts.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Region {
    /// Where it is in the file.
    range: Range<usize>,
    /// Its escaped names' hashes, in [`CondParts::hashes`].
    hashes: Range<usize>,
    /// Its other facts, when it has some.
    facts: Option<Box<CondFacts>>,
}

/// The Cond facts of a file region by region (see [`CondParts::add`]):
/// what an edit that left a region alone keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CondParts {
    /// The regions, in order.
    regions: Vec<Region>,
    /// The escaped names' hashes of every region, region after region.
    hashes: Vec<u64>,
}

impl CondParts {
    /// No region yet, with room for `n`.
    pub fn with_capacity(n: usize) -> CondParts {
        CondParts {
            regions: Vec::with_capacity(n),
            hashes: Vec::new(),
        }
    }

    /// Where each region is, in order.
    pub fn ranges(&self) -> impl Iterator<Item = &Range<usize>> {
        self.regions.iter().map(|r| &r.range)
    }

    /// Adds the facts of one region of the file `src`: the text from the
    /// end of the top-level node before `decl` to the end of `decl` (or,
    /// with no `decl`, the text after the last one). From the text, the
    /// selections and keys that may leave (a superset); from a walk of a
    /// declaration that names a Cond, a WaitGroup or their methods, the
    /// rest. What a region says rests on its text alone.
    pub fn add(&mut self, decl: Option<Node<'_>>, region: Range<usize>, src: &str) {
        let from = self.hashes.len();
        let mut part = Part {
            facts: CondFacts::default(),
            escaped: &mut self.hashes,
        };
        part.read(decl, region.clone(), src);
        let facts = Some(part.facts).filter(|f| !f.is_bare()).map(Box::new);
        self.regions.push(Region {
            range: region,
            hashes: from..self.hashes.len(),
            facts,
        });
    }

    /// Adds the facts of region `index` of `old`, now at `region`: the
    /// edit left its text alone.
    pub fn keep(&mut self, old: &CondParts, index: usize, region: Range<usize>) {
        let Some(r) = old.regions.get(index) else {
            return;
        };
        let from = self.hashes.len();
        self.hashes
            .extend_from_slice(old.hashes.get(r.hashes.clone()).unwrap_or_default());
        self.regions.push(Region {
            range: region,
            hashes: from..self.hashes.len(),
            facts: r.facts.clone(),
        });
    }

    /// The facts of the whole file.
    pub fn merged(&self) -> CondFacts {
        let mut all = CondFacts::default();
        for facts in self.regions.iter().filter_map(|r| r.facts.as_deref()) {
            all.merge(facts);
        }
        all.escaped.extend(&self.hashes);
        all
    }
}

/// The facts of one region being read, its escaped names' hashes going
/// to a list the regions of the file share.
struct Part<'e> {
    /// Its facts but for the escaped names.
    facts: CondFacts,
    /// Where its escaped names' hashes go.
    escaped: &'e mut Vec<u64>,
}

impl Part<'_> {
    /// Reads the region `region` of `src` ending with `decl` (see
    /// [`CondParts::add`]).
    fn read(&mut self, decl: Option<Node<'_>>, region: Range<usize>, src: &str) {
        let Some(text) = src.get(region) else {
            return;
        };
        self.selections_leave(text);
        self.keys_leave(text);
        let Some(decl) = decl else {
            return;
        };
        if syntax::kind(decl) == "var_declaration" {
            self.package_vars(decl, src);
        }
        if names_one(text) {
            syntax::walk(decl, |n| {
                if n.is_named() && VISITED.contains(n) {
                    self.visit(n, src);
                }
                Walk::Enter
            });
        }
    }

    fn visit(&mut self, n: Node<'_>, src: &str) {
        match syntax::kind(n) {
            "selector_expression" => {
                let field = n.field("field").map(|f| text(f, src));
                let done = match field {
                    Some("Signal" | "Broadcast") => false,
                    Some("Done") => true,
                    _ => return,
                };
                let Some(operand) = n.field("operand") else {
                    return;
                };
                let Some(name) = name(operand, src) else {
                    return;
                };
                let field = syntax::kind(operand) == "selector_expression";
                if !done {
                    self.facts.signalled.push(Selected {
                        name: name.to_string(),
                        field,
                    });
                } else if field {
                    self.facts.dones.push(name.to_string());
                }
            }
            "argument_list" | "literal_value" => {
                let mut c = n.walk();
                for arg in n.named_children(&mut c) {
                    self.leaves(arg, src);
                }
            }
            "send_statement" => {
                if let Some(v) = n.field("value") {
                    self.leaves(v, src);
                }
            }
            "return_statement" => {
                if let Some(list) = n.named_child(0) {
                    self.leaves_all(list, src);
                }
            }
            "keyed_element" => {
                // `cond: c` sets the field from somewhere else.
                let key = n.field("key");
                let value = n.field("value");
                if let (Some(k), Some(v)) = (key, value) {
                    if !fresh(v, src) {
                        self.leaves(k, src);
                    }
                    self.leaves(v, src);
                }
            }
            "assignment_statement" | "short_var_declaration" | "var_spec" => {
                self.assignment(n, src);
            }
            "type_spec" => self.struct_fields(n, src),
            _ => {}
        }
    }

    /// Marks as leaving every unexported `.name` of the text `src` not
    /// followed by `.`, `(`, `[` or `= <new Cond>`: a superset of the
    /// selections used as values or set from elsewhere.
    fn selections_leave(&mut self, src: &str) {
        let bytes = src.as_bytes();
        let word = |b: u8| b == b'_' || b.is_ascii_alphanumeric();
        for dot in memchr::memchr_iter(b'.', bytes) {
            let start = dot + 1;
            let end = start + bytes[start..].iter().take_while(|b| word(**b)).count();
            let rest = src.get(end..).unwrap_or("").trim_start();
            if end == start || rest.starts_with(['.', '(', '[']) || set_to_new(rest) {
                continue;
            }
            if let Some(name) = src.get(start..end).filter(|n| !exported(n)) {
                self.escaped.push(hash(name));
            }
        }
    }

    /// Marks as leaving every unexported word followed by `:` (not `:=`):
    /// a superset of the keys of composite literals.
    fn keys_leave(&mut self, src: &str) {
        let bytes = src.as_bytes();
        for colon in memchr::memchr_iter(b':', bytes) {
            if bytes.get(colon + 1) == Some(&b'=') {
                continue;
            }
            let before = src.get(..colon).unwrap_or("").trim_end();
            let start = before
                .rfind(|c: char| c != '_' && !c.is_ascii_alphanumeric())
                .map_or(0, |i| i + 1);
            if let Some(name) = before
                .get(start..)
                .filter(|n| !n.is_empty() && !exported(n))
            {
                self.escaped.push(hash(name));
            }
        }
    }

    /// Marks the value `v` (unwrapped from parentheses, `&` and literal
    /// elements) as leaving.
    fn leaves(&mut self, v: Node<'_>, src: &str) {
        let mut v = unparen(v);
        loop {
            match syntax::kind(v) {
                "literal_element" => match v.named_child(0) {
                    Some(inner) => v = unparen(inner),
                    None => return,
                },
                "unary_expression" if v.field("operator").map(|o| text(o, src)) == Some("&") => {
                    match v.field("operand") {
                        Some(inner) => v = unparen(inner),
                        None => return,
                    }
                }
                _ => break,
            }
        }
        if let Some(name) = name(v, src).filter(|n| !exported(n)) {
            self.escaped.push(hash(name));
        }
    }

    /// Marks every item of the list `list` as leaving.
    fn leaves_all(&mut self, list: Node<'_>, src: &str) {
        for item in items(list) {
            self.leaves(item, src);
        }
    }

    /// An assignment's values leave; so does a target set from anything
    /// but a new Cond.
    fn assignment(&mut self, n: Node<'_>, src: &str) {
        let right = n.field("right").or_else(|| n.field("value"));
        let values = right.map(items).unwrap_or_default();
        for v in &values {
            self.leaves(*v, src);
        }
        if syntax::kind(n) != "assignment_statement" {
            return;
        }
        let targets = n.field("left").map(items).unwrap_or_default();
        for (i, t) in targets.iter().enumerate() {
            let value = values.get(i).filter(|_| values.len() == targets.len());
            match value.filter(|v| fresh(**v, src)) {
                Some(v) => self.cond_lock(*t, *v, src),
                None => self.leaves(*t, src),
            }
        }
    }

    /// Records `x.f = sync.NewCond(&x.mu)`.
    fn cond_lock(&mut self, target: Node<'_>, value: Node<'_>, src: &str) {
        let (Some(base), Some(field)) = (target.field("operand"), target.field("field")) else {
            return;
        };
        let value = unparen(value);
        let arg = value
            .field("arguments")
            .and_then(|a| a.named_child(0))
            .filter(|_| syntax::kind(value) == "call_expression");
        let Some(mut lock) = arg else {
            return;
        };
        if syntax::kind(lock) == "unary_expression" {
            match lock.field("operand") {
                Some(inner) => lock = inner,
                None => return,
            }
        }
        if let Some(path) = text(lock, src).strip_prefix(text(base, src)) {
            if syntax::kind(target) == "selector_expression" && path.starts_with('.') {
                self.facts
                    .cond_locks
                    .push((text(field, src).to_string(), path.to_string()));
            }
        }
    }

    /// The Cond fields of a struct type declaration.
    fn struct_fields(&mut self, spec: Node<'_>, src: &str) {
        let (Some(owner), Some(ty)) = (spec.field("name"), spec.field("type")) else {
            return;
        };
        if syntax::kind(ty) != "struct_type" {
            return;
        }
        let Some(list) = ty.named_child(0) else {
            return;
        };
        let mut c = list.walk();
        for field in list.named_children(&mut c) {
            let ty = field.field("type");
            let list = if ty.is_some_and(|t| is_cond_type(t, src)) {
                &mut self.facts.fields
            } else if ty.is_some_and(|t| is_sync_type(t, src, "WaitGroup")) {
                &mut self.facts.wait_groups
            } else {
                continue;
            };
            let mut c2 = field.walk();
            for name in field.fields("name", &mut c2) {
                let name = text(name, src);
                if !exported(name) {
                    list.push(CondField {
                        owner: text(owner, src).to_string(),
                        field: name.to_string(),
                    });
                }
            }
        }
    }

    /// The unexported package-level Cond variables of a `var`
    /// declaration.
    fn package_vars(&mut self, decl: Node<'_>, src: &str) {
        for spec in super::names::specs(decl) {
            if syntax::kind(spec) != "var_spec" {
                continue;
            }
            let written = spec.field("type");
            let values = spec.field("value").map(items).unwrap_or_default();
            let mut c2 = spec.walk();
            let names: Vec<Node<'_>> = spec.fields("name", &mut c2).collect();
            for (i, name) in names.iter().enumerate() {
                let cond = match written {
                    Some(t) => is_cond_type(t, src),
                    None => {
                        values.len() == names.len() && values.get(i).is_some_and(|v| fresh(*v, src))
                    }
                };
                let name = text(*name, src);
                if cond && !exported(name) && name != "_" {
                    self.facts.globals.push(name.to_string());
                }
            }
        }
    }
}

/// Whether the text `rest` after a selection sets it to a new Cond
/// (`= sync.NewCond(…)`, `= &sync.Cond{…}`).
fn set_to_new(rest: &str) -> bool {
    let Some(value) = rest.strip_prefix('=').filter(|r| !r.starts_with('=')) else {
        return false;
    };
    let value = value.trim_start();
    [
        "sync.NewCond(",
        "&sync.Cond{",
        "sync.Cond{",
        "new(sync.Cond)",
    ]
    .iter()
    .any(|p| value.starts_with(p))
}

/// The name a value goes by: an identifier's, or a selection's field.
fn name<'s>(v: Node<'_>, src: &'s str) -> Option<&'s str> {
    match syntax::kind(v) {
        "identifier" | "field_identifier" => Some(text(v, src)),
        "selector_expression" => v.field("field").map(|f| text(f, src)),
        _ => None,
    }
}

/// The items of an expression list (or the expression itself).
fn items(list: Node<'_>) -> Vec<Node<'_>> {
    super::types::list_items(list)
}

/// Whether `name` is exported.
fn exported(name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase())
}

/// A name's cheap hash: names are short and many (every unexported
/// selection of a file).
fn hash(name: &str) -> u64 {
    let mut h = IdHasher::default();
    h.write(name.as_bytes());
    h.finish()
}

/// Whether type `t` is `sync.Cond` or `*sync.Cond`.
pub fn is_cond_type(t: Node<'_>, src: &str) -> bool {
    is_sync_type(t, src, "Cond")
}

/// Whether type `t` is `sync.<name>` or `*sync.<name>`.
pub fn is_sync_type(t: Node<'_>, src: &str, name: &str) -> bool {
    let t = if syntax::kind(t) == "pointer_type" {
        match t.named_child(0) {
            Some(inner) => inner,
            None => return false,
        }
    } else {
        t
    };
    syntax::kind(t) == "qualified_type" && text(t, src).strip_prefix("sync.") == Some(name)
}

/// Whether `v` makes a new Cond: `sync.NewCond(…)`, `&sync.Cond{…}`,
/// `sync.Cond{…}`, `new(sync.Cond)`.
pub fn fresh(v: Node<'_>, src: &str) -> bool {
    makes(v, src, "Cond")
}

/// Whether `v` makes a new `sync.<name>`: `&sync.<name>{…}`,
/// `sync.<name>{…}`, `new(sync.<name>)`, or `sync.NewCond(…)` for a Cond.
pub fn makes(v: Node<'_>, src: &str, name: &str) -> bool {
    let mut v = unparen(v);
    if syntax::kind(v) == "literal_element" {
        match v.named_child(0) {
            Some(inner) => v = unparen(inner),
            None => return false,
        }
    }
    if syntax::kind(v) == "unary_expression" {
        match v.field("operand") {
            Some(inner) => v = unparen(inner),
            None => return false,
        }
    }
    match syntax::kind(v) {
        "composite_literal" => v.field("type").is_some_and(|t| is_sync_type(t, src, name)),
        "call_expression" => {
            let function = v.field("function").map(|f| text(f, src));
            match function {
                Some("sync.NewCond") => name == "Cond",
                Some("new") => v
                    .field("arguments")
                    .and_then(|a| a.named_child(0))
                    .is_some_and(|t| text(t, src).strip_prefix("sync.") == Some(name)),
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::names_one;

    #[test]
    fn the_gate_counts_done_on_a_field_and_signal_on_anything_selected() {
        assert!(names_one("defer s.wg.Done()"));
        assert!(names_one("go f(s.wg .\n\tDone)"));
        assert!(names_one("c.Broadcast()"));
        assert!(names_one("s./* why */Signal()"));
        assert!(names_one("var mu = sync.NewCond(&m)"));
        assert!(!names_one("<-ctx.Done()"));
        assert!(!names_one("s.DoneChan <- x"));
        assert!(!names_one("SIGABRT = Signal(0x6)"));
        assert!(!names_one("if s.Cond != nil {}"));
    }
}
