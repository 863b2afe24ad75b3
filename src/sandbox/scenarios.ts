/**
 * Drill scenarios: YAML files in playbooks/scenarios/ that say who posts what, where and when.
 * Problems are reported like playbook problems (file:line:column: path: message), and a scenario that
 * names a persona or channel the sandbox does not have is refused. Each problem says what is wrong as
 * a catalog message too, so the sandbox page shows it in its person's language (scenarioProblemIn).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { formatKeyPath, plausibleTypoOf, type PlaybookProblem } from '../domain/playbooks/problems.js';
import { t, type Locale, type MessageKey, type MessageParams } from '../i18n/index.js';
import { CHANNELS, PERSONAS } from './personas.js';

/** A catalog message and its params (every sandbox message takes string params). */
export interface Said {
  key: MessageKey;
  params: Record<string, string>;
}

/** `message` and `hint` in English (logs, the CLI); `said` and `hintSaid` the same in any language. */
export interface ScenarioProblem extends PlaybookProblem {
  said: Said;
  hintSaid?: Said;
}

function said<K extends MessageKey>(key: K, params: MessageParams<K>): Said {
  return { key, params: params as Record<string, string> };
}

const render = (locale: Locale, what: Said): string => t(locale, what.key as never, what.params as never);

/** A problem as its reader reads it: message and hint in `locale`. */
export function scenarioProblemIn(locale: Locale, problem: ScenarioProblem): PlaybookProblem {
  const { said: what, hintSaid, ...where } = problem;
  return { ...where, message: render(locale, what), ...(hintSaid ? { hint: render(locale, hintSaid) } : {}) };
}

function problemAt(where: Omit<PlaybookProblem, 'message' | 'hint'>, what: Said, hint?: Said): ScenarioProblem {
  return { ...where, message: render('en', what), said: what, ...(hint ? { hint: render('en', hint), hintSaid: hint } : {}) };
}

/** "did you mean `x`?" when `input` is a plausible typo of a candidate. */
function didYouMean(input: string, candidates: readonly string[]): Said | undefined {
  const best = plausibleTypoOf(input, candidates);
  return best === undefined ? undefined : said('sandbox.scenario.did_you_mean', { suggestion: best });
}

export interface ScenarioMessage {
  kind: 'message';
  /** Milliseconds after the start, at speed 1. */
  atMs: number;
  from: string;
  channel: string;
  text: string;
  /** Id of this step, so later replies can name it as their thread. */
  id?: string;
  /** Reply in the thread of the step with this id. */
  thread?: string;
}

export interface ScenarioDeclare {
  kind: 'declare';
  atMs: number;
  /** Staff persona who runs `/firebreak declare`. */
  by: string;
  channel: string;
  severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  summary: string;
  /** Only when detection has not already opened an incident (an alert in the alerts channel). */
  unlessAlerted: boolean;
}

export type ScenarioStep = ScenarioMessage | ScenarioDeclare;

export interface Scenario {
  id: string;
  name: string;
  description: string;
  language: 'en' | 'es';
  /** Default channel for steps that name none. */
  channel: string;
  steps: ScenarioStep[];
  file: string;
}

const MAX_SCENARIO_BYTES = 256 * 1024;

const duration = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|min)$/, 'duration')])
  .transform((value) => {
    if (typeof value === 'number') return value * 1000;
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)$/.exec(value);
    const amount = Number(match?.[1] ?? 0);
    const unit = match?.[2];
    return Math.round(unit === 'ms' ? amount : unit === 's' ? amount * 1000 : amount * 60_000);
  });

const messageStep = z
  .object({
    at: duration,
    from: z.string().min(1),
    text: z.string().trim().min(1, 'not_empty').max(4000),
    channel: z.string().min(1).optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'slug').optional(),
    thread: z.string().min(1).optional(),
  })
  .strict();

const declareStep = z
  .object({
    at: duration,
    declare: z
      .object({
        by: z.string().min(1),
        severity: z.enum(['sev1', 'sev2', 'sev3', 'sev4']),
        summary: z.string().trim().min(1).max(200),
        channel: z.string().min(1).optional(),
        unlessAlerted: z.boolean().default(true),
      })
      .strict(),
  })
  .strict();

const scenarioSchema = z
  .object({
    formatVersion: z.literal(1),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'slug'),
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(1000).default(''),
    language: z.enum(['en', 'es']),
    channel: z.string().min(1),
    steps: z.array(z.unknown()).min(1, 'no_steps').max(500),
  })
  .strict();

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

/** Parse and check one scenario file's text. */
export function parseScenario(source: string, file: string): ScenarioResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const problems: ScenarioProblem[] = [];
  for (const error of doc.errors) {
    const position = error.linePos?.[0];
    // The YAML library's own words (English) name the syntax error; what it is, is said in the reader's language.
    problems.push(problemAt({ file, line: position?.line ?? 0, column: position?.col ?? 0, path: '' }, said('sandbox.scenario.yaml', { detail: error.message.split('\n')[0] ?? '' })));
  }
  if (problems.length) return { ok: false, problems };
  const at = (path: (string | number)[], what: Said, hint?: Said): ScenarioProblem => {
    const { line, column } = locate(doc, lineCounter, path);
    return problemAt({ file, line, column, path: formatKeyPath(path) }, what, hint);
  };

  const top = scenarioSchema.safeParse(doc.toJS());
  if (!top.success) {
    return { ok: false, problems: top.error.issues.map((issue) => at(issue.path as (string | number)[], issueMessage(issue), unknownKeyHint(issue, ['formatVersion', 'id', 'name', 'description', 'language', 'channel', 'steps']))) };
  }
  const channelNames: string[] = CHANNELS.filter((channel) => !channel.alerts).map((channel) => channel.name);
  const handles = PERSONAS.map((persona) => persona.handle);
  const staffHandles = PERSONAS.filter((persona) => persona.kind !== 'member').map((persona) => persona.handle);
  const checkChannel = (name: string, path: (string | number)[]) => {
    const bare = name.replace(/^#/, '');
    if (!channelNames.includes(bare)) problems.push(at(path, said('sandbox.scenario.unknown_channel', { channel: name, channels: channelNames.map((c) => `#${c}`).join(', ') }), didYouMean(bare, channelNames)));
    return bare;
  };
  const defaultChannel = checkChannel(top.data.channel, ['channel']);

  const steps: ScenarioStep[] = [];
  const ids = new Set<string>();
  let previousAt = 0;
  top.data.steps.forEach((raw, index) => {
    const isDeclare = raw !== null && typeof raw === 'object' && 'declare' in raw;
    const parsed = (isDeclare ? declareStep : messageStep).safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = isDeclare ? ['at', 'declare', 'by', 'severity', 'summary', 'channel', 'unlessAlerted'] : ['at', 'from', 'text', 'channel', 'id', 'thread'];
        problems.push(at(['steps', index, ...(issue.path as (string | number)[])], issueMessage(issue), unknownKeyHint(issue, keys)));
      }
      return;
    }
    const step = parsed.data;
    if (step.at < previousAt) problems.push(at(['steps', index, 'at'], said('sandbox.scenario.time_order', {})));
    previousAt = Math.max(previousAt, step.at);
    if ('declare' in step) {
      const declare = step.declare;
      if (!staffHandles.includes(declare.by)) {
        problems.push(
          at(
            ['steps', index, 'declare', 'by'],
            handles.includes(declare.by) ? said('sandbox.scenario.member_declares', { persona: declare.by, staff: staffHandles.join(', ') }) : said('sandbox.scenario.unknown_persona', { persona: declare.by }),
            didYouMean(declare.by, staffHandles),
          ),
        );
      }
      const channel = declare.channel ? checkChannel(declare.channel, ['steps', index, 'declare', 'channel']) : defaultChannel;
      steps.push({ kind: 'declare', atMs: step.at, by: declare.by, channel, severity: declare.severity, summary: declare.summary, unlessAlerted: declare.unlessAlerted });
      return;
    }
    if (!handles.includes(step.from)) problems.push(at(['steps', index, 'from'], said('sandbox.scenario.unknown_persona', { persona: step.from }), didYouMean(step.from, handles) ?? said('sandbox.scenario.personas', { personas: handles.join(', ') })));
    const channel = step.channel ? checkChannel(step.channel, ['steps', index, 'channel']) : defaultChannel;
    if (step.thread !== undefined && !ids.has(step.thread)) problems.push(at(['steps', index, 'thread'], said('sandbox.scenario.no_earlier_step', { id: step.thread }), didYouMean(step.thread, [...ids])));
    if (step.id !== undefined) {
      if (ids.has(step.id)) problems.push(at(['steps', index, 'id'], said('sandbox.scenario.id_twice', { id: step.id })));
      ids.add(step.id);
    }
    steps.push({ kind: 'message', atMs: step.at, from: step.from, channel, text: step.text, ...(step.id ? { id: step.id } : {}), ...(step.thread ? { thread: step.thread } : {}) });
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, scenario: { id: top.data.id, name: top.data.name, description: top.data.description, language: top.data.language, channel: defaultChannel, steps, file } };
}

/** Every *.yaml scenario in a folder, with the problems of those that are not valid. */
export async function loadScenarios(directory: string): Promise<{ scenarios: Scenario[]; problems: ScenarioProblem[] }> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { scenarios: [], problems: [] };
    throw error;
  }
  const scenarios: Scenario[] = [];
  const problems: ScenarioProblem[] = [];
  for (const name of names) {
    const result = await loadScenarioFile(join(directory, name));
    if (result.ok) {
      const clash = scenarios.find((scenario) => scenario.id === result.scenario.id);
      if (clash) problems.push(problemAt({ file: result.scenario.file, line: 0, column: 0, path: 'id' }, said('sandbox.scenario.id_clash', { id: result.scenario.id, file: basename(clash.file) })));
      else scenarios.push(result.scenario);
    } else problems.push(...result.problems);
  }
  return { scenarios, problems };
}

export async function loadScenarioFile(file: string): Promise<ScenarioResult> {
  const info = await stat(file);
  if (info.size > MAX_SCENARIO_BYTES) return { ok: false, problems: [problemAt({ file, line: 0, column: 0, path: '' }, said('sandbox.scenario.too_large', { size: String(info.size), maximum: String(MAX_SCENARIO_BYTES) }))] };
  return parseScenario(await readFile(file, 'utf8'), file);
}

/** The schema's own messages are these keys' last part (sandbox.scenario.<key>). */
const SCHEMA_MESSAGES = { duration: 'sandbox.scenario.duration', slug: 'sandbox.scenario.slug', not_empty: 'sandbox.scenario.not_empty', no_steps: 'sandbox.scenario.no_steps' } as const;

function issueMessage(issue: z.core.$ZodIssue): Said {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return issue.keys.length === 1 ? said('sandbox.scenario.unknown_key', { key: keys }) : said('sandbox.scenario.unknown_keys', { keys });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return said('sandbox.scenario.required', {});
  const own = SCHEMA_MESSAGES[issue.message as keyof typeof SCHEMA_MESSAGES];
  if (own) return said(own, {});
  // `at` is a number of seconds or a duration: neither is what a union of both says.
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'at') return said('sandbox.scenario.duration', {});
  if (issue.code === 'too_small') {
    const minimum = String(issue.minimum);
    return issue.origin === 'string' ? said('sandbox.scenario.too_short', { minimum }) : issue.origin === 'array' ? said('sandbox.scenario.too_few', { minimum }) : said('sandbox.scenario.too_small', { minimum });
  }
  if (issue.code === 'too_big') {
    const maximum = String(issue.maximum);
    return issue.origin === 'string' ? said('sandbox.scenario.too_long', { maximum }) : issue.origin === 'array' ? said('sandbox.scenario.too_many', { maximum }) : said('sandbox.scenario.too_big', { maximum });
  }
  if (issue.code === 'invalid_value') return said('sandbox.scenario.one_of', { values: issue.values.map((value) => JSON.stringify(value)).join(', ') });
  if (issue.code === 'invalid_type') return said('sandbox.scenario.wrong_type', { expected: issue.expected });
  return said('sandbox.scenario.invalid', { detail: issue.message });
}

function unknownKeyHint(issue: z.core.$ZodIssue, known: string[]): Said | undefined {
  if (issue.code !== 'unrecognized_keys' || issue.keys.length !== 1) return undefined;
  return didYouMean(issue.keys[0] ?? '', known);
}

/** Line and column of the deepest node on `path` that exists (an unknown key points at its map). */
function locate(doc: Document, lineCounter: LineCounter, path: (string | number)[]): { line: number; column: number } {
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      // A missing or unknown key points at the nearest node that exists: its map.
      const position = lineCounter.linePos(range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return { line: 1, column: 1 };
}
