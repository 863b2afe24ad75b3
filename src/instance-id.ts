// Instance identities: `host:pid:nonce`. On the same machine a dead process is recognised at once,
// so a restart after a crash takes over its claims and leases without waiting for them to expire.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function parseInstanceId(id: string): { host: string; pid: number } | null {
  const match = /^(.*):(\d+):[^:]+$/.exec(id);
  return match ? { host: match[1]!, pid: Number(match[2]) } : null;
}

/**
 * Whether a process of this machine runs. A process killed a moment ago may linger as a zombie
 * (state Z or X in /proc/<pid>/stat) until its parent reaps it: signal 0 still reaches it, but it is gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    // No /proc (macOS): signal 0 is all there is. /proc without this pid: it has just gone.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux';
  }
  // `pid (comm) state …`: comm may hold spaces and parentheses, so the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** True when `id` names another process of this machine that no longer runs. Other machines, unknown shapes: false. */
export function isDeadLocalInstance(id: string | null | undefined, alive: (pid: number) => boolean = processAlive): boolean {
  const parsed = id ? parseInstanceId(id) : null;
  if (!parsed || parsed.host !== hostname() || parsed.pid === process.pid) return false;
  return !alive(parsed.pid);
}
