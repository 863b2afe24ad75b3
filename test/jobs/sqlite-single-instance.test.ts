// The real `firebreak start` on SQLite: a second instance on the same file refuses to start and exits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, testEnvironment } from '../support/cli.js';
import { startSeededFakeSlack, type SeededFakeSlack } from '../support/fake-slack.js';
import { instanceEnvironment, instanceStarter, leadership } from '../support/instances.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const start = instanceStarter();

describe('SQLite runs a single instance', () => {
  let database: MigratedDatabase;
  let fake: SeededFakeSlack;
  beforeAll(async () => {
    database = await openMigratedDatabase('sqlite');
    fake = await startSeededFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
    await database.dispose();
  });

  it('two instances started at the same second: one runs, the other refuses and exits', async () => {
    const env = instanceEnvironment(database, fake);
    const outcomes = await Promise.allSettled([start(env), start(env)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!;
    expect(String(refused.reason)).toMatch(/exited with 1 before listening[\s\S]*SQLite mode runs a single instance/);
  });

  it('a second instance on the same file refuses to start, saying why; a restart after SIGKILL is not refused', async () => {
    const first = await start(instanceEnvironment(database, fake));
    expect(await leadership(first)).toMatchObject({ mode: 'single-instance', leader: true });
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toMatch(/^firebreak_leader 1$/m);
    expect(metrics).toMatch(/^firebreak_outbox_depth \d+$/m);
    expect(metrics).toMatch(/^firebreak_outbox_oldest_pending_age_seconds \d+$/m);
    const second = await runCli(['start'], { env: instanceEnvironment(database, fake) });
    expect(second.code).not.toBe(0);
    expect(second.stdout + second.stderr).toContain(`Another Firebreak instance (process ${first.child.pid} on`);
    expect(second.stdout + second.stderr).toContain('SQLite mode runs a single instance');
    // Without Slack credentials (the sandbox) too.
    const sandboxed = await runCli(['start'], { env: testEnvironment({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url }) });
    expect(sandboxed.code).not.toBe(0);
    expect(sandboxed.stdout + sandboxed.stderr).toContain('SQLite mode runs a single instance');
    await first.stop('SIGKILL');
    const restarted = await start(instanceEnvironment(database, fake));
    expect(await leadership(restarted)).toMatchObject({ mode: 'single-instance', leader: true });
  });
});
