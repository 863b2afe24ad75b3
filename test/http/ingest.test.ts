// POST /ingest over the Watcher and in-memory ports: what other sources may send, how it is checked
// and normalised, and what reaches the watcher.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestRoute, toSlackTs } from '../../src/http/ingest.js';
import { ingestKeyCandidates } from '../../src/domain/ingest/ingest-key.js';
import { createHttpServer } from '../../src/http/server.js';
import { watcherFixture, type WatcherFixture } from '../support/watcher-fixture.js';

const TOKEN = 'ingest-token-0123456789';

describe('POST /ingest', () => {
  let fixture: WatcherFixture;
  let ingestWorkspace: string;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createHttpServer(
      [ingestRoute({ token: TOKEN, workspaceId: () => fixture.store.direct.workspaces.ensureNamed('ingest', 'Other sources'), ingest: (message) => fixture.watcher.ingest(message), edit: (message) => fixture.watcher.edit(message), storedAt: (workspaceId, channelId, ts) => fixture.watcher.storedMessage(workspaceId, channelId, ts) })],
      pino({ level: 'silent' }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(async () => {
    fixture = watcherFixture();
    ingestWorkspace = await fixture.store.direct.workspaces.ensureNamed('ingest', 'Other sources');
    fixture.store.watch({ workspaceId: ingestWorkspace, channelId: 'forum:general', name: 'general' });
  });

  const post = (body: unknown, token = TOKEN) =>
    fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('refuses a wrong token, and stores nothing', async () => {
    const response = await post({ source: 'forum', channel: 'general', user: 'ana', text: 'terrible', ts: 1_763_000_000 }, 'wrong-token-0123456789');
    expect(response.status).toBe(401);
    expect(fixture.store.messages()).toEqual([]);
  });

  it('scores messages of a watched source channel under `source:channel` and `source:user`, with their link', async () => {
    const response = await post([
      { source: 'forum', channel: 'general', user: 'ana', text: 'The checkout is broken, terrible', ts: '2026-11-02T09:00:05Z', url: 'https://forum.example/t/1' },
      { source: 'forum', channel: 'elsewhere', user: 'bo', text: 'hello', ts: 1_793_610_000 },
    ]);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2, scored: 1, edited: 0, duplicates: 0, notWatched: 1, quarantined: 0 });
    const [stored] = fixture.store.messages();
    // Given to the second: the fraction comes from the author, so two authors in one second are two messages.
    expect(stored).toMatchObject({ userId: 'forum:ana', ts: ingestKeyCandidates('1793610005.000000', { source: 'forum', user: 'ana', text: 'The checkout is broken, terrible' })[0], permalink: 'https://forum.example/t/1', label: 'negative' });
    expect(stored?.ts).toMatch(/^1793610005\.\d{6}$/);
    expect(fixture.store.channel(ingestWorkspace, 'forum:general')).toBeDefined();
  });

  it('refuses a whole batch with one bad item, saying which item and field, so a retry never duplicates', async () => {
    const response = await post([
      { source: 'forum', channel: 'general', user: 'ana', text: 'fine', ts: 1_793_610_000 },
      { source: 'forum', channel: 'gen eral', user: 'bo', text: 'x', ts: 1_793_610_001 },
      { source: 'forum', channel: 'general', user: 'cy', text: 'y', ts: 'not a time' },
    ]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; problems: { index: number; field: string }[] };
    expect(body.error).toBe('invalid_messages');
    expect(body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ index: 1, field: 'channel' }), expect.objectContaining({ index: 2, field: 'ts' })]));
    expect(fixture.store.messages()).toEqual([]);
  });

  it('refuses an editedAt that is not a time, or far ahead, naming the item and the field', async () => {
    const response = await post([
      { source: 'forum', channel: 'general', user: 'ana', id: 'p-1', text: 'fine', ts: 1_793_610_000, editedAt: 1_793_610_060 },
      { source: 'forum', channel: 'general', user: 'bo', id: 'p-2', text: 'x', ts: 1_793_610_001, editedAt: 'yesterday' },
      { source: 'forum', channel: 'general', user: 'cy', id: 'p-3', text: 'y', ts: 1_793_610_002, editedAt: { at: 1 } },
      { source: 'forum', channel: 'general', user: 'di', id: 'p-4', text: 'z', ts: 1_793_610_003, editedAt: Date.now() + 3 * 3_600_000 },
    ]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: { index: number; field: string; message: string }[] };
    expect(body.problems).toEqual([
      { index: 1, field: 'editedAt', message: 'is not a time (ISO 8601 with its time zone, epoch seconds or milliseconds)' },
      { index: 2, field: 'editedAt', message: 'must be a time: ISO 8601 with its time zone, epoch seconds or milliseconds' },
      { index: 3, field: 'editedAt', message: expect.stringMatching(/^is 1\d\d minutes in the future: send when the message was edited/) },
    ]);
    expect(fixture.store.messages()).toEqual([]);
  });

  it('cleans a NUL byte in an ingested text before storing it', async () => {
    const response = await post({ source: 'forum', channel: 'general', user: 'ana', text: 'broken\u0000 again', ts: 1_793_610_000 });
    expect(await response.json()).toMatchObject({ scored: 1 });
    expect(fixture.fixes).toEqual(['nul_bytes']);
    expect(fixture.store.messages()[0]?.text).not.toContain('\u0000');
  });

  it('counts a message sent twice once', async () => {
    const item = { source: 'forum', channel: 'general', user: 'ana', text: 'awful', ts: 1_793_610_000 };
    await post(item);
    expect(await (await post(item)).json()).toMatchObject({ scored: 0, duplicates: 1 });
    expect(fixture.store.messages()).toHaveLength(1);
  });

  it('reads every accepted time as a Slack ts', () => {
    expect(toSlackTs('2026-11-02T09:00:05.250Z')).toBe('1793610005.250000');
    expect(toSlackTs(1_793_610_005)).toBe('1793610005.000000');
    expect(toSlackTs(1_793_610_005_250)).toBe('1793610005.250000');
    expect(toSlackTs('1793610005.0001')).toBe('1793610005.000100');
    expect(toSlackTs('next tuesday')).toBeNull();
    const key = (ts: string, user: string, text = 'x', id?: string) => ingestKeyCandidates(ts, { source: 'forum', user, text, ...(id ? { id } : {}) });
    expect(key('1793610005.000000', 'ana')).toEqual(key('1793610005.000000', 'ana'));
    expect(key('1793610005.000000', 'ana')[0]).not.toBe(key('1793610005.000000', 'bo')[0]);
    expect(key('1793610005.250000', 'ana')[0]).toBe('1793610005.250000');
    // The first key of an item without id is the one its author alone gave before texts counted: a resend of an item stored then stays a duplicate.
    expect(key('1793610005.000000', 'ana', 'any text')[0]).toBe('1793610005.560777');
    // With an id the key is the id's, whatever fraction the time carries.
    expect(key('1793610005.250000', 'ana', 'x', 'p1')).toEqual(key('1793610005.000000', 'ana', 'y', 'p1'));
    expect(new Set([...key('1793610005.000000', 'ana', 'x'), ...key('1793610005.000000', 'ana', 'y')]).size).toBeGreaterThan(8);
  });
});
