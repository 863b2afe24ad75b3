// An App Home settings change that cannot be saved (the database refuses the write) is told to the person
// who made it: App Home has no channel to answer in, so by direct message, never silence while the select
// shows a choice that was not kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { t } from '../../src/i18n/index.js';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, viewBlockActions } from '../../src/sandbox/slack-payloads.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { installAsAPerson, seedTeam, startTwoTeamsWorld, TEAM_A as A, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { waitFor } from '../support/wait-for.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak } from '../../src/main.js';

const SIGNING_SECRET = 'home-settings-failure-secret-0123456789';

describe.each(availableProviders)('an App Home setting the database refuses (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let team: SeededTeam;
  let events: string;
  const prisma = () => app.database.prisma;

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.8888', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    team = seedTeam(world.slack.team(A), SIGNING_SECRET);
    const config = loadConfig({ ...world.oauthEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    app = await startFirebreak(config, createLogger(config.logLevel, { pretty: false }));
    events = `${app.url}/slack/events`;
    expect((await installAsAPerson(app.url, world.slack, A, team.people.ann)).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await world?.close(app);
  });

  it('tells its person it was not done, by direct message; picked again, it is kept', async () => {
    const { fake, people } = team;
    const identity = fake.workspace.appIdentity();
    await sendToApp(events, SIGNING_SECRET, 'event', eventCallback(identity, { type: 'app_home_opened', user: people.ann, channel: 'D0HOME', tab: 'home' }, { nowMs: Date.now() }));
    const home = await waitFor('App Home', () => fake.api.calls('views.publish').find((call) => call.args['user_id'] === people.ann && call.status === 200));
    const view = (home.response as { view: { id: string; blocks: unknown[] } }).view;
    const pickSpanish = () =>
      sendToApp(
        events,
        SIGNING_SECRET,
        'interaction',
        viewBlockActions(identity, {
          user: { id: people.ann, name: 'ann' },
          view: { id: view.id, type: 'home', blocks: view.blocks } as never,
          actions: [{ block_id: 'workspace_settings', action_id: actionIds.settingsLocale, type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Español' }, value: 'es' } } as never],
          triggerId: fake.workspace.issueTrigger(people.ann),
          nowMs: Date.now(),
        }),
      );
    const failed = t('en', 'ui.guard.failed', {});
    const told = () => fake.api.calls('chat.postMessage').filter((call) => String(call.args['text'] ?? '').includes(failed));

    await prisma().$executeRawUnsafe('ALTER TABLE "AuditLog" RENAME TO "AuditLogAway"');
    try {
      expect((await pickSpanish()).status).toBe(200);
      await waitFor('Ann told it was not done', () => told().length > 0, { timeoutMs: 10_000 });
    } finally {
      await prisma().$executeRawUnsafe('ALTER TABLE "AuditLogAway" RENAME TO "AuditLog"');
    }
    expect((await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).locale).not.toBe('es');

    expect((await pickSpanish()).status).toBe(200);
    await waitFor('kept in Spanish', async () => (await prisma().workspace.findUniqueOrThrow({ where: { teamId: A } })).locale === 'es');
    expect(told()).toHaveLength(1);
  }, 60_000);
});
