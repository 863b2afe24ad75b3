import { describe, expect, it } from 'vitest';
import { checkChannelId, checkChannelRename } from '../../../src/domain/ingest/channel-events.js';

describe('channel events from Slack', () => {
  it('takes a rename as Slack sends it, public or private', () => {
    expect(checkChannelRename({ type: 'channel_rename', channel: { id: 'C02ELGNBH', name: 'help-desk', created: 1360782804 } })).toEqual({ ok: true, channelId: 'C02ELGNBH', name: 'help-desk' });
    expect(checkChannelRename({ type: 'group_rename', channel: { id: 'G02ELGNBH', name: 'soporte_técnico' } })).toEqual({ ok: true, channelId: 'G02ELGNBH', name: 'soporte_técnico' });
  });

  it('refuses a rename without a channel id of Slack\'s form', () => {
    for (const event of [null, undefined, 'x', {}, { channel: null }, { channel: 'C02ELGNBH' }, { channel: { name: 'x' } }, { channel: { id: 'D02ELGNBH', name: 'x' } }, { channel: { id: 42, name: 'x' } }, { channel: { id: 'c02elgnbh', name: 'x' } }]) {
      expect(checkChannelRename(event)).toEqual({ ok: false, reason: 'invalid_channel_id' });
    }
  });

  it('refuses a rename to a name Slack could not have given', () => {
    for (const name of [undefined, null, '', ' ', 'has spaces', '#support', 'UPPER', 'x'.repeat(81), ['support'], { toString: () => 'support' }]) {
      expect(checkChannelRename({ channel: { id: 'C02ELGNBH', name } })).toEqual({ ok: false, reason: 'invalid_channel_name' });
    }
  });

  it('takes a channel id given as a string only', () => {
    expect(checkChannelId({ type: 'channel_unarchive', channel: 'C02ELGNBH', user: 'U1' })).toEqual({ ok: true, channelId: 'C02ELGNBH' });
    for (const event of [null, {}, { channel: null }, { channel: { id: 'C02ELGNBH' } }, { channel: 'D02ELGNBH' }, { channel: 'C0' }]) {
      expect(checkChannelId(event)).toEqual({ ok: false, reason: 'invalid_channel_id' });
    }
  });
});
