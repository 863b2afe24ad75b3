// A playbook, in the incident core's own terms: who approves and how many, who may resolve, whom to
// chase, the checklist and the post-mortem template. Groups are resolved through the directory.
import type { ApprovalPolicy, ApproverGroup, Authority, Quorum } from '../domain/approvals/policy.js';
import { approverUserIds, authority } from '../domain/approvals/policy.js';
import type { Locale } from '../i18n/index.js';
import type { ChecklistStepInput, IncidentPolicy } from '../domain/incidents/index.js';
import type { Playbook } from '../domain/playbooks/index.js';
import { parsePersonRef } from '../domain/playbooks/ref-syntax.js';
import type { PostMortemTemplate } from '../domain/postmortems/index.js';
import { deactivatedAmong, type Directory, type GroupLookUp } from './directory.js';

const MINUTE = 60_000;

interface People {
  userIds: string[];
  groups: ApproverGroup[];
}

async function resolvePeople(refs: readonly string[], playbook: Playbook, directory: Directory, seenRoles = new Set<string>(), lookUp: GroupLookUp = {}): Promise<People> {
  const people: People = { userIds: [], groups: [] };
  for (const ref of refs) {
    const role = roleMembers(playbook, ref);
    if (role) {
      if (seenRoles.has(ref)) continue;
      seenRoles.add(ref);
      const nested = await resolvePeople(role, playbook, directory, seenRoles, lookUp);
      people.userIds.push(...nested.userIds);
      people.groups.push(...nested.groups);
      continue;
    }
    const person = parsePersonRef(ref);
    if (!person) continue;
    if (person.kind === 'user') people.userIds.push(person.id);
    else {
      const group = await directory.group(person, lookUp);
      if (group) people.groups.push({ groupId: group.groupId, memberUserIds: group.memberUserIds });
    }
  }
  return { userIds: [...new Set(people.userIds)], groups: people.groups };
}

function roleMembers(playbook: Playbook, name: string): readonly string[] | undefined {
  if (name === 'lead') return [playbook.roles.lead];
  if (name === 'approvers') return playbook.roles.approvers;
  return playbook.roles.extra?.[name];
}

async function authorityOf(audience: readonly string[], playbook: Playbook, directory: Directory): Promise<Authority> {
  const named = audience.filter((entry) => entry !== 'lead' && entry !== 'approvers');
  const people = await resolvePeople(named, playbook, directory);
  return authority({ lead: audience.includes('lead'), approvers: audience.includes('approvers'), userIds: people.userIds, groups: people.groups });
}

function quorumOf(quorum: Playbook['roles']['quorum']): Quorum {
  if (quorum === 'any') return { kind: 'any' };
  if (quorum === 'all') return { kind: 'all' };
  return { kind: 'count', n: quorum };
}

export function flattenPeople(people: People): string[] {
  return [...new Set([...people.userIds, ...people.groups.flatMap((group) => group.memberUserIds)])];
}

/** `lookUp.maxAgeMs`: approver groups as Slack says now (an approval), not as cached a minute ago. */
export async function incidentPolicyFor(playbook: Playbook, directory: Directory, lookUp: GroupLookUp = {}): Promise<IncidentPolicy> {
  const approvers = await resolvePeople(playbook.roles.approvers, playbook, directory, new Set(), lookUp);
  // Slack drops deactivated accounts from user groups; approvers named by user id are dropped here alike.
  const deactivated = (await directory.deactivatedUsers?.(approvers.userIds, lookUp)) ?? [];
  const approvals: ApprovalPolicy = {
    approverUserIds: approvers.userIds.filter((userId) => !deactivated.includes(userId)),
    ...(deactivated.length > 0 ? { deactivatedUserIds: deactivated } : {}),
    approverGroups: approvers.groups,
    quorum: quorumOf(playbook.roles.quorum),
    fourEyes: playbook.roles.fourEyes,
  };
  const resolveAuthority = await authorityOf(playbook.roles.canResolve, playbook, directory);
  const unacknowledged = playbook.escalation.unacknowledged;
  const notify = flattenPeople(await resolvePeople(unacknowledged.notify, playbook, directory));
  return {
    approvals,
    authority: {
      resolve: resolveAuthority,
      reopen: resolveAuthority,
      changeSeverity: await authorityOf(playbook.roles.canChangeSeverity, playbook, directory),
    },
    stepsDoneWhen: Object.fromEntries(playbook.checklist.flatMap((step) => (step.doneWhen ? [[step.id, step.doneWhen]] : []))),
    escalation: {
      unacknowledged: Array.from({ length: unacknowledged.maxRepeats + 1 }, (_, repeat) => ({
        afterMs: (unacknowledged.afterMinutes + repeat * unacknowledged.repeatEveryMinutes) * MINUTE,
        notifyUserIds: notify,
      })),
    },
  };
}

export async function checklistFor(playbook: Playbook, locale: Locale, directory: Directory): Promise<ChecklistStepInput[]> {
  const steps: ChecklistStepInput[] = [];
  for (const step of playbook.checklist) {
    const owners = step.owner === 'lead' ? [] : flattenPeople(await resolvePeople([step.owner], playbook, directory));
    steps.push({
      stepId: step.id,
      text: step.title[locale],
      required: step.required,
      ownerRole: step.owner,
      ownerUserId: owners[0] ?? null,
      dueAfterMs: step.dueAfterMinutes === undefined ? null : step.dueAfterMinutes * MINUTE,
    });
  }
  return steps;
}

/** Whether the playbook names any approver by user group (directly or through a role): their members can change under it. */
export function namesApproverGroups(playbook: Playbook | undefined): boolean {
  if (!playbook) return false;
  const seen = new Set<string>();
  const names = (refs: readonly string[]): boolean =>
    refs.some((ref) => {
      const role = roleMembers(playbook, ref);
      if (role) return !seen.has(ref) && (seen.add(ref), names(role));
      const person = parsePersonRef(ref);
      return person !== undefined && person.kind !== 'user';
    });
  return names(playbook.roles.approvers);
}

/** Who may approve replies under this playbook now: groups resolved, accounts Slack deactivated left out. */
export async function approversNow(playbook: Playbook, directory: Directory): Promise<string[]> {
  return approverUserIds((await incidentPolicyFor(playbook, directory)).approvals);
}

/** Who reviews a post-mortem under this playbook, groups resolved now. */
export async function postMortemReviewersOf(playbook: Playbook, directory: Directory): Promise<string[]> {
  return flattenPeople(await resolvePeople(playbook.postMortem.reviewers, playbook, directory));
}

/**
 * The reviewers a post-mortem sent for review now waits for: those Slack deactivated left out, as
 * they could never approve it (one Slack cannot answer about is kept).
 */
export async function activePostMortemReviewersOf(playbook: Playbook, directory: Directory): Promise<string[]> {
  const reviewers = await postMortemReviewersOf(playbook, directory);
  const gone = await deactivatedAmong(directory, reviewers);
  return reviewers.filter((userId) => !gone.includes(userId));
}

export async function postMortemTemplateFor(playbook: Playbook, locale: Locale, directory: Directory): Promise<PostMortemTemplate> {
  return {
    questions: playbook.postMortem.questions.map((question) => ({
      id: question.id,
      label: question.prompt[locale],
      required: question.required,
      answer: question.answer.replace('-', '_') as PostMortemTemplate['questions'][number]['answer'],
      ...(question.min !== undefined ? { min: question.min } : {}),
      ...(question.max !== undefined ? { max: question.max } : {}),
    })),
    dueAfterMs: playbook.postMortem.dueWithinDays * 24 * 60 * MINUTE,
    reviewerUserIds: await postMortemReviewersOf(playbook, directory),
    requiredFields: ['summary', 'impact', 'whatHappened'],
  };
}


/** The people an audience (role names, users, groups) of a playbook stands for. */
export async function peopleOf(playbook: Playbook, audience: readonly string[], directory: Directory): Promise<string[]> {
  return flattenPeople(await resolvePeople(audience, playbook, directory));
}
