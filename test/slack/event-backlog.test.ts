// The backlog of acknowledged events: every one is processed (shutdown waits for them), a few per
// turn of the event loop so requests are read in between, and a full backlog holds the next ack back.
import { describe, expect, it } from 'vitest';
import { createEventBacklog } from '../../src/slack/event-backlog.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('event backlog', () => {
  it('runs every queued event, a few per turn, and drain waits for the last one to finish', async () => {
    const backlog = createEventBacklog({ perTurn: 2, onError: () => undefined });
    const done: number[] = [];
    for (let i = 0; i < 5; i += 1) await backlog.add(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      done.push(i);
    });
    await turn();
    expect(backlog.size()).toEqual({ queued: 3, running: 2 });
    expect(await backlog.drain(5_000)).toBe(true);
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(backlog.size()).toEqual({ queued: 0, running: 0 });
  });

  it('holds an add back while the backlog is full, and reports a failing event without stopping', async () => {
    const errors: unknown[] = [];
    const backlog = createEventBacklog({ perTurn: 1, maxQueued: 2, onError: (error) => errors.push(error) });
    await backlog.add(() => Promise.reject(new Error('boom')));
    await backlog.add(async () => undefined);
    let third = false;
    const adding = backlog.add(async () => undefined).then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    await adding;
    expect(await backlog.drain(5_000)).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('says when drain gave up on an event still running', async () => {
    const backlog = createEventBacklog({ onError: () => undefined });
    await backlog.add(() => new Promise(() => undefined));
    expect(await backlog.drain(50)).toBe(false);
  });
});
