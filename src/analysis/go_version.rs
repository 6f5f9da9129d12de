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
    /// Parses `1.22`, `1.22.3`, `go1.22`, `1.23rc1` or `1.21beta2`; nothing
    /// else (`1.21.x`, `1.22-foo` and `1` are no Go versions).
    pub fn parse(s: &str) -> Option<GoVersion> {
        let s = s.trim();
        let s = s.strip_prefix("go").unwrap_or(s);
        let (major, rest) = s.split_once('.')?;
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (minor, tail) = rest.split_at(digits);
        let number = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let tail_ok = tail.is_empty()
            || [".", "rc", "beta"]
                .iter()
                .any(|p| tail.strip_prefix(p).is_some_and(number));
        if !number(major) || !tail_ok {
            return None;
        }
        Some(GoVersion {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    /// The version of a `go.mod` `go` directive's value, after any `//`
    /// comment is cut off.
    pub fn from_directive(value: &str) -> Option<GoVersion> {
        GoVersion::parse(value.split("//").next().unwrap_or(value))
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
            GoVersion::from_directive("1.21 // pinned"),
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
        for good in ["1.21", "1.21.0", "go1.21", "1.21rc1", "1.21beta2", " 1.21 "] {
            assert_eq!(GoVersion::parse(good).map(|v| v.minor), Some(21), "{good}");
        }
        for bad in [
            "1.21.x", "1.21-pre", "1", "1.", "x.21", "1.21.", "1.21rc", "1.21.3.4",
        ] {
            assert_eq!(GoVersion::parse(bad), None, "{bad}");
        }
    }
}
