// Each workspace speaks for itself, end to end: the real Firebreak with OAuth installs in two workspaces
// behind one loopback Slack, no SLACK_BOT_TOKEN. A chooses Spanish in App Home, B keeps LOCALE (en):
// the unanswered-message reminders speak each one's language, and `firebreak postmortem export` names
// staff by asking the incident's own workspace with its stored token; once a workspace has uninstalled
// Firebreak its staff stay user ids (said on stderr), never the sandbox's personas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { personaById } from '../../src/sandbox/personas.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent, viewBlockActions } from '../../src/sandbox/slack-payloads.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { availableProviders } from '../support/databases.js';
import { findButtons } from '../support/staff-actions.js';
import { installAsAPerson, seedTeam, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'workspace-lang-signing-secret-0123456789';
/**
 * B's on-call person happens to have the user id of a sandbox persona (Sam Ortega): a persona's name in
 * B's export would be a stranger's name on B's staff.
 */
const PERSONA_ID = 'U0STAFFSAM';

describe.each(availableProviders)('each workspace’s language and Slack token with OAuth installs (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let cliEnv: NodeJS.ProcessEnv;
  let events: string;
  const teams: Record<string, SeededTeam> = {};
  const prisma = () => app.database.prisma;
  const event = (teamId: string, body: { type: string } & Record<string, unknown>) =>
    sendToApp(events, SIGNING_SECRET, 'event', eventCallback(teams[teamId]!.fake.workspace.appIdentity(), body, { nowMs: Date.now() }));

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.4444', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    const env = { ...world.oauthEnv, LOCALE: 'en', LOG_LEVEL: 'silent' };
    cliEnv = testEnvironment(env);
    const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', DETECTION_INTERVAL_SECONDS: '3600', BRAND_NAME: 'Acme', SUPPORT_CONTACT: 'help@acme.test' });
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }));
    events = `${app.url}/slack/events`;

    for (const teamId of [A, B]) {
      teams[teamId] = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
      const { people, staff } = teams[teamId];
      // Ann installs Firebreak in her workspace (the install page, Allow on Slack's page, the redirect)…
      expect((await installAsAPerson(app.url, world.slack, teamId, people.ann)).status).toBe(200);
      // …and says where its incidents go.
      expect((await staff.command(events, people.ann, `alerts <#${people.alerts}|alerts>`)).body).toContain(`<#${people.alerts}>`);
    }
    const b = teams[B]!;
    b.fake.workspace.addUser({ id: PERSONA_ID, name: 'sol', real_name: 'Sol Bravo' });
    b.fake.workspace.addMember(b.people.alerts, PERSONA_ID);

    // A's installer chooses Spanish in App Home; B keeps the server's LOCALE.
    const a = teams[A]!;
    await event(A, { type: 'app_home_opened', user: a.people.ann, channel: 'D0HOME', tab: 'home' });
    const home = await waitFor('App Home', () => a.fake.api.calls('views.publish').find((call) => call.args['user_id'] === a.people.ann && call.status === 200));
    const view = (home.response as { view: { id: string; blocks: unknown[] } }).view;
    await sendToApp(
      events,
      SIGNING_SECRET,
      'interaction',
      viewBlockActions(a.fake.workspace.appIdentity(), {
        user: { id: a.people.ann, name: 'ann' },
        view: { id: view.id, type: 'home', blocks: view.blocks } as never,
        actions: [{ block_id: 'workspace_settings', action_id: actionIds.settingsLocale, type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Español' }, value: 'es' } } as never],
        triggerId: a.fake.workspace.issueTrigger(a.people.ann),
        nowMs: Date.now(),
      }),
    );
    await waitFor('A speaks Spanish', async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).locale === 'es');
  }, 120_000);

  afterAll(async () => {
    await world?.close(app);
  });

  it('an unanswered negative message is brought to staff in its workspace’s language', async () => {
    // A member's complaint in each workspace's #support, 40 minutes ago; the playbook's window is 30.
    const fortyMinutesAgo = Date.now() - 40 * 60_000;
    for (const teamId of [A, B]) {
      const { people } = teams[teamId]!;
      const ts = `${Math.floor(fortyMinutesAgo / 1000)}.000100`;
      expect((await event(teamId, messageEvent({ channel: people.support, user: people.members[0]!, text: 'My order never arrived and nobody answers, terrible', ts }))).status).toBe(200);
    }
    await waitFor('both complaints scored', async () => (await prisma().scoredMessage.count()) === 2);
    await app.runtime!.tick();
    const reminderIn = (teamId: string) => {
      const { fake, people } = teams[teamId]!;
      return waitFor(`the reminder in ${teamId}`, () => fake.workspace.messagesIn(people.alerts).find((message) => message.text.includes(':speech_balloon:')));
    };
    const spanish = await reminderIn(A);
    // One message: the sentence agrees with it (never "mensaje(s) negativo(s) … llevan").
    expect(spanish.text).toContain(`1 mensaje negativo en #support lleva más de 30 min sin respuesta`);
    expect(spanish.text).toContain('My order never arrived');
    const english = await reminderIn(B);
    expect(english.text).toContain('1 negative message in #support has had no answer for over 30 min');
    // Each reminder names its own workspace's leads (the playbook's @community-leads).
    expect(spanish.text).toContain(`<@${teams[A]!.people.ann}>`);
    expect(english.text).toContain(`<@${teams[B]!.people.ann}>`);
  }, 60_000);

  it('App Home’s delivery problems are in the workspace’s language too', async () => {
    const a = teams[A]!;
    // A message Slack sent with a timestamp that is not one: kept in quarantine, listed in A's App Home.
    expect((await event(A, messageEvent({ channel: a.people.support, user: a.people.members[1]!, text: 'bad ts', ts: 'abc' }))).status).toBe(200);
    await waitFor('quarantined', () => prisma().quarantinedMessage.findFirst({ where: { channelId: a.people.support } }));
    const published = a.fake.api.calls('views.publish').length;
    await event(A, { type: 'app_home_opened', user: a.people.ann, channel: 'D0HOME', tab: 'home' });
    const home = await waitFor('App Home', () => a.fake.api.calls('views.publish').slice(published).find((call) => call.args['user_id'] === a.people.ann && call.status === 200));
    const shown = JSON.stringify(home.args['view']);
    expect(shown).toContain(`Mensaje entrante de ${a.people.support} en cuarentena (no guardado)`);
    expect(shown).not.toContain('kept in quarantine');
  }, 60_000);

  it('`postmortem export` names staff through the incident’s workspace’s own token; an uninstalled workspace keeps user ids, said on stderr', async () => {
    /** Declared by Ann, led by `lead`, its step ticked and resolved: the post-mortem draft exists. */
    const resolvedIncident = async (teamId: string, lead: string) => {
      const { staff, people } = teams[teamId]!;
      expect((await staff.command(events, people.ann, `declare <#${people.support}|support> sev2 Login failing for many members`)).status).toBe(200);
      // The alert is not the first message in #alerts: the unanswered reminder came before it.
      const incident = await waitFor('the alert posted', () => prisma().incident.findFirst({ where: { workspace: { teamId }, rootTs: { not: null } } }));
      await staff.click(events, lead, people.alerts, incident.rootTs!, actionIds.acknowledge);
      await waitFor('the lead', () => prisma().incident.findFirst({ where: { id: incident.id, leadUserId: lead } }));
      const thread = () => teams[teamId]!.fake.workspace.messagesIn(people.alerts).filter((message) => message.thread_ts === incident.rootTs && message.ts !== incident.rootTs);
      const checklist = await waitFor('the checklist', () => thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)));
      await staff.click(events, lead, people.alerts, checklist.ts, actionIds.toggleStep);
      await waitFor('the step ticked', () => prisma().checklistItem.findFirst({ where: { incidentId: incident.id, doneAt: { not: null } } }));
      expect((await staff.command(events, people.ann, `resolve ${incident.number} Login works again`)).status).toBe(200);
      await waitFor('the post-mortem', () => prisma().postMortem.findFirst({ where: { incidentId: incident.id } }));
      return incident.id;
    };
    const a = teams[A]!;
    const b = teams[B]!;
    const incidentA = await resolvedIncident(A, a.people.ann);
    const incidentB = await resolvedIncident(B, PERSONA_ID);
    const usersInfo = (teamId: string) => teams[teamId]!.fake.api.calls('users.info').length;
    const asked = { [A]: usersInfo(A), [B]: usersInfo(B) };

    // A is installed: its names come from A's Slack, asked with A's stored token (B is not asked).
    const fromA = await runCli(['postmortem', 'export', incidentA], { env: cliEnv });
    expect(fromA.stderr).toBe('');
    expect(fromA.code).toBe(0);
    // A's post-mortem is in Spanish, as its incident was.
    expect(fromA.stdout).toContain('- **Líder:** Ann Approver');
    // Ann wrote it (she led the incident): its reviewers are the other approvers.
    expect(fromA.stdout).toContain('- **Revisores:** Ben Approver (sin revisar), Cleo Approver (sin revisar)\n');
    expect(fromA.stdout).not.toContain(a.people.ann);
    expect(usersInfo(A)).toBeGreaterThan(asked[A]!);
    expect(usersInfo(B)).toBe(asked[B]);
    // JSON says the same.
    const json = await runCli(['postmortem', 'export', incidentA, '--format', 'json'], { env: cliEnv });
    expect(json.code).toBe(0);
    expect(json.stdout).toContain('Ann Approver');

    // Installed, B's names come from B: its lead is Sol, whatever the sandbox calls that user id.
    const fromB = await runCli(['postmortem', 'export', incidentB], { env: cliEnv });
    expect(fromB.stderr).toBe('');
    expect(fromB.stdout).toContain('- **Lead:** Sol Bravo');

    // B uninstalls Firebreak: its token is erased, so its export keeps user ids and says why.
    expect((await event(B, { type: 'app_uninstalled' })).status).toBe(200);
    await waitFor('B uninstalled', async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: B } })).uninstalledAt);
    const gone = await runCli(['postmortem', 'export', incidentB], { env: cliEnv });
    expect(gone.code).toBe(0);
    expect(gone.stderr).toMatch(new RegExp(`Staff are shown by their Slack user ids: workspace ${B} uninstalled Firebreak on \\d{4}-\\d{2}-\\d{2}`));
    expect(gone.stdout).toContain(PERSONA_ID);
    expect(gone.stdout).toContain(b.people.ann);
    expect(gone.stdout).not.toContain(personaById(PERSONA_ID)!.realName);
    expect(gone.stdout).not.toContain('Sol Bravo');
    // A is untouched by B's uninstall.
    const stillA = await runCli(['postmortem', 'export', incidentA], { env: cliEnv });
    expect(stillA.stderr).toBe('');
    expect(stillA.stdout).toContain('- **Líder:** Ann Approver');
  }, 120_000);
});
