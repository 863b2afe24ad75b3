// What Slack says about a channel's life (renamed, unarchived, the bot added), checked before anything
// acts on it: a channel id of Slack's form and, for a rename, a name Slack could have given. Anything
// else (nulls, missing or odd fields, a DM id) is refused with the reason and changes nothing.
import { CHANNEL_ID, CHANNEL_NAME } from '../playbooks/ref-syntax.js';

export type ChannelEventRefusal = 'invalid_channel_id' | 'invalid_channel_name';

/** A rename as Slack sends it (`channel_rename`, `group_rename`): `{ channel: { id, name } }`. */
export function checkChannelRename(event: unknown): { ok: true; channelId: string; name: string } | { ok: false; reason: ChannelEventRefusal } {
  const channel = event && typeof event === 'object' ? (event as { channel?: unknown }).channel : undefined;
  const id = channel && typeof channel === 'object' ? (channel as { id?: unknown }).id : undefined;
  const name = channel && typeof channel === 'object' ? (channel as { name?: unknown }).name : undefined;
  if (typeof id !== 'string' || !CHANNEL_ID.test(id)) return { ok: false, reason: 'invalid_channel_id' };
  // Slack's names never start with `#`; the name is stored as is and matched against playbooks.
  if (typeof name !== 'string' || name.startsWith('#') || !CHANNEL_NAME.test(name)) return { ok: false, reason: 'invalid_channel_name' };
  return { ok: true, channelId: id, name };
}

/** An event naming its channel by id (`channel_unarchive`, `member_joined_channel`): `{ channel: "C…" }`. */
export function checkChannelId(event: unknown): { ok: true; channelId: string } | { ok: false; reason: ChannelEventRefusal } {
  const id = event && typeof event === 'object' ? (event as { channel?: unknown }).channel : undefined;
  return typeof id === 'string' && CHANNEL_ID.test(id) ? { ok: true, channelId: id } : { ok: false, reason: 'invalid_channel_id' };
}
