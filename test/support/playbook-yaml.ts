// Playbook YAML for tests and the chaos script: what every test playbook shares (the four severities by
// negative-message count, the unanswered-negative reminder, the one post-mortem question) written once,
// so each playbook names only what its test depends on.

/** One checklist step, owned by the incident's lead. */
export interface ChecklistStep {
  id: string;
  title: { es: string; en: string };
  dueAfterMinutes: number;
  /** `false` writes `required: false`; left out, the step is required (the playbook default). */
  required?: false;
}

export interface PlaybookParts {
  id: string;
  /** A plain name or a YAML map by language; "Support channel crisis" when not given. */
  name?: string;
  description?: string;
  /** Lines between `ownerTeam` and `triggers` (`default: true`, `workspaces: [...]`); `default: true` when not given. */
  head?: string;
  /** Channels the playbook watches; #support when not given. */
  channels?: string[];
  priority?: number;
  /** The lines of the `roles` map, each as written under it without its indentation (`quorum: 2`). */
  roles: string[];
  checklist: ChecklistStep[];
  /** The one reply template, to the community channel. */
  reply: { id?: string; es: string; en: string };
  /** Who is told when nobody acknowledges, and how often. */
  unacknowledged: { afterMinutes: number; notify: string; repeatEveryMinutes: number; maxRepeats: number };
}

/** The four severities test playbooks use: sev3 from 5 negative messages, sev2 from 10, sev1 from 100. */
export const TEST_SEVERITIES = `severities:
  sev1: { meaning: { es: Crisis total., en: Full crisis. }, when: { negativeMessages: 100 } }
  sev2: { meaning: { es: Crisis seria., en: Serious crisis. }, when: { negativeMessages: 10 } }
  sev3: { meaning: { es: Problema local., en: Local problem. }, when: { negativeMessages: 5 } }
  sev4: { meaning: { es: Quejas sueltas., en: Isolated complaints. } }
`;

/** Roles where @community-leads lead and approve, two distinct approvers needed (four-eyes). */
export const LEADS_APPROVE_TWO = ['lead: "@community-leads"', 'approvers: ["@community-leads"]', 'quorum: 2', 'fourEyes: true'];

const step = (s: ChecklistStep) =>
  `  - id: ${s.id}\n    title: { es: ${s.title.es}, en: ${s.title.en} }\n    owner: lead\n    dueAfterMinutes: ${s.dueAfterMinutes}\n${s.required === false ? '    required: false\n' : ''}`;

/** A playbook's YAML source from the parts a test cares about. */
export function playbookYaml(parts: PlaybookParts): string {
  const { unacknowledged: un } = parts;
  return `formatVersion: 1
id: ${parts.id}
name: ${parts.name ?? 'Support channel crisis'}
description: ${parts.description ?? 'Members of the support channel are upset.'}
ownerTeam: Community
${parts.head ?? 'default: true'}
triggers:
  channels: [${(parts.channels ?? ['support']).join(', ')}]
${parts.priority === undefined ? '' : `  priority: ${parts.priority}\n`}${TEST_SEVERITIES}roles:
${parts.roles.map((line) => `  ${line}\n`).join('')}checklist:
${parts.checklist.map(step).join('')}replies:
  - id: ${parts.reply.id ?? 'holding'}
    target: channel
    text:
      es: ${parts.reply.es}
      en: ${parts.reply.en}
    guidance: { es: Sé breve., en: Keep it short. }
escalation:
  unacknowledged: { afterMinutes: ${un.afterMinutes}, notify: ${un.notify}, repeatEveryMinutes: ${un.repeatEveryMinutes}, maxRepeats: ${un.maxRepeats} }
  unansweredNegative: { afterMinutes: 30, remind: [lead] }
postMortem:
  dueWithinDays: 5
  reviewers: [approvers]
  questions:
    - id: lessons
      prompt: { es: ¿Qué aprendimos?, en: What did we learn? }
`;
}

/** A playbook needing two distinct approvers from @community-leads, four-eyes on. */
export const TWO_APPROVER_PLAYBOOK = playbookYaml({
  id: 'e2e-support',
  name: '{ es: Crisis en el canal de soporte, en: Support channel crisis }',
  priority: 10,
  roles: [...LEADS_APPROVE_TWO, 'canResolve: [lead, approvers]', 'canChangeSeverity: [lead, approvers]'],
  checklist: [{ id: 'acknowledge', title: { es: 'Confirmar el incidente', en: 'Acknowledge the incident' }, dueAfterMinutes: 5 }],
  reply: {
    es: 'Sabemos que hay un problema con {{brand}} y ya estamos en ello. Escríbenos por {{support_contact}} si te afecta.',
    en: 'We know something is wrong with {{brand}} and we are on it. Reach us at {{support_contact}} if it affects you.',
  },
  unacknowledged: { afterMinutes: 10, notify: '["@community-leads"]', repeatEveryMinutes: 10, maxRepeats: 1 },
});
