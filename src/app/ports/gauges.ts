// What /metrics reads from the database when Prometheus scrapes: stored state, not counted events.

export interface OutboxBacklog {
  /** Slack writes waiting to be sent (pending or in flight). */
  depth: number;
  oldestPendingAgeSeconds: number;
}

export interface StoredGauges {
  outboxBacklog(now: number): Promise<OutboxBacklog>;
  incidentsByStatus(): Promise<Record<string, number>>;
}
