// `npm run chaos [-- --seconds 180 --provider postgres|sqlite --instances 2 --parallel 2 --seed 7 --hold-unfinished]`
//
// Plays scripted crises through Slack against real `firebreak start` processes while killing them with
// SIGKILL at random moments and starting them again, with Slack misbehaving underneath (429 bursts,
// 500s, answers lost after the post landed). Each crisis is what a team does: /firebreak declare, the
// lead acknowledges, a draft from the template, two approvals from distinct approvers, the public reply
// (every third crisis is a drill, whose reply goes to its alert thread),
// a checklist tick — with the incident's reminders brought forward in the database so they come due
// during the run. People act like Slack users: a command, click or submission nobody acknowledged is
// repeated on a live instance; an acknowledged one is awaited until it shows and never sent again, unless
// Firebreak tells its person by direct message that it was most likely not done (an interim "Declaring…"
// or a deadline ack, then a SIGKILL before the commit): then they do it again, as that message asks
// (a form: opened again and sent). On PostgreSQL the database is sometimes slow to commit (the flow's
// tables held 4–7 s, an instance killed meanwhile), which makes such acks; not on SQLite, where a write
// gives up on another process's lock after about 5 s (DatabaseLockedError), so a hold fails requests
// instead of slowing them (test/e2e/crash.test.ts covers that). A step whose post is still
// queued in the outbox is waited for past its nominal wait (every incident's posts share the alerts
// channel's lane, paced and stalled by each kill); one still queued when waits end (the run plus 1 minute) is judged after the drain.
//
// Slack has its bad day underneath: 429s, 500s and answers slower than Slack's own 3 s on
// chat.postMessage, chat.update, views.open, views.update, users.info and conversations.info. Members keep
// writing in the watched channel; each message event is delivered as Slack does, retried
// (X-Slack-Retry-Num, X-Slack-Retry-Reason: http_timeout) while the first delivery is still being
// processed, again after it, and until an instance acknowledges it. Some clicks and submissions arrive
// twice (a double click, a duplicated request). After the checklist tick the crisis is resolved and its
// post-mortem submitted for review and approved by the two reviewers.
//
// At the end (bounded: the run, 1 more minute for crises waiting on queued posts, then at most 2 minutes
// to drain; CHAOS_LOG_DIR keeps every instance's log there) it reports
//   lost approvals            acknowledged approval clicks that are not in the database
//   duplicate public replies  community-channel messages from the bot with the same outbox key or text
//   missed reminders          reminders due before the end that did not fire, or fired without exactly one message
//   unposted replies          drafts with their approvals that never reached the channel
//   crises stuck              a crisis that could not be played through: a step never took effect, its
//                             request acknowledged with no "not done" notice, or its posts failed, never
//                             enqueued, or still not sent after the drain (slow but sent is listed, not counted)
//   unapproved public posts   community-channel posts whose exact text no quorum approved, or the preflight refuses
//   drill posts outside thread drill replies posted anywhere but their alert thread
//   lost member messages      acknowledged message events not stored, or counted twice in their bucket
//   effects not exactly once  per crisis: incidents, acknowledgements, drafts, ticks, resolutions, post-mortem
//                             approvals that are not there exactly once although their request was acknowledged
//   failover times            PostgreSQL with two instances: leader killed → another reports leader in /healthz
// and exits 1 if any count is not 0, a failover took 30 s or more, or no crisis was played through.
import { actionIds, callbackIds, inputIds, postMortemInputIds } from '../src/slack/blocks/ids.js';
import { sendToApp, type AppResponse } from '../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../src/sandbox/slack-payloads.js';
import { SIGNING_SECRET } from '../test/e2e/harness.js';
import type { RunningProcess } from '../test/support/cli.js';
import { startCrashHarness, type CrashHarness } from '../test/support/crash-harness.js';
import { availableProviders } from '../test/support/databases.js';
import { LEADS_APPROVE_TWO, playbookYaml } from '../test/support/playbook-yaml.js';
import { findButtons } from '../test/e2e/harness.js';
import { t, type MessageKey } from '../src/i18n/index.js';
import { UNFINISHED_REASON, UNFINISHED_TOLD_REASON } from '../src/app/ports/unfinished.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const seconds = Number(option('seconds', '180'));
const provider = option('provider', availableProviders.includes('postgres') ? 'postgres' : 'sqlite') as 'postgres' | 'sqlite';
const instanceCount = provider === 'sqlite' ? 1 : Number(option('instances', '2'));
const parallel = Number(option('parallel', '2'));
/**
 * The database's holds also hold the table where a request acknowledged at the guard's deadline is kept,
 * as a database slow for every write would: a probe, off by default (such a request can then be
 * acknowledged without its row, see docs/operations.md).
 */
const holdUnfinishedToo = process.argv.includes('--hold-unfinished');
const initialSeed = Number(option('seed', String(Date.now() % 100_000)));
let seed = initialSeed;
if (!(seconds > 0) || !(instanceCount >= 1) || !(parallel >= 1)) throw new Error('--seconds, --instances and --parallel must be positive numbers');

/** Seeded, so the script of a failing run can be replayed with --seed (process timing still varies). */
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (low: number, high: number) => low + Math.floor(random() * (high - low));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PLAYBOOK = playbookYaml({
  id: 'chaos',
  name: 'Community channel crisis',
  description: 'Members of a community channel are upset.',
  roles: LEADS_APPROVE_TWO,
  checklist: [
    { id: 'status-page', title: { es: 'Actualizar la página de estado', en: 'Update the status page' }, dueAfterMinutes: 5 },
    { id: 'tell-support', title: { es: 'Avisar a soporte', en: 'Tell the support team' }, dueAfterMinutes: 10, required: false },
  ],
  reply: { es: 'Sabemos que hay un problema con {{brand}} y ya estamos en ello.', en: 'We know something is wrong with {{brand}} and we are on it.' },
  unacknowledged: { afterMinutes: 2, notify: '["@community-leads"]', repeatEveryMinutes: 60, maxRepeats: 0 },
});

let lostAnswers = 0;
const harness: CrashHarness = await startCrashHarness({
  provider,
  playbook: PLAYBOOK,
  loseAnswer: (method) => {
    if (method !== 'chat.postMessage' || random() >= 0.04) return false;
    lostAnswers += 1;
    return true;
  },
});
const prisma = harness.database.prisma;
const { workspace } = harness.fake;
const { ann, ben, cleo } = harness.people;

console.log(`chaos: ${seconds} s, ${provider}, ${instanceCount} instance(s), ${parallel} crises at a time, seed ${initialSeed}`);
const started = Date.now();
const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const say = (line: string) => console.log(`${stamp()}  ${line}`);

// ── Instances ─────────────────────────────────────────────────────────────────────────────────────────
let starting = 0;
/** Every instance started, killed ones too: their logs explain a loss. */
const everyInstance: RunningProcess[] = [];
async function launch(): Promise<void> {
  starting += 1;
  try {
    const t0 = Date.now();
    everyInstance.push(await harness.start());
    say(`instance up after ${Date.now() - t0} ms`);
  } catch (error) {
    say(`an instance failed to start: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    starting -= 1;
  }
}
const liveInstance = (): RunningProcess | undefined => harness.live[Math.floor(random() * harness.live.length)];

let duplicatesSent = 0;
/**
 * Sends like Slack until an instance acknowledges it (200); an unacknowledged request is repeated.
 * With `twice`, an acknowledged one sometimes arrives a second time, at once or a little later, on any
 * instance (a double click, a duplicated request): its effect must still be there once.
 */
async function deliver(what: string, send: (instance: RunningProcess) => Promise<AppResponse>, options: { timeoutMs?: number; twice?: boolean } = {}): Promise<AppResponse> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const instance = liveInstance();
    if (instance) {
      try {
        const duplicate = options.twice && random() < 0.25 ? pause(between(0, 1_500)).then(() => liveInstance()) : undefined;
        const response = await send(instance);
        const again = await duplicate;
        if (again) {
          duplicatesSent += 1;
          await send(again).catch(() => undefined);
        }
        if (response.status === 200) return response;
      } catch {
        // The instance died under the request: nobody acknowledged it.
      }
    }
    await pause(300);
  }
  throw new Error(`${what}: no instance acknowledged it within ${timeoutMs / 1000} s`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(150);
  }
}

/** When a crisis stops waiting for a post still queued in the outbox: the end of the run's drain. */
let waitsEndAt = Number.POSITIVE_INFINITY;
/** A crisis stopped at waitsEndAt with its step's post still queued: judged after the drain, not at once. */
class StillQueued extends Error {}
let delayedSteps = 0;

/**
 * Waits for what the outbox posts (an alert, a card, a thread line, the public reply). Every incident's
 * posts share one lane, the alerts channel: in order, one a second, a post whose answer was lost waiting
 * before its look-up, the lane stalled while no instance is up (SQLite: every kill). Under a dozen kills a
 * post a minute or two late is the outbox doing its job, not a lost step: past `timeoutMs` the wait goes
 * on while its incident still has posts queued (to the end of the drain). Stuck at once when nothing of
 * the incident is queued any more (failed, or never enqueued) and the step is still not there.
 */
async function untilPosted<T>(what: string, incidentId: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  try {
    return await until(what, probe, timeoutMs);
  } catch (error) {
    for (;;) {
      const queued = await prisma.outboxItem.count({ where: { incidentId, status: { in: ['pending', 'sending'] } } });
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) {
        delayedSteps += 1;
        return value;
      }
      if (queued === 0) throw new Error(`${(error as Error).message} (nothing of its incident left queued in the outbox)`);
      if (Date.now() > waitsEndAt) throw new StillQueued(`${what}: its incident's posts still queued at the end`);
      await pause(250);
    }
  }
}

/**
 * What a person reads in a "not done" notice (blocks/unfinished.ts) as being about one thing of theirs:
 * their /firebreak command, or a button's click or a form on one incident, named by its label and number.
 */
const escapeForPattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/&/g, '(?:&|&amp;)');
const commandNotice = /Your \/firebreak command/;
const clickNotice = (label: MessageKey, incidentNumber: number) => new RegExp(`“${escapeForPattern(t('en', label, {}))}” click on incident #${incidentNumber}\\b`);
const formNotice = (label: MessageKey, incidentNumber: number) => new RegExp(`“${escapeForPattern(t('en', label, {}))}” form you sent for incident #${incidentNumber}\\b`);

/**
 * Direct messages telling `user` a request matching `about` was acknowledged but most likely not done
 * (listener-guard.ts), and the guard's "error on its side", which names nothing: any step of theirs may be it.
 */
function notDoneNotices(user: string, about: RegExp): number {
  const im = workspace.listChannels(workspace.grantFor(harness.fake.botToken)!, { types: ['im'] }).find((channel) => channel.members.includes(user));
  return im ? workspace.messagesIn(im.id).filter((message) => /error on its side/.test(message.text) || (/most likely not done/.test(message.text) && about.test(message.text))).length : 0;
}
let redoneAfterNotice = 0;

/**
 * A command, click or form whose effect is awaited. An answer that does not say it is done
 * ("Declaring…", or the guard's ack at its deadline) stores nothing yet; should its process die before the
 * commit, the person is told at the next start that it was most likely not done, and does it again (for a
 * form: opens it again and sends it), as a person would after reading that message. Never sent again
 * without that notice: an acknowledged request whose effect never shows is stuck.
 */
async function actUntil<T>(what: string, user: string, about: RegExp, act: () => Promise<unknown>, effect: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  let told = notDoneNotices(user, about);
  await act();
  let deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await effect();
    if (value !== undefined && value !== null && value !== false) return value;
    const now = notDoneNotices(user, about);
    if (now > told) {
      told = now;
      redoneAfterNotice += 1;
      say(`${what}: told it was not done; done again`);
      await act();
      deadline = Date.now() + timeoutMs;
    } else if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} to take effect (acknowledged, no notice that it was not done)`);
    await pause(150);
  }
}

/** The Web API methods the crisis flow calls, each given 429s, 500s and slow answers. */
const SLACK_METHODS = ['chat.postMessage', 'chat.postMessage', 'chat.update', 'views.open', 'views.update', 'users.info', 'conversations.info'];

// ── The chaos monkey ──────────────────────────────────────────────────────────────────────────────────
let kills = 0;
let slackTrouble = 0;
let slowCommits = 0;
const failovers: number[] = [];
let monkeyRunning = true;

async function measureFailover(killedAt: number): Promise<void> {
  const deadline = killedAt + 60_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(harness.live.map((instance) => harness.health(instance)));
    if (states.some((state) => state?.leadership?.leader)) {
      failovers.push(Date.now() - killedAt);
      say(`failover: a new leader after ${Date.now() - killedAt} ms`);
      return;
    }
    await pause(100);
  }
  failovers.push(Number.POSITIVE_INFINITY);
  say('failover: no leader within 60 s');
}

async function monkey(deadline: number): Promise<void> {
  while (monkeyRunning && Date.now() < deadline) {
    await pause(between(2_000, 7_000));
    if (!monkeyRunning || Date.now() >= deadline) break;
    const roll = random();
    // Mostly kill with every instance up, so a killed leader has a successor to measure; sometimes not.
    if (roll < 0.7 && random() < 0.8) await until('every instance up', async () => harness.live.length >= instanceCount, 30_000).catch(() => undefined);
    if (roll < 0.7 && harness.live.length > 0) {
      const states = await Promise.all(harness.live.map(async (instance) => ({ instance, leader: (await harness.health(instance))?.leadership?.leader === true })));
      const leader = states.find((state) => state.leader)?.instance;
      const victim = leader && random() < 0.6 ? leader : states[Math.floor(random() * states.length)]!.instance;
      const killedAt = Date.now();
      await harness.kill(victim);
      kills += 1;
      const measuring = victim === leader && harness.live.length > 0 ? measureFailover(killedAt) : undefined;
      say(`SIGKILL ${victim === leader ? 'the leader' : 'an instance'} (${harness.live.length} left)`);
      await pause(between(200, 2_500));
      void launch();
      await measuring;
    } else if (provider === 'postgres' && random() < 0.5) {
      // PostgreSQL slow to commit (another transaction holds the flow's tables): requests run past the 2 s
      // after which the guard acknowledges them for their listener, and an instance killed meanwhile
      // leaves them acknowledged but not done. Their people must be told so at the next start.
      const holdMs = between(4_000, 7_000);
      const release = await harness.holdWrites({ unfinishedToo: holdUnfinishedToo });
      slowCommits += 1;
      say(`database: writes held for ${holdMs} ms`);
      // Late in the hold: a request that arrived in its first seconds has had its deadline ack by then.
      const killAfter = holdMs - between(0, 1_000);
      await pause(killAfter);
      const victim = harness.live[Math.floor(random() * harness.live.length)];
      if (victim) {
        await harness.kill(victim);
        kills += 1;
        say(`SIGKILL an instance while writes are held (${harness.live.length} left)`);
      }
      await pause(holdMs - killAfter);
      await release();
      if (victim) void launch();
    } else {
      const method = SLACK_METHODS[Math.floor(random() * SLACK_METHODS.length)]!;
      const kind = random();
      slackTrouble += 1;
      if (kind < 0.35) {
        harness.fake.api.faults.rateLimit(method, between(1, 3), { forMs: between(1_000, 4_000) });
        say(`Slack: 429s on ${method}`);
      } else if (kind < 0.7) {
        harness.fake.api.faults.serverError(method, { times: between(1, 4) });
        say(`Slack: 500s on ${method}`);
      } else {
        // Slower than the 3 s Slack gives an app: the call still takes effect when it answers.
        harness.fake.api.faults.delay(method, between(3_100, 6_000), { times: between(1, 3) });
        say(`Slack: answers after more than 3 s on ${method}`);
      }
    }
  }
}

// ── Crises ────────────────────────────────────────────────────────────────────────────────────────────
const acknowledgedApprovals: { user: string; draftId: string; revision: number }[] = [];
const communityChannels: string[] = [];
const resolvedCrises: { incidentId: string; postMortem: boolean }[] = [];
let crisesStarted = 0;
let crisesCompleted = 0;
const cutShort: { index: number; why: string }[] = [];
const crisisFailures: string[] = [];
/** What each crisis reached: a stuck one's rows are printed at the end. */
const crisisState = new Map<number, { channel: string; incidentId?: string; draftId?: string; stuckAt?: number; steps: string[] }>();
const mark = (index: number, step: string) => crisisState.get(index)?.steps.push(`${stamp()} ${step}`);

async function playCrisis(index: number): Promise<void> {
  const name = `community-${index}`;
  const channel = workspace.addChannel({ name, members: [...harness.people.members, ann, ben, cleo, workspace.bot.user_id] }).id;
  communityChannels.push(channel);
  crisisState.set(index, { channel, steps: [] });

  // Every third crisis is a drill: its reply must stay in its alert thread, whatever fails underneath.
  const drill = index % 3 === 2;
  const incident = await actUntil(
    `declare #${name}${drill ? ' drill' : ''}`,
    ann,
    commandNotice,
    () => deliver('declare', (instance) => harness.command(ann, `declare <#${channel}|${name}> sev2${drill ? ' drill' : ''} Crisis ${index}: login failing`, instance), { twice: true }),
    () => prisma.incident.findFirst({ where: { channelId: channel } }),
  );
  crisisState.get(index)!.incidentId = incident.id;
  mark(index, 'incident row');
  // Time passes faster for reminders: the incident's reminders come due within seconds.
  const pending = await prisma.reminder.findMany({ where: { incidentId: incident.id, status: 'pending' } });
  // On SQLite this second connection's write waits for an instance's (up to about 5 s, then DatabaseLockedError): tried again if it gives up.
  for (const reminder of pending) await until('reminders brought forward', () => prisma.reminder.update({ where: { id: reminder.id }, data: { dueAt: new Date(Date.now() + between(0, 8_000)) } }).catch(() => undefined));
  const rootTs = await untilPosted(`alert for #${name}`, incident.id, async () => {
    const row = await prisma.incident.findUnique({ where: { id: incident.id } });
    return row?.rootTs && workspace.findMessage(harness.alerts, row.rootTs) ? row.rootTs : undefined;
  });

  // Each click, submission and command below is awaited until it shows, and done again only after its
  // person is told it was not done.
  const timelineHas = (kind: string, stepId?: string) => async () =>
    (await prisma.timelineEvent.findMany({ where: { incidentId: incident.id, kind } })).some((event) => stepId === undefined || (event.data as { stepId?: string } | null)?.stepId === stepId);
  await actUntil(
    'acknowledge',
    ann,
    clickNotice('ui.button.acknowledge', incident.number),
    () => deliver('acknowledge', (instance) => harness.click(ann, harness.alerts, rootTs, actionIds.acknowledge, { instance }), { twice: true }),
    timelineHas('acknowledged'),
  );

  // The draft: open the modal (again if it never opened), then submit it until acknowledged.
  const text = `Crisis ${index}: we know login is failing and we are on it.`;
  const draftId = await actUntil(
    'the draft',
    cleo,
    formNotice('ui.button.draft_reply', incident.number),
    () =>
      oneModalAtATime(cleo, async () => {
        await openModal('the draft modal', cleo, callbackIds.draftReplyModal, incident.id, (instance) => harness.click(cleo, harness.alerts, rootTs, actionIds.draftReply, { instance }));
        await deliver('submit the draft', (instance) =>
          harness.submit(
            cleo,
            {
              [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: text } },
              [inputIds.draftTarget]: { [inputIds.draftTarget]: { type: 'radio_buttons', selected_option: { value: 'channel' } } },
              [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
            },
            instance,
          ),
        );
      }),
    async () => (await prisma.replyDraft.findFirst({ where: { incidentId: incident.id } }))?.id,
  );
  crisisState.get(index)!.draftId = draftId;
  mark(index, 'draft row');
  const cardTs = await untilPosted('the draft card', incident.id, async () => harness.outboxMessages(harness.alerts).find((message) => message.key === `draft:${draftId}:card`)?.ts);

  for (const approver of [ann, ben]) {
    let acknowledged = false;
    await actUntil(
      `approval by ${approver}`,
      approver,
      clickNotice('ui.button.approve', incident.number),
      async () => {
        await deliver(`approval by ${approver}`, (instance) =>
          harness.click(approver, harness.alerts, cardTs, actionIds.approveDraft, { instance, match: (value) => (JSON.parse(value) as { d?: string }).d === draftId }),
          { twice: true },
        );
        if (!acknowledged) acknowledgedApprovals.push({ user: approver, draftId, revision: 1 });
        acknowledged = true;
      },
      () => prisma.approval.findFirst({ where: { draftId, approverUserId: approver, revision: 1, decision: 'approve', voidedAt: null } }),
    );
  }
  await untilPosted('the public reply', incident.id, async () => (await prisma.replyDraft.findFirst({ where: { id: draftId, status: 'posted' } })) ?? undefined, 90_000);

  const checklistTs = await untilPosted('the checklist', incident.id, async () =>
    workspace
      .messagesIn(harness.alerts)
      .find((message) => message.thread_ts === rootTs && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep))?.ts,
  );
  await actUntil(
    'tick a step',
    ann,
    clickNotice('ui.button.done', incident.number),
    () => deliver('tick a step', (instance) => harness.click(ann, harness.alerts, checklistTs, actionIds.toggleStep, { instance, match: (value) => value.includes('status-page') }), { twice: true }),
    timelineHas('checklist_ticked', 'status-page'),
  );

  // Resolved, then its post-mortem written by Ann and approved by the two other reviewers.
  await actUntil(
    'resolve',
    ann,
    commandNotice,
    () => deliver('resolve', (instance) => harness.command(ann, `resolve ${incident.number} Crisis ${index} is over`, instance), { twice: true }),
    async () => (await prisma.incident.findFirst({ where: { id: incident.id, status: 'resolved' } })) ?? undefined,
  );
  const resolved = { incidentId: incident.id, postMortem: false };
  resolvedCrises.push(resolved);
  if (!drill) {
    // The invitation in the thread, or the resolved alert's own button.
    const inviteTs = await untilPosted(
      'the post-mortem invitation',
      incident.id,
      async () =>
        workspace
          .messagesIn(harness.alerts)
          .find((message) => (message.ts === rootTs || message.thread_ts === rootTs) && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.openPostMortem))?.ts,
      90_000,
    );
    const written = (field: string, value: string) => ({ [field]: { [field]: { type: 'plain_text_input', value } } });
    const postMortemStatus = async () => (await prisma.postMortem.findUnique({ where: { incidentId: incident.id } }))?.status;
    await actUntil(
      'the post-mortem',
      ann,
      formNotice('ui.button.postmortem', incident.number),
      () =>
        oneModalAtATime(ann, async () => {
          await openModal('the post-mortem modal', ann, callbackIds.postMortemModal, incident.id, (instance) => harness.click(ann, harness.alerts, inviteTs, actionIds.openPostMortem, { instance }));
          await deliver('submit the post-mortem', (instance) =>
            harness.submit(
              ann,
              {
                ...written('summary', `Crisis ${index}: login failed.`),
                ...written('impact', 'Members could not log in for a while.'),
                ...written('whatHappened', 'The login service went down.'),
                ...written('whatWentWell', 'Detection was quick.'),
                ...written('whatToImprove', 'Watch the login service.'),
                ...written('question.lessons', 'Tell members sooner.'),
                [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
              },
              instance,
            ),
          );
        }),
      async () => ['in_review', 'published'].includes((await postMortemStatus()) ?? 'missing'),
    );
    const reviewTs = await untilPosted('the review request', incident.id, async () =>
      workspace
        .messagesIn(harness.alerts)
        .find((message) => message.thread_ts === rootTs && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approvePostMortem))?.ts,
    );
    for (const reviewer of [ben, cleo]) {
      await actUntil(
        `post-mortem approval by ${reviewer}`,
        reviewer,
        clickNotice('ui.button.approve', incident.number),
        () => deliver(`post-mortem approval by ${reviewer}`, (instance) => harness.click(reviewer, harness.alerts, reviewTs, actionIds.approvePostMortem, { instance }), { twice: true }),
        async () => {
          const reviews = ((await prisma.postMortem.findUnique({ where: { incidentId: incident.id } }))?.reviews ?? []) as { reviewerUserId?: string; decision?: string }[];
          return reviews.some((review) => review.reviewerUserId === reviewer && review.decision === 'approve');
        },
      );
    }
    resolved.postMortem = true;
  }
  crisesCompleted += 1;
}

/** One crisis at a time opens and submits a modal as `user`: Slack shows a person one modal stack. */
const modalTurns = new Map<string, Promise<unknown>>();
function oneModalAtATime<T>(user: string, work: () => Promise<T>): Promise<T> {
  const turn = (modalTurns.get(user) ?? Promise.resolve()).catch(() => undefined).then(work);
  modalTurns.set(user, turn);
  return turn;
}

/** Clicks until `user` has a modal of `callbackId` open (views.open may fail or answer late). */
async function openModal(what: string, user: string, callbackId: string, incidentId: string, click: (instance: RunningProcess) => Promise<AppResponse>): Promise<void> {
  const isOpen = () => {
    const view = harness.openModal(user);
    return (view?.callback_id === callbackId && view.private_metadata?.includes(incidentId)) || undefined;
  };
  await until(
    what,
    async () => {
      if (isOpen()) return true;
      for (const view of workspace.openModals(user)) workspace.closeView((view as { id: string }).id);
      await deliver(`open ${what}`, click);
      return until(what, async () => isOpen(), 8_000).catch(() => undefined);
    },
    90_000,
  );
}

async function actor(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const index = crisesStarted++;
    try {
      await playCrisis(index);
      say(`crisis ${index} played through`);
    } catch (error) {
      if (error instanceof StillQueued) {
        // Judged after the drain: stuck only if its posts are still not all sent then.
        cutShort.push({ index, why: error.message });
        say(`crisis ${index} cut short by the end of the run: ${error.message}`);
        continue;
      }
      crisisFailures.push(`crisis ${index}: ${(error as Error).message}`);
      crisisState.get(index)!.stuckAt = Date.now();
      say(`crisis ${index} stuck: ${(error as Error).message}`);
    }
  }
}

// ── Members ───────────────────────────────────────────────────────────────────────────────────────────
const acknowledgedMessages: string[] = [];
/** Each message's event id, by its ts: what the logs of a lost one are searched for. */
const eventIdOf = new Map<string, string>();
let eventDeliveries = 0;
let eventRetries = 0;
let eventsNeverAcknowledged = 0;
const MEMBER_TEXTS = ['Login is broken again, this is awful', 'Anyone else unable to log in?', 'Thanks for the quick answer', 'Worst update ever, nothing works', 'Is the app down?'];

/**
 * A member writes in the watched channel; Slack delivers the event and retries it, as it does, with
 * X-Slack-Retry-Num and http_timeout: sometimes while the first delivery is still being processed, sometimes
 * a while later (across a kill), and always until an instance acknowledges it (here beyond Slack's three
 * retries, so every message ends acknowledged and checkable).
 */
async function memberWrites(serial: number): Promise<void> {
  const user = harness.people.members[serial % harness.people.members.length]!;
  const now = Date.now();
  const ts = `${Math.floor(now / 1000)}.${String(serial).padStart(6, '0')}`;
  const eventId = `Ev0CHAOS${String(serial).padStart(6, '0')}`;
  eventIdOf.set(ts, eventId);
  const payload = eventCallback(workspace.appIdentity(), messageEvent({ channel: harness.support, user, text: MEMBER_TEXTS[serial % MEMBER_TEXTS.length]!, ts }), { nowMs: now, eventId });
  let retryNum = 0;
  const send = async (instance: RunningProcess | undefined, retry: number): Promise<boolean> => {
    if (!instance) return false;
    eventDeliveries += 1;
    if (retry > 0) eventRetries += 1;
    const options = retry > 0 ? { retryNum: retry, retryReason: 'http_timeout' } : {};
    return sendToApp(`${instance.url}/slack/events`, SIGNING_SECRET, 'event', payload, options).then(
      (response) => response.status === 200,
      () => false,
    );
  };
  const concurrent = random() < 0.3 ? pause(between(0, 400)).then(() => send(liveInstance(), ++retryNum)) : undefined;
  let acknowledged = await send(liveInstance(), 0);
  acknowledged = (await concurrent) || acknowledged;
  const giveUpAt = Date.now() + 60_000;
  while (!acknowledged && Date.now() < giveUpAt) {
    await pause(between(300, 1_500));
    acknowledged = await send(liveInstance(), ++retryNum);
  }
  if (!acknowledged) {
    eventsNeverAcknowledged += 1;
    return;
  }
  acknowledgedMessages.push(ts);
  // A late retry of an acknowledged event (Slack timed out waiting while it was being processed).
  if (random() < 0.2) {
    await pause(between(1_000, 8_000));
    await send(liveInstance(), ++retryNum);
  }
}

async function members(deadline: number): Promise<void> {
  let serial = 0;
  const writing: Promise<void>[] = [];
  while (Date.now() < deadline) {
    writing.push(memberWrites(serial++));
    await pause(between(200, 1_200));
  }
  await Promise.all(writing);
}

// ── The run ───────────────────────────────────────────────────────────────────────────────────────────
await Promise.all(Array.from({ length: instanceCount }, () => launch()));
const deadline = Date.now() + seconds * 1000;
waitsEndAt = deadline + 60_000;
const monkeyDone = monkey(deadline);
await Promise.all([...Array.from({ length: parallel }, () => actor(deadline)), monkeyDone, members(deadline)]);
monkeyRunning = false;

// Recovery: every instance back, Slack healthy, then let the survivors drain.
say('recovering: all instances up, Slack healthy, draining');
harness.fake.api.faults.clear();
while (harness.live.length + starting < instanceCount) await launch();
const drainDeadline = Date.now() + 120_000;
const endedAt = Date.now();
const unfinished = async () =>
  (await prisma.outboxItem.count({ where: { status: { in: ['pending', 'sending'] } } })) +
  (await prisma.reminder.count({ where: { status: 'pending', dueAt: { lte: new Date(endedAt) } } })) +
  (await prisma.inboundEvent.count());
while ((await unfinished()) > 0 && Date.now() < drainDeadline) await pause(250);
await pause(2_000);

// ── The reckoning ─────────────────────────────────────────────────────────────────────────────────────
// A crisis cut short with its posts queued is stuck only if the drain did not send them all.
let cutShortSent = 0;
for (const { index, why } of cutShort) {
  const state = crisisState.get(index)!;
  const unsent = state.incidentId ? await prisma.outboxItem.count({ where: { incidentId: state.incidentId, status: { not: 'sent' } } }) : 1;
  if (unsent === 0) {
    cutShortSent += 1;
    continue;
  }
  crisisFailures.push(`crisis ${index}: ${why}, ${unsent} not sent after the drain`);
  state.stuckAt = Date.now();
}
const approvals = await prisma.approval.findMany({ where: { voidedAt: null, decision: 'approve' } });
const lostApprovals = acknowledgedApprovals.filter((click) => !approvals.some((row) => row.approverUserId === click.user && row.draftId === click.draftId && row.revision === click.revision));

const duplicateReplies: string[] = [];
for (const channel of communityChannels) {
  const fromBot = workspace.messagesIn(channel).filter((message) => message.bot_id);
  const byKey = new Map<string, number>();
  const byText = new Map<string, number>();
  for (const entry of harness.outboxMessages(channel)) byKey.set(entry.key, (byKey.get(entry.key) ?? 0) + 1);
  for (const message of fromBot) byText.set(message.text, (byText.get(message.text) ?? 0) + 1);
  for (const [key, count] of byKey) if (count > 1) duplicateReplies.push(`${key} ×${count}`);
  for (const [text, count] of byText) if (count > 1 && ![...byKey.keys()].some((key) => duplicateReplies.includes(`${key} ×${count}`))) duplicateReplies.push(`"${text.slice(0, 40)}" ×${count}`);
}

const reminderRows = await prisma.reminder.findMany({ where: { incidentId: { not: null }, dueAt: { lte: new Date(endedAt) } } });
const alertMessages = harness.outboxMessages(harness.alerts);
const missedReminders = reminderRows.flatMap((row) => {
  if (row.status === 'cancelled') return [];
  if (row.status !== 'fired') return [`${row.key} (${row.status}${row.lastError ? `: ${row.lastError}` : ''})`];
  const messages = alertMessages.filter((message) => message.key.startsWith(`reminder:${row.key}:`)).length;
  return messages === 1 ? [] : [`${row.key} (${messages} messages)`];
});
const firedLate = reminderRows.filter((row) => row.status === 'fired' && row.late).length;
const firedCount = reminderRows.filter((row) => row.status === 'fired').length;

const approvedDrafts = await prisma.replyDraft.findMany({ where: { status: 'approved' } });
const unposted = approvedDrafts.map((draft) => `${draft.id} (${draft.status})`);
const stuckOutbox = await prisma.outboxItem.findMany({ where: { status: { not: 'sent' } } });
const slowFailovers = failovers.filter((ms) => ms >= 30_000);
const sortedFailovers = [...failovers].sort((a, b) => a - b);

// Every acknowledged member message stored, once, and counted once in its bucket.
const supportRows = await prisma.watchedChannel.findMany({ where: { channelId: harness.support } });
if (supportRows.length !== 1) console.log(`the watched channel has ${supportRows.length} rows: ${JSON.stringify(supportRows.map((row) => ({ id: row.id, workspaceId: row.workspaceId })))}`);
const supportRef = supportRows[0]?.id;
const storedTs = new Set((await prisma.scoredMessage.findMany({ where: { channelRef: supportRef ?? '' }, select: { ts: true } })).map((row) => row.ts));
const lostMessages = acknowledgedMessages.filter((ts) => !storedTs.has(ts));
const bucketTotal = (await prisma.channelBucket.findMany({ where: { channelRef: supportRef ?? '' } })).reduce((sum, bucket) => sum + bucket.messages, 0);
const countedTwice = Math.max(0, bucketTotal - storedTs.size);
// Requests left unfinished share the quarantine's table (app/ports/unfinished.ts): not member messages.
const quarantined = await prisma.quarantinedMessage.count({ where: { reason: { notIn: [UNFINISHED_REASON, UNFINISHED_TOLD_REASON] } } });
const unfinishedRequests = await prisma.quarantinedMessage.count({ where: { reason: { in: [UNFINISHED_REASON, UNFINISHED_TOLD_REASON] } } });
const inboxLeft = await prisma.inboundEvent.findMany({ select: { eventId: true, attempts: true, lastError: true } });

// Each acknowledged request's effect, exactly once: per crisis one incident, one acknowledgement, one
// draft, one tick of the status-page step, one resolution; per post-mortem one approval from each reviewer.
const notExactlyOnce: string[] = [];
const incidents = await prisma.incident.findMany({ where: { channelId: { in: communityChannels } } });
for (const channel of communityChannels) {
  const count = incidents.filter((row) => row.channelId === channel).length;
  if (count > 1) notExactlyOnce.push(`${count} incidents in ${channel}`);
}
for (const incident of incidents) {
  const events = await prisma.timelineEvent.findMany({ where: { incidentId: incident.id } });
  const times = (kind: string, match: (data: unknown) => boolean = () => true) => events.filter((event) => event.kind === kind && match(event.data)).length;
  const atMostOnce: [string, number][] = [
    ['acknowledged', times('acknowledged')],
    ['drafts', await prisma.replyDraft.count({ where: { incidentId: incident.id } })],
    ['status-page ticks', times('checklist_ticked', (data) => (data as { stepId?: string } | null)?.stepId === 'status-page')],
    ['resolutions', times('resolved')],
  ];
  for (const [what, count] of atMostOnce) if (count > 1) notExactlyOnce.push(`#${incident.number}: ${what} ×${count}`);
}
for (const crisis of resolvedCrises) {
  const incident = incidents.find((row) => row.id === crisis.incidentId);
  if (!incident || incident.status !== 'resolved') notExactlyOnce.push(`${crisis.incidentId}: acknowledged resolution not stored`);
  if (!crisis.postMortem) continue;
  const postMortem = await prisma.postMortem.findUnique({ where: { incidentId: crisis.incidentId } });
  const reviews = (postMortem?.reviews ?? []) as { reviewerUserId?: string; decision?: string }[];
  for (const reviewer of [ben, cleo]) {
    const count = reviews.filter((review) => review.reviewerUserId === reviewer && review.decision === 'approve').length;
    if (count !== 1) notExactlyOnce.push(`#${incident?.number}: post-mortem approval by ${reviewer} ×${count}`);
  }
  if (postMortem?.status !== 'published') notExactlyOnce.push(`#${incident?.number}: post-mortem ${postMortem?.status ?? 'missing'} after both approvals`);
}

// The trust rules, over every message the bot posted during the run (test/support/public-post-invariant.ts).
const trust = await harness.invariant();
const list = (items: string[]) => (items.length ? ` — ${items.slice(0, 8).join(', ')}${items.length > 8 ? ', …' : ''}` : '');
console.log('');
console.log(`crises started / played through: ${crisesStarted} / ${crisesCompleted}${list(crisisFailures)}`);
console.log(`instances killed (SIGKILL):      ${kills}; Slack fault bursts: ${slackTrouble}; database writes held: ${slowCommits}; answers lost after posting: ${lostAnswers}`);
console.log(`approval clicks acknowledged:    ${acknowledgedApprovals.length}; reminders due: ${reminderRows.length} (fired ${firedCount}, late ${firedLate})`);
console.log(`requests delivered twice:        ${duplicatesSent}; post-mortems approved: ${resolvedCrises.filter((crisis) => crisis.postMortem).length}`);
console.log(
  `slow, not stuck:                 ${delayedSteps} step(s) whose post came after its nominal wait, still queued meanwhile; ${cutShortSent} crisis(es) cut short by the run's end whose posts were all sent in the drain; ${unfinishedRequests} request(s) acknowledged at the guard's deadline and left unfinished by a kill, ${redoneAfterNotice} command(s), click(s) or form(s) done again after a "not done" notice`,
);
console.log(
  `member messages acknowledged:    ${acknowledgedMessages.length} of ${acknowledgedMessages.length + eventsNeverAcknowledged} (${eventDeliveries} deliveries, ${eventRetries} with X-Slack-Retry-Num); quarantined: ${quarantined}; left in the inbox: ${inboxLeft.length}${list(inboxLeft.map((row) => `${row.eventId} (${row.attempts}: ${row.lastError ?? ''})`))}`,
);
console.log(`outbox items not sent:           ${stuckOutbox.length}${list(stuckOutbox.map((item) => `${item.key} (${item.status}${item.lastError ? `: ${item.lastError}` : ''})`))}`);
console.log(
  `failover times (ms):             ${provider === 'sqlite' ? 'n/a (SQLite runs one instance)' : sortedFailovers.length ? `${sortedFailovers.join(', ')} — max ${sortedFailovers.at(-1)}` : 'the leader was never killed'}`,
);
console.log('');
console.log(`LOST APPROVALS:           ${lostApprovals.length}${list(lostApprovals.map((click) => `${click.user} on ${click.draftId}`))}`);
console.log(`DUPLICATE PUBLIC REPLIES: ${duplicateReplies.length}${list(duplicateReplies)}`);
console.log(`MISSED REMINDERS:         ${missedReminders.length}${list(missedReminders)}`);
console.log(`UNPOSTED REPLIES:         ${unposted.length}${list(unposted)}`);
console.log(`CRISES STUCK:             ${crisisFailures.length}${crisesCompleted === 0 ? ' (and none played through)' : ''}`);
console.log(`LOST MEMBER MESSAGES:     ${lostMessages.length}${list(lostMessages)}; counted twice: ${countedTwice}`);
for (const ts of lostMessages.slice(0, 3)) {
  const elsewhere = await prisma.scoredMessage.findMany({ where: { ts }, select: { channelRef: true } });
  console.log(`  ${ts}: stored under ${JSON.stringify(elsewhere)}`);
  // The app logs a message's event id (in its warnings), never its ts: both are looked for.
  const eventId = eventIdOf.get(ts) ?? ts;
  const lines = everyInstance.flatMap((instance, index) => instance.logs().split('\n').filter((line) => line.includes(ts) || line.includes(eventId)).map((line) => `  instance ${index}: ${line.slice(0, 400)}`));
  console.log(lines.length ? lines.join('\n') : `  no instance logged ${ts}`);
}
console.log(`NOT EXACTLY ONCE:         ${notExactlyOnce.length}${list(notExactlyOnce)}`);
console.log(`UNAPPROVED PUBLIC POSTS:  ${trust.unapprovedPublicPosts.length}${list(trust.unapprovedPublicPosts.map((v) => `${v.channel}: ${v.why}`))}`);
console.log(`DRILL POSTS OUTSIDE THREAD: ${trust.drillPostsOutsideThread.length}${list(trust.drillPostsOutsideThread.map((v) => `${v.channel}: ${v.why}`))}`);
if (provider === 'postgres') console.log(`FAILOVERS ≥ 30 s:         ${slowFailovers.length}`);

// A stuck crisis's rows (its incident, drafts, outbox items; times from the run's start) and what the instances logged of them.
for (const [index, state] of crisisState) {
  if (state.stuckAt === undefined) continue;
  console.log(`\n=== crisis ${index} stuck at ${((state.stuckAt - started) / 1000).toFixed(1)} s; steps: ${state.steps.join(' | ')}`);
  const incident = await prisma.incident.findFirst({ where: { channelId: state.channel } });
  console.log(`incident: ${JSON.stringify(incident && { id: incident.id, number: incident.number, status: incident.status, createdAt: ((incident.createdAt.getTime() - started) / 1000).toFixed(1), rootTs: incident.rootTs })}`);
  if (!incident) continue;
  const drafts = await prisma.replyDraft.findMany({ where: { incidentId: incident.id } });
  console.log(`drafts: ${JSON.stringify(drafts.map((d) => ({ id: d.id, status: d.status, createdAt: ((d.createdAt.getTime() - started) / 1000).toFixed(1) })))}`);
  const items = await prisma.outboxItem.findMany({ where: { incidentId: incident.id }, orderBy: { createdAt: 'asc' } });
  for (const item of items) console.log(`  outbox ${item.key} ${item.status} attempts=${item.attempts} created=${((item.createdAt.getTime() - started) / 1000).toFixed(1)} sent=${item.sentAt ? ((item.sentAt.getTime() - started) / 1000).toFixed(1) : '-'} uncertain=${item.uncertain} lastError=${item.lastError ?? ''}`);
  const ids = [incident.id, ...drafts.map((d) => d.id)];
  const lines = everyInstance.flatMap((instance, n) => instance.logs().split('\n').filter((line) => ids.some((id) => line.includes(id))).map((line) => `  i${n}: ${line.slice(0, 330)}`));
  console.log(lines.slice(-20).join('\n'));
}
if (process.env['CHAOS_LOG_DIR']) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(process.env['CHAOS_LOG_DIR'], { recursive: true });
  everyInstance.forEach((instance, n) => writeFileSync(`${process.env['CHAOS_LOG_DIR']}/instance-${n}.log`, instance.logs()));
}

// close() checks the trust rules again and throws on a violation: already counted above.
await harness.close().catch((error: unknown) => console.error(error instanceof Error ? error.message : String(error)));
const trustViolations = trust.unapprovedPublicPosts.length + trust.drillPostsOutsideThread.length;
const failed =
  lostApprovals.length +
    duplicateReplies.length +
    missedReminders.length +
    unposted.length +
    slowFailovers.length +
    crisisFailures.length +
    trustViolations +
    lostMessages.length +
    countedTwice +
    inboxLeft.length +
    notExactlyOnce.length >
    0 || crisesCompleted === 0;
console.log(failed ? '\nchaos: FAILED' : '\nchaos: all counts 0');
process.exit(failed ? 1 : 0);
