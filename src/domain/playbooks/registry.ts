import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { checkAcrossFiles, readPlaybookDirectory } from './load.js';
import { parsePlaybookSource } from './parse.js';
import type { PlaybookProblem } from './problems.js';
import type { Playbook } from './schema.js';
import { selectPlaybook } from './select.js';
import type { SelectionContext } from './select.js';

export interface RegistryReload {
  playbooks: Playbook[];
  /** Every problem in the directory as it is now (empty when all is well). */
  problems: PlaybookProblem[];
  /** Ids added, changed (new content hash) or removed by this reload. */
  added: string[];
  changed: string[];
  removed: string[];
}

export interface PlaybookRegistryOptions {
  /** Called after every reload, including the first. */
  onReload?: (reload: RegistryReload) => void;
  /**
   * Called when a reload finds problems that differ from the last ones reported (so the alerts channel
   * is not told the same thing on every save); the app logs them and posts them to the alerts channel.
   * `onReload` always carries the full current list, including when it becomes empty again.
   */
  onProblems?: (problems: PlaybookProblem[], serving: readonly Playbook[]) => void;
  /** Editors save in bursts (write, rename, chmod): wait this long for quiet before reloading. */
  debounceMs?: number;
}

/**
 * The running set of playbooks, reloaded from disk on change. A file whose new version is invalid
 * keeps its last good version in service (and the problems are reported); a deleted file's
 * playbook is withdrawn.
 */
export class PlaybookRegistry {
  private lastGood = new Map<string, Playbook>();
  private current: Playbook[] = [];
  private currentProblems: PlaybookProblem[] = [];
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lastReported = '[]';

  private constructor(
    readonly dir: string,
    private readonly options: PlaybookRegistryOptions,
  ) {}

  /** Loads the directory once. Problems do not throw: they are reported and the valid playbooks serve. */
  static async open(dir: string, options: PlaybookRegistryOptions = {}): Promise<PlaybookRegistry> {
    const registry = new PlaybookRegistry(dir, options);
    await registry.reload();
    return registry;
  }

  get playbooks(): readonly Playbook[] {
    return this.current;
  }

  get problems(): readonly PlaybookProblem[] {
    return this.currentProblems;
  }

  get(id: string): Playbook | undefined {
    return this.current.find((playbook) => playbook.id === id);
  }

  select(context: SelectionContext): Playbook {
    return selectPlaybook(this.current, context);
  }

  /** Re-reads the directory now. Reloads run one at a time, in order. */
  reload(): Promise<RegistryReload> {
    const next = this.queue.then(() => this.reloadNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts watching the directory; changes trigger a debounced reload. */
  watch(): this {
    if (this.watcher) return this;
    this.watcher = watch(this.dir, { persistent: false }, () => this.scheduleReload());
    this.watcher.on('error', (error) => {
      this.options.onProblems?.([{ file: this.dir, line: 0, column: 0, path: '', message: `stopped watching for changes: ${error.message}` }], this.current);
    });
    return this;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleReload(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, this.options.debounceMs ?? 150);
  }

  private async reloadNow(): Promise<RegistryReload> {
    const { files, problems } = await readPlaybookDirectory(this.dir);
    const nextGood = new Map<string, Playbook>();
    for (const { file, source } of files) {
      const result = parsePlaybookSource(source, file);
      problems.push(...result.problems);
      if (result.playbook) {
        nextGood.set(file, result.playbook);
        continue;
      }
      const previous = this.lastGood.get(file);
      if (previous) {
        nextGood.set(file, previous);
        problems.push(keepingLastGood(file, previous));
      }
    }
    // A playbook already in service keeps its id and default role if an edit elsewhere clashes with it.
    const serving = new Set(this.current.map((playbook) => playbook.source.file));
    const candidates = [...nextGood.values()].sort((a, b) => Number(serving.has(b.source.file)) - Number(serving.has(a.source.file)));
    let across = checkAcrossFiles(candidates, this.dir);
    // An edit refused for clashing with another file is an invalid edit too: fall back to the file's last good version.
    const fallbacks = candidates.flatMap((candidate) => {
      const previous = this.lastGood.get(candidate.source.file);
      return !across.playbooks.includes(candidate) && previous && previous !== candidate ? [[candidate, previous] as const] : [];
    });
    if (fallbacks.length > 0) {
      const retried = checkAcrossFiles(
        candidates.map((candidate) => fallbacks.find(([refused]) => refused === candidate)?.[1] ?? candidate),
        this.dir,
      );
      const seen = new Set(across.problems.map((problem) => JSON.stringify(problem)));
      const notes = fallbacks.filter(([, previous]) => retried.playbooks.includes(previous)).map(([, previous]) => keepingLastGood(previous.source.file, previous));
      across = {
        playbooks: retried.playbooks,
        problems: [...across.problems, ...notes, ...retried.problems.filter((problem) => !seen.has(JSON.stringify(problem)))],
      };
    }
    problems.push(...across.problems);

    const before = new Map(this.current.map((playbook) => [playbook.id, playbook.contentHash]));
    const playbooks = across.playbooks.sort((a, b) => (a.source.file < b.source.file ? -1 : 1));
    const after = new Map(playbooks.map((playbook) => [playbook.id, playbook.contentHash]));
    const reload: RegistryReload = {
      playbooks,
      problems,
      added: [...after.keys()].filter((id) => !before.has(id)),
      changed: [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id)),
      removed: [...before.keys()].filter((id) => !after.has(id)),
    };
    this.lastGood = new Map(playbooks.map((playbook) => [playbook.source.file, playbook]));
    this.current = playbooks;
    this.currentProblems = problems;
    this.options.onReload?.(reload);
    const fingerprint = JSON.stringify(problems);
    if (problems.length > 0 && fingerprint !== this.lastReported) this.options.onProblems?.(problems, playbooks);
    this.lastReported = fingerprint;
    return reload;
  }
}

function keepingLastGood(file: string, previous: Playbook): PlaybookProblem {
  return {
    file,
    line: 0,
    column: 0,
    path: '',
    message: `invalid edit: still using the last good version of playbook \`${previous.id}\` (${previous.contentHash.slice(0, 12)}) until the file is fixed`,
  };
}
