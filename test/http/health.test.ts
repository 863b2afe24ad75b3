import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/store/generated/postgres/client.js';
import { healthRoute } from '../../src/http/health.js';
import { createHttpServer } from '../../src/http/server.js';

// /healthz is open to whoever reaches the port (load balancers): a database that does not answer is
// reported without the host, user or database name its driver's message carries.
describe('GET /healthz with a database that does not answer', () => {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://ops_admin:s3cret@127.0.0.1:1/customer_db' }) });
  const logged: unknown[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const ping = async () => {
      const started = performance.now();
      await prisma.$queryRawUnsafe('SELECT 1');
      return performance.now() - started;
    };
    const route = healthRoute({
      database: { provider: 'postgres', ping, onFailure: (error) => logged.push(error) },
      slack: () => ({ configured: false, mode: 'off', ok: null }),
    });
    server = createHttpServer([route], pino({ level: 'silent' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await prisma.$disconnect();
  });

  it('answers 503 naming the failure by its code only, and hands the whole error to the log', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; database: { ok: boolean; provider: string; error: string } };
    expect(body.status).toBe('degraded');
    expect(body.database).toMatchObject({ ok: false, provider: 'postgres' });
    expect(body.database.error).toMatch(/^the database does not answer \([A-Za-z0-9_]+\); Firebreak's log has the whole error$/);
    const text = JSON.stringify(body);
    for (const secret of ['127.0.0.1:1', 'customer_db', 'ops_admin', 's3cret']) expect(text).not.toContain(secret);
    expect(logged).toHaveLength(1);
    expect(String((logged[0] as Error).message)).toContain('127.0.0.1:1');
  });
});
