// SQLite locked by another process (a `firebreak` command, a second program, a backup): the store waits
// for the lock without stopping the event loop (better-sqlite3 is synchronous, so SQLite's own busy wait
// would freeze Slack acks and /healthz), writes once the lock goes, and after about 5 s gives up with a
// DatabaseLockedError naming the file, having written nothing. A transaction takes the lock when it
// starts, so another process's commit cannot make it fail after it has read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { parseDatabaseUrl } from '../../src/store/database-url.js';
import { createStore } from '../../src/store/store.js';
import { DatabaseLockedError } from '../../src/errors.js';
import { openMigratedDatabase, type MigratedDatabase } from './repositories/migrated-database.js';
import { eventLoopStalls, holdWriteLock } from './sqlite-lock-holder.js';

/** Far below the holds: SQLite's own wait stalled the loop for as long as the other process held on. */
const MAX_STALL_MS = 1_000;

describe('SQLite locked by another process', () => {
  let database: MigratedDatabase;
  let file: string;
  beforeAll(async () => {
    database = await openMigratedDatabase('sqlite');
    file = database.target.sqliteFile!;
  });
  afterAll(() => database.dispose());

  const entry = (action: string) => ({ at: Date.now(), userId: 'U1', action, outcome: 'ok', incidentId: null, data: {} });
  const audited = (action: string) => database.prisma.auditLog.count({ where: { action } });

  it('a write outside a transaction and a transaction wait for the lock with the event loop free, and are stored once it goes', async () => {
    const store = createStore(database.prisma, 'sqlite');
    const holder = await holdWriteLock(file, 2_500);
    const stalls = eventLoopStalls();
    const direct = store.direct.audit.record(entry('locked.direct')).then(() => performance.now());
    const transaction = store.transaction(async (tx) => tx.audit.record(entry('locked.transaction'))).then(() => performance.now());
    // Meanwhile this process still reads (as /healthz does) and runs its timers.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const readStarted = performance.now();
    expect(await audited('locked.direct')).toBe(0);
    expect(performance.now() - readStarted).toBeLessThan(MAX_STALL_MS);
    const [directDone, transactionDone] = await Promise.all([direct, transaction]);
    await holder.released;
    expect(stalls.stop()).toBeLessThan(MAX_STALL_MS);
    // They waited for the other process (not written beside its lock), and then were written.
    expect(directDone - holder.lockedAt).toBeGreaterThan(2_300);
    expect(transactionDone - holder.lockedAt).toBeGreaterThan(2_300);
    expect(await audited('locked.direct')).toBe(1);
    expect(await audited('locked.transaction')).toBe(1);
  }, 20_000);

  it('a lock held longer than the patience: DatabaseLockedError naming the file after about 5 s, nothing written, the loop free; the same writes succeed afterwards', async () => {
    const store = createStore(database.prisma, 'sqlite');
    const holder = await holdWriteLock(file, 8_000);
    const stalls = eventLoopStalls();
    const started = performance.now();
    const failures = await Promise.all([
      store.direct.audit.record(entry('patience.direct')).then(() => null, (error: unknown) => ({ error, after: performance.now() - started })),
      store.transaction(async (tx) => tx.audit.record(entry('patience.transaction'))).then(() => null, (error: unknown) => ({ error, after: performance.now() - started })),
    ]);
    expect(stalls.stop()).toBeLessThan(MAX_STALL_MS);
    for (const failure of failures) {
      expect(failure?.error).toBeInstanceOf(DatabaseLockedError);
      expect(failure?.error).toMatchObject({ name: 'DatabaseLockedError', database: file });
      expect((failure?.error as Error).message).toContain(`The SQLite database ${file} is locked by another process`);
      expect(failure?.after).toBeGreaterThan(4_500);
      expect(failure?.after).toBeLessThan(7_000);
    }
    expect(await audited('patience.direct')).toBe(0);
    expect(await audited('patience.transaction')).toBe(0);
    await holder.released;
    await store.direct.audit.record(entry('patience.direct'));
    await store.transaction(async (tx) => tx.audit.record(entry('patience.transaction')));
    expect(await audited('patience.direct')).toBe(1);
    expect(await audited('patience.transaction')).toBe(1);
  }, 20_000);

  it('a transaction that read before another process wanted to write still commits its write; that process writes after it', async () => {
    const store = createStore(database.prisma, 'sqlite');
    const otherWrite = `INSERT INTO "AuditLog" (id, at, action, outcome) VALUES ('other-process', '${new Date().toISOString()}', 'snapshot.other', 'ok')`;
    let other: Promise<void> | undefined;
    await store.transaction(async (tx) => {
      await tx.incidents.list({ onlyOpen: false, limit: 1 });
      // Another process writes and commits now (it waits for this transaction's lock, up to 5 s). Had this
      // transaction not taken the lock at its start, its write below would be refused (SQLITE_BUSY_SNAPSHOT).
      other = holdWriteLock(file, 0, { write: otherWrite, waitMs: 5_000 }).then((holder) => holder.released);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await tx.audit.record(entry('snapshot.mine'));
    });
    await other;
    expect(await audited('snapshot.mine')).toBe(1);
    expect(await audited('snapshot.other')).toBe(1);
  }, 20_000);

  // A database file not in WAL mode yet (made by an older version, restored from a backup that was not):
  // switching it to WAL at start-up needs the file to itself, so it meets another process's lock too.
  describe('opening a file not in WAL mode yet', () => {
    let folder: string;
    let path: string;
    beforeAll(() => {
      folder = mkdtempSync(join(tmpdir(), 'firebreak-rollback-journal-'));
    });
    afterAll(() => rmSync(folder, { recursive: true, force: true }));
    const rollbackJournalFile = (name: string) => {
      path = join(folder, name);
      const file = new Sqlite(path);
      file.exec('CREATE TABLE earlier (id INTEGER PRIMARY KEY)');
      expect(file.pragma('journal_mode', { simple: true })).toBe('delete');
      file.close();
      return path;
    };

    it('waits for another process holding its write lock, with the event loop free, and is in WAL mode once open', async () => {
      const file = rollbackJournalFile('waits.db');
      const holder = await holdWriteLock(file, 1_500);
      const stalls = eventLoopStalls();
      const opened = await openDatabase(parseDatabaseUrl(`file:${file}`));
      try {
        const openedAfter = performance.now() - holder.lockedAt;
        await holder.released;
        expect(stalls.stop()).toBeLessThan(MAX_STALL_MS);
        expect(openedAfter).toBeGreaterThan(1_300);
        expect(await opened.prisma.$queryRawUnsafe('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      } finally {
        await opened.close();
      }
    }, 20_000);

    it('a lock held longer than the patience: refused after about 5 s, saying the file is locked by another process', async () => {
      const file = rollbackJournalFile('refused.db');
      const holder = await holdWriteLock(file, 8_000);
      const started = performance.now();
      const failure = await openDatabase(parseDatabaseUrl(`file:${file}`)).then(
        (opened) => opened.close().then(() => null),
        (error: unknown) => error,
      );
      const after = performance.now() - started;
      await holder.released;
      expect(failure).toMatchObject({ code: 'database_unreachable' });
      expect((failure as Error).message).toContain(`The SQLite database ${file} (DATABASE_URL) cannot be opened: The SQLite database ${file} is locked by another process`);
      expect((failure as Error).message).not.toMatch(/\.\./);
      expect(after).toBeGreaterThan(4_500);
      expect(after).toBeLessThan(7_000);
    }, 20_000);
  });
});
