// The stored state /metrics reports at scrape time.
import type { StoredGauges } from '../../app/ports/gauges.js';
import type { Db } from '../db.js';
import { outboxStats } from './outbox.js';

export function storedGaugesOn(db: Db): StoredGauges {
  return {
    outboxBacklog: (now) => outboxStats(db, { now: () => now }),
    async incidentsByStatus() {
      const rows = await db.incident.groupBy({ by: ['status'], _count: { _all: true } });
      return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
    },
  };
}
