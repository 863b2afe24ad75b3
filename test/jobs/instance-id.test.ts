// A process that was killed but not yet reaped (a zombie) is gone: the single-instance check and the
// leases must not wait for it, while a running process stays alive.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { isDeadLocalInstance, processAlive } from '../../src/instance-id.js';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A shell that starts `sleep 0` and then becomes `sleep 30`, which never reaps it: the `sleep 0` stays a zombie. */
async function zombiePid(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(parent);
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  // Wait until it has exited and shows as a zombie.
  for (let tries = 0; tries < 100; tries += 1) {
    if (/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`process ${pid} did not become a zombie`);
}

describe.runIf(process.platform === 'linux')('processAlive', () => {
  it('is false for a zombie, which signal 0 still reaches', async () => {
    const pid = await zombiePid();
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(processAlive(pid)).toBe(false);
    expect(isDeadLocalInstance(`${hostname()}:${pid}:abcd1234`)).toBe(true);
  });

  it('is true for a running process and false for one that is gone', async () => {
    const running = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(running);
    expect(processAlive(running.pid as number)).toBe(true);
    const done = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => done.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processAlive(done.pid as number)).toBe(false);
  });
});
