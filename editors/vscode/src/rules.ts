// The rule list printed by `gohint --list-rules`, for the "Explain rule…" picker.

/** One rule of `gohint --list-rules`. */
export interface RuleInfo {
  slug: string;
  severity: string;
  question: string;
}

/**
 * Parses `gohint --list-rules` output (`slug  group  ci-level  learn-level  question`
 * per line, or `slug  severity  question` from older binaries); the severity is the
 * `learn` preset's, the editor's default.
 */
export function parseRuleList(output: string): RuleInfo[] {
  const rules: RuleInfo[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^([a-z0-9-]+)\s+(?:(?:correctness|suspicious|performance|pedantic)\s+(?:hint|info|warning|error)\s+)?(hint|info|warning|error)\b\s*(.*)$/.exec(line.trim());
    if (m) {
      rules.push({ slug: m[1], severity: m[2], question: m[3].trim() });
    }
  }
  return rules;
}

/** Orders `rules` so that the slugs in `first` (e.g. flagged under the cursor) come first. */
export function prioritize(rules: RuleInfo[], first: string[]): RuleInfo[] {
  const rank = (r: RuleInfo) => {
    const i = first.indexOf(r.slug);
    return i < 0 ? first.length : i;
  };
  return rules
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => r);
}
