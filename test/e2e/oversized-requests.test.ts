// Bodies Slack can never send (a string far longer than Slack's longest text, or more bytes than its
// largest payload) are answered 413 by a real `firebreak start` while they are still arriving, and the
// process keeps serving; the largest view submission Slack can send is still taken, end to end.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { eventCallback, messageEvent, viewSubmission } from '../../src/sandbox/slack-payloads.js';
import type { RunningProcess } from '../support/cli.js';
import { startCrashHarness, type CrashHarness } from '../support/crash-harness.js';
import { SIGNING_SECRET } from './harness.js';

const signature = (timestamp: number, body: string) => `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** Slack writes every non-ASCII character of an interaction's JSON as `\uXXXX`. */
const asSlackJson = (value: unknown) => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Sends a correctly signed body and resolves with the answer and how much of the body had been sent
 * when it came. With `pauseAt`, sends that much, then waits up to 5 s for an answer before sending the
 * rest: an answer given while the body arrives comes before the end.
 */
function send(url: string, contentType: string, body: string, options: { pauseAt?: number; contentLength?: boolean } = {}): Promise<{ status: number; text: string; sentWhenAnswered: number }> {
  const timestamp = Math.floor(Date.now() / 1000);
  const bytes = Buffer.from(body);
  const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-signature': signature(timestamp, body), 'x-slack-request-timestamp': String(timestamp) };
  if (options.contentLength) headers['content-length'] = String(bytes.length);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let onAnswer = () => undefined as void;
    const outgoing = httpRequest(`${url}/slack/events`, { method: 'POST', headers }, (response) => {
      const sentWhenAnswered = sent;
      onAnswer();
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString(), sentWhenAnswered }));
    });
    outgoing.on('error', reject);
    const pauseAt = Math.min(options.pauseAt ?? bytes.length, bytes.length);
    outgoing.write(bytes.subarray(0, pauseAt));
    sent = pauseAt;
    const rest = () => {
      if (sent < bytes.length) outgoing.write(bytes.subarray(sent));
      sent = bytes.length;
      outgoing.end();
    };
    const timer = setTimeout(rest, pauseAt < bytes.length ? 5_000 : 0);
    onAnswer = () => {
      clearTimeout(timer);
      rest();
    };
  });
}

describe('bodies Slack can never send, against a running firebreak start', () => {
  let harness: CrashHarness;
  let instance: RunningProcess;
  beforeAll(async () => {
    harness = await startCrashHarness();
    instance = await harness.start();
  }, 90_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('refuses a string longer than any Slack sends with 413 before the body has arrived, and keeps serving', async () => {
    const identity = harness.fake.workspace.appIdentity();
    const ann = harness.people.ann;
    // A note of 300,000 emoji: 3.6 MB of form, within the old 4 MiB limit; Slack's longest text is 40,000 characters.
    const payload = viewSubmission(identity, {
      user: { id: ann, name: 'ann' },
      view: { id: 'V0HUGE', type: 'modal', callback_id: callbackIds.noteModal, private_metadata: '', hash: '1.a', blocks: [] },
      values: { [inputIds.note]: { [inputIds.note]: { type: 'plain_text_input', value: '😀'.repeat(300_000) } } },
      triggerId: '1.2.abc',
    });
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect(body.length).toBeGreaterThan(3_500_000);
    expect(body.length).toBeLessThan(4 * 1024 * 1024);
    const answer = await send(instance.url, 'application/x-www-form-urlencoded', body, { pauseAt: 2_000_000 });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'too_large', message: expect.stringMatching(/string longer than \d+ bytes/) });
    // Answered while the body was still arriving: it was never kept whole, checked or parsed.
    expect(answer.sentWhenAnswered).toBe(2_000_000);
    await harness.waitFor('the warning saying why', () => /refused a Slack request while it was still arriving: a string longer than 1440000 bytes/.test(instance.logs()));

    // A body larger than any Slack sends, announced by its Content-Length, is refused before any of it is read.
    const larger = new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission', filler: Array.from({ length: 1_800_000 }, (_, index) => index % 10) }) }).toString();
    expect(larger.length).toBeGreaterThan(7_000_000);
    const announced = await send(instance.url, 'application/x-www-form-urlencoded', larger, { contentLength: true, pauseAt: 64 * 1024 });
    expect(announced.status).toBe(413);
    expect(announced.sentWhenAnswered).toBe(64 * 1024);
    await harness.waitFor('the warning saying why', () => /refused a Slack request while it was still arriving: a body of 7200069 bytes; Slack sends at most 6448576/.test(instance.logs()));

    // A JSON event whose text is a 1.2 MB string is refused the same way.
    const event = eventCallback(identity, messageEvent({ channel: harness.support, user: harness.people.members[0]!, text: '😀'.repeat(300_000), ts: `${Math.floor(Date.now() / 1000)}.000001` }), { nowMs: Date.now() });
    const eventAnswer = await send(instance.url, 'application/json', JSON.stringify(event), { pauseAt: 1_100_000 });
    expect(eventAnswer).toMatchObject({ status: 413, sentWhenAnswered: 1_100_000 });

    // The process goes on: a member's message is stored.
    expect(instance.child.exitCode).toBeNull();
    const ts = `${Math.floor(Date.now() / 1000)}.000313`;
    expect((await harness.post(harness.people.members[1]!, 'still listening', { ts })).status).toBe(200);
    await harness.waitFor('the message after the refusals', async () => (await harness.database.prisma.scoredMessage.count({ where: { ts } })) === 1);
  });

  it('takes the largest view submission Slack can send: 100 inputs of 3,000 characters, sent twice', async () => {
    const { ann } = harness.people;
    const logsBefore = instance.logs().length;
    expect((await harness.command(ann, `declare <#${harness.support}|support> sev2 Checkout failing`)).status).toBe(200);
    const root = await harness.waitFor('the incident message', () => harness.rootMessage());
    await harness.click(ann, harness.alerts, root.ts, actionIds.addNote);
    const view = await harness.waitFor('the note modal', () => (harness.openModal(ann)?.callback_id === callbackIds.noteModal ? harness.openModal(ann) : undefined));
    // Every character costs Slack's most: non-ASCII, written `\uXXXX`, its backslash percent-encoded.
    const note = `Rollback under way ${'火'.repeat(2_980)}`;
    const filler = 'ü'.repeat(3_000);
    const blocks: Record<string, unknown>[] = [...(view.blocks as Record<string, unknown>[])];
    const values: Record<string, Record<string, unknown>> = { [inputIds.note]: { [inputIds.note]: { type: 'plain_text_input', value: note } } };
    for (let index = blocks.length; index < 100; index += 1) {
      const id = `extra_${index}`;
      blocks.push({ type: 'input', block_id: id, label: { type: 'plain_text', text: `Field ${index}` }, element: { type: 'plain_text_input', action_id: id, multiline: true, max_length: 3_000, initial_value: filler } });
      values[id] = { [id]: { type: 'plain_text_input', value: filler } };
    }
    const payload = viewSubmission(harness.fake.workspace.appIdentity(), { user: { id: ann, name: 'ann' }, view: { ...view, blocks }, values, triggerId: harness.fake.workspace.issueTrigger(ann) });
    const body = new URLSearchParams({ payload: asSlackJson(payload) }).toString();
    // Above Bolt's and the old limit of 4 MiB.
    expect(body.length).toBeGreaterThan(4.5 * 1024 * 1024);
    const answer = await send(instance.url, 'application/x-www-form-urlencoded', body, { contentLength: true });
    harness.fake.workspace.closeView(view.id);
    expect(answer.status).toBe(200);
    const added = await harness.waitFor('the note on the timeline', () => harness.database.prisma.timelineEvent.findFirst({ where: { kind: 'note_added' } }).then((row) => row ?? undefined));
    expect(added.text).toBe(note);
    expect(instance.logs().slice(logsBefore)).not.toMatch(/refused a Slack request/);
  });
});
