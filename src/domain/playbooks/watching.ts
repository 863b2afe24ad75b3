// What playbooks say about watching community channels: which channels they name (watched on first
// sight, and only while a playbook serving the workspace names them), who is staff (their messages are answers, not community sentiment), and how their
// detection overrides tune the detector for the channels they cover.
import type { DetectorSettings } from '../detection/settings.js';
import { channelMatches, parsePersonRef, type PersonRef } from './ref-syntax.js';
import type { PlaybookProblem } from './problems.js';
import type { Playbook } from './schema.js';

/**
 * Whether a playbook serves a Slack workspace: every workspace without `workspaces`, else only those it
 * lists. A workspace not known (undefined) is served only by unlimited playbooks: another brand's
 * playbook is never applied on a guess.
 */
export function servesTeam(playbook: Playbook, teamId: string | undefined): boolean {
  return !playbook.workspaces || (teamId !== undefined && playbook.workspaces.includes(teamId));
}

/** The playbooks a workspace uses: those that serve it. */
export function playbooksOfTeam(playbooks: readonly Playbook[], teamId: string | undefined): Playbook[] {
  return playbooks.filter((playbook) => servesTeam(playbook, teamId));
}

/**
 * Who may be told about playbook problems: a file whose version in service is limited to some
 * workspaces concerns those only (another brand's playbook errors are not shown to this one);
 * anything else (an unlimited playbook, a file never loaded, the directory) concerns every workspace
 * (`workspaces` undefined). Problems with the same audience stay together, in their order.
 */
export function problemsByAudience(
  problems: readonly PlaybookProblem[],
  serving: readonly Playbook[],
): { workspaces: readonly string[] | undefined; problems: PlaybookProblem[] }[] {
  const groups = new Map<string, { workspaces: readonly string[] | undefined; problems: PlaybookProblem[] }>();
  for (const problem of problems) {
    const workspaces = serving.find((playbook) => playbook.source.file === problem.file)?.workspaces;
    const key = workspaces ? [...workspaces].sort().join(',') : '*';
    const group = groups.get(key) ?? { workspaces, problems: [] };
    group.problems.push(problem);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A playbook's sensitivity scales the channel's alert threshold (digits of surprise). */
const SENSITIVITY: Readonly<Record<string, number>> = { high: 0.6, medium: 0.8, low: 1 };

/** Whether any playbook names the channel among its trigger channels. */
export function playbooksNameChannel(playbooks: readonly Playbook[], channel: { channelId: string; channelName?: string }): boolean {
  return playbooks.some((playbook) => (playbook.triggers.channels ?? []).some((ref) => channelMatches(ref, channel)));
}

/** A channel a playbook put under watch: its id, its stored name, and whether it is watched now. */
export interface PlaybookWatch {
  channelId: string;
  name: string | null;
  active: boolean;
}

/**
 * A channel a playbook put under watch follows the playbooks serving its workspace: watched while one
 * of them names it (by ID, name or pattern, with the name stored when it was last seen), stopped once
 * none does, resumed when one names it again. `mayStop` false (a playbook file is out of service
 * because of its errors and may name channels nobody can read now): nothing is stopped, only resumed.
 */
export function followPlaybooks<T extends PlaybookWatch>(serving: readonly Playbook[], channels: readonly T[], options: { mayStop: boolean }): { stop: T[]; resume: T[] } {
  const named = (channel: T) => playbooksNameChannel(serving, { channelId: channel.channelId, ...(channel.name ? { channelName: channel.name } : {}) });
  return {
    stop: options.mayStop ? channels.filter((channel) => channel.active && !named(channel)) : [],
    resume: channels.filter((channel) => !channel.active && named(channel)),
  };
}

/**
 * Whether a playbook file with problems has no version in service (it never loaded, or its id clashes):
 * what it would name is unknown, so no channel is stopped for want of it.
 */
export function playbooksInDoubt(problems: readonly Pick<PlaybookProblem, 'file'>[], serving: readonly Playbook[]): boolean {
  return problems.some((problem) => !serving.some((playbook) => playbook.source.file === problem.file));
}

/** Everyone the playbooks give a role (lead, approvers, extra roles): people and groups, each once; role names are not people. */
export function staffRefsOf(playbooks: readonly Playbook[]): PersonRef[] {
  const refs = new Map<string, PersonRef>();
  for (const playbook of playbooks) {
    for (const value of [playbook.roles.lead, ...playbook.roles.approvers, ...Object.values(playbook.roles.extra ?? {}).flat()]) {
      const person = parsePersonRef(value);
      if (person) refs.set(person.kind === 'handle' ? `@${person.handle}` : person.id, person);
    }
  }
  return [...refs.values()];
}

/** The detector settings of a channel the playbook covers: `base` with the playbook's detection overrides. */
export function detectorSettingsUnder(playbook: Playbook | undefined, base: DetectorSettings): DetectorSettings {
  const overrides = playbook?.triggers.detection;
  if (!overrides) return base;
  return {
    ...base,
    ...(overrides.sensitivity ? { threshold: base.threshold * (SENSITIVITY[overrides.sensitivity] ?? 1) } : {}),
    ...(overrides.minimumVolume !== undefined ? { minNegatives: overrides.minimumVolume } : {}),
    ...(overrides.cooldownMinutes !== undefined ? { cooldownMs: overrides.cooldownMinutes * 60_000 } : {}),
  };
}

/**
 * What is known of one channel's watching: its watched-channel row (null until Firebreak first
 * meets the channel), its name when known (playbooks may name channels by name or pattern).
 */
export interface ChannelWatchFacts {
  channelId: string;
  channelName?: string | null;
  row: { active: boolean } | null;
}

/**
 * Whether Firebreak watches the channel as a community channel — the watcher's own rule: its row
 * decides once there is one (/firebreak watch, unwatch, or a playbook's first sight); before that, a
 * playbook naming it among its trigger channels (by ID, name or pattern) makes it watched.
 */
export function isWatchedCommunityChannel(playbooks: readonly Playbook[], facts: ChannelWatchFacts): boolean {
  if (facts.row) return facts.row.active;
  return playbooksNameChannel(playbooks, { channelId: facts.channelId, ...(facts.channelName ? { channelName: facts.channelName } : {}) });
}

/**
 * The trust rule on the alerts channel: incident threads (drafts, approvers, quoted members,
 * post-mortem talk) are internal, so a channel the community reads may never receive them. Returns
 * why the channel may not be an alerts channel, or null when it may.
 */
export function alertsChannelRefusal(playbooks: readonly Playbook[], facts: ChannelWatchFacts): 'watched_community_channel' | null {
  return isWatchedCommunityChannel(playbooks, facts) ? 'watched_community_channel' : null;
}
