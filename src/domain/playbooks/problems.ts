import { closest, distance } from 'fastest-levenshtein';

/** One thing wrong with a playbook file or directory, positioned for a human to fix it. */
export interface PlaybookProblem {
  /** Path of the file (or directory) as given to the loader. */
  file: string;
  /** 1-based; 0 when the problem concerns the whole file or directory. */
  line: number;
  column: number;
  /** Key path inside the file, e.g. `roles.approvers[1]`; empty for file-level problems. */
  path: string;
  message: string;
  hint?: string;
}

export type KeyPath = ReadonlyArray<string | number>;

export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `file:line:column: path: message (hint)` — the shape editors and CI logs turn into links. */
export function formatProblem(problem: PlaybookProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const key = problem.path ? `${problem.path}: ` : '';
  const hint = problem.hint ? ` (${problem.hint})` : '';
  return `${where}: ${key}${problem.message}${hint}`;
}

/** "did you mean `approvers`?" when a candidate is close enough to be a plausible typo. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const best = plausibleTypoOf(input, candidates);
  return best === undefined ? undefined : `did you mean \`${best}\`?`;
}

/** The candidate `input` is a plausible typo of, if any (for a "did you mean" said in another language). */
export function plausibleTypoOf(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(input, [...candidates]);
  // Short words are all "close" to each other; only a one-letter slip is a plausible typo there.
  const limit = best.length <= 3 ? 1 : Math.max(2, Math.floor(best.length / 3));
  return distance(input.toLowerCase(), best.toLowerCase()) > limit ? undefined : best;
}
