// `firebreak start` when Slack cannot be reached: it listens anyway, says why on /healthz and in the
// metrics, keeps retrying in the background, and stops cleanly on SIGTERM.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFirebreakProcess, testEnvironment, type RunningProcess } from '../support/cli.js';

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each([
  ['HTTP', {}],
  ['Socket Mode', { SLACK_APP_TOKEN: 'xapp-1-A0TEST-0000-abcdef' }],
] as const)('firebreak start in %s mode with Slack unreachable', (mode, extra) => {
  let running: RunningProcess | undefined;
  let folder: string | undefined;
  afterEach(async () => {
    await running?.stop('SIGKILL');
    if (folder) rmSync(folder, { recursive: true, force: true });
    running = undefined;
  });

  it('listens at once, reports the cause on /healthz and /metrics, and exits 0 on SIGTERM', async () => {
    folder = mkdtempSync(join(tmpdir(), 'firebreak-no-slack-'));
    const port = await closedPort();
    running = await startFirebreakProcess(
      testEnvironment({
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${join(folder, 'firebreak.db')}`,
        SLACK_BOT_TOKEN: 'xoxb-1-unreachable',
        SLACK_SIGNING_SECRET: 'a-signing-secret-for-the-test',
        SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
        ...extra,
      }),
      // Start-up itself (migrations, module loading) is slow on a loaded machine; Slack is not awaited.
      { timeoutMs: 60_000 },
    );
    const health = await (async () => {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const answer = (await (await fetch(`${running!.url}/healthz`)).json()) as { status: string; slack: { state: string; ok: boolean; error?: string; mode: string } };
        if (answer.slack.state === 'disconnected') return answer;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('the Slack link was never reported down');
    })();
    expect(health).toMatchObject({ status: 'degraded', slack: { ok: false, mode: mode === 'HTTP' ? 'http' : 'socket' } });
    expect(health.slack.error).toMatch(/Slack is unreachable \(ECONNREFUSED\): check the network and SLACK_API_URL/);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/firebreak_slack_link_up\{mode="(http|socket)"\} 0/);
    expect(metrics).toMatch(/firebreak_slack_link_failures_total\{mode="(http|socket)",cause="unreachable"\} [1-9]/);
    expect(running.logs()).toMatch(/Slack link is down: Slack is unreachable/);
    const started = Date.now();
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 100_000);
});
