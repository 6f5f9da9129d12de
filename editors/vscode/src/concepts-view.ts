// The "Concepts in this file" tree view and the "Quiz me on this" quick
// pick: the VS Code side of `gohint.conceptsInFile` and `gohint.quiz`.

import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient } from "vscode-languageclient/node";
import { ConceptGroup, ConceptHit, emptyMessage, groupConcepts, groupTooltip, hitLabel, parseConcepts } from "./concepts";
import { choiceLabels, grade, parseQuiz, questionMarkdown } from "./quiz";

/** The server command listing a document's concepts. */
export const CONCEPTS_COMMAND = "gohint.conceptsInFile";
/** The server command returning one quiz question. */
export const QUIZ_COMMAND = "gohint.quiz";
/** The view's id in package.json. */
export const VIEW_ID = "gohint.concepts";
/** How long typing must pause before the view asks the server again. */
const DEBOUNCE_MS = 500;
/** How often a request that failed because the server did not have the document yet is tried again. */
const RETRIES = 3;

/** A row of the view: a concept, or one of its constructs. */
type Node = { group: ConceptGroup; hit?: ConceptHit };

/** Shows a markdown document (the extension's explanation preview). */
export type Show = (name: string, markdown: string) => Promise<void>;

/** The tree of the active Go editor's concepts, grouped by concept. */
export class ConceptsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  private groups: ConceptGroup[] = [];
  private document: vscode.TextDocument | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Counts refreshes, so that an older answer does not replace a newer one. */
  private generation = 0;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidSaveTextDocument((d) => d === vscode.window.activeTextEditor?.document && this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && this.schedule()),
      this.view.onDidChangeVisibility((e) => e.visible && this.refresh()),
      vscode.commands.registerCommand("gohint.concepts.refresh", () => this.refresh()),
      vscode.commands.registerCommand("gohint.concepts.reveal", (node?: Node) => this.reveal(node)),
      vscode.commands.registerCommand("gohint.concepts.explain", (node?: Node) => node && vscode.commands.executeCommand("gohint.explainRule", node.group.slug)),
      vscode.commands.registerCommand("gohint.concepts.quiz", (node?: Node) => node && vscode.commands.executeCommand(QUIZ_COMMAND, { concept: node.group.concept })),
    );
    this.refresh();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }

  /** Refreshes after typing pauses. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), DEBOUNCE_MS);
  }

  /** Asks the server for the active Go editor's concepts (when the view is shown; showing it refreshes it). */
  refresh(attempt = 0): void {
    clearTimeout(this.timer);
    if (!this.view.visible) {
      return;
    }
    const generation = ++this.generation;
    const document = vscode.window.activeTextEditor?.document;
    const goFile = document?.languageId === "go";
    const client = this.client();
    if (!goFile || !client) {
      this.set(generation, document, [], emptyMessage({ goFile, running: !!client, groups: 0 }));
      return;
    }
    client.sendRequest(ExecuteCommandRequest.type, { command: CONCEPTS_COMMAND, arguments: [document.uri.toString()] }).then(
      (result) => {
        const groups = groupConcepts(parseConcepts(result));
        this.set(generation, document, groups, emptyMessage({ goFile, running: true, groups: groups.length }));
      },
      (e: unknown) => {
        // The server may not have the document yet: try again shortly.
        if (attempt < RETRIES && generation === this.generation) {
          this.timer = setTimeout(() => this.refresh(attempt + 1), 300 * (attempt + 1));
          return;
        }
        this.set(generation, document, [], emptyMessage({ goFile, running: true, groups: 0, failed: e instanceof Error ? e.message : String(e) }));
      },
    );
  }

  private set(generation: number, document: vscode.TextDocument | undefined, groups: ConceptGroup[], message: string | undefined): void {
    if (generation !== this.generation) {
      return;
    }
    this.document = document;
    this.groups = groups;
    this.view.message = message;
    this.view.description = document && document.languageId === "go" ? vscode.workspace.asRelativePath(document.uri) : undefined;
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      return this.groups.map((group) => ({ group }));
    }
    return node.hit ? [] : node.group.hits.map((hit) => ({ group: node.group, hit }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const tooltip = new vscode.MarkdownString(groupTooltip(node.group));
    if (!node.hit) {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.group.question} (${node.group.hits.length})`;
      item.tooltip = tooltip;
      item.contextValue = "gohint.concept";
      item.iconPath = new vscode.ThemeIcon("book");
      return item;
    }
    const line = this.document && node.hit.range.start.line < this.document.lineCount ? this.document.lineAt(node.hit.range.start.line).text : "";
    const { label, description } = hitLabel(node.hit, line);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.description = description;
    item.tooltip = tooltip;
    item.contextValue = "gohint.concept";
    item.command = { command: "gohint.concepts.reveal", title: "Reveal", arguments: [node] };
    return item;
  }

  /** Selects a construct's range in its editor. */
  private async reveal(node?: Node): Promise<void> {
    const hit = node?.hit ?? node?.group.hits[0];
    if (!hit || !this.document) {
      return;
    }
    const { start, end } = hit.range;
    const range = new vscode.Range(start.line, start.character, end.line, end.character);
    const editor = await vscode.window.showTextDocument(this.document, { selection: range, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

/** Asks a `gohint.quiz` result in a quick pick; on an answer says right or wrong and shows the explanation. */
export async function askQuiz(result: unknown, show: Show): Promise<void> {
  const quiz = parseQuiz(result);
  if (!quiz) {
    void vscode.window.showErrorMessage("gohint: the server sent no quiz question");
    return;
  }
  if (quiz.code || quiz.choices.some((c) => c.includes("\n"))) {
    await show("quiz", questionMarkdown(quiz));
  }
  const labels = choiceLabels(quiz);
  const picked = await vscode.window.showQuickPick(
    labels.map((label, index) => ({ label, index })),
    { title: `gohint quiz${quiz.title ? `: ${quiz.title}` : ""}`, placeHolder: quiz.prompt, ignoreFocusOut: true },
  );
  if (!picked) {
    return;
  }
  const { right, verdict, markdown } = grade(quiz, picked.index);
  await show("quiz-answer", markdown);
  if (right) {
    void vscode.window.showInformationMessage(`gohint: ${verdict}`);
  } else {
    void vscode.window.showWarningMessage(`gohint: ${verdict}`);
  }
}
