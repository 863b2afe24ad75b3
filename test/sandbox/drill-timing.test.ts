/**
 * Whether a drill is detected depends on where its wave of complaints falls on the detector's
 * wall-clock bucket grid, how long Firebreak has been up, and how late each message is stored (a
 * message stored after its bucket closed is not counted). test/e2e/drill-detection.test.ts plays one
 * alignment through the real sandbox in real time; this one replays every alignment in seconds through
 * the detection pipeline the watcher runs (scoring, buckets, the detector's tick), with the settings the
 * sandbox gives Firebreak and the playbook that covers the scenario's channel.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advanceChannel, countMessage, watchChannel } from '../../src/domain/detection/pipeline.js';
import { resolveDetectorSettings, type DetectorSettings } from '../../src/domain/detection/settings.js';
import { loadPlaybooks } from '../../src/domain/playbooks/load.js';
import { selectPlaybook } from '../../src/domain/playbooks/select.js';
import { detectorSettingsUnder } from '../../src/domain/playbooks/watching.js';
import { CHANNELS, personaByHandle } from '../../src/sandbox/personas.js';
import { SANDBOX_DETECTION_INTERVAL_MS, SANDBOX_DETECTOR_SETTINGS } from '../../src/sandbox/sandbox.js';
import { loadScenarios, type Scenario } from '../../src/sandbox/scenarios.js';

const SPEED = 5;
const SECOND = 1000;
const { scenarios } = await loadScenarios(join(process.cwd(), 'playbooks', 'scenarios'));
const { playbooks } = await loadPlaybooks(join(process.cwd(), 'playbooks'));

/** The channel's settings as the runtime resolves them in the sandbox (no DETECTOR_SETTINGS set). */
function settingsFor(channelName: string): DetectorSettings {
  const channelId = CHANNELS.find((channel) => channel.name === channelName)?.id ?? channelName;
  return detectorSettingsUnder(selectPlaybook(playbooks, { channelId, channelName }), resolveDetectorSettings({ ...SANDBOX_DETECTOR_SETTINGS }));
}

interface Play {
  /** From the sandbox's first (welcome) message to the drill's start. */
  upMs: number;
  /** Where in a bucket the sandbox attached (its welcome message). */
  attachIntoBucketMs: number;
  /** Post → stored by the watcher. */
  storeDelayMs: number;
  /** How late each detection tick runs after its interval (a busy event loop). */
  tickLagMs: number;
}

/** Each drill's time from its start to the detector's spike (null: none before the next drill). */
function play(scenario: Scenario, drillStartsMs: number[], { attachIntoBucketMs, storeDelayMs, tickLagMs }: Omit<Play, 'upMs'>): (number | null)[] {
  const settings = settingsFor(scenario.channel);
  const attach = 1_800_000_000_000 + attachIntoBucketMs; // a multiple of the bucket, plus the offset
  const channel = watchChannel(scenario.channel, settings);
  type Event = { at: number; message?: { posted: number; author: string; text: string } };
  // The sandbox greets each channel when it attaches, so the detector starts learning a calm baseline.
  const events: Event[] = [{ at: attach + storeDelayMs, message: { posted: attach, author: 'U0MEMBBEN1', text: `Welcome to #${scenario.channel} 👋` } }];
  for (const start of drillStartsMs) {
    for (const step of scenario.steps) {
      if (step.kind !== 'message') continue;
      const posted = attach + start + step.atMs / SPEED;
      events.push({ at: posted + storeDelayMs, message: { posted, author: personaByHandle(step.from)?.id ?? step.from, text: step.text } });
    }
  }
  const end = attach + Math.max(...drillStartsMs) + 300 * SECOND;
  for (let tick = attach; tick < end; tick += SANDBOX_DETECTION_INTERVAL_MS) events.push({ at: tick + tickLagMs });
  events.sort((a, b) => a.at - b.at || (a.message ? -1 : 1));
  const spikes: number[] = [];
  for (const event of events) {
    if (event.message) countMessage(channel, { id: String(event.message.posted), channel: scenario.channel, authorId: event.message.author, at: event.message.posted, text: event.message.text }, settings);
    else for (const decision of advanceChannel(channel, event.at, settings)) if (decision.type === 'spike') spikes.push(event.at);
  }
  return drillStartsMs.map((start, index) => {
    const next = drillStartsMs[index + 1] ?? Number.POSITIVE_INFINITY;
    const spike = spikes.find((at) => at >= attach + start && at < attach + next);
    return spike === undefined ? null : spike - (attach + start);
  });
}

function declareAtMs(scenario: Scenario): number {
  return Math.min(...scenario.steps.filter((step) => step.kind === 'declare').map((step) => step.atMs)) / SPEED;
}

/** Every drill start within a bucket (every half second), a few uptimes, storage delays and tick lags. */
function plays(): Play[] {
  const all: Play[] = [];
  for (const upMs of [30 * SECOND, 45 * SECOND, 10 * 60 * SECOND])
    for (let attachIntoBucketMs = 0; attachIntoBucketMs < SANDBOX_DETECTOR_SETTINGS.bucketMs; attachIntoBucketMs += 500)
      for (const storeDelayMs of [0, 1 * SECOND, 2 * SECOND]) for (const tickLagMs of [0, 1 * SECOND]) all.push({ upMs, attachIntoBucketMs, storeDelayMs, tickLagMs });
  return all;
}

describe('shipped drills on the detector’s bucket grid', () => {
  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))('%s at 5×: detection opens it before the declare step, wherever the wave falls', (_id, scenario) => {
    const missed: Play[] = [];
    const times: number[] = [];
    for (const at of plays()) {
      const [detectedAfter] = play(scenario, [at.upMs], at);
      if (detectedAfter === null || detectedAfter === undefined || detectedAfter >= declareAtMs(scenario)) missed.push(at);
      else times.push(detectedAfter);
    }
    expect(missed).toEqual([]);
    // What docs/sandbox.md promises: about 15–30 s after the start.
    expect(Math.min(...times)).toBeGreaterThanOrEqual(10 * SECOND);
    expect(Math.max(...times)).toBeLessThanOrEqual(30 * SECOND);
  });

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))('%s played again in the same channel two minutes after it started is detected again', (_id, scenario) => {
    for (let attachIntoBucketMs = 0; attachIntoBucketMs < SANDBOX_DETECTOR_SETTINGS.bucketMs; attachIntoBucketMs += 1000) {
      const [first, second] = play(scenario, [40 * SECOND, 40 * SECOND + 2 * 60 * SECOND], { attachIntoBucketMs, storeDelayMs: 1 * SECOND, tickLagMs: 0 });
      expect(first).not.toBeNull();
      expect(second).not.toBeNull();
      expect(second).toBeLessThan(declareAtMs(scenario));
    }
  });
});
