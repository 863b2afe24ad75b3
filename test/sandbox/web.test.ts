/**
 * The sandbox over HTTP, as the page and `firebreak drill` use it: Firebreak started without Slack
 * credentials serves the page, the loopback Web API its own app talks to, commands and posts by
 * personas, drills, and refuses bad input and requests from other machines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';

/** This machine's first non-loopback IPv4 address, to make a request that is not from loopback. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

async function start(extra: Record<string, string> = {}): Promise<{ firebreak: RunningFirebreak; directory: string }> {
  const directory = mkdtempSync(join(tmpdir(), 'firebreak-sandbox-web-'));
  const config = loadConfig({ PORT: '0', HOST: '0.0.0.0', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent', ...extra });
  return { firebreak: await startFirebreak(config, createLogger('silent')), directory };
}

const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// SANDBOX_SOCKET_MODE=true: the same page and drills reach the app as Socket Mode envelopes.
describe.each([
  ['HTTP', {}],
  ['Socket Mode', { SANDBOX_SOCKET_MODE: 'true' }],
] as const)('sandbox over %s', (transport, extra) => {
  let firebreak: RunningFirebreak;
  let directory: string;
  beforeAll(async () => {
    ({ firebreak, directory } = await start(extra));
  });
  afterAll(async () => {
    await firebreak?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('runs the app against the local workspace; health says Slack is not configured, mode sandbox', async () => {
    await expect
      .poll(async () => (await (await fetch(`${firebreak.url}/healthz`)).json()) as unknown, { timeout: 15_000 })
      .toMatchObject({ slack: { configured: false, mode: 'sandbox', ok: true, team: 'Firebreak Sandbox', state: 'connected', ...(transport === 'Socket Mode' ? { connections: 1 } : {}) } });
    expect(firebreak.slack?.mode).toBe(transport === 'Socket Mode' ? 'socket' : 'http');
    const page = await fetch(`${firebreak.url}/sandbox`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Firebreak sandbox</title>');
    expect((await fetch(`${firebreak.url}/sandbox/sandbox.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    // No 404 (a console error) for the browser's icon: the page has an inline one, and /favicon.ico answers 204.
    expect((await fetch(`${firebreak.url}/favicon.ico`)).status).toBe(204);
  });

  it('serves the Web API under /sandbox/api/ to the bot token it generated, as Slack answers', async () => {
    const sandbox = firebreak.sandbox;
    if (!sandbox) throw new Error('no sandbox');
    expect(await (await fetch(`${firebreak.url}/sandbox/api/auth.test`, { method: 'POST' })).json()).toEqual({ ok: false, error: 'not_authed' });
    const answer = await fetch(`${firebreak.url}/sandbox/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${sandbox.botToken}` } });
    expect(await answer.json()).toMatchObject({ ok: true, team: 'Firebreak Sandbox', user_id: sandbox.workspace.bot.user_id });
    expect(sandbox.botToken).not.toBe('xoxb-firebreak-sandbox-token');
  });

  it('a persona runs /firebreak help: the signed command reaches the app and its answer is ephemeral', async () => {
    const response = await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0STAFFSAM', channel: 'C0SUPPORT1', text: '/firebreak help' });
    expect(response.status).toBe(200);
    await expect
      .poll(async () => {
        const state = (await (await fetch(`${firebreak.url}/sandbox/state?as=U0STAFFSAM`)).json()) as { ephemeral: { channel: string; text: string }[] };
        return state.ephemeral.map((message) => message.channel);
      }, { timeout: 15_000 })
      .toContain('C0SUPPORT1');
    const other = (await (await fetch(`${firebreak.url}/sandbox/state?as=U0MEMBANA1`)).json()) as { ephemeral: unknown[] };
    expect(other.ephemeral).toEqual([]);
  });

  it('a member posts in #support and the message is in the workspace the app reads', async () => {
    const response = await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0MEMBANA1', channel: 'C0SUPPORT1', text: 'hello from the sandbox' });
    const { ts } = (await response.json()) as { ts: string };
    expect(firebreak.sandbox?.workspace.findMessage('C0SUPPORT1', ts)).toMatchObject({ user: 'U0MEMBANA1', text: 'hello from the sandbox' });
  });

  it('the message shortcut reaches the app, which opens its modal for the persona who ran it', async () => {
    const posted = (await (await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0MEMBBEN1', channel: 'C0GENERAL1', text: 'worth keeping' })).json()) as { ts: string };
    const response = await postJson(`${firebreak.url}/sandbox/do/shortcut`, { as: 'U0STAFFSAM', channel: 'C0GENERAL1', message_ts: posted.ts, callback_id: 'add_to_timeline' });
    expect(response.status).toBe(200);
    await expect
      .poll(async () => ((await (await fetch(`${firebreak.url}/sandbox/state?as=U0STAFFSAM`)).json()) as { modal: { callback_id: string } | null }).modal?.callback_id, { timeout: 15_000 })
      .toBe('add_to_timeline_modal');
    const unknown = await postJson(`${firebreak.url}/sandbox/do/shortcut`, { as: 'U0STAFFSAM', channel: 'C0GENERAL1', message_ts: posted.ts, callback_id: 'nope' });
    expect(unknown.status).toBe(400);
  });

  it('offers every message shortcut of the manifest; a reason longer than its input allows is refused under it, as Slack refuses it, and nothing is recorded', async () => {
    type State = { shortcuts: { callbackId: string }[]; modal: { id: string; callback_id: string; errors: Record<string, string> } | null };
    const state = async () => (await (await fetch(`${firebreak.url}/sandbox/state?as=U0STAFFSAM`)).json()) as State;
    await expect.poll(async () => (await (await fetch(`${firebreak.url}/healthz`)).json()) as unknown, { timeout: 15_000 }).toMatchObject({ slack: { state: 'connected' } });
    expect((await state()).shortcuts.map((shortcut) => shortcut.callbackId)).toEqual(['add_to_timeline', 'mark_sentiment']);

    const posted = (await (await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0MEMBBEN1', channel: 'C0GENERAL1', text: 'this new layout is sick' })).json()) as { ts: string };
    expect((await postJson(`${firebreak.url}/sandbox/do/shortcut`, { as: 'U0STAFFSAM', channel: 'C0GENERAL1', message_ts: posted.ts, callback_id: 'mark_sentiment' })).status).toBe(200);
    await expect.poll(async () => (await state()).modal?.callback_id, { timeout: 15_000 }).toBe('mark_sentiment_modal');
    const viewId = (await state()).modal?.id;
    const submit = (reason: string) =>
      postJson(`${firebreak.url}/sandbox/do/submit`, {
        as: 'U0STAFFSAM',
        view_id: viewId,
        values: {
          sentiment_verdict: { sentiment_verdict: { type: 'radio_buttons', selected_option: { value: 'not_negative' } } },
          reason: { reason: { type: 'plain_text_input', value: reason } },
        },
      });

    // The modal caps the reason at 500 characters: Slack's client refuses 501 before the app hears of it.
    const refused = (await (await submit('x'.repeat(501))).json()) as { errors?: Record<string, string> };
    expect(refused.errors).toEqual({ reason: 'This is 501 characters long; please enter at most 500.' });
    expect((await state()).modal).toMatchObject({ id: viewId, errors: { reason: expect.stringContaining('500') } });
    expect(await firebreak.database.prisma.feedback.count()).toBe(0);

    await submit('x'.repeat(500));
    // Closed (the add-to-timeline modal the test above opened is back on top).
    await expect.poll(async () => (await state()).modal?.callback_id, { timeout: 15_000 }).not.toBe('mark_sentiment_modal');
    await expect.poll(() => firebreak.database.prisma.feedback.findMany({ select: { reason: true } }), { timeout: 15_000 }).toEqual([{ reason: 'x'.repeat(500) }]);
  });

  it('refuses unknown personas and channels, channels the persona cannot see, and bodies that are not JSON', async () => {
    const unknownPersona = await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0NOBODY', channel: 'C0SUPPORT1', text: 'hi' });
    expect(unknownPersona.status).toBe(400);
    expect(await unknownPersona.json()).toMatchObject({ error: 'unknown_persona' });
    const privateChannel = await postJson(`${firebreak.url}/sandbox/do/post`, { as: 'U0MEMBANA1', channel: 'C0ALERTS01', text: 'hi' });
    expect(privateChannel.status).toBe(400);
    expect(await privateChannel.json()).toMatchObject({ error: 'unknown_channel' });
    expect((await fetch(`${firebreak.url}/sandbox/state?as=nobody`)).status).toBe(400);
    const form = await fetch(`${firebreak.url}/sandbox/do/post`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'as=U0MEMBANA1' });
    expect(form.status).toBe(415);
  });

  it('a message Slack refuses (over 40,000 characters) is refused in the page’s language, with Slack’s code', async () => {
    const post = (text: string, language?: string) =>
      fetch(`${firebreak.url}/sandbox/do/post`, { method: 'POST', headers: { 'content-type': 'application/json', ...(language ? { 'x-sandbox-language': language } : {}) }, body: JSON.stringify({ as: 'U0MEMBANA1', channel: 'C0SUPPORT1', text }) });
    const spanish = await post('x'.repeat(45_000), 'es');
    expect(spanish.status).toBe(400);
    expect(await spanish.json()).toMatchObject({
      error: 'msg_too_long',
      message: 'Slack lo rechazó (msg_too_long): el mensaje tiene 45000 caracteres; Slack admite como máximo 40000. Acórtalo y vuelve a enviarlo.',
    });
    // The team's language (LOCALE, English here) when the page asks for none.
    expect(await (await post('x'.repeat(45_000))).json()).toMatchObject({
      error: 'msg_too_long',
      message: 'Slack refused it (msg_too_long): the message is 45000 characters long; Slack takes at most 40000. Shorten it and send it again.',
    });
    expect(await (await post('   ', 'es')).json()).toMatchObject({ error: 'no_text', message: 'Slack lo rechazó (no_text): el mensaje está vacío.' });
  });

  it('drills: an unknown scenario, a bad speed and an invalid scenario file are refused with file and line', async () => {
    expect((await postJson(`${firebreak.url}/sandbox/drills`, { scenario: 'no-such-drill' })).status).toBe(404);
    expect((await postJson(`${firebreak.url}/sandbox/drills`, { scenario: 'outage-escalates', speed: 1000 })).status).toBe(400);
    // A speed typed with a decimal comma is the same speed; one that could be thousands is refused, naming
    // the field, in the language the page asks for.
    const typed = (speed: string) =>
      fetch(`${firebreak.url}/sandbox/drills`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-language': 'es' }, body: JSON.stringify({ file: 'mine.yaml', source: 'formatVersion: 1\nid: x\nname: X\nlanguage: es\nchannel: support\nsteps:\n  - { at: 0s, from: mallory, text: hola }\n', speed }) });
    // 1,5 passes the speed check (the scenario is what is refused then).
    expect(await (await typed('1,5')).json()).toMatchObject({ error: 'invalid_scenario', message: 'El escenario tiene problemas.' });
    expect(await (await typed('1,000')).json()).toEqual({
      error: 'invalid_speed',
      message: '«1,000» en «Velocidad» se puede leer de dos maneras, como miles o como decimales. Escribe los miles sin separador (1000) o los decimales con una cuarta cifra (1,0000).',
    });
    const invalid = await postJson(`${firebreak.url}/sandbox/drills`, { file: 'mine.yaml', source: 'formatVersion: 1\nid: x\nname: X\nlanguage: en\nchannel: support\nsteps:\n  - { at: 0s, from: mallory, text: hi }\n' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'invalid_scenario', problems: [{ file: 'mine.yaml', line: 7, path: 'steps[0].from', message: 'unknown persona "mallory"' }] });
  });

  it('a drill plays its messages into the channel with the real clock and the speed factor', async () => {
    const source = 'formatVersion: 1\nid: tiny\nname: Tiny\nlanguage: en\nchannel: off-topic\nsteps:\n  - { at: 0s, from: grace, text: "first" }\n  - { at: 2s, from: jonas, text: "second" }\n';
    const started = (await (await postJson(`${firebreak.url}/sandbox/drills`, { source, speed: 4 })).json()) as { drill: { id: string } };
    const began = Date.now();
    await expect.poll(async () => ((await (await fetch(`${firebreak.url}/sandbox/drills/${started.drill.id}`)).json()) as { state: string }).state, { timeout: 5000 }).toBe('played');
    expect(Date.now() - began).toBeGreaterThanOrEqual(400);
    const texts = firebreak.sandbox?.workspace.messagesIn('C0OFFTOPI1').map((message) => message.text);
    expect(texts).toEqual(['Welcome to #off-topic 👋', 'first', 'second']);
  });

  it('a scenario still playing is not started a second time (a double click on Play drill)', async () => {
    const source = 'formatVersion: 1\nid: slow\nname: Slow\nlanguage: en\nchannel: off-topic\nsteps:\n  - { at: 0s, from: grace, text: "once" }\n  - { at: 60s, from: jonas, text: "later" }\n';
    const first = await postJson(`${firebreak.url}/sandbox/drills`, { source, speed: 1 });
    expect(first.status).toBe(200);
    const again = await postJson(`${firebreak.url}/sandbox/drills`, { source, speed: 1 });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'drill_already_playing', message: expect.stringMatching(/"Slow" is already playing/) });
    await expect.poll(() => firebreak.sandbox?.workspace.messagesIn('C0OFFTOPI1').filter((message) => message.text === 'once').length, { timeout: 5000 }).toBe(1);
    firebreak.sandbox?.drills.stopAll();
  });

  it('a drill’s declared incident is a drill: flagged, and its replies stay in the alert thread', async () => {
    const source = 'formatVersion: 1\nid: declared\nname: Declared\nlanguage: en\nchannel: general\nsteps:\n  - { at: 0s, declare: { by: sam, severity: sev2, summary: "Practice rumour", unlessAlerted: false } }\n';
    await postJson(`${firebreak.url}/sandbox/drills`, { source, speed: 4 });
    await expect.poll(async () => (await firebreak.database.prisma.incident.findFirst({ where: { title: 'Practice rumour' } }))?.drill, { timeout: 15_000 }).toBe(true);
    expect(await firebreak.database.prisma.incident.findFirstOrThrow({ where: { title: 'Practice rumour' } })).toMatchObject({ drill: true, severity: 'sev2' });
    // And a spike detected on its channel while a drill plays opens a drill too; not on other channels.
    expect(firebreak.sandbox?.drills.inProgress('C0GENERAL1')).toBe(true);
    expect(firebreak.sandbox?.drills.inProgress('C0HELPBIL1')).toBe(false);
  });

  it('refuses a loopback request under another host name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const call = request(`${firebreak.url}/sandbox/state?as=U0MEMBANA1`, { headers: { host: `attacker.example:${firebreak.port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      call.on('error', reject);
      call.end();
    });
    expect(status).toBe(403);
    expect((await fetch(`http://localhost:${firebreak.port}/sandbox/state?as=U0MEMBANA1`)).status).toBe(200);
  });

  it.skipIf(!externalAddress)('refuses requests from other machines, except /healthz', async () => {
    const remote = `http://${externalAddress}:${firebreak.port}`;
    const page = await fetch(`${remote}/sandbox`);
    expect(page.status).toBe(403);
    expect(await page.json()).toMatchObject({ error: 'forbidden' });
    expect((await fetch(`${remote}/sandbox/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${firebreak.sandbox?.botToken}` } })).status).toBe(403);
    expect((await postJson(`${remote}/sandbox/drills`, { scenario: 'outage-escalates' })).status).toBe(403);
    expect((await fetch(`${remote}/healthz`)).status).toBe(200);
  });
});

describe.skipIf(!externalAddress)('sandbox with SANDBOX_ALLOW_REMOTE=true', () => {
  it('answers other machines', async () => {
    const { firebreak, directory } = await start({ SANDBOX_ALLOW_REMOTE: 'true' });
    try {
      expect((await fetch(`http://${externalAddress}:${firebreak.port}/sandbox`)).status).toBe(200);
    } finally {
      await firebreak.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
