// Opens the Prisma client for the configured provider, after checking that the database can be used.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { FirebreakError } from '../errors.js';
import { redactDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { migrationsUpToDate } from './migration-status.js';
import type { PrismaClient as SqlitePrismaClient } from './generated/sqlite/client.js';
import { serialisedWrites } from './serialised-sqlite.js';
import { SQLITE_BLOCKING_WAIT_MS } from './sqlite-lock-wait.js';

/**
 * Both generated clients expose the same models (their schemas come from one file); the SQLite
 * client's type is the one the code is written against.
 */
export type PrismaDb = SqlitePrismaClient;

export interface Database {
  prisma: PrismaDb;
  target: DatabaseTarget;
  /** Round-trip to the database; throws when it is unreachable. */
  ping(): Promise<number>;
  /** Whether every migration this version ships is applied (one plain query, no schema engine). */
  migrationsUpToDate(): Promise<boolean>;
  close(): Promise<void>;
}

/** Creates the SQLite file's folder, and refuses clearly when it cannot be written. */
export function prepareSqliteFile(target: DatabaseTarget): void {
  if (!target.sqliteFile) return;
  const folder = dirname(target.sqliteFile);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new FirebreakError('data_dir_not_writable', `Cannot create the data directory ${folder} for DATABASE_URL: ${(error as NodeJS.ErrnoException).code ?? error}.`);
  }
  const probe = existsSync(target.sqliteFile) ? target.sqliteFile : folder;
  try {
    accessSync(probe, constants.W_OK);
  } catch {
    throw new FirebreakError('data_dir_not_writable', `The SQLite database ${probe} (DATABASE_URL) is not writable.`);
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  prepareSqliteFile(target);
  const prisma = await createPrismaClient(target);
  const database: Database = {
    prisma,
    target,
    async ping() {
      const started = performance.now();
      await prisma.$queryRawUnsafe('SELECT 1');
      return performance.now() - started;
    },
    migrationsUpToDate: () => migrationsUpToDate(target, (sql) => prisma.$queryRawUnsafe(sql)),
    close: () => prisma.$disconnect(),
  };
  try {
    await database.ping();
    if (target.provider === 'sqlite') {
      // WAL lets readers run beside the writer. Another process's write lock is waited for by the
      // adapter, asynchronously (sqlite-lock-wait.ts), not by a long busy_timeout.
      await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
      // In WAL mode NORMAL survives a process crash (the OS keeps the log); only a power cut can lose the last commits.
      await prisma.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    }
  } catch (error) {
    await prisma.$disconnect().catch(() => undefined);
    throw describeConnectionError(target, error);
  }
  return database;
}

/**
 * Prisma's errors say only what the database answered: without `minimal` (Prisma's default outside
 * NODE_ENV=production) each carries a multi-line "Invalid `prisma.x()` invocation" report with a code
 * frame, split across the server's JSON logs and printed whole by the CLI, and every query captures a
 * stack for it. The stack is the error's own either way.
 */
const ERROR_FORMAT = 'minimal';

/** Loads only the configured provider's client and driver: a SQLite install never loads pg, and back. */
async function createPrismaClient(target: DatabaseTarget): Promise<PrismaDb> {
  if (target.provider === 'postgres') {
    const [{ PrismaClient }, { PrismaPg }] = await Promise.all([import('./generated/postgres/client.js'), import('@prisma/adapter-pg')]);
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url }), errorFormat: ERROR_FORMAT }) as unknown as PrismaDb;
  }
  const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([import('./generated/sqlite/client.js'), import('@prisma/adapter-better-sqlite3')]);
  // One connection: writes outside a transaction wait for the open one instead of joining it. SQLite's
  // own busy wait (better-sqlite3's `timeout`, 5 s by default) blocks the event loop: kept to a few ms.
  return new PrismaClient({
    adapter: serialisedWrites(new PrismaBetterSqlite3({ url: target.url, timeout: SQLITE_BLOCKING_WAIT_MS }), { database: target.sqliteFile ?? target.url }),
    errorFormat: ERROR_FORMAT,
  });
}

export function describeConnectionError(target: DatabaseTarget, error: unknown): FirebreakError {
  // Every message below ends with its own full stop.
  const detail = connectionErrorDetail(error).replace(/\.+$/, '');
  if (target.provider === 'postgres') {
    const url = new URL(target.url);
    return new FirebreakError(
      'database_unreachable',
      `PostgreSQL at ${url.hostname}:${url.port || 5432} (DATABASE_URL ${redactDatabaseUrl(target.url)}) is unreachable: ${detail}.`,
      { cause: error },
    );
  }
  return new FirebreakError('database_unreachable', `The SQLite database ${target.sqliteFile ?? target.url} (DATABASE_URL) cannot be opened: ${detail}.`, { cause: error });
}

function connectionErrorDetail(error: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && !seen.has(current)) {
    seen.add(current);
    const candidate = current as { code?: string; message?: string; cause?: unknown };
    if (candidate.code && /^E[A-Z]+$/.test(candidate.code)) return candidate.code;
    current = candidate.cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  // Prisma heads its message with "Invalid `prisma.$queryRawUnsafe()` invocation:", which says nothing.
  return message.split('\n').find((line) => line.trim() && !/^\s*Invalid `.*` invocation/.test(line))?.trim() ?? 'unknown error';
}
