// Slack's `app_rate_limited` notice (more than 30,000 events an hour from one workspace, or too many
// failed deliveries): an Events API payload with no inner event, which Bolt cannot route and would
// leave unacknowledged. It is acknowledged here, logged as an error, counted, and kept for /healthz.
import type { App, ReceiverEvent } from '@slack/bolt';
import type { SocketModeClient } from '@slack/socket-mode';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';

export interface EventsRateLimited {
  teamId: string;
  /** The minute (epoch ms) Slack started dropping this workspace's events. */
  since: number;
}

/** Wraps the app's event processing; returns the last notice per workspace, for /healthz. */
export function handleAppRateLimited(app: App, logger: Logger, registry?: Registry): () => EventsRateLimited[] {
  const notices = new Map<string, EventsRateLimited>();
  const counter = new Counter({ name: 'firebreak_slack_events_rate_limited_total', help: 'app_rate_limited notices from Slack (events are being dropped)', registers: registry ? [registry] : [] });
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const body = event.body as { type?: string; team_id?: string; minute_rate_limited?: number };
    if (body.type !== 'app_rate_limited') return processEvent(event);
    await event.ack();
    const notice = { teamId: body.team_id ?? 'unknown', since: (body.minute_rate_limited ?? Math.floor(Date.now() / 1000)) * 1000 };
    notices.set(notice.teamId, notice);
    counter.inc();
    logger.error(
      { teamId: notice.teamId, since: new Date(notice.since).toISOString() },
      'Slack is rate limiting this app\'s events (app_rate_limited): messages from this workspace are being dropped, so detection may miss a spike. Check for a flood of events or failing deliveries.',
    );
  };
  return () => [...notices.values()];
}

/**
 * Socket Mode's client reads `payload.event.type` of every events_api envelope and throws on one
 * without an inner event (an unhandled rejection). Such envelopes are handed to the app here instead,
 * with an ack that answers on the socket; everything else goes to the client as before. An envelope
 * the client would throw on (no payload, a payload or inner event that is not an object, a message
 * that is not an object at all) is acknowledged when it can be, so Slack does not send it again, and
 * logged: nothing in it can be processed, and it must not become an unhandled rejection.
 */
export function routeSocketNotices(client: SocketModeClient, app: App, logger: Logger): void {
  const internal = client as unknown as { onWebSocketMessage(data: unknown, isBinary: boolean): Promise<void>; send(envelopeId: string, body: object): Promise<void> };
  const original = internal.onWebSocketMessage.bind(client);
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const ackOnSocket = (envelopeId: string) => internal.send(envelopeId, {}).catch(() => undefined);
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    if (!isBinary) {
      let message: unknown;
      try {
        message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
      } catch {
        message = undefined;
      }
      if (message !== undefined && !isObject(message)) {
        logger.warn({ received: typeof message }, 'ignored a Socket Mode message that is not an envelope');
        return;
      }
      const envelopeId = typeof message?.['envelope_id'] === 'string' ? message['envelope_id'] : undefined;
      const type = message?.['type'];
      const payload = message?.['payload'];
      if (type === 'events_api' || type === 'slash_commands' || type === 'interactive') {
        if (!isObject(payload) || (type === 'events_api' && payload['event'] !== undefined && !isObject(payload['event']))) {
          logger.warn({ envelopeId, type }, 'acknowledged a malformed Socket Mode envelope without processing it (no payload, or no event in it)');
          if (envelopeId) void ackOnSocket(envelopeId);
          return;
        }
        if (type === 'events_api' && payload['event'] === undefined && envelopeId) {
          void app.processEvent({ body: payload, ack: async () => void (await internal.send(envelopeId, {})) }).catch(() => undefined);
          return;
        }
      }
    }
    original(data, isBinary).catch((error: unknown) => logger.error({ err: error }, 'a Socket Mode message could not be handled'));
  });
}
