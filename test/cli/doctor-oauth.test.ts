// `firebreak doctor` with OAuth installs: every installed workspace is checked with its own stored
// token and its own alerts channel, one line per problem naming the workspace and what to do.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlackTeams, type FakeSlackTeams } from '../../src/sandbox/slack-api/index.js';
import { manifestBotScopes } from '../../src/slack/doctor.js';
import { createStore } from '../../src/store/store.js';
import { createTokenCipher } from '../../src/store/token-cipher.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { TEAM_A as A, TEAM_B as B, TWO_TEAMS } from '../support/two-teams.js';
import { TWO_APPROVER_PLAYBOOK } from '../e2e/harness.js';


describe('firebreak doctor with OAuth installs', () => {
  let slack: FakeSlackTeams;
  let db: MigratedDatabase;
  const key = randomBytes(32);
  let alertsA: string;

  beforeAll(async () => {
    slack = await startFakeSlackTeams({
      teams: TWO_TEAMS,
      clientId: '1111.2222',
      clientSecret: 'doctor-client-secret',
      botScopes: manifestBotScopes(),
      socketMode: true,
    });
    db = await openMigratedDatabase('sqlite');
    const store = createStore(db.prisma, 'sqlite', createTokenCipher([key]));
    for (const teamId of [A, B]) {
      const workspace = slack.team(teamId).workspace;
      await store.direct.installations.save({ teamId, teamName: workspace.team.name, enterpriseId: null, botToken: workspace.issueBotToken(), botUserId: workspace.bot.user_id, botId: workspace.bot.bot_id, scopes: manifestBotScopes(), appId: null, installerUserId: null, installedAt: Date.now() });
    }
    const a = slack.team(A).workspace;
    alertsA = a.addChannel({ name: 'alerts', members: [a.bot.user_id] }).id;
    await store.direct.installations.updateSettings(A, { alertsChannel: alertsA });
    // Bravo revoked the app's token on Slack's side; Firebreak has not heard yet.
    slack.team(B).workspace.revokeBotTokens();
  });
  afterAll(async () => {
    await slack?.close();
    await db?.dispose();
  });

  const doctor = (env: Record<string, string> = {}) =>
    runCli(['doctor'], {
      env: testEnvironment({
        ...env,
        DATABASE_URL: db.url,
        SLACK_CLIENT_ID: slack.clientId,
        SLACK_CLIENT_SECRET: slack.clientSecret,
        SLACK_SIGNING_SECRET: 'doctor-signing-secret',
        SLACK_STATE_SECRET: 's'.repeat(32),
        TOKEN_ENCRYPTION_KEYS: key.toString('base64'),
        SLACK_API_URL: slack.apiUrl,
      }),
    });

  it('checks each workspace with its own token and alerts channel, and names the one to reinstall', async () => {
    const result = await doctor();
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`✓ Acme (${A}): bot token works: firebreak in Acme`);
    expect(lines).toContain(`✓ all ${manifestBotScopes().length} scopes of manifest.json are granted`);
    expect(lines).toContain(`✓ Acme (${A}): alerts channel (#alerts) is reachable and the bot is in it`);
    expect(lines.filter((line) => line.startsWith('✗'))).toEqual([`✗ Bravo (${B}): its stored bot token does not work (invalid_auth); reinstall Firebreak there from /slack/install.`]);
    expect(result.stdout).not.toContain('xoxb-');
    expect(result.code).toBe(1);
  }, 60_000);

  it('warns, without failing, about a playbook limited to a workspace Firebreak is not installed in', async () => {
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-workspaces-'));
    try {
      writeFileSync(join(playbooks, 'shared.yaml'), TWO_APPROVER_PLAYBOOK);
      writeFileSync(join(playbooks, 'brand.yaml'), TWO_APPROVER_PLAYBOOK.replace('id: e2e-support', 'id: brand').replace('default: true\n', `workspaces: [${A}, T0NOTHERE]\n`));
      const result = await doctor({ PLAYBOOKS_DIR: playbooks });
      const lines = result.stdout.split('\n');
      expect(lines.filter((line) => line.startsWith('! playbook '))).toEqual([
        `! playbook brand (${join(playbooks, 'brand.yaml')}): workspaces: T0NOTHERE is not a workspace Firebreak is installed in; the playbook serves it once it installs.`,
      ]);
      // Only Bravo's revoked token is a problem, as before.
      expect(lines.filter((line) => line.startsWith('✗'))).toHaveLength(1);
    } finally {
      rmSync(playbooks, { recursive: true, force: true });
    }
  }, 60_000);

  it('a playbook naming an approver a workspace does not have: a warning naming the workspace, the file and the line; a broken file is a problem', async () => {
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-own-'));
    try {
      const mine = TWO_APPROVER_PLAYBOOK.replace('approvers: ["@community-leads"]', 'approvers: ["@community-leads", U0NOBODY01]');
      writeFileSync(join(playbooks, 'mine.yaml'), mine);
      writeFileSync(join(playbooks, 'broken.yaml'), mine.replace('id: e2e-support', 'id: broken').replace('default: true\n', '').replace('quorum: 2', 'quorum: dos'));
      const result = await doctor({ PLAYBOOKS_DIR: playbooks });
      const lines = result.stdout.split('\n');
      const line = mine.split('\n').findIndex((text) => text.includes('U0NOBODY01')) + 1;
      // Acme's token answers; Bravo's is revoked, so nothing is looked up there.
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^! Acme \\(${A}\\): PLAYBOOKS_DIR: ${join(playbooks, 'mine.yaml')}:${line}:\\d+: roles\\.approvers\\[1\\]: playbook \`e2e-support\`: user \`U0NOBODY01\` does not exist in the workspace or is deactivated`)));
      expect(lines.filter((text) => text.includes('U0NOBODY01') && text.includes(B))).toEqual([]);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^✗ PLAYBOOKS_DIR: ${join(playbooks, 'broken.yaml')}:\\d+:\\d+: roles\\.quorum: `)));
    } finally {
      rmSync(playbooks, { recursive: true, force: true });
    }
  }, 60_000);

  it('with SLACK_APP_TOKEN, checks Socket Mode once for the app: a token Slack refuses is one line saying what to do', async () => {
    const wrong = (await doctor({ SLACK_APP_TOKEN: 'xapp-1-A0LOOPBACK-not-this-app' })).stdout.split('\n');
    expect(wrong.filter((line) => line.startsWith('✗ SLACK_APP_TOKEN'))).toEqual(['✗ SLACK_APP_TOKEN: Slack refused it (invalid_auth); create an app-level token with connections:write under Basic Information → App-Level Tokens.']);
    const right = (await doctor({ SLACK_APP_TOKEN: slack.socketMode!.appToken })).stdout.split('\n');
    expect(right.filter((line) => line === '✓ Socket Mode connects (hello received)')).toHaveLength(1);
    expect(right.some((line) => line.startsWith('✗ SLACK_APP_TOKEN'))).toBe(false);
  }, 60_000);
});
