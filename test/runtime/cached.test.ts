// The composition root's one-minute cache: keys come from requests, so it must stay bounded whatever
// arrives, and a failed load is asked again rather than remembered.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { cached } from '../../src/runtime/cached.js';

describe('cached', () => {
  it('answers from memory for a minute, then asks again', async () => {
    const clock = new ManualClock(0);
    const asked: string[] = [];
    const name = cached(clock, async (key) => (asked.push(key), `#${key}`));
    expect(await name('C1')).toBe('#C1');
    expect(await name('C1')).toBe('#C1');
    clock.advance(60_000);
    await name('C1');
    expect(asked).toEqual(['C1', 'C1']);
  });

  it('keeps at most its limit of keys, dropping the oldest first, however many distinct keys arrive', async () => {
    const clock = new ManualClock(0);
    const asked: string[] = [];
    const name = cached(clock, async (key) => (asked.push(key), key), { maxEntries: 3 });
    for (const key of ['C1', 'C2', 'C3', 'C4']) await name(key);
    // C1 left when C4 came; C2..C4 are still answered from memory.
    for (const key of ['C2', 'C3', 'C4', 'C1']) await name(key);
    expect(asked).toEqual(['C1', 'C2', 'C3', 'C4', 'C1']);
  });

  it('does not remember a failure', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const flaky = cached(clock, async () => {
      calls += 1;
      if (calls === 1) throw new Error('Slack is down');
      return 'ok';
    });
    await expect(flaky('C1')).rejects.toThrow('Slack is down');
    expect(await flaky('C1')).toBe('ok');
  });

  it('keeps an answer for its own time when given one, and passes the request\'s arguments to the load only', async () => {
    const clock = new ManualClock(0);
    const asked: string[] = [];
    const role = cached(clock, async (key: string, client: string) => (asked.push(`${key} via ${client}`), 'admin'), { ttlMs: 30_000 });
    await role('T1/U1', 'client-a');
    await role('T1/U1', 'client-b');
    clock.advance(30_000);
    await role('T1/U1', 'client-c');
    expect(asked).toEqual(['T1/U1 via client-a', 'T1/U1 via client-c']);
  });
});
