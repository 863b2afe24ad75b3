import { isAbsolute, resolve } from 'node:path';
import { FirebreakError } from '../errors.js';
import type { DatabaseProvider } from './schema-files.js';

export interface DatabaseTarget {
  provider: DatabaseProvider;
  /** Connection string for PostgreSQL; `file:<absolute path>` or `:memory:` for SQLite. */
  url: string;
  /** Absolute path of the SQLite file (absent for PostgreSQL and in-memory SQLite). */
  sqliteFile?: string;
}

/** Reads DATABASE_URL: `file:<path>` selects SQLite, `postgres://` or `postgresql://` PostgreSQL. */
export function parseDatabaseUrl(raw: string, cwd: string = process.cwd()): DatabaseTarget {
  const value = raw.trim();
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new FirebreakError('database_url_invalid', 'DATABASE_URL is not a valid PostgreSQL URL (expected postgres://user@host:port/database).');
    }
    if (!parsed.hostname || parsed.pathname.length <= 1) {
      throw new FirebreakError('database_url_invalid', 'DATABASE_URL must name a host and a database (postgres://user@host:port/database).');
    }
    return { provider: 'postgres', url: value };
  }
  if (value.startsWith('file:')) {
    const path = value.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new FirebreakError('database_url_invalid', 'DATABASE_URL "file:" needs a path, e.g. file:./data/firebreak.db.');
    if (path === ':memory:') return { provider: 'sqlite', url: 'file::memory:' };
    const absolute = isAbsolute(path) ? path : resolve(cwd, path);
    return { provider: 'sqlite', url: `file:${absolute}`, sqliteFile: absolute };
  }
  throw new FirebreakError(
    'database_url_invalid',
    'DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL).',
  );
}

/** The URL with any password replaced, safe for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
