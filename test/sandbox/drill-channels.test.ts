/**
 * A drill makes the spike it causes open a drill incident (replies stay in the alert thread), for an
 * hour after it started. Only on the drill's own channel: a spike on another channel in that hour is the
 * community's own and opens a real incident, whose approved replies reach that channel.
 * Played through the sandbox's page endpoints, with a clock the test moves and the leader's tick run by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';
import { SANDBOX_DETECTOR_SETTINGS } from '../../src/sandbox/sandbox.js';
import { ANGRY_MESSAGES } from '../support/community.js';

const OFF_TOPIC = 'C0OFFTOPI1';
const HELP_BILLING = 'C0HELPBIL1';
const MEMBERS = ['ana', 'ben', 'chloe', 'diego', 'emma', 'farid', 'grace', 'hugo'];
const MEMBER_IDS = ['U0MEMBANA1', 'U0MEMBBEN1', 'U0MEMBCHL1', 'U0MEMBDIE1', 'U0MEMBEMM1', 'U0MEMBFAR1', 'U0MEMBGRA1', 'U0MEMBHUG1'];

const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('sandbox: a drill marks only its own channel as a drill', () => {
  const bucketMs = SANDBOX_DETECTOR_SETTINGS.bucketMs;
  // On a bucket boundary, so each burst falls in one bucket.
  const clock = new ManualClock(Math.ceil(Date.now() / bucketMs) * bucketMs + 1_000);
  let firebreak: RunningFirebreak;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'firebreak-drill-channels-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent', PLAYBOOKS_DIR: './playbooks' });
    firebreak = await startFirebreak(config, createLogger('silent'), { clock });
  }, 30_000);
  afterAll(async () => {
    await firebreak?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('after a drill in #off-topic, a spike in #help-billing opens a real incident; the drill’s own spike a drill', async () => {
    const prisma = firebreak.database.prisma;
    // The sandbox greets every channel once the app is up: the detector's first, calm bucket.
    await expect.poll(() => firebreak.sandbox?.workspace.messagesIn(HELP_BILLING).length ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
    // Calm warm-up buckets in both channels.
    for (let bucket = 0; bucket < SANDBOX_DETECTOR_SETTINGS.warmupBuckets + 3; bucket += 1) {
      clock.advance(bucketMs);
      for (const channel of [OFF_TOPIC, HELP_BILLING]) await postJson(`${firebreak.url}/sandbox/do/post`, { as: MEMBER_IDS[bucket % MEMBER_IDS.length], channel, text: 'Good morning everyone' });
    }
    clock.advance(bucketMs);

    // The drill: a burst of complaints in #off-topic.
    const steps = MEMBERS.map((from, index) => `  - { at: ${index * 100}ms, from: ${from}, text: "${ANGRY_MESSAGES[index]}" }`).join('\n');
    const source = `formatVersion: 1\nid: off-topic-burst\nname: Off-topic burst\nlanguage: en\nchannel: off-topic\nsteps:\n${steps}\n`;
    const started = (await (await postJson(`${firebreak.url}/sandbox/drills`, { source, speed: 10 })).json()) as { drill: { id: string } };
    await expect.poll(async () => ((await (await fetch(`${firebreak.url}/sandbox/drills/${started.drill.id}`)).json()) as { state: string }).state, { timeout: 10_000 }).toBe('played');

    // Minutes later, well within the hour after the drill, the same burst in #help-billing.
    for (const [index, member] of MEMBER_IDS.entries()) await postJson(`${firebreak.url}/sandbox/do/post`, { as: member, channel: HELP_BILLING, text: ANGRY_MESSAGES[index] });
    await expect.poll(() => prisma.scoredMessage.count({ where: { text: { in: [...ANGRY_MESSAGES] } } }), { timeout: 15_000 }).toBeGreaterThanOrEqual(2 * ANGRY_MESSAGES.length);

    clock.advance(2 * bucketMs);
    await firebreak.runtime?.tick();
    const opened = async () => (await prisma.incident.findMany()).map(({ channelId, drill }) => ({ channelId, drill })).sort((a, b) => a.channelId.localeCompare(b.channelId));
    await expect.poll(opened, { timeout: 15_000 }).toHaveLength(2);
    expect(await opened()).toEqual([
      { channelId: HELP_BILLING, drill: false },
      { channelId: OFF_TOPIC, drill: true },
    ]);
  }, 60_000);
});
