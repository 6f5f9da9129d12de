import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { choiceLabels, grade, letter, parseQuiz, questionMarkdown } from "../src/quiz";

// The shape of the server's gohint.quiz answer.
const RESULT = {
  id: "recall:what-is-a-goroutine",
  kind: "recall",
  question: "what-is-a-goroutine",
  title: "What is a goroutine?",
  rule: null,
  prompt: "What is a goroutine? Which answer is right?",
  code: null,
  choices: ["A mutex.", "A lightweight thread managed by the Go runtime.", "A channel."],
  answer: 1,
  explanation: "## Q: What is a goroutine?\n\n> A goroutine is a lightweight thread.",
};

describe("parseQuiz", () => {
  it("reads the server's question", () => {
    const quiz = parseQuiz(RESULT);
    assert.ok(quiz);
    assert.equal(quiz.answer, 1);
    assert.equal(quiz.code, undefined);
    assert.equal(quiz.title, "What is a goroutine?");
  });

  it("refuses answers out of range, missing choices or prompts", () => {
    assert.equal(parseQuiz(null), undefined);
    assert.equal(parseQuiz("x"), undefined);
    assert.equal(parseQuiz({ ...RESULT, answer: 3 }), undefined);
    assert.equal(parseQuiz({ ...RESULT, answer: -1 }), undefined);
    assert.equal(parseQuiz({ ...RESULT, answer: 0.5 }), undefined);
    assert.equal(parseQuiz({ ...RESULT, choices: [1, 2] }), undefined);
    assert.equal(parseQuiz({ ...RESULT, prompt: undefined }), undefined);
  });
});

describe("choices and grading", () => {
  it("letters the choices and puts a code choice on one line", () => {
    assert.deepEqual(choiceLabels(parseQuiz(RESULT)!), ["a) A mutex.", "b) A lightweight thread managed by the Go runtime.", "c) A channel."]);
    const code = parseQuiz({ ...RESULT, choices: ["x := 1\n\ty := 2\n", "z"], answer: 0 })!;
    assert.deepEqual(choiceLabels(code), ["a) x := 1 ⏎ y := 2", "b) z"]);
    assert.equal(letter(3), "d");
  });

  it("says right or wrong as gohint quiz does and shows the explanation after", () => {
    const quiz = parseQuiz(RESULT)!;
    const right = grade(quiz, 1);
    assert.equal(right.right, true);
    assert.equal(right.verdict, "Right.");
    assert.ok(right.markdown.startsWith("**Right.**\n\n## Q: What is a goroutine?"));
    const wrong = grade(quiz, 2);
    assert.equal(wrong.right, false);
    assert.equal(wrong.verdict, "Wrong: the answer is b) A lightweight thread managed by the Go runtime.");
  });

  it("shows code and multi-line choices as markdown before the pick", () => {
    const quiz = parseQuiz({ ...RESULT, prompt: "What does this print?", code: "fmt.Println(1)", choices: ["1", "a\nb"], answer: 0 })!;
    const md = questionMarkdown(quiz);
    assert.ok(md.startsWith("# What does this print?\n\n```go\nfmt.Println(1)\n```"), md);
    assert.ok(md.includes("a) 1"), md);
    assert.ok(md.includes("b)\n\n```go\na\nb\n```"), md);
  });
});
