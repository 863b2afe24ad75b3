// The public install page stores a state per opening, and each state allows one code exchange with
// Slack: openings are bounded, so whoever opens it in a loop can neither fill the database nor make
// Firebreak call oauth.v2.access without end. The real routes, over HTTP, on both databases.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { oauthInstallRoutes } from '../../src/slack/oauth-install.js';
import { oauthStatesOn } from '../../src/store/repositories/installations.js';
import { availableProviders } from '../support/databases.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

const TTL_MS = 10 * 60_000;

describe.each(availableProviders)('the public install page under a flood of openings (%s)', (provider) => {
  let database: MigratedDatabase;
  let server: Server;
  let url: string;
  const clock = new ManualClock(Date.UTC(2026, 11, 4, 12, 0, 0));

  beforeAll(async () => {
    database = await openMigratedDatabase(provider);
    const routes = oauthInstallRoutes({
      clientId: '1111.2222',
      clientSecret: 'client-secret-for-the-bound-test',
      stateSecret: 'state-secret-for-the-bound-test-0123456789',
      stateTtlMs: TTL_MS,
      scopes: ['chat:write'],
      states: oauthStatesOn(database.prisma),
      installed: async () => ({ reinstalled: false }),
      clock,
      logger: createLogger('silent'),
      locale: 'en',
    });
    server = createServer((request, response) => void routes.install(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/install`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await database?.dispose();
  });

  it('past 200 usable links it answers 503, saying to try again later, and stores nothing; once they expire it opens again', async () => {
    for (let opening = 0; opening < 200; opening += 1) expect((await fetch(url)).status).toBe(200);
    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('Too many installs have been started in the last few minutes');
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await database.prisma.oAuthState.count()).toBe(200);

    clock.advance(TTL_MS + 1);
    const again = await fetch(url);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Add to Slack');
    // The expired ones went with that opening.
    expect(await database.prisma.oAuthState.count()).toBe(1);
  }, 60_000);
});
