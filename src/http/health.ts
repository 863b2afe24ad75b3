import type { Route } from './server.js';
import { sendJson } from './server.js';

export interface HealthSources {
  database(): Promise<{ ok: boolean; provider: string; latencyMs?: number; error?: string }>;
  slack(): { configured: boolean; mode: string; ok: boolean | null; state?: string; team?: string; error?: string };
  leadership?(): unknown;
  /** Alerts channels that are watched community channels, and incidents held because of them. */
  alertsChannel?(): Promise<{ ok: boolean; watchedChannels: string[]; heldIncidents: number } | null>;
  /** OAuth installs: workspaces whose stored token cannot be read (a key missing from TOKEN_ENCRYPTION_KEYS), with why. */
  workspaces?(): Promise<{ ok: boolean; installed: number; unreadable: { teamId: string; error: string }[] } | null>;
}

/**
 * GET /healthz: 200 when the database answers, 503 otherwise; always says why in JSON. A Slack link
 * that is down makes the status `degraded` (with slack.error naming the cause) but not a 503: the
 * instance still serves, queues its Slack writes and reconnects by itself. So does an alerts channel
 * that is a watched community channel, or an incident held because of one (`alertsChannel` says which),
 * and an installed workspace whose stored token cannot be read (`workspaces.unreadable` says which and why).
 */
export function healthRoute(sources: HealthSources): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_request, response) => {
      const database = await sources.database();
      const slack = sources.slack();
      // Read only while the database answers; a failure to read it must not fail the health check.
      const alertsChannel = database.ok ? await (sources.alertsChannel?.() ?? Promise.resolve(null)).catch(() => null) : null;
      const workspaces = database.ok ? await (sources.workspaces?.() ?? Promise.resolve(null)).catch(() => null) : null;
      const ok = database.ok && slack.ok !== false && alertsChannel?.ok !== false && workspaces?.ok !== false;
      sendJson(response, database.ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', database, slack, leadership: sources.leadership?.() ?? null, alertsChannel, ...(workspaces ? { workspaces } : {}) });
    },
  };
}
