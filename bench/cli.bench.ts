// CLI start-up as a multiple of a bare `node -e 0` measured in the same run (issue 14): paired runs,
// median of --runs (default 5). Targets: `firebreak --help` ≤ 3×, `firebreak postmortem list` on a
// migrated SQLite file ≤ 6×.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'firebreak.js');
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.split('=')[1] ?? 5);
const folder = mkdtempSync(join(tmpdir(), 'firebreak-cli-bench-'));
const env = { PATH: process.env.PATH, DATABASE_URL: `file:${join(folder, 'firebreak.db')}`, ...(process.env.FIREBREAK_FROM_SOURCE ? { FIREBREAK_FROM_SOURCE: process.env.FIREBREAK_FROM_SOURCE } : {}) };

function timed(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

try {
  timed([bin, 'migrate']);
  const cases = { help: [bin, '--help'], 'postmortem list': [bin, 'postmortem', 'list'] };
  // One warm-up of each (file cache), then paired runs: bare node right before each command.
  for (const args of Object.values(cases)) timed(args);
  for (const [label, args] of Object.entries(cases)) {
    const bare: number[] = [];
    const command: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      bare.push(timed(['-e', '0']));
      command.push(timed(args));
    }
    const ratio = median(command) / median(bare);
    console.log(`firebreak ${label.padEnd(16)} median ${median(command).toFixed(0)} ms, bare node ${median(bare).toFixed(0)} ms: ${ratio.toFixed(1)}× (target ≤ ${label === 'help' ? 3 : 6}×)`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
