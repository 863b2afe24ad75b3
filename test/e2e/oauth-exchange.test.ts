// The OAuth code exchange when Slack's answer is not the happy one: Slack busy (429) or failing (5xx),
// and an answer whose team is not the team of the bot token it carries. The real Firebreak behind the
// install pages, with oauth.v2.access answered by a scripted Slack in front of the loopback one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFirebreak } from '../../src/main.js';
import { availableProviders } from '../support/databases.js';
import { followOAuthRedirect, installAsAPerson, openInstallPage, seedTeam, startFirebreakIn, startTwoTeamsWorld, TEAM_A as A, TEAM_B as B, type SeededTeam, type TwoTeamsWorld } from '../support/two-teams.js';
import { TWO_APPROVER_PLAYBOOK } from './harness.js';

const SIGNING_SECRET = 'oauth-exchange-signing-secret-0123456789';

/** Answers oauth.v2.access itself while `answer` is set; forwards every other call to the loopback Slack. */
async function scriptedSlack(upstream: string): Promise<{ url: string; answer?: (res: ServerResponse) => void; close(): Promise<void> }> {
  const slack: { url: string; answer?: (res: ServerResponse) => void; close(): Promise<void> } = { url: '', close: async () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (slack.answer && req.url?.startsWith('/api/oauth.v2.access')) return slack.answer(res);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      const forwarded = await fetch(`${upstream}${req.url}`, { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) });
      res.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await forwarded.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  slack.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  slack.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return slack;
}

describe.each(availableProviders)('OAuth code exchange, as Slack may answer it (%s)', (provider) => {
  let world: TwoTeamsWorld;
  let app: RunningFirebreak;
  let slack: Awaited<ReturnType<typeof scriptedSlack>>;
  const teams: Record<string, SeededTeam> = {};
  const prisma = () => app.database.prisma;

  beforeAll(async () => {
    world = await startTwoTeamsWorld({ provider, signingSecret: SIGNING_SECRET, clientId: '1111.3333', playbooks: { 'e2e-support.yaml': TWO_APPROVER_PLAYBOOK } });
    for (const teamId of [A, B]) teams[teamId] = seedTeam(world.slack.team(teamId), SIGNING_SECRET);
    slack = await scriptedSlack(world.slack.origin);
    app = await startFirebreakIn(world, { SLACK_API_URL: slack.url });
  }, 120_000);
  afterAll(async () => {
    await slack?.close();
    await world?.close(app);
  });

  /** An admin of team A goes through the install while Slack answers the exchange with `answer`. */
  async function installWhileSlackAnswers(answer: (res: ServerResponse) => void) {
    slack.answer = answer;
    try {
      const page = await openInstallPage(app.url);
      const code = world.slack.approve({ teamId: A, userId: teams[A]!.people.ann, scopes: page.scopes });
      const started = Date.now();
      const outcome = await followOAuthRedirect(app.url, `code=${encodeURIComponent(code)}&state=${encodeURIComponent(page.state)}`, page.cookie);
      return { ...outcome, ms: Date.now() - started };
    } finally {
      delete slack.answer;
    }
  }

  it('Slack busy (429, Retry-After 30 s) or failing (500): the page says so at once and to try again, not to check the app’s credentials', async () => {
    const busy = await installWhileSlackAnswers((res) => res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' }).end('{"ok":false,"error":"ratelimited"}'));
    expect(busy.ms).toBeLessThan(5_000);
    expect(busy.status).toBe(503);
    expect(busy.html).toContain('Slack did not answer the install this time');
    expect(busy.html).not.toContain('SLACK_CLIENT_ID');
    const failing = await installWhileSlackAnswers((res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream error'));
    expect(failing.status).toBe(503);
    expect(failing.html).toContain('Slack did not answer the install this time');
    expect(failing.html).not.toContain('SLACK_CLIENT_ID');
    expect(await prisma().workspace.findUnique({ where: { teamId: A } })).toBeNull();
    expect(await prisma().auditLog.count({ where: { action: 'workspace.install', outcome: 'refused:exchange' } })).toBe(2);
    // A wrong client secret is still told as one.
    const wrong = await installWhileSlackAnswers((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"bad_client_secret"}'));
    expect(wrong.status).toBe(502);
    expect(wrong.html).toContain('SLACK_CLIENT_SECRET');
    // Once Slack answers again, the install goes through.
    expect((await installAsAPerson(app.url, world.slack, A, teams[A]!.people.ann)).status).toBe(200);
  }, 60_000);

  it('an answer naming another team than its bot token’s is refused: the token is never stored under that team', async () => {
    // Slack's answer says team B, but the token it carries is team A's (auth.test says so).
    const tokenOfA = world.slack.team(A).workspace.issueBotToken();
    const bravo = world.slack.team(B).workspace;
    const mixed = await installWhileSlackAnswers((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ ok: true, app_id: bravo.bot.app_id, authed_user: { id: teams[B]!.people.ann }, scope: 'chat:write', token_type: 'bot', access_token: tokenOfA, bot_user_id: bravo.bot.user_id, team: { id: B, name: 'Bravo' }, enterprise: null, is_enterprise_install: false }),
      ),
    );
    expect(mixed.status).toBe(502);
    expect(mixed.html).toContain('team_mismatch');
    expect(await prisma().workspace.findUnique({ where: { teamId: B } })).toBeNull();
    const refusals = await prisma().auditLog.findMany({ where: { action: 'workspace.install', outcome: 'refused:exchange' } });
    expect(refusals.filter((entry) => (entry.data as { detail?: string }).detail === 'team_mismatch')).toHaveLength(1);
  }, 60_000);

  it('an answer naming no workspace and no organisation is refused as such, not as an org-wide install', async () => {
    const acme = world.slack.team(A).workspace;
    const token = acme.issueBotToken();
    const nameless = await installWhileSlackAnswers((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ ok: true, app_id: acme.bot.app_id, authed_user: { id: teams[A]!.people.ann }, scope: 'chat:write', token_type: 'bot', access_token: token, bot_user_id: acme.bot.user_id, team: null, enterprise: null, is_enterprise_install: false }),
      ),
    );
    expect(nameless.status).toBe(502);
    expect(nameless.html).toContain('no_team');
    expect(nameless.html).not.toContain('org_wide_install_not_supported');
  }, 60_000);

  it('a flood of forged redirects to the public /slack/oauth_redirect is refused every time, but cannot fill the audit log', async () => {
    const before = await prisma().auditLog.count();
    for (let index = 0; index < 80; index += 1) {
      const forged = `forged-${index}.not-signed-here`;
      expect((await followOAuthRedirect(app.url, `code=x&state=${forged}`, `slack-app-oauth-state=${forged}`)).status).toBe(400);
    }
    const audited = (await prisma().auditLog.count()) - before;
    expect(audited).toBeGreaterThan(0);
    // At most 20 a minute are audited (40 when the flood straddles a minute); all 80 were before.
    expect(audited).toBeLessThanOrEqual(40);
  }, 60_000);
});
