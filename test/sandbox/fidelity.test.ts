/**
 * The sandbox behaves as Slack does where Firebreak depends on it: slash command text escaped as with
 * the manifest's `should_escape: true`, and message links that open the message in the sandbox page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { escapeCommandText } from '../../src/sandbox/slack-api/command-escape.js';
import { createSlackWorkspace } from '../../src/sandbox/slack-api/index.js';
import { seedWorkspace } from '../../src/sandbox/personas.js';

const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('slash command escaping (should_escape: true)', () => {
  const workspace = createSlackWorkspace();
  seedWorkspace(workspace);

  it('turns #channel, @user, @group and @here into Slack entities, and escapes &, <, >', () => {
    expect(escapeCommandText(workspace, 'U0STAFFSAM', 'declare #general sev2 drill Rumour & <b>leak</b>, ask @lucia and @community-leads @here')).toBe(
      'declare <#C0GENERAL1|general> sev2 drill Rumour &amp; &lt;b&gt;leak&lt;/b&gt;, ask <@U0COMMLEAD1|lucia> and <!subteam^S0GROUP008|@community-leads> <!here>',
    );
  });

  it('leaves unknown names, e-mail addresses, trailing punctuation and private channels of others as typed', () => {
    expect(escapeCommandText(workspace, 'U0STAFFSAM', 'watch #nowhere, mail a@b.es about #support.')).toBe('watch #nowhere, mail a@b.es about <#C0SUPPORT1|support>.');
    expect(escapeCommandText(workspace, 'U0MEMBANA1', 'declare #firebreak-alerts')).toBe('declare #firebreak-alerts');
    expect(escapeCommandText(workspace, 'U0STAFFSAM', 'declare #firebreak-alerts')).toBe('declare <#C0ALERTS01|firebreak-alerts>');
  });
});

describe('sandbox fidelity over HTTP', () => {
  let firebreak: RunningFirebreak;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'firebreak-sandbox-fidelity-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent' });
    firebreak = await startFirebreak(config, createLogger('silent'));
    // Slack (here the sandbox) is reached in the background: wait until the app says it is connected.
    for (const started = Date.now(); Date.now() - started < 20_000; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const health = (await (await fetch(`${firebreak.url}/healthz`)).json()) as { slack?: { ok?: boolean } };
      if (health.slack?.ok) break;
    }
  });
  afterAll(async () => {
    await firebreak?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('`/firebreak declare #general …` typed in the composer opens an incident on #general', async () => {
    const response = await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0STAFFSAM', channel: 'C0ALERTS01', text: '/firebreak declare #general sev2 Rumour about a data leak' });
    expect(response.status).toBe(200);
    await expect.poll(async () => (await firebreak.database.prisma.incident.findFirst({ where: { channelId: 'C0GENERAL1' } }))?.channelId ?? null, { timeout: 20_000 }).toBe('C0GENERAL1');
    const state = (await (await fetch(`${firebreak.url}/sandbox/state?as=U0STAFFSAM`)).json()) as { ephemeral: { text: string }[] };
    expect(state.ephemeral.map((message) => message.text).join('\n')).not.toMatch(/Name the channel/);
  });

  it('message links (chat.getPermalink) open the message in the sandbox page, not on a made-up slack.com host', async () => {
    const sandbox = firebreak.sandbox!;
    const posted = (await (await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0MEMBANA1', channel: 'C0SUPPORT1', text: 'checkout broken' })).json()) as { ts: string };
    const answer = (await (
      await fetch(`${firebreak.url}/sandbox/api/chat.getPermalink?channel=C0SUPPORT1&message_ts=${posted.ts}`, { headers: { authorization: `Bearer ${sandbox.botToken}` } })
    ).json()) as { ok: boolean; permalink: string };
    expect(answer.ok).toBe(true);
    expect(answer.permalink).not.toMatch(/slack\.com/);
    const url = new URL(answer.permalink);
    expect(`${url.protocol}//${url.host}`).toBe(firebreak.url);
    expect(url.pathname).toBe('/sandbox');
    expect(Object.fromEntries(url.searchParams)).toEqual({ channel: 'C0SUPPORT1', message: posted.ts });
    // The page the link opens is the sandbox.
    expect((await fetch(answer.permalink)).headers.get('content-type')).toMatch(/^text\/html/);
  });
});
