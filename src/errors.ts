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
 * The database stayed locked by another process for longer than Firebreak waits: nothing was written.
 * Raised by the store (src/store/sqlite-lock-wait.ts); it lives here so every layer can recognise it.
 * It carries no `code` on purpose: Prisma turns an error with one into a PrismaClientKnownRequestError,
 * while this one reaches the caller as it is (`instanceof DatabaseLockedError`).
 */
export class DatabaseLockedError extends Error {
  /** The SQLite file (or URL) that was locked. */
  readonly database: string;
  /** How long this write waited for the lock before giving up. */
  readonly waitedMs: number;
  constructor(database: string, waitedMs: number, options?: { cause?: unknown }) {
    super(
      `The SQLite database ${database} is locked by another process (a firebreak command, a backup, another program) ` +
        `and stayed locked for ${Math.round(waitedMs)} ms: nothing was written. Let that process finish; the write can be tried again.`,
      options,
    );
    this.name = 'DatabaseLockedError';
    this.database = database;
    this.waitedMs = waitedMs;
  }
}

/**
 * Whether `error` is, or was caused by, a DatabaseLockedError: nothing is wrong with what was being
 * written, and it can be tried again as it is. Looked for inside Bolt's wrappers too (`original`, or every
 * one of `originals` when several listeners failed) and causes.
 */
export function isDatabaseLocked(error: unknown, seen = new Set<unknown>()): boolean {
  if (typeof error !== 'object' || error === null || seen.has(error)) return false;
  seen.add(error);
  if (error instanceof DatabaseLockedError) return true;
  const candidate = error as { original?: unknown; originals?: unknown; cause?: unknown };
  if (Array.isArray(candidate.originals) && candidate.originals.length > 0) return candidate.originals.every((original) => isDatabaseLocked(original, new Set(seen)));
  return isDatabaseLocked(candidate.original, seen) || isDatabaseLocked(candidate.cause, seen);
}
