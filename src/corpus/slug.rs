//! GitHub-style heading slugs.

/// The anchor GitHub gives a heading: lower case, punctuation dropped
/// (letters, digits, `-` and `_` kept), each space a `-`.
pub fn slugify(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn github_style() {
        assert_eq!(
            slugify("What's the difference between buffered and unbuffered channels?"),
            "whats-the-difference-between-buffered-and-unbuffered-channels"
        );
        assert_eq!(
            slugify("What is the difference between `go build` and `go run` ?"),
            "what-is-the-difference-between-go-build-and-go-run-"
        );
        assert_eq!(
            slugify("What is the purpose of the init() function?"),
            "what-is-the-purpose-of-the-init-function"
        );
    }
}
