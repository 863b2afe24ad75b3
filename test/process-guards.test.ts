// The last line of defence: a stray rejection is logged and counted and the process carries on; an
// uncaught exception is logged and counted, the app is closed, and the process exits with 70.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { FATAL_EXIT_CODE, installProcessGuards, type ProcessGuards } from '../src/process-guards.js';

let guards: ProcessGuards | undefined;
afterEach(() => guards?.remove());

describe('installProcessGuards', () => {
  it('counts an unhandled rejection and keeps the process running', async () => {
    const exits: number[] = [];
    const counted: string[] = [];
    guards = installProcessGuards(createLogger('silent', { pretty: false }), (code) => exits.push(code));
    guards.countWith({ inc: ({ kind }) => counted.push(kind) });
    void Promise.reject(new Error('nobody waits for me'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(counted).toEqual(['unhandled_rejection']);
    expect(exits).toEqual([]);
  });

  it('closes the app and exits with 70 on an uncaught exception', async () => {
    const exits: number[] = [];
    const counted: string[] = [];
    let closed = false;
    guards = installProcessGuards(createLogger('silent', { pretty: false }), (code) => exits.push(code));
    guards.countWith({ inc: ({ kind }) => counted.push(kind) });
    guards.onFatal(async () => {
      closed = true;
    });
    process.emit('uncaughtException', new Error('state unknown'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(counted).toEqual(['uncaught_exception']);
    expect(closed).toBe(true);
    expect(exits).toEqual([FATAL_EXIT_CODE]);
  });
});
