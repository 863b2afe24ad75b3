import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendToApp } from '../../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../../src/sandbox/slack-payloads.js';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { SIGNING_SECRET, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

describe('Slack requests Firebreak refuses or answers politely', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const angryEvent = () =>
    eventCallback(harness.fake.workspace.appIdentity(), messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: 'terrible, broken', ts: `${Math.floor(Date.now() / 1000)}.000100` }), { nowMs: Date.now() });

  it('a forged signature gets 401 and stores nothing', async () => {
    const response = await sendToApp(`${harness.app.url}/slack/events`, 'not-the-secret', 'event', angryEvent());
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.app.database.prisma.scoredMessage.count()).toBe(0);
    expect(await harness.app.database.prisma.processedEvent.count()).toBe(0);
  });

  it('a request signed more than 5 minutes ago gets 401 and stores nothing', async () => {
    const response = await sendToApp(`${harness.app.url}/slack/events`, SIGNING_SECRET, 'event', angryEvent(), { signedAtMs: Date.now() - 6 * 60_000 });
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.app.database.prisma.scoredMessage.count()).toBe(0);
  });

  it('a malformed payload gets 400', async () => {
    const body = '{"type": "event_callback", "event": ';
    const { signSlackRequest } = await import('../../src/sandbox/signing.js');
    const headers = signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000));
    const response = await fetch(`${harness.app.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect(response.status).toBe(400);
  });

  it('/firebreak help lists every subcommand; an unknown one answers with help; a bad declare answers with usage', async () => {
    const help = await harness.command(harness.people.ann, 'help');
    expect(help.status).toBe(200);
    for (const subcommand of ['status', 'declare', 'list', 'watch', 'unwatch', 'resolve']) expect(help.body).toContain(subcommand);
    const unknown = await harness.command(harness.people.ann, 'dance');
    expect(unknown.body).toContain('dance');
    expect(unknown.body).toContain('declare');
    const badChannel = await harness.command(harness.people.ann, 'declare nowhere sev2 Something');
    expect(badChannel.body).toMatch(/#channel/);
    const badSeverity = await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev9 Something`);
    expect(badSeverity.body).toMatch(/sev1, sev2, sev3, sev4/);
    expect(await harness.app.database.prisma.incident.count()).toBe(0);
  });

  it('/firebreak watch joins a public channel and watches it; unwatch stops', async () => {
    const general = harness.fake.workspace.addChannel({ name: 'general', members: [harness.people.members[0]!] }).id;
    await harness.command(harness.people.ann, `watch <#${general}|general>`);
    await harness.waitFor('the join', () => harness.fake.api.calls('conversations.join').find((call) => call.args['channel'] === general));
    expect((await harness.app.database.prisma.watchedChannel.findFirstOrThrow({ where: { channelId: general } })).active).toBe(true);
    await harness.command(harness.people.ann, `unwatch <#${general}|general>`);
    expect((await harness.app.database.prisma.watchedChannel.findFirstOrThrow({ where: { channelId: general } })).active).toBe(false);
  });

  it('/firebreak declare opens an incident with a root message; status lists it', async () => {
    const response = await harness.command(harness.people.ann, `declare <#${harness.support}|support> sev2 Login rumours spreading`);
    expect(response.status).toBe(200);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    expect(root.text + JSON.stringify(root.blocks)).toMatch(/support/);
    const incident = await harness.app.database.prisma.incident.findFirstOrThrow();
    expect(incident.severity).toBe('sev2');
    const status = await harness.command(harness.people.ben, 'status');
    expect(status.body).toContain(`#${incident.number}`);
  });

  it('only the lead or approvers change the severity, with a reason; anyone else is told why, and it is audited', async () => {
    const root = harness.rootMessage()!;
    await harness.click(harness.people.nina, harness.alerts, root.ts, 'incident.change_severity');
    await harness.waitFor('nina\'s severity modal', () => harness.openModal(harness.people.nina));
    const refused = await harness.submit(harness.people.nina, { severity: { severity: { type: 'static_select', selected_option: { value: 'sev1' } } }, reason: { reason: { type: 'plain_text_input', value: 'looks bad' } } });
    // Told inside the form, which stays open with what she typed.
    const errors = (JSON.parse(refused.body || '{}') as { errors?: Record<string, string> }).errors ?? {};
    expect(Object.values(errors).join(' ')).toMatch(/change the severity.*Ask one of them: @/);
    expect((await harness.app.database.prisma.incident.findFirstOrThrow()).severity).toBe('sev2');

    await harness.click(harness.people.ann, harness.alerts, root.ts, 'incident.change_severity');
    await harness.waitFor('ann\'s severity modal', () => harness.openModal(harness.people.ann));
    await harness.submit(harness.people.ann, { severity: { severity: { type: 'static_select', selected_option: { value: 'sev1' } } }, reason: { reason: { type: 'plain_text_input', value: 'Payments are down too' } } });
    await harness.waitFor('sev1', async () => (await harness.app.database.prisma.incident.findFirstOrThrow()).severity === 'sev1');
    const audit = await harness.app.database.prisma.auditLog.findMany({ where: { action: 'change_severity' }, orderBy: { at: 'asc' } });
    expect(audit.map((entry) => [entry.userId, entry.outcome])).toEqual([
      [harness.people.nina, 'refused'],
      [harness.people.ann, 'accepted'],
    ]);
    expect(audit[1]?.text).toBe('Payments are down too');
  });

  it('member text with Slack control sequences is neutralised where Firebreak quotes it', async () => {
    const root = harness.rootMessage()!;
    await harness.click(harness.people.ann, harness.alerts, root.ts, 'incident.add_note');
    await harness.waitFor('the note modal', () => harness.openModal(harness.people.ann));
    await harness.submit(harness.people.ann, { note: { note: { type: 'plain_text_input', value: 'Members say <!channel> is down <@U0VIP> <!here>' } } });
    const line = await harness.waitFor('the note in the thread', () => harness.thread().find((message) => message.text.includes('Members say') || JSON.stringify(message.blocks ?? []).includes('Members say')));
    const rendered = line.text + JSON.stringify(line.blocks ?? []);
    expect(rendered).not.toContain('<!channel>');
    expect(rendered).not.toContain('<!here>');
    expect(rendered).not.toContain('<@U0VIP>');
  });
});

describe('playbook problems reach the alerts channel', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ playbook: TWO_APPROVER_PLAYBOOK.replace('channels: [support]', 'channels: [support, no-such-channel]') });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('a channel the workspace does not have is reported at start-up; the playbook keeps working', async () => {
    const warning = await harness.waitFor('the reference warning', () => harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.text.includes('no-such-channel')));
    expect(warning.text).toMatch(/e2e-support\.yaml/);
    expect(harness.app.runtime?.playbooks.get('e2e-support')).toBeDefined();
  });

  it('an invalid edit keeps the last good version and tells the alerts channel where the mistake is', async () => {
    const file = join(harness.playbooksDir, 'e2e-support.yaml');
    writeFileSync(file, TWO_APPROVER_PLAYBOOK.replace('quorum: 2', 'quorum: 2\n  aprovers: []'));
    const warning = await harness.waitFor('the edit warning', () => harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.text.includes('aprovers')));
    expect(warning.text).toMatch(/e2e-support\.yaml:\d+:\d+/);
    expect(warning.text).toContain('approvers');
    expect(harness.app.runtime?.playbooks.get('e2e-support')?.roles.quorum).toBe(2);
  });
});

describe('nobody is left unanswered', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('a negative message with no staff reply after the playbook window is brought to its people once; answered ones are not', async () => {
    const fortyMinutesAgo = Date.now() - 40 * 60_000;
    const { ts: waiting } = await harness.post(harness.people.members[0]!, 'My order never arrived and nobody answers, terrible', fortyMinutesAgo);
    const { ts: answered } = await harness.post(harness.people.members[1]!, 'Awful, the app crashed and I lost my cart', fortyMinutesAgo + 1_000);
    // Ann (staff) answers the second one in its thread.
    await harness.event({ type: 'message', channel: harness.support, user: harness.people.ann, text: 'Sorry Bruno, looking at it now', ts: `${Math.floor(Date.now() / 1000) - 60}.000200`, thread_ts: answered });
    await harness.waitFor('messages stored', async () => (await harness.app.database.prisma.scoredMessage.count()) === 2 && (await harness.app.database.prisma.scoredMessage.count({ where: { answeredAt: { not: null } } })) === 1);
    await harness.app.runtime!.tick();
    const reminder = await harness.waitFor('the reminder', () => harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.text.includes('no answer')));
    expect(reminder.text).toContain('My order never arrived');
    expect(reminder.text).not.toContain('lost my cart');
    // The playbook's unansweredNegative.remind is [lead], the @community-leads group.
    for (const lead of [harness.people.ann, harness.people.ben]) expect(reminder.text).toContain(`<@${lead}>`);
    await harness.app.runtime!.tick();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(harness.fake.workspace.messagesIn(harness.alerts).filter((message) => message.text.includes('no answer'))).toHaveLength(1);
    expect((await harness.app.database.prisma.scoredMessage.findFirstOrThrow({ where: { ts: waiting } })).remindedAt).not.toBeNull();
  });
});

describe('POST /ingest', () => {
  let harness: Harness;
  const token = 'ingest-token-0123456789abcdef';
  beforeAll(async () => {
    harness = await startHarness({ env: { INGEST_TOKEN: token } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const ingest = (body: unknown, auth = `Bearer ${token}`) =>
    fetch(`${harness.app.url}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('refuses a wrong token', async () => {
    expect((await ingest({}, 'Bearer nope')).status).toBe(401);
  });

  it('names each bad message and field, and stores none of the batch', async () => {
    const response = await ingest([
      { source: 'forum', channel: 'support', user: 'u1', text: 'Awful', ts: '2026-11-21T10:00:00Z' },
      { source: 'forum', channel: 'support', text: 'no user', ts: 'yesterday' },
    ]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: { index: number; field: string }[] };
    expect(body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ index: 1, field: 'user' })]));
    expect(await harness.app.database.prisma.scoredMessage.count()).toBe(0);
    expect((await ingest('not json')).status).toBe(400);
  });

  it('scores messages from a watched source channel, once', async () => {
    const batch = [
      { source: 'forum', channel: 'support', user: 'u1', text: 'This update is terrible and broken', ts: '2026-11-21T10:00:00Z', url: 'https://forum.example/t/1' },
      { source: 'forum', channel: 'support', user: 'u2', text: 'Thanks, works for me now', ts: 1795257600 },
    ];
    const first = await ingest(batch);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ accepted: 2, scored: 2 });
    const again = await ingest(batch);
    expect(await again.json()).toMatchObject({ accepted: 2, duplicates: 2 });
    const stored = await harness.app.database.prisma.scoredMessage.findMany({ orderBy: { postedAt: 'asc' } });
    expect(stored.map((message) => message.label)).toEqual(['negative', 'positive']);
    expect(stored[0]?.permalink).toBe('https://forum.example/t/1');
  });

  it('a body that is not UTF-8 JSON is refused saying why, never stored garbled; a byte order mark is taken', async () => {
    const item = (text: string, extra: Record<string, unknown> = {}) => JSON.stringify({ source: 'forum', channel: 'support', user: 'lu', text, ts: new Date(Date.now() - 60_000).toISOString(), ...extra });
    const send = async (body: Buffer | string, headers: Record<string, string>) => {
      const response = await fetch(`${harness.app.url}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
      return { status: response.status, body: (await response.json()) as { error?: string; message?: string; problems?: { index: number; field: string; message: string }[] } };
    };
    // Latin-1 declared, or sent without saying so: "é" was stored as U+FFFD and answered 202.
    const latin1 = Buffer.from(item('Qué pésimo servicio'), 'latin1');
    expect(await send(latin1, { 'content-type': 'application/json; charset=ISO-8859-1' })).toEqual({ status: 415, body: expect.objectContaining({ error: 'unsupported_charset', message: expect.stringContaining('"iso-8859-1"') }) });
    const undeclared = await send(latin1, { 'content-type': 'application/json' });
    expect(undeclared).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_encoding', message: expect.stringContaining(`byte ${latin1.indexOf(0xe9)}`) }) });
    expect(await send(gzipSync(item('compressed')), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).toEqual({ status: 415, body: expect.objectContaining({ error: 'unsupported_encoding' }) });
    // A NUL byte or a lone surrogate in a name is named by item and field (it was answered 202 and quarantined).
    const names = await send(`[${item('nul', { user: 'l\u0000u' })},${item('surrogate', { channel: 'sup\ud800' })}]`, { 'content-type': 'application/json' });
    expect(names.status).toBe(400);
    expect(names.body.problems?.map((problem) => [problem.index, problem.field])).toEqual([[0, 'user'], [1, 'channel']]);
    expect(await harness.app.database.prisma.scoredMessage.count({ where: { userId: { startsWith: 'forum:l' } } })).toBe(0);

    expect(await send(`\ufeff${item('Qué pésimo servicio')}`, { 'content-type': 'application/json; charset=utf-8' })).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect((await harness.app.database.prisma.scoredMessage.findFirstOrThrow({ where: { userId: 'forum:lu' } })).text).toBe('Qué pésimo servicio');
  });

  it('two members posting in the same second are two messages; each sent again is a duplicate', async () => {
    const second = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const burst = [
      { source: 'forum', channel: 'support', user: 'ana', text: 'The forum checkout is broken, terrible', ts: second },
      { source: 'forum', channel: 'support', user: 'bo', text: 'Same here, awful, it fails every time', ts: second },
    ];
    expect(await (await ingest(burst)).json()).toMatchObject({ accepted: 2, scored: 2, duplicates: 0 });
    expect(await (await ingest(burst)).json()).toMatchObject({ accepted: 2, scored: 0, duplicates: 2 });
    expect(await harness.app.database.prisma.scoredMessage.count({ where: { userId: { in: ['forum:ana', 'forum:bo'] } } })).toBe(2);
  });

  it('a time no message can have (past Slack’s range, or from the future) is refused naming the message and the field, not quarantined', async () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const response = await ingest([
      { source: 'forum', channel: 'support', user: 'u7', text: 'Awful', ts: 1e300 },
      { source: 'forum', channel: 'support', user: 'u7', text: 'Awful', ts: '99999999999999999' },
      { source: 'forum', channel: 'support', user: 'u7', text: 'Awful', ts: '3000-01-01T00:00:00Z' },
      { source: 'forum', channel: 'support', user: 'u7', text: 'Awful', ts: future },
    ]);
    expect(response.status).toBe(400);
    const { problems } = (await response.json()) as { problems: { index: number; field: string; message: string }[] };
    expect(problems.map((problem) => [problem.index, problem.field])).toEqual([[0, 'ts'], [1, 'ts'], [2, 'ts'], [3, 'ts']]);
    expect(problems[3]?.message).toMatch(/future/);
    expect(await harness.app.database.prisma.scoredMessage.count({ where: { userId: 'forum:u7' } })).toBe(0);
    expect(await harness.app.database.prisma.quarantinedMessage.count()).toBe(0);
  });

  it('a source’s link is never more than a link: it cannot ping the alerts channel from a reminder, and only web links are taken', async () => {
    const fortyMinutesAgo = Math.floor((Date.now() - 40 * 60_000) / 1000);
    const refused = await ingest({ source: 'forum', channel: 'support', user: 'u9', text: 'Awful', ts: fortyMinutesAgo, url: 'javascript:alert(1)' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ problems: [{ index: 0, field: 'url' }] });

    // A link a forum member shaped: its ">" would end Slack's link and start a mass mention.
    const response = await ingest({ source: 'forum', channel: 'support', user: 'u9', text: 'The forum login is broken and nobody answers, terrible', ts: fortyMinutesAgo, url: 'https://forum.example/t/9><!channel> urgent|read me' });
    expect(await response.json()).toMatchObject({ scored: 1 });
    await harness.app.runtime!.tick();
    const reminder = await harness.waitFor('the reminder', () => harness.fake.workspace.messagesIn(harness.alerts).find((message) => message.text.includes('The forum login is broken')));
    expect(reminder.text).not.toMatch(/<!channel>|\|read me/);
  });
});
