// The layering of docs/architecture.md, checked on the real import graph by dependency-cruiser with
// the repository's own rules (.dependency-cruiser.cjs): a forbidden import fails `npm test`.
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

async function violations(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(join(root, 'tsconfig.json'));
  const result = await cruise(['src'], { ...options, baseDir, tsPreCompilationDeps: true }, {}, { tsConfig });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`).sort();
}

describe('architecture boundaries', () => {
  it('the sources break none of the layering rules', async () => {
    expect(await violations(root)).toEqual([]);
  }, 120_000);

  it('a listener importing the store, or a use case importing Slack even lazily, is refused', async () => {
    expect(await violations(join(root, 'test', 'fixtures', 'architecture'))).toEqual([
      'app-owns-its-ports: src/app/incidents.ts → src/slack/acknowledge.ts',
      'slack-never-reads-the-store: src/slack/acknowledge.ts → src/store/incidents.ts',
    ]);
  }, 120_000);
});
