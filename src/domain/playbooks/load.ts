import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePlaybookSource } from './parse.js';
import type { PlaybookProblem } from './problems.js';
import type { Playbook } from './schema.js';

export interface LoadResult {
  /** Every valid playbook, in file-name order. */
  playbooks: Playbook[];
  problems: PlaybookProblem[];
}

/** A playbook file is a `.yaml`/`.yml` file directly inside the directory; sub-folders are not read. */
export function isPlaybookFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !name.startsWith('.');
}

/** Parsing is synchronous; a runaway file must not stall the app's event loop. */
export const MAX_PLAYBOOK_BYTES = 256 * 1024;

export interface PlaybookFileText {
  file: string;
  source: string;
}

/** Reads every playbook file in `dir`; an unreadable directory or file becomes a problem, not an exception. */
export async function readPlaybookDirectory(dir: string): Promise<{ files: PlaybookFileText[]; problems: PlaybookProblem[] }> {
  const dirProblem = (message: string, hint?: string): PlaybookProblem => ({ file: dir, line: 0, column: 0, path: '', message, ...(hint ? { hint } : {}) });
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return { files: [], problems: [dirProblem('is not a directory')] };
    names = (await readdir(dir)).filter(isPlaybookFileName).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { files: [], problems: [dirProblem(code === 'ENOENT' ? 'playbook directory does not exist' : `cannot read playbook directory (${code ?? String(error)})`)] };
  }
  if (names.length === 0) {
    return { files: [], problems: [dirProblem('no playbooks found: the directory has no .yaml or .yml files', 'copy one of the example playbooks shipped in playbooks/ and adapt it')] };
  }
  const files: PlaybookFileText[] = [];
  const problems: PlaybookProblem[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const { size } = await stat(file);
      if (size > MAX_PLAYBOOK_BYTES) {
        problems.push({ file, line: 0, column: 0, path: '', message: `file is too large (${Math.round(size / 1024)} KB); a playbook is a few KB, the limit is ${MAX_PLAYBOOK_BYTES / 1024} KB` });
        continue;
      }
      files.push({ file, source: await readFile(file, 'utf8') });
    } catch (error) {
      // Deleted between listing and reading, or unreadable: report it and carry on with the rest.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problems.push({ file, line: 0, column: 0, path: '', message: `cannot read file (${code ?? String(error)})` });
    }
  }
  return { files, problems };
}

/**
 * Rules across files: ids are unique and exactly one playbook is the default. When two files
 * clash, the one earlier in `candidates` keeps its place and the other is refused with a problem.
 */
export function checkAcrossFiles(candidates: readonly Playbook[], dir: string): LoadResult {
  const playbooks: Playbook[] = [];
  const problems: PlaybookProblem[] = [];
  const byId = new Map<string, Playbook>();
  let defaultPlaybook: Playbook | undefined;
  for (const playbook of candidates) {
    const at = (path: string) => playbook.source.locations[path] ?? { line: 1, column: 1 };
    const clash = byId.get(playbook.id);
    if (clash) {
      problems.push({ file: playbook.source.file, ...at('id'), path: 'id', message: `duplicate playbook id \`${playbook.id}\`, already used by ${clash.source.file}`, hint: 'give each playbook its own id' });
      continue;
    }
    if (playbook.default && defaultPlaybook) {
      problems.push({ file: playbook.source.file, ...at('default'), path: 'default', message: `only one playbook may be the default; ${defaultPlaybook.source.file} already is` });
      continue;
    }
    byId.set(playbook.id, playbook);
    if (playbook.default) defaultPlaybook = playbook;
    playbooks.push(playbook);
  }
  if (candidates.length > 0 && !defaultPlaybook) {
    problems.push({ file: dir, line: 0, column: 0, path: '', message: 'no default playbook: conversations that match no playbook would have none', hint: 'set `default: true` in one playbook' });
  }
  return { playbooks, problems };
}

/** Loads and validates every playbook in a directory. One bad file never hides the good ones. */
export async function loadPlaybooks(dir: string): Promise<LoadResult> {
  const { files, problems } = await readPlaybookDirectory(dir);
  const candidates: Playbook[] = [];
  for (const { file, source } of files) {
    const result = parsePlaybookSource(source, file);
    problems.push(...result.problems);
    if (result.playbook) candidates.push(result.playbook);
  }
  const across = checkAcrossFiles(candidates, dir);
  return { playbooks: across.playbooks, problems: [...problems, ...across.problems] };
}
