/**
 * Drill scenarios: YAML files in playbooks/scenarios/ that say who posts what, where and when.
 * Problems are reported like playbook problems (file:line:column: path: message), and a scenario that
 * names a persona or channel the sandbox does not have is refused.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { didYouMean, formatKeyPath, type PlaybookProblem } from '../domain/playbooks/problems.js';
import { CHANNELS, PERSONAS } from './personas.js';

export type ScenarioProblem = PlaybookProblem;

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
  .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|min)$/, 'must be a duration such as 30s, 2m or 500ms')])
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
    text: z.string().trim().min(1, 'must not be empty').max(4000),
    channel: z.string().min(1).optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and -').optional(),
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
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and -'),
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(1000).default(''),
    language: z.enum(['en', 'es']),
    channel: z.string().min(1),
    steps: z.array(z.unknown()).min(1, 'needs at least one step').max(500),
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
    problems.push({ file, line: position?.line ?? 0, column: position?.col ?? 0, path: '', message: error.message.split('\n')[0] ?? 'YAML syntax error' });
  }
  if (problems.length) return { ok: false, problems };
  const at = (path: (string | number)[], message: string, hint?: string): ScenarioProblem => {
    const { line, column } = locate(doc, lineCounter, path);
    return { file, line, column, path: formatKeyPath(path), message, ...(hint ? { hint } : {}) };
  };

  const top = scenarioSchema.safeParse(doc.toJS());
  if (!top.success) {
    return { ok: false, problems: top.error.issues.map((issue) => at(issue.path as (string | number)[], issueMessage(issue), unknownKeyHint(issue, ['formatVersion', 'id', 'name', 'description', 'language', 'channel', 'steps']))) };
  }
  const channelNames = CHANNELS.filter((channel) => !channel.alerts).map((channel) => channel.name);
  const handles = PERSONAS.map((persona) => persona.handle);
  const staffHandles = PERSONAS.filter((persona) => persona.kind !== 'member').map((persona) => persona.handle);
  const checkChannel = (name: string, path: (string | number)[]) => {
    const bare = name.replace(/^#/, '');
    if (!channelNames.includes(bare)) problems.push(at(path, `unknown channel "${name}": the sandbox has ${channelNames.map((c) => `#${c}`).join(', ')}`, didYouMean(bare, channelNames)));
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
    if (step.at < previousAt) problems.push(at(['steps', index, 'at'], 'steps must be in time order: this one is earlier than the one before'));
    previousAt = Math.max(previousAt, step.at);
    if ('declare' in step) {
      const declare = step.declare;
      if (!staffHandles.includes(declare.by)) {
        problems.push(at(['steps', index, 'declare', 'by'], handles.includes(declare.by) ? `"${declare.by}" is a community member; only staff can declare (${staffHandles.join(', ')})` : `unknown persona "${declare.by}"`, didYouMean(declare.by, staffHandles)));
      }
      const channel = declare.channel ? checkChannel(declare.channel, ['steps', index, 'declare', 'channel']) : defaultChannel;
      steps.push({ kind: 'declare', atMs: step.at, by: declare.by, channel, severity: declare.severity, summary: declare.summary, unlessAlerted: declare.unlessAlerted });
      return;
    }
    if (!handles.includes(step.from)) problems.push(at(['steps', index, 'from'], `unknown persona "${step.from}"`, didYouMean(step.from, handles) ?? `the sandbox has ${handles.join(', ')}`));
    const channel = step.channel ? checkChannel(step.channel, ['steps', index, 'channel']) : defaultChannel;
    if (step.thread !== undefined && !ids.has(step.thread)) problems.push(at(['steps', index, 'thread'], `no earlier step has id "${step.thread}"`, didYouMean(step.thread, [...ids])));
    if (step.id !== undefined) {
      if (ids.has(step.id)) problems.push(at(['steps', index, 'id'], `id "${step.id}" is used twice`));
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
      if (clash) problems.push({ file: result.scenario.file, line: 0, column: 0, path: 'id', message: `id "${result.scenario.id}" is already used by ${basename(clash.file)}` });
      else scenarios.push(result.scenario);
    } else problems.push(...result.problems);
  }
  return { scenarios, problems };
}

export async function loadScenarioFile(file: string): Promise<ScenarioResult> {
  const info = await stat(file);
  if (info.size > MAX_SCENARIO_BYTES) return { ok: false, problems: [{ file, line: 0, column: 0, path: '', message: `the file is ${info.size} bytes; scenarios may be at most ${MAX_SCENARIO_BYTES}` }] };
  return parseScenario(await readFile(file, 'utf8'), file);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

function unknownKeyHint(issue: z.core.$ZodIssue, known: string[]): string | undefined {
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
