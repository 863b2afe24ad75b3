// Arguments of `/firebreak declare|watch|unwatch`: channel references in every form Slack sends or
// people type, and declare's optional severity and `drill` flag in any order.
import { SEVERITIES, type Severity } from '../../domain/incidents/index.js';

/** A channel as typed: a known ID (from `<#C…|name>`, `<#C…>` or a bare ID) or a name still to look up. */
export type ChannelArg = { readonly id: string; readonly name: string | null } | { readonly id: null; readonly name: string };

const CHANNEL_REF = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
/** Slack channel names: lower-case letters, digits, `-` and `_`, up to 80 characters. */
const CHANNEL_NAME = /^#([\p{L}\p{N}_-]{1,80})$/u;

/** `<#C123|support>` as Slack sends it (should_escape), `<#C123>`, a bare ID, or a plain `#support`. */
export function parseChannelArg(token: string | undefined): ChannelArg | null {
  if (!token) return null;
  const match = CHANNEL_REF.exec(token);
  if (match?.[1]) return { id: match[1], name: match[2] || null };
  if (CHANNEL_ID.test(token)) return { id: token, name: null };
  const named = CHANNEL_NAME.exec(token);
  if (named?.[1]) return { id: null, name: named[1].toLowerCase() };
  return null;
}

export const DEFAULT_DECLARED_SEVERITY: Severity = 'sev3';
/** Words that make a declared incident a drill (the Spanish one for Spanish-speaking teams). */
const DRILL_WORDS = new Set(['drill', 'simulacro']);

export interface DeclareArgs {
  readonly channel: ChannelArg | null;
  /** The token that was meant as the channel, for the error message. */
  readonly channelToken: string | null;
  readonly severity: Severity;
  /** A `sevN`-looking word that is not a severity ("sev9"), to refuse instead of reading it as summary. */
  readonly badSeverity: string | null;
  readonly drill: boolean;
  readonly summary: string;
  /** `drill`/`simulacro` written inside the summary of a real incident ("… no van, simulacro"): it counts only before it. */
  readonly drillWordInSummary: boolean;
}

/**
 * `declare <channel> [sevN] [drill] <summary>`: the channel, severity and `drill` may come in any order
 * before the summary; severity defaults to SEV3 as the help says.
 */
export function parseDeclareArgs(tokens: readonly string[]): DeclareArgs {
  let channel: ChannelArg | null = null;
  let channelToken: string | null = null;
  let severity: Severity | null = null;
  let badSeverity: string | null = null;
  let drill = false;
  let index = 0;
  for (; index < tokens.length; index += 1) {
    const token = tokens[index] as string;
    const word = token.toLowerCase();
    if (DRILL_WORDS.has(word) && !drill) {
      drill = true;
    } else if (/^sev\d+$/.test(word) && severity === null && badSeverity === null) {
      if ((SEVERITIES as readonly string[]).includes(word)) severity = word as Severity;
      else badSeverity = token;
    } else if (channelToken === null) {
      channelToken = token;
      channel = parseChannelArg(token);
    } else {
      break;
    }
  }
  const summaryWords = tokens.slice(index).map((token) => token.toLowerCase().replace(/^\p{P}+|\p{P}+$/gu, ''));
  const drillWordInSummary = !drill && summaryWords.some((word) => DRILL_WORDS.has(word));
  return { channel, channelToken, severity: severity ?? DEFAULT_DECLARED_SEVERITY, badSeverity, drill, summary: tokens.slice(index).join(' ').trim(), drillWordInSummary };
}
