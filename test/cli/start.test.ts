import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { availableProviders, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { FIREBREAK_BIN, runCli, startFirebreakProcess, testEnvironment, type RunningProcess } from '../support/cli.js';

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
  }, 60_000);

  it('HOST=0.0.0.0: the start-up line names the address it is bound to, every interface, not 127.0.0.1', async () => {
    database = await createTestDatabase(provider);
    running = await startFirebreakProcess(testEnvironment({ PORT: '0', HOST: '0.0.0.0', DATABASE_URL: database.url }));
    const port = new URL(running.url).port;
    expect(running.logs()).toContain(`Firebreak is listening on http://0.0.0.0:${port} (every interface; http://127.0.0.1:${port} from this machine)`);
    expect(running.logs()).not.toContain(`listening on http://127.0.0.1`);
    expect(await running.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it.skipIf(!ipv6Loopback)('HOST=:: (IPv6, every interface): the line names [::] and the URL this machine reaches it at works', async () => {
    database = await createTestDatabase(provider);
    running = await startFirebreakProcess(testEnvironment({ PORT: '0', HOST: '::', DATABASE_URL: database.url }));
    const port = new URL(running.url).port;
    expect(running.logs()).toContain(`Firebreak is listening on http://[::]:${port} (every interface; http://[::1]:${port} from this machine)`);
    expect((await fetch(`http://[::1]:${port}/healthz`)).status).toBe(200);
    expect(await running.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('a connection that never sends a request does not hold up SIGTERM (Node would wait over a minute for its headers)', async () => {
    database = await createTestDatabase(provider);
    running = await startFirebreakProcess(testEnvironment({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url }));
    const { hostname, port } = new URL(running.url);
    const silent = createConnection({ host: hostname, port: Number(port) });
    await once(silent, 'connect');
    // The server drops it on shutdown: a reset (or a plain close) is the expected end, not an error of the test.
    const droppedBy = new Promise<string>((resolve) => {
      silent.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      silent.once('close', () => resolve('closed'));
    });
    try {
      const signalled = Date.now();
      expect(await running.stop('SIGTERM')).toBe(0);
      // Far below the server's 66 s headers timeout, which is what it waited for before.
      expect(Date.now() - signalled).toBeLessThan(20_000);
      expect(['ECONNRESET', 'closed']).toContain(await droppedBy);
    } finally {
      silent.destroy();
    }
  }, 60_000);
});

/** Whether this machine has an IPv6 loopback (a container may not). */
const ipv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

describe('a stop asked for while the sandbox starts', () => {
  // The stop is honoured as soon as start-up ends, while the Slack link's first auth.test (to the sandbox's
  // own Web API) is still in flight: the shutdown must end, with 0, instead of Node giving up on it (13).
  it('SIGTERM right after the playbooks load: it still listens, then exits with 0', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'firebreak-early-stop-'));
    try {
      const child = spawn(process.execPath, [FIREBREAK_BIN, 'start'], {
        env: testEnvironment({ DATABASE_URL: `file:${join(folder, 'firebreak.db')}`, PORT: '0', HOST: '127.0.0.1' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/loaded \d+ playbook\(s\)/.test(output) && !child.killed) child.kill('SIGTERM');
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(killer);
      expect(output).toMatch(/Firebreak is listening/);
      expect(output).toMatch(/shutting down/);
      expect({ code, output }).toMatchObject({ code: 0 });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a sandbox start', () => {
  // The app's first calls go to the sandbox's early server in the background; Firebreak's server takes
  // over its listening socket, so none of them meets a closed port (Node 22+ hit that instant often).
  it('logs no warning: the app’s first Slack calls, answered before the server is up, are not cut at the hand-over', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'firebreak-sandbox-start-'));
    const running = await startFirebreakProcess(testEnvironment({ DATABASE_URL: `file:${join(folder, 'firebreak.db')}`, PORT: '0', HOST: '127.0.0.1' }));
    try {
      await expect.poll(() => running.logs(), { timeout: 20_000 }).toMatch(/Slack token is up/);
      // Its first channel look-ups come right after; give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const warnings = running.logs().split('\n').filter((line) => /"level":(40|50|60)/.test(line));
      expect(warnings).toEqual([]);
      expect(await running.stop('SIGTERM')).toBe(0);
    } finally {
      await running.stop('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it('a playbook naming an approver the workspace does not have: the start-up check says which, at its line; a broken file is logged once, with its column', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'firebreak-sandbox-approver-'));
    const playbooks = join(folder, 'playbooks');
    cpSync(join(import.meta.dirname, '..', '..', 'playbooks'), playbooks, { recursive: true });
    const outage = readFileSync(join(playbooks, 'service-outage.yaml'), 'utf8');
    const approvers = /^ {2}approvers: \[(.*)\]$/m.exec(outage);
    expect(approvers).not.toBeNull();
    writeFileSync(join(playbooks, 'service-outage.yaml'), outage.replace(approvers![0], `  approvers: [${approvers![1]}, U0NOBODY01]`));
    const line = outage.split('\n').findIndex((text) => text === approvers![0]) + 1;
    // And a broken copy: its problem is logged once, with its column and key path.
    writeFileSync(join(playbooks, 'broken.yaml'), outage.replace('id: service-outage', 'id: broken').replace(/dueAfterMinutes: \d+/, 'dueAfterMinutes: 1h30'));
    const running = await startFirebreakProcess(testEnvironment({ DATABASE_URL: `file:${join(folder, 'firebreak.db')}`, PORT: '0', HOST: '127.0.0.1', PLAYBOOKS_DIR: playbooks }));
    try {
      await expect.poll(() => running.logs(), { timeout: 20_000 }).toMatch(/user `U0NOBODY01` does not exist in the workspace or is deactivated/);
      const warning = running.logs().split('\n').find((text) => text.includes('U0NOBODY01'));
      expect(JSON.parse(warning!)).toMatchObject({ file: join(playbooks, 'service-outage.yaml'), line, path: expect.stringMatching(/^roles\.approvers\[\d+\]$/) });
      const broken = running.logs().split('\n').filter((text) => text.includes('1h30'));
      expect(broken).toHaveLength(1);
      expect(JSON.parse(broken[0]!)).toMatchObject({ file: join(playbooks, 'broken.yaml'), column: expect.any(Number), path: expect.stringMatching(/dueAfterMinutes$/), msg: expect.stringContaining('(write 90)') });
    } finally {
      await running.stop('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
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

  it('a LOCALE Firebreak does not speak: named, with the values it accepts', async () => {
    const result = await runCli(['start'], { env: testEnvironment({ LOCALE: 'fr' }) });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('firebreak: Invalid configuration: LOCALE must be en (English) or es (Spanish).');
  });

  it('a playbooks folder that does not exist (started from another folder), before anything else starts', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'firebreak-no-playbooks-'));
    try {
      const result = await runCli(['start'], { cwd: folder, env: testEnvironment({ DATABASE_URL: `file:${join(folder, 'firebreak.db')}`, PORT: '0', HOST: '127.0.0.1' }) });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `firebreak: PLAYBOOKS_DIR ./playbooks is not a folder (${join(folder, 'playbooks')}): set PLAYBOOKS_DIR to the folder holding your playbooks, or start Firebreak from its project folder (it ships playbooks/).`,
      );
      // Refused before the database was touched.
      expect(existsSync(join(folder, 'firebreak.db'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
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
