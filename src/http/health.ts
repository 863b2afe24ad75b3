import type { Route } from './server.js';
import { sendJson } from './server.js';

export interface HealthSources {
  database(): Promise<{ ok: boolean; provider: string; latencyMs?: number; error?: string }>;
  slack(): { configured: boolean; mode: string; ok: boolean | null; state?: string; team?: string; error?: string };
  leadership?(): unknown;
}

/**
 * GET /healthz: 200 when the database answers, 503 otherwise; always says why in JSON. A Slack link
 * that is down makes the status `degraded` (with slack.error naming the cause) but not a 503: the
 * instance still serves, queues its Slack writes and reconnects by itself.
 */
export function healthRoute(sources: HealthSources): Route {
  return {
    method: 'GET',
    path: '/healthz',
    handler: async (_request, response) => {
      const database = await sources.database();
      const slack = sources.slack();
      const ok = database.ok && slack.ok !== false;
      sendJson(response, database.ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', database, slack, leadership: sources.leadership?.() ?? null });
    },
  };
}
