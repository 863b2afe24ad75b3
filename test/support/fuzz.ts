// The hostile-input fuzz: a real `firebreak start` (child process, SQLite or PostgreSQL, loopback Slack)
// receives correctly signed events, slash commands and interactions drawn from the shapes Slack sends,
// most of them mutated (nulls, wrong types, huge and odd Unicode strings, unknown ids, other teams,
// whole bodies that are not objects). Valid member messages are mixed in, some delivered twice as
// Slack retries do. Seeded: the same seed sends the same requests. Afterwards it reports what users
// rely on: the process alive, no 5xx, no answer slower than 3 s, answer-time percentiles, every
// acknowledged valid message stored exactly once (and counted once in its bucket), and RSS growth.
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { actionIds, callbackIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { encodeSlackRequest, eventCallback, messageBlockActions, messageEvent, messageShortcut, slashCommand, viewSubmission, type AppIdentity, type SlackRequestKind } from '../../src/sandbox/slack-payloads.js';
import type { DatabaseProvider } from '../../src/store/schema-files.js';
import { SIGNING_SECRET } from '../e2e/harness.js';
import { startCrashHarness, type CrashHarness } from './crash-harness.js';
import { seededRandom } from '../../src/domain/random.js';

export interface FuzzOptions {
  provider: DatabaseProvider;
  requests: number;
  seed: number;
  /** Stop sending after this long, whatever the count. */
  maxSeconds: number;
  /** Requests in flight at once. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  provider: DatabaseProvider;
  seed: number;
  sent: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  /** Requests that got no HTTP answer at all (connection refused or reset, timeout at 10 s). */
  noAnswer: number;
  /** Why those got no answer (first few), with the kind and body size. */
  noAnswerReasons: string[];
  serverErrors: number;
  /**
   * Requests holding a string longer than Slack's longest text (40,000 characters): sent, and answered
   * 413 (refused as a body Slack can never send).
   */
  impossible: { sent: number; refused: number };
  /** 413 answers to requests Slack could have sent, each a failure: how many, and the first few (kind, size). */
  refusedPossible: { count: number; examples: string[] };
  slowerThan3s: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 by kind of request, to see where slow answers come from. */
  p99MsByKind: Record<string, number>;
  maxMs: number;
  processAlive: boolean;
  exitCode: number | null;
  validAcknowledged: number;
  validLost: number;
  duplicates: number;
  /** Messages stored for a team Firebreak is not installed in. */
  foreignStored: number;
  quarantined: number;
  rssStartMb: number;
  rssEndMb: number;
  /**
   * CPU seconds the instance used while the requests were sent (user + system): what they cost it,
   * much less sensitive than answer times to what else runs on the machine.
   */
  instanceCpuSeconds: number;
  seconds: number;
  /** The slowest answers: kind, status and time. */
  slowest: { kind: string; status: number; ms: number }[];
  /** Error-level log lines of the instance, by message (a malformed request should never cause one). */
  errorLogs: Record<string, number>;
}

function errorLogs(logs: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of logs.split('\n')) {
    if (!/"level":(50|60)/.test(line)) continue;
    let key = line.slice(0, 120);
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      // Prisma's messages start with a blank line and end with the database's words: all their lines, joined.
      const said = entry.err?.message?.split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
      key = `${entry.msg ?? ''}: ${said?.slice(0, 200) ?? ''}`;
    } catch {
      // Not JSON: counted by its start.
    }
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const ODD_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  'Z̴̡̢̛̗͎̘̰͍̣͇̦̫̫̰̱͓̘̟̬͉̳̊̈́̆̏̈́̿̍̊͋͒̃͘͝ͅa̵̢',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '<!channel> <@U000> <#C000|x> &amp;',
  '{',
  '{"i":null}',
  '{"i":"no-such-incident"}',
  '{"i":"x","d":"y","r":-1}',
  '__proto__',
  'constructor',
  '1e309',
  '-1',
  'NaN',
  ' ',
  '\n\r\t',
];

const WRONG_TYPES: unknown[] = [null, 0, -1, 1.5, true, false, [], [null], {}, { id: null }, Number.MAX_SAFE_INTEGER];

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;

  const harness: CrashHarness = await startCrashHarness({ provider: options.provider });
  try {
    const instance = await harness.start();
    const url = `${instance.url}/slack/events`;
    const pid = instance.child.pid as number;
    const identity = harness.fake.workspace.appIdentity();
    const strangers: AppIdentity = { ...identity, teamId: 'T0STRANGERS', teamDomain: 'strangers' };
    const { members, ann, ben, support, alerts } = { ...harness.people, support: harness.support, alerts: harness.alerts };
    const staff = [ann, ben, harness.people.cleo, harness.people.sam];

    // An incident of this team, so interactions can name a real one.
    await harness.command(ann, `declare <#${support}|support> sev2 Fuzzing in progress`);
    const incident = await harness.waitFor('the fuzz incident', async () => (await harness.database.prisma.incident.findFirst()) ?? undefined);
    const incidentId = incident.id;

    /** The longest string put in the request being planned: one longer than Slack's longest text makes it impossible. */
    let planLongest = 0;
    const huge = () => {
      const value = pick(['x', 'é', '😀', '\u0000', '\ud800']).repeat(pick([5_000, 50_000, 300_000]));
      planLongest = Math.max(planLongest, value.length);
      return value;
    };
    const oddString = () => (chance(0.1) ? huge() : pick(ODD_STRINGS));
    const wrong = () => (chance(0.5) ? pick(WRONG_TYPES) : oddString());

    /** Sets, deletes or replaces one value somewhere in a JSON-like object. */
    function mutate(value: unknown, depth = 0): unknown {
      if (value === null || typeof value !== 'object' || depth > 4) return chance(0.5) ? wrong() : value;
      const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
      if (entries.length === 0 || chance(0.15)) return wrong();
      const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
      const [key, inner] = pick(entries);
      const action = random();
      if (action < 0.15 && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[key];
      else if (action < 0.55 && inner !== null && typeof inner === 'object') (copy as Record<string, unknown>)[key] = mutate(inner, depth + 1);
      else (copy as Record<string, unknown>)[key] = wrong();
      return copy;
    }

    let tsCounter = 0;
    const fuzzSeconds = Math.floor(Date.now() / 1000) - 3_600;
    const validSeconds = Math.floor(Date.now() / 1000) - 120;
    const nextTs = (seconds: number) => `${seconds + Math.floor(tsCounter / 999_999)}.${String((tsCounter++ % 999_999) + 1).padStart(6, '0')}`;
    const text = () => pick(['The app is broken again, terrible', 'Thanks for the help!', 'Where is my order?', '¿Alguien sabe cuándo vuelve el servicio?', 'Qué desastre, otra vez caído']) + (chance(0.2) ? ` ${pick(ODD_STRINGS.slice(5, 9))}` : '');

    const incidentValue = () => encodeRef({ i: chance(0.7) ? incidentId : pick(['no-such', '', 'x'.repeat(300)]) });
    const buttonValue = (actionId: string) => {
      if (actionId.startsWith('draft.')) return encodeRef({ i: incidentId, d: pick(['d-unknown', '']), r: pick([1, 0, -1, 2]) });
      if (actionId === actionIds.toggleStep) return encodeRef({ i: incidentId, s: pick(['acknowledge', 'nope']), done: chance(0.5) });
      if (actionId === actionIds.actionItemDone) return encodeRef({ i: incidentId, a: 'x' });
      return incidentValue();
    };

    type Planned = { kind: string; requestKind: SlackRequestKind | 'raw'; payload: unknown; contentType?: string; body?: string; validTs?: string; retryOf?: string; skewSeconds?: number; impossible?: boolean };
    const sentValid: { ts: string; eventId: string }[] = [];

    function plan(): Planned {
      const roll = random();
      if (roll < 0.22) {
        // A valid member message (tracked); sometimes a retried delivery of an earlier one.
        if (sentValid.length > 0 && chance(0.1)) {
          const earlier = pick(sentValid);
          return { kind: 'valid_retry', requestKind: 'event', payload: eventCallback(identity, messageEvent({ channel: support, user: pick(members), text: 'retry', ts: earlier.ts }), { nowMs: Date.now(), eventId: earlier.eventId }), retryOf: earlier.ts };
        }
        const ts = nextTs(validSeconds);
        return { kind: 'valid_message', requestKind: 'event', payload: eventCallback(identity, messageEvent({ channel: support, user: pick(members), text: text(), ts }), { nowMs: Date.now() }), validTs: ts };
      }
      if (roll < 0.5) {
        const subtype = pick([undefined, undefined, 'message_changed', 'message_deleted', 'thread_broadcast', 'bot_message', `weird_${Math.floor(random() * 1000)}`]);
        const ts = nextTs(fuzzSeconds);
        const event: Record<string, unknown> = { ...messageEvent({ channel: pick([support, alerts, 'C0UNKNOWN']), user: pick([...members, ...staff, 'U0UNKNOWN']), text: text(), ts }), ...(subtype ? { subtype } : {}) };
        if (subtype === 'message_changed') event['message'] = { user: pick(members), text: oddString(), ts };
        if (subtype === 'message_deleted') event['deleted_ts'] = ts;
        if (chance(0.2)) event['thread_ts'] = pick([ts, 'abc', '']);
        const envelope = eventCallback(chance(0.1) ? strangers : identity, event as { type: string }, { nowMs: Date.now() });
        return { kind: 'event_mutated', requestKind: 'event', payload: chance(0.85) ? mutate(envelope) : envelope };
      }
      if (roll < 0.6) {
        const textValue = pick(['help', 'list', 'status', `declare <#${support}|support> sev3 fuzz ${oddString()}`, 'resolve 99999', `watch <#C0UNKNOWN|nowhere>`, oddString(), 'declare']);
        const fields: Record<string, unknown> = slashCommand(chance(0.15) ? strangers : identity, {
          command: '/firebreak',
          text: textValue,
          user: { id: pick([...staff, ...members]), name: 'someone' },
          channel: { id: alerts, name: 'alerts' },
          triggerId: '1.2.abc',
          responseUrl: harness.fake.issueResponseUrl(ann, alerts),
        });
        if (chance(0.3)) delete fields[pick(['text', 'user_id', 'team_id', 'command', 'channel_id'])];
        return { kind: 'command', requestKind: 'command', payload: fields };
      }
      if (roll < 0.82) {
        const actionId = pick<string>([...Object.values(actionIds), 'unknown.action']);
        const payload = messageBlockActions(chance(0.15) ? strangers : identity, {
          user: { id: pick([...staff, ...members, '']), name: 'someone' },
          channel: { id: alerts, name: 'alerts' },
          message: { ts: `${fuzzSeconds}.000001`, text: 'alert' },
          actions: [{ action_id: actionId, block_id: 'actions', value: chance(0.8) ? buttonValue(actionId) : oddString() }],
          triggerId: '1.2.abc',
          responseUrl: harness.fake.issueResponseUrl(ann, alerts),
          nowMs: Date.now(),
        });
        return { kind: 'block_actions', requestKind: 'interaction', payload: chance(0.6) ? mutate(payload) : payload };
      }
      if (roll < 0.95) {
        const callbackId = pick(Object.values(callbackIds));
        const values = { [inputIds.note]: { [inputIds.note]: { type: 'plain_text_input', value: oddString() } }, [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: { type: 'plain_text_input', value: 'fixed' } } };
        const payload =
          callbackId === callbackIds.addToTimelineShortcut
            ? messageShortcut(chance(0.15) ? strangers : identity, { callbackId, user: { id: pick(staff), name: 's' }, channel: { id: support, name: 'support' }, message: { ts: `${fuzzSeconds}.000002`, text: 'x', user: pick(members) }, triggerId: '1.2.abc', responseUrl: harness.fake.issueResponseUrl(ann, support), nowMs: Date.now() })
            : viewSubmission(chance(0.15) ? strangers : identity, {
                user: { id: pick([...staff, '']), name: 's' },
                view: { id: 'V0FUZZ', type: 'modal', callback_id: callbackId, private_metadata: chance(0.8) ? incidentValue() : oddString(), hash: '1.a', blocks: [{ type: 'input', block_id: inputIds.note }] },
                values,
                triggerId: '1.2.abc',
              });
        return { kind: 'view_or_shortcut', requestKind: 'interaction', payload: chance(0.6) ? mutate(payload) : payload };
      }
      // Whole bodies that are not what Slack sends, and signatures from the wrong time.
      const raw = pick([
        { contentType: 'application/json', body: 'null' },
        { contentType: 'application/json', body: '[]' },
        { contentType: 'application/json', body: '"text"' },
        { contentType: 'application/json', body: '42' },
        { contentType: 'application/json', body: '{' },
        { contentType: 'application/json', body: '{"type":"event_callback","team_id":"T","event":{"type":"message","channel":null}}' },
        { contentType: 'application/x-www-form-urlencoded', body: 'payload=null' },
        { contentType: 'application/x-www-form-urlencoded', body: 'payload=%7B' },
        { contentType: 'application/x-www-form-urlencoded', body: 'payload=1&payload=2' },
        { contentType: 'application/x-www-form-urlencoded', body: '' },
        { contentType: 'text/plain', body: '\u0000\u0001' },
      ]);
      return { kind: 'raw_body', requestKind: 'raw', payload: null, ...raw, ...(chance(0.2) ? { skewSeconds: pick([-600, 600, -31_536_000]) } : {}) };
    }

    const durations: number[] = [];
    const durationsByKind: Record<string, number[]> = {};
    const slowest: { kind: string; status: number; ms: number }[] = [];
    const statuses: Record<string, number> = {};
    const byKind: Record<string, number> = {};
    let noAnswer = 0;
    const noAnswerReasons: string[] = [];
    const impossible = { sent: 0, refused: 0 };
    const refusedPossible = { count: 0, examples: [] as string[] };
    let slow = 0;
    const acknowledgedValid = new Set<string>();

    async function send(planned: Planned): Promise<void> {
      let body: string;
      let contentType: string;
      if (planned.requestKind === 'raw') {
        body = planned.body ?? '';
        contentType = planned.contentType ?? 'application/json';
      } else if (planned.requestKind === 'command' && planned.payload && typeof planned.payload === 'object') {
        // Commands are forms: mutated values are sent as their text.
        const form = new URLSearchParams();
        for (const [key, value] of Object.entries(planned.payload as Record<string, unknown>)) if (value !== undefined) form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
        body = form.toString();
        contentType = 'application/x-www-form-urlencoded';
      } else if (planned.requestKind === 'interaction') {
        ({ body, contentType } = { body: new URLSearchParams({ payload: JSON.stringify(planned.payload) }).toString(), contentType: 'application/x-www-form-urlencoded' });
      } else {
        ({ body, contentType } = planned.payload !== null && typeof planned.payload === 'object' ? encodeSlackRequest('event', planned.payload) : { body: JSON.stringify(planned.payload), contentType: 'application/json' });
      }
      const timestamp = Math.floor(Date.now() / 1000) + (planned.skewSeconds ?? 0);
      const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
      if (planned.retryOf) Object.assign(headers, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
      byKind[planned.kind] = (byKind[planned.kind] ?? 0) + 1;
      const started = performance.now();
      try {
        const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        const elapsed = performance.now() - started;
        durations.push(elapsed);
        (durationsByKind[planned.kind] ??= []).push(elapsed);
        if (slowest.length < 5 || elapsed > (slowest.at(-1)?.ms ?? 0)) {
          slowest.push({ kind: planned.kind, status: response.status, ms: Math.round(elapsed) });
          slowest.sort((a, b) => b.ms - a.ms).splice(5);
        }
        if (elapsed > 3_000) slow += 1;
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (planned.impossible) impossible.sent += 1;
        if (response.status === 413) {
          if (planned.impossible) impossible.refused += 1;
          else if (refusedPossible.count++ < 5) refusedPossible.examples.push(`${planned.kind} (${body.length} characters)`);
        }
        if (planned.validTs && response.status === 200) acknowledgedValid.add(planned.validTs);
      } catch (error) {
        noAnswer += 1;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        if (noAnswerReasons.length < 5) noAnswerReasons.push(`${planned.kind} (${body.length} bytes) after ${Math.round(performance.now() - started)} ms: ${(error as Error).name} ${cause?.code ?? cause?.message ?? (error as Error).message}`);
      }
    }

    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    // utime and stime, the 14th and 15th fields of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
    const cpu = () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    const rssStartMb = rss();
    const cpuStart = cpu();
    const started = Date.now();
    const deadline = started + options.maxSeconds * 1000;
    let sent = 0;
    const workers = Array.from({ length: options.concurrency ?? 8 }, async () => {
      while (sent < options.requests && Date.now() < deadline && instance.child.exitCode === null) {
        sent += 1;
        planLongest = 0;
        const planned = plan();
        // Slack's longest text is a message's 40,000 characters.
        if (planLongest > 40_000) planned.impossible = true;
        if (planned.validTs) sentValid.push({ ts: planned.validTs, eventId: (planned.payload as { event_id: string }).event_id });
        await send(planned);
        if (sent % 2_000 === 0) log(`${options.provider}: ${sent} requests, ${Math.round((Date.now() - started) / 1000)} s, rss ${Math.round(rss())} MB`);
      }
    });
    await Promise.all(workers);
    const seconds = (Date.now() - started) / 1000;
    const processAlive = instance.child.exitCode === null && instance.child.signalCode === null;
    const rssEndMb = processAlive ? rss() : 0;
    const instanceCpuSeconds = processAlive ? Math.round((cpu() - cpuStart) * 10) / 10 : 0;

    // Acknowledged means stored: wait for the last group commits, then compare.
    const { prisma } = harness.database;
    const channel = await prisma.watchedChannel.findFirst({ where: { channelId: support, workspace: { teamId: identity.teamId } } });
    // Messages another team sent are never stored (its events are dropped).
    const foreignStored = await prisma.scoredMessage.count({ where: { channel: { workspace: { teamId: { not: identity.teamId } } } } });
    const storedTs = async () => new Set((channel ? await prisma.scoredMessage.findMany({ where: { channelRef: channel.id }, select: { ts: true } }) : []).map((row) => row.ts));
    let stored = await storedTs();
    for (let waited = 0; waited < 30_000 && [...acknowledgedValid].some((ts) => !stored.has(ts)); waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      stored = await storedTs();
    }
    const validLost = [...acknowledgedValid].filter((ts) => !stored.has(ts)).length;
    // Each stored message counts once in its bucket: a retry or a second instance never counts it twice.
    // Rows and buckets are two reads: a fuzzed message still being committed between them (the wait above
    // covers only the tracked valid ones) looks like a duplicate for a moment. A real one stays.
    const countedTwice = async () => {
      if (!channel) return 0;
      const rows = await prisma.scoredMessage.count({ where: { channelRef: channel.id, deletedAt: null } });
      const bucketTotal = (await prisma.channelBucket.findMany({ where: { channelRef: channel.id } })).reduce((sum, bucket) => sum + bucket.messages, 0);
      return Math.max(0, bucketTotal - rows);
    };
    let duplicates = await countedTwice();
    for (let waited = 0; waited < 10_000 && duplicates > 0; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      duplicates = await countedTwice();
    }

    const quantile = (values: number[], q: number) => {
      const ordered = [...values].sort((a, b) => a - b);
      return Math.round((ordered[Math.min(ordered.length - 1, Math.floor(q * ordered.length))] ?? 0) * 10) / 10;
    };
    const sorted = [...durations].sort((a, b) => a - b);
    const at = (q: number) => quantile(sorted, q);
    return {
      provider: options.provider,
      seed: options.seed,
      sent,
      byKind,
      statuses,
      noAnswer,
      noAnswerReasons,
      impossible,
      refusedPossible,
      serverErrors: Object.entries(statuses).filter(([status]) => Number(status) >= 500).reduce((sum, [, count]) => sum + count, 0),
      slowerThan3s: slow,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      p99MsByKind: Object.fromEntries(Object.entries(durationsByKind).map(([kind, values]) => [kind, quantile(values, 0.99)])),
      maxMs: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
      processAlive,
      exitCode: instance.child.exitCode,
      validAcknowledged: acknowledgedValid.size,
      validLost,
      duplicates,
      foreignStored,
      quarantined: await prisma.quarantinedMessage.count(),
      rssStartMb: Math.round(rssStartMb),
      rssEndMb: Math.round(rssEndMb),
      instanceCpuSeconds,
      seconds: Math.round(seconds * 10) / 10,
      slowest,
      errorLogs: errorLogs(instance.logs()),
    };
  } finally {
    await harness.close();
  }
}
