// What clients of Firebreak's HTTP server rely on at the connection level: idle keep-alive sockets
// outlive the proxies' own idle timeouts (so the client closes first, never racing the server), and a
// body too large is answered 413 on a connection that stays usable, not reset mid-upload.
import type { AddressInfo } from 'node:net';
import { request as httpRequest, Agent } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, KEEP_ALIVE_TIMEOUT_MS } from '../../src/http/server.js';
import { slackRequestGate } from '../../src/slack/request-gate.js';

describe('HTTP server connections', () => {
  const server = createHttpServer(
    [
      {
        method: 'POST',
        path: '/slack/*',
        handler: slackRequestGate({ signingSecret: 'secret', endpoints: ['/slack/events'], logger: pino({ level: 'silent' }), locale: 'en', next: (_request, response) => response.writeHead(200).end() }).handle,
      },
    ],
    pino({ level: 'silent' }),
  );
  let port = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: Buffer) =>
    new Promise<{ status: number; keepAlive: string | string[] | undefined; socket: unknown }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, keepAlive: response.headers['keep-alive'], socket: request.socket }));
      });
      request.on('error', reject);
      request.end(body);
    });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps idle connections open longer than the usual 60 s proxy idle timeout, and says so', async () => {
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    const { keepAlive } = await post(Buffer.from('{}'));
    expect(keepAlive).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
  });

  it('answers a body larger than Slack sends with 413, and the connection serves the next request', async () => {
    const tooLarge = await post(Buffer.alloc(5 * 1024 * 1024, 'x'));
    expect(tooLarge.status).toBe(413);
    const next = await post(Buffer.from('{}'));
    // Unsigned: refused by the gate, on the same socket the 413 came back on.
    expect(next.status).toBe(401);
    expect(next.socket).toBe(tooLarge.socket);
  });
});
