//! The VS Code extension's `gohint.preset`, `gohint.groups`, `gohint.tests`,
//! `gohint.generated` and `gohint.rules.<slug>` settings match the rule registry and presets.
//! When a rule is added or changed, regenerate them with
//! `GOHINT_BLESS=1 cargo test --test it vscode_settings::`.

use gohint::analysis::generated::Generated;
use gohint::analysis::{Group, Rule, Severity};
use gohint::rules::preset::{Preset, Tests, QUIETER_IN_TESTS};
use gohint::rules::RULES;
use serde_json::{json, Map, Value};
use std::path::Path;

const PREFIX: &str = "gohint.rules.";

/// `package.json` with its rule settings regenerated from [`RULES`]: every
/// other setting is kept in place, the rule settings follow in registry order.
fn regenerate(manifest: &str) -> Result<String, String> {
    let mut doc: Value =
        serde_json::from_str(manifest).map_err(|e| format!("package.json is not JSON: {e}"))?;
    let properties = doc
        .pointer_mut("/contributes/configuration/properties")
        .and_then(Value::as_object_mut)
        .ok_or("package.json has no contributes.configuration.properties object")?;
    let kept: Map<String, Value> = std::mem::take(properties)
        .into_iter()
        .filter(|(k, _)| !k.starts_with(PREFIX) && !LEVEL_KEYS.contains(&k.as_str()))
        .collect();
    *properties = kept;
    let levels: Vec<&str> = std::iter::once("off")
        .chain(Severity::ALL.iter().map(|s| s.name()))
        .collect();
    let presets: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
    properties.insert(
        "gohint.preset".into(),
        json!({
            "type": "string",
            "enum": presets,
            "default": Preset::Learn.name(),
            "enumDescriptions": Preset::ALL.iter().map(|p| preset_levels(*p)).collect::<Vec<_>>(),
            "markdownDescription": "The default level of each rule group: `learn` turns every rule on with teaching notes as hints; `ci` is what `gohint --check` uses. `gohint.groups` and `gohint.rules` win over it.",
        }),
    );
    let groups: Map<String, Value> = Group::ALL
        .iter()
        .map(|g| {
            let schema = json!({
                "type": "string",
                "enum": levels,
                "description": format!("{}: {}", g.description(), members(*g)),
            });
            (g.name().to_string(), schema)
        })
        .collect();
    properties.insert(
        "gohint.groups".into(),
        json!({
            "type": "object",
            "default": {},
            "additionalProperties": false,
            "properties": groups,
            "markdownDescription": "The level of every rule of a group, over `gohint.preset`; `gohint.rules` wins over it.",
        }),
    );
    properties.insert(
        "gohint.tests".into(),
        json!({
            "type": "string",
            "enum": Tests::ALL.iter().map(|t| t.name()).collect::<Vec<_>>(),
            "default": Tests::default().name(),
            "markdownDescription": format!(
                "How {} report in `_test.go` files, where their findings are mostly deliberate: as elsewhere (`same`), one level lower (`lower`) or not at all (`skip`).",
                QUIETER_IN_TESTS.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            ),
        }),
    );
    properties.insert(
        "gohint.generated".into(),
        json!({
            "type": "string",
            "enum": Generated::ALL.iter().map(|g| g.name()).collect::<Vec<_>>(),
            "default": Generated::default().name(),
            "markdownDescription": "How the rules report in generated files (marked `// Code generated … DO NOT EDIT.` before the package clause): as elsewhere (`same`), only the `correctness` and `suspicious` groups, whose findings are bugs to fix in the generator (`bugs`), or not at all (`skip`).",
        }),
    );
    for rule in RULES {
        properties.insert(
            format!("{PREFIX}{}", rule.slug),
            json!({
                "type": "string",
                "enum": levels,
                "default": Preset::Learn.level(rule).name(),
                "description": rule_description(rule),
            }),
        );
    }
    serde_json::to_string_pretty(&doc)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// The settings besides `gohint.rules.*` that are generated here.
const LEVEL_KEYS: &[&str] = &[
    "gohint.preset",
    "gohint.groups",
    "gohint.tests",
    "gohint.generated",
];

/// A rule setting's description: what it flags, its group and its level
/// under each preset.
fn rule_description(rule: &Rule) -> String {
    let presets: Vec<String> = Preset::ALL
        .iter()
        .map(|p| format!("{} {}", p.level(rule).name(), p.name()))
        .collect();
    format!(
        "{} (group {}; default: {})",
        rule.summary,
        rule.group.name(),
        presets.join(", ")
    )
}

/// The rules of `group`, by slug.
fn members(group: Group) -> String {
    let slugs: Vec<&str> = RULES
        .iter()
        .filter(|r| r.group == group)
        .map(|r| r.slug)
        .collect();
    slugs.join(", ")
}

/// What a preset gives each group.
fn preset_levels(preset: Preset) -> String {
    let levels: Vec<String> = Group::ALL
        .iter()
        .map(|g| format!("{} {}", g.name(), preset.group_level(*g).name()))
        .collect();
    levels.join(", ")
}

#[test]
fn package_json_rule_settings_match_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/package.json");
    let current = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let expected = regenerate(&current).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if current == expected {
        return;
    }
    if std::env::var_os("GOHINT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &expected)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let first_diff = current
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0)
        + 1;
    panic!(
        "{} is stale (first difference at line {first_diff}): its gohint.rules.* settings must match the rule registry.\n\
         Regenerate them with: GOHINT_BLESS=1 cargo test --test it vscode_settings::",
        path.display()
    );
}

#[test]
fn regeneration_replaces_stale_rule_settings_and_keeps_the_rest() {
    let stale = r#"{
  "name": "x",
  "contributes": {
    "configuration": {
      "properties": {
        "gohint.path": {
          "type": "string"
        },
        "gohint.rules.removed-rule": {
          "type": "string"
        },
        "gohint.zzz": {
          "type": "boolean"
        }
      }
    }
  }
}
"#;
    let out = regenerate(stale).expect("regenerates");
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    let props = doc
        .pointer("/contributes/configuration/properties")
        .and_then(Value::as_object)
        .expect("properties");
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    assert_eq!(&keys[..2], ["gohint.path", "gohint.zzz"]);
    assert!(!keys.contains(&"gohint.rules.removed-rule"));
    assert_eq!(keys.len(), 2 + LEVEL_KEYS.len() + RULES.len());
    assert_eq!(&keys[2..2 + LEVEL_KEYS.len()], LEVEL_KEYS);
    assert_eq!(props["gohint.preset"]["enum"], json!(["ci", "learn"]));
    assert_eq!(
        props["gohint.groups"]["properties"]["pedantic"]["enum"],
        json!(["off", "hint", "info", "warning", "error"])
    );
    for rule in RULES {
        let p = &props[&format!("{PREFIX}{}", rule.slug)];
        assert_eq!(p["default"], Preset::Learn.level(rule).name());
        let description = p["description"].as_str().unwrap_or_default();
        assert!(
            description.starts_with(rule.summary) && description.contains(rule.group.name()),
            "{description}"
        );
        assert_eq!(
            p["enum"],
            json!(["off", "hint", "info", "warning", "error"])
        );
    }
    assert_eq!(regenerate(&out).expect("idempotent"), out);
    assert!(regenerate("[]").is_err());
}
