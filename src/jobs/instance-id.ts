// Instance identities: `host:pid:nonce`. On the same machine a dead process is recognised at once,
// so a restart after a crash takes over its claims and leases without waiting for them to expire.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function parseInstanceId(id: string): { host: string; pid: number } | null {
  const match = /^(.*):(\d+):[^:]+$/.exec(id);
  return match ? { host: match[1]!, pid: Number(match[2]) } : null;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `id` names another process of this machine that no longer runs. Other machines, unknown shapes: false. */
export function isDeadLocalInstance(id: string | null | undefined, alive: (pid: number) => boolean = processAlive): boolean {
  const parsed = id ? parseInstanceId(id) : null;
  if (!parsed || parsed.host !== hostname() || parsed.pid === process.pid) return false;
  return !alive(parsed.pid);
}
