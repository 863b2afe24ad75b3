/**
 * Exports a post-mortem as Markdown (for people) and JSON (for tools). Both come from one export
 * model, so they always agree, and both pseudonymise community members unless the team opted in.
 */
import { FirebreakError } from '../../errors.js';
import { t, type Locale, type MessageKey } from '../../i18n/index.js';
import { describeTimelineEvent, isFoldedIntoApproval } from '../incidents/describe.js';
import type { IncidentMetrics } from '../incidents/metrics.js';
import type { Incident, JsonObject, JsonValue, TimelineEvent } from '../incidents/types.js';
import { markdownCode, markdownInline, markdownText } from './markdown-text.js';
import { reviewersFor } from './postmortem.js';
import { MemberPseudonyms } from './pseudonyms.js';
import { STANDARD_FIELDS, type PostMortem } from './types.js';

export interface PostMortemExportInput {
  readonly incident: Incident;
  /** null when none exists yet: the export says so instead of inventing one. */
  readonly postMortem: PostMortem | null;
  readonly timeline: readonly TimelineEvent[];
  readonly metrics: IncidentMetrics;
  readonly locale: Locale;
  /** IANA time zone for the times shown; UTC by default. */
  readonly timeZone?: string;
  /** Display names by user id, resolved by the edge. */
  readonly userNames?: Readonly<Record<string, string>>;
  readonly channelNames?: Readonly<Record<string, string>>;
  /** The team opted in to show community members' names and ids. */
  readonly includeMemberIdentities?: boolean;
  /**
   * Every name the edge found for the members a draft may name (`membersDraftsMayName`): a reply
   * template fills `{{member}}` with one of them, so they are removed from every text like quoted names.
   */
  readonly memberNames?: Readonly<Record<string, readonly string[]>>;
}

/** Timeline kinds whose text is worth quoting in full in an export. */
const QUOTED: ReadonlySet<TimelineEvent['kind']> = new Set([
  'message_added',
  'note_added',
  'draft_created',
  'draft_edited',
  'reply_posted',
  'severity_changed',
  'checklist_skipped',
  'resolved',
  'reopened',
]);

function requirePostMortem(input: PostMortemExportInput): PostMortem {
  if (input.postMortem) return input.postMortem;
  throw new FirebreakError(
    'not_found',
    `Incident #${input.incident.number} (${input.incident.id}) has no post-mortem yet; one is created when the incident is resolved.`,
  );
}

function staffOf(input: PostMortemExportInput, postMortem: PostMortem): Set<string> {
  const staff = new Set<string>();
  const add = (id: JsonValue | undefined) => {
    if (typeof id === 'string' && id) staff.add(id);
  };
  add(input.incident.leadUserId);
  add(postMortem.ownerUserId);
  postMortem.reviewerUserIds.forEach(add);
  postMortem.actionItems.forEach((a) => add(a.ownerUserId));
  for (const e of input.timeline) {
    add(e.actorUserId);
    if (e.kind === 'reply_posted') add(e.data['authorUserId']);
    for (const key of ['approverUserIds', 'recipientUserIds', 'voidedDecisionsBy']) {
      const ids = e.data[key];
      if (Array.isArray(ids)) ids.forEach(add);
    }
    if (e.kind === 'lead_changed') add(e.data['fromUserId']);
  }
  return staff;
}

const stringField = (value: JsonValue | undefined, key: string): string | null => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const field = value[key];
  return typeof field === 'string' && field ? field : null;
};

/** Detection's sample messages (the threads a draft may answer), by ts: who wrote each. */
function sampleAuthors(incident: Incident): Map<string, string> {
  const authors = new Map<string, string>();
  const detection = incident.detection;
  const samples = detection && typeof detection === 'object' && !Array.isArray(detection) ? detection['samples'] : undefined;
  for (const sample of Array.isArray(samples) ? samples : []) {
    const ts = stringField(sample, 'id');
    const author = stringField(sample, 'authorId');
    if (ts && author) authors.set(ts, author);
  }
  return authors;
}

/** Who wrote each community message the incident knows by ts: detection's samples and messages added to the timeline. */
function messageAuthors(incident: Incident, timeline: readonly TimelineEvent[]): Map<string, string> {
  const authors = sampleAuthors(incident);
  for (const e of timeline) {
    const ts = stringField(e.data, 'messageTs');
    const author = stringField(e.data, 'authorUserId');
    if (e.kind === 'message_added' && ts && author && e.data['channelId'] === incident.channelId) authors.set(ts, author);
  }
  return authors;
}

/** The member a draft (or its posted reply) answers in their thread, when the incident knows who wrote it. */
function draftTargetMember(e: TimelineEvent, authors: ReadonlyMap<string, string>): string | null {
  if (e.kind !== 'draft_created' && e.kind !== 'reply_posted') return null;
  const target = e.data['target'];
  if (stringField(target, 'kind') !== 'thread') return null;
  const ts = stringField(target, 'messageTs');
  return ts ? (authors.get(ts) ?? null) : null;
}

/**
 * The members whose name Firebreak may have put into a draft, for the edge to look their names up
 * (`memberNames`): a reply template fills `{{member}}` with the author of one of detection's sample
 * messages (the threads the draft modal offers), normally the thread the draft answers. Every sample
 * author counts once the incident has a draft, so a greeting that names another sample's author than
 * the thread answered (or one an edit kept) is removed too.
 */
export function membersDraftsMayName(incident: Incident, timeline: readonly TimelineEvent[]): string[] {
  if (!timeline.some((e) => e.kind === 'draft_created')) return [];
  const authors = messageAuthors(incident, timeline);
  const members = new Set<string>(sampleAuthors(incident).values());
  for (const e of timeline) {
    const member = draftTargetMember(e, authors);
    if (member) members.add(member);
  }
  return [...members].sort();
}

/** A playbook version as people can compare it, git-style: the hash's first 12 hex digits are enough. */
export const playbookVersion = (hash: string) => (/^[0-9a-f]{64}$/.test(hash) ? `sha256:${hash.slice(0, 12)}` : hash);

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-21 14:05" in the given time zone, the same in every locale (ISO order reads everywhere). */
export function formatDateTime(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(epochMs);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** "45 min", "1 h 05 min", "2 d 3 h", "40 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${pad(minutes % 60)} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

type MetricRow = { readonly key: keyof IncidentMetrics; readonly label: MessageKey; readonly kind: 'duration' | 'ratio' | 'count' };
const METRIC_ROWS: readonly MetricRow[] = [
  { key: 'timeToDetectMs', label: 'export.metric.time_to_detect', kind: 'duration' },
  { key: 'timeToAcknowledgeMs', label: 'export.metric.time_to_acknowledge', kind: 'duration' },
  { key: 'timeToFirstReplyMs', label: 'export.metric.time_to_first_reply', kind: 'duration' },
  { key: 'timeToResolveMs', label: 'export.metric.time_to_resolve', kind: 'duration' },
  { key: 'timeToRecoveryMs', label: 'export.metric.time_to_recovery', kind: 'duration' },
  { key: 'peakNegativeRatio', label: 'export.metric.peak_negative_ratio', kind: 'ratio' },
  { key: 'membersAffected', label: 'export.metric.members_affected', kind: 'count' },
  { key: 'repliesPosted', label: 'export.metric.replies_posted', kind: 'count' },
  { key: 'reopenCount', label: 'export.metric.reopened', kind: 'count' },
];

interface ExportModel {
  readonly input: PostMortemExportInput;
  readonly postMortem: PostMortem;
  readonly people: MemberPseudonyms;
  readonly timeZone: string;
  readonly timeline: readonly TimelineEvent[];
}

function model(input: PostMortemExportInput): ExportModel {
  const postMortem = requirePostMortem(input);
  const timeZone = input.timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new FirebreakError('input_invalid', `"${timeZone}" is not a time zone; use an IANA name such as Europe/Madrid or UTC.`);
  }
  const staff = staffOf(input, postMortem);
  const people = new MemberPseudonyms(
    input.locale,
    staff,
    input.userNames ?? {},
    input.includeMemberIdentities ?? false,
  );
  const timeline = [...input.timeline].sort((a, b) => a.at - b.at);
  for (const [userId, names] of Object.entries(input.memberNames ?? {})) people.knowNames(userId, names);
  const authors = messageAuthors(input.incident, timeline);
  // Letters follow the order members first appear in the timeline: quoted, or answered by a draft.
  for (const e of timeline) {
    if (e.kind === 'message_added') {
      people.observe(
        typeof e.data['authorUserId'] === 'string' ? e.data['authorUserId'] : null,
        typeof e.data['authorName'] === 'string' ? e.data['authorName'] : null,
        e.text,
      );
    } else {
      const answered = draftTargetMember(e, authors);
      people.observe(answered && !staff.has(answered) ? answered : null, null, e.text);
    }
  }
  return { input, postMortem, people, timeZone, timeline };
}

function describe(m: ExportModel, e: TimelineEvent): string {
  return m.people.scrub(
    describeTimelineEvent(e, m.input.locale, {
      formatUser: (id) => m.people.user(id),
      formatMember: (id, name) => m.people.member(id, name),
      formatChannel: (id) => `#${m.input.channelNames?.[id] ?? id}`,
    }),
  );
}

function metricValue(m: ExportModel, row: MetricRow): string {
  const value = m.input.metrics[row.key];
  if (value === null || typeof value !== 'number') return t(m.input.locale, 'export.not_reached', {});
  if (row.kind === 'duration') return formatDuration(value);
  if (row.kind === 'ratio') return new Intl.NumberFormat(m.input.locale, { style: 'percent', maximumFractionDigits: 0 }).format(value);
  return String(value);
}

// ---------- Markdown ----------

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const quote = (text: string, indent = '') =>
  text
    .split(/\r?\n/)
    .map((line) => `${indent}> ${line}`.trimEnd())
    .join('\n');

export function renderPostMortemMarkdown(input: PostMortemExportInput): string {
  const m = model(input);
  const { incident, locale } = input;
  const pm = m.postMortem;
  const l = (key: MessageKey) => t(locale, key, {} as never);
  const when = (at: number | null) => (at === null ? '—' : `${formatDateTime(at, m.timeZone)} (${m.timeZone})`);
  // What people typed is escaped, so it reads as typed: never a heading, a list or an HTML tag of the file's.
  const text = (value: string) => (value.trim() ? markdownText(m.people.scrub(value)) : `_${l('export.unanswered')}_`);
  // So is every other text that is not Firebreak's own: names from Slack, channel names, playbook texts,
  // and timeline descriptions that carry them (a skipped step, a reminder's action item, a feedback excerpt).
  const inline = (value: string) => markdownInline(value);
  const out: string[] = [];

  out.push(`# ${t(locale, 'export.title', { number: incident.number })}`, '');
  if (incident.drill) out.push(`> ${l('export.drill')}`, '');
  // Its reviewers as Slack asks them: nobody reviews what they wrote, so its authors are not listed as unreviewed.
  const reviewers = reviewersFor(pm).map((id) => {
    const review = [...pm.reviews].reverse().find((r) => r.reviewerUserId === id && r.round === pm.round);
    const state = review ? t(locale, `export.review.${review.decision}`, {}) : l('export.review.pending');
    return `${inline(m.people.user(id))} (${inline(state)})`;
  });
  const channel = input.channelNames?.[incident.channelId] ?? incident.channelId;
  const header: [MessageKey, string][] = [
    ['export.header.status', inline(`${t(locale, `export.status.${pm.status}`, {})}${pm.publishedAt ? ` — ${when(pm.publishedAt)}` : ''}`)],
    ['export.header.severity', inline(incident.severity.toUpperCase())],
    ['export.header.playbook', `${inline(incident.playbookId)} (${markdownCode(playbookVersion(incident.playbookHash))})`],
    ['export.header.channel', `#${inline(channel)}`],
    ['export.header.lead', incident.leadUserId ? inline(m.people.user(incident.leadUserId)) : '—'],
    ['export.header.detected', inline(when(incident.detectedAt))],
    ['export.header.resolved', inline(when(incident.resolvedAt))],
    ['export.header.reviewers', reviewers.length > 0 ? reviewers.join(', ') : '—'],
  ];
  for (const [label, value] of header) out.push(`- **${l(label)}:** ${value}`);
  out.push('');

  const section = (title: string, body: string) => out.push(`## ${title}`, '', body, '');
  section(l('postmortem.field.summary'), text(pm.fields.summary));
  section(l('postmortem.field.impact'), text(pm.fields.impact));

  out.push(`## ${l('export.section.metrics')}`, '', `| ${l('export.metric')} | ${l('export.value')} |`, '| --- | --- |');
  for (const row of METRIC_ROWS) out.push(`| ${cell(l(row.label))} | ${cell(metricValue(m, row))} |`);
  out.push('');

  out.push(`## ${l('export.section.timeline')}`, '', `_${inline(t(locale, 'export.times_in', { timeZone: m.timeZone }))}_`, '');
  let lastDay = '';
  for (const e of m.timeline) {
    // Read as the thread reads: the approval that reached the quorum already says it will be posted (the JSON keeps every event).
    if (isFoldedIntoApproval(e)) continue;
    const stamp = formatDateTime(e.at, m.timeZone);
    const [day = '', time = ''] = stamp.split(' ');
    out.push(`- **${day === lastDay ? time : stamp}** — ${inline(describe(m, e))}`);
    lastDay = day;
    if (e.text?.trim() && QUOTED.has(e.kind)) out.push('', quote(markdownText(m.people.scrub(e.text)), '  '), '');
  }
  out.push('');

  for (const field of STANDARD_FIELDS.filter((f) => f !== 'summary' && f !== 'impact')) {
    section(l(`postmortem.field.${field}`), text(pm.fields[field]));
  }

  out.push(`## ${l('export.section.action_items')}`, '');
  if (pm.actionItems.length === 0) {
    out.push(`_${l('export.none')}_`, '');
  } else {
    out.push(
      `| ${l('export.action.text')} | ${l('export.action.owner')} | ${l('export.action.due')} | ${l('export.action.state')} |`,
      '| --- | --- | --- | --- |',
    );
    for (const item of pm.actionItems) {
      const state = item.doneAt === null ? l('export.action.open') : `${l('export.action.done')} ${formatDateTime(item.doneAt, m.timeZone)}`;
      out.push(
        `| ${markdownInline(m.people.scrub(item.text))} | ${inline(m.people.user(item.ownerUserId))} | ${formatDateTime(item.dueAt, m.timeZone).slice(0, 10)} | ${state} |`,
      );
    }
    out.push('');
  }

  if (pm.questions.length > 0) {
    out.push(`## ${l('export.section.questions')}`, '');
    for (const q of pm.questions) {
      const answer = pm.answers[q.id] ?? '';
      const shown = q.answer === 'yes_no' && (answer === 'yes' || answer === 'no') ? l(`export.${answer}`) : text(answer);
      out.push(`### ${inline(q.label)}`, '', shown, '');
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

// ---------- JSON ----------

export interface PostMortemJson {
  readonly format: 'firebreak.postmortem/v1';
  readonly pseudonymised: boolean;
  readonly incident: JsonObject;
  readonly postMortem: JsonObject;
  readonly metrics: JsonObject;
  readonly timeline: JsonObject[];
}

function scrubJson(m: ExportModel, value: JsonValue): JsonValue {
  if (typeof value === 'string') return m.people.scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubJson(m, v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(m, v)]));
  return value;
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

function eventData(m: ExportModel, e: TimelineEvent): JsonValue {
  if (e.kind === 'detected') {
    // Detection's explanation may quote members verbatim; it stays out unless identities are opted in.
    const { detection, ...rest } = e.data;
    return m.people.reveal ? e.data : { ...rest, detection: detection === undefined ? null : '[omitted]' };
  }
  if (e.kind === 'message_added' && !m.people.reveal) {
    const { authorUserId, authorName, permalink: _permalink, ...rest } = e.data;
    const member = m.people.member(typeof authorUserId === 'string' ? authorUserId : null, typeof authorName === 'string' ? authorName : null);
    return { ...(scrubJson(m, rest) as JsonObject), author: member };
  }
  return scrubJson(m, e.data);
}

export function exportPostMortemJson(input: PostMortemExportInput): PostMortemJson {
  const m = model(input);
  const { incident } = input;
  const pm = m.postMortem;
  // Only staff appear in these fields (lead, owner, reviewers, actors), so their ids are kept.
  const user = (id: string | null) => (id === null ? null : { id, name: m.people.user(id) });
  return {
    format: 'firebreak.postmortem/v1',
    pseudonymised: !m.people.reveal,
    incident: {
      id: incident.id,
      number: incident.number,
      status: incident.status,
      severity: incident.severity,
      playbookId: incident.playbookId,
      playbookHash: incident.playbookHash,
      channelId: incident.channelId,
      lead: user(incident.leadUserId),
      detectedAt: iso(incident.detectedAt),
      firstAbnormalAt: iso(incident.firstAbnormalAt),
      resolvedAt: iso(incident.resolvedAt),
      drill: incident.drill,
    },
    postMortem: {
      status: pm.status,
      owner: user(pm.ownerUserId),
      dueAt: iso(pm.dueAt),
      publishedAt: iso(pm.publishedAt),
      fields: Object.fromEntries(STANDARD_FIELDS.map((f) => [f, m.people.scrub(pm.fields[f])])),
      questions: pm.questions.map((q) => ({
        id: q.id,
        label: q.label,
        kind: q.answer,
        required: q.required,
        answer: m.people.scrub(pm.answers[q.id] ?? ''),
      })),
      actionItems: pm.actionItems.map((a) => ({
        id: a.id,
        text: m.people.scrub(a.text),
        owner: user(a.ownerUserId),
        dueAt: iso(a.dueAt),
        doneAt: iso(a.doneAt),
      })),
      reviews: pm.reviews.map((r) => ({
        reviewer: user(r.reviewerUserId),
        decision: r.decision,
        comment: r.comment === null ? null : m.people.scrub(r.comment),
        at: iso(r.at),
        round: r.round,
      })),
    },
    metrics: Object.fromEntries(Object.entries(input.metrics)) as JsonObject,
    timeline: m.timeline.map((e) => ({
      at: iso(e.at),
      kind: e.kind,
      actor: user(e.actorUserId),
      description: describe(m, e),
      text: e.text === null ? null : m.people.scrub(e.text),
      data: eventData(m, e),
    })),
  };
}
