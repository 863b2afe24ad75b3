// Multi-workspace OAuth install, end to end: the real Firebreak (config → store → Bolt → HTTP server)
// with SLACK_CLIENT_ID/SECRET and no bot token, two loopback workspaces behind one Web API URL, and a
// browser played by fetch (the state cookie carried by hand). Install, forged / replayed / expired
// state, denied install, reinstall, two workspaces in one database that never mix, uninstall and revoke.
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { actionIds, encodeRef, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { manifestBotScopes } from '../../src/slack/doctor.js';
import { nextOccurrence } from '../../src/jobs/scheduler.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageBlockActions, messageEvent, viewBlockActions } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import {
  followOAuthRedirect,
  installAsAPerson,
  openInstallPage as openInstallPageOf,
  seedTeam,
  startTwoTeamsWorld,
  TEAM_A as A,
  TEAM_B as B,
  type InstallPage,
  type SeededTeam,
  type TwoTeamsWorld,
} from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { draftValues, TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'oauth-e2e-signing-secret-0123456789';
const STATE_TTL_SECONDS = 4;
const INGEST_TOKEN = 'oauth-e2e-ingest-token-0123456789';

describe.each(availableProviders)('OAuth install in several workspaces (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  const teams: Record<string, SeededTeam> = {};
  let events: string;
  let config: ReturnType<typeof loadConfig>;

  const prisma = () => app.database.prisma;
  const audits = (action: string, outcome?: string) => prisma().auditLog.count({ where: { action, ...(outcome ? { outcome } : {}) } });

  /** Opens /slack/install as a browser: the state cookie and the Add to Slack link's parameters. */
  const openInstallPage = (): Promise<InstallPage> => openInstallPageOf(app.url);
  /** Slack sends the browser back to the redirect URL. */
  const redirect = (query: string, cookie: string) => followOAuthRedirect(app.url, query, cookie);
  /** The whole install as a person does it: install page, Allow on Slack's page, back to Firebreak. */
  const install = (teamId: string, userId: string) => installAsAPerson(app.url, world.slack, teamId, userId);

  const event = (teamId: string, body: { type: string } & Record<string, unknown>, eventId?: string) =>
    sendToApp(events, SIGNING_SECRET, 'event', eventCallback(teams[teamId]!.fake.workspace.appIdentity(), body, { nowMs: Date.now(), ...(eventId ? { eventId } : {}) }));

  /** Calm history then a burst of angry messages in #support of one workspace, then the leader's tick. */
  async function playSpike(teamId: string): Promise<void> {
    const { people } = teams[teamId]!;
    const minute = 60_000;
    const now = Math.floor(Date.now() / minute) * minute;
    const before = await prisma().scoredMessage.count();
    const post = (user: string, text: string, atMs: number) => event(teamId, messageEvent({ channel: people.support, user, text, ts: `${Math.floor(atMs / 1000)}.${String(atMs % 1000).padStart(3, '0')}${randomBytes(2).readUInt16BE() % 1000}` }));
    for (let m = 12; m >= 3; m -= 1) await post(people.members[m % people.members.length]!, 'Hi all, how do I change my avatar?', now - m * minute + 5_000);
    for (let i = 0; i < 16; i += 1) await post(people.members[i % people.members.length]!, 'The app is broken again, this is terrible and awful', now - 2 * minute + 5_000 + i * 1_000);
    await waitFor('messages scored', async () => (await prisma().scoredMessage.count()) >= before + 26);
    await app.runtime?.tick();
  }

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.2222', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    for (const teamId of [A, B]) teams[teamId] = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
    config = loadConfig({
      ...world.oauthEnv,
      PORT: '0',
      HOST: '127.0.0.1',
      OAUTH_STATE_TTL_SECONDS: String(STATE_TTL_SECONDS),
      INGEST_TOKEN: INGEST_TOKEN,
      INGEST_TEAM_ID: A,
      DETECTOR_SETTINGS: JSON.stringify({ bucketMs: 60_000, warmupBuckets: 5, rhythm: 'none', cooldownMs: 3_600_000 }),
      DETECTION_INTERVAL_SECONDS: '3600',
      BRAND_NAME: 'Acme',
      SUPPORT_CONTACT: 'help@acme.test',
      LOG_LEVEL: 'silent',
    });
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }));
    events = `${app.url}/slack/events`;
  }, 120_000);

  afterAll(async () => {
    await world?.close(app);
  });

  it('installs: the manifest scopes are asked for, the code is exchanged, the token is stored encrypted', async () => {
    const page = await openInstallPage();
    expect(page.clientId).toBe(world.slack.clientId);
    expect(page.scopes).toEqual(manifestBotScopes());
    const { status, html } = await install(A, teams[A]!.people.ann);
    expect(status).toBe(200);
    expect(html).toContain('Firebreak is now installed in Acme');
    const row = await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } });
    const token = teams[A]!.fake.workspace.bot.token;
    expect(row.botTokenSealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row).toMatchObject({ name: 'Acme', botUserId: teams[A]!.fake.workspace.bot.user_id, uninstalledAt: null });
    expect(await audits('workspace.installed', 'accepted')).toBe(1);
  });

  it('refuses a forged state: no code is exchanged', async () => {
    const exchanges = world.slack.exchanges().length;
    const forged = 'forged-state.not-signed-here';
    const code = world.slack.approve({ teamId: B, userId: teams[B]!.people.ann, scopes: ['chat:write'] });
    const { status, html } = await redirect(`code=${code}&state=${forged}`, `slack-app-oauth-state=${forged}`);
    expect(status).toBe(400);
    expect(html).toContain('already used, has expired, or did not start in this browser');
    // A state this Firebreak signed but from another browser (no cookie) is refused too.
    const page = await openInstallPage();
    expect((await redirect(`code=${code}&state=${encodeURIComponent(page.state)}`, '')).status).toBe(400);
    expect(world.slack.exchanges()).toHaveLength(exchanges);
    expect(await prisma().workspace.findUnique({ where: { teamId: B } })).toBeNull();
    expect(await audits('workspace.install', 'refused:state')).toBe(2);
  });

  it('refuses a replayed state, even with a fresh code', async () => {
    const done = await install(B, teams[B]!.people.ann);
    expect(done.status).toBe(200);
    const exchanges = world.slack.exchanges().length;
    const code = world.slack.approve({ teamId: B, userId: teams[B]!.people.ann, scopes: ['chat:write'] });
    const state = new URLSearchParams(done.query).get('state') ?? '';
    const replay = await redirect(`code=${code}&state=${encodeURIComponent(state)}`, done.cookie);
    expect(replay.status).toBe(400);
    expect(world.slack.exchanges()).toHaveLength(exchanges);
    expect(await audits('workspace.reinstalled')).toBe(0);
  });

  it('refuses an expired state', async () => {
    const page = await openInstallPage();
    await new Promise((resolve) => setTimeout(resolve, STATE_TTL_SECONDS * 1000 + 300));
    const code = world.slack.approve({ teamId: A, userId: teams[A]!.people.ann, scopes: page.scopes });
    const { status } = await redirect(`code=${code}&state=${encodeURIComponent(page.state)}`, page.cookie);
    expect(status).toBe(400);
    expect(await audits('workspace.reinstalled')).toBe(0);
  }, 20_000);

  it('expired states are deleted when the install page is opened again: opening /slack/install cannot fill the database', async () => {
    // Every opening of the public install page stores a state; the expired test above left its own behind.
    expect(await prisma().oAuthState.count({ where: { expiresAt: { lt: new Date() } } })).toBeGreaterThan(0);
    const opened = new Date();
    await openInstallPage();
    expect(await prisma().oAuthState.count({ where: { expiresAt: { lt: opened } } })).toBe(0);
  });

  it('says plainly when the install was cancelled on Slack’s page', async () => {
    const page = await openInstallPage();
    const { status, html } = await redirect(`error=access_denied&state=${encodeURIComponent(page.state)}`, page.cookie);
    expect(status).toBe(400);
    expect(html).toContain('The install was cancelled on Slack’s page');
    expect(await audits('workspace.install', 'refused:denied')).toBe(1);
  });

  it('refuses an org-wide (Enterprise Grid) install, naming why: nothing is stored', async () => {
    const page = await openInstallPage();
    const code = world.slack.approve({ teamId: B, userId: teams[B]!.people.ann, scopes: page.scopes, orgWide: true });
    const refusedBefore = await audits('workspace.install', 'refused:exchange');
    const { status, html } = await redirect(`code=${encodeURIComponent(code)}&state=${encodeURIComponent(page.state)}`, page.cookie);
    expect(status).toBe(502);
    expect(html).toContain('org_wide_install_not_supported');
    expect(await audits('workspace.install', 'refused:exchange')).toBe(refusedBefore + 1);
    expect(await prisma().workspace.findFirst({ where: { enterpriseId: { not: null } } })).toBeNull();
  });

  it('a reinstall replaces the token, and the new one is used from then on', async () => {
    const before = (await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).botTokenSealed;
    const oldToken = teams[A]!.fake.workspace.bot.token;
    const { status, html } = await install(A, teams[A]!.people.ben);
    expect(status).toBe(200);
    expect(html).toContain('Firebreak was reinstalled in Acme');
    expect(teams[A]!.fake.workspace.bot.token).not.toBe(oldToken);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).botTokenSealed).not.toBe(before);
    expect(await audits('workspace.reinstalled', 'accepted')).toBe(1);
    // Each workspace chooses its alerts channel; the answer and the bot's join use that team's new token.
    // (Only workspace admins and the installer may: staff the playbook names are refused, and a member is refused any command.)
    expect((await teams[B]!.staff.command(events, teams[B]!.people.cleo, `alerts <#${teams[B]!.people.support}|support>`)).body).toContain('Only workspace admins and the person who installed Firebreak');
    expect((await teams[B]!.staff.command(events, teams[B]!.people.sam, `alerts <#${teams[B]!.people.support}|support>`)).body).toContain('this is not available to you');
    for (const [teamId, installer] of [[A, teams[A]!.people.ben], [B, teams[B]!.people.ann]] as const) {
      const { people, staff } = teams[teamId]!;
      const answer = await staff.command(events, installer, `alerts <#${people.alerts}|alerts>`);
      expect(answer.body).toContain(`Incidents of this workspace now go to <#${people.alerts}>`);
      expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId } })).alertsChannel).toBe(people.alerts);
    }
    expect(world.slack.refused()).toEqual([]);
  });

  it('two workspaces in one database: incidents, channels, drafts, App Home and audit never mix', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    // Team A declares an incident and drafts a reply.
    expect((await a.staff.command(events, a.people.ann, `declare <#${a.people.support}|support> sev2 Login failing for many members`)).status).toBe(200);
    const rootA = await waitFor('A root message', () => a.staff.rootMessage());
    // Once the root's ts is recorded (the outbox's afterSend), nothing changes A's incident on its own.
    const incidentA = await waitFor('A root recorded', () => prisma().incident.findFirst({ where: { workspace: { teamId: A }, rootTs: { not: null } } }));
    expect(incidentA.alertChannelId).toBe(a.people.alerts);
    // Team B's spike opens B's incident, posted with B's token to B's alerts channel.
    await playSpike(B);
    const rootB = await waitFor('B root message', () => b.staff.rootMessage());
    const incidentB = await prisma().incident.findFirstOrThrow({ where: { workspace: { teamId: B } } });
    expect(incidentB).toMatchObject({ alertChannelId: b.people.alerts, channelId: b.people.support });
    expect(b.fake.api.calls('chat.postMessage').some((call) => call.args['channel'] === b.people.alerts && call.status === 200)).toBe(true);
    // The spike's chart is uploaded to B's thread with B's token (drawn after the root is posted), and its checklist posted.
    await waitFor('B chart uploaded', () => b.fake.api.calls('files.completeUploadExternal').find((call) => call.status === 200), { timeoutMs: 60_000 });
    await waitFor('B checklist posted', () => b.fake.workspace.messagesIn(b.people.alerts).find((message) => JSON.stringify(message.blocks ?? []).includes(actionIds.toggleStep)));
    // Every post each workspace's Slack received went to that workspace's own channels.
    for (const [teamId, team] of Object.entries(teams)) {
      const channels = new Set(team.fake.workspace.snapshot().channels ? Object.keys(team.fake.workspace.snapshot().channels) : []);
      for (const call of team.fake.api.calls('chat.postMessage')) expect(channels.has(String(call.args['channel'])), `${teamId} posted to ${String(call.args['channel'])}`).toBe(true);
      expect(team.fake.workspace.messagesIn(team.people.alerts).filter((message) => !message.thread_ts || message.thread_ts === message.ts)).toHaveLength(1);
    }
    expect(rootA.ts).not.toBe(rootB.ts);

    // Team B's approver clicks Acknowledge on team A's incident: refused, audited, nothing changes.
    const versionA = incidentA.version;
    const stolen = acknowledgeFromTeamB(b, b.people.ann, 'ann', rootA, incidentA.id);
    expect((await sendToApp(events, SIGNING_SECRET, 'interaction', stolen)).status).toBe(200);
    await waitFor('refusal audited', async () => (await prisma().auditLog.count({ where: { incidentId: incidentA.id, outcome: 'refused:foreign_team' } })) > 0);
    expect((await prisma().incident.findUniqueOrThrow({ where: { id: incidentA.id } })).version).toBe(versionA);
    // A drafts a reply; B's approver tries to approve it: refused, no approval recorded.
    await a.staff.click(events, a.people.sam, a.people.alerts, rootA.ts, actionIds.draftReply);
    await waitFor('A draft modal', () => a.staff.openModal(a.people.sam));
    expect(b.staff.openModal(a.people.sam)).toBeUndefined();
    await a.staff.submit(events, a.people.sam, draftValues('We are on it.'));
    const draftA = await waitFor('A draft stored', () => prisma().replyDraft.findFirst({ where: { incidentId: incidentA.id } }));
    const approve = messageBlockActions(b.fake.workspace.appIdentity(), {
      user: { id: b.people.ben, name: 'ben' },
      channel: { id: b.people.alerts, name: 'alerts' },
      message: { ...rootA, blocks: rootA.blocks as never } as never,
      actions: [{ action_id: actionIds.approveDraft, block_id: 'actions', value: encodeRef({ i: incidentA.id, d: draftA.id, r: draftA.revision }) }],
      triggerId: b.fake.workspace.issueTrigger(b.people.ben),
      responseUrl: b.fake.issueResponseUrl(b.people.ben, b.people.alerts),
      nowMs: Date.now(),
    });
    await sendToApp(events, SIGNING_SECRET, 'interaction', approve);
    await waitFor('approval refusal audited', async () => (await prisma().auditLog.count({ where: { incidentId: incidentA.id, outcome: 'refused:foreign_team', userId: b.people.ben } })) > 0);
    expect(await prisma().approval.count({ where: { incidentId: incidentA.id } })).toBe(0);
    // A's draft card went to A's alerts thread only.
    expect(b.fake.api.calls('chat.postMessage').some((call) => JSON.stringify(call.args).includes('We are on it.'))).toBe(false);

    // /firebreak status in B lists B's incident only.
    const status = await b.staff.command(events, b.people.ann, 'status');
    expect(status.body).toContain(`#${incidentB.number}`);
    expect(status.body).not.toContain(a.people.support);
    // App Home in B shows B's incident and channel, none of A's.
    await event(B, { type: 'app_home_opened', user: b.people.ann, channel: 'D0HOME', tab: 'home' });
    const home = await waitFor('B home published', () => b.fake.api.calls('views.publish').find((call) => call.args['user_id'] === b.people.ann));
    const view = JSON.stringify(home.args['view']);
    expect(view).toContain(b.people.support);
    expect(view).not.toContain(a.people.support);
    expect(a.fake.api.calls('views.publish')).toHaveLength(0);

    // Audit entries name only their own workspace's people.
    const usersOf = (team: SeededTeam) => new Set(Object.keys(team.fake.workspace.snapshot().users));
    for (const [incidentId, team] of [[incidentA.id, a], [incidentB.id, b]] as const) {
      for (const entry of await prisma().auditLog.findMany({ where: { incidentId, outcome: { not: { startsWith: 'refused:' } }, userId: { not: null } } })) {
        expect(usersOf(team).has(entry.userId!), `${entry.action} by ${entry.userId}`).toBe(true);
      }
    }
    // The outbox knows each write's team.
    expect(await prisma().outboxItem.count({ where: { incidentId: incidentA.id, teamId: { not: A } } })).toBe(0);
    expect(await prisma().outboxItem.count({ where: { incidentId: incidentB.id, teamId: { not: B } } })).toBe(0);
    expect(world.slack.refused()).toEqual([]);
  }, 120_000);

  it('App Home: the installer chooses the workspace’s language and time zone; other staff see them read-only, a member sees neither', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    const homeOf = async (user: string, after: number) => {
      await event(B, { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
      return waitFor(`home of ${user}`, () => b.fake.api.calls('views.publish').slice(after).find((call) => call.args['user_id'] === user && call.status === 200));
    };
    // Cleo is named by the playbook (an approver) but neither an admin nor the installer.
    const staff = await homeOf(b.people.cleo, b.fake.api.calls('views.publish').length);
    expect(JSON.stringify(staff.args['view'])).toContain('Only workspace admins and the person who installed Firebreak can change these.');
    expect(JSON.stringify(staff.args['view'])).not.toContain(actionIds.settingsLocale);
    // Sam is a community member: no incidents, no settings, only what Firebreak is.
    const member = await homeOf(b.people.sam, b.fake.api.calls('views.publish').length);
    expect(JSON.stringify(member.args['view'])).toContain('shown only to that team');
    expect(JSON.stringify(member.args['view'])).not.toMatch(/Open incidents|workspace_settings/);
    const mine = await homeOf(b.people.ann, b.fake.api.calls('views.publish').length);
    const view = (mine.response as { view: { id: string; blocks: unknown[] } }).view;
    const pick = (user: string, action: Record<string, unknown>) =>
      sendToApp(
        events,
        SIGNING_SECRET,
        'interaction',
        viewBlockActions(b.fake.workspace.appIdentity(), { user: { id: user, name: user }, view: { id: view.id, type: 'home', blocks: view.blocks } as never, actions: [{ block_id: 'workspace_settings', ...action } as never], triggerId: b.fake.workspace.issueTrigger(user), nowMs: Date.now() }),
      );
    const published = b.fake.api.calls('views.publish').length;
    await pick(b.people.ann, { action_id: actionIds.settingsLocale, type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Español' }, value: 'es' } });
    await pick(b.people.ann, { action_id: actionIds.settingsTimeZone, type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Europe/Madrid' }, value: 'Europe/Madrid' } });
    await waitFor('B settings saved', async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).timeZone === 'Europe/Madrid');
    expect(await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).toMatchObject({ locale: 'es', timeZone: 'Europe/Madrid', alertsChannel: b.people.alerts });
    // App Home is drawn again, now in Spanish.
    const redrawn = await waitFor('home redrawn', () => b.fake.api.calls('views.publish').slice(published).filter((call) => call.args['user_id'] === b.people.ann && call.status === 200).at(-1));
    expect(JSON.stringify(redrawn.args['view'])).toContain('Ajustes de este espacio de trabajo');
    // A member's pick changes nothing, and is audited as refused.
    await pick(b.people.sam, { action_id: actionIds.settingsAlertsChannel, type: 'channels_select', selected_channel: b.people.support });
    await waitFor('member refused', async () => (await prisma().auditLog.count({ where: { action: 'workspace.settings', outcome: 'refused:not_admin', userId: b.people.sam } })) > 0);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).alertsChannel).toBe(b.people.alerts);
    // A's settings are untouched.
    expect(await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).toMatchObject({ locale: null, timeZone: null, alertsChannel: a.people.alerts });
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);

  it('slash-command answers and ephemeral notices speak the workspace’s language (its setting, else LOCALE)', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    // B chose Spanish in App Home; A chose nothing (LOCALE, English).
    const helpB = await b.staff.command(events, b.people.sam, 'help');
    expect(helpB.body).toContain('Comandos de Firebreak');
    expect((await a.staff.command(events, a.people.sam, 'help')).body).toContain('Firebreak commands');
    expect((await b.staff.command(events, b.people.ann, 'status')).body).toContain('1 incidente abierto');
    expect((await a.staff.command(events, a.people.ann, 'status')).body).not.toContain('incidente');
    expect((await b.staff.command(events, b.people.sam, 'frobnicate')).body).toContain('«frobnicate» no es un comando de Firebreak.');
    expect((await b.staff.command(events, b.people.ann, 'resolve')).body).toContain('Uso: /firebreak resolve');
    // A member's refusal is in the workspace's language too.
    expect((await b.staff.command(events, b.people.sam, 'status')).body).toContain('esto no está disponible para ti');
    // A refusal by the listener guard (B's member clicks A's incident) is in B's language too.
    const incidentA = await prisma().incident.findFirstOrThrow({ where: { workspace: { teamId: A } } });
    const rootA = a.staff.rootMessage()!;
    const ephemerals = b.fake.workspace.ephemeralFor(b.people.sam).length;
    const stolen = acknowledgeFromTeamB(b, b.people.sam, 'sam', rootA, incidentA.id);
    await sendToApp(events, SIGNING_SECRET, 'interaction', stolen);
    const refusal = await waitFor('refusal told to B’s member', () => b.fake.workspace.ephemeralFor(b.people.sam).slice(ephemerals)[0]);
    expect(refusal.text).toContain('pertenece a otro espacio de trabajo');
    expect(world.slack.refused()).toEqual([]);
  });

  it('app_uninstalled erases that workspace only and stops its pending writes and reminders', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    const incidentB = await prisma().incident.findFirstOrThrow({ where: { workspace: { teamId: B } } });
    // A write of B's held back by Slack (rate limited) when the uninstall arrives: B's lead acknowledges.
    b.fake.api.faults.rateLimit('*', 120, { forMs: 120_000 });
    const rootB = b.staff.rootMessage()!;
    expect((await b.staff.click(events, b.people.ann, b.people.alerts, rootB.ts, actionIds.acknowledge)).status).toBe(200);
    const held = await waitFor('B write rate limited', () => prisma().outboxItem.findFirst({ where: { teamId: B, status: 'pending', lastError: 'ratelimited' } }));
    b.fake.api.faults.clear();
    expect(await prisma().reminder.count({ where: { incidentId: incidentB.id, status: 'pending' } })).toBeGreaterThan(0);
    const remindersA = await prisma().reminder.count({ where: { status: 'pending', incidentId: { not: null }, NOT: { incidentId: { in: (await prisma().incident.findMany({ where: { workspace: { teamId: B } } })).map((row) => row.id) } } } });

    b.fake.workspace.revokeBotTokens();
    expect((await event(B, { type: 'app_uninstalled' })).status).toBe(200);
    await waitFor('B uninstalled', async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).uninstalledAt);
    const rowB = await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } });
    expect(rowB).toMatchObject({ botTokenSealed: null, uninstallReason: 'app_uninstalled' });
    expect(await prisma().outboxItem.findUniqueOrThrow({ where: { id: held.id } })).toMatchObject({ status: 'failed', lastError: 'workspace_uninstalled:app_uninstalled' });
    expect(await prisma().reminder.count({ where: { incidentId: incidentB.id, status: 'pending' } })).toBe(0);
    expect(await prisma().reminder.count({ where: { incidentId: incidentB.id, status: 'cancelled', lastError: 'workspace_uninstalled:app_uninstalled' } })).toBeGreaterThan(0);
    expect(await audits('workspace.app_uninstalled', 'accepted')).toBe(1);
    // A is untouched: its token, its reminders, and it still works.
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).botTokenSealed).not.toBeNull();
    expect(await prisma().reminder.count({ where: { status: 'pending', incidentId: { not: null }, NOT: { incidentId: { in: (await prisma().incident.findMany({ where: { workspace: { teamId: B } } })).map((row) => row.id) } } } })).toBe(remindersA);
    expect((await a.staff.command(events, a.people.ann, 'status')).body).toContain('#1');

    // From now on B's requests are refused: a message is not stored, a command changes nothing, and
    // no call is made with B's revoked token.
    const stored = await prisma().scoredMessage.count();
    const incidents = await prisma().incident.count();
    await event(B, messageEvent({ channel: b.people.support, user: b.people.members[0]!, text: 'still broken, awful', ts: `${Math.floor(Date.now() / 1000)}.000777` }));
    await b.staff.command(events, b.people.ann, `declare <#${b.people.support}|support> sev2 After uninstall`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Refused for good, not failed: the event is not kept in the inbox for a retry, nor quarantined.
    await waitFor('inbox emptied', async () => (await prisma().inboundEvent.count()) === 0);
    expect(await prisma().quarantinedMessage.count()).toBe(0);
    expect(await prisma().scoredMessage.count()).toBe(stored);
    expect(await prisma().incident.count()).toBe(incidents);
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);

  it('tokens_revoked erases the token the same way; a reinstall brings the workspace back', async () => {
    const b = teams[B]!;
    expect((await install(B, b.people.ben)).status).toBe(200);
    expect(await audits('workspace.reinstalled', 'accepted')).toBe(2);
    expect((await b.staff.command(events, b.people.ann, 'status')).status).toBe(200);
    // The reinstall redraws B's alert, whose acknowledgement the uninstall stopped: sent before the tokens go.
    await waitFor('B redrawn and sent', async () => (await audits('redraw_after_reinstall', 'accepted')) === 1 && (await prisma().outboxItem.count({ where: { teamId: B, status: { in: ['pending', 'sending'] } } })) === 0);
    b.fake.workspace.revokeBotTokens();
    await event(B, { type: 'tokens_revoked', tokens: { oauth: [], bot: [b.fake.workspace.bot.user_id] } });
    await waitFor('B revoked', async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).uninstallReason === 'tokens_revoked');
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).botTokenSealed).toBeNull();
    expect(await audits('workspace.tokens_revoked', 'accepted')).toBe(1);
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).botTokenSealed).not.toBeNull();
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);

  it('reinstalled, the workspace keeps its history and settings: its post-mortem dates are in its own time zone', async () => {
    const b = teams[B]!;
    expect((await install(B, b.people.ann)).status).toBe(200);
    expect(await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).toMatchObject({ timeZone: 'Europe/Madrid', locale: 'es', uninstalledAt: null });
    const incident = await prisma().incident.findFirstOrThrow({ where: { workspace: { teamId: B } }, orderBy: { number: 'asc' } });
    // The required checklist step first (its message was posted before the uninstall).
    const checklist = b.fake.workspace.messagesIn(b.people.alerts).find((message) => JSON.stringify(message.blocks ?? []).includes(actionIds.toggleStep));
    await b.staff.click(events, b.people.ann, b.people.alerts, checklist!.ts, actionIds.toggleStep);
    await waitFor('step ticked', async () => (await prisma().checklistItem.count({ where: { incidentId: incident.id, doneAt: { not: null } } })) > 0);
    const resolved = await b.staff.command(events, b.people.ann, `resolve ${incident.number} Fixed the login`);
    expect(resolved.status).toBe(200);
    await waitFor('B incident resolved', async () => (await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).status === 'resolved');
    const invite = await waitFor('post-mortem invitation', () =>
      b.fake.workspace.messagesIn(b.people.alerts).find((message) => JSON.stringify(message.blocks ?? []).includes(actionIds.openPostMortem)),
    );
    await b.staff.click(events, b.people.ann, b.people.alerts, invite.ts, actionIds.openPostMortem);
    await waitFor('post-mortem modal', () => b.staff.openModal(b.people.ann));
    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const item = (part: 'text' | 'owner' | 'dueAt') => postMortemInputIds.actionItem(0, part);
    const saved = await b.staff.submit(events, b.people.ann, {
      [item('text')]: { [item('text')]: { type: 'plain_text_input', value: 'Watch the login service' } },
      [item('owner')]: { [item('owner')]: { type: 'users_select', selected_user: b.people.sam } },
      [item('dueAt')]: { [item('dueAt')]: { type: 'datepicker', selected_date: day } },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'save' } } },
    });
    expect(saved.body).not.toContain('errors');
    const actionItem = await waitFor('action item saved', () => prisma().actionItem.findFirst({ where: { postMortem: { incidentId: incident.id } } }));
    // 17:00 on that day in Madrid (UTC+1 in winter), not 17:00 UTC (TEAM_TIMEZONE).
    const madridOffsetMs = Date.parse(`${day}T17:00:00Z`) - actionItem.dueAt.getTime();
    expect(madridOffsetMs === 3_600_000 || madridOffsetMs === 7_200_000).toBe(true);
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);
  it('digest: each installed workspace gets its own (its figures, language, time zone, channel, token); an uninstalled one gets none', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    const scheduler = app.runtime!.scheduler;
    const pendingDigest = (teamId: string) => prisma().reminder.findFirst({ where: { kind: 'digest.weekly', status: 'pending', key: { startsWith: `recurring:digest.weekly@${teamId}:` } } });
    const digests = (team: SeededTeam, title: string) => team.fake.api.calls('chat.postMessage').filter((call) => call.status === 200 && String(call.args['text'] ?? '').startsWith(title));
    scheduler.wake();
    const dueA = await waitFor('A digest scheduled', () => pendingDigest(A));
    const dueB = await waitFor('B digest scheduled', () => pendingDigest(B));
    // One schedule per workspace, Monday 09:00 in its own time zone: TEAM_TIMEZONE (UTC) for A, Madrid for B.
    const wallClock = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
    expect(wallClock(dueA.dueAt, 'UTC')).toBe('Mon 09:00');
    expect(wallClock(dueB.dueAt, 'Europe/Madrid')).toBe('Mon 09:00');
    expect(dueB.dueAt.getTime()).not.toBe(dueA.dueAt.getTime());
    expect(await prisma().reminder.count({ where: { kind: 'digest.weekly', status: 'pending', key: { startsWith: 'recurring:digest.weekly:' } } })).toBe(0);

    // Both come due (missed while Firebreak was down, `weeks` Mondays ago: the key names the time).
    const missed = async (reminder: { id: string; key: string; dueAt: Date }, timeZone: string, weeks: number) => {
      const dueAt = nextOccurrence({ dayOfWeek: 1, hour: 9, minute: 0 }, timeZone, reminder.dueAt.getTime() - (weeks * 7 + 1) * 86_400_000);
      await prisma().reminder.update({ where: { id: reminder.id }, data: { dueAt, key: reminder.key.replace(reminder.dueAt.toISOString(), dueAt.toISOString()) } });
    };
    await missed(dueA, 'UTC', 1);
    await missed(dueB, 'Europe/Madrid', 1);
    // Each workspace's digest goes to its own alerts channel, with its own token.
    await scheduler.runDue();
    const [digestA] = await waitFor('A digest posted', () => digests(a, 'Digest of the last 7 days').length === 1 && digests(a, 'Digest of the last 7 days'));
    const [digestB] = await waitFor('B digest posted (in Spanish)', () => digests(b, 'Resumen de los últimos 7 días').length === 1 && digests(b, 'Resumen de los últimos 7 días'));
    expect(digestA!.args['channel']).toBe(a.people.alerts);
    expect(digestB!.args['channel']).toBe(b.people.alerts);
    expect(digests(a, 'Resumen')).toHaveLength(0);
    expect(digests(b, 'Digest of')).toHaveLength(0);
    // Its own figures only: A has one open incident and a reply awaiting approval; B's incident is
    // resolved and its post-mortem still to write.
    const blocksOf = (call: { args: Record<string, unknown> }) => JSON.stringify(call.args['blocks']);
    expect(blocksOf(digestA!)).toContain('1 open incident, 1 reply awaiting approval, 0 overdue steps, 0 post-mortems to write');
    expect(blocksOf(digestB!)).toContain('0 incidentes abiertos, 0 respuestas por aprobar, 0 pasos vencidos, 1 post-mortem por escribir');
    expect(await prisma().outboxItem.count({ where: { key: { startsWith: `digest:recurring:digest.weekly@${A}:` }, teamId: A } })).toBe(1);
    expect(await prisma().outboxItem.count({ where: { key: { startsWith: `digest:recurring:digest.weekly@${B}:` }, teamId: B } })).toBe(1);
    // Each renewed for the next Monday, still in its own zone.
    const nextB = await waitFor('B next digest', () => pendingDigest(B));
    expect(nextB.dueAt.getTime()).toBeGreaterThan(Date.now());
    expect(wallClock(nextB.dueAt, 'Europe/Madrid')).toBe('Mon 09:00');

    // B revokes Firebreak's tokens: its next digest comes due, runs nothing and is not renewed; A's is posted.
    b.fake.workspace.revokeBotTokens();
    await event(B, { type: 'tokens_revoked', tokens: { oauth: [], bot: [b.fake.workspace.bot.user_id] } });
    await waitFor('B revoked', async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).botTokenSealed === null);
    const nextA = await waitFor('A next digest', () => pendingDigest(A));
    await missed(nextA, 'UTC', 2);
    await missed(nextB, 'Europe/Madrid', 2);
    await scheduler.runDue();
    await waitFor('A second digest', () => digests(a, 'Digest of the last 7 days').length === 2);
    expect(await prisma().reminder.findUniqueOrThrow({ where: { id: nextB.id } })).toMatchObject({ status: 'fired' });
    scheduler.wake();
    await waitFor('A renewed again', () => pendingDigest(A));
    expect(await pendingDigest(B)).toBeNull();
    expect(await prisma().outboxItem.count({ where: { key: { startsWith: `digest:recurring:digest.weekly@${B}:` } } })).toBe(1);
    expect(digests(b, 'Resumen')).toHaveLength(1);
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);
  it('each installed workspace’s playbook references are checked with its token and told in its own alerts channel: at install and at start-up', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    // A playbook meant for A: its trigger names A's #support by ID; its lead is a group neither workspace has.
    writeFileSync(
      join(world.playbooksDir, 'acme-only.yaml'),
      TWO_APPROVER_PLAYBOOK.replace('id: e2e-support', 'id: acme-only').replace('default: true', 'default: false').replace('channels: [support]', `channels: ["${a.people.support}"]`).replace('priority: 10', 'priority: 5').replace('lead: "@community-leads"', 'lead: "@ghost-crew"'),
    );
    await waitFor('playbook loaded', () => app.runtime?.playbooks.get('acme-only'));
    const notices = (team: SeededTeam, intro: string) => team.fake.workspace.messagesIn(team.people.alerts).filter((message) => (message.text ?? '').includes(intro));
    const introEn = 'Playbooks name channels or user groups this workspace does not have';
    const introEs = 'Los playbooks nombran canales o grupos que no existen en este espacio de trabajo';
    // B (revoked above) installs again: its references are checked at once, told in Spanish; A is not told.
    expect((await install(B, b.people.ann)).status).toBe(200);
    const [atInstall] = await waitFor('B told at install', () => notices(b, introEs).length === 1 && notices(b, introEs));
    expect(atInstall!.text).toContain('@ghost-crew');
    expect(atInstall!.text).toContain(a.people.support);
    expect(notices(a, introEn)).toHaveLength(0);
    // At start-up every installed workspace is checked.
    await app.close();
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }));
    events = `${app.url}/slack/events`;
    const [noticeA] = await waitFor('A told', () => notices(a, introEn).length > 0 && notices(a, introEn));
    const noticeB = await waitFor('B told again (in Spanish)', () => notices(b, introEs).length === 2 && notices(b, introEs)[1]);
    // A has its own channel: only the missing group. B lacks A's channel too.
    expect(noticeA!.text).toContain('@ghost-crew');
    expect(noticeA!.text).not.toContain(a.people.support);
    expect(noticeB.text).toContain('@ghost-crew');
    expect(noticeB.text).toContain(a.people.support);
    expect(notices(a, introEs)).toHaveLength(0);
    expect(notices(b, introEn)).toHaveLength(0);
    // Each workspace was asked with its own token (B's look-ups went to B's Slack).
    expect(b.fake.api.calls('conversations.info').some((call) => call.args['channel'] === a.people.support)).toBe(true);
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);

  it('/ingest with INGEST_TEAM_ID: the named workspace owns ingested sources, and their incident posts with its token', async () => {
    const a = teams[A]!;
    const b = teams[B]!;
    const minute = 60_000;
    const now = Math.floor(Date.now() / minute) * minute;
    const items: { source: string; channel: string; user: string; text: string; ts: number }[] = [];
    for (let m = 12; m >= 3; m -= 1) items.push({ source: 'forum', channel: 'support', user: `calm${m}`, text: 'Hi all, how do I change my avatar?', ts: now - m * minute + 5_000 });
    for (let i = 0; i < 16; i += 1) items.push({ source: 'forum', channel: 'support', user: `angry${i % 8}`, text: 'The app is broken again, this is terrible and awful', ts: now - 2 * minute + 5_000 + i * 1_000 });
    const answer = await fetch(`${app.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` }, body: JSON.stringify(items) });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ accepted: items.length, scored: items.length });
    // The source is a channel of A's workspace, not of "Other sources".
    const channel = await prisma().watchedChannel.findFirstOrThrow({ where: { channelId: 'forum:support' }, include: { workspace: true } });
    expect(channel.workspace.teamId).toBe(A);
    expect(await prisma().workspace.count({ where: { teamId: 'ingest' } })).toBe(0);
    const rootsBefore = a.fake.workspace.messagesIn(a.people.alerts).filter((message) => !message.thread_ts || message.thread_ts === message.ts).length;
    await app.runtime?.tick();
    const incident = await waitFor('ingest incident', () => prisma().incident.findFirst({ where: { channelId: 'forum:support' }, include: { workspace: true } }));
    expect(incident.workspace.teamId).toBe(A);
    expect(incident.alertChannelId).toBe(a.people.alerts);
    // Its alert is posted to A's alerts channel with A's token; nothing reaches B; no write fails.
    await waitFor('alert posted in A', () => a.fake.workspace.messagesIn(a.people.alerts).filter((message) => !message.thread_ts || message.thread_ts === message.ts).length > rootsBefore);
    await waitFor('root recorded', async () => (await prisma().incident.findUniqueOrThrow({ where: { id: incident.id } })).rootTs);
    expect(await prisma().outboxItem.count({ where: { incidentId: incident.id, teamId: { not: A } } })).toBe(0);
    expect(await prisma().outboxItem.count({ where: { incidentId: incident.id, status: 'failed' } })).toBe(0);
    expect(b.fake.api.calls('chat.postMessage').some((call) => JSON.stringify(call.args).includes('forum'))).toBe(false);
    expect(world.slack.refused()).toEqual([]);
  }, 60_000);
});

/** Team B's `userId` clicks Acknowledge on team A's alert, whose button names A's incident. */
function acknowledgeFromTeamB(b: SeededTeam, userId: string, userName: string, rootA: { ts: string; blocks: unknown[]; text: string }, incidentId: string) {
  return messageBlockActions(b.fake.workspace.appIdentity(), {
    user: { id: userId, name: userName },
    channel: { id: b.people.alerts, name: 'alerts' },
    message: { ...rootA, blocks: rootA.blocks as never } as never,
    actions: [{ action_id: actionIds.acknowledge, block_id: 'actions', value: encodeRef({ i: incidentId }) }],
    triggerId: b.fake.workspace.issueTrigger(userId),
    responseUrl: b.fake.issueResponseUrl(userId, b.people.alerts),
    nowMs: Date.now(),
  });
}
