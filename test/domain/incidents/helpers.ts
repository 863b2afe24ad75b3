import { expect } from 'vitest';
import type { ManualClock } from '../../../src/domain/clock.js';
import {
  defaultAuthorityPolicy,
  openIncident,
  type ApprovalPolicy,
  type Decision,
  type IncidentPolicy,
  type IncidentState,
  type OpenIncidentInput,
} from '../../../src/domain/incidents/index.js';

export const T0 = Date.UTC(2026, 10, 21, 14, 0, 0);
export const MINUTE = 60_000;

export function approvalPolicy(overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  return { approverUserIds: ['UAPPROVER1', 'UAPPROVER2'], approverGroups: [], quorum: { kind: 'any' }, fourEyes: true, ...overrides };
}

export function incidentPolicy(approvals: Partial<ApprovalPolicy> = {}, overrides: Partial<IncidentPolicy> = {}): IncidentPolicy {
  return {
    approvals: approvalPolicy(approvals),
    authority: defaultAuthorityPolicy,
    escalation: {
      unacknowledged: [
        { afterMs: 10 * MINUTE, notifyUserIds: ['UONCALL'] },
        { afterMs: 30 * MINUTE, notifyUserIds: ['UHEAD'] },
      ],
    },
    ...overrides,
  };
}

export function openInput(overrides: Partial<OpenIncidentInput> = {}): OpenIncidentInput {
  return {
    id: 'inc-1',
    number: 7,
    severity: 'sev2',
    playbookId: 'outage',
    playbookHash: 'sha256:abc',
    channelId: 'CCOMMUNITY',
    detectedAt: T0 - 5 * MINUTE,
    firstAbnormalAt: T0 - 15 * MINUTE,
    // The member message replies may answer in a thread (drafts refuse any other thread).
    detection: { negativeRatio: 0.62, baseline: 0.12, samples: [{ id: '1763733600.000100', authorId: 'UMEMBER', score: -3, text: 'Down again, nothing loads' }] },
    drill: false,
    locale: 'en',
    checklist: [
      { stepId: 'status-page', text: 'Update the status page', required: false, ownerRole: 'ops', ownerUserId: 'UOPS', dueAfterMs: 15 * MINUTE },
      { stepId: 'pin', text: 'Pin the official answer', required: false, ownerRole: 'lead', ownerUserId: null, dueAfterMs: null },
    ],
    ...overrides,
  };
}

export function openState(clock: ManualClock, overrides: Partial<OpenIncidentInput> = {}): IncidentState {
  return openIncident(openInput(overrides), incidentPolicy().escalation, clock).state;
}

/** Unwraps an accepted decision, failing the test with the refusal message otherwise. */
export function accepted(decision: Decision) {
  if (!decision.ok) expect.fail(`expected the action to be accepted, got refusal ${decision.refusal.code}: ${decision.refusal.message}`);
  return decision;
}

export function refused(decision: Decision) {
  if (decision.ok) expect.fail(`expected a refusal, got acceptance of ${decision.audit.action}`);
  return decision;
}
