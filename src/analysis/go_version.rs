//! Go language versions, as `go.mod` and build constraints name them.

/// A Go release, `1.minor` (patch levels do not change the language).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoVersion {
    /// Major version (1).
    pub major: u32,
    /// Minor version (22 for Go 1.22).
    pub minor: u32,
}

impl GoVersion {
    /// Parses `1.22`, `1.22.3`, `go1.22` or `1.23rc1`.
    pub fn parse(s: &str) -> Option<GoVersion> {
        let s = s.trim().trim_start_matches("go");
        let mut parts = s.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_text = parts.next().unwrap_or("0");
        let digits: String = minor_text
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        Some(GoVersion {
            major,
            minor: digits.parse().ok()?,
        })
    }

    /// The `go` directive of a `go.mod` file.
    pub fn from_go_mod(go_mod: &str) -> Option<GoVersion> {
        go_mod
            .lines()
            .find_map(|l| l.trim().strip_prefix("go ").map(str::trim))
            .and_then(GoVersion::parse)
    }

    /// The version a `//go:build go1.N` constraint (before the package
    /// clause) requires, if the file has one.
    pub fn from_build_constraint(src: &str) -> Option<GoVersion> {
        let line = src
            .lines()
            .take_while(|l| !l.trim_start().starts_with("package"))
            .find_map(|l| l.trim().strip_prefix("//go:build "))?;
        line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .filter(|t| t.starts_with("go1."))
            .filter_map(GoVersion::parse)
            .max()
    }

    /// Whether this is older than `major.minor`.
    pub fn before(self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) < (major, minor)
    }
}

impl std::fmt::Display for GoVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::GoVersion;

    #[test]
    fn parses_versions() {
        assert_eq!(
            GoVersion::parse("1.22.3"),
            Some(GoVersion {
                major: 1,
                minor: 22
            })
        );
        assert_eq!(
            GoVersion::from_go_mod("module x\n\ngo 1.21\n"),
            Some(GoVersion {
                major: 1,
                minor: 21
            })
        );
        let src = "//go:build linux && go1.21\n\npackage x\n";
        assert_eq!(
            GoVersion::from_build_constraint(src),
            Some(GoVersion {
                major: 1,
                minor: 21
            })
        );
        assert!(GoVersion {
            major: 1,
            minor: 21
        }
        .before(1, 22));
    }
}
