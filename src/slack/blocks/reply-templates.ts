// What a playbook's reply templates are filled with in the draft modal, and how a template with a
// value nothing provided still shows (as [name], for staff to fill in before approval).
import type { IncidentState } from '../../domain/incidents/index.js';
import { renderTemplate } from '../../domain/playbooks/index.js';

/** Values the reply templates can use; member-provided ones are escaped by renderTemplate. */
export function replyTemplateValues(input: {
  /** From configuration: brand, support contact, status page. */
  defaults: Readonly<Record<string, string>>;
  state: IncidentState;
  channelName: string | null;
  /** The display name of the member a thread reply answers, when known. */
  memberName: string | null;
}): Record<string, string> {
  const { incident } = input.state;
  const values: Record<string, string> = { ...input.defaults };
  values['incident_id'] = `#${incident.number}`;
  values['severity'] = incident.severity.toUpperCase();
  values['channel'] = input.channelName ? `#${input.channelName}` : incident.channelId;
  if (incident.leadUserId) values['lead'] = `<@${incident.leadUserId}>`;
  if (input.memberName) values['member'] = input.memberName;
  return values;
}

/** Variables a reply needs but nothing provided show as [name], for staff to fill in before approval. */
export function renderOrRaw(template: string, values: Readonly<Record<string, string>>): string {
  const withPlaceholders: Record<string, string> = { ...values };
  for (const name of ['member', 'brand', 'support_contact', 'channel', 'lead']) withPlaceholders[name] ??= `[${name}]`;
  try {
    return renderTemplate(template, withPlaceholders);
  } catch {
    return template;
  }
}
