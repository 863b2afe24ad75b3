/**
 * Who is in the sandbox workspace: community members, staff on call and approvers, in the user groups
 * the shipped playbooks name (@support-oncall, @community-leads, U0COMMLEAD1…), and the channels those
 * playbooks watch plus the alerts channel. Fixed ids, so scenarios and tests can name them.
 */
import { t, type Locale } from '../i18n/index.js';
import type { SlackWorkspace } from './slack-api/index.js';

export type PersonaKind = 'member' | 'staff' | 'approver';

export interface Persona {
  id: string;
  /** The handle scenarios use (`from: ana`). */
  handle: string;
  realName: string;
  kind: PersonaKind;
  /** What they do, shown on the persona switcher. */
  title: string;
  /** The language they use Slack in (users.info's locale): answers only they read follow it. */
  locale?: string;
}

export interface SandboxChannel {
  id: string;
  name: 'general' | 'support' | 'help-billing' | 'community-es' | 'off-topic' | 'firebreak-alerts';
  /** Its members write in this language whatever the team's (community-es). */
  language?: Locale;
  /** The alerts channel is for staff; community channels are for everyone. */
  alerts?: boolean;
}

/** The sandbox workspace's Slack team: what its incidents are recorded under. */
export const SANDBOX_TEAM_ID = 'T0FIREBRK';

export const PERSONAS: readonly Persona[] = [
  { id: 'U0MEMBANA1', handle: 'ana', realName: 'Ana García', kind: 'member', title: 'Community member', locale: 'es-ES' },
  { id: 'U0MEMBBEN1', handle: 'ben', realName: 'Ben Carter', kind: 'member', title: 'Community member' },
  { id: 'U0MEMBCHL1', handle: 'chloe', realName: 'Chloé Martin', kind: 'member', title: 'Community member' },
  { id: 'U0MEMBDIE1', handle: 'diego', realName: 'Diego Ruiz', kind: 'member', title: 'Community member', locale: 'es-ES' },
  { id: 'U0MEMBEMM1', handle: 'emma', realName: 'Emma Wilson', kind: 'member', title: 'Community member' },
  { id: 'U0MEMBFAR1', handle: 'farid', realName: 'Farid Haddad', kind: 'member', title: 'Community member' },
  { id: 'U0MEMBGRA1', handle: 'grace', realName: 'Grace Lee', kind: 'member', title: 'Community member' },
  { id: 'U0MEMBHUG1', handle: 'hugo', realName: 'Hugo Sanz', kind: 'member', title: 'Community member', locale: 'es-ES' },
  { id: 'U0MEMBIRE1', handle: 'irene', realName: 'Irene Vidal', kind: 'member', title: 'Community member', locale: 'es-ES' },
  { id: 'U0MEMBJON1', handle: 'jonas', realName: 'Jonas Berg', kind: 'member', title: 'Community member' },
  { id: 'U0STAFFSAM', handle: 'sam', realName: 'Sam Ortega', kind: 'staff', title: 'On call: support, community, moderation' },
  { id: 'U0STAFFNOA', handle: 'noa', realName: 'Noa Klein', kind: 'staff', title: 'On call: comms, trust & safety, engineering' },
  { id: 'U0COMMLEAD1', handle: 'lucia', realName: 'Lucía Romero', kind: 'approver', title: 'Community lead (approver)', locale: 'es-ES' },
  { id: 'U0STAFFPRI', handle: 'priya', realName: 'Priya Nair', kind: 'approver', title: 'Community lead, trust & safety (approver)' },
  { id: 'U0QUALITY01', handle: 'quinn', realName: 'Quinn Duarte', kind: 'approver', title: 'Product quality (approver)' },
  { id: 'U0LEGAL0001', handle: 'leo', realName: 'Leo Marín', kind: 'approver', title: 'Legal (approver)', locale: 'es-ES' },
  { id: 'U0COMMS0001', handle: 'carmen', realName: 'Carmen Ibáñez', kind: 'approver', title: 'Communications (approver)', locale: 'es-ES' },
];

/** User groups named by the shipped playbooks, with who is in each. */
export const USER_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'support-oncall': ['sam'],
  'community-oncall': ['sam'],
  'moderators-oncall': ['sam'],
  moderators: ['sam', 'noa'],
  'comms-oncall': ['noa'],
  'trust-safety-oncall': ['noa'],
  'eng-oncall': ['noa'],
  'community-leads': ['lucia', 'priya'],
  'trust-safety': ['priya', 'lucia'],
  comms: ['carmen', 'lucia'],
  'security-team': ['priya'],
  legal: ['leo'],
  'product-quality': ['quinn'],
  'product-owners': ['quinn', 'priya'],
};

export const ALERTS_CHANNEL_ID = 'C0ALERTS01';

export const CHANNELS: readonly SandboxChannel[] = [
  { id: 'C0GENERAL1', name: 'general' },
  { id: 'C0SUPPORT1', name: 'support' },
  { id: 'C0HELPBIL1', name: 'help-billing' },
  { id: 'C0COMMES01', name: 'community-es', language: 'es' },
  { id: 'C0OFFTOPI1', name: 'off-topic' },
  { id: ALERTS_CHANNEL_ID, name: 'firebreak-alerts', alerts: true },
];

/** A channel's purpose, as its admins wrote it: in the channel's own language, else the team's. */
export const channelPurpose = (channel: SandboxChannel, teamLocale: Locale) => t(channel.language ?? teamLocale, `sandbox.channel.${channel.name}`, {});

/** The first calm message its host posts in a community channel, in the channel's language or the team's. */
export const channelWelcome = (channel: SandboxChannel, teamLocale: Locale) => t(channel.language ?? teamLocale, 'sandbox.channel.welcome', { channel: channel.name });

export function personaByHandle(handle: string): Persona | undefined {
  return PERSONAS.find((persona) => persona.handle === handle);
}

export function personaById(id: string): Persona | undefined {
  return PERSONAS.find((persona) => persona.id === id);
}

/**
 * Fill an empty workspace with the personas, groups and channels above; the bot is in every channel.
 * `teamLocale`: the language the channels' purposes are written in.
 */
export function seedWorkspace(workspace: SlackWorkspace, teamLocale: Locale = 'en'): void {
  for (const persona of PERSONAS) {
    workspace.addUser({ id: persona.id, name: persona.handle, real_name: persona.realName, display_name: persona.realName.split(' ')[0], ...(persona.locale ? { locale: persona.locale } : {}), ...(persona.kind !== 'member' ? { is_admin: true } : {}) });
  }
  const idOf = (handle: string) => personaByHandle(handle)?.id ?? handle;
  let groupNumber = 1;
  for (const [handle, members] of Object.entries(USER_GROUPS)) {
    workspace.addUserGroup({ id: `S0GROUP${String(groupNumber++).padStart(3, '0')}`, handle, name: handle, users: members.map(idOf) });
  }
  const staff = PERSONAS.filter((persona) => persona.kind !== 'member').map((persona) => persona.id);
  const everyone = PERSONAS.map((persona) => persona.id);
  const bot = workspace.bot.user_id;
  for (const channel of CHANNELS) {
    workspace.addChannel({
      id: channel.id,
      name: channel.name,
      purpose: channelPurpose(channel, teamLocale),
      is_general: channel.name === 'general',
      // The alerts channel is private to staff, as a team would set it up.
      ...(channel.alerts ? { is_private: true, members: [...staff, bot] } : { members: [...everyone, bot] }),
    });
  }
}
