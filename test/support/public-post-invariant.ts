// The trust rules, checked on everything the bot posted into a loopback Slack: no message reaches a
// community channel unless the preflight passes its text and a quorum approved that exact text, and a
// drill never posts outside its alert thread. The e2e harness, the crash harness and `npm run chaos`
// record every post from the start and check them against the database at the end.
import { preflightReply } from '../../src/domain/incidents/preflight.js';
import type { Locale } from '../../src/i18n/index.js';
import type { SlackWorkspace, WorkspaceChange } from '../../src/sandbox/slack-api/index.js';
import type { PrismaDb } from '../../src/store/database.js';

export interface BotPost {
  channel: string;
  ts: string;
  text: string;
  threadTs?: string;
  /** The outbox key carried in the message metadata, when there is one. */
  key?: string;
}

export interface PostRecorder {
  readonly posts: readonly BotPost[];
  /** Drops a post a test made on purpose to see the check fail. */
  forget(ts: string): void;
  stop(): void;
}

/** Records every message the bot posts from now on (deleted ones included). */
export function recordBotPosts(workspace: SlackWorkspace): PostRecorder {
  const posts: BotPost[] = [];
  const botUser = workspace.bot.user_id;
  const listener = (change: WorkspaceChange) => {
    if (change.type !== 'message_posted' || change.message.user !== botUser) return;
    const key = (change.message.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key;
    posts.push({
      channel: change.channel,
      ts: change.message.ts,
      text: change.message.text,
      ...(change.message.thread_ts ? { threadTs: change.message.thread_ts } : {}),
      ...(typeof key === 'string' ? { key } : {}),
    });
  };
  workspace.events.on('change', listener);
  return {
    posts,
    forget: (ts) => posts.splice(0, posts.length, ...posts.filter((post) => post.ts !== ts)),
    stop: () => workspace.events.off('change', listener),
  };
}

export interface Violation {
  channel: string;
  text: string;
  why: string;
}

export interface InvariantReport {
  /** Community-channel posts without a preflight pass and a quorum on their exact text. */
  unapprovedPublicPosts: Violation[];
  /** Drill posts anywhere but their incident's alert thread. */
  drillPostsOutsideThread: Violation[];
}

/** Checks `posts` against the database; `alertChannels` are the channels incidents are run in. */
export async function checkPublicPosts(prisma: PrismaDb, workspace: SlackWorkspace, posts: readonly BotPost[], alertChannels: readonly string[]): Promise<InvariantReport> {
  const report: InvariantReport = { unapprovedPublicPosts: [], drillPostsOutsideThread: [] };
  // The posts as recorded now, then the channels: a post still arriving (an answer sent after the test's
  // last step) is either left out or has its channel, a direct message opened just before it, in the snapshot.
  const recorded = [...posts];
  const channels = workspace.snapshot().channels;
  const incidents = await prisma.incident.findMany({ select: { id: true, drill: true, alertChannelId: true } });
  const alerts = new Set([...alertChannels, ...incidents.map((incident) => incident.alertChannelId)]);
  const incidentById = new Map(incidents.map((incident) => [incident.id, incident]));
  for (const post of recorded) {
    const draftId = /^reply:(.+):r\d+$/.exec(post.key ?? '')?.[1];
    const draft = draftId ? await prisma.replyDraft.findUnique({ where: { id: draftId } }) : null;
    const incident = draft ? incidentById.get(draft.incidentId) : undefined;
    if (incident?.drill && (post.channel !== incident.alertChannelId || !post.threadTs)) {
      report.drillPostsOutsideThread.push({ channel: post.channel, text: post.text, why: `reply of drill incident ${incident.id} outside its alert thread` });
    }
    const channel = channels[post.channel] as { is_im?: boolean } | undefined;
    if (alerts.has(post.channel) || channel?.is_im) continue;
    const why = await whyNotApproved(prisma, post, incidentById);
    if (why) report.unapprovedPublicPosts.push({ channel: post.channel, text: post.text, why });
  }
  return report;
}

async function whyNotApproved(prisma: PrismaDb, post: BotPost, incidents: Map<string, { drill: boolean }>): Promise<string | null> {
  const drafts = await prisma.replyDraft.findMany({ where: { targetChannelId: post.channel, text: post.text } });
  if (drafts.length === 0) return 'no reply draft has this exact text for this channel';
  for (const draft of drafts) {
    if (incidents.get(draft.incidentId)?.drill) continue;
    if (preflightReply(post.text, draft.language as Locale).refusals.length > 0) return 'the preflight refuses this text';
    const quorums = await prisma.timelineEvent.findMany({ where: { incidentId: draft.incidentId, kind: 'quorum_met' } });
    if (quorums.some((event) => (event.data as { draftId?: string }).draftId === draft.id && event.text === post.text)) return null;
  }
  return 'no quorum approved this exact text';
}

/** Total of both counts, for an assertion message. */
export function describeViolations(report: InvariantReport): string {
  const lines = [
    ...report.unapprovedPublicPosts.map((v) => `unapproved public post in ${v.channel}: ${v.why}: ${JSON.stringify(v.text.slice(0, 120))}`),
    ...report.drillPostsOutsideThread.map((v) => `drill post in ${v.channel}: ${v.why}: ${JSON.stringify(v.text.slice(0, 120))}`),
  ];
  return lines.join('\n');
}

/**
 * Checks the trust rules, cleans up whatever the check answers (or throws), then fails naming what broke
 * them `during` (this suite, this run): a harness's close().
 */
export async function cleanUpThenRequireTrust(check: () => Promise<InvariantReport>, cleanUp: () => Promise<void>, during: string): Promise<void> {
  let violations = '';
  try {
    violations = describeViolations(await check());
  } finally {
    await cleanUp();
  }
  if (violations) throw new Error(`trust rules broken during ${during}:\n${violations}`);
}
