// The words `/firebreak` understands: each subcommand's English word and its Spanish alias, accepted
// whatever the person's language (a Spanish-speaking team types `estado` as readily as `status`).
import { distance } from 'fastest-levenshtein';
import type { Locale } from '../i18n/index.js';

export const COMMAND_NAMES = ['help', 'status', 'declare', 'list', 'watch', 'unwatch', 'alerts', 'resolve'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The Spanish word for each subcommand, in the es catalogue's vocabulary ("vigilar", "resolver"…). */
export const SPANISH_WORDS: Readonly<Record<CommandName, string>> = {
  help: 'ayuda',
  status: 'estado',
  declare: 'declarar',
  list: 'lista',
  watch: 'vigilar',
  unwatch: 'dejar-de-vigilar',
  alerts: 'alertas',
  resolve: 'resolver',
};

const BY_WORD: ReadonlyMap<string, CommandName> = new Map(
  COMMAND_NAMES.flatMap((name) => [[name, name] as const, [SPANISH_WORDS[name], name] as const]),
);

/** The subcommand a typed word names (any case, English or Spanish), or null for an unknown word. */
export function commandNamed(word: string): CommandName | null {
  return BY_WORD.get(word.toLowerCase()) ?? null;
}

/**
 * The subcommand `words` start with, the word as the help writes it, and the words after it. A
 * Spanish word of several is also taken spaced, as people say it ("dejar de vigilar", any case).
 */
export function commandAtStart(words: readonly string[]): { word: string; name: CommandName | null; rest: string[] } {
  for (const name of COMMAND_NAMES) {
    const parts = SPANISH_WORDS[name].split('-');
    if (parts.length > 1 && words.length >= parts.length && words.slice(0, parts.length).join('-').toLowerCase() === SPANISH_WORDS[name]) {
      return { word: SPANISH_WORDS[name], name, rest: words.slice(parts.length) };
    }
  }
  const [word = 'help', ...rest] = words;
  return { word, name: commandNamed(word), rest };
}

/** The word the help and usage lines show in this language. */
export function commandWord(name: CommandName, locale: Locale): string {
  return locale === 'es' ? SPANISH_WORDS[name] : name;
}

/**
 * The known word an unknown one was most likely meant as ("estdo" → estado, "lsit" → list), or null
 * when none is close: at most one edit for words of up to four letters, two for longer ones. On a tie
 * the person's language wins. Only the commands in `among` are suggested (those the person may run).
 */
export function closestCommandWord(typed: string, locale: Locale, among: readonly CommandName[] = COMMAND_NAMES): string | null {
  const word = typed.toLowerCase();
  const allowed = word.length <= 4 ? 1 : 2;
  const candidates = among.flatMap((name) => (locale === 'es' ? [SPANISH_WORDS[name], name] : [name, SPANISH_WORDS[name]]));
  let best: { word: string; edits: number } | null = null;
  for (const candidate of candidates) {
    // Each edit changes the length by one at most: a word much longer or shorter is never close, and
    // skipping it keeps a 4,000-letter word from costing seconds (editDistance is quadratic).
    if (Math.abs(word.length - candidate.length) > allowed) continue;
    const edits = editDistance(word, candidate);
    if (edits <= allowed && (best === null || edits < best.edits)) best = { word: candidate, edits };
  }
  return best?.word ?? null;
}

/** Levenshtein distance, with two swapped neighbours ("lsit") counted as one edit, as people mistype. */
function editDistance(a: string, b: string): number {
  let edits = distance(a, b);
  for (let i = 0; i + 1 < a.length; i += 1) {
    if (a[i] === a[i + 1]) continue;
    const swapped = a.slice(0, i) + (a[i + 1] ?? '') + (a[i] ?? '') + a.slice(i + 2);
    edits = Math.min(edits, 1 + distance(swapped, b));
  }
  return edits;
}
