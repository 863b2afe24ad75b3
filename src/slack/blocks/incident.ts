/**
 * The incident's messages in the alerts channel: the one root message (edited in place as the
 * incident moves), one line per timeline event in its thread, and the checklist (also edited in place).
 */
import type { Button, KnownBlock } from '@slack/types';
import type { Clock } from '../../domain/clock.js';
import { t, type Locale } from '../../i18n/index.js';
import {
  describeTimelineEvent,
  isClosed,
  isOverdue,
  type ChecklistItem,
  type DescribeOptions,
  type IncidentOverview,
  type IncidentState,
  type JsonObject,
  type JsonValue,
  type TimelineEvent,
  type TimelineEventKind,
} from '../../domain/incidents/index.js';
import { detectorRaised } from '../../domain/feedback/index.js';
import { formatDuration } from '../../domain/postmortems/index.js';
import { escapeSlackText, truncateSlackText } from '../text.js';
import { actionIds, encodeRef } from './ids.js';
import { pickSamples, readDetection, type DetectionSummary } from './detection-summary.js';
import { alertFeedbackBlocks, feedbackNoteText, sampleFeedbackActions } from './feedback.js';
import {
  SEVERITY_EMOJI,
  actions,
  blockQuote,
  button,
  channelLink,
  context,
  decimal,
  draftNumbers,
  fields,
  fit,
  header,
  link,
  mention,
  message,
  percent,
  quoteMember,
  section,
  severityName,
  slackDate,
  type SlackMessage,
} from './kit.js';

export interface IncidentRootInput {
  readonly state: IncidentState;
  readonly overview: IncidentOverview;
  readonly playbookName: string;
  /** The community channel's name without `#`, for the header and the notification text. */
  readonly channelName: string;
  readonly locale: Locale;
  /** Permalinks of detection's sample messages, by message ts (chat.getPermalink). */
  readonly samplePermalinks?: Readonly<Record<string, string>>;
  /** Display names of community members, by user id; members are never @-mentioned in the alert. */
  readonly memberNames?: Readonly<Record<string, string>>;
}

/** How many sample messages the alert quotes, and how much of each. */
const SAMPLE_COUNT = 3;
const SAMPLE_LENGTH = 600;
/** How much of a declared incident's summary the alert quotes (a section holds 3,000 characters). */
const DECLARED_SUMMARY_LENGTH = 1500;

export function incidentRootMessage(input: IncidentRootInput): SlackMessage {
  const { state, overview, locale } = input;
  const { incident } = state;
  const detection = readDetection(incident.detection);
  const channel = escapeSlackText(input.channelName.replace(/^#/, ''));
  const titleIn = (channelName: string) =>
    t(locale, 'ui.root.title', { severity: severityName(incident.severity), number: incident.number, channel: channelName, drill: incident.drill });
  // The header is plain text; the notification text is parsed by Slack, so it gets the escaped name.
  const title = titleIn(input.channelName.replace(/^#/, ''));

  const blocks: KnownBlock[] = [header(`${incident.drill ? ':test_tube: ' : ''}${SEVERITY_EMOJI[incident.severity]} ${title}`)];
  if (incident.drill) blocks.push(section(t(locale, 'ui.root.drill_notice', {})));
  blocks.push(section(detectionText(detection, incident.channelId, channel, locale, input.memberNames ?? {})));
  // Feedback teaches detection and scoring: never from a drill's staged messages.
  blocks.push(...sampleBlocks(detection, incident.drill ? null : incident.id, locale, input.samplePermalinks ?? {}, input.memberNames ?? {}));
  if (incident.status === 'resolved' && incident.resolutionSummary) {
    blocks.push(section(`*${t(locale, 'ui.root.resolution', {})}*\n${blockQuote(escapeSlackText(incident.resolutionSummary), 1500)}`));
  }
  // Said where staff look first: a reply nobody can approve would otherwise wait in its thread forever.
  const unapprovable = incident.status === 'resolved' ? [] : overview.draftsInReview.filter((progress) => !progress.reachable).map((progress) => `#${progress.draft.number}`);
  if (unapprovable.length > 0) blocks.push(section(fit(t(locale, 'ui.root.quorum_unreachable', { drafts: draftNumbers(unapprovable), count: unapprovable.length }), 3000)));
  blocks.push(
    fields([
      [t(locale, 'ui.field.channel', {}), channelLink(incident.channelId, input.channelName)],
      [t(locale, 'ui.field.playbook', {}), escapeSlackText(input.playbookName)],
      [t(locale, 'ui.field.lead', {}), incident.leadUserId ? mention(incident.leadUserId) : t(locale, 'ui.root.no_lead', {})],
      [t(locale, 'ui.field.status', {}), statusText(state, locale)],
      [t(locale, 'ui.field.checklist', {}), checklistProgress(overview, locale)],
      [t(locale, 'ui.field.replies', {}), repliesProgress(overview, locale)],
    ]),
    context(t(locale, 'ui.root.times', { detected: slackDate(incident.detectedAt), opened: slackDate(incident.openedAt) })),
    actions(rootButtons(state, locale)),
  );
  // The verdict buttons judge the detector's alert: none on a drill, none on an incident declared by hand.
  if (!incident.drill && detectorRaised(incident.detection)) blocks.push(...alertFeedbackBlocks(incident.id, locale));

  const text = detection.declaredBy
    ? t(locale, 'ui.root.notification_declared', { title: titleIn(channel), user: mention(detection.declaredBy) })
    : t(locale, 'ui.root.notification', { title: titleIn(channel), ratio: spikeFigures(detection, locale).ratio });
  return message(text, blocks, `root message of incident #${incident.number}`);
}

/**
 * The expected count and the ratio as shown, so they agree with each other and with the observed count:
 * the ratio is observed ÷ expected as displayed (two significant digits below one), never a floored one.
 */
function spikeFigures(d: DetectionSummary, locale: Locale): { expected: string; noneExpected: boolean; ratio: string } {
  if (d.expected === null) return { expected: '', noneExpected: false, ratio: d.ratio !== null ? decimal(d.ratio, locale) : '' };
  // A quiet channel's baseline is nothing at all: said in words, so the count still has its comparison.
  if (d.expected <= 0) return { expected: '', noneExpected: true, ratio: '' };
  const shown = d.expected < 1 ? Number(d.expected.toPrecision(2)) : Math.round(d.expected * 10) / 10;
  const expected = d.expected < 1 ? new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 }).format(shown) : decimal(shown, locale);
  if (d.observed === null || shown <= 0) return { expected, noneExpected: false, ratio: '' };
  const ratio = d.observed / shown;
  return { expected, noneExpected: false, ratio: ratio >= 10 ? decimal(Math.round(ratio), locale, 0) : decimal(ratio, locale) };
}

function detectionText(d: DetectionSummary, channelId: string, channelName: string, locale: Locale, names: Readonly<Record<string, string>>): string {
  const lines = [`*${t(locale, 'ui.root.detected_heading', {})}*`];
  if (d.observed === null && d.negativeShare === null) {
    lines.push(
      d.declaredBy
        ? t(locale, 'ui.root.declared', { user: mention(d.declaredBy), channel: channelLink(channelId, channelName) })
        : t(locale, 'ui.root.no_detection', { channel: channelLink(channelId, channelName) }),
    );
    // What the person who declared it said is happening: the only account staff get of a crisis no
    // detector saw. Stored as typed: escaped here, so it reads as typed and never pings.
    if (d.declaredBy && d.declaredSummary) lines.push(blockQuote(escapeSlackText(d.declaredSummary), DECLARED_SUMMARY_LENGTH));
    return lines.join('\n');
  }
  if (d.observed !== null) {
    const figures = spikeFigures(d, locale);
    lines.push(t(locale, 'ui.root.spike', { observed: d.observed, window: d.windowMs !== null ? formatDuration(d.windowMs) : '', ...figures }));
  }
  const share = d.negativeShare !== null ? t(locale, 'ui.root.share', {
    share: percent(d.negativeShare, locale),
    usual: d.usualNegativeShare !== null ? percent(d.usualNegativeShare, locale) : '',
  }) : '';
  const authors = d.distinctAuthors !== null ? t(locale, 'ui.root.authors', { count: d.distinctAuthors }) : '';
  if (share || authors) lines.push([share, authors].filter(Boolean).join(' · '));
  if (d.kind === 'single_author') {
    const author = d.topAuthorId ? (names[d.topAuthorId] ?? null) : null;
    lines.push(
      t(locale, 'ui.root.single_author', {
        share: d.topAuthorShare !== null ? percent(d.topAuthorShare, locale) : '',
        author: author ? escapeSlackText(author) : '',
      }),
    );
  } else if (d.kind === 'crisis') {
    lines.push(t(locale, 'ui.root.crisis', {}));
  }
  const terms = d.dominantTerms
    .slice(0, 6)
    // Cut whole characters only: half an emoji is not text Slack can show.
    .map((term) => `\`${escapeSlackText(truncateSlackText(term.replace(/`/g, ''), 40, { wholeWords: false }))}\``)
    .filter((term) => term !== '``');
  if (terms.length > 0) lines.push(t(locale, 'ui.root.terms', { terms: terms.join(' · ') }));
  const note = feedbackNoteText(d.feedback, locale);
  if (note) lines.push(note);
  return lines.join('\n');
}

/**
 * The samples, each quoted once: on an alert each in its own section with its "Not negative" /
 * "Negative" buttons under it (`feedbackFor` is the incident); on a drill all in one section, no buttons.
 */
function sampleBlocks(
  d: DetectionSummary,
  feedbackFor: string | null,
  locale: Locale,
  permalinks: Readonly<Record<string, string>>,
  names: Readonly<Record<string, string>>,
): KnownBlock[] {
  const samples = pickSamples(d.samples, SAMPLE_COUNT);
  if (samples.length === 0) return [];
  const quoted = samples.map((sample) => {
    // Neither its words, its author's name nor its link: the member took the message back.
    if (sample.deleted) return t(locale, 'ui.root.sample_deleted', {});
    const name = sample.authorId ? names[sample.authorId] : undefined;
    const byline = [
      name ? `_${escapeSlackText(name)}_` : '',
      link(permalinks[sample.id], t(locale, 'ui.root.open_message', {})),
      // The words are its author's latest: not the ones the alert was raised on (its score still is).
      sample.edited ? t(locale, 'ui.root.sample_edited', {}) : '',
    ].filter(Boolean);
    return byline.length > 0 ? `${quoteMember(sample.text, SAMPLE_LENGTH)}\n${byline.join(' · ')}` : quoteMember(sample.text, SAMPLE_LENGTH);
  });
  const heading = `*${t(locale, 'ui.root.samples_heading', {})}*`;
  if (feedbackFor === null) return [section(`${heading}\n${quoted.join('\n')}`)];
  // A deleted sample has no feedback buttons: nothing of it may be stored or learnt.
  return samples.flatMap((sample, index) => [
    section(index === 0 ? `${heading}\n${quoted[0]}` : (quoted[index] as string)),
    ...(sample.deleted ? [] : [sampleFeedbackActions(feedbackFor, sample, index, locale)]),
  ]);
}

function statusText(state: IncidentState, locale: Locale): string {
  const { incident } = state;
  if (incident.status === 'resolved') {
    return t(locale, 'ui.status.resolved', { at: incident.resolvedAt !== null ? slackDate(incident.resolvedAt) : '' });
  }
  return t(locale, incident.status === 'open' ? 'ui.status.open' : 'ui.status.acknowledged', {});
}

export function checklistProgress(overview: IncidentOverview, locale: Locale): string {
  return t(locale, 'ui.checklist.progress', {
    done: overview.checklistDone,
    total: overview.checklistTotal,
    overdue: overview.overdueSteps.length,
  });
}

function repliesProgress(overview: IncidentOverview, locale: Locale): string {
  return t(locale, 'ui.root.replies', {
    inReview: overview.draftsInReview.length,
    posting: overview.draftsAwaitingPost.length,
    posted: overview.repliesPosted,
    notPosted: overview.repliesNotPosted,
  });
}

function rootButtons(state: IncidentState, locale: Locale): Button[] {
  const { incident } = state;
  const ref = encodeRef({ i: incident.id });
  if (incident.status === 'resolved') {
    return [
      button(t(locale, 'ui.button.postmortem_open', {}), actionIds.openPostMortem, ref, 'primary'),
      button(t(locale, 'ui.button.reopen', {}), actionIds.reopen, ref),
    ];
  }
  const seenLead = encodeRef({ i: incident.id, l: incident.leadUserId });
  const acknowledge =
    incident.status === 'open'
      ? button(t(locale, 'ui.button.acknowledge', {}), actionIds.acknowledge, seenLead, 'primary')
      : button(t(locale, 'ui.button.take_over', {}), actionIds.acknowledge, seenLead);
  return [
    acknowledge,
    button(t(locale, 'ui.button.draft_reply', {}), actionIds.draftReply, ref, incident.status === 'open' ? undefined : 'primary'),
    button(t(locale, 'ui.button.change_severity', {}), actionIds.changeSeverity, ref),
    button(t(locale, 'ui.button.add_note', {}), actionIds.addNote, ref),
    button(t(locale, 'ui.button.resolve', {}), actionIds.resolve, ref),
  ];
}

// ——— Thread: one line per timeline event ———

/** Events whose text is what staff typed or quoted (note, reason, summary, member message): shown under the line. */
const QUOTED_TEXT: ReadonlySet<TimelineEventKind> = new Set([
  'note_added',
  'message_added',
  'severity_changed',
  'checklist_skipped',
  'resolved',
  'reopened',
]);

const EVENT_EMOJI: Partial<Record<TimelineEventKind, string>> = {
  acknowledged: ':raising_hand:',
  lead_changed: ':raising_hand:',
  severity_changed: ':arrows_counterclockwise:',
  draft_created: ':memo:',
  draft_edited: ':pencil2:',
  draft_approved: ':white_check_mark:',
  draft_changes_requested: ':leftwards_arrow_with_hook:',
  draft_rejected: ':no_entry_sign:',
  quorum_met: ':white_check_mark:',
  reply_posted: ':speech_balloon:',
  reply_not_posted: ':x:',
  draft_closed_unsent: ':lock:',
  reminder_sent: ':alarm_clock:',
  escalation_sent: ':rotating_light:',
  detection_escalated: ':chart_with_upwards_trend:',
  note_added: ':spiral_note_pad:',
  message_added: ':pushpin:',
  resolved: ':checkered_flag:',
  reopened: ':leftwards_arrow_with_hook:',
};

/** Strings in event data are staff or member text: make them inert before they are put in a line. */
function inertData(data: JsonObject): JsonObject {
  const inert = (value: JsonValue): JsonValue =>
    typeof value === 'string' ? escapeSlackText(value) : Array.isArray(value) ? value.map(inert) : value !== null && typeof value === 'object' ? inertData(value) : value;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, inert(value)]));
}

export function threadEventMessage(event: TimelineEvent, locale: Locale, names: DescribeOptions = {}): SlackMessage {
  const safeEvent: TimelineEvent = { ...event, data: inertData(event.data), text: event.text === null ? null : escapeSlackText(event.text) };
  const line = describeTimelineEvent(safeEvent, locale, names);
  const emoji = EVENT_EMOJI[event.kind];
  const blocks: KnownBlock[] = [section(emoji ? `${emoji} ${line}` : line)];
  if (QUOTED_TEXT.has(event.kind) && event.text !== null && event.text.trim() !== '') {
    blocks.push(section(quoteMember(event.text, 2900)));
  }
  // The notification text is the plain line: mentions there are the same staff the line names.
  return message(line, blocks, `thread line for ${event.kind}`);
}

// ——— Thread: the checklist, edited in place ———

/** Blocks left for steps after the heading and the closing note (Slack allows 50 per message). */
const MAX_STEP_BLOCKS = 48;

export function checklistMessage(state: IncidentState, locale: Locale, clock: Clock): SlackMessage {
  const { incident, checklist } = state;
  const done = checklist.filter(isClosed).length;
  const overdue = checklist.filter((item) => isOverdue(item, clock)).length;
  const progress = t(locale, 'ui.checklist.progress', { done, total: checklist.length, overdue });
  const editable = incident.status !== 'resolved';

  const blocks: KnownBlock[] = [section(`*${t(locale, 'ui.checklist.heading', { number: incident.number })}*\n${progress}`)];
  const perStep = checklist.map((item) => stepBlocks(incident.id, item, locale, clock, editable));
  const all = perStep.flat();
  let shown = perStep.length;
  if (all.length > MAX_STEP_BLOCKS) {
    // Past Slack's 50 blocks the remaining steps are listed briefly, without buttons (one block kept for the list).
    let used = 0;
    shown = perStep.findIndex((step) => (used += step.length) > MAX_STEP_BLOCKS - 1);
  }
  blocks.push(...perStep.slice(0, shown).flat());
  const rest = checklist.slice(shown);
  if (rest.length > 0) {
    blocks.push(section(rest.map((item) => `${isClosed(item) ? ':white_check_mark:' : ':white_large_square:'} ${fit(escapeSlackText(item.text), 80)}`).join('\n')));
  }
  if (checklist.length === 0) blocks.push(context(t(locale, 'ui.checklist.empty', {})));
  if (!editable) blocks.push(context(t(locale, 'ui.checklist.closed', {})));
  return message(`${t(locale, 'ui.checklist.heading', { number: incident.number })}: ${progress}`, blocks, `checklist of incident #${incident.number}`);
}

/** A step's owning role in the reader's words: "lead" is a playbook key, not something to show a Spanish team. */
function roleName(role: string, locale: Locale): string {
  if (role === 'lead') return t(locale, 'ui.checklist.role.lead', {});
  if (role === 'approvers') return t(locale, 'ui.checklist.role.approvers', {});
  return escapeSlackText(role);
}

/** A closed step is one line with Undo; an open one has Done and Skip… under it. */
function stepBlocks(incidentId: string, item: ChecklistItem, locale: Locale, clock: Clock, editable: boolean): KnownBlock[] {
  const text = escapeSlackText(item.text);
  const owner = item.ownerUserId ? mention(item.ownerUserId) : item.ownerRole ? roleName(item.ownerRole, locale) : t(locale, 'ui.checklist.no_owner', {});
  const required = item.required ? '' : ` ${t(locale, 'ui.checklist.optional', {})}`;
  const ref = (done: boolean) => encodeRef({ i: incidentId, s: item.stepId, done });
  if (item.doneAt !== null || item.skippedAt !== null) {
    const line =
      item.doneAt !== null
        ? `:white_check_mark: ~${text}~\n${t(locale, 'ui.checklist.done_by', { user: item.doneByUserId ? mention(item.doneByUserId) : '', at: slackDate(item.doneAt) })}`
        : `:fast_forward: ~${text}~\n${t(locale, 'ui.checklist.skipped_by', {
            user: item.skippedByUserId ? mention(item.skippedByUserId) : '',
            reason: truncateSlackText(escapeSlackText(item.skipReason ?? ''), 500, { wholeWords: false }),
          })}`;
    return [section(line, editable ? { accessory: button(t(locale, 'ui.button.undo', {}), actionIds.toggleStep, ref(true)) } : {})];
  }
  const due = item.dueAt !== null ? ` · ${t(locale, 'ui.checklist.due', { at: slackDate(item.dueAt) })}` : '';
  const late = isOverdue(item, clock) ? ` · *${t(locale, 'ui.checklist.overdue', {})}*` : '';
  const icon = isOverdue(item, clock) ? ':warning:' : ':white_large_square:';
  const line = section(`${icon} *${text}*${required}\n${owner}${due}${late}`);
  if (!editable) return [line];
  return [
    line,
    actions([button(t(locale, 'ui.button.done', {}), actionIds.toggleStep, ref(false), 'primary'), button(t(locale, 'ui.button.skip', {}), actionIds.skipStep, ref(false))]),
  ];
}
