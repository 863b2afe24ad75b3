// Vitest global setup: compiles src/ to dist/ once per run, so every test that starts `firebreak`
// runs the code users run, built from the sources under test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function buildDist(): void {
  const result = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building dist/ failed:\n${result.stdout}${result.stderr}`);
}
