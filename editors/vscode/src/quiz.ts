// "Quiz me on this": the `gohint.quiz` result read and graded. No VS Code
// API here, so that the logic is unit-tested under plain Node.

/** One quiz question, as the server's `gohint.quiz` command returns it. */
export interface Quiz {
  /** The corpus question it is about (its id), and that question's text. */
  question: string;
  title: string;
  /** What it asks, one line, and the Go code shown with it. */
  prompt: string;
  code?: string;
  choices: string[];
  /** The index of the right choice. */
  answer: number;
  /** What is shown after the answer (markdown). */
  explanation: string;
}

/** A `gohint.quiz` result as a quiz, or `undefined` when it is not one. */
export function parseQuiz(result: unknown): Quiz | undefined {
  const r = result as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null || !Array.isArray(r.choices) || !r.choices.every((c) => typeof c === "string")) {
    return undefined;
  }
  const choices = r.choices as string[];
  if (typeof r.answer !== "number" || !Number.isInteger(r.answer) || r.answer < 0 || r.answer >= choices.length || typeof r.prompt !== "string") {
    return undefined;
  }
  return {
    question: typeof r.question === "string" ? r.question : "",
    title: typeof r.title === "string" ? r.title : "",
    prompt: r.prompt,
    code: typeof r.code === "string" ? r.code : undefined,
    choices,
    answer: r.answer,
    explanation: typeof r.explanation === "string" ? r.explanation : "",
  };
}

/** The letter of choice `i`: a, b, c, … */
export function letter(i: number): string {
  return String.fromCharCode(97 + (i % 26));
}

/** The quick pick entries of a quiz: "a) choice" on one line, a multi-line choice's lines joined with ⏎. */
export function choiceLabels(quiz: Quiz): string[] {
  return quiz.choices.map((c, i) => `${letter(i)}) ${c.trim().split(/\s*\n\s*/).join(" ⏎ ")}`);
}

/** The markdown that shows the question before it is answered, when it has code. */
export function questionMarkdown(quiz: Quiz): string {
  const code = quiz.code ? `\n\n\`\`\`go\n${quiz.code}\n\`\`\`` : "";
  const choices = quiz.choices.map((c, i) => (c.includes("\n") ? `${letter(i)})\n\n\`\`\`go\n${c}\n\`\`\`` : `${letter(i)}) ${c}`)).join("\n\n");
  return `# ${quiz.prompt}${code}\n\n${choices}\n`;
}

/** The verdict on choice `picked`, as `gohint quiz` words it, and the markdown shown after it. */
export function grade(quiz: Quiz, picked: number): { right: boolean; verdict: string; markdown: string } {
  const right = picked === quiz.answer;
  const verdict = right ? "Right." : `Wrong: the answer is ${letter(quiz.answer)}) ${quiz.choices[quiz.answer].split("\n")[0]}`;
  return { right, verdict, markdown: `**${verdict}**\n\n${quiz.explanation}` };
}
