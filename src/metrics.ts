// Every Firebreak metric, in one prom-client registry (served at GET /metrics by http/metrics.ts).
// Counters are incremented where things happen, in any layer; gauges that describe stored state
// (outbox depth, incidents by status, leadership) are read from their sources when Prometheus scrapes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoredGauges } from './app/ports/index.js';
import type { Clock } from './domain/clock.js';

export interface OutboxGaugeSource {
  depth: number;
  oldestPendingAgeSeconds: number;
}

/** Where the scrape-time gauges read from; each is optional so a partial app still serves /metrics. */
export interface MetricSources {
  outbox?: () => Promise<OutboxGaugeSource>;
  incidentsByStatus?: () => Promise<Record<string, number>>;
  isLeader?: () => boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** Slack events (and ingested messages) received, by event type. */
  readonly eventsReceived: Counter<'type'>;
  /** Deliveries dropped because their event_id was already processed (Slack retries, several instances). */
  readonly eventsDeduplicated: Counter<'type'>;
  readonly messagesScored: Counter<'language' | 'label'>;
  readonly alertsRaised: Counter<'severity'>;
  readonly incidentsByStatus: Gauge<'status'>;
  readonly outboxDepth: Gauge;
  readonly outboxOldestPendingAge: Gauge;
  /** Outbox items finished, by method and outcome (sent, adopted, failed). */
  readonly outboxItems: Counter<'method' | 'outcome'>;
  readonly slackApiCalls: Counter<'method'>;
  /** Failed Slack calls, by method and Slack's error (ratelimited, http_500, network, channel_not_found …). */
  readonly slackApiErrors: Counter<'method' | 'error'>;
  /** Time from a Slack request's arrival to its acknowledgement, by kind (event, action, view, command). */
  readonly ackLatency: Histogram<'kind'>;
  readonly remindersFired: Counter<'kind' | 'late'>;
  readonly leader: Gauge;
  /** Incoming messages kept in the quarantine instead of being stored, by reason. */
  readonly messagesQuarantined: Counter<'reason'>;
  /** Incoming messages cleaned on the way in (NUL bytes, lone surrogates, truncation), by what was fixed. */
  readonly inputNormalised: Counter<'reason'>;
  /** Slack requests answered without reaching a listener (malformed, foreign team, unknown path, bad time), by reason. */
  readonly requestsRefused: Counter<'kind' | 'reason'>;
  /** Errors nothing else caught (unhandled rejections, uncaught exceptions, listener failures), by kind. */
  readonly processErrors: Counter<'kind'>;
  /** Points the scrape-time gauges at their sources (called once the store and leadership exist). */
  setSources(sources: MetricSources): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  let sources: MetricSources = {};
  const registers = [registry];

  // One read serves both outbox gauges: whichever collects first fetches, the other reuses it.
  let outboxRead: Promise<OutboxGaugeSource | undefined> | undefined;
  const readOutbox = () =>
    (outboxRead ??= (sources.outbox?.() ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .finally(() => setImmediate(() => (outboxRead = undefined))));

  const outboxDepth = new Gauge({
    name: 'firebreak_outbox_depth',
    help: 'Slack writes waiting to be sent (pending or in flight)',
    registers,
    async collect() {
      const stats = await readOutbox();
      if (stats) this.set(stats.depth);
    },
  });
  const outboxOldestPendingAge = new Gauge({
    name: 'firebreak_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest Slack write not yet sent',
    registers,
    async collect() {
      const stats = await readOutbox();
      if (stats) this.set(stats.oldestPendingAgeSeconds);
    },
  });
  const incidentsByStatus = new Gauge({
    name: 'firebreak_incidents',
    help: 'Incidents by status',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const counts = await sources.incidentsByStatus?.().catch(() => undefined);
      if (!counts) return;
      this.reset();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });
  const leader = new Gauge({
    name: 'firebreak_leader',
    help: '1 when this instance runs the scheduler and detection ticks',
    registers,
    collect() {
      if (sources.isLeader) this.set(sources.isLeader() ? 1 : 0);
    },
  });

  return {
    registry,
    eventsReceived: new Counter({ name: 'firebreak_events_received_total', help: 'Slack events and ingested messages received', labelNames: ['type'] as const, registers }),
    eventsDeduplicated: new Counter({
      name: 'firebreak_events_deduplicated_total',
      help: 'Deliveries ignored because their event id was already processed',
      labelNames: ['type'] as const,
      registers,
    }),
    messagesScored: new Counter({ name: 'firebreak_messages_scored_total', help: 'Community messages scored', labelNames: ['language', 'label'] as const, registers }),
    alertsRaised: new Counter({ name: 'firebreak_alerts_raised_total', help: 'Detector alerts raised, by the severity of their incident (sev1-sev4)', labelNames: ['severity'] as const, registers }),
    incidentsByStatus,
    outboxDepth,
    outboxOldestPendingAge,
    outboxItems: new Counter({ name: 'firebreak_outbox_items_total', help: 'Outbox items finished', labelNames: ['method', 'outcome'] as const, registers }),
    slackApiCalls: new Counter({ name: 'firebreak_slack_api_calls_total', help: 'Slack Web API calls made', labelNames: ['method'] as const, registers }),
    slackApiErrors: new Counter({ name: 'firebreak_slack_api_errors_total', help: 'Slack Web API calls that failed', labelNames: ['method', 'error'] as const, registers }),
    ackLatency: new Histogram({
      name: 'firebreak_ack_latency_seconds',
      help: 'Time from receiving a Slack request to acknowledging it (Slack allows 3 s)',
      labelNames: ['kind'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    }),
    remindersFired: new Counter({ name: 'firebreak_reminders_fired_total', help: 'Scheduled jobs fired', labelNames: ['kind', 'late'] as const, registers }),
    leader,
    messagesQuarantined: new Counter({ name: 'firebreak_messages_quarantined_total', help: 'Incoming messages quarantined instead of stored', labelNames: ['reason'] as const, registers }),
    inputNormalised: new Counter({ name: 'firebreak_input_normalised_total', help: 'Incoming messages cleaned before storing', labelNames: ['reason'] as const, registers }),
    requestsRefused: new Counter({ name: 'firebreak_slack_requests_refused_total', help: 'Slack requests refused or dropped before any listener', labelNames: ['kind', 'reason'] as const, registers }),
    processErrors: new Counter({ name: 'firebreak_process_errors_total', help: 'Errors caught at the top: unhandled rejections, uncaught exceptions, failed listeners', labelNames: ['kind'] as const, registers }),
    setSources(next) {
      sources = { ...sources, ...next };
    },
    render: () => registry.metrics(),
  };
}

/** Event types counted under their own label; anything else is `other`, so labels stay bounded. */
const KNOWN_EVENT_LABELS = new Set([
  'message',
  'message.thread_broadcast',
  'message.file_share',
  'message.me_message',
  'message.message_changed',
  'message.message_deleted',
  'message.bot_message',
  'message.channel_join',
  'message.channel_leave',
  'message.channel_topic',
  'app_home_opened',
]);

/** The `type` label for an event (and message subtype): a known one, or `other`. */
export function eventTypeLabel(type: unknown, subtype?: unknown): string {
  const label = typeof subtype === 'string' && subtype ? `${String(type)}.${subtype}` : String(type);
  return KNOWN_EVENT_LABELS.has(label) ? label : typeof subtype === 'string' && subtype && type === 'message' ? 'message.other' : 'other';
}

/** The scrape-time gauges that read the database: outbox depth and age, incidents by status. */
export function storeMetricSources(gauges: StoredGauges, clock: Clock): Required<Pick<MetricSources, 'outbox' | 'incidentsByStatus'>> {
  return {
    outbox: () => gauges.outboxBacklog(clock.now()),
    incidentsByStatus: () => gauges.incidentsByStatus(),
  };
}

/**
 * A fetch for WebClient (`new WebClient(token, { fetch })`, or Bolt's `clientOptions.fetch`) that counts
 * every Web API call and failure by method: WebClient binds its methods at construction, so the
 * transport is the one place every call passes through. Not for the outbox client, which counts its own.
 */
export function slackCallCountingFetch(metrics: Pick<Metrics, 'slackApiCalls' | 'slackApiErrors'>, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = new URL(url).pathname.split('/').pop() || 'unknown';
    metrics.slackApiCalls.inc({ method });
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      metrics.slackApiErrors.inc({ method, error: 'network' });
      throw error;
    }
    if (response.status === 429) metrics.slackApiErrors.inc({ method, error: 'ratelimited' });
    else if (response.status !== 200) metrics.slackApiErrors.inc({ method, error: `http_${response.status}` });
    else if ((response.headers.get('content-type') ?? '').includes('json')) {
      const body = (await response.clone().json().catch(() => null)) as { ok?: boolean; error?: string } | null;
      if (body && body.ok === false) metrics.slackApiErrors.inc({ method, error: body.error ?? 'unknown_error' });
    }
    return response;
  };
}
