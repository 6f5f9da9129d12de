//! The Go code blocks of a corpus, ready to compile: each block with the
//! question it answers, the output its text claims, and a complete program
//! made of it (a fragment's declarations go to package level, its statements
//! into `func main`, and the standard-library packages it names are imported).
//! Pure: the CLI's `gohint corpus check` compiles and runs them.

use super::Corpus;

/// A fenced ```go block of a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoBlock {
    /// 1-based line of the opening fence in the corpus text.
    pub line: usize,
    /// Id of the question whose answer holds it (empty before the first question).
    pub question: String,
    /// The code, dedented to the fence.
    pub code: String,
    /// Whether the block is a whole `package main` with a `func main`.
    pub program: bool,
    /// The output the text claims, one line each: an unlabelled fenced block
    /// right after it (under an "Output" heading or a "The output will be:"
    /// line), else the `// Output: …` comments of its lines, in order.
    pub claims: Vec<String>,
}

/// Standard-library packages a fragment may use without importing them,
/// by the name it calls them.
const IMPORTS: &[(&str, &str)] = &[
    ("atomic", "sync/atomic"),
    ("bytes", "bytes"),
    ("context", "context"),
    ("debug", "runtime/debug"),
    ("errors", "errors"),
    ("fmt", "fmt"),
    ("io", "io"),
    ("os", "os"),
    ("pprof", "runtime/pprof"),
    ("reflect", "reflect"),
    ("runtime", "runtime"),
    ("strings", "strings"),
    ("sync", "sync"),
    ("syscall", "syscall"),
    ("time", "time"),
    ("trace", "runtime/trace"),
    ("unsafe", "unsafe"),
];

/// Every Go block of `source`, the corpus text that `corpus` was parsed from.
pub fn go_blocks(source: &str, corpus: &Corpus) -> Vec<GoBlock> {
    let lines: Vec<&str> = source.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, lang)) = fence(lines[i]) else {
            i += 1;
            continue;
        };
        let end = (i + 1..lines.len())
            .find(|&j| fence(lines[j]).is_some_and(|(_, l)| l.is_empty()))
            .unwrap_or(lines.len());
        if lang == "go" {
            let code = dedent(&lines[i + 1..end], indent);
            let question = corpus
                .questions
                .iter()
                .rev()
                .find(|q| q.line <= i + 1)
                .map_or_else(String::new, |q| q.id.clone());
            let after = lines.get(end + 1..).unwrap_or_default();
            let claims = claimed_output(after).unwrap_or_else(|| output_comments(&code));
            blocks.push(GoBlock {
                line: i + 1,
                question,
                program: is_program(&code),
                code,
                claims,
            });
        }
        i = end + 1;
    }
    blocks
}

/// The indentation and language of a fence line.
fn fence(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    let lang = trimmed.strip_prefix("```")?;
    Some((line.len() - trimmed.len(), lang.trim()))
}

/// `lines` without the first `indent` columns of white space.
fn dedent(lines: &[&str], indent: usize) -> String {
    lines
        .iter()
        .map(|l| {
            let strip = (l.len() - l.trim_start().len()).min(indent);
            l.get(strip..).unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_program(code: &str) -> bool {
    code.lines().any(|l| l.starts_with("package main"))
        && code.lines().any(|l| l.starts_with("func main()"))
}

/// The lines of an unlabelled fenced block that follows a block, when only
/// blank lines, an "Output" heading or a lead-in line stand between them.
fn claimed_output(after: &[&str]) -> Option<Vec<String>> {
    let mut k = 0;
    while let Some(line) = after.get(k) {
        let t = line.trim();
        let lead = t.is_empty()
            || (t.starts_with('#') && t.to_lowercase().contains("output"))
            || (t.to_lowercase().contains("output") && t.ends_with(':'));
        if !lead {
            break;
        }
        k += 1;
    }
    let (_, lang) = fence(after.get(k)?)?;
    if !lang.is_empty() {
        return None;
    }
    let body: Vec<String> = after
        .get(k + 1..)?
        .iter()
        .take_while(|l| fence(l).is_none())
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (!body.is_empty()).then_some(body)
}

/// The `// Output: …` comments of `code`, in order.
fn output_comments(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|l| {
            l.split_once("// Output:")
                .map(|(_, out)| out.trim().to_string())
        })
        .collect()
}

/// A complete Go program made of `block`.
pub fn program(block: &GoBlock) -> String {
    let (decls, stmts) = if block.program {
        (block.code.clone(), String::new())
    } else {
        split(&block.code)
    };
    let body = if block.program {
        decls
    } else {
        let main = if decls.lines().any(|l| l.starts_with("func main()")) {
            String::new()
        } else {
            format!("\nfunc main() {{\n{stmts}\n}}\n")
        };
        format!("package main\n\n{decls}\n{main}")
    };
    with_imports(&body)
}

/// A fragment's top-level declarations and its statements.
fn split(code: &str) -> (String, String) {
    let lines: Vec<&str> = code.lines().collect();
    let (mut decls, mut stmts) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let starts_decl = ["func ", "type ", "var ", "const ", "import "]
            .iter()
            .any(|k| l.starts_with(k))
            && !l.starts_with("func(");
        if !starts_decl {
            stmts.push(l);
            i += 1;
            continue;
        }
        // A declaration runs until its brackets balance.
        let mut depth = 0i64;
        let start = i;
        while i < lines.len() {
            depth += bracket_balance(lines[i]);
            i += 1;
            if depth <= 0 {
                break;
            }
        }
        decls.extend_from_slice(&lines[start..i]);
    }
    (decls.join("\n"), stmts.join("\n"))
}

/// Opening minus closing brackets of `line`, outside strings and comments.
fn bracket_balance(line: &str) -> i64 {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), '\\') if q != '`' => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '/') if chars.peek() == Some(&'/') => break,
            (None, '{' | '(' | '[') => depth += 1,
            (None, '}' | ')' | ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// `source` with an import of every known standard package it names and
/// does not import yet.
fn with_imports(source: &str) -> String {
    let missing: Vec<&str> = IMPORTS
        .iter()
        .filter(|(name, path)| {
            names_package(source, name) && !source.contains(&format!("\"{path}\""))
        })
        .map(|(_, path)| *path)
        .collect();
    if missing.is_empty() {
        return source.to_string();
    }
    let imports: String = missing
        .iter()
        .map(|p| format!("import \"{p}\"\n"))
        .collect();
    match source.split_once('\n') {
        Some((package, rest)) => format!("{package}\n\n{imports}{rest}"),
        None => format!("{source}\n\n{imports}"),
    }
}

/// Whether `source` uses `name.` as a package selector (not as part of a
/// longer identifier).
fn names_package(source: &str, name: &str) -> bool {
    let pattern = format!("{name}.");
    source.match_indices(&pattern).any(|(at, _)| {
        !source[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(src: &str) -> Vec<GoBlock> {
        go_blocks(src, &crate::corpus::parse(src))
    }

    #[test]
    fn finds_blocks_their_question_and_claimed_output() {
        let src = "## A\n### Q one?\n\ntext\n\n```go\npackage main\n\nfunc main() { println(1) }\n```\n\n#### Output\n\n```\n1\n```\n\n### Q two?\n\n   ```go\n   x := 1 // Output: 1\n   ```\n\n```bash\ngo run .\n```\n";
        let b = blocks(src);
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].line, b[0].question.as_str(), b[0].program),
            (6, "q-one", true)
        );
        assert_eq!(b[0].claims, ["1"]);
        assert_eq!((b[1].question.as_str(), b[1].program), ("q-two", false));
        assert_eq!(b[1].code, "x := 1 // Output: 1");
        assert_eq!(b[1].claims, ["1"]);
    }

    #[test]
    fn fragments_become_programs_with_their_imports() {
        let block = GoBlock {
            line: 1,
            question: String::new(),
            code: "func add(a, b int) int {\n\treturn a + b\n}\n\nfmt.Println(add(1, 2)) // Output: 3\nvar mu sync.Mutex"
                .into(),
            program: false,
            claims: vec!["3".into()],
        };
        let p = program(&block);
        assert!(
            p.starts_with("package main\n\nimport \"fmt\"\nimport \"sync\"\n"),
            "{p}"
        );
        assert!(
            p.contains("func add(a, b int) int {\n\treturn a + b\n}"),
            "{p}"
        );
        assert!(p.contains("func main() {\n\nfmt.Println(add(1, 2))"), "{p}");
        assert!(p.contains("var mu sync.Mutex"), "{p}");
    }

    #[test]
    fn selectors_of_other_names_are_no_imports() {
        assert!(!names_package("myfmt.Println()", "fmt"));
        assert!(!names_package("x.fmt.Println()", "fmt"));
        assert!(names_package("(fmt.Println())", "fmt"));
    }
}
