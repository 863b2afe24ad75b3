import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/clock.js';
import { createSlackApi, createSlackWorkspace } from '../../../src/sandbox/slack-api/index.js';
import { webClientFor } from '../../support/fake-slack.js';

describe('mounting the Web API on an existing server', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('serves /api/ and leaves every other path to the host server', async () => {
    const workspace = createSlackWorkspace();
    const api = createSlackApi(workspace, systemClock);
    const server = createServer((req, res) => {
      void api.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(200, { 'content-type': 'text/plain' }).end('sandbox page');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;

    expect(await (await fetch(`${origin}/sandbox`)).text()).toBe('sandbox page');
    const client = webClientFor({ apiUrl: `${origin}/api/`, botToken: workspace.bot.token });
    expect((await client.auth.test()).user_id).toBe(workspace.bot.user_id);
  });

  it('refuses a base path that is not a folder', () => {
    expect(() => createSlackApi(createSlackWorkspace(), systemClock, { basePath: '/api' })).toThrow(/start and end with "\/"/);
  });
});
