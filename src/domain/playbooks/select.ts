import { FirebreakError } from '../../errors.js';
import { channelMatches } from './ref-syntax.js';
import { SEVERITY_LEVELS } from './schema.js';
import { servesTeam } from './watching.js';
import type { Playbook, SeverityLevel } from './schema.js';

export interface SelectionContext {
  /** The Slack workspace (team ID) of the conversation: playbooks limited to other workspaces never match. */
  teamId?: string;
  channelId?: string;
  channelName?: string;
  /** Language of the conversation (es, en, …) when known. */
  language?: string;
  /** Text of the messages, and/or the terms detection found salient; keywords are looked up in both. */
  text?: string;
  terms?: readonly string[];
}

export interface PlaybookMatch {
  matches: boolean;
  keywordHits: number;
}

/** Whether a playbook's triggers cover a conversation, and how many of its keywords appear. */
export function matchPlaybook(playbook: Playbook, context: SelectionContext): PlaybookMatch {
  const { channels, languages, keywords } = playbook.triggers;
  const none = { matches: false, keywordHits: 0 };
  if (!servesTeam(playbook, context.teamId)) return none;
  if (channels && !channels.some((ref) => channelMatches(ref, context))) return none;
  if (languages && context.language !== undefined && !(languages as readonly string[]).includes(context.language)) return none;
  if (!keywords || keywords.length === 0) return { matches: true, keywordHits: 0 };
  const haystack = normalize([context.text ?? '', ...(context.terms ?? [])].join(' \n '));
  const keywordHits = keywords.filter((keyword) => containsPhrase(haystack, normalize(keyword))).length;
  return { matches: keywordHits > 0, keywordHits };
}

/**
 * Chooses the playbook for a conversation: among those whose triggers match, the highest priority;
 * on a tie, the one with more keyword hits, then a specific one over the default, then by id.
 * Falls back to the default playbook (which serves every workspace).
 */
export function selectPlaybook(playbooks: readonly Playbook[], context: SelectionContext): Playbook {
  const ranked = playbooks
    .map((playbook) => ({ playbook, match: matchPlaybook(playbook, context) }))
    .filter(({ match }) => match.matches)
    .sort(
      (a, b) =>
        b.playbook.triggers.priority - a.playbook.triggers.priority ||
        b.match.keywordHits - a.match.keywordHits ||
        Number(a.playbook.default) - Number(b.playbook.default) ||
        (a.playbook.id < b.playbook.id ? -1 : a.playbook.id > b.playbook.id ? 1 : 0),
    );
  const chosen = ranked[0]?.playbook ?? playbooks.find((playbook) => playbook.default && servesTeam(playbook, context.teamId));
  if (!chosen) throw new FirebreakError('not_found', 'no playbook matches and there is no default playbook (set `default: true` in one)');
  return chosen;
}

export interface DetectionMeasures {
  /** Share of negative messages in the window, 0–1. */
  negativeRatio: number;
  negativeMessages: number;
  distinctAuthors: number;
}

/** The most severe level whose thresholds are all reached; sev4 when none is. */
export function classifySeverity(playbook: Playbook, measures: DetectionMeasures): SeverityLevel {
  for (const level of SEVERITY_LEVELS) {
    const when = playbook.severities[level].when;
    if (!when) continue;
    const reached =
      (when.negativeRatio === undefined || measures.negativeRatio >= when.negativeRatio) &&
      (when.negativeMessages === undefined || measures.negativeMessages >= when.negativeMessages) &&
      (when.distinctAuthors === undefined || measures.distinctAuthors >= when.distinctAuthors);
    if (reached) return level;
  }
  return 'sev4';
}

/** Lower case, accents removed, so "Caído" matches "caido". */
function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function containsPhrase(haystack: string, phrase: string): boolean {
  const escaped = phrase.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(haystack);
}
