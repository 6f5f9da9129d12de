import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emptyMessage, groupConcepts, groupTooltip, hitLabel, parseConcepts, plainLabel } from "../src/concepts";

const at = (line: number, character: number, length = 2) => ({ start: { line, character }, end: { line, character: character + length } });

// As the server answers gohint.conceptsInFile for editors/vscode/e2e/workspace/main.go (abridged):
// a concept's answer comes with its first construct only.
const RESULT = [
  { concept: "close", label: "`close`: closes a channel", questions: ["what-issues-can-arise-with-a-closed-channel"], question: "What issues can arise with a closed channel?", answer: "Closing a closed channel panics.", range: at(9, 1, 5) },
  { concept: "make-chan", label: "`make(chan …)`: makes a channel", questions: ["whats-the-difference-between-buffered-and-unbuffered-channels"], question: "What's the difference between buffered and unbuffered channels?", answer: "", range: at(5, 7, 4) },
  { concept: "close", label: "`close`: closes a channel", questions: ["what-issues-can-arise-with-a-closed-channel"], question: "What issues can arise with a closed channel?", range: at(10, 1, 5) },
  { concept: "defer", label: "`defer` statement", questions: ["how-does-go-handle-panics", "team-defer"], question: null, answer: null, range: at(15, 1, 5) },
  { concept: "close", label: "`close`: closes a channel", questions: ["what-issues-can-arise-with-a-closed-channel"], question: "What issues can arise with a closed channel?", range: at(15, 7, 5) },
];

describe("parseConcepts", () => {
  it("reads the server's items and falls back to the first question id", () => {
    const hits = parseConcepts(RESULT);
    assert.equal(hits.length, 5);
    assert.equal(hits[3].question, "how-does-go-handle-panics");
    assert.equal(hits[3].answer, "");
    assert.deepEqual(hits[0].range, at(9, 1, 5));
  });

  it("skips malformed items and non-arrays instead of throwing", () => {
    assert.deepEqual(parseConcepts(null), []);
    assert.deepEqual(parseConcepts({ concept: "close" }), []);
    const bad = [null, 7, { concept: "x" }, { concept: "y", range: { start: { line: -1, character: 0 }, end: { line: 0, character: 1 } } }, { concept: 3, range: at(0, 0) }];
    assert.deepEqual(parseConcepts([...bad, RESULT[0]]).map((h) => h.concept), ["close"]);
  });
});

describe("groupConcepts", () => {
  it("groups by concept in the order of each concept's first construct, constructs in source order", () => {
    const groups = groupConcepts(parseConcepts(RESULT));
    assert.deepEqual(groups.map((g) => g.concept), ["make-chan", "close", "defer"]);
    const close = groups[1];
    assert.deepEqual(close.hits.map((h) => [h.range.start.line, h.range.start.character]), [[9, 1], [10, 1], [15, 7]]);
    assert.equal(close.label, "close: closes a channel");
    assert.equal(close.slug, "what-issues-can-arise-with-a-closed-channel");
    assert.equal(groups[2].slug, "how-does-go-handle-panics");
    assert.equal(close.answer, "Closing a closed channel panics.");
  });

  it("takes a concept's answer from whichever construct carries it", () => {
    const [close] = groupConcepts(parseConcepts([RESULT[2], RESULT[0]]));
    assert.equal(close.answer, "Closing a closed channel panics.");
  });

  it("orders constructs on one line by column", () => {
    const groups = groupConcepts(parseConcepts([RESULT[4], { ...RESULT[3], concept: "close", range: at(15, 1) }]));
    assert.deepEqual(groups[0].hits.map((h) => h.range.start.character), [1, 7]);
  });

  it("is empty for no constructs", () => {
    assert.deepEqual(groupConcepts([]), []);
  });
});

describe("labels and tooltips", () => {
  it("unwraps markdown in labels", () => {
    assert.equal(plainLabel("`go` statement: **starts** a *goroutine*"), "go statement: starts a goroutine");
  });

  it("shows the question and its short answer as the tooltip, the question alone without one", () => {
    const [makeChan, close] = groupConcepts(parseConcepts(RESULT));
    assert.equal(groupTooltip(close), "**Q: What issues can arise with a closed channel?**\n\nClosing a closed channel panics.");
    assert.equal(groupTooltip(makeChan), "**Q: What's the difference between buffered and unbuffered channels?**");
  });

  it("lists a construct by its one-based line and column and its line's text", () => {
    const [hit] = parseConcepts(RESULT);
    assert.deepEqual(hitLabel(hit, "\tclose(ch)  "), { label: "Ln 10, Col 2", description: "close(ch)" });
  });
});

describe("emptyMessage", () => {
  it("says why the view is empty: no Go file, no server, a failed request, nothing explained", () => {
    assert.match(emptyMessage({ goFile: false, running: true, groups: 0 }) ?? "", /Open a Go file/);
    assert.match(emptyMessage({ goFile: true, running: false, groups: 0 }) ?? "", /not running/);
    assert.match(emptyMessage({ goFile: true, running: true, groups: 0, failed: "boom" }) ?? "", /boom/);
    assert.match(emptyMessage({ goFile: true, running: true, groups: 0 }) ?? "", /No construct/);
    assert.equal(emptyMessage({ goFile: true, running: true, groups: 2 }), undefined);
  });
});
