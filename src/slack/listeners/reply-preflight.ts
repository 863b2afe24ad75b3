// What the reply preflight compares a draft with, gathered for the listeners: the language of the
// message or channel it answers, the texts contact details may come from, the playbook's link domains.
import type { Locale } from '../../i18n/index.js';
import { languageOfText, type IncidentState, type PreflightContext, type ReplyTarget } from '../../domain/incidents/index.js';
import { liveSamples, readDetection } from '../blocks/detection-summary.js';
import type { SlackServices } from './services.js';

/** An incident with the workspace it belongs to: its channel's language is that workspace's row's. */
type IncidentOf = { workspaceId: string; state: IncidentState };

/** The language of the member message a thread reply answers, else of the channel; undefined when unclear. */
export async function targetLanguageOf(services: SlackServices, { workspaceId, state }: IncidentOf, target: ReplyTarget): Promise<Locale | undefined> {
  if (target.kind === 'thread') {
    const sample = liveSamples(readDetection(state.incident.detection)).find((candidate) => candidate.id === target.messageTs);
    const language = sample ? languageOfText(sample.text) : null;
    if (language) return language;
  }
  return services.communityLanguage?.(workspaceId, state.incident.channelId);
}

export async function replyPreflightContext(services: SlackServices, incident: IncidentOf, target: ReplyTarget | null): Promise<PreflightContext> {
  const { state } = incident;
  const playbook = services.playbook(state.incident.playbookId);
  const knownTexts = [
    ...(playbook?.replies ?? []).flatMap((reply) => [reply.text.en, reply.text.es]),
    ...Object.values(services.templateDefaults),
  ];
  return {
    ...(target ? { targetLanguage: await targetLanguageOf(services, incident, target) } : {}),
    knownTexts,
    allowedLinkDomains: playbook?.allowedLinkDomains ?? [],
  };
}
