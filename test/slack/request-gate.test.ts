// What the gate answers before Bolt, by body: 400 for what is not an object, a 200 drop for a bad shape.
import { describe, expect, it } from 'vitest';
import { judgeSlackBody } from '../../src/slack/request-gate.js';

const form = 'application/x-www-form-urlencoded';
const payload = (value: unknown) => `payload=${encodeURIComponent(JSON.stringify(value))}`;
const user = { id: 'U1', team_id: 'T1' };

describe('judgeSlackBody', () => {
  it('refuses bodies that are not objects with 400', () => {
    for (const body of ['null', '[]', '"x"', '7', '{']) expect(judgeSlackBody('application/json', body, 'en')).toMatchObject({ ok: false, status: 400 });
    for (const body of ['payload=null', 'payload=%7B', 'payload=1&payload=2', '']) expect(judgeSlackBody(form, body, 'en')).toMatchObject({ ok: false, status: 400 });
  });

  it('drops malformed envelopes with 200, and lets Slack’s shapes through', () => {
    const event = { type: 'event_callback', team_id: 'T1', event_id: 'Ev1', event: { type: 'message', channel: 'C1', user: 'U1', ts: '1.2', text: 'x' } };
    expect(judgeSlackBody('application/json', JSON.stringify(event), 'en')).toEqual({ ok: true });
    expect(judgeSlackBody('application/json', JSON.stringify({ ...event, event: { ...event.event, channel: null } }), 'en')).toMatchObject({ ok: false, status: 200 });
    expect(judgeSlackBody('application/json', JSON.stringify({ ...event, event: { ...event.event, ts: 5 } }), 'en')).toMatchObject({ ok: false, status: 200 });
    // Ids and timestamps Slack never sends (a NUL byte, a lone surrogate) are dropped before any listener looks them up.
    for (const broken of [{ channel: 'C\u00001' }, { ts: '1.2\u0000' }, { thread_ts: '\ud8001.2' }, { user: { id: 'U\u0000' } }]) {
      expect(judgeSlackBody('application/json', JSON.stringify({ ...event, event: { ...event.event, ...broken } }), 'en')).toMatchObject({ ok: false, status: 200 });
    }
    expect(judgeSlackBody('application/json', JSON.stringify({ ...event, event_id: 'Ev\u00001' }), 'en')).toMatchObject({ ok: false, status: 200, reason: 'event_id is not an id' });
    expect(judgeSlackBody('application/json', JSON.stringify({ ...event, event: { ...event.event, channel: 'C'.repeat(300) } }), 'en')).toMatchObject({ ok: false, status: 200 });
    // A timestamp that is not a number is still the watcher's to quarantine, with its reason.
    expect(judgeSlackBody('application/json', JSON.stringify({ ...event, event: { ...event.event, ts: 'abc' } }), 'en')).toEqual({ ok: true });
    expect(judgeSlackBody('application/json', JSON.stringify({ type: 'event_callback', team_id: 'T1' }), 'en')).toMatchObject({ ok: false, status: 200 });
    // Bolt would take it for an event whatever its type: it must pass the event checks or be dropped.
    expect(judgeSlackBody('application/json', JSON.stringify({ ...event, type: 'constructor' }), 'en')).toMatchObject({ ok: false, status: 200 });
    expect(judgeSlackBody('application/json', JSON.stringify({ type: 'url_verification', challenge: 'c' }), 'en')).toEqual({ ok: true });

    const click = { type: 'block_actions', user, team: { id: 'T1' }, actions: [{ action_id: 'a', block_id: 'b', value: 'v' }] };
    expect(judgeSlackBody(form, payload(click), 'en')).toEqual({ ok: true });
    expect(judgeSlackBody(form, payload({ ...click, user: null }), 'en')).toMatchObject({ ok: false, status: 200 });
    expect(judgeSlackBody(form, payload({ ...click, actions: 'x' }), 'en')).toMatchObject({ ok: false, status: 200 });
    expect(judgeSlackBody(form, payload({ ...click, channel: { id: 'C'.repeat(300_000) } }), 'en')).toMatchObject({ ok: false, status: 200, reason: 'channel.id is not an id' });
    expect(judgeSlackBody(form, payload({ type: 'view_submission', user }), 'en')).toMatchObject({ ok: false, status: 200, reason: 'view is missing' });

    const command = { command: '/firebreak', team_id: 'T1', user_id: 'U1', channel_id: 'C1', text: '' };
    expect(judgeSlackBody(form, new URLSearchParams(command).toString(), 'en')).toEqual({ ok: true });
    expect(judgeSlackBody(form, new URLSearchParams({ ...command, channel_id: 'C'.repeat(300_000) }).toString(), 'en')).toMatchObject({ ok: false, status: 200, reason: 'channel_id is not an id' });
    const { text: _text, ...withoutText } = command;
    expect(judgeSlackBody(form, new URLSearchParams(withoutText).toString(), 'en')).toMatchObject({ ok: false, status: 200, body: { response_type: 'ephemeral' } });
    // The person who typed it is answered in the workspace's language.
    expect(judgeSlackBody(form, new URLSearchParams(withoutText).toString(), 'es')).toMatchObject({ body: { text: 'Firebreak no pudo leer este comando: text is missing. Vuelve a intentarlo desde Slack.' } });
    expect(judgeSlackBody(form, 'ssl_check=1', 'en')).toEqual({ ok: true });
  });
});
