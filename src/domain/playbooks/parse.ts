import { createHash } from 'node:crypto';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { didYouMean, formatKeyPath } from './problems.js';
import type { KeyPath, PlaybookProblem } from './problems.js';
import { playbookFileSchema } from './schema.js';
import type { Playbook, PlaybookFile, SourcePosition } from './schema.js';
import { checkPlaybookSemantics, checkReplyTemplates } from './semantics.js';
import type { SemanticIssue } from './semantics.js';

export interface ParseResult {
  playbook?: Playbook;
  problems: PlaybookProblem[];
}

/**
 * Parses and validates one playbook file's text. Pure: the caller reads the file.
 * Every problem found is reported, each at the line and column of the key or value at fault.
 */
export function parsePlaybookSource(source: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems: PlaybookProblem[] = [];
    for (const error of doc.errors) {
      const line = error.linePos?.[0].line ?? 0;
      const column = error.linePos?.[0].col ?? 0;
      // One slip often yields several errors on the same line; the first says it best.
      if (problems.some((problem) => problem.line === line)) continue;
      const hint = yamlHint(error.code);
      problems.push({ file, line, column, path: '', message: `YAML syntax error: ${firstLine(error.message)}`, ...(hint ? { hint } : {}) });
    }
    return { problems };
  }
  const locator = new Locator(doc, source, lineCounter);
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // e.g. "Excessive alias count": a YAML bomb must not take the loader down.
    return { problems: [{ file, line: 1, column: 1, path: '', message: `cannot read YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (data === null || data === undefined) {
    return { problems: [{ file, line: 0, column: 0, path: '', message: 'file is empty; a playbook needs id, name, severities, roles, checklist, replies, escalation and postMortem' }] };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ file, line: 1, column: 1, path: '', message: 'a playbook file must be a mapping of keys (id: …, name: …), not a list or a single value' }] };
  }

  const toProblem = (issue: SemanticIssue): PlaybookProblem => ({
    file,
    ...(issue.textOffset === undefined ? locator.at(issue.path) : locator.insideText(issue.path, issue.textOffset)),
    path: formatKeyPath(issue.path),
    message: issue.message,
    ...(issue.hint ? { hint: issue.hint } : {}),
  });
  // Templates are checked even when the schema fails, so one run shows every mistake.
  const templateProblems = checkReplyTemplates(data).map(toProblem);
  const parsed = playbookFileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    return { problems: sortByPosition([...parsed.error.issues.flatMap((issue) => issueToProblems(issue, file, locator, data)), ...templateProblems]) };
  }
  const semanticProblems = [...checkPlaybookSemantics(parsed.data).map(toProblem), ...templateProblems];
  if (semanticProblems.length > 0) return { problems: sortByPosition(semanticProblems) };
  return {
    playbook: { ...parsed.data, contentHash: playbookContentHash(parsed.data), source: { file, locations: locator.allLocations() } },
    problems: [],
  };
}

function sortByPosition(problems: PlaybookProblem[]): PlaybookProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** sha256 of the validated content with keys sorted: comments, key order, quoting, path and mtime do not change it. */
export function playbookContentHash(playbook: PlaybookFile): string {
  return createHash('sha256').update(canonicalJson(playbook)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function issueToProblems(issue: $ZodIssue, file: string, locator: Locator, data: unknown): PlaybookProblem[] {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const problem = (at: KeyPath, message: string, hint?: string): PlaybookProblem => ({
    file,
    ...locator.at(at),
    path: formatKeyPath(at),
    message,
    ...(hint ? { hint } : {}),
  });
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path);
      // In `{ es: a, b, en: c }` the comma splits the text into a new key: the classic flow-mapping slip.
      const splitByComma = (key: string) => locator.isFlowMap(path) && valueAt(data, [...path, key]) === null;
      return issue.keys.map((key) => ({
        ...problem(
          [...path, key],
          `unknown key \`${key}\``,
          splitByComma(key)
            ? 'inside `{ … }` a comma starts a new key: put text that contains commas in quotes'
            : (didYouMean(key, known) ?? (known.length ? `allowed here: ${known.join(', ')}` : undefined)),
        ),
        ...locator.atKey([...path, key]),
      }));
    }
    case 'invalid_type': {
      if (valueAt(data, path) === undefined) {
        const key = path.at(-1);
        return [{ ...problem(path, `missing required key \`${String(key)}\``), ...locator.atKey(path.slice(0, -1)) }];
      }
      const custom = issue.message.startsWith('Invalid input') ? undefined : issue.message;
      const value = valueAt(data, path);
      const asMinutes = custom?.includes('minutes') && typeof value === 'string' ? minutesWritten(value) : undefined;
      return [problem(path, `${custom ?? `must be ${article(issue.expected)}`}, not ${describe(value)}`, asMinutes === undefined ? undefined : `write ${asMinutes}`)];
    }
    case 'invalid_value': {
      const input = valueAt(data, path);
      if (issue.values.length === 1 && issue.message.startsWith('Invalid input')) {
        return [problem(path, `must be ${JSON.stringify(issue.values[0])}`)];
      }
      const options = issue.values.map((value) => `\`${String(value)}\``).join(', ');
      const custom = issue.message.startsWith('Invalid') ? undefined : issue.message;
      return [
        problem(path, custom ?? `must be one of ${options}, not ${describe(input)}`, typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : undefined),
      ];
    }
    case 'invalid_union': {
      const input = valueAt(data, path);
      // When exactly one option is of the value's own kind (the mapping form of `name: { es, en }`),
      // what is wrong inside it is the useful message: "missing required key `en`", not "must be a text".
      const ofItsKind = issue.errors.filter((inner) => inner.length > 0 && !inner.some((error) => error.code === 'invalid_type' && error.path.length === 0));
      if (ofItsKind.length === 1) {
        return (ofItsKind[0] ?? []).flatMap((inner) => issueToProblems({ ...inner, path: [...issue.path, ...inner.path] } as $ZodIssue, file, locator, data));
      }
      const options = issue.errors.flat().flatMap((inner) => (inner.code === 'invalid_value' ? inner.values.map(String) : []));
      return [problem(path, `${issue.message}, not ${describe(input)}`, typeof input === 'string' ? didYouMean(input, options) : undefined)];
    }
    case 'too_small':
    case 'too_big': {
      if (!/^Too (small|big)/.test(issue.message)) return [problem(path, issue.message)];
      const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const word = issue.code === 'too_small' ? 'least' : 'most';
      if (issue.origin === 'array') return [problem(path, `needs at ${word} ${bound} item(s)`)];
      if (issue.origin === 'string') return [problem(path, `must be at ${word} ${bound} character(s) long`)];
      return [problem(path, `must be at ${word} ${bound}`)];
    }
    case 'invalid_key': {
      const key = String(path.at(-1));
      const reason = issue.issues[0]?.message ?? 'is not allowed';
      return [{ ...problem(path, `\`${key}\` is not a valid name here: ${reason}`), ...locator.atKey(path) }];
    }
    case 'invalid_format':
    case 'custom':
    default:
      return [problem(path, issue.message)];
  }
}

/** The keys the schema allows at a path, for "did you mean" hints on unknown keys. */
function knownKeys(path: KeyPath): string[] {
  let schemas: unknown[] = [playbookFileSchema];
  for (const segment of path) {
    schemas = schemas.flatMap((schema) => child(unwrap(schema), segment));
  }
  return [...new Set(schemas.map(unwrap).flatMap((schema) => Object.keys(shapeOf(schema) ?? {})))];
}

interface SchemaDef {
  type: string;
  innerType?: unknown;
  in?: unknown;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
  shape?: Record<string, unknown>;
}
function defOf(schema: unknown): SchemaDef {
  return (schema as { _zod: { def: SchemaDef } })._zod.def;
}
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}
function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  const def = defOf(schema);
  return def.type === 'object' ? def.shape : undefined;
}
function child(schema: unknown, segment: string | number): unknown[] {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape?.[String(segment)] !== undefined ? [def.shape[String(segment)]] : [];
  if (def.type === 'array' && def.element) return [def.element];
  if (def.type === 'record' && def.valueType) return [def.valueType];
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => child(unwrap(option), segment));
  return [];
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function article(expected: string): string {
  const names: Record<string, string> = { object: 'a mapping of keys', array: 'a list', string: 'text', int: 'a whole number', number: 'a number', boolean: 'true or false' };
  return names[expected] ?? expected;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

function yamlHint(code: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'each key may appear once per mapping';
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR') return 'check the indentation and that every key ends with `:`';
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  if (code === 'BAD_SCALAR_START') return 'quote values that start with @ or `, e.g. "@community-leads"';
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY') return 'put text that contains `: ` in quotes, and check the indentation';
  return undefined;
}

/** Finds where key paths live in the YAML source. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Position of the value at `path`, or of its key when the value is empty; nearest ancestor when absent. */
  at(path: KeyPath): SourcePosition {
    let node: unknown = this.doc.contents;
    let position = this.position(node) ?? { line: 1, column: 1 };
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return position;
        position = this.position(pair.key) ?? position;
        node = pair.value;
        if (node && (node as YamlNode).range && !(isScalar(node) && node.value === null)) position = this.position(node) ?? position;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) return position;
        position = this.position(node) ?? position;
      } else {
        return position;
      }
    }
    return position;
  }

  isFlowMap(path: KeyPath): boolean {
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    return isMap(node) && node.flow === true;
  }

  /** Position of the key itself (for unknown keys); the document start for the root. */
  atKey(path: KeyPath): SourcePosition {
    if (path.length === 0) return { line: 1, column: 1 };
    const parent = this.doc.getIn(path.slice(0, -1), true);
    const last = path.at(-1);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
      if (pair) return this.position(pair.key) ?? this.at(path);
    }
    return this.at(path);
  }

  /** Position of a character inside a text value: exact for block (`|`, `>`) and one-line scalars. */
  insideText(path: KeyPath, offset: number): SourcePosition {
    const start = this.at(path);
    const node = this.doc.getIn(path, true);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return start;
    const before = node.value.slice(0, offset);
    const lineInValue = before.split('\n').length - 1;
    const columnInLine = before.length - (before.lastIndexOf('\n') + 1);
    if (node.type === 'BLOCK_LITERAL') {
      const line = start.line + 1 + lineInValue;
      const lineStart = this.lineCounter.lineStarts[line - 1] ?? 0;
      const indent = /^ */.exec(this.source.slice(lineStart))?.[0].length ?? 0;
      return { line, column: indent + columnInLine + 1 };
    }
    if (!node.value.includes('\n') && (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE')) {
      const quote = node.type === 'PLAIN' ? 0 : 1;
      return { line: start.line, column: start.column + quote + columnInLine };
    }
    return start;
  }

  /** Every key path in the file and where its value starts. */
  allLocations(): Record<string, SourcePosition> {
    const locations: Record<string, SourcePosition> = {};
    const walk = (node: unknown, path: (string | number)[]): void => {
      const position = this.position(node);
      if (position && path.length > 0) locations[formatKeyPath(path)] = position;
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const keyPath = [...path, String(pair.key.value)];
          const keyPosition = this.position(pair.key);
          if (keyPosition) locations[formatKeyPath(keyPath)] = keyPosition;
          walk(pair.value, keyPath);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => walk(item, [...path, index]));
      }
    };
    walk(this.doc.contents, []);
    return locations;
  }

  private position(node: unknown): SourcePosition | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) return undefined;
    const { line, col } = this.lineCounter.linePos(range[0]);
    return { line, column: col };
  }
}

/**
 * The minutes a duration written as text means (`"15min"`, `"1h30"`, `"2 horas"`, `"45"`), so the
 * error can say which number to write instead; undefined when it is not a duration.
 */
export function minutesWritten(text: string): number | undefined {
  const match = /^\s*(?:(\d+)\s*(?:h|hr|hrs|hours?|horas?)\s*)?(?:(\d+)\s*(?:m|min|mins|minutes?|minutos?)?\s*)?$/iu.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  // "1h30": the number after hours is minutes; "30" alone is minutes too.
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}
