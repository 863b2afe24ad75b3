// The two workspaces the multi-workspace tests install Firebreak in, behind one loopback Slack, and what
// those tests do alike: start that Slack with a database and a playbooks folder, seed each workspace's
// community, install Firebreak through OAuth as a person does it, and stop it all again.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak, type StartOptions } from '../../src/main.js';
import { startFakeSlackTeams, type FakeSlack, type FakeSlackTeams, type FakeTeam, type FakeTeamOptions } from '../../src/sandbox/slack-api/index.js';
import type { DatabaseProvider } from '../../src/store/schema-files.js';
import { seedE2eCommunity, type E2eCommunity } from './community.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { TWO_APPROVER_PLAYBOOK } from './playbook-yaml.js';
import { staffActions, type StaffActions } from './staff-actions.js';

export const TEAM_A = 'T0AAAAAAA';
export const TEAM_B = 'T0BBBBBBB';

export const TWO_TEAMS: FakeTeamOptions[] = [
  { id: TEAM_A, name: 'Acme', domain: 'acme', idTag: 'A' },
  { id: TEAM_B, name: 'Bravo', domain: 'bravo', idTag: 'B' },
];

/** One workspace as a test drives it: its loopback team, its seeded community, its staff's actions. */
export interface SeededTeam {
  fake: FakeTeam;
  people: E2eCommunity;
  staff: StaffActions;
}

/** Seeds the e2e community in `fake`'s workspace and gives its staff signed actions, their alerts in #alerts. */
export function seedTeam(fake: FakeTeam, signingSecret: string): SeededTeam {
  const people = seedE2eCommunity(fake.workspace);
  // staffActions takes a single-workspace FakeSlack but reads only these two of it.
  const staff = staffActions({ workspace: fake.workspace, issueResponseUrl: fake.issueResponseUrl } as unknown as FakeSlack, signingSecret, people.alerts);
  return { fake, people, staff };
}

/** Everything around Firebreak in a two-workspace test: the loopback Slack, the database, the playbooks. */
export interface TwoTeamsWorld {
  slack: FakeSlackTeams;
  database: TestDatabase;
  playbooksDir: string;
  /** Firebreak's settings for OAuth installs in both workspaces, with a fresh state secret and token key. */
  oauthEnv: Record<string, string>;
  /** Stops `app` (when it started), the loopback Slack and the database, and removes the playbooks. */
  close(app?: RunningFirebreak): Promise<void>;
}

export interface TwoTeamsWorldOptions {
  provider: DatabaseProvider;
  signingSecret: string;
  /** The OAuth client id Slack knows Firebreak by. */
  clientId: string;
  /** The playbooks folder's files: name → YAML. */
  playbooks: Record<string, string>;
  /** Slack reaches Firebreak over Socket Mode (`oauthEnv` then carries SLACK_APP_TOKEN). */
  socketMode?: boolean;
}

/** Starts the two workspaces' loopback Slack, a fresh database and a playbooks folder. */
export async function startTwoTeamsWorld(options: TwoTeamsWorldOptions): Promise<TwoTeamsWorld> {
  const slack = await startFakeSlackTeams({ teams: TWO_TEAMS, clientId: options.clientId, clientSecret: 'loopback-client-secret', ...(options.socketMode ? { socketMode: true } : {}) });
  const playbooksDir = mkdtempSync(join(tmpdir(), 'firebreak-two-teams-'));
  let database: TestDatabase;
  try {
    for (const [name, yaml] of Object.entries(options.playbooks)) writeFileSync(join(playbooksDir, name), yaml);
    database = await createTestDatabase(options.provider);
  } catch (error) {
    await slack.close();
    rmSync(playbooksDir, { recursive: true, force: true });
    throw error;
  }
  return {
    slack,
    database,
    playbooksDir,
    oauthEnv: {
      DATABASE_URL: database.url,
      SLACK_CLIENT_ID: slack.clientId,
      SLACK_CLIENT_SECRET: slack.clientSecret,
      SLACK_SIGNING_SECRET: options.signingSecret,
      SLACK_STATE_SECRET: randomBytes(24).toString('hex'),
      TOKEN_ENCRYPTION_KEYS: randomBytes(32).toString('base64'),
      SLACK_API_URL: slack.apiUrl,
      PLAYBOOKS_DIR: playbooksDir,
      ...(slack.socketMode ? { SLACK_APP_TOKEN: slack.socketMode.appToken } : {}),
    },
    async close(app) {
      await app?.close();
      await slack.close();
      await database.drop();
      rmSync(playbooksDir, { recursive: true, force: true });
    },
  };
}

/** What a browser takes from Firebreak's /slack/install: the state cookie and the Add to Slack link's parameters. */
export interface InstallPage {
  cookie: string;
  state: string;
  scopes: string[];
  clientId: string;
}

/** Opens /slack/install as a browser does; the page must offer an Add to Slack link to Slack's authorize page. */
export async function openInstallPage(appUrl: string): Promise<InstallPage> {
  const page = await fetch(`${appUrl}/slack/install`);
  expect(page.status).toBe(200);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const href = /href="([^"]+)"/.exec(await page.text())?.[1]?.replace(/&#38;/g, '&');
  if (!href) throw new Error('no Add to Slack link on the install page');
  const link = new URL(href);
  expect(link.origin + link.pathname).toBe('https://slack.com/oauth/v2/authorize');
  return { cookie, state: link.searchParams.get('state') ?? '', scopes: (link.searchParams.get('scope') ?? '').split(','), clientId: link.searchParams.get('client_id') ?? '' };
}

/** Slack sends the browser back to Firebreak's redirect URL with `query`; `cookie` is the browser's state cookie, if any. */
export async function followOAuthRedirect(appUrl: string, query: string, cookie: string): Promise<{ status: number; html: string }> {
  const answer = await fetch(`${appUrl}/slack/oauth_redirect?${query}`, { headers: cookie ? { cookie } : {} });
  return { status: answer.status, html: await answer.text() };
}

/**
 * The whole install as a person does it: the install page, Allow on Slack's page as `userId` of `teamId`,
 * back to Firebreak. Returns Firebreak's answer, and the redirect's query and cookie for replaying them.
 */
export async function installAsAPerson(appUrl: string, slack: FakeSlackTeams, teamId: string, userId: string): Promise<{ status: number; html: string; query: string; cookie: string }> {
  const page = await openInstallPage(appUrl);
  const code = slack.approve({ teamId, userId, scopes: page.scopes });
  const query = `code=${encodeURIComponent(code)}&state=${encodeURIComponent(page.state)}`;
  return { ...(await followOAuthRedirect(appUrl, query, page.cookie)), query, cookie: page.cookie };
}

/** Firebreak started in this process on `world`'s OAuth settings plus `env`, on a free loopback port, silent. */
export async function startFirebreakIn(world: TwoTeamsWorld, env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningFirebreak> {
  const config = loadConfig({ ...world.oauthEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  return startFirebreak(config, createLogger(config.logLevel, { pretty: false }), options);
}

/**
 * Firebreak started on `world` (its OAuth settings plus `env`), then installed in both workspaces by
 * each one's Ann, as a person does it; `teams` holds both seeded workspaces.
 */
export async function startInstalledInBoth(world: TwoTeamsWorld, teams: Record<string, SeededTeam>, env: Record<string, string> = {}): Promise<RunningFirebreak> {
  const app = await startFirebreakIn(world, env);
  for (const teamId of [TEAM_A, TEAM_B]) expect((await installAsAPerson(app.url, world.slack, teamId, teams[teamId]!.people.ann)).status).toBe(200);
  return app;
}

/** A two-workspace world with Firebreak installed in both: what most OAuth tests start from. */
export interface InstalledWorld {
  world: TwoTeamsWorld;
  /** Both seeded workspaces, by team id. */
  teams: Record<string, SeededTeam>;
  app: RunningFirebreak;
  /** Where Slack sends events, commands and interactions. */
  events: string;
}

/**
 * Both workspaces watched by the shared support playbook (#support by name), seeded, and Firebreak
 * started with `env` and installed in each by its Ann; the world is closed again if any of it fails.
 */
export async function startInstalledWorld(options: Omit<TwoTeamsWorldOptions, 'playbooks' | 'socketMode'> & { env?: Record<string, string> }): Promise<InstalledWorld> {
  const world = await startTwoTeamsWorld({ provider: options.provider, signingSecret: options.signingSecret, clientId: options.clientId, playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
  try {
    const teams: Record<string, SeededTeam> = {};
    for (const teamId of [TEAM_A, TEAM_B]) teams[teamId] = seedTeam(world.slack.team(teamId), options.signingSecret);
    const app = await startInstalledInBoth(world, teams, options.env);
    return { world, teams, app, events: `${app.url}/slack/events` };
  } catch (error) {
    await world.close();
    throw error;
  }
}
