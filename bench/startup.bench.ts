// Cold start: process spawn → first 200 from /healthz, with migrations already applied.
// Target (issue 2): under 3 s. Runs SQLite always, PostgreSQL when 127.0.0.1:5432 answers.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const bin = join(import.meta.dirname, '..', 'bin', 'firebreak.js');
/** FIREBREAK_FROM_SOURCE=1 times the TypeScript sources through tsx instead of the compiled dist/. */
const fromSource = process.env.FIREBREAK_FROM_SOURCE === '1' ? { FIREBREAK_FROM_SOURCE: '1' } : {};
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.split('=')[1] ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function coldStart(databaseUrl: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...fromSource },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 30_000) throw new Error('no /healthz within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function measure(label: string, databaseUrl: string): Promise<void> {
  const migrate = spawnSync(process.execPath, [bin, 'migrate'], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) samples.push(await coldStart(databaseUrl));
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? NaN;
  console.log(`${label.padEnd(10)} ${fromSource.FIREBREAK_FROM_SOURCE ? '(sources via tsx) ' : ''}cold start to /healthz: median ${median.toFixed(0)} ms, max ${samples.at(-1)?.toFixed(0)} ms over ${runs} runs (target < 3000 ms)`);
}

const folder = mkdtempSync(join(tmpdir(), 'firebreak-bench-'));
try {
  await measure('sqlite', `file:${join(folder, 'firebreak.db')}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
try {
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS firebreak_bench_startup WITH (FORCE)');
  await admin.query('CREATE DATABASE firebreak_bench_startup');
  await measure('postgres', 'postgres://postgres@127.0.0.1:5432/firebreak_bench_startup');
  await admin.query('DROP DATABASE IF EXISTS firebreak_bench_startup WITH (FORCE)');
} catch (error) {
  console.log(`postgres   skipped: ${(error as Error).message}`);
} finally {
  await admin.end().catch(() => undefined);
}
