// What the jobs count, as the jobs see it: any counter with these labels will do. The Prometheus
// registry (http/metrics.ts) provides it; jobs/ does not depend on the HTTP adapter.

export interface JobMetrics {
  /** Scheduled jobs fired, by kind and whether they fired late ('true' / 'false'). */
  readonly remindersFired: { inc(labels: { kind: string; late: string }): void };
}
