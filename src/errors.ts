/**
 * Typed errors. Every error a user can cause carries a stable code and a message that says
 * what is wrong and where, so adapters (CLI, HTTP, Slack) can report it without a stack trace.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'database_unreachable'
  | 'database_url_invalid'
  | 'data_dir_not_writable'
  | 'migration_failed'
  | 'migration_half_applied'
  | 'input_invalid'
  | 'playbook_invalid'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'slack_api'
  /** Slack did not answer a question a person's request needs (429, 5xx, ok:false, no answer in time): nothing was done, and the next request asks again. */
  | 'slack_unavailable'
  | 'slack_limits_exceeded'
  | 'token_key_missing'
  | 'token_undecryptable'
  /** A request's workspace token cannot be had right now (unreadable, or Slack or the database not answering): not the request's fault. */
  | 'workspace_unavailable';

export class FirebreakError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FirebreakError';
    this.code = code;
  }
}

export function isFirebreakError(error: unknown): error is FirebreakError {
  return error instanceof FirebreakError;
}

/**
 * Whether `error` is, or was caused by, the store's DatabaseLockedError (src/store/sqlite-lock-wait.ts):
 * SQLite stayed locked by another process (a `firebreak` command, a backup) for as long as the store
 * waits (about 5 s), and nothing was written. Nothing is wrong with what was being written: it can be
 * tried again as it is. Recognised by its name, since the layers above the store do not import it, also
 * inside Bolt's wrappers (`original`, or every one of `originals` when several listeners failed) and causes.
 */
export function isDatabaseLocked(error: unknown, seen = new Set<unknown>()): boolean {
  if (typeof error !== 'object' || error === null || seen.has(error)) return false;
  seen.add(error);
  const candidate = error as { name?: unknown; original?: unknown; originals?: unknown; cause?: unknown };
  if (candidate.name === 'DatabaseLockedError') return true;
  if (Array.isArray(candidate.originals) && candidate.originals.length > 0) return candidate.originals.every((original) => isDatabaseLocked(original, new Set(seen)));
  return isDatabaseLocked(candidate.original, seen) || isDatabaseLocked(candidate.cause, seen);
}
