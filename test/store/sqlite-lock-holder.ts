// Another process holding a SQLite database's write lock, as a `firebreak` command, a second program or a
// backup would: a child Node process that runs BEGIN IMMEDIATE on the file and keeps the transaction
// open for a given time (on its own clock, so a stalled test process cannot shorten it), then rolls back.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

const HOLDER_SCRIPT = `
const [, betterSqlite3, file, hold, write, waitMs] = process.argv;
const db = new (require(betterSqlite3))(file, { timeout: Number(waitMs) });
db.prepare('BEGIN IMMEDIATE').run();
if (write) db.prepare(write).run();
process.stdout.write('locked\\n');
setTimeout(() => { db.prepare(write ? 'COMMIT' : 'ROLLBACK').run(); db.close(); process.stdout.write('released\\n'); process.exit(0); }, Number(hold));
`;

export interface LockHolder {
  /** Resolves once the other process has let go of the lock (and exited). */
  released: Promise<void>;
  /** performance.now() in this process when the lock was reported taken. */
  lockedAt: number;
  kill(): void;
}

/**
 * Takes the write lock of the SQLite file `path` in another process for `holdMs`; resolves once it holds
 * it. With `write`, that statement is run and committed at the end (else rolled back); `waitMs` is how
 * long that process waits for the lock itself (0: refused at once if someone holds it).
 */
export async function holdWriteLock(path: string, holdMs: number, options: { write?: string; waitMs?: number } = {}): Promise<LockHolder> {
  const args = ['-e', HOLDER_SCRIPT, BETTER_SQLITE3, path, String(holdMs), options.write ?? '', String(options.waitMs ?? 0)];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lockedAt = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('locked\n')) resolve(performance.now());
    });
    void exited.then((code) => reject(new Error(`the lock holder exited (${code}) before taking the lock: ${errors}`)));
  });
  return {
    lockedAt,
    released: exited.then((code) => {
      if (code !== 0) throw new Error(`the lock holder failed (${code}): ${errors}`);
    }),
    kill: () => child.kill('SIGKILL'),
  };
}

/** The longest gap between ticks of a 10 ms timer while it runs: how long the event loop was stalled. */
export function eventLoopStalls(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}
