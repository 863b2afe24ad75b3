import { BUILT_IN_ROLES, LANGUAGES, SEVERITY_LEVELS } from './schema.js';
import type { PlaybookFile } from './schema.js';
import { didYouMean } from './problems.js';
import type { KeyPath } from './problems.js';
import { isPersonRef } from './ref-syntax.js';
import { analyzeTemplate, TEMPLATE_VARIABLE_NAMES } from './templates.js';

/** A rule broken across several keys; `textOffset` points inside a string value (templates). */
export interface SemanticIssue {
  path: KeyPath;
  message: string;
  hint?: string;
  textOffset?: number;
}

/** Checks what a schema cannot: names that must refer to each other, counts, templates. */
export function checkPlaybookSemantics(playbook: PlaybookFile): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const roleNames = [...BUILT_IN_ROLES, ...Object.keys(playbook.roles.extra ?? {})];

  for (const name of Object.keys(playbook.roles.extra ?? {})) {
    if ((BUILT_IN_ROLES as readonly string[]).includes(name)) {
      issues.push({ path: ['roles', 'extra', name], message: `\`${name}\` is a built-in role; give the extra role another name` });
    }
  }

  const checkRole = (path: KeyPath, name: string): void => {
    if (roleNames.includes(name)) return;
    issues.push({
      path,
      message: `unknown role \`${name}\`; roles are ${roleNames.map((role) => `\`${role}\``).join(', ')}`,
      hint: didYouMean(name, roleNames) ?? 'add it under roles.extra',
    });
  };
  const checkAudience = (path: KeyPath, entries: readonly string[]): void => {
    entries.forEach((entry, index) => {
      if (!isPersonRef(entry)) checkRole([...path, index], entry);
    });
  };

  if (playbook.default && playbook.workspaces) {
    // The default is the fallback of every workspace: limited, another workspace would have none.
    issues.push({
      path: ['workspaces'],
      message: 'the default playbook serves every workspace and cannot be limited to some',
      hint: 'remove `workspaces` here; to give a workspace its own fallback, leave `triggers` out of a playbook limited to it (it then covers every conversation there and wins over the default)',
    });
  }

  const { quorum, approvers } = playbook.roles;
  const distinctApprovers = new Set(approvers).size;
  const onlyUsers = approvers.every((approver) => /^[UW]/.test(approver));
  // One person or group listed twice approves once. The repeat is named where it makes the quorum
  // unreachable; elsewhere it is harmless, and refusing it would drop a playbook that ran before.
  const repeatBreaksQuorum = typeof quorum === 'number' && onlyUsers && quorum > distinctApprovers && quorum <= approvers.length;
  approvers.forEach((approver, index) => {
    const first = approvers.indexOf(approver);
    if (repeatBreaksQuorum && first < index) {
      issues.push({
        path: ['roles', 'approvers', index],
        message: `\`${approver}\` is listed twice (also item ${first + 1}); each approver counts once towards the quorum`,
        hint: 'remove the repeat, or write the approver you meant',
      });
    }
  });
  if (typeof quorum === 'number' && onlyUsers && quorum > distinctApprovers) {
    // With user groups among the approvers the real head-count is only known in the workspace.
    issues.push({
      path: ['roles', 'quorum'],
      message: `quorum ${quorum} is larger than the ${distinctApprovers} approver(s) listed, so no reply could ever be approved`,
      hint: 'lower the quorum, add approvers, or use `all`',
    });
  }
  checkAudience(['roles', 'canResolve'], playbook.roles.canResolve);
  checkAudience(['roles', 'canChangeSeverity'], playbook.roles.canChangeSeverity);
  checkAudience(['escalation', 'unacknowledged', 'notify'], playbook.escalation.unacknowledged.notify);
  checkAudience(['escalation', 'unansweredNegative', 'remind'], playbook.escalation.unansweredNegative.remind);
  checkAudience(['postMortem', 'reviewers'], playbook.postMortem.reviewers);

  playbook.checklist.forEach((step, index) => checkRole(['checklist', index, 'owner'], step.owner));
  checkUniqueIds(issues, 'checklist', playbook.checklist);
  checkUniqueIds(issues, 'replies', playbook.replies);
  checkUniqueIds(issues, ['postMortem', 'questions'], playbook.postMortem.questions);
  playbook.postMortem.questions.forEach((question, index) => {
    const path = ['postMortem', 'questions', index];
    for (const bound of ['min', 'max'] as const) {
      if (question[bound] !== undefined && question.answer !== 'number') issues.push({ path: [...path, bound], message: `\`${bound}\` only applies to \`answer: number\``, hint: `remove it, or set answer: number` });
    }
    if (question.min !== undefined && question.max !== undefined && question.min > question.max) {
      issues.push({ path: [...path, 'max'], message: `must be at least \`min\` (${question.min}), not ${question.max}` });
    }
  });

  for (const level of SEVERITY_LEVELS) {
    const when = playbook.severities[level].when;
    if (when && Object.values(when).every((value) => value === undefined)) {
      issues.push({ path: ['severities', level, 'when'], message: 'gives no threshold', hint: 'set negativeRatio, negativeMessages or distinctAuthors, or remove `when`' });
    }
  }

  return issues;
}

/** Checks the reply templates of a file's raw data, whatever shape the rest of it is in. */
export function checkReplyTemplates(data: unknown): SemanticIssue[] {
  const replies = (data as { replies?: unknown } | null)?.replies;
  if (!Array.isArray(replies)) return [];
  return replies.flatMap((reply: unknown, index) => {
    const text = (reply as { text?: unknown } | null)?.text;
    if (text === null || typeof text !== 'object') return [];
    return LANGUAGES.flatMap((language) => {
      const template = (text as Record<string, unknown>)[language];
      return typeof template === 'string' ? checkTemplate(['replies', index, 'text', language], template) : [];
    });
  });
}

function checkUniqueIds(issues: SemanticIssue[], at: string | KeyPath, items: ReadonlyArray<{ id: string }>): void {
  const base = typeof at === 'string' ? [at] : at;
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, index);
    else issues.push({ path: [...base, index, 'id'], message: `duplicate id \`${item.id}\` (also used by item ${first + 1})` });
  });
}

function checkTemplate(path: KeyPath, template: string): SemanticIssue[] {
  const analysis = analyzeTemplate(template);
  if (analysis.syntaxError) {
    return [{ path, message: `template syntax error: ${analysis.syntaxError.message}`, textOffset: analysis.syntaxError.offset }];
  }
  const issues: SemanticIssue[] = [];
  for (const use of analysis.uses) {
    if (use.kind === 'unescaped') {
      issues.push({ path, textOffset: use.offset, message: `\`{{{${use.name}}}}\`/\`{{&${use.name}}}\` would skip escaping, which lets member text post mentions`, hint: `write {{${use.name}}}` });
    } else if (use.kind === 'partial') {
      issues.push({ path, textOffset: use.offset, message: `partials (\`{{>${use.name}}}\`) are not supported in reply templates` });
    } else if (!(TEMPLATE_VARIABLE_NAMES as readonly string[]).includes(use.name)) {
      issues.push({
        path,
        textOffset: use.offset,
        message: `unknown template variable \`{{${use.name}}}\`; nothing provides it when a reply is drafted`,
        hint: didYouMean(use.name, TEMPLATE_VARIABLE_NAMES) ?? `available: ${TEMPLATE_VARIABLE_NAMES.join(', ')}`,
      });
    }
  }
  return issues;
}
