// `firebreak doctor` against the loopback Slack: a good configuration passes; each misconfiguration
// gets one clear line saying what to fix.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../src/sandbox/slack-api/index.js';
import { manifestBotScopes } from '../../src/slack/doctor.js';
import { openDatabase } from '../../src/store/database.js';
import { parseDatabaseUrl } from '../../src/store/database-url.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { TWO_APPROVER_PLAYBOOK } from '../e2e/harness.js';

describe('firebreak doctor', () => {
  let fake: FakeSlack;
  let folder: string;
  let alerts: string;
  let outside: string;
  let databaseUrl: string;
  const scopes = manifestBotScopes();

  beforeAll(async () => {
    fake = await startFakeSlack({ socketMode: true, botScopes: scopes });
    const bot = fake.workspace.bot.user_id;
    const ann = fake.workspace.addUser({ name: 'ann' }).id;
    alerts = fake.workspace.addChannel({ name: 'alerts', members: [ann, bot] }).id;
    outside = fake.workspace.addChannel({ name: 'community', members: [ann] }).id;
    folder = mkdtempSync(join(tmpdir(), 'firebreak-doctor-'));
    databaseUrl = `file:${join(folder, 'firebreak.db')}`;
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const doctor = (env: Record<string, string | undefined>) =>
    runCli(['doctor'], {
      env: testEnvironment({
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: 'doctor-signing-secret',
        SLACK_API_URL: fake.apiUrl,
        ALERTS_CHANNEL: alerts,
        DATABASE_URL: `file:${join(folder, 'none.db')}`,
        ...env,
      }),
    });
  const problems = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('✗'));

  it('a good configuration: every check passes, exit 0', async () => {
    const result = await doctor({ SLACK_APP_TOKEN: fake.socketMode!.appToken });
    expect(problems(result.stdout)).toEqual([]);
    expect(result.stdout).toContain(`✓ all ${scopes.length} scopes of manifest.json are granted`);
    expect(result.stdout).toContain('✓ Socket Mode connects (hello received)');
    expect(result.stdout).toContain('No problems found (Socket Mode mode).');
    expect(result.code).toBe(0);
  });

  it('a bot token Slack refuses', async () => {
    const result = await doctor({ SLACK_BOT_TOKEN: 'xoxb-not-a-real-token' });
    expect(problems(result.stdout)).toEqual(['✗ SLACK_BOT_TOKEN: Slack refused the token (invalid_auth): check SLACK_BOT_TOKEN / SLACK_APP_TOKEN; copy the Bot User OAuth Token (xoxb-…) from the app\'s OAuth & Permissions page.']);
    expect(result.code).toBe(1);
  });

  it('a signing secret missing: the configuration is refused, naming it', async () => {
    const result = await doctor({ SLACK_SIGNING_SECRET: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set together/);
  });

  it('missing scopes are named', async () => {
    const limited = await startFakeSlack({ workspace: fake.workspace, botScopes: scopes.filter((scope) => scope !== 'usergroups:read' && scope !== 'files:write') });
    try {
      const result = await doctor({ SLACK_API_URL: limited.apiUrl });
      expect(problems(result.stdout)).toEqual(['✗ scopes: the bot token lacks files:write, usergroups:read; add them under OAuth & Permissions (or re-create the app from manifest.json) and reinstall the app.']);
    } finally {
      await limited.close();
    }
  });

  it('an alerts channel that does not exist, and one the bot is not in', async () => {
    expect(problems((await doctor({ ALERTS_CHANNEL: 'C0DOESNOTEXIST' })).stdout)).toEqual([
      '✗ ALERTS_CHANNEL (C0DOESNOTEXIST): no such channel the bot can see (channel_not_found); use the channel ID (C…), and for a private channel invite the bot first.',
    ]);
    expect(problems((await doctor({ ALERTS_CHANNEL: outside })).stdout)).toEqual(['✗ ALERTS_CHANNEL (#community): the bot is not a member; invite it there with /invite @Firebreak.']);
  });

  it('a watched channel the bot is not in', async () => {
    expect((await runCli(['migrate'], { env: testEnvironment({ DATABASE_URL: databaseUrl }) })).code).toBe(0);
    const database = await openDatabase(parseDatabaseUrl(databaseUrl));
    const workspace = await database.prisma.workspace.create({ data: { teamId: fake.workspace.team.id } });
    await database.prisma.watchedChannel.create({ data: { workspaceId: workspace.id, channelId: outside, name: 'community', watchedBy: 'command', active: true } });
    await database.close();
    expect(problems((await doctor({ DATABASE_URL: databaseUrl })).stdout)).toEqual(['✗ watched channel #community (#community): the bot is not a member; invite it there with /invite @Firebreak.']);
  });

  it('an alerts channel Firebreak watches as a community channel: one line saying what to fix', async () => {
    const lobby = fake.workspace.addChannel({ name: 'lobby', members: [fake.workspace.bot.user_id] }).id;
    // Watched because the database says so (/firebreak watch #lobby).
    const watchedUrl = `file:${join(folder, 'watched.db')}`;
    expect((await runCli(['migrate'], { env: testEnvironment({ DATABASE_URL: watchedUrl }) })).code).toBe(0);
    const database = await openDatabase(parseDatabaseUrl(watchedUrl));
    const workspace = await database.prisma.workspace.create({ data: { teamId: fake.workspace.team.id } });
    await database.prisma.watchedChannel.create({ data: { workspaceId: workspace.id, channelId: lobby, name: 'lobby', watchedBy: 'command', active: true } });
    await database.close();
    const line = '✗ ALERTS_CHANNEL (#lobby) is a community channel Firebreak watches: incident threads are internal and are not posted there; set ALERTS_CHANNEL to a channel only staff can read.';
    const fromDatabase = await doctor({ ALERTS_CHANNEL: lobby, DATABASE_URL: watchedUrl });
    expect(problems(fromDatabase.stdout)).toEqual([line]);
    expect(fromDatabase.code).toBe(1);
    // Watched because a playbook names it (no database yet); that playbook's own alertsChannel too.
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-playbooks-'));
    try {
      writeFileSync(join(playbooks, 'lobby.yaml'), TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [lobby]').replace('ownerTeam: Community\n', 'ownerTeam: Community\nalertsChannel: lobby\n'));
      expect(problems((await doctor({ ALERTS_CHANNEL: lobby, PLAYBOOKS_DIR: playbooks })).stdout)).toEqual([
        line,
        "✗ playbook e2e-support: alertsChannel (#lobby) is a community channel Firebreak watches: incident threads are internal and are not posted there; set the playbook's alertsChannel to a channel only staff can read, or remove it.",
      ]);
      // The staff channel passes.
      expect(problems((await doctor({ PLAYBOOKS_DIR: playbooks, DATABASE_URL: watchedUrl })).stdout)).toEqual([
        "✗ playbook e2e-support: alertsChannel (#lobby) is a community channel Firebreak watches: incident threads are internal and are not posted there; set the playbook's alertsChannel to a channel only staff can read, or remove it.",
      ]);
    } finally {
      rmSync(playbooks, { recursive: true, force: true });
    }
  });

  it('a playbook naming its alerts channel by a name Slack has since given another channel name, or by a name Slack does not know: one line each, saying what to change', async () => {
    const bot = fake.workspace.bot.user_id;
    const crisis = fake.workspace.addChannel({ name: 'crisis-alerts', members: [bot] }).id;
    // Firebreak resolved the name once, to the channel's ID (app/named-channels.ts); then Slack renamed it.
    const namesUrl = `file:${join(folder, 'names.db')}`;
    expect((await runCli(['migrate'], { env: testEnvironment({ DATABASE_URL: namesUrl }) })).code).toBe(0);
    const database = await openDatabase(parseDatabaseUrl(namesUrl));
    const workspace = await database.prisma.workspace.create({ data: { teamId: fake.workspace.team.id } });
    await database.prisma.namedChannel.create({ data: { workspaceId: workspace.id, name: 'crisis-alerts', channelId: crisis, currentName: 'crisis-alerts' } });
    await database.close();
    fake.workspace.renameChannel(crisis, 'crisis-room');
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-names-'));
    try {
      writeFileSync(join(playbooks, 'support.yaml'), TWO_APPROVER_PLAYBOOK.replace('ownerTeam: Community\n', 'ownerTeam: Community\nalertsChannel: crisis-alerts\n'));
      writeFileSync(join(playbooks, 'typo.yaml'), TWO_APPROVER_PLAYBOOK.replace('id: e2e-support', 'id: typo').replace('default: true\n', '').replace('ownerTeam: Community\n', 'ownerTeam: Community\nalertsChannel: "#crisis-alerst"\n'));
      const result = await doctor({ PLAYBOOKS_DIR: playbooks, DATABASE_URL: namesUrl });
      expect(problems(result.stdout)).toEqual([
        `✗ playbook e2e-support names its alerts channel #crisis-alerts, which was renamed in Slack to #crisis-room: its incidents still go there; change its alertsChannel to crisis-room (or the channel ID ${crisis}).`,
        "✗ playbook typo: alertsChannel #crisis-alerst: Slack knows no channel of that name the bot can see, so its incidents wait for one; set alertsChannel to the channel's current name or its ID (C…), and for a private channel invite the bot first.",
      ]);
      expect(result.code).toBe(1);
      // The playbook edited to the channel's new name: nothing left to fix.
      writeFileSync(join(playbooks, 'support.yaml'), TWO_APPROVER_PLAYBOOK.replace('ownerTeam: Community\n', 'ownerTeam: Community\nalertsChannel: crisis-room\n'));
      writeFileSync(join(playbooks, 'typo.yaml'), TWO_APPROVER_PLAYBOOK.replace('id: e2e-support', 'id: typo').replace('default: true\n', '').replace('ownerTeam: Community\n', `ownerTeam: Community\nalertsChannel: ${crisis}\n`));
      expect(problems((await doctor({ PLAYBOOKS_DIR: playbooks, DATABASE_URL: namesUrl })).stdout)).toEqual([]);
    } finally {
      rmSync(playbooks, { recursive: true, force: true });
    }
  });

  it('a playbook naming its alerts channel by a name whose channel Slack deleted: one line saying so, until a channel takes the name', async () => {
    const bot = fake.workspace.bot.user_id;
    const gone = fake.workspace.addChannel({ name: 'incident-desk', members: [bot] }).id;
    const deletedUrl = `file:${join(folder, 'deleted.db')}`;
    expect((await runCli(['migrate'], { env: testEnvironment({ DATABASE_URL: deletedUrl }) })).code).toBe(0);
    const database = await openDatabase(parseDatabaseUrl(deletedUrl));
    const workspace = await database.prisma.workspace.create({ data: { teamId: fake.workspace.team.id } });
    // Firebreak resolved the name, then Slack deleted the channel (channel_deleted marked the binding).
    await database.prisma.namedChannel.create({ data: { workspaceId: workspace.id, name: 'incident-desk', channelId: gone, currentName: 'incident-desk', deletedAt: new Date() } });
    await database.close();
    fake.workspace.deleteChannel(gone);
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-deleted-'));
    try {
      writeFileSync(join(playbooks, 'support.yaml'), TWO_APPROVER_PLAYBOOK.replace('ownerTeam: Community\n', 'ownerTeam: Community\nalertsChannel: incident-desk\n'));
      const result = await doctor({ PLAYBOOKS_DIR: playbooks, DATABASE_URL: deletedUrl });
      expect(problems(result.stdout)).toEqual([
        '✗ playbook e2e-support names its alerts channel #incident-desk, which was deleted in Slack: its incidents wait; create a channel named #incident-desk (they are posted there) or set alertsChannel to another channel.',
      ]);
      // A new channel takes the name: nothing left to fix.
      fake.workspace.addChannel({ name: 'incident-desk', members: [bot] });
      expect(problems((await doctor({ PLAYBOOKS_DIR: playbooks, DATABASE_URL: deletedUrl })).stdout)).toEqual([]);
    } finally {
      rmSync(playbooks, { recursive: true, force: true });
    }
  });

  it('a playbook limited to another workspace than the bot token\'s: a warning, not a problem', async () => {
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-workspaces-'));
    try {
      writeFileSync(join(playbooks, 'shared.yaml'), TWO_APPROVER_PLAYBOOK);
      const team = fake.workspace.team.id;
      writeFileSync(join(playbooks, 'brand.yaml'), TWO_APPROVER_PLAYBOOK.replace('id: e2e-support', 'id: brand').replace('default: true\n', `workspaces: [${team}, T0ELSEWHERE]\n`));
      const result = await doctor({ PLAYBOOKS_DIR: playbooks });
      expect(result.stdout.split('\n').filter((line) => line.startsWith('! playbook '))).toEqual([
        `! playbook brand (${join(playbooks, 'brand.yaml')}): workspaces: T0ELSEWHERE is not the bot token's workspace (${team}); the playbook is not used there.`,
      ]);
      expect(problems(result.stdout)).toEqual([]);
      expect(result.code).toBe(0);
    } finally {
      rmSync(playbooks, { recursive: true, force: true });
    }
  });

  it('Socket Mode: a wrong app token, and Socket Mode turned off', async () => {
    expect(problems((await doctor({ SLACK_APP_TOKEN: 'xapp-1-wrong' })).stdout)).toEqual([
      '✗ SLACK_APP_TOKEN: Slack refused it (invalid_auth); create an app-level token with connections:write under Basic Information → App-Level Tokens.',
    ]);
    fake.socketMode!.setEnabled(false);
    try {
      expect(problems((await doctor({ SLACK_APP_TOKEN: fake.socketMode!.appToken })).stdout)).toEqual([
        '✗ SLACK_APP_TOKEN: Socket Mode could not connect (socket_mode_disabled); turn Socket Mode on in the app settings, or leave SLACK_APP_TOKEN empty to use HTTP.',
      ]);
    } finally {
      fake.socketMode!.setEnabled(true);
    }
    fake.socketMode!.down();
    try {
      const [line, ...others] = problems((await doctor({ SLACK_APP_TOKEN: fake.socketMode!.appToken })).stdout);
      expect(others).toEqual([]);
      expect(line).toMatch(/^✗ Socket Mode: the WebSocket did not connect \(.+\); check that outbound WebSocket \(wss:\/\/\) traffic to Slack is allowed\.$/);
    } finally {
      fake.socketMode!.up();
    }
  });

  it('a team\'s own playbooks: a file Firebreak would not load is a problem at its line; a lead, approver or channel the workspace does not have is a warning at its line', async () => {
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-own-'));
    try {
      const lead = fake.workspace.addUser({ name: 'marta' }).id;
      fake.workspace.addChannel({ name: 'soporte', members: [fake.workspace.bot.user_id] });
      const leads = fake.workspace.addUserGroup({ handle: 'community-leads', users: [lead] }).id;
      const mine = TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: ["#soporte"]')
        .replace('lead: "@community-leads"', `lead: ${lead}`)
        .replace('approvers: ["@community-leads"]', `approvers: [${leads}, U0NOBODY01]`);
      writeFileSync(join(playbooks, 'soporte.yaml'), mine);
      const broken = mine.replace('id: e2e-support', 'id: broken').replace('default: true\n', '').replace('dueAfterMinutes: 5', 'dueAfterMinutes: 1h30');
      writeFileSync(join(playbooks, 'broken.yaml'), broken);
      const result = await doctor({ PLAYBOOKS_DIR: playbooks });
      const lines = mine.split('\n');
      const approversLine = lines.findIndex((line) => line.includes('approvers: [S')) + 1;
      expect(result.stdout.split('\n').filter((line) => line.startsWith('!'))).toEqual([
        `! PLAYBOOKS_DIR: ${join(playbooks, 'soporte.yaml')}:${approversLine}:${lines[approversLine - 1]!.indexOf('U0NOBODY01') + 1}: roles.approvers[1]: playbook \`e2e-support\`: user \`U0NOBODY01\` does not exist in the workspace or is deactivated: fix the playbook, or create it in Slack`,
      ]);
      const dueLine = broken.split('\n').findIndex((line) => line.includes('dueAfterMinutes')) + 1;
      expect(problems(result.stdout)).toEqual([
        `✗ PLAYBOOKS_DIR: ${join(playbooks, 'broken.yaml')}:${dueLine}:22: checklist[0].dueAfterMinutes: must be a whole number of minutes, not the text "1h30" (write 90)`,
      ]);
      expect(result.code).toBe(1);
    } finally {
      rmSync(playbooks, { recursive: true, force: true });
    }
  });

  it('user groups Slack does not list in time: a warning naming each unchecked group and why, not a silent pass', async () => {
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-groups-'));
    fake.workspace.addChannel({ name: 'ayuda', members: [fake.workspace.bot.user_id] });
    // Neither group exists: had Slack answered, each would be reported missing.
    const mine = TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: ["#ayuda"]').replace('approvers: ["@community-leads"]', 'approvers: ["@community-leads", "@moderators"]');
    writeFileSync(join(playbooks, 'ayuda.yaml'), mine);
    // Longer than the directory waits for the group list (GROUPS_ANSWER_TIMEOUT_MS).
    fake.api.faults.delay('usergroups.list', 3_000, { times: 10 });
    try {
      const result = await doctor({ PLAYBOOKS_DIR: playbooks });
      expect(result.stdout.split('\n').filter((line) => line.startsWith('!'))).toEqual([
        "! PLAYBOOKS_DIR: user group `@community-leads`: could not check that it exists: Slack did not list the workspace's user groups (timeout); run firebreak doctor again",
        "! PLAYBOOKS_DIR: user group `@moderators`: could not check that it exists: Slack did not list the workspace's user groups (timeout); run firebreak doctor again",
      ]);
    } finally {
      fake.api.faults.clear();
      rmSync(playbooks, { recursive: true, force: true });
    }
  });

  it('channels Slack does not answer about (500): a warning naming each unchecked channel, never "does not exist"', async () => {
    const playbooks = mkdtempSync(join(tmpdir(), 'firebreak-doctor-channels-'));
    // Neither channel exists: had Slack answered, each would be reported missing.
    writeFileSync(join(playbooks, 'gone.yaml'), TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [C0GONE0001, "#gone"]'));
    fake.api.faults.serverError('conversations.info', { times: 50 });
    fake.api.faults.serverError('conversations.list', { times: 50 });
    try {
      const result = await doctor({ PLAYBOOKS_DIR: playbooks });
      const aboutPlaybooks = result.stdout.split('\n').filter((line) => line.includes('PLAYBOOKS_DIR') && /C0GONE0001|#gone/.test(line));
      expect(aboutPlaybooks).toHaveLength(2);
      expect(aboutPlaybooks[0]).toMatch(/^! PLAYBOOKS_DIR: channel `C0GONE0001`: could not check that it exists: .*500.*; run firebreak doctor again$/);
      expect(aboutPlaybooks[1]).toMatch(/^! PLAYBOOKS_DIR: channel `#gone`: could not check that it exists: .*500.*; run firebreak doctor again$/);
      expect(result.stdout).not.toContain('does not exist in the workspace (or the bot cannot see it)');
    } finally {
      fake.api.faults.clear();
      rmSync(playbooks, { recursive: true, force: true });
    }
  });

  it('reads the `.env` of the folder it runs in, as .env.example says; a variable set in the environment wins', async () => {
    const project = mkdtempSync(join(tmpdir(), 'firebreak-dotenv-'));
    try {
      // A team's .env: .env.example copied and filled in, every other line left as shipped.
      const example = readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8');
      const filled = example
        .replace(/^SLACK_BOT_TOKEN=$/m, `SLACK_BOT_TOKEN=${fake.botToken}`)
        .replace(/^SLACK_SIGNING_SECRET=$/m, 'SLACK_SIGNING_SECRET=doctor-signing-secret')
        .replace(/^SLACK_API_URL=$/m, `SLACK_API_URL=${fake.apiUrl}`)
        .replace(/^ALERTS_CHANNEL=$/m, 'ALERTS_CHANNEL=C0NOTINDOTENV')
        .replace(/^DATABASE_URL=.*$/m, `DATABASE_URL=file:${join(folder, 'none.db')}`)
        .replace(/^PLAYBOOKS_DIR=.*$/m, `PLAYBOOKS_DIR=${join(import.meta.dirname, '..', '..', 'playbooks')}`);
      writeFileSync(join(project, '.env'), filled);
      const fromFile = await runCli(['doctor'], { cwd: project, env: testEnvironment({ FIREBREAK_ENV_FILE: undefined }) });
      expect(problems(fromFile.stdout)).toEqual([expect.stringMatching(/^✗ ALERTS_CHANNEL \(C0NOTINDOTENV\): no such channel/)]);
      const overridden = await runCli(['doctor'], { cwd: project, env: testEnvironment({ FIREBREAK_ENV_FILE: undefined, ALERTS_CHANNEL: alerts }) });
      expect(problems(overridden.stdout)).toEqual([]);
      expect(overridden.code).toBe(0);
      // A bad value in the file is named, and so is the file it may come from.
      writeFileSync(join(project, '.env'), filled.replace(/^PORT=.*$/m, 'PORT=tres mil'));
      const bad = await runCli(['doctor'], { cwd: project, env: testEnvironment({ FIREBREAK_ENV_FILE: undefined }) });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^firebreak: Invalid configuration: PORT must be .* \(read from the environment and \.env; the environment wins\)\n$/);
      // A file named on purpose that is not there is an error, not a silent sandbox.
      const missing = await runCli(['doctor'], { cwd: project, env: testEnvironment({ FIREBREAK_ENV_FILE: 'production.env' }) });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/cannot read the environment file production\.env \(ENOENT\): create it, or unset FIREBREAK_ENV_FILE/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('Slack not configured at all', async () => {
    const result = await runCli(['doctor'], { env: testEnvironment({ DATABASE_URL: databaseUrl }) });
    expect(problems(result.stdout)).toEqual(['✗ Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (without them `firebreak start` runs the local sandbox).']);
    expect(result.code).toBe(1);
  });
});
