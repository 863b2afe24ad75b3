/**
 * Who may approve a reply and how many must agree. This is the incident core's own narrow input: the
 * playbook layer maps its roles onto it, and the edge resolves Slack user-group membership beforehand.
 */
export type Quorum =
  | { readonly kind: 'any' }
  /** Every eligible approver (drafter and editors excluded under four-eyes). */
  | { readonly kind: 'all' }
  /** At least n distinct approvers on the same revision. */
  | { readonly kind: 'count'; readonly n: number };

export interface ApproverGroup {
  readonly groupId: string;
  /** Resolved by the edge (usergroups.users.list) at the time of the decision. */
  readonly memberUserIds: readonly string[];
}

export interface ApprovalPolicy {
  /** Approvers named by user id whose accounts Slack has not deactivated (the edge leaves those out). */
  readonly approverUserIds: readonly string[];
  /**
   * Approvers the playbook names by user id whose Slack accounts are deactivated: no longer eligible,
   * as Slack drops them from user groups; kept only to say why they no longer count.
   */
  readonly deactivatedUserIds?: readonly string[];
  readonly approverGroups: readonly ApproverGroup[];
  readonly quorum: Quorum;
  /** When true, nobody who wrote or edited a revision may approve it. */
  readonly fourEyes: boolean;
}

/** Everyone who may approve, deduplicated, in a stable order (listed users first, then groups). */
export function approverUserIds(policy: ApprovalPolicy): string[] {
  const ids = new Set<string>(policy.approverUserIds);
  for (const group of policy.approverGroups) for (const member of group.memberUserIds) ids.add(member);
  return [...ids];
}

export function isApprover(policy: ApprovalPolicy, userId: string): boolean {
  return (
    policy.approverUserIds.includes(userId) ||
    policy.approverGroups.some((group) => group.memberUserIds.includes(userId))
  );
}

/** The approvers allowed to approve a revision written (or edited) by `contributorUserIds`. */
export function eligibleApprovers(policy: ApprovalPolicy, contributorUserIds: readonly string[]): string[] {
  const all = approverUserIds(policy);
  return policy.fourEyes ? all.filter((id) => !contributorUserIds.includes(id)) : all;
}

/** How many distinct approvals the quorum needs, given who is eligible. */
export function approvalsRequired(policy: ApprovalPolicy, eligibleCount: number): number {
  switch (policy.quorum.kind) {
    case 'any':
      return 1;
    case 'all':
      return Math.max(1, eligibleCount);
    case 'count':
      return policy.quorum.n;
  }
}

/** A quorum count the approval rule cannot work with (the playbook schema should have caught it). */
export function isInvalidQuorum(quorum: Quorum): boolean {
  return quorum.kind === 'count' && (!Number.isInteger(quorum.n) || quorum.n < 1);
}

/**
 * Who may take an action that changes the incident's course (a playbook's `canResolve: [lead, approvers]`).
 * While nobody has taken the lead, `lead` is read as "approvers", so an unacknowledged false alarm can
 * still be closed by someone accountable.
 */
export interface Authority {
  readonly anyone: boolean;
  /** The incident's current lead. */
  readonly lead: boolean;
  /** Everyone in the approval policy. */
  readonly approvers: boolean;
  /** People and groups named directly (groups resolved by the edge). */
  readonly userIds: readonly string[];
  readonly groups: readonly ApproverGroup[];
}

export interface AuthorityPolicy {
  readonly resolve: Authority;
  readonly reopen: Authority;
  readonly changeSeverity: Authority;
}

export function authority(parts: Partial<Authority>): Authority {
  return { anyone: false, lead: false, approvers: false, userIds: [], groups: [], ...parts };
}

export const defaultAuthorityPolicy: AuthorityPolicy = {
  resolve: authority({ lead: true, approvers: true }),
  reopen: authority({ lead: true, approvers: true }),
  changeSeverity: authority({ lead: true, approvers: true }),
};

export function hasAuthority(
  who: Authority,
  userId: string,
  leadUserId: string | null,
  approvals: ApprovalPolicy,
): boolean {
  if (who.anyone) return true;
  if (who.lead && leadUserId !== null && userId === leadUserId) return true;
  const approversMayAct = who.approvers || (who.lead && leadUserId === null);
  if (approversMayAct && isApprover(approvals, userId)) return true;
  return who.userIds.includes(userId) || who.groups.some((g) => g.memberUserIds.includes(userId));
}
