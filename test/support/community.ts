// The workspace every end-to-end test plays in: ten members, staff (one drafter, three approvers in
// @community-leads, one staff member who approves nothing), #support watched by the playbook, #alerts.
import type { SlackWorkspace } from '../../src/sandbox/slack-api/index.js';

export interface E2eCommunity {
  members: string[];
  sam: string;
  ann: string;
  ben: string;
  nina: string;
  cleo: string;
  support: string;
  alerts: string;
}

/** `locale`: the language everyone uses Slack in (Slack's default, en-US, when not given). */
export function seedE2eCommunity(workspace: SlackWorkspace, locale?: string): E2eCommunity {
  const speaks = locale ? { locale } : {};
  const bot = workspace.bot.user_id;
  const members = ['alma', 'bruno', 'carla', 'diego', 'elena', 'fabio', 'gina', 'hugo', 'ines', 'jon'].map(
    (name) => workspace.addUser({ name, real_name: `${name[0]?.toUpperCase()}${name.slice(1)} Member`, ...speaks }).id,
  );
  const sam = workspace.addUser({ name: 'sam', real_name: 'Sam Drafter', ...speaks }).id;
  const ann = workspace.addUser({ name: 'ann', real_name: 'Ann Approver', ...speaks }).id;
  const ben = workspace.addUser({ name: 'ben', real_name: 'Ben Approver', ...speaks }).id;
  const nina = workspace.addUser({ name: 'nina', real_name: 'Nina Staff', ...speaks }).id;
  const cleo = workspace.addUser({ name: 'cleo', real_name: 'Cleo Approver', ...speaks }).id;
  const support = workspace.addChannel({ name: 'support', members: [...members, sam, ann, ben, nina, cleo, bot] }).id;
  const alerts = workspace.addChannel({ name: 'alerts', members: [sam, ann, ben, nina, cleo, bot] }).id;
  workspace.addUserGroup({ handle: 'community-leads', name: 'Community leads', users: [ann, ben, cleo] });
  return { members, sam, ann, ben, nina, cleo, support, alerts };
}

/** What members write in a spike: eight angry messages, each clearly negative in English. */
export const ANGRY_MESSAGES: readonly string[] = [
  'The app is broken again, this is terrible',
  'Worst outage ever, I am furious and nobody answers',
  'Payments failing, awful service, really angry',
  'This is a disaster, I hate this update',
  'Horrible, broken login again, so frustrating',
  'Terrible support, still broken, unacceptable',
  'I am angry, the app crashes all the time, awful',
  'Useless, broken and slow, worst experience',
];
