// What reaches the database from outside: fixed where it can be, refused with a reason where not.
import { describe, expect, it } from 'vitest';
import { checkMessageInput, compareSlackTs, MAX_TEXT_CHARS, storableJson } from '../../../src/domain/ingest/message-input.js';

const valid = { channelId: 'C1', userId: 'U1', ts: '1700000000.000100', text: 'hello' };

describe('checkMessageInput', () => {
  it('passes a normal message unchanged', () => {
    expect(checkMessageInput(valid)).toEqual({ ok: true, message: valid, fixes: [] });
  });

  it('removes NUL bytes, replaces lone surrogates and cuts absurd texts, saying so', () => {
    expect(checkMessageInput({ ...valid, text: 'a\u0000b' })).toMatchObject({ ok: true, message: { text: 'ab' }, fixes: ['nul_bytes'] });
    expect(checkMessageInput({ ...valid, text: 'x\ud800y\udfffz 😀' })).toMatchObject({ ok: true, message: { text: 'x\ufffdy\ufffdz 😀' }, fixes: ['lone_surrogates'] });
    const long = checkMessageInput({ ...valid, text: '😀'.repeat(MAX_TEXT_CHARS) });
    expect(long.ok && long.message.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(long.ok && long.fixes).toEqual(['text_truncated']);
    // The cut never leaves half a surrogate pair.
    expect(long.ok && long.message.text.endsWith('😀')).toBe(true);
    expect(checkMessageInput({ ...valid, threadTs: 'abc' })).toMatchObject({ ok: true, fixes: ['thread_ts_dropped'] });
    // An edit's own ts that is not one: the edit is still applied, in the order it arrives.
    expect(checkMessageInput({ ...valid, editedTs: '1700000001.000200' })).toMatchObject({ ok: true, message: { editedTs: '1700000001.000200' }, fixes: [] });
    expect(checkMessageInput({ ...valid, editedTs: 1700000001 })).toEqual({ ok: true, message: valid, fixes: ['edited_ts_dropped'] });
    expect(checkMessageInput({ ...valid, text: null })).toMatchObject({ ok: true, message: { text: '' } });
  });

  it('refuses what cannot name or place a message, with the reason', () => {
    expect(checkMessageInput({ ...valid, ts: 'abc' })).toMatchObject({ ok: false, reason: 'invalid_ts' });
    expect(checkMessageInput({ ...valid, ts: 1700000000 })).toMatchObject({ ok: false, reason: 'invalid_ts' });
    expect(checkMessageInput({ ...valid, ts: '0' })).toMatchObject({ ok: false, reason: 'invalid_ts' });
    expect(checkMessageInput({ ...valid, channelId: null })).toMatchObject({ ok: false, reason: 'invalid_channel' });
    expect(checkMessageInput({ ...valid, channelId: 'C\u00001' })).toMatchObject({ ok: false, reason: 'invalid_channel' });
    expect(checkMessageInput({ ...valid, userId: 'U'.repeat(300) })).toMatchObject({ ok: false, reason: 'invalid_user' });
    expect(checkMessageInput({ ...valid, text: { evil: true } })).toMatchObject({ ok: false, reason: 'invalid_text' });
    expect(checkMessageInput({ ...valid, eventId: 42 })).toMatchObject({ ok: false, reason: 'invalid_event_id' });
  });
});

describe('compareSlackTs', () => {
  it('orders Slack ts by time, also when their seconds or fractions differ in length', () => {
    expect(compareSlackTs('1700000000.000200', '1700000000.000100')).toBe(1);
    expect(compareSlackTs('1700000000.000100', '1700000000.000100')).toBe(0);
    expect(compareSlackTs('1700000000.1', '1700000000.100000')).toBe(0);
    expect(compareSlackTs('1700000000.09', '1700000000.1')).toBe(-1);
    // As strings "999999999.9" sorts after "1000000000.1".
    expect(compareSlackTs('999999999.900000', '1000000000.100000')).toBe(-1);
    expect(compareSlackTs('99999999999.000002', '99999999999.000001')).toBe(1);
    expect(compareSlackTs('1700000001', '1700000000.999999')).toBe(1);
  });
});

describe('storableJson', () => {
  it('keeps NUL bytes and lone surrogates as JSON escapes, and caps the size', () => {
    const json = storableJson({ text: 'a\u0000b\ud800' });
    expect(json).toBe('{"text":"a\\u0000b\\ud800"}');
    expect(JSON.parse(json)).toEqual({ text: 'a\u0000b\ud800' });
    expect(storableJson('x'.repeat(200), 50)).toMatch(/…\(\+152 characters\)$/);
  });
});
