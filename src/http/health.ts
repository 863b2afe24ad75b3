import type { Route } from './server.js';
import { sendJson } from './server.js';

export interface HealthSources {
  /** The database's round trip in ms; rejects when it does not answer. */
  database: { provider: string; ping(): Promise<number>; onFailure?(error: unknown): void };
  /** `clockOffsetMs`: Slack's clock minus this host's, as the last post Slack answered measured it (the outbox warns past a minute). */
  slack(): { configured: boolean; mode: string; ok: boolean | null; state?: string; team?: string; error?: string; clockOffsetMs?: number };
  leadership?(): unknown;
  /** Alerts channels that are watched community channels, and incidents held because of them. */
  alertsChannel?(): Promise<{ ok: boolean; watchedChannels: string[]; heldIncidents: number } | null>;
  /** Slack writes waiting for a channel Slack will not take them in (archived, deleted, the bot not in it), by reason. */
  waitingWrites?(): Promise<{ reason: string; count: number; oldestAt: number }[] | null>;
  /** OAuth installs: workspaces whose stored token cannot be read (a key missing from TOKEN_ENCRYPTION_KEYS), with why. */
  workspaces?(): Promise<{ ok: boolean; installed: number; unreadable: { teamId: string; error: string }[] } | null>;
}

/**
 * GET /healthz: 200 when the database answers, 503 otherwise; always says why in JSON. A Slack link
 * that is down makes the status `degraded` (with slack.error naming the cause) but not a 503: the
 * instance still serves, queues its Slack writes and reconnects by itself. So does an alerts channel
 * that is a watched community channel, or an incident held because of one (`alertsChannel` says which),
 * and an installed workspace whose stored token cannot be read (`workspaces.unreadable` says which and why).
 * So do writes waiting for their channel (`waitingWrites`: how many per Slack reason, and the oldest's
 * age): alerts are not reaching staff until someone unarchives the channel, invites the bot or picks
 * another one. Still 200: restarting the process changes none of that, so a load balancer must keep it.
 */
export function healthRoute(sources: HealthSources, clock: { now(): number } = Date): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_request, response) => {
      const database = await databaseHealth(sources.database);
      const slack = sources.slack();
      // Read only while the database answers; a failure to read it must not fail the health check.
      const alertsChannel = database.ok ? await (sources.alertsChannel?.() ?? Promise.resolve(null)).catch(() => null) : null;
      const workspaces = database.ok ? await (sources.workspaces?.() ?? Promise.resolve(null)).catch(() => null) : null;
      const waiting = database.ok ? await (sources.waitingWrites?.() ?? Promise.resolve(null)).catch(() => null) : null;
      const waitingWrites = waiting ? waitingWritesOf(waiting, clock.now()) : null;
      const ok = database.ok && slack.ok !== false && alertsChannel?.ok !== false && workspaces?.ok !== false && waitingWrites?.ok !== false;
      sendJson(response, database.ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', database, slack, leadership: sources.leadership?.() ?? null, alertsChannel, ...(waitingWrites ? { waitingWrites } : {}), ...(workspaces ? { workspaces } : {}) });
    },
  };
}

/** `{ ok, total, byReason: { is_archived: { count, oldestAgeSeconds } } }`: ok while nothing waits. */
function waitingWritesOf(waiting: readonly { reason: string; count: number; oldestAt: number }[], now: number) {
  const byReason = Object.fromEntries(waiting.map((group) => [group.reason, { count: group.count, oldestAgeSeconds: Math.max(0, Math.round((now - group.oldestAt) / 1000)) }]));
  const total = waiting.reduce((sum, group) => sum + group.count, 0);
  return { ok: total === 0, total, byReason };
}

/**
 * /healthz answers anyone who can reach the port, so a failing database is named by its error code
 * only (P2010, ECONNREFUSED…): a driver's message can carry the host, port, user or database name.
 * The whole error goes to the operator's log.
 */
async function databaseHealth(database: HealthSources['database']): Promise<{ ok: boolean; provider: string; latencyMs?: number; error?: string }> {
  try {
    return { ok: true, provider: database.provider, latencyMs: Math.round((await database.ping()) * 100) / 100 };
  } catch (error) {
    database.onFailure?.(error);
    const code = (error as { code?: unknown } | null)?.code;
    const named = typeof code === 'string' && /^[A-Za-z0-9_]{1,32}$/.test(code) ? ` (${code})` : '';
    return { ok: false, provider: database.provider, error: `the database does not answer${named}; Firebreak's log has the whole error` };
  }
}
