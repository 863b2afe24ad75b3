// A Watcher over the in-memory channel store, with a fake incident service that records what
// detection asked of it: the rules of watching, without a database or Slack.
import pino from 'pino';
import type { DetectionInput } from '../../src/app/incidents.js';
import { Watcher, type CommunityMessage, type WatcherOptions } from '../../src/app/watcher.js';
import { ManualClock } from '../../src/domain/clock.js';
import { resolveDetectorSettings, type DetectorSettings } from '../../src/domain/detection/settings.js';
import type { InputFix } from '../../src/domain/ingest/message-input.js';
import { createMemoryChannelStore, type MemoryChannelStore } from './memory-channels.js';

export const WORKSPACE = 'ws-test';
/** Named by a playbook: watched on first sight. */
export const SUPPORT = 'C0SUPPORT';
/** Named by nobody. */
export const RANDOM = 'C0RANDOM';
export const STAFF = 'U0STAFF';
/** Whole minutes: one-minute buckets start on them. */
export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

/** Short buckets and a short warm-up, as the end-to-end suites run the detector. */
export const testDetectorSettings: DetectorSettings = resolveDetectorSettings({ bucketMs: 60_000, warmupBuckets: 5, rhythm: 'none', cooldownMs: 3_600_000 }, 'test');

/** Slack's ts for an epoch ms. */
export function tsOf(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

export function message(userId: string, text: string, at: number, extra: Partial<CommunityMessage> = {}): CommunityMessage {
  return { workspaceId: WORKSPACE, channelId: SUPPORT, userId, ts: tsOf(at), text, ...extra };
}

export interface WatcherFixture {
  watcher: Watcher;
  store: MemoryChannelStore;
  clock: ManualClock;
  opened: DetectionInput[];
  escalated: DetectionInput[];
  fixes: InputFix[];
  quarantineReasons: string[];
}

export function watcherFixture(options: Partial<WatcherOptions> = {}): WatcherFixture {
  const store = createMemoryChannelStore();
  const clock = new ManualClock(T0);
  const opened: DetectionInput[] = [];
  const escalated: DetectionInput[] = [];
  const fixes: InputFix[] = [];
  const quarantineReasons: string[] = [];
  const watcher = new Watcher({
    store,
    clock,
    logger: pino({ level: 'silent' }),
    incidents: {
      openFromDetection: async (input) => {
        opened.push(input);
        return { incidentId: `inc-${opened.length}`, opened: true };
      },
      escalateFromDetection: async (input) => {
        escalated.push(input);
        return { incidentId: 'inc-1', opened: false };
      },
    },
    settingsFor: () => testDetectorSettings,
    describeChannel: async (_workspaceId, channelId) => (channelId === SUPPORT ? { name: 'support', watchedBy: 'playbook' } : { name: null, watchedBy: null }),
    isStaff: async (userId) => userId === STAFF,
    onNormalised: (fix) => fixes.push(fix),
    onQuarantined: (reason) => quarantineReasons.push(reason),
    ...options,
  });
  return { watcher, store, clock, opened, escalated, fixes, quarantineReasons };
}
