//! Which nodes a query pattern can match at, read from the pattern's source:
//! the kind of its root node, and the words its text predicates require.
//!
//! A rooted pattern only matches at nodes of its root kind, and a
//! `(#eq? @name "word")` or `(#any-of? @name "a" "b")` predicate on a capture
//! the pattern always makes (not under a quantifier or in an alternation)
//! only holds when that word is the text of a node inside the match, so the
//! word appears as a whole token in the matched node's text. The engine
//! runs the query cursor only at nodes that pass both tests: the query stays
//! the single source of truth, and the gate only saves the cursor's work
//! where it could not match.

/// What a pattern needs of a node before the query is worth running there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// The node kind the pattern starts at.
    pub kind: String,
    /// Groups of words: the node's text must hold one word of every group
    /// as a whole token.
    pub words: Vec<Vec<String>>,
}

impl Gate {
    /// Whether `text` (the text of a node of [`Gate::kind`]) may match.
    pub fn admits(&self, text: &str) -> bool {
        self.words
            .iter()
            .all(|group| group.iter().any(|w| has_token(text, w)))
    }
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
    let mut predicates = Vec::new();
    for item in &items {
        collect(item, true, &mut certain, &mut predicates);
    }
    let words = predicates
        .into_iter()
        .filter_map(|(name, args)| words(&name, &args, &certain))
        .collect();
    Some(Gate {
        kind: kind.clone(),
        words,
    })
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

/// Records the captures made whenever the pattern matches (`certain` while
/// no quantifier or alternation lies on the way down) and every predicate.
fn collect(
    item: &Item,
    certain: bool,
    captures: &mut Vec<String>,
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
            }
            for child in children {
                collect(child, certain, captures, predicates);
            }
        }
        Item::Alternation { branches } => {
            for branch in branches {
                collect(branch, false, captures, predicates);
            }
        }
        Item::Predicate { name, args } => predicates.push((name.clone(), args.clone())),
        Item::Other => {}
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
            Token::Str(_) | Token::Word(_) => Item::Other,
        };
        loop {
            match self.peek() {
                Some(Token::Quantifier) => {
                    self.at += 1;
                    match &mut item {
                        Item::Node { quantified, .. } => *quantified = true,
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

/// Whether `word` occurs in `text` as a whole token: not preceded or
/// followed by an identifier character when it starts or ends with one.
fn has_token(text: &str, word: &str) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (word.as_bytes().first(), word.as_bytes().last()) else {
        return true;
    };
    text.match_indices(word).any(|(at, _)| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        let after = bytes.get(at + word.len());
        let joined_before = ident(first) && before.is_some_and(|&b| ident(b));
        let joined_after = ident(last) && after.is_some_and(|&b| ident(b));
        !joined_before && !joined_after
    })
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
        assert_eq!(words(optional), vec![vec!["make".to_string()]]);
        let alternative = r#"(call_expression function: [(identifier) @f (selector_expression)]
            (#eq? @f "close"))"#;
        assert!(words(alternative).is_empty());
        let repeated = r#"(block ((identifier) @f)* (#eq? @f "x"))"#;
        assert!(words(repeated).is_empty());
        let negated = r#"(identifier) @f (#not-eq? @f "x")"#;
        assert!(words(negated).is_empty());
    }

    #[test]
    fn admits_text_with_the_word_as_a_token() {
        let g = Gate {
            kind: "call_expression".into(),
            words: vec![vec!["close".into()], vec!["0".into()]],
        };
        assert!(g.admits("close(ch, 0)"));
        assert!(!g.admits("closed(ch, 0)"));
        assert!(!g.admits("x.close(ch, 10)"));
        assert!(g.admits("x.close(ch, 10, 0)"));
    }
}
