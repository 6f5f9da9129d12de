// Mapping VS Code's `gohint.*` settings to the server's `gohint` settings
// section. Only values the user set explicitly are sent, so that a rule left
// at its default can still be configured by the workspace's gohint.toml,
// which `gohint --check` in CI reads too.

/** The values of `gohint.rules.<slug>`. */
export const SEVERITIES = ["off", "hint", "info", "warning", "error"] as const;

/** One setting's explicitly set values, as `WorkspaceConfiguration.inspect` returns them. */
export interface Inspection {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Looks up a key of the `gohint` section (e.g. `rules`, `goVersion`). */
export type Inspect = (key: string) => Inspection | undefined;

/** The server's `gohint` settings section. */
export interface ServerSettings {
  /** Severity overrides by rule slug. */
  rules: Record<string, string>;
  /** Go language version override, e.g. `1.21`. */
  goVersion?: string;
  /** Base URL of the rule documentation pages. */
  docsBaseUrl?: string;
  /** Largest document analysed, in bytes (0: no limit). */
  maxFileSize?: number;
  /** Most diagnostics published per document (0: no limit). */
  maxDiagnostics?: number;
  /** Default levels of the rule groups: `ci` or `learn`. */
  preset?: string;
  /** Levels by rule group, over the preset. */
  groups?: Record<string, string>;
  /** How rules quieter in tests report in `_test.go` files. */
  tests?: string;
  /** How the rules report in generated files: `same`, `bugs` or `skip`. */
  generated?: string;
  /** Which constructs get a concept hover: `first`, `all` or `off`. */
  hoverConcepts?: string;
}

/** The values of `gohint.preset`. */
export const PRESETS = ["ci", "learn"] as const;
/** The rule groups of `gohint.groups`. */
export const GROUPS = ["correctness", "suspicious", "performance", "pedantic"] as const;
/** The values of `gohint.tests`. */
export const TESTS = ["same", "lower", "skip"] as const;
/** The values of `gohint.generated`. */
export const GENERATED = ["same", "bugs", "skip"] as const;
/** The values of `gohint.hoverConcepts`. */
export const HOVER_CONCEPTS = ["first", "all", "off"] as const;

/** Settings for the server, and what was wrong with the user's values. */
export interface Mapped {
  settings: ServerSettings;
  problems: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The most specific explicitly set value: folder, then workspace, then user. */
function explicit(i: Inspection | undefined): unknown {
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/** Builds the server's settings from VS Code's configuration. */
export function serverSettings(inspect: Inspect): Mapped {
  const problems: string[] = [];
  const rules: Record<string, string> = {};
  const levels = inspect("rules");
  for (const level of [levels?.globalValue, levels?.workspaceValue, levels?.workspaceFolderValue]) {
    if (!isObject(level)) {
      continue;
    }
    for (const [slug, value] of Object.entries(level)) {
      if (typeof value === "string" && (SEVERITIES as readonly string[]).includes(value)) {
        rules[slug] = value;
      } else {
        problems.push(`"gohint.rules.${slug}" is ${JSON.stringify(value)}, not one of ${SEVERITIES.join(", ")}: the rule keeps its default severity`);
      }
    }
  }
  const settings: ServerSettings = { rules };

  const goVersion = explicit(inspect("goVersion"));
  if (typeof goVersion === "string" && goVersion.trim() !== "") {
    const v = goVersion.trim().replace(/^go/, "");
    if (/^1\.\d+$/.test(v)) {
      settings.goVersion = v;
    } else {
      problems.push(`"gohint.goVersion" is "${goVersion}", not a Go version such as 1.22: using go.mod's`);
    }
  }

  const docs = explicit(inspect("docsBaseUrl"));
  if (typeof docs === "string" && docs.trim() !== "") {
    let url: URL | undefined;
    try {
      url = new URL(docs.trim());
    } catch {
      url = undefined;
    }
    if (url && ["http:", "https:", "file:"].includes(url.protocol)) {
      settings.docsBaseUrl = docs.trim();
    } else {
      problems.push(`"gohint.docsBaseUrl" is "${docs}", not an http(s) or file URL: using the default`);
    }
  }

  for (const key of ["maxFileSize", "maxDiagnostics"] as const) {
    const value = explicit(inspect(key));
    if (value === undefined) {
      continue;
    }
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) {
      settings[key] = value;
    } else {
      problems.push(`"gohint.${key}" is ${JSON.stringify(value)}, not a whole number of 0 or more: using the default`);
    }
  }
  for (const [key, allowed] of [
    ["preset", PRESETS],
    ["tests", TESTS],
    ["generated", GENERATED],
    ["hoverConcepts", HOVER_CONCEPTS],
  ] as const) {
    const value = explicit(inspect(key));
    if (value === undefined) {
      continue;
    }
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) {
      settings[key] = value;
    } else {
      problems.push(`"gohint.${key}" is ${JSON.stringify(value)}, not one of ${allowed.join(", ")}: using the default`);
    }
  }

  const groups: Record<string, string> = {};
  const levelsByGroup = inspect("groups");
  for (const level of [levelsByGroup?.globalValue, levelsByGroup?.workspaceValue, levelsByGroup?.workspaceFolderValue]) {
    if (!isObject(level)) {
      continue;
    }
    for (const [group, value] of Object.entries(level)) {
      if (!(GROUPS as readonly string[]).includes(group)) {
        problems.push(`"gohint.groups.${group}" names no rule group (${GROUPS.join(", ")}): ignored`);
      } else if (typeof value === "string" && (SEVERITIES as readonly string[]).includes(value)) {
        groups[group] = value;
      } else {
        problems.push(`"gohint.groups.${group}" is ${JSON.stringify(value)}, not one of ${SEVERITIES.join(", ")}: the group keeps its level`);
      }
    }
  }
  if (Object.keys(groups).length > 0) {
    settings.groups = groups;
  }
  return { settings, problems };
}

/**
 * The settings to send after `previous` was sent: `next`, plus `null` for
 * every key (and every rule or group entry) that was sent before and is no
 * longer set, since the server merges what it receives key by key and a
 * key left out would keep its old value.
 */
export function withResets(previous: ServerSettings | undefined, next: ServerSettings): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const key of Object.keys(previous ?? {}) as (keyof ServerSettings)[]) {
    const before = previous?.[key];
    const after = next[key];
    if (after === undefined) {
      patch[key] = null;
    } else if (isObject(before) && isObject(after)) {
      const nested: Record<string, unknown> = { ...after };
      for (const entry of Object.keys(before)) {
        if (!(entry in after)) {
          nested[entry] = null;
        }
      }
      patch[key] = nested;
    }
  }
  return patch;
}
