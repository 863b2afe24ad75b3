// `npm run bench [name…]`: runs every bench/<name>.bench.ts (or the named ones) one after another,
// each in its own process so one benchmark's heap never colours another's figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
const all = readdirSync(benchDir).filter((file) => file.endsWith('.bench.ts')).sort();
const selected = wanted.length ? all.filter((file) => wanted.includes(file.replace('.bench.ts', ''))) : all;
let failed = 0;
for (const file of selected) {
  process.stdout.write(`\n=== ${file.replace('.bench.ts', '')}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(benchDir, file), ...passThrough], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
