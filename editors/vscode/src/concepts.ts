// "Concepts in this file": the `gohint.conceptsInFile` result, read and
// grouped by concept for the tree view. No VS Code API here, so that the
// logic is unit-tested under plain Node.

/** A zero-based LSP position. */
export interface Position {
  line: number;
  character: number;
}

/** An LSP range. */
export interface Range {
  start: Position;
  end: Position;
}

/** One construct of the file that the corpus explains. */
export interface ConceptHit {
  /** The concept's name, e.g. `go-statement`. */
  concept: string;
  /** What the construct is (markdown), e.g. "`go` statement: starts a goroutine". */
  label: string;
  /** The ids of the corpus questions that explain it, most specific first. */
  questions: string[];
  /** The text of the most specific question. */
  question: string;
  /** That question's short answer (markdown); the server sends it with the concept's first construct only. */
  answer: string;
  range: Range;
}

/** The constructs of one concept, in source order. */
export interface ConceptGroup {
  concept: string;
  /** The concept's label without markdown. */
  label: string;
  /** The most specific question's text, and its id (what "Explain" opens). */
  question: string;
  slug: string;
  answer: string;
  hits: ConceptHit[];
}

function isPosition(v: unknown): v is Position {
  const p = v as Position | null;
  return typeof p === "object" && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;
}

/** The well-formed items of a `gohint.conceptsInFile` result; anything else is skipped. */
export function parseConcepts(result: unknown): ConceptHit[] {
  if (!Array.isArray(result)) {
    return [];
  }
  const hits: ConceptHit[] = [];
  for (const item of result as Record<string, unknown>[]) {
    const range = item?.range as Range | undefined;
    if (typeof item?.concept !== "string" || !range || !isPosition(range.start) || !isPosition(range.end)) {
      continue;
    }
    const questions = Array.isArray(item.questions) ? item.questions.filter((q): q is string => typeof q === "string") : [];
    hits.push({
      concept: item.concept,
      label: typeof item.label === "string" ? item.label : item.concept,
      questions,
      question: typeof item.question === "string" ? item.question : (questions[0] ?? ""),
      answer: typeof item.answer === "string" ? item.answer : "",
      range: { start: range.start, end: range.end },
    });
  }
  return hits;
}

/** Whether position `a` comes before `b`. */
function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** `label` as plain text: code spans and emphasis unwrapped. */
export function plainLabel(label: string): string {
  return label.replace(/`([^`]*)`/g, "$1").replace(/\*\*([^*]*)\*\*/g, "$1").replace(/\*([^*]*)\*/g, "$1");
}

/**
 * The hits grouped by concept: each group's hits in source order, the groups
 * in the order of their first hit in the file (the order of reading it).
 */
export function groupConcepts(hits: ConceptHit[]): ConceptGroup[] {
  const sorted = [...hits].sort((a, b) => (before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0));
  const groups = new Map<string, ConceptGroup>();
  for (const hit of sorted) {
    let group = groups.get(hit.concept);
    if (!group) {
      group = { concept: hit.concept, label: plainLabel(hit.label), question: hit.question, slug: hit.questions[0] ?? hit.concept, answer: hit.answer, hits: [] };
      groups.set(hit.concept, group);
    }
    // The server sends a concept's answer with its first construct only.
    if (!group.answer && hit.answer) {
      group.answer = hit.answer;
    }
    group.hits.push(hit);
  }
  return [...groups.values()];
}

/** The tooltip of a group (markdown): its question and short answer. */
export function groupTooltip(group: ConceptGroup): string {
  const head = group.question ? `**Q: ${group.question}**` : `**${group.label}**`;
  return group.answer ? `${head}\n\n${group.answer}` : head;
}

/** How a hit is listed under its group: "Ln 17, Col 2" and the line's text. */
export function hitLabel(hit: ConceptHit, lineText: string): { label: string; description: string } {
  return { label: `Ln ${hit.range.start.line + 1}, Col ${hit.range.start.character + 1}`, description: lineText.trim() };
}

/** Why the view is empty, or `undefined` when it is not. */
export function emptyMessage(state: { goFile: boolean; running: boolean; groups: number; failed?: string }): string | undefined {
  if (!state.goFile) {
    return "Open a Go file to see the concepts the gohint corpus explains in it.";
  }
  if (!state.running) {
    return "The gohint server is not running (gohint: Restart server starts it).";
  }
  if (state.failed) {
    return `gohint could not list the concepts of this file: ${state.failed}`;
  }
  if (state.groups === 0) {
    return "No construct of this file is explained by the corpus.";
  }
  return undefined;
}
