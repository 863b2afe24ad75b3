/**
 * Finds text written for people in Slack that bypasses the es/en catalog (src/i18n). It reads one file's
 * syntax (no type checking, so it is fast) and reports string and template literals that are:
 *
 * - `visible`: holding a word (two letters or more) where Slack shows it: the value of a `text`, `title`,
 *   `placeholder`, `hint`, `alt_text`, `submit`, `close`, `description`… property; a value of a view
 *   submission's `errors` or of a table of labels (`DEFAULT_LABELS = { share: '…' }`); an argument of a
 *   Block Kit constructor of src/slack/blocks/kit.ts (`plain`, `mrkdwn`, `header`, `section`, `context`,
 *   `button`, `option`, `input`, `textInput`, `message`) or of a reply (`say`, `respond`, `ack`,
 *   `ephemeral`). The literals are followed through `?:`, `??`, `+`, `${…}`, the file's own `const`s
 *   (`const title = 'Digest'; header(title)`) and calls that only shorten or escape (`fit`, `.slice()`).
 * - `inline-translation`: a conditional on a locale (`locale === 'es' ? … : …`, `es ? … : …`) choosing
 *   between literals with words, or an object with both an `en` and an `es` text (`{ en: 'Done', es:
 *   'Hecho' }[locale]`): a translation written in place.
 * - `spanish`: any literal with a letter only Spanish uses here (á é í ó ú ñ ¿ ¡): Spanish text belongs to
 *   the catalog.
 *
 * Not words: `${…}` placeholders, Slack entities (`<@U1>`, `<#C1>`, `<!date^…|…>`, `<url|label>`), emoji
 * codes (`:warning:`), `{tokens}` of Slack date formats, and the locale codes `'en'`/`'es'`.
 * The allow-list is the positions themselves: log lines and error messages (English, for operators and
 * the CLI), Slack API method names, `action_id`/`callback_id`/`block_id`/`value`/`private_metadata`, the
 * `what` that names a message in a limits error, SQL — none of them is in a position above, so none is
 * reported, and no file or literal needs an exemption.
 */
import ts from 'typescript';

export interface LiteralFinding {
  readonly file: string;
  readonly line: number;
  readonly rule: 'visible' | 'inline-translation' | 'spanish';
  readonly text: string;
}

/** Properties whose string value Slack shows to people (Block Kit and Web API fields). */
const VISIBLE_PROPERTIES = new Set(['text', 'title', 'placeholder', 'alt_text', 'hint', 'submit', 'close', 'description', 'fallback', 'pretext', 'initial_comment']);
/** Block Kit constructors (src/slack/blocks/kit.ts) and replies: the arguments Slack shows. */
const VISIBLE_ARGUMENTS: ReadonlyMap<string, readonly number[]> = new Map(
  Object.entries({
    plain: [0],
    mrkdwn: [0],
    header: [0],
    section: [0],
    context: [0, 1, 2, 3, 4, 5],
    button: [0],
    option: [0, 2],
    input: [1],
    textInput: [1],
    message: [0],
    say: [0, 1, 2],
    respond: [0],
    ack: [0],
    ephemeral: [0],
  }),
);

const A_WORD = /\p{L}{2,}/u;
const SPANISH = /[áéíóúñ¿¡]/iu;
const LOCALE_CODE = /^(en|es)$/;

type Literal = ts.StringLiteralLike | ts.TemplateExpression;
const isLiteral = (node: ts.Node): node is Literal => ts.isStringLiteralLike(node) || ts.isTemplateExpression(node);

/** The fixed text of a literal, without what is not prose (placeholders, entities, emoji, tokens). */
function proseOf(node: Literal): string {
  const text = ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ') : node.text;
  return text
    .replace(/<[^<>]*>/g, ' ')
    .replace(/:[a-z0-9_+-]+:/g, ' ')
    .replace(/\{[a-z_]+\}/g, ' ');
}

const hasWords = (node: Literal): boolean => A_WORD.test(proseOf(node));

/** Functions that only shorten or escape the text they are given: their first argument is what Slack shows. */
const PASS_THROUGH = new Set(['fit', 'truncateSlackText', 'escapeSlackText', 'slice', 'trim', 'replace', 'replaceAll', 'concat']);

/**
 * The literals an expression can evaluate to, through `?:`, `??`, `||`, `+`, template placeholders,
 * parentheses, `as`, shortening/escaping calls, and the file's own `const`s.
 */
function literalsOf(expression: ts.Expression, constants: ReadonlyMap<string, ts.Expression>, depth = 0): Literal[] {
  if (depth > 8) return [];
  const follow = (next: ts.Expression) => literalsOf(next, constants, depth + 1);
  if (ts.isStringLiteralLike(expression)) return [expression];
  if (ts.isTemplateExpression(expression)) return [expression, ...expression.templateSpans.flatMap((span) => follow(span.expression))];
  if (ts.isIdentifier(expression)) {
    const value = constants.get(expression.text);
    return value ? follow(value) : [];
  }
  if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression)) return follow(expression.expression);
  if (ts.isConditionalExpression(expression)) return [...follow(expression.whenTrue), ...follow(expression.whenFalse)];
  if (ts.isBinaryExpression(expression) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(expression.operatorToken.kind)) {
    return [...follow(expression.left), ...follow(expression.right)];
  }
  if (ts.isCallExpression(expression)) {
    const callee = expression.expression;
    if (ts.isIdentifier(callee) && PASS_THROUGH.has(callee.text) && expression.arguments[0]) return follow(expression.arguments[0]);
    if (ts.isPropertyAccessExpression(callee) && PASS_THROUGH.has(callee.name.text)) return follow(callee.expression);
  }
  return [];
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

function propertyName(node: ts.PropertyAssignment | ts.ShorthandPropertyAssignment): string | undefined {
  const name = node.name;
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** The expressions of a file that Slack shows: property values and call arguments in visible positions. */
function visibleExpressions(sourceFile: ts.SourceFile): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node)) {
      const name = propertyName(node);
      const owner = node.parent.parent;
      // `errors: { [blockId]: '…' }` of a view submission: each value is shown under its input.
      const inErrors = ts.isPropertyAssignment(owner) && propertyName(owner) === 'errors';
      // A table of labels (`const DEFAULT_LABELS = { share: '…' }`, `labels: { … }`): each value is a caption.
      const ownerName = ts.isPropertyAssignment(owner) ? propertyName(owner) : ts.isVariableDeclaration(owner) && ts.isIdentifier(owner.name) ? owner.name.text : undefined;
      const inLabels = ownerName !== undefined && /labels$/i.test(ownerName);
      if (inErrors || inLabels || (name && VISIBLE_PROPERTIES.has(name))) found.push(node.initializer);
    }
    if (ts.isShorthandPropertyAssignment(node) && VISIBLE_PROPERTIES.has(node.name.text)) found.push(node.name);
    if (ts.isCallExpression(node)) {
      const positions = VISIBLE_ARGUMENTS.get(calleeName(node) ?? '');
      for (const index of positions ?? []) {
        const argument = node.arguments[index];
        if (argument) found.push(argument);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** `x === 'es'` (or `!==`, either side, 'en' too), or a flag named after a language: a test on a locale. */
function testsLocale(condition: ts.Expression): boolean {
  let found = ts.isIdentifier(condition) && /^(es|en|spanish|english)$/i.test(condition.text);
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) {
      if ([node.left, node.right].some((side) => ts.isStringLiteral(side) && (side.text === 'es' || side.text === 'en'))) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

/** Checks one source text; `file` only names the findings. */
export function findUserVisibleLiterals(file: string, source: string): LiteralFinding[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings = new Map<ts.Node, LiteralFinding>();
  const report = (node: ts.Node, rule: LiteralFinding['rule']) => {
    if (findings.has(node)) return;
    const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
    findings.set(node, { file, line, rule, text: node.getText(sourceFile) });
  };

  // `const name = …` of this file, so a name used where Slack shows it can be followed to its literals.
  const constants = new Map<string, ts.Expression>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isVariableDeclarationList(node.parent) && node.parent.flags & ts.NodeFlags.Const) {
      constants.set(node.name.text, node.initializer);
    }
    ts.forEachChild(node, collect);
  };
  collect(sourceFile);

  const translations = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isTypeNode(node)) return;
    if (ts.isConditionalExpression(node) && testsLocale(node.condition)) {
      const branches = [...literalsOf(node.whenTrue, constants), ...literalsOf(node.whenFalse, constants)];
      // `locale === 'es' ? 'es' : 'en'` narrows a locale; it translates nothing.
      if (branches.some((branch) => hasWords(branch) && !LOCALE_CODE.test(proseOf(branch)))) {
        report(node, 'inline-translation');
        for (const branch of branches) translations.add(branch);
      }
    }
    // `{ en: 'Done', es: 'Hecho' }[locale]`: a translation table written in place.
    if (ts.isObjectLiteralExpression(node)) {
      const byLocale = node.properties.filter((property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && ['en', 'es'].includes(propertyName(property) ?? ''));
      const values = byLocale.flatMap((property) => literalsOf(property.initializer, constants));
      if (byLocale.length === 2 && values.some(hasWords)) {
        report(node, 'inline-translation');
        for (const value of values) translations.add(value);
      }
    }
    if (isLiteral(node) && !translations.has(node) && SPANISH.test(proseOf(node))) report(node, 'spanish');
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);

  for (const expression of visibleExpressions(sourceFile)) {
    for (const literal of literalsOf(expression, constants)) {
      if (!translations.has(literal) && hasWords(literal)) report(literal, 'visible');
    }
  }
  return [...findings.values()].sort((a, b) => a.line - b.line);
}
