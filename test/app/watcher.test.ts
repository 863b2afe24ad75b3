// The Watcher's rules over in-memory ports: what is counted, what is refused or cleaned, what a
// failing write costs its neighbours, and when detection opens an incident.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNEL_CACHE_MAX_ENTRIES, type Watcher } from '../../src/app/watcher.js';
import { loadPlaybooks } from '../../src/domain/playbooks/index.js';
import { fixturesDir } from '../domain/playbooks/helpers.js';
import { message, RANDOM, STAFF, SUPPORT, T0, tsOf, watcherFixture, WORKSPACE } from '../support/watcher-fixture.js';

const MINUTE = 60_000;

const ANGRY = ['The app is broken again, this is terrible', 'Worst outage ever, I am furious', 'Payments failing, awful service', 'Horrible, broken login again'];

/** Ten calm minutes, then sixteen angry messages within a minute; resolves with the burst's start. */
async function calmThenAngry(watcher: Watcher): Promise<number> {
  const calm = ['Hi all, how do I change my avatar?', 'Thanks for the help yesterday', 'Is the new version out?', 'Good morning everyone'];
  for (let m = 0; m < 10; m += 1) await watcher.ingest(message(`U${m}`, calm[m % calm.length]!, T0 + m * MINUTE + 5_000));
  const burst = T0 + 10 * MINUTE;
  for (let i = 0; i < 16; i += 1) await watcher.ingest(message(`U${i % 10}`, ANGRY[i % ANGRY.length]!, burst + i * 1_000));
  return burst;
}

describe('Watcher', () => {
  it('scores a member message and counts it in its bucket; a channel a playbook names is watched on first sight', async () => {
    const { watcher, store } = watcherFixture();
    const outcome = await watcher.ingest(message('U1', 'The app is broken again, this is terrible', T0 + 5_000));
    expect(outcome).toMatchObject({ status: 'scored', sentiment: { label: 'negative' } });
    const channel = store.channel(WORKSPACE, SUPPORT);
    expect(channel).toMatchObject({ name: 'support', watchedBy: 'playbook', active: true });
    expect(store.buckets(channel!.ref)).toMatchObject([{ start: T0, messages: 1, negatives: 1, negativeAuthors: { U1: 1 } }]);
    expect(store.messages()).toMatchObject([{ ts: tsOf(T0 + 5_000), userId: 'U1', label: 'negative', postedAt: T0 + 5_000 }]);
  });

  it('ignores channels nobody watches, and channels unwatched by command', async () => {
    const { watcher, store } = watcherFixture();
    expect(await watcher.ingest(message('U1', 'terrible', T0, { channelId: RANDOM }))).toEqual({ status: 'not_watched' });
    store.watch({ workspaceId: WORKSPACE, channelId: 'C0OLD', active: false });
    expect(await watcher.ingest(message('U1', 'terrible', T0, { channelId: 'C0OLD' }))).toEqual({ status: 'not_watched' });
    expect(store.messages()).toEqual([]);
  });

  it('a channel a playbook put under watch follows the playbooks of its workspace; command-watched ones are left be', async () => {
    const { watcher, store } = watcherFixture();
    const { playbooks } = await loadPlaybooks(join(fixturesDir, 'valid'));
    expect((await watcher.ingest(message('U1', 'Hello', T0 + 5_000))).status).toBe('scored');
    await watcher.ingest(message('U1', 'Hello', T0 + 5_000, { workspaceId: 'ws-other' }));
    store.watch({ workspaceId: WORKSPACE, channelId: 'C0TOWN', name: 'town' });
    // #support is still named in ws-other only: stopped in WORKSPACE, at once (no cached row scores it).
    const servingOf = async (workspaceId: string) => (workspaceId === WORKSPACE ? [] : playbooks);
    expect(await watcher.followPlaybooks(servingOf, { mayStop: true })).toEqual({ stopped: [{ workspaceId: WORKSPACE, channelId: SUPPORT, name: 'support' }], resumed: [] });
    expect(await watcher.ingest(message('U2', 'terrible', T0 + 6_000))).toEqual({ status: 'not_watched' });
    expect(await watcher.ingest(message('U2', 'terrible', T0 + 6_000, { channelId: 'C0TOWN' }))).toMatchObject({ status: 'scored' });
    expect(store.channel('ws-other', SUPPORT)).toMatchObject({ active: true });
    // Idempotent; nothing stopped while playbooks are in doubt; named again, resumed with its history.
    expect(await watcher.followPlaybooks(servingOf, { mayStop: true })).toEqual({ stopped: [], resumed: [] });
    expect(await watcher.followPlaybooks(async () => [], { mayStop: false })).toEqual({ stopped: [], resumed: [] });
    expect((await watcher.followPlaybooks(async () => playbooks, { mayStop: true })).resumed).toEqual([{ workspaceId: WORKSPACE, channelId: SUPPORT, name: 'support' }]);
    expect(await watcher.ingest(message('U3', 'Hello again', T0 + 7_000))).toMatchObject({ status: 'scored' });
    expect(store.messages(store.channel(WORKSPACE, SUPPORT)!.ref)).toHaveLength(2);
    // Each change is audited once, by nobody (the playbooks), with the channel; the no-op runs add nothing.
    expect(store.audited()).toEqual([
      { at: expect.any(Number), userId: null, action: 'channel.unwatch', outcome: 'accepted', incidentId: null, data: { workspaceId: WORKSPACE, channelId: SUPPORT, name: 'support', by: 'playbooks' } },
      { at: expect.any(Number), userId: null, action: 'channel.watch', outcome: 'accepted', incidentId: null, data: { workspaceId: WORKSPACE, channelId: SUPPORT, name: 'support', by: 'playbooks' } },
    ]);
  });

  it('remembers a bounded number of channels: a source naming endless channels cannot grow memory, the oldest is asked again', async () => {
    const asked: string[] = [];
    const { watcher } = watcherFixture({
      describeChannel: async (_workspaceId, channelId) => {
        asked.push(channelId);
        return { name: null, watchedBy: null };
      },
    });
    for (let i = 0; i <= CHANNEL_CACHE_MAX_ENTRIES; i += 1) await watcher.ingest(message('U1', 'hello', T0 + 1_000, { channelId: `forum:thread-${i}` }));
    expect(asked).toHaveLength(CHANNEL_CACHE_MAX_ENTRIES + 1);
    // Within the cache's time, the newest is still remembered and the first was let go.
    await watcher.ingest(message('U1', 'hello', T0 + 1_000, { channelId: `forum:thread-${CHANNEL_CACHE_MAX_ENTRIES}` }));
    expect(asked).toHaveLength(CHANNEL_CACHE_MAX_ENTRIES + 1);
    await watcher.ingest(message('U1', 'hello', T0 + 1_000, { channelId: 'forum:thread-0' }));
    expect(asked).toHaveLength(CHANNEL_CACHE_MAX_ENTRIES + 2);
  });

  it('/firebreak watch and unwatch are audited with who asked, in the same transaction as the change', async () => {
    const { watcher, store } = watcherFixture();
    await watcher.setWatched({ workspaceId: WORKSPACE, channelId: 'C0TOWN', name: 'town', active: true }, 'UANN');
    await watcher.setWatched({ workspaceId: WORKSPACE, channelId: 'C0TOWN', name: 'town', active: false }, 'UBOB');
    expect(store.audited().map(({ userId, action, data }) => ({ userId, action, data }))).toEqual([
      { userId: 'UANN', action: 'channel.watch', data: { workspaceId: WORKSPACE, channelId: 'C0TOWN', name: 'town', by: 'command' } },
      { userId: 'UBOB', action: 'channel.unwatch', data: { workspaceId: WORKSPACE, channelId: 'C0TOWN', name: 'town', by: 'command' } },
    ]);
    expect(store.channel(WORKSPACE, 'C0TOWN')).toMatchObject({ active: false, watchedBy: 'command' });
  });

  it('does not count a staff message; a staff reply in a member’s thread marks the member answered', async () => {
    const { watcher, store } = watcherFixture();
    const asked = message('U1', 'Payments failing, awful service', T0 + 1_000);
    await watcher.ingest(asked);
    expect(await watcher.ingest(message(STAFF, 'Terrible news, we are on it', T0 + 2_000, { threadTs: asked.ts }))).toEqual({ status: 'staff_reply' });
    const channel = store.channel(WORKSPACE, SUPPORT)!;
    expect(store.buckets(channel.ref)).toMatchObject([{ messages: 1, negatives: 1 }]);
    expect(store.messages()).toMatchObject([{ ts: asked.ts, answeredAt: T0 + 2_000 }]);
  });

  it('cleans a NUL byte before storing, and says so', async () => {
    const { watcher, store, fixes } = watcherFixture();
    const outcome = await watcher.ingest(message('U1', 'broken\u0000 checkout', T0));
    expect(outcome.status).toBe('scored');
    expect(fixes).toEqual(['nul_bytes']);
    expect(store.messages()[0]?.text).not.toContain('\u0000');
    expect(store.messages()[0]?.text).toContain('broken');
  });

  it('quarantines a message that cannot be stored as received, with the reason and what was received', async () => {
    const { watcher, store, quarantineReasons } = watcherFixture();
    expect(await watcher.ingest(message('U1', 'hello', T0, { ts: 'yesterday' }))).toEqual({ status: 'quarantined' });
    expect(quarantineReasons).toEqual(['invalid_ts']);
    expect(store.quarantined()).toMatchObject([{ reason: 'invalid_ts', source: 'slack', channelId: SUPPORT, workspaceId: WORKSPACE }]);
    expect(JSON.parse(store.quarantined()[0]!.payload)).toMatchObject({ ts: 'yesterday', text: 'hello' });
    expect(store.messages()).toEqual([]);
  });

  it('stores messages arriving together in one commit, and a retried delivery only once', async () => {
    const { watcher, store } = watcherFixture();
    const burst = [1, 2, 3, 4].map((i) => message(`U${i}`, 'this is terrible', T0 + i * 1_000, { eventId: `Ev${i}` }));
    const outcomes = await Promise.all(burst.map((item) => watcher.ingest(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['scored', 'scored', 'scored', 'scored']);
    const commitsAfterBurst = store.commits;
    expect(commitsAfterBurst).toBeLessThanOrEqual(2);
    // Slack retries an event (same event id), and the same message comes back under another id.
    expect(await watcher.ingest(burst[0]!)).toEqual({ status: 'duplicate' });
    expect(await watcher.ingest({ ...burst[1]!, eventId: 'EvOther' })).toEqual({ status: 'duplicate' });
    expect(store.buckets(store.channel(WORKSPACE, SUPPORT)!.ref)).toMatchObject([{ messages: 4, negatives: 4 }]);
  });

  it('quarantines the one message the database refuses while its neighbours in the batch commit', async () => {
    const { watcher, store, quarantineReasons } = watcherFixture();
    const poison = message('U2', 'this one breaks the insert', T0 + 2_000);
    store.failWhen = (write) => write.kind === 'insertMessage' && write.message.ts === poison.ts;
    const outcomes = await Promise.all([message('U1', 'terrible', T0 + 1_000), poison, message('U3', 'awful', T0 + 3_000)].map((item) => watcher.ingest(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['scored', 'quarantined', 'scored']);
    expect(quarantineReasons).toEqual(['store_failed']);
    expect(store.quarantined()).toMatchObject([{ reason: 'store_failed', error: expect.stringContaining('insertMessage') }]);
    expect(store.messages().map((stored) => stored.userId).sort()).toEqual(['U1', 'U3']);
    // The failed batch was rolled back whole: its neighbours are counted once, the poison not at all.
    expect(store.buckets(store.channel(WORKSPACE, SUPPORT)!.ref)).toMatchObject([{ messages: 2, negatives: 2, negativeAuthors: { U1: 1, U3: 1 } }]);
  });

  it('tells the caller only when even the quarantine refuses the message', async () => {
    const { watcher, store } = watcherFixture();
    store.failWhen = (write) => write.kind === 'insertMessage' || write.kind === 'quarantine';
    await expect(watcher.ingest(message('U1', 'terrible', T0))).rejects.toThrow(/insertMessage/);
  });

  it('moves an edited message’s contribution, and takes a deleted one out, erasing its text', async () => {
    const { watcher, store } = watcherFixture();
    const original = message('U1', 'This is a disaster, I hate this update', T0 + 1_000);
    await watcher.ingest(original);
    const ref = store.channel(WORKSPACE, SUPPORT)!.ref;
    expect(store.buckets(ref)).toMatchObject([{ messages: 1, negatives: 1 }]);
    expect(await watcher.edit({ ...original, text: 'Thanks, it works now, great job' })).toMatchObject({ status: 'scored', sentiment: { label: 'positive' } });
    expect(store.buckets(ref)).toMatchObject([{ messages: 1, negatives: 0, positives: 1 }]);
    expect(await watcher.remove(WORKSPACE, SUPPORT, original.ts)).toBe(true);
    expect(store.buckets(ref)).toMatchObject([{ messages: 0, negatives: 0, positives: 0 }]);
    expect(store.messages()).toMatchObject([{ ts: original.ts, text: null, deletedAt: T0 }]);
    expect(await watcher.remove(WORKSPACE, SUPPORT, original.ts)).toBe(false);
  });

  it('stores a late message of a bucket the detector has closed without counting it', async () => {
    const { watcher, store, clock } = watcherFixture();
    await watcher.ingest(message('U1', 'hello there', T0 + 1_000));
    clock.set(T0 + 3 * MINUTE);
    await watcher.tick();
    watcher.forgetChannels();
    expect(await watcher.ingest(message('U2', 'terrible, broken', T0 + 2_000))).toMatchObject({ status: 'scored' });
    const ref = store.channel(WORKSPACE, SUPPORT)!.ref;
    expect(store.messages(ref)).toHaveLength(2);
    expect(store.buckets(ref)).toMatchObject([{ start: T0, messages: 1, negatives: 0 }]);
  });

  it('opens one incident for a spike: later ticks and more anger in the same episode open no other', async () => {
    const { watcher, clock, opened } = watcherFixture();
    const burst = await calmThenAngry(watcher);
    clock.set(burst + MINUTE);
    expect(await watcher.tick()).toBe(1);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ workspaceId: WORKSPACE, channelId: SUPPORT, channelName: 'support', detectedAt: burst + MINUTE, drill: false });
    expect(await watcher.tick()).toBe(0);
    for (let i = 0; i < 16; i += 1) await watcher.ingest(message(`U${i % 10}`, ANGRY[i % ANGRY.length]!, burst + MINUTE + i * 1_000));
    clock.set(burst + 2 * MINUTE);
    expect(await watcher.tick()).toBe(0);
    expect(opened).toHaveLength(1);
  });
  it('a spike explains itself with its dominant terms as members wrote them: apostrophes, expressions and negations kept, case and elongation not', async () => {
    const { watcher, clock, opened } = watcherFixture();
    const calm = ['Hi all, how do I change my avatar?', 'Thanks for the help yesterday', 'Is the new version out?', 'Good morning everyone'];
    for (let m = 0; m < 10; m += 1) await watcher.ingest(message(`U${m}`, calm[m % calm.length]!, T0 + m * MINUTE + 5_000));
    const burst = T0 + 10 * MINUTE;
    const angry = ['I can’t stand this, TERRIBLE app, not happy', 'TERRIBLE again, can’t stand it :(', 'Terrrrible update, I can’t stand it, not good :(', 'Not happy, terrible, not good, can’t stand it :('];
    for (let i = 0; i < 16; i += 1) await watcher.ingest(message(`U${i % 10}`, angry[i % angry.length]!, burst + i * 1_000));
    clock.set(burst + MINUTE);
    expect(await watcher.tick()).toBe(1);
    const terms = (opened[0]!.explanation as { dominantTerms: { term: string; key: string }[] }).dominantTerms;
    // Not the keys scoring counts ("can't-stand", "not-good", "emo-sad"), nor "TERRIBLE" or "terrrrible";
    // and "happy", negated in every message that counted it, is said with its "not".
    expect(terms.map(({ term }) => term).sort()).toEqual([':(', 'can’t stand', 'not good', 'not happy', 'terrible']);
    expect(terms.find(({ term }) => term === 'can’t stand')?.key).toBe("can't-stand");
  });

  it('keeps a spike whose incident could not be opened: the next tick opens it, and other channels are not held up', async () => {
    let failures = 1;
    const opened: string[] = [];
    const { watcher, clock } = watcherFixture({
      incidents: {
        openFromDetection: async (input) => {
          if (failures-- > 0) throw new Error('database unavailable');
          opened.push(input.channelId);
          return { incidentId: 'inc-1', opened: true };
        },
        escalateFromDetection: async () => ({ incidentId: 'inc-1', opened: false }),
      },
    });
    const burst = await calmThenAngry(watcher);
    clock.set(burst + MINUTE);
    expect(await watcher.tick()).toBe(0);
    expect(opened).toEqual([]);
    expect(await watcher.tick()).toBe(1);
    expect(opened).toEqual([SUPPORT]);
    expect(await watcher.tick()).toBe(0);
  });
});
