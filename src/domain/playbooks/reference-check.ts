import type { PlaybookProblem } from './problems.js';
import { parseChannelRef, parsePersonRef } from './ref-syntax.js';
import type { Playbook } from './schema.js';

/** The channels, user groups and users the workspace has: the Slack adapter answers from the API, tests from a list. */
export interface SlackInventory {
  /** A channel ID (C…) or a name without `#`. */
  channelExists(ref: string): boolean | Promise<boolean>;
  /** A user-group ID (S…) or a handle without `@`. */
  userGroupExists(ref: string): boolean | Promise<boolean>;
  /** A user ID (U…/W…); users are not checked when omitted. */
  userExists?(id: string): boolean | Promise<boolean>;
}

/**
 * Reports channels, users and user groups that playbooks name but the workspace does not have.
 * Channel patterns are not checked (they may match channels created later). Each playbook is
 * checked on its own, so one bad reference never stops the others.
 */
export async function checkPlaybookReferences(playbooks: readonly Playbook[], inventory: SlackInventory): Promise<PlaybookProblem[]> {
  const cache = new Map<string, Promise<boolean>>();
  const lookup = (key: string, ask: () => boolean | Promise<boolean>): Promise<boolean> => {
    let answer = cache.get(key);
    if (!answer) {
      answer = Promise.resolve().then(ask);
      cache.set(key, answer);
    }
    return answer;
  };
  const problems: PlaybookProblem[] = [];
  for (const playbook of playbooks) {
    const refs: { path: string; value: string; type: 'channel' | 'person' }[] = [];
    playbook.triggers.channels?.forEach((value, index) => refs.push({ path: `triggers.channels[${index}]`, value, type: 'channel' }));
    if (playbook.alertsChannel) refs.push({ path: 'alertsChannel', value: playbook.alertsChannel, type: 'channel' });
    refs.push({ path: 'roles.lead', value: playbook.roles.lead, type: 'person' });
    const people = (path: string, values: readonly string[]) => values.forEach((value, index) => refs.push({ path: `${path}[${index}]`, value, type: 'person' }));
    people('roles.approvers', playbook.roles.approvers);
    for (const [role, members] of Object.entries(playbook.roles.extra ?? {})) people(`roles.extra.${role}`, members);
    people('roles.canResolve', playbook.roles.canResolve);
    people('roles.canChangeSeverity', playbook.roles.canChangeSeverity);
    people('escalation.unacknowledged.notify', playbook.escalation.unacknowledged.notify);
    people('escalation.unansweredNegative.remind', playbook.escalation.unansweredNegative.remind);
    people('postMortem.reviewers', playbook.postMortem.reviewers);

    for (const ref of refs) {
      let missing: string | undefined;
      if (ref.type === 'channel') {
        const channel = parseChannelRef(ref.value);
        if (channel.kind === 'pattern') continue;
        const key = channel.kind === 'id' ? channel.id : channel.name;
        if (!(await lookup(`channel:${key}`, () => inventory.channelExists(key)))) missing = `channel \`${ref.value}\` does not exist in the workspace (or the bot cannot see it)`;
      } else {
        const person = parsePersonRef(ref.value);
        if (!person) continue; // a role name, checked when the file was validated
        if (person.kind === 'user') {
          const userExists = inventory.userExists?.bind(inventory);
          if (userExists && !(await lookup(`user:${person.id}`, () => userExists(person.id)))) missing = `user \`${ref.value}\` does not exist in the workspace or is deactivated`;
        } else {
          const key = person.kind === 'group' ? person.id : person.handle;
          if (!(await lookup(`group:${key}`, () => inventory.userGroupExists(key)))) missing = `user group \`${ref.value}\` does not exist in the workspace`;
        }
      }
      if (missing) {
        const position = playbook.source.locations[ref.path] ?? { line: 0, column: 0 };
        problems.push({ file: playbook.source.file, ...position, path: ref.path, message: `playbook \`${playbook.id}\`: ${missing}` });
      }
    }
  }
  return problems;
}
