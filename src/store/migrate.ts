// Prisma migrations without Prisma's native schema engine: the same engine compiled to Wasm
// (@prisma/schema-engine-wasm), talking to the database through the Prisma driver adapter.
// It writes `_prisma_migrations` exactly like `prisma migrate deploy`.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parse as parsePgUrl } from 'pg-connection-string';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm/schema_engine_bg';
import { FirebreakError } from '../errors.js';
import type { DatabaseTarget } from './database-url.js';
import { describeConnectionError } from './database.js';
import { migrationsDir, schemaPath, type DatabaseProvider } from './schema-files.js';

type Bindings = typeof SchemaEngineWasm;
type SchemaEngine = SchemaEngineWasm.SchemaEngine;
type MigrationList = SchemaEngineWasm.MigrationList;

const noFilters = { externalTables: [], externalEnums: [] };
let bindingsPromise: Promise<Bindings> | undefined;

/** The slice of the WebAssembly API used here (the Node 20 type definitions do not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: Record<string, unknown> }>;
}

/** Instantiates the Wasm module once per process (Node 20 cannot `import` a .wasm file). */
function loadBindings(): Promise<Bindings> {
  bindingsPromise ??= (async () => {
    const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const require = createRequire(import.meta.url);
    const bindingsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const wasm = await wasmApi.compile(readFileSync(join(dirname(bindingsPath), 'schema_engine_bg.wasm')));
    const instance = await wasmApi.instantiate(wasm, { './schema_engine_bg.js': withUnrefTimers(bindings) });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return bindings;
  })();
  return bindingsPromise;
}

/**
 * The engine arms timeouts it never clears once its work is done; unref'd, they cannot keep
 * `firebreak migrate` (or a shutting-down server) alive for their remaining seconds.
 */
function withUnrefTimers(bindings: object): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const [name, value] of Object.entries(imports)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof value === 'function') {
      imports[name] = (...args: unknown[]) => {
        const timer = (value as (...a: unknown[]) => NodeJS.Timeout)(...args);
        timer?.unref?.();
        return timer;
      };
    }
  }
  return imports;
}

/**
 * Runs each migration script inside one transaction, so a failing migration leaves the schema as it
 * was. (The adapters execute a script statement by statement, outside any transaction.)
 */
function transactionalScripts(adapter: SqlDriverAdapter, onFailure: (failure: ScriptFailure) => void): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'executeScript') {
        return async (script: string) => {
          await target.executeScript('BEGIN');
          try {
            await target.executeScript(script);
            await target.executeScript('COMMIT');
          } catch (error) {
            await target.executeScript('ROLLBACK').catch(() => undefined);
            onFailure({ script, error });
            throw error;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The engine replays each migration into the shadow database with one `executeRaw` call, which
 * better-sqlite3 refuses for multi-statement scripts; those go through `executeScript` instead.
 */
function multiStatementTolerant(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'executeRaw') {
        return async (query: Parameters<SqlDriverAdapter['executeRaw']>[0]) => {
          try {
            return await target.executeRaw(query);
          } catch (error) {
            if (query.args.length > 0 || !String((error as Error)?.message ?? error).includes('more than one statement')) throw error;
            await target.executeScript(query.sql);
            return 0;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The schema engine reads pg_catalog columns of the internal one-byte type "char", which
 * @prisma/adapter-pg cannot map ("Column type 'char' could not be deserialized"). Its values
 * arrive as strings, so presenting the column as text is exact.
 */
class CatalogReadingClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: Error | null, result?: pg.QueryResult) => void;
      args[last] = (error: Error | null, result?: pg.QueryResult) => callback(error, result && presentCharAsText(result));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pending = (super.query as (...a: any[]) => any)(...args);
    return pending && typeof pending.then === 'function' ? pending.then(presentCharAsText) : pending;
  }
}

function presentCharAsText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  return result;
}

interface ScriptFailure {
  script: string;
  error: unknown;
}

interface ClosableFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Releases every connection the engine opened (the engine itself never does). */
  close(): Promise<void>;
  /** The migration script that last failed, with the database's own error (the engine hides it). */
  lastFailure(): ScriptFailure | undefined;
}

/**
 * Discrete connection settings instead of a connection string: the adapter opens the shadow database
 * by overriding `database`, which pg ignores when a connection string is present — the "shadow"
 * would silently be the real database.
 */
function pgConfigOf(url: string): pg.PoolConfig {
  const { host, port, user, password, database, ssl } = parsePgUrl(url);
  return {
    host: host ?? undefined,
    port: port ? Number(port) : undefined,
    user: user ?? undefined,
    password: password ?? undefined,
    database: database ?? undefined,
    ssl: ssl === null || ssl === undefined ? undefined : (ssl as pg.PoolConfig['ssl']),
  };
}

/**
 * A throw-away PostgreSQL database for diffs. (The adapter's own drops the database while its pool
 * still holds a connection, which PostgreSQL refuses.)
 */
async function postgresShadowDb(url: string): Promise<SqlDriverAdapter> {
  const config = pgConfigOf(url);
  const name = `firebreak_shadow_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client(config);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const adapter = await new PrismaPg({ ...config, database: name, max: 1, Client: CatalogReadingClient }).connect();
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'dispose') {
        return async () => {
          await target.dispose();
          const cleaner = new pg.Client(config);
          await cleaner.connect();
          try {
            await cleaner.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          } finally {
            await cleaner.end();
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function adapterFactory(target: DatabaseTarget): ClosableFactory {
  // One connection for PostgreSQL, so BEGIN, the statements and COMMIT share a session.
  const inner: SqlMigrationAwareDriverAdapterFactory =
    target.provider === 'postgres'
      ? new PrismaPg({ ...pgConfigOf(target.url), max: 1, Client: CatalogReadingClient })
      : new PrismaBetterSqlite3({ url: target.url });
  const opened: SqlDriverAdapter[] = [];
  let lastFailure: ScriptFailure | undefined;
  const track = (adapter: SqlDriverAdapter) => {
    opened.push(adapter);
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => transactionalScripts(track(await inner.connect()), (failure) => (lastFailure = failure)),
    connectToShadowDb: async () =>
      multiStatementTolerant(track(target.provider === 'postgres' ? await postgresShadowDb(target.url) : await inner.connectToShadowDb())),
    close: async () => {
      await Promise.allSettled(opened.splice(0).map((adapter) => adapter.dispose()));
    },
    lastFailure: () => lastFailure,
  };
}

export function loadMigrationList(provider: DatabaseProvider, baseDir = migrationsDir(provider)): MigrationList {
  const directories = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const lockPath = join(baseDir, 'migration_lock.toml');
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => {
      const file = join(baseDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file) ? { tag: 'ok', value: readFileSync(file, 'utf8') } : { tag: 'error', value: `${file} is missing` },
        },
      } as SchemaEngineWasm.MigrationDirectory;
    }),
  };
}

function schemaFiles(provider: DatabaseProvider) {
  return [{ path: schemaPath(provider), content: readFileSync(schemaPath(provider), 'utf8') }];
}

async function withEngine<T>(
  target: DatabaseTarget,
  run: (engine: SchemaEngine, factory: ClosableFactory) => Promise<T>,
): Promise<T> {
  const bindings = await loadBindings();
  const files = schemaFiles(target.provider);
  const factory = adapterFactory(target);
  try {
    const engine = await bindings.SchemaEngine.new(
      { datamodels: files.map((file) => [file.path, file.content]) },
      () => undefined,
      bindMigrationAwareSqlAdapterFactory(factory),
    ).catch((error: unknown) => {
      throw describeConnectionError(target, error);
    });
    try {
      return await run(engine, factory);
    } finally {
      engine.free();
    }
  } finally {
    await factory.close();
  }
}

/** The message inside an error thrown by the Wasm engine (a JSON string or an Error). */
export function engineErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(raw) as { message?: string; error_code?: string };
    return parsed.message ?? raw;
  } catch {
    return raw;
  }
}

function engineErrorCode(error: unknown): string | undefined {
  const raw = error instanceof Error ? error.message : String(error);
  try {
    return (JSON.parse(raw) as { error_code?: string }).error_code;
  } catch {
    return /\b(P\d{4})\b/.exec(raw)?.[1];
  }
}

export interface MigrationOutcome {
  applied: string[];
}

/** Applies every pending migration, as `prisma migrate deploy` does. */
export async function applyPendingMigrations(target: DatabaseTarget, options: { migrationsDir?: string } = {}): Promise<MigrationOutcome> {
  const migrationsList = loadMigrationList(target.provider, options.migrationsDir);
  return withEngine(target, async (engine, factory) => {
    try {
      const output = await engine.applyMigrations({ migrationsList, filters: noFilters });
      return { applied: output.appliedMigrationNames };
    } catch (error) {
      const message = engineErrorMessage(error);
      if (/found failed migrations in the target database/.test(message) || engineErrorCode(error) === 'P3009') {
        throw new FirebreakError(
          'migration_half_applied',
          `An earlier migration was left half-applied in the database and is not retried automatically (${firstLine(message)}). Restore the database, then run \`firebreak migrate --rolled-back <migration>\`.`,
          { cause: error },
        );
      }
      if (target.provider === 'sqlite' && isSqliteBusy(message)) {
        throw new FirebreakError(
          'database_unreachable',
          `The SQLite database ${target.sqliteFile ?? target.url} (DATABASE_URL) is busy: another Firebreak is starting or running on it, and SQLite runs a single instance.`,
          { cause: error },
        );
      }
      const failure = factory.lastFailure();
      const failed = failure && migrationsList.migrationDirectories.find((directory) => {
        const content = directory.migrationFile.content;
        return content.tag === 'ok' && content.value === failure.script;
      });
      if (!failed) throw new FirebreakError('migration_failed', `Applying migrations failed: ${firstLine(message)}`, { cause: error });
      // The script ran in one transaction that was rolled back: say so in the history too.
      await engine.markMigrationRolledBack({ migrationName: failed.path }).catch(() => undefined);
      const cause = failure.error instanceof Error ? failure.error.message : message;
      throw new FirebreakError(
        'migration_failed',
        `Migration ${failed.path} failed and was rolled back (${join(migrationsList.baseDir, failed.path, 'migration.sql')}): ${firstLine(cause)}`,
        { cause: error },
      );
    }
  });
}

/** Marks a half-applied migration as rolled back after an operator restored the database. */
export async function markRolledBack(target: DatabaseTarget, migrationName: string): Promise<void> {
  await withEngine(target, (engine) =>
    engine.markMigrationRolledBack({ migrationName }).then(() => undefined),
  );
}

/** SQL that would bring a database built from the migrations up to the schema; empty when in sync. */
export async function pendingSchemaChanges(target: DatabaseTarget): Promise<string> {
  const migrationsList = loadMigrationList(target.provider);
  return withEngine(target, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: schemaFiles(target.provider) },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return isEmptyScript(result.stdout) ? '' : (result.stdout ?? '');
  });
}

/** SQL that would bring the live database to the schema; empty when the database matches exactly. */
export async function databaseDrift(target: DatabaseTarget): Promise<string> {
  return withEngine(target, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files: schemaFiles(target.provider), configDir: dirname(schemaPath(target.provider)) },
      to: { tag: 'schemaDatamodel', files: schemaFiles(target.provider) },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return isEmptyScript(result.stdout) ? '' : (result.stdout ?? '');
  });
}

/** Writes the next migration (`<timestamp>_<name>/migration.sql`) when the schema changed. */
export async function createMigration(target: DatabaseTarget, name: string, now = new Date()): Promise<string | null> {
  ensureMigrationLock(target.provider);
  const sql = await pendingSchemaChanges(target);
  if (!sql) return null;
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const directory = join(migrationsDir(target.provider), `${stamp}_${name.replace(/[^a-z0-9_]+/gi, '_').toLowerCase()}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'migration.sql'), sql);
  return directory;
}

function ensureMigrationLock(provider: DatabaseProvider): void {
  const lockPath = join(migrationsDir(provider), 'migration_lock.toml');
  if (existsSync(lockPath)) return;
  mkdirSync(migrationsDir(provider), { recursive: true });
  const name = provider === 'postgres' ? 'postgresql' : 'sqlite';
  writeFileSync(lockPath, `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${name}"\n`);
}

function isEmptyScript(script: string | null): boolean {
  if (!script) return true;
  return script
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}

/** better-sqlite3's SQLITE_BUSY reaches the engine as an adapter error it cannot name ("SocketTimeout"). */
function isSqliteBusy(message: string): boolean {
  return /SocketTimeout|database is locked|SQLITE_BUSY/i.test(message);
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}

