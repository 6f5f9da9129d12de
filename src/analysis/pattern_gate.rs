//! Which nodes a query pattern can match at, read from the pattern's source:
//! the kind of its root node, and the words its text predicates require.
//!
//! A rooted pattern only matches at nodes of its root kind, and a
//! `(#eq? @name "word")` or `(#any-of? @name "a" "b")` predicate on a capture
//! the pattern always makes (not under a quantifier or in an alternation)
//! only holds when that word is the text of a node inside the match, so the
//! word appears as a whole token in the matched node's text; so does an
//! anonymous node the pattern always matches (`operator: "<-"`). The engine
//! runs the query cursor only at nodes that pass both tests: the query stays
//! the single source of truth, and the gate only saves the cursor's work
//! where it could not match.

use aho_corasick::AhoCorasick;

/// Node kinds every node of which holds this keyword (or token) of its own:
/// a pattern that certainly matches such a node below its root needs the
/// keyword in the root's text. Checked against the grammar's use on real
/// code by the tests of [`super::triggers`].
pub const KEYWORDS: &[(&str, &str)] = &[
    ("channel_type", "chan"),
    ("communication_case", "case"),
    ("default_case", "default"),
    ("defer_statement", "defer"),
    ("for_statement", "for"),
    ("func_literal", "func"),
    ("go_statement", "go"),
    ("interface_type", "interface"),
    ("map_type", "map"),
    ("range_clause", "range"),
    ("select_statement", "select"),
    ("send_statement", "<-"),
    ("struct_type", "struct"),
    ("type_switch_statement", "switch"),
    ("var_declaration", "var"),
];

/// The keyword every node of `kind` holds, if [`KEYWORDS`] names one.
pub fn keyword(kind: &str) -> Option<&'static str> {
    KEYWORDS.iter().find(|k| k.0 == kind).map(|k| k.1)
}

/// What a pattern needs of a node before the query is worth running there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// The node kind the pattern starts at.
    pub kind: String,
    /// Groups of words: the node's text must hold one word of every group
    /// as a whole token.
    pub words: Vec<Vec<String>>,
}

/// The gates of the patterns that start at one node kind, checked with one
/// scan of the node's text.
pub struct KindGates {
    /// Whether some pattern needs no word (every node may match).
    always: bool,
    /// Finds the words of every gate.
    finder: Option<AhoCorasick>,
    /// Per gate, each group as a bit mask of the words it accepts.
    masks: Vec<Vec<u64>>,
}

impl KindGates {
    /// The gates of `gates` (all of one kind) checked together.
    pub fn new(gates: &[Gate]) -> KindGates {
        let mut words: Vec<&str> = Vec::new();
        let mut masks = Vec::new();
        for gate in gates {
            let mut groups = Vec::new();
            for group in &gate.words {
                let mut mask = 0u64;
                for word in group {
                    let id = match words.iter().position(|w| w == word) {
                        Some(id) => id,
                        None => {
                            words.push(word);
                            words.len() - 1
                        }
                    };
                    mask |= 1u64
                        .checked_shl(u32::try_from(id).unwrap_or(u32::MAX))
                        .unwrap_or(0);
                }
                groups.push(mask);
            }
            masks.push(groups);
        }
        let finder = AhoCorasick::new(&words).ok();
        // Words past the 64th have no bit: their gates admit every node.
        let always = finder.is_none()
            || words.len() > 64
            || masks
                .iter()
                .any(|groups| groups.is_empty() || groups.contains(&0));
        KindGates {
            always,
            finder,
            masks,
        }
    }

    /// How many patterns' gates this holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.masks.len()
    }

    /// Whether some pattern may match at a node whose text is `text`.
    pub fn admits(&self, text: &str) -> bool {
        let Some(finder) = self.finder.as_ref().filter(|_| !self.always) else {
            return true;
        };
        let bytes = text.as_bytes();
        let mut found = 0u64;
        for m in finder.find_overlapping_iter(text) {
            if whole_token(bytes, m.start(), m.end()) {
                found |= 1u64.checked_shl(m.pattern().as_u32()).unwrap_or(0);
            }
        }
        self.masks
            .iter()
            .any(|groups| groups.iter().all(|&mask| found & mask != 0))
    }
}

/// Whether `bytes[from..to]` may be a whole token: not joined to an
/// identifier before it or to identifier characters after it. A number
/// before it does not join (`0close(c)` lexes as `0` and `close`), so a
/// word after digits counts, as the safe side is to admit.
pub fn whole_token(bytes: &[u8], from: usize, to: usize) -> bool {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let word = bytes.get(from..to).unwrap_or_default();
    let before = bytes.get(..from).unwrap_or_default();
    let run = before.iter().rev().take_while(|b| ident(b)).count();
    let run_start = before.len().checked_sub(run).and_then(|i| before.get(i));
    let joined_before = word.first().is_some_and(ident)
        && run > 0
        && run_start.is_some_and(|b| !b.is_ascii_digit());
    let joined_after = word.last().is_some_and(ident) && bytes.get(to).is_some_and(ident);
    !joined_before && !joined_after
}

/// The gate of the pattern whose source is `pattern`, or `None` when the
/// pattern could start at any node (a wildcard, an alternation or an
/// anonymous node at its root).
pub fn gate(pattern: &str) -> Option<Gate> {
    let tokens = tokenize(pattern)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
    };
    let mut items = Vec::new();
    while parser.at < tokens.len() {
        items.push(parser.item()?);
    }
    // `((node ...) (#pred ...))` groups the pattern with its predicates.
    let mut root = items.first()?;
    while let Item::Node {
        kind: None,
        children,
        ..
    } = root
    {
        root = children.first()?;
    }
    let Item::Node {
        kind: Some(kind), ..
    } = root
    else {
        return None;
    };
    if kind == "_" {
        return None;
    }
    let mut certain = Vec::new();
    let mut anonymous = Vec::new();
    let mut predicates = Vec::new();
    for item in &items {
        collect(item, true, &mut certain, &mut anonymous, &mut predicates);
    }
    // The root's own keyword holds wherever the root kind does.
    let own = keyword(kind);
    let words = predicates
        .into_iter()
        .filter_map(|(name, args)| words(&name, &args, &certain))
        .chain(
            anonymous
                .into_iter()
                .filter(|a| Some(a.as_str()) != own)
                .map(|a| vec![a]),
        )
        .collect();
    Some(Gate {
        kind: kind.clone(),
        words,
    })
}

/// The kind and capture of a pattern that is one node and its capture,
/// `(go_statement) @report`: it matches every node of the kind, so the
/// engine hands those nodes to its rule without running the query.
pub fn bare(pattern: &str) -> Option<(String, String)> {
    match tokenize(pattern)?.as_slice() {
        [Token::Open, Token::Word(kind), Token::Close, Token::Capture(capture)]
            if !kind.starts_with(['_', '#', '"']) && kind != "ERROR" =>
        {
            Some((kind.clone(), capture.clone()))
        }
        _ => None,
    }
}

/// The kind and capture of a pattern that is one child of the root and its
/// capture, `(source_file (var_declaration) @report)`: it matches every
/// top-level node of the kind, so the engine hands those to its rule
/// without running the query at the root.
pub fn top_level(pattern: &str) -> Option<(String, String)> {
    match tokenize(pattern)?.as_slice() {
        [Token::Open, Token::Word(root), Token::Open, Token::Word(kind), Token::Close, Token::Capture(capture), Token::Close]
            if root == super::triggers::ROOT
                && !kind.starts_with(['_', '#', '"'])
                && kind != "ERROR" =>
        {
            Some((kind.clone(), capture.clone()))
        }
        _ => None,
    }
}

/// The words a predicate requires, when it is an `#eq?` or `#any-of?` of a
/// certain capture against string literals.
fn words(name: &str, args: &[Token], certain: &[String]) -> Option<Vec<String>> {
    let (Token::Capture(capture), rest) = args.split_first()? else {
        return None;
    };
    if !certain.contains(capture) || rest.is_empty() {
        return None;
    }
    let literals: Option<Vec<String>> = rest
        .iter()
        .map(|a| match a {
            Token::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    match (name, literals) {
        ("#eq?", Some(l)) if l.len() == 1 => Some(l),
        ("#any-of?", Some(l)) => Some(l),
        _ => None,
    }
}

/// Records the captures made and the anonymous nodes and [`KEYWORDS`]
/// matched whenever the pattern matches (`certain` while no quantifier or
/// alternation lies on the way down), and every predicate.
fn collect(
    item: &Item,
    certain: bool,
    captures: &mut Vec<String>,
    anonymous: &mut Vec<String>,
    predicates: &mut Vec<(String, Vec<Token>)>,
) {
    match item {
        Item::Node {
            children,
            captures: own,
            quantified,
            ..
        } => {
            let certain = certain && !quantified;
            if certain {
                captures.extend(own.iter().cloned());
                let held = item_kind(item).and_then(keyword);
                anonymous.extend(held.map(str::to_string));
            }
            for child in children {
                collect(child, certain, captures, anonymous, predicates);
            }
        }
        Item::Alternation { branches } => {
            for branch in branches {
                collect(branch, false, captures, anonymous, predicates);
            }
        }
        Item::Anonymous(text) if certain => anonymous.push(text.clone()),
        Item::Predicate { name, args } => predicates.push((name.clone(), args.clone())),
        Item::Anonymous(_) | Item::Other => {}
    }
}

/// The kind of a node item.
fn item_kind(item: &Item) -> Option<&str> {
    match item {
        Item::Node {
            kind: Some(kind), ..
        } => Some(kind),
        _ => None,
    }
}

/// A token of a query's source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    OpenAlt,
    CloseAlt,
    Quantifier,
    /// `@name` (without the `@`).
    Capture(String),
    /// A string literal's contents.
    Str(String),
    /// A node kind, field name (`name:`), negated field, anchor, wildcard
    /// or predicate name.
    Word(String),
}

/// The tokens of `src`, or `None` for escapes the gate does not read.
fn tokenize(src: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            ';' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '[' => tokens.push(Token::OpenAlt),
            ']' => tokens.push(Token::CloseAlt),
            '?' | '*' | '+' => tokens.push(Token::Quantifier),
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next()? {
                        (_, '"') => break,
                        (_, '\\') => return None,
                        (_, c) => s.push(c),
                    }
                }
                tokens.push(Token::Str(s));
            }
            _ => {
                let mut end = at + c.len_utf8();
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_whitespace()
                        || "()[]\";".contains(c)
                        || (c == '?' && i > at && !src[at..i].starts_with('#'))
                    {
                        break;
                    }
                    end = i + c.len_utf8();
                    chars.next();
                }
                let word = &src[at..end];
                tokens.push(match word.strip_prefix('@') {
                    Some(name) => Token::Capture(name.to_string()),
                    None => Token::Word(word.to_string()),
                });
            }
        }
    }
    Some(tokens)
}

/// A parsed piece of a pattern.
#[derive(Debug)]
enum Item {
    /// `(kind child…)` or, with no kind, a grouping `((…) …)`; with its
    /// captures and whether a quantifier follows it.
    Node {
        kind: Option<String>,
        children: Vec<Item>,
        captures: Vec<String>,
        quantified: bool,
    },
    /// `[branch…]`.
    Alternation { branches: Vec<Item> },
    /// `(#name? arg…)`.
    Predicate { name: String, args: Vec<Token> },
    /// An anonymous node: `"<-"`.
    Anonymous(String),
    /// Anything else (anchors, field names, anonymous nodes, wildcards).
    Other,
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
}

impl Parser<'_> {
    fn next(&mut self) -> Option<&Token> {
        let token = self.tokens.get(self.at)?;
        self.at += 1;
        Some(token)
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// One item with the captures and quantifier that follow it.
    fn item(&mut self) -> Option<Item> {
        let mut item = match self.next()?.clone() {
            Token::Open => match self.peek()?.clone() {
                Token::Word(w) if w.starts_with('#') => {
                    self.at += 1;
                    let mut args = Vec::new();
                    loop {
                        match self.next()? {
                            Token::Close => break,
                            t => args.push(t.clone()),
                        }
                    }
                    return Some(Item::Predicate { name: w, args });
                }
                Token::Word(w) => {
                    self.at += 1;
                    self.node(Some(w))?
                }
                _ => self.node(None)?,
            },
            Token::OpenAlt => {
                let mut branches = Vec::new();
                while self.peek()? != &Token::CloseAlt {
                    branches.push(self.item()?);
                }
                self.at += 1;
                Item::Alternation { branches }
            }
            Token::Close | Token::CloseAlt | Token::Quantifier | Token::Capture(_) => return None,
            Token::Str(text) => Item::Anonymous(text),
            Token::Word(_) => Item::Other,
        };
        loop {
            match self.peek() {
                Some(Token::Quantifier) => {
                    self.at += 1;
                    match &mut item {
                        Item::Node { quantified, .. } => *quantified = true,
                        // An optional anonymous node requires nothing.
                        Item::Anonymous(_) => item = Item::Other,
                        // A quantified alternation already counts as uncertain.
                        Item::Alternation { .. } | Item::Other | Item::Predicate { .. } => {}
                    }
                }
                Some(Token::Capture(name)) => {
                    let name = name.clone();
                    self.at += 1;
                    if let Item::Node { captures, .. } = &mut item {
                        captures.push(name);
                    }
                }
                _ => return Some(item),
            }
        }
    }

    /// The rest of a parenthesised node after its kind.
    fn node(&mut self, kind: Option<String>) -> Option<Item> {
        let mut children = Vec::new();
        while self.peek()? != &Token::Close {
            children.push(self.item()?);
        }
        self.at += 1;
        Some(Item::Node {
            kind,
            children,
            captures: Vec::new(),
            quantified: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(pattern: &str) -> Vec<Vec<String>> {
        gate(pattern).map(|g| g.words).unwrap_or_default()
    }

    #[test]
    fn reads_the_root_kind_through_groupings() {
        let g = gate(r#"((call_expression function: (identifier) @f) (#eq? @f "close"))"#);
        assert_eq!(g.map(|g| g.kind), Some("call_expression".to_string()));
        assert_eq!(gate("(_) @x"), gate("[(a) (b)] @x"));
        assert_eq!(gate("(_) @x"), None);
    }

    #[test]
    fn requires_the_words_of_certain_captures() {
        assert_eq!(
            words(
                r#"(call_expression
                     function: (selector_expression field: (field_identifier) @m
                       (#any-of? @m "Lock" "RLock"))) @report ; comment "x"
                   (#eq? @report @m)"#
            ),
            vec![vec!["Lock".to_string(), "RLock".to_string()]]
        );
    }

    #[test]
    fn leaves_out_optional_and_alternative_captures() {
        let optional = r#"(call_expression
            function: (identifier) @make (#eq? @make "make")
            arguments: (argument_list . (channel_type) . (int_literal)? @cap .))
            (#any-of? @cap "0")"#;
        let make_chan = vec![vec!["make".to_string()], vec!["chan".to_string()]];
        assert_eq!(words(optional), make_chan);
        let alternative = r#"(call_expression function: [(identifier) @f (selector_expression)]
            (#eq? @f "close"))"#;
        assert!(words(alternative).is_empty());
        let repeated = r#"(block ((identifier) @f)* (#eq? @f "x"))"#;
        assert!(words(repeated).is_empty());
        let negated = r#"(identifier) @f (#not-eq? @f "x")"#;
        assert!(words(negated).is_empty());
        let anonymous = r#"(unary_expression operator: "<-" (x "&"?) [(y "*")])"#;
        assert_eq!(words(anonymous), vec![vec!["<-".to_string()]]);
    }

    #[test]
    fn finds_bare_patterns() {
        let found = Some(("go_statement".to_string(), "report".to_string()));
        assert_eq!(bare("(go_statement) @report ; every one"), found);
        assert_eq!(bare("(go_statement)"), None);
        assert_eq!(bare("(_) @x"), None);
        assert_eq!(bare("(go_statement) @a @b"), None);
        assert_eq!(bare("(go_statement (call_expression)) @x"), None);
        assert_eq!(bare("((go_statement) @x (#eq? @x \"go f()\"))"), None);
        let top = Some(("var_declaration".to_string(), "report".to_string()));
        assert_eq!(top_level("(source_file (var_declaration) @report)"), top);
        assert_eq!(top_level("(source_file (var_declaration @report))"), None);
        assert_eq!(top_level("(block (var_declaration) @report)"), None);
        assert_eq!(top_level("(source_file (var_declaration) @a) @b"), None);
    }

    #[test]
    fn requires_the_keywords_of_certain_nodes_below_the_root() {
        let select = "(for_statement body: (block (statement_list
            (select_statement (default_case) @report)))) @loop";
        let keywords = vec![vec!["select".to_string()], vec!["default".to_string()]];
        assert_eq!(words(select), keywords);
        assert!(words("(var_spec type: (map_type)? !value)").is_empty());
        assert!(words("(go_statement) @report").is_empty());
    }

    fn kind(words: &[&[&str]]) -> Gate {
        Gate {
            kind: "call_expression".into(),
            words: words
                .iter()
                .map(|g| g.iter().map(|w| w.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn admits_text_with_the_words_as_tokens() {
        let g = KindGates::new(&[kind(&[&["close"], &["0"]]), kind(&[&["Lock", "RLock"]])]);
        assert!(g.admits("close(ch, 0)"));
        assert!(!g.admits("closed(ch, 0)"));
        assert!(!g.admits("x.close(ch, n0)"));
        assert!(g.admits("x.close(ch, 10, 0)"));
        assert!(g.admits("mu.RLock()"));
        assert!(!g.admits("mu.RLocked()"));
        assert!(!g.admits("x.(int) <- y"));
        assert!(KindGates::new(&[kind(&[&["<-"]]), kind(&[])]).admits("x"));
        assert!(KindGates::new(&[kind(&[&["<-"]])]).admits("x<-y"));
        assert!(g.admits("{ 0close(ch, 0) }"));
        assert!(!g.admits("{ x0close(ch, 0) }"));
    }
}
