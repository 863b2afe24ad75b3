// Prisma migrations without Prisma's native schema engine: the same engine compiled to Wasm
// (@prisma/schema-engine-wasm), talking to the database through the Prisma driver adapter.
// It writes `_prisma_migrations` exactly like `prisma migrate deploy`.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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

/** Instantiates the Wasm module once per process (Node 20 cannot `import` a .wasm file). */
function loadBindings(): Promise<Bindings> {
  bindingsPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const bindingsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const wasm = await WebAssembly.compile(readFileSync(join(dirname(bindingsPath), 'schema_engine_bg.wasm')));
    const instance = await WebAssembly.instantiate(wasm, {
      './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return bindings;
  })();
  return bindingsPromise;
}

/**
 * Runs each migration script inside one transaction, so a failing migration leaves the schema as it
 * was. (The adapters execute a script statement by statement, outside any transaction.)
 */
function transactionalScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
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

interface ClosableFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Releases every connection the engine opened (the engine itself never does). */
  close(): Promise<void>;
}

function adapterFactory(target: DatabaseTarget): ClosableFactory {
  // One connection for PostgreSQL, so BEGIN, the statements and COMMIT share a session.
  const inner: SqlMigrationAwareDriverAdapterFactory =
    target.provider === 'postgres'
      ? new PrismaPg({ connectionString: target.url, max: 1, Client: CatalogReadingClient })
      : new PrismaBetterSqlite3({ url: target.url });
  const opened: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => {
    opened.push(adapter);
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => transactionalScripts(track(await inner.connect())),
    connectToShadowDb: async () => multiStatementTolerant(track(await inner.connectToShadowDb())),
    close: async () => {
      await Promise.allSettled(opened.splice(0).map((adapter) => adapter.dispose()));
    },
  };
}

export function loadMigrationList(provider: DatabaseProvider): MigrationList {
  const baseDir = migrationsDir(provider);
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

async function withEngine<T>(target: DatabaseTarget, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
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
      return await run(engine);
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
export async function applyPendingMigrations(target: DatabaseTarget): Promise<MigrationOutcome> {
  const migrationsList = loadMigrationList(target.provider);
  return withEngine(target, async (engine) => {
    try {
      const output = await engine.applyMigrations({ migrationsList, filters: noFilters });
      return { applied: output.appliedMigrationNames };
    } catch (error) {
      const code = engineErrorCode(error);
      const message = engineErrorMessage(error);
      if (code === 'P3009') {
        throw new FirebreakError(
          'migration_half_applied',
          `An earlier migration was left half-applied in the database and will not be retried automatically. ${firstLine(message)} Inspect the database, then mark it with \`firebreak migrate --rolled-back <name>\` once it is back as it was.`,
          { cause: error },
        );
      }
      const failed = /Migration name: (\S+)/.exec(message)?.[1] ?? 'a migration';
      // The script ran in a transaction and was rolled back: record that, so the database is as it was.
      if (failed !== 'a migration') {
        await engine.markMigrationRolledBack({ migrationName: failed }).catch(() => undefined);
      }
      throw new FirebreakError(
        'migration_failed',
        `Migration ${failed} failed and was rolled back (prisma/${target.provider}/migrations/${failed}/migration.sql): ${firstLine(databaseErrorOf(message))}`,
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

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}

function databaseErrorOf(message: string): string {
  const match = /Database error:\s*\n?([\s\S]*)/.exec(message);
  return match?.[1]?.trim() || message;
}
