import { describe, expect, it } from 'vitest';
import { channelOfLine, shardCount, shardOf } from '../../src/cli/commands/backtest-shards.js';

describe('splitting a JSONL replay by channel', () => {
  it('reads the channel without parsing, and gives up whenever a cheap read could be wrong', () => {
    expect(channelOfLine('{"ts":"1.0","channel":"C042","user":"U1","text":"hi"}')).toBe('C042');
    expect(channelOfLine('{ "channel" : "support", "text": "a"}')).toBe('support');
    expect(channelOfLine('{"channel":"we\\"ird","text":"a"}')).toBeUndefined(); // an escape: parse instead
    expect(channelOfLine('{"text":"see \\"channel\\": \\"x\\"","channel":"C1"}')).toBe('C1');
    expect(channelOfLine('{"channel":"C1","meta":{"channel":"C2"}}')).toBeUndefined(); // two keys: parse instead
    expect(channelOfLine('{"ts":"1.0","text":"no channel"}')).toBeUndefined();
  });

  it('spreads channels over the shards', () => {
    const channels = Array.from({ length: 1000 }, (_, i) => `C${i}`);
    const sizes = [0, 0, 0, 0];
    for (const channel of channels) sizes[shardOf(channel, 4)]! += 1;
    for (const size of sizes) expect(size).toBeGreaterThan(200); // spread, not all in one
  });

  it('uses one process for small files and at most four for big ones, unless told', () => {
    expect(shardCount(1_000_000, undefined)).toBe(1);
    expect(shardCount(10 ** 10, undefined)).toBeLessThanOrEqual(4);
    expect(shardCount(1_000, 3)).toBe(3);
  });
});
