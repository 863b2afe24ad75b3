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
