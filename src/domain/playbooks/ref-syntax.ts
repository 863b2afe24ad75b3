/**
 * How playbooks name Slack things. Slack IDs are upper case (C…, U…, S…); channel names and
 * user-group handles are lower case, so one string is never ambiguous.
 */

export type ChannelRef =
  | { kind: 'id'; id: string }
  | { kind: 'name'; name: string }
  | { kind: 'pattern'; pattern: string; regex: RegExp };

export type PersonRef = { kind: 'user'; id: string } | { kind: 'group'; id: string } | { kind: 'handle'; handle: string };

export const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;
/** Slack channel names: lower case letters, digits, `-`, `_`, and non-Latin letters; optional leading `#`. */
export const CHANNEL_NAME = /^#?[\p{Ll}\p{Lo}\p{N}_-][\p{Ll}\p{Lo}\p{N}_.-]{0,79}$/u;
export const CHANNEL_PATTERN = /^#?[\p{Ll}\p{Lo}\p{N}_.*?-]{1,80}$/u;
export const USER_ID = /^[UW][A-Z0-9]{6,}$/;
export const USER_GROUP_ID = /^S[A-Z0-9]{6,}$/;
export const USER_GROUP_HANDLE = /^@[a-z0-9][a-z0-9._-]{0,79}$/;

export function parseChannelRef(value: string): ChannelRef {
  if (CHANNEL_ID.test(value)) return { kind: 'id', id: value };
  const bare = value.startsWith('#') ? value.slice(1) : value;
  if (/[*?]/.test(bare)) return { kind: 'pattern', pattern: bare, regex: globToRegExp(bare) };
  return { kind: 'name', name: bare };
}

/** Does a channel (by ID and/or name) match one playbook channel reference? */
export function channelMatches(ref: string, channel: { channelId?: string; channelName?: string }): boolean {
  const parsed = parseChannelRef(ref);
  const name = channel.channelName?.replace(/^#/, '').toLowerCase();
  switch (parsed.kind) {
    case 'id':
      return parsed.id === channel.channelId;
    case 'name':
      return name !== undefined && parsed.name === name;
    case 'pattern':
      return name !== undefined && parsed.regex.test(name);
  }
}

export function isPersonRef(value: string): boolean {
  return USER_ID.test(value) || USER_GROUP_ID.test(value) || USER_GROUP_HANDLE.test(value);
}

export function parsePersonRef(value: string): PersonRef | undefined {
  if (USER_ID.test(value)) return { kind: 'user', id: value };
  if (USER_GROUP_ID.test(value)) return { kind: 'group', id: value };
  if (USER_GROUP_HANDLE.test(value)) return { kind: 'handle', handle: value.slice(1) };
  return undefined;
}

function globToRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'u');
}
