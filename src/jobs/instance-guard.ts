// SQLite mode is single-instance: one SQLite file, one Firebreak. The running instance holds a Lease
// row it renews every few seconds; a second instance on the same file refuses to start, saying so.
// A holder that died is recognised at once on the same machine (its process is gone) and after the
// lease expires elsewhere, so a restart after a crash is never refused.
import { hostname } from 'node:os';
import { FirebreakError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Leases } from '../app/ports/index.js';
import { newInstanceId, parseInstanceId, processAlive } from '../instance-id.js';

export const SQLITE_INSTANCE_LEASE = 'sqlite-instance';

export interface SqliteInstanceGuard {
  /** `host:pid:nonce` of this instance. */
  readonly holder: string;
  onLost(listener: () => void): void;
  release(): Promise<void>;
}

export interface SqliteInstanceGuardOptions {
  leases: Leases;
  /** For the refusal message. */
  databaseFile: string;
  logger: Logger;
  /** Lease length; it is renewed every `heartbeatMs`. Default 15 s and 5 s. */
  ttlMs?: number;
  heartbeatMs?: number;
  /** Wall clock: the lease is compared across processes. */
  now?: () => number;
  /** For tests: whether a process of this machine is alive. */
  processAlive?: (pid: number) => boolean;
}

/** Guards this process holds, by database file: acquiring again shares the guard (start-up checks early, the runtime later). */
const held = new Map<string, { guard: Promise<SqliteInstanceGuard>; users: number }>();

/**
 * Takes the SQLite file for this instance, or throws a `conflict` FirebreakError naming the instance
 * that has it. Within one process, acquiring the same file again shares the guard; it is released
 * when every acquirer has released it.
 */
export async function acquireSqliteInstanceGuard(options: SqliteInstanceGuardOptions): Promise<SqliteInstanceGuard> {
  let entry = held.get(options.databaseFile);
  if (!entry) {
    entry = { guard: takeGuard(options), users: 0 };
    held.set(options.databaseFile, entry);
    entry.guard.catch(() => held.delete(options.databaseFile));
  }
  entry.users += 1;
  const shared = entry;
  const guard = await shared.guard;
  let releasedHere = false;
  return {
    holder: guard.holder,
    onLost: (listener) => guard.onLost(listener),
    async release() {
      if (releasedHere) return;
      releasedHere = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      held.delete(options.databaseFile);
      await guard.release();
    },
  };
}

async function takeGuard(options: SqliteInstanceGuardOptions): Promise<SqliteInstanceGuard> {
  const { leases } = options;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 15_000;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const alive = options.processAlive ?? processAlive;
  const me = newInstanceId();
  const log = options.logger.child({ component: 'instance-guard' });

  const refuse = (holder: string) => {
    const parsed = parseInstanceId(holder);
    const who = parsed ? `process ${parsed.pid} on ${parsed.host}` : holder;
    return new FirebreakError(
      'conflict',
      `Another Firebreak instance (${who}) is running on the SQLite database ${options.databaseFile}. SQLite mode runs a single instance: stop the other one, or use PostgreSQL (DATABASE_URL=postgres://…) to run several.`,
    );
  };

  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await leases.acquire(SQLITE_INSTANCE_LEASE, me, now() + ttlMs)) break;
    const current = await leases.read(SQLITE_INSTANCE_LEASE);
    if (!current) continue;
    const holder = parseInstanceId(current.holder);
    const sameHost = holder?.host === hostname();
    // On this machine the holder's process tells the truth at once; a pid equal to ours is a previous
    // life of this container's process. Elsewhere only the lease's expiry can.
    const holderAlive = sameHost && holder ? holder.pid !== process.pid && alive(holder.pid) : current.expiresAt > now();
    if (holderAlive) {
      if (sameHost) throw refuse(current.holder);
      // Another machine: it may have crashed just now; wait for its lease to run out once.
      const waitMs = current.expiresAt - now() + 500;
      log.info({ holder: current.holder, waitMs }, 'the SQLite instance lease is held elsewhere; waiting for it to expire');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
      const after = await leases.read(SQLITE_INSTANCE_LEASE);
      if (after && after.holder === current.holder && after.expiresAt > current.expiresAt) throw refuse(current.holder);
      continue;
    }
    if (await leases.takeOver(SQLITE_INSTANCE_LEASE, current, me, now() + ttlMs)) {
      log.info({ previous: current.holder }, 'took over the SQLite instance lease from an instance that is gone');
      break;
    }
    if (attempt === 4) throw refuse(current.holder);
  }
  if ((await leases.read(SQLITE_INSTANCE_LEASE))?.holder !== me) {
    const current = await leases.read(SQLITE_INSTANCE_LEASE);
    throw refuse(current?.holder ?? 'unknown');
  }

  const listeners: (() => void)[] = [];
  let released = false;
  const heartbeat = setInterval(() => {
    leases.renew(SQLITE_INSTANCE_LEASE, me, now() + ttlMs).then(
      (renewed) => {
        if (renewed || released) return;
        released = true;
        clearInterval(heartbeat);
        log.error('another instance took over the SQLite database; this one stops its scheduled work');
        for (const listener of listeners) listener();
      },
      (error: unknown) => log.warn({ err: error }, 'could not renew the SQLite instance lease'),
    );
  }, heartbeatMs);
  heartbeat.unref();

  return {
    holder: me,
    onLost: (listener) => void listeners.push(listener),
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await leases.release(SQLITE_INSTANCE_LEASE, me).catch(() => undefined);
    },
  };
}
