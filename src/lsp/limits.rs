//! Limits that keep the server responsive on hostile documents: the
//! largest text it analyses and the most diagnostics it publishes per
//! document. They are editor settings of the `gohint` section
//! (`maxFileSize`, `maxDiagnostics`; 0 turns a limit off); `gohint --check`
//! has no such limits.

use serde_json::Value;

/// The settings keys, as the editor sends them.
pub(crate) const MAX_FILE_SIZE: &str = "maxFileSize";
pub(crate) const MAX_DIAGNOSTICS: &str = "maxDiagnostics";

/// Bytes in a kilobyte (sizes count in powers of two, as editors show them).
const KB: u64 = 1024;
/// Bytes in a megabyte.
const MB: u64 = 1024 * KB;

/// The server's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Documents longer than this many bytes are not analysed.
    pub max_file_size: Limit,
    /// At most this many diagnostics are published per document.
    pub max_diagnostics: Limit,
}

/// One limit: a number, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit(Option<u64>);

impl Limit {
    /// The limit a setting asks for: 0 means none.
    fn from_setting(n: u64) -> Limit {
        Limit((n > 0).then_some(n))
    }

    /// Whether `n` goes over the limit.
    pub fn exceeded_by(self, n: usize) -> bool {
        self.0.is_some_and(|max| n as u64 > max)
    }

    /// How many of `n` items fit under the limit.
    pub fn cap(self, n: usize) -> usize {
        self.0
            .map_or(n, |max| n.min(usize::try_from(max).unwrap_or(usize::MAX)))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: Limit(Some(10 * MB)),
            max_diagnostics: Limit(Some(1000)),
        }
    }
}

impl Limits {
    /// Reads the limits from the `gohint` settings section (or an object
    /// holding it under `gohint`) and returns the settings without them,
    /// for the shared configuration reader. Missing values keep their
    /// defaults; so do bad ones, which are described in the warnings.
    pub fn split(value: &Value) -> (Limits, Value, Vec<String>) {
        let mut rest = value.clone();
        let section = match rest.get_mut("gohint") {
            Some(Value::Object(s)) => Some(s),
            Some(_) => None,
            None => rest.as_object_mut(),
        };
        let mut limits = Limits::default();
        let mut warnings = Vec::new();
        if let Some(section) = section {
            if let Some(v) = section.remove(MAX_FILE_SIZE) {
                match size(&v) {
                    Some(n) => limits.max_file_size = Limit::from_setting(n),
                    None => warnings.push(bad(
                        MAX_FILE_SIZE,
                        &v,
                        "a size in bytes or a string such as \"20 MB\"",
                        &describe_size(limits.max_file_size),
                    )),
                }
            }
            if let Some(v) = section.remove(MAX_DIAGNOSTICS) {
                match v.as_u64() {
                    Some(n) => limits.max_diagnostics = Limit::from_setting(n),
                    None => warnings.push(bad(
                        MAX_DIAGNOSTICS,
                        &v,
                        "a whole number",
                        &limits.max_diagnostics.0.unwrap_or(0).to_string(),
                    )),
                }
            }
        }
        (limits, rest, warnings)
    }

    /// What the user is told about a document of `len` bytes that is over
    /// `maxFileSize`.
    pub fn too_large(&self, len: usize) -> String {
        format!(
            "this file is {} ({len} bytes), over gohint.maxFileSize ({}): it is not analysed. \
             Raise gohint.maxFileSize (0 for no limit) to analyse it.",
            human_size(len as u64),
            describe_size(self.max_file_size),
        )
    }

    /// What the user is told when `hidden` of `total` diagnostics are not
    /// published.
    pub fn capped(&self, hidden: usize, total: usize) -> String {
        format!(
            "gohint found {total} problems in this file; the {hidden} from here on are not shown \
             (gohint.maxDiagnostics is {}; raise it, or 0 for no limit, to see them all)",
            self.max_diagnostics.0.unwrap_or(0)
        )
    }
}

/// The warning for a bad value of `key`.
fn bad(key: &str, value: &Value, expected: &str, default: &str) -> String {
    format!("settings: `gohint.{key}` = {value} is not {expected}; using the default ({default})")
}

/// A size setting in bytes: a whole number, or a string of a number and a
/// unit (`B`, `KB`, `MB`, `GB`; case and spaces do not matter).
fn size(value: &Value) -> Option<u64> {
    if let Some(n) = value.as_u64() {
        return Some(n);
    }
    let text = value.as_str()?.trim().to_ascii_uppercase();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit = match unit.trim() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => KB,
        "M" | "MB" | "MIB" => MB,
        "G" | "GB" | "GIB" => 1024 * MB,
        _ => return None,
    };
    let bytes = number.parse::<f64>().ok()? * unit as f64;
    (bytes.is_finite() && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// A size for people: `10 MB`, `2.5 MB`, `512 KB`, `2000 bytes`.
fn human_size(bytes: u64) -> String {
    if bytes >= MB {
        let s = format!("{:.1}", bytes as f64 / MB as f64);
        format!("{} MB", s.strip_suffix(".0").unwrap_or(&s))
    } else if bytes >= KB && bytes % KB == 0 {
        format!("{} KB", bytes / KB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The size limit for people.
fn describe_size(limit: Limit) -> String {
    limit.0.map_or_else(|| "none".to_string(), human_size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_come_out_of_the_section_or_its_parent() {
        let (limits, rest, warnings) = Limits::split(
            &json!({"gohint": {"maxFileSize": 100, "maxDiagnostics": 5, "goVersion": "1.22"}}),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(limits.max_file_size.exceeded_by(101));
        assert!(!limits.max_file_size.exceeded_by(100));
        assert_eq!(limits.max_diagnostics.cap(50), 5);
        assert_eq!(rest, json!({"gohint": {"goVersion": "1.22"}}));
        let (limits, rest, _) = Limits::split(&json!({"maxDiagnostics": 7}));
        assert_eq!(limits.max_diagnostics.cap(50), 7);
        assert_eq!(rest, json!({}));
        assert_eq!(Limits::split(&json!(null)).0, Limits::default());
        assert_eq!(Limits::split(&json!({"gohint": []})).0, Limits::default());
    }

    #[test]
    fn sizes_take_units_and_zero_means_no_limit() {
        let max = |v: Value| Limits::split(&json!({ "maxFileSize": v })).0.max_file_size;
        assert_eq!(max(json!("20 MB")), Limit(Some(20 * MB)));
        assert_eq!(max(json!("1.5mb")), Limit(Some(3 * MB / 2)));
        assert_eq!(max(json!("512KB")), Limit(Some(512 * KB)));
        assert_eq!(max(json!("2000")), Limit(Some(2000)));
        assert_eq!(max(json!(0)), Limit(None));
        assert!(!max(json!(0)).exceeded_by(usize::MAX));
        let (limits, _, _) = Limits::split(&json!({"maxDiagnostics": 0}));
        assert_eq!(limits.max_diagnostics.cap(50_000), 50_000);
    }

    #[test]
    fn bad_limits_warn_and_keep_the_default() {
        let (limits, _, warnings) =
            Limits::split(&json!({"maxFileSize": "huge", "maxDiagnostics": -3}));
        assert_eq!(limits, Limits::default());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("`gohint.maxFileSize` = \"huge\"")
                && warnings[0].contains("(10 MB)"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("`gohint.maxDiagnostics` = -3") && warnings[1].contains("(1000)"),
            "{warnings:?}"
        );
    }

    #[test]
    fn messages_name_the_size_and_the_setting() {
        let limits = Limits::default();
        let m = limits.too_large(25 * MB as usize + 1);
        assert!(
            m.contains("25 MB (26214401 bytes)") && m.contains("gohint.maxFileSize (10 MB)"),
            "{m}"
        );
        let m = limits.capped(49_000, 50_000);
        assert!(
            m.contains("50000 problems")
                && m.contains("the 49000 from here on")
                && m.contains("gohint.maxDiagnostics is 1000"),
            "{m}"
        );
        assert_eq!(human_size(2000), "2000 bytes");
        assert_eq!(human_size(3 * KB), "3 KB");
        assert_eq!(human_size(5 * MB / 2), "2.5 MB");
    }
}
