/** Incident states built through the real domain use cases, and helpers to read built blocks. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import {
  acknowledge,
  createDraft,
  overviewOf,
  type Decision,
  type IncidentState,
  type JsonValue,
} from '../../../src/domain/incidents/index.js';
import { parsePlaybookSource, type Playbook } from '../../../src/domain/playbooks/index.js';
import { checkMessageLimits, checkViewLimits } from '../../../src/slack/blocks/limits.js';
import { MINUTE, T0, incidentPolicy, openState } from '../../domain/incidents/helpers.js';

export { MINUTE, T0, incidentPolicy };

export const spike: JsonValue = {
  window: { start: T0 - 30 * MINUTE, end: T0 },
  baseline: 2.1,
  observed: 14,
  ratio: 6.67,
  deviations: 5.2,
  messages: 40,
  negativeShare: 0.35,
  usualNegativeShare: 0.08,
  distinctAuthors: 9,
  topAuthorShare: 0.21,
  topAuthorId: 'UMEMBER1',
  kind: 'crisis',
  dominantTerms: [
    { term: 'refund', count: 9 },
    { term: 'scam', count: 5 },
  ],
  samples: [
    { id: '1700000000.000100', authorId: 'UMEMBER1', score: -0.6, text: 'This is a scam <!channel> give me my refund' },
    { id: '1700000000.000200', authorId: 'UMEMBER2', score: -0.9, text: 'Worst update ever, I want a refund' },
    { id: '1700000000.000300', authorId: 'UMEMBER1', score: -0.95, text: 'Still nothing from the team' },
    { id: '1700000000.000400', authorId: 'UMEMBER3', score: -0.4, text: 'meh' },
  ],
};

export function clockAt(ms = T0): ManualClock {
  return new ManualClock(ms);
}

export function accepted(decision: Decision): IncidentState {
  if (!decision.ok) expect.fail(`refused: ${decision.refusal.message}`);
  return decision.state;
}

export function incidentWith(options: { detection?: JsonValue; drill?: boolean; locale?: 'en' | 'es' } = {}) {
  const clock = clockAt();
  const policy = incidentPolicy();
  const state = openState(clock, {
    detection: options.detection === undefined ? spike : options.detection,
    drill: options.drill ?? false,
    locale: options.locale ?? 'en',
  });
  return { clock, policy, state, overview: () => overviewOf(state, policy, clock) };
}

/** An incident with a lead and one pending draft by UDRAFTER. */
export function incidentWithDraft(text = 'We are on it. Updates at 15:00.') {
  const { clock, policy } = incidentWith();
  let state = openState(clock, { detection: spike });
  state = accepted(acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock));
  clock.advance(MINUTE);
  state = accepted(
    createDraft(state, { actorUserId: 'UDRAFTER', text, language: 'en', templateId: 'ack', target: { kind: 'channel', channelId: 'CCOMMUNITY' } }, policy, clock),
  );
  return { clock, policy, state };
}

let cachedPlaybook: Playbook | undefined;
export function outagePlaybook(): Playbook {
  if (cachedPlaybook) return cachedPlaybook;
  const source = readFileSync(new URL('../../../playbooks/service-outage.yaml', import.meta.url), 'utf8');
  const { playbook, problems } = parsePlaybookSource(source, 'playbooks/service-outage.yaml');
  if (!playbook) throw new Error(`fixture playbook invalid: ${JSON.stringify(problems)}`);
  cachedPlaybook = playbook;
  return playbook;
}

type Json = Record<string, unknown>;

export function expectMessageWithinLimits(built: { text: string; blocks: unknown[] }): void {
  expect(checkMessageLimits(built)).toEqual([]);
}

export function expectViewWithinLimits(view: object): void {
  expect(checkViewLimits(view as Json)).toEqual([]);
}

/** Every text a person sees in the blocks, joined (sections, fields, context, headers, buttons, labels). */
export function visibleText(blocks: readonly unknown[]): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Json;
    if ((obj['type'] === 'mrkdwn' || obj['type'] === 'plain_text') && typeof obj['text'] === 'string') out.push(obj['text']);
    for (const [key, value] of Object.entries(obj)) if (key !== 'value' && key !== 'private_metadata') walk(value);
  };
  walk(blocks);
  return out.join('\n');
}

export interface FoundButton {
  readonly text: string;
  readonly actionId: string;
  readonly value: string;
  readonly style?: string;
}

export function buttons(blocks: readonly unknown[]): FoundButton[] {
  const found: FoundButton[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Json;
    if (obj['type'] === 'button') {
      const text = (obj['text'] as Json)['text'] as string;
      found.push({ text, actionId: obj['action_id'] as string, value: obj['value'] as string, ...(obj['style'] ? { style: obj['style'] as string } : {}) });
      return;
    }
    Object.values(obj).forEach(walk);
  };
  walk(blocks);
  return found;
}

/** Loose JSON for poking into built blocks in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = Record<string, any>;

/** The input blocks of a view by block_id. */
export function inputsOf(view: { blocks: readonly unknown[] }): Map<string, AnyJson> {
  return new Map(
    (view.blocks as AnyJson[]).filter((b) => b['type'] === 'input').map((b) => [b['block_id'] as string, b] as const),
  );
}
