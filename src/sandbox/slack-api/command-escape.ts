/**
 * What Slack does to a slash command's text when the app's manifest sets `should_escape: true`
 * (Firebreak's does): `&`, `<`, `>` become entities, and `#channel`, `@user`, `@group`, `@here`…
 * typed by a person become `<#C…|channel>`, `<@U…|user>`, `<!subteam^S…|@group>`, `<!here>`. Names
 * the workspace does not know stay as typed, as in Slack.
 */
import type { SlackWorkspace } from './workspace.js';

const SPECIAL: Readonly<Record<string, string>> = { here: '<!here>', channel: '<!channel>', everyone: '<!everyone>' };

/** `#name` / `@name` at the start of the text or after a space or an opening bracket; names as Slack allows them. */
const MENTION = /(^|[\s(])([#@])([a-z0-9][a-z0-9._-]*)/gi;

export function escapeCommandText(workspace: SlackWorkspace, userId: string, text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const actor = { user_id: userId };
  return escaped.replace(MENTION, (whole, before: string, sigil: string, rawName: string) => {
    // A trailing dot or dash is punctuation ("#general."), not part of the name.
    const name = rawName.replace(/[.-]+$/, '');
    const rest = rawName.slice(name.length);
    const lower = name.toLowerCase();
    if (sigil === '#') {
      const channel = workspace.listChannels(actor, { types: ['public_channel', 'private_channel'] }).find((candidate) => candidate.name === lower);
      return channel ? `${before}<#${channel.id}|${channel.name}>${rest}` : whole;
    }
    const special = SPECIAL[lower];
    if (special) return `${before}${special}${rest}`;
    const user = workspace.listUsers().find((candidate) => candidate.name.toLowerCase() === lower);
    if (user) return `${before}<@${user.id}|${user.name}>${rest}`;
    const group = workspace.listUserGroups().find((candidate) => candidate.handle.toLowerCase() === lower);
    return group ? `${before}<!subteam^${group.id}|@${group.handle}>${rest}` : whole;
  });
}
