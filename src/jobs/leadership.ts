// Exactly one leader runs the scheduler and the detection ticks. On PostgreSQL it is whoever holds a
// session advisory lock on a dedicated connection: the lock lives and dies with that connection, so a
// leader that crashes, is killed or loses the network releases it, and a follower that retries every
// few seconds takes over. On SQLite the single instance (see instance-guard.ts) is the leader.
import pg from 'pg';
import type { Logger } from '../logger.js';
import { newInstanceId } from '../instance-id.js';
import type { SqliteInstanceGuard } from './instance-guard.js';

export interface LeadershipStatus {
  mode: 'advisory-lock' | 'single-instance';
  leader: boolean;
  instanceId: string;
  /** ISO time this instance became leader. */
  since?: string;
  /** Why the last attempt to reach the lock failed (database unreachable …). */
  lastError?: string;
}

export interface LeadershipCallbacks {
  /** Start the leader's work (scheduler, detection ticks). */
  onElected(): void | Promise<void>;
  /** Stop it at once: another instance may already be leader. */
  onDemoted(reason: string): void | Promise<void>;
}

export interface Leadership {
  readonly isLeader: boolean;
  status(): LeadershipStatus;
  /** Steps down (running onDemoted) and releases the lock. */
  stop(): Promise<void>;
}

/** pg_try_advisory_lock(namespace, id): 'FIRE' as an int4, and 1 for the leader lock. Scoped to the database. */
const LOCK_NAMESPACE = 0x46495245;
const LEADER_LOCK_ID = 1;

export interface PostgresLeadershipOptions extends LeadershipCallbacks {
  url: string;
  logger: Logger;
  /** How often a follower tries the lock (and a lost connection is re-opened). Default 5 s. */
  retryMs?: number;
  /** How often the leader checks its connection is alive. Default 2 s. */
  checkMs?: number;
  instanceId?: string;
}

export function startPostgresLeadership(options: PostgresLeadershipOptions): Leadership {
  const log = options.logger.child({ component: 'leadership' });
  const retryMs = options.retryMs ?? 5_000;
  const checkMs = options.checkMs ?? 2_000;
  const instanceId = options.instanceId ?? newInstanceId();
  let client: pg.Client | undefined;
  let leader = false;
  let since: Date | undefined;
  let lastError: string | undefined;
  let stopped = false;
  let demotedAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  // Callbacks run one at a time and in order: a demotion never overtakes the election it follows.
  let transitions: Promise<void> = Promise.resolve();

  function transition(run: () => void | Promise<void>): Promise<void> {
    transitions = transitions.then(run).catch((error: unknown) => log.error({ err: error }, 'leadership callback failed'));
    return transitions;
  }

  function lose(reason: string, lostClient: pg.Client | undefined): void {
    if (lostClient !== client) return;
    client = undefined;
    lostClient?.end().catch(() => undefined);
    if (!leader) return;
    leader = false;
    since = undefined;
    demotedAt = Date.now();
    log.warn({ reason, instanceId }, 'lost leadership');
    void transition(() => options.onDemoted(reason));
  }

  async function connect(): Promise<pg.Client> {
    const fresh = new pg.Client({ connectionString: options.url, application_name: 'firebreak-leader', keepAlive: true, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
    fresh.on('error', (error) => lose(`leader connection error: ${error.message}`, fresh));
    fresh.on('end', () => lose('leader connection closed', fresh));
    client = fresh;
    await fresh.connect();
    // If this instance vanishes without closing the socket (partition), the server ends the idle
    // session and frees the lock; the leader's checks keep it from being idle. PostgreSQL ≥ 14.
    await fresh.query(`SET idle_session_timeout = '20s'`).catch(() => undefined);
    return fresh;
  }

  async function tick(): Promise<void> {
    const current = client;
    try {
      if (leader && current) {
        await current.query('SELECT 1');
      } else if (Date.now() - demotedAt < 2 * retryMs) {
        // Just demoted (its connection or network failing): a healthy follower gets the first try.
      } else {
        const connection = current ?? (await connect());
        const { rows } = await connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, LEADER_LOCK_ID]);
        lastError = undefined;
        if (rows[0]?.locked && !stopped && connection === client) {
          leader = true;
          since = new Date();
          log.info({ instanceId }, 'elected leader');
          await transition(() => options.onElected());
        }
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      log.warn({ err: error, instanceId }, leader ? 'leader connection check failed' : 'could not reach the leader lock; retrying');
      lose(`leader connection check failed: ${lastError}`, client);
    } finally {
      if (!stopped) {
        timer = setTimeout(() => void tick(), leader ? checkMs : retryMs);
        timer.unref();
      }
    }
  }

  void tick();

  return {
    get isLeader() {
      return leader;
    },
    status: () => ({ mode: 'advisory-lock', leader, instanceId, ...(since ? { since: since.toISOString() } : {}), ...(lastError ? { lastError } : {}) }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = undefined;
      if (leader) {
        leader = false;
        since = undefined;
        await transition(() => options.onDemoted('stopping'));
      }
      await transitions;
      if (current) {
        await current.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
        await current.end().catch(() => undefined);
      }
    },
  };
}

/** SQLite mode: the one instance allowed on the file is the leader for as long as it holds its guard. */
export async function startSingleInstanceLeadership(guard: SqliteInstanceGuard, callbacks: LeadershipCallbacks): Promise<Leadership> {
  let leader = true;
  const since = new Date();
  await callbacks.onElected();
  guard.onLost(() => {
    if (!leader) return;
    leader = false;
    void callbacks.onDemoted('the SQLite instance lease was taken over');
  });
  return {
    get isLeader() {
      return leader;
    },
    status: () => ({ mode: 'single-instance', leader, instanceId: guard.holder, ...(leader ? { since: since.toISOString() } : {}) }),
    async stop() {
      if (leader) {
        leader = false;
        await callbacks.onDemoted('stopping');
      }
      await guard.release();
    },
  };
}
