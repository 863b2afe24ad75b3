import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { availableProviders, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runCli, startFirebreakProcess, testEnvironment, type RunningProcess } from '../support/cli.js';

describe.each(availableProviders)('firebreak start on %s', (provider) => {
  let database: TestDatabase | undefined;
  let running: RunningProcess | undefined;
  afterEach(async () => {
    await running?.stop('SIGKILL');
    await database?.drop();
    running = undefined;
    database = undefined;
  });

  it('migrates, serves /healthz with the database status, and exits cleanly on SIGTERM', async () => {
    database = await createTestDatabase(provider);
    running = await startFirebreakProcess(testEnvironment({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url }));
    expect(running.logs()).toMatch(/applied \d+ migration/);
    expect(running.logs()).toMatch(/Slack is not configured/);
    const response = await fetch(`${running.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: { ok: true, provider }, slack: { configured: false } });
    expect(await running.stop('SIGTERM')).toBe(0);
  });
});

describe('SQLite is single-instance, also on a brand-new file', () => {
  it('two instances started together on a new file: one serves, the other exits saying why', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'firebreak-twin-'));
    const env = testEnvironment({ DATABASE_URL: `file:${join(folder, 'firebreak.db')}`, PORT: '0', HOST: '127.0.0.1' });
    const outcomes = await Promise.allSettled([startFirebreakProcess(env, { timeoutMs: 40_000 }), startFirebreakProcess(env, { timeoutMs: 40_000 })]);
    try {
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!;
      expect(String(refused.reason)).toMatch(/exited with 1 before listening[\s\S]*(single instance)/);
    } finally {
      for (const outcome of outcomes) if (outcome.status === 'fulfilled') await outcome.value.stop('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('firebreak start refuses bad input with one clear sentence', () => {
  it('an invalid DATABASE_URL', async () => {
    const result = await runCli(['start'], { env: testEnvironment({ DATABASE_URL: 'mysql://localhost/x' }) });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'firebreak: Invalid configuration: DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL).',
    );
  });

  it('an unreachable PostgreSQL, naming host, port and variable', async () => {
    const result = await runCli(['start'], { env: testEnvironment({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/firebreak', PORT: '0' }) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^firebreak: PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL postgres:\/\/postgres@127\.0\.0\.1:1\/firebreak\) is unreachable: .+\.$/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a read-only data directory', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'firebreak-readonly-'));
    chmodSync(folder, 0o555);
    // root ignores permissions, so the child runs as an unprivileged user when the tests run as root.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    try {
      const result = await runCli(['start'], {
        env: testEnvironment({ DATABASE_URL: `file:${folder}/firebreak.db`, PORT: '0', HOME: folder, TMPDIR: tmpdir() }),
        ...asNobody,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim()).toBe(`firebreak: The SQLite database ${folder} (DATABASE_URL) is not writable.`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
