// Real `firebreak start` child processes against a migrated test database and the loopback Slack:
// the environment they share, starting one (killed after each test), and reading its leadership.
import { afterEach } from 'vitest';
import type { MigratedDatabase } from '../store/repositories/migrated-database.js';
import { startFirebreakProcess, testEnvironment, type RunningProcess } from './cli.js';
import type { SeededFakeSlack } from './fake-slack.js';

export function instanceEnvironment(database: MigratedDatabase, fake: SeededFakeSlack, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return testEnvironment({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: 'processes-test-signing-secret',
    SLACK_API_URL: fake.apiUrl,
    ...extra,
  });
}

/** Starts instances that are SIGKILLed after each test of the calling file. */
export function instanceStarter(): (env: NodeJS.ProcessEnv) => Promise<RunningProcess> {
  const running: RunningProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((instance) => instance.stop('SIGKILL')));
  });
  return async (env) => {
    const instance = await startFirebreakProcess(env, { timeoutMs: 30_000 });
    running.push(instance);
    return instance;
  };
}

/** What the instance's `/healthz` says of its leadership. */
export async function leadership(instance: RunningProcess): Promise<{ leader: boolean; mode: string } | null> {
  const body = (await (await fetch(`${instance.url}/healthz`)).json()) as { leadership: { leader: boolean; mode: string } | null };
  return body.leadership;
}
