import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRuleList, prioritize } from "../src/rules";

const LIST = [
  "double-close   error    What issues can arise with a closed channel?",
  "unused-ignore  hint     What is the purpose of the go vet command?",
  "",
  "gohint: something unexpected",
].join("\n");

describe("parseRuleList", () => {
  it("reads slug, severity and question per line and skips anything else", () => {
    assert.deepEqual(parseRuleList(LIST), [
      { slug: "double-close", severity: "error", question: "What issues can arise with a closed channel?" },
      { slug: "unused-ignore", severity: "hint", question: "What is the purpose of the go vet command?" },
    ]);
    assert.deepEqual(parseRuleList(LIST.replace(/\n/g, "\r\n")).length, 2);
  });

  it("reads the learn preset's level from the group and per-preset columns", () => {
    const list = "rule           group       ci    learn    learn from\ndefer-in-loop  suspicious  info  warning  How does Go handle panics?\n";
    assert.deepEqual(parseRuleList(list), [
      { slug: "defer-in-loop", severity: "warning", question: "How does Go handle panics?" },
    ]);
  });

  it("keeps a rule whose question is missing", () => {
    assert.deepEqual(parseRuleList("new-rule  warning\n"), [{ slug: "new-rule", severity: "warning", question: "" }]);
  });
});

describe("prioritize", () => {
  it("puts the rules flagged at the cursor first, otherwise keeps the order", () => {
    const rules = parseRuleList(LIST);
    assert.deepEqual(
      prioritize(rules, ["unused-ignore"]).map((r) => r.slug),
      ["unused-ignore", "double-close"],
    );
    assert.deepEqual(
      prioritize(rules, []).map((r) => r.slug),
      ["double-close", "unused-ignore"],
    );
  });
});
