/**
 * Each shipped drill scenario played through the real sandbox, as the page and `firebreak drill` play
 * it (POST /sandbox/drills at 5×, after Firebreak's half-minute warm-up): detection must open the
 * incident, not the scenario's fallback `declare` step. Detection's buckets run on the wall clock, so
 * the drill starts 6 s into a 10-second bucket: the wave of complaints then straddles a bucket boundary
 * with too few of them in its first bucket to alert, the alignment that used to let the baseline learn
 * the wave and never alert. Each scenario runs in its own Firebreak, all three at once (about 70 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import type { DrillStatus } from '../../src/sandbox/player.js';
import { SANDBOX_DETECTOR_SETTINGS } from '../../src/sandbox/sandbox.js';
import { loadScenarios } from '../../src/sandbox/scenarios.js';

const SPEED = 5;
/** Firebreak's warm-up in the sandbox: its first buckets teach the baseline. */
const WARM_UP_MS = SANDBOX_DETECTOR_SETTINGS.warmupBuckets * SANDBOX_DETECTOR_SETTINGS.bucketMs;
const START_INTO_BUCKET_MS = 6_000;
const { scenarios } = await loadScenarios(join(process.cwd(), 'playbooks', 'scenarios'));

const running: { firebreak: RunningFirebreak; directory: string }[] = [];
afterAll(async () => {
  for (const { firebreak, directory } of running) {
    await firebreak.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shipped drills in the sandbox', () => {
  it('ships the three scenarios this test plays', () => {
    expect(scenarios.map((scenario) => scenario.id).sort()).toEqual(['outage-escalates', 'privacy-rumour', 'toxic-thread']);
  });

  it.concurrent.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    '%s at 5× after the warm-up: detection opens the incident before the declare step',
    async (id, scenario) => {
      const directory = mkdtempSync(join(tmpdir(), `firebreak-drill-${id}-`));
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent', PLAYBOOKS_DIR: './playbooks' });
      const firebreak = await startFirebreak(config, createLogger('silent'));
      running.push({ firebreak, directory });
      const upAt = Date.now();

      // Half a minute up, then to 6 s into a bucket (the buckets are aligned to the epoch).
      await sleep(WARM_UP_MS);
      const bucketMs = SANDBOX_DETECTOR_SETTINGS.bucketMs;
      await sleep((START_INTO_BUCKET_MS - (Date.now() % bucketMs) + bucketMs) % bucketMs);
      expect(Date.now() - upAt).toBeGreaterThanOrEqual(WARM_UP_MS);

      const response = await fetch(`${firebreak.url}/sandbox/drills`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: id, speed: SPEED }) });
      expect(response.status).toBe(200);
      const { drill } = (await response.json()) as { drill: DrillStatus };

      const declareAtMs = Math.min(...scenario.steps.filter((step) => step.kind === 'declare').map((step) => step.atMs)) / SPEED;
      let status: DrillStatus | undefined;
      const deadline = Date.now() + declareAtMs + 20_000;
      while (Date.now() < deadline) {
        status = (await (await fetch(`${firebreak.url}/sandbox/drills/${drill.id}`)).json()) as DrillStatus;
        if (status.metrics.openedBy !== null) break;
        await sleep(500);
      }
      expect(status?.metrics.openedBy).toBe('detection');
      expect(status?.metrics.timeToAlertMs).toBeLessThan(declareAtMs);

      // The alert in #firebreak-alerts is the detector's: its explanation, not "no detection behind it".
      const sandbox = firebreak.sandbox;
      if (!sandbox) throw new Error('no sandbox');
      const bot = sandbox.workspace.bot.user_id;
      const alerts = sandbox.workspace.messagesIn(sandbox.alertsChannel).filter((message) => message.user === bot && (message.thread_ts === undefined || message.thread_ts === message.ts));
      expect(alerts).toHaveLength(1);
      expect(JSON.stringify(alerts[0]?.blocks)).toMatch(/negative messages in/);
    },
    120_000,
  );
});
