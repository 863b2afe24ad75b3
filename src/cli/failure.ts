// What a `firebreak` command prints when it fails on something no typed error describes (the database
// answering with an error, a bug): one line saying which command failed, on which database, and why —
// never Prisma's multi-line report or a stack, which LOG_LEVEL=debug (or trace) adds for whoever digs in.
import { inspect } from 'node:util';
import { parseDatabaseUrl } from '../store/database-url.js';
import { DatabaseLockedError } from '../errors.js';

const PRISMA_ERRORS = new Set(['PrismaClientKnownRequestError', 'PrismaClientUnknownRequestError', 'PrismaClientInitializationError', 'PrismaClientRustPanicError', 'PrismaClientValidationError']);

/** Whether an error came from Prisma (the database, or a query it refused), by the classes' names. */
export function isPrismaError(error: unknown): error is Error & { code?: string } {
  return error instanceof Error && PRISMA_ERRORS.has(error.name);
}

/** The database DATABASE_URL names, as a person finds it: the SQLite file, or PostgreSQL's host and database (never a password). */
export function describeDatabase(databaseUrl: string): string {
  try {
    const target = parseDatabaseUrl(databaseUrl);
    if (target.provider === 'sqlite') return `the SQLite database ${target.sqliteFile ?? ':memory:'} (DATABASE_URL)`;
    const url = new URL(target.url);
    return `the PostgreSQL database ${decodeURIComponent(url.pathname.slice(1))} at ${url.hostname}:${url.port || 5432} (DATABASE_URL)`;
  } catch {
    return 'the database DATABASE_URL names';
  }
}

/**
 * Prisma's message on one line: a report that still carries its "Invalid `prisma.x()` invocation" header
 * or a code frame is reduced to what the database said.
 */
function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^Invalid `.*` invocation/.test(line) && !/^(→\s*)?\d+\s/.test(line));
  const text = lines.join(' ').replace(/\s+/g, ' ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}

/** What the database itself said under Prisma's words ("database is locked" under "Operation has timed out"). */
function databaseWords(error: Error & { meta?: unknown }): string | undefined {
  const cause = (error.meta as { driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown } } } | undefined)?.driverAdapterError?.cause;
  if (typeof cause?.originalMessage !== 'string' || cause.originalMessage.trim() === '' || error.message.includes(cause.originalMessage)) return undefined;
  return typeof cause.originalCode === 'string' ? `${cause.originalCode}: ${oneLine(cause.originalMessage)}` : oneLine(cause.originalMessage);
}

export interface FailureContext {
  /** The command as typed, e.g. `postmortem list`; undefined when it failed before one was chosen. */
  command: string | undefined;
  /** DATABASE_URL as the command read it. */
  databaseUrl: string;
  /** Whether the stack is wanted (LOG_LEVEL debug or trace). */
  debug: boolean;
}

/** The text a command's unexpected failure prints on stderr: one line, then the stack only when debugging. */
export function describeUnexpectedFailure(error: unknown, context: FailureContext): string {
  const who = context.command ? `firebreak ${context.command}` : 'firebreak';
  const hint = context.debug ? '' : ' (LOG_LEVEL=debug shows the details)';
  let line: string;
  if (error instanceof DatabaseLockedError) {
    // Its message names the file, how long it waited and that nothing was written.
    line = `${who} failed: ${oneLine(error.message)}`;
  } else if (isPrismaError(error)) {
    const code = typeof error.code === 'string' && error.code !== '' ? ` [Prisma ${error.code}]` : '';
    const words = databaseWords(error);
    line = `${who} failed: ${describeDatabase(context.databaseUrl)} answered with an error: ${oneLine(error.message) || error.name}${words ? ` (${words})` : ''}${code}${hint}`;
  } else {
    const message = error instanceof Error ? oneLine(error.message) || error.name : oneLine(String(error));
    line = `${who} failed unexpectedly: ${message}${hint}`;
  }
  if (!context.debug) return `${line}\n`;
  // Everything: the stack, Prisma's code and meta, the driver's error underneath.
  return `${line}\n${inspect(error, { depth: 6 })}\n`;
}
