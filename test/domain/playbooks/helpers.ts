import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'playbooks');
export const shippedPlaybooksDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'playbooks');

export const minimalSource = readFileSync(join(fixturesDir, 'valid', 'minimal.yaml'), 'utf8');

/** The minimal fixture with one exact piece of text replaced; fails loudly if the text is not there. */
export function minimalWith(find: string, replace: string): string {
  if (!minimalSource.includes(find)) throw new Error(`fixture does not contain ${JSON.stringify(find)}`);
  return minimalSource.replace(find, replace);
}

/** 1-based line and column of the first occurrence of `needle` in `source`. */
export function positionOf(source: string, needle: string): { line: number; column: number } {
  const index = source.indexOf(needle);
  if (index < 0) throw new Error(`source does not contain ${JSON.stringify(needle)}`);
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/** Position of the character right after `prefix`, e.g. the value after `quorum: `. */
export function positionAfter(source: string, prefix: string): { line: number; column: number } {
  const { line, column } = positionOf(source, prefix);
  return { line, column: column + prefix.length };
}
