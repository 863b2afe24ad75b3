import { mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlaybookRegistry } from '../../../src/domain/playbooks/index.js';
import type { PlaybookProblem, RegistryReload } from '../../../src/domain/playbooks/index.js';
import { fixturesDir, minimalSource } from './helpers.js';

const outageSource = readFileSync(join(fixturesDir, 'valid', 'outage.yaml'), 'utf8');

let dir: string;
let registry: PlaybookRegistry | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-registry-'));
  writeFileSync(join(dir, 'minimal.yaml'), minimalSource);
  writeFileSync(join(dir, 'outage.yaml'), outageSource);
});
afterEach(() => {
  registry?.close();
  registry = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('PlaybookRegistry.reload', () => {
  it('keeps the last good version of a file when an edit is invalid, and reports why', async () => {
    const reported: PlaybookProblem[][] = [];
    registry = await PlaybookRegistry.open(dir, { onProblems: (problems) => reported.push(problems) });
    const original = registry.get('outage');
    expect(registry.problems).toEqual([]);
    expect(reported).toEqual([]);

    writeFileSync(join(dir, 'outage.yaml'), outageSource.replace('priority: 50', 'priority: -5'));
    const reload = await registry.reload();
    expect(registry.get('outage')).toBe(original);
    expect(reload.changed).toEqual([]);
    expect(reload.problems.map((problem) => problem.message)).toEqual([
      'must be at least 0',
      `invalid edit: still using the last good version of playbook \`outage\` (${original?.contentHash.slice(0, 12)}) until the file is fixed`,
    ]);
    expect(reload.problems[0]).toMatchObject({ file: join(dir, 'outage.yaml'), line: 10, path: 'triggers.priority' });
    expect(reported).toEqual([reload.problems]);

    writeFileSync(join(dir, 'outage.yaml'), outageSource.replace('priority: 50', 'priority: 60'));
    const fixed = await registry.reload();
    expect(fixed).toMatchObject({ problems: [], added: [], changed: ['outage'], removed: [] });
    expect(registry.get('outage')?.triggers.priority).toBe(60);
  });

  it('tells about the same problems once, not on every reload', async () => {
    const reported: PlaybookProblem[][] = [];
    registry = await PlaybookRegistry.open(dir, { onProblems: (problems) => reported.push(problems) });
    writeFileSync(join(dir, 'outage.yaml'), outageSource.replace('priority: 50', 'priority: -5'));
    await registry.reload();
    await registry.reload();
    expect(reported).toHaveLength(1);
    writeFileSync(join(dir, 'outage.yaml'), outageSource.replace('priority: 50', 'priority: 1001'));
    await registry.reload();
    expect(reported).toHaveLength(2);
    expect(reported[1]?.[0]?.message).toBe('must be at most 1000');
    writeFileSync(join(dir, 'outage.yaml'), outageSource);
    expect((await registry.reload()).problems).toEqual([]);
    writeFileSync(join(dir, 'outage.yaml'), outageSource.replace('priority: 50', 'priority: -5'));
    await registry.reload();
    expect(reported).toHaveLength(3);
  });

  it('withdraws a deleted playbook and adds a new one', async () => {
    registry = await PlaybookRegistry.open(dir);
    unlinkSync(join(dir, 'outage.yaml'));
    writeFileSync(join(dir, 'other.yaml'), outageSource.replace('id: outage', 'id: other'));
    expect(await registry.reload()).toMatchObject({ added: ['other'], changed: [], removed: ['outage'], problems: [] });
    expect(registry.playbooks.map((playbook) => playbook.id)).toEqual(['minimal', 'other']);
  });

  it('does not serve a new file that has never been valid', async () => {
    registry = await PlaybookRegistry.open(dir);
    writeFileSync(join(dir, 'draft.yaml'), 'id: draft\n');
    const reload = await registry.reload();
    expect(reload.added).toEqual([]);
    expect(reload.problems.every((problem) => problem.file === join(dir, 'draft.yaml'))).toBe(true);
    expect(registry.playbooks.map((playbook) => playbook.id)).toEqual(['minimal', 'outage']);
  });

  it('keeps the playbook in service when another file starts using its id', async () => {
    registry = await PlaybookRegistry.open(dir);
    const serving = registry.get('outage');
    writeFileSync(join(dir, 'a-copy.yaml'), outageSource.replace('priority: 50', 'priority: 99'));
    const reload = await registry.reload();
    expect(registry.get('outage')?.source.file).toBe(join(dir, 'outage.yaml'));
    expect(registry.get('outage')?.contentHash).toBe(serving?.contentHash);
    expect(reload.problems).toEqual([expect.objectContaining({ file: join(dir, 'a-copy.yaml'), path: 'id', message: expect.stringContaining('duplicate playbook id `outage`') })]);
  });

  it('keeps the last good version of a file whose edit takes an id already in service', async () => {
    registry = await PlaybookRegistry.open(dir);
    const serving = registry.get('outage');
    writeFileSync(join(dir, 'outage.yaml'), outageSource.replace('id: outage', 'id: minimal'));
    const reload = await registry.reload();
    expect(registry.playbooks.map((playbook) => [playbook.id, playbook.source.file])).toEqual([
      ['minimal', join(dir, 'minimal.yaml')],
      ['outage', join(dir, 'outage.yaml')],
    ]);
    expect(registry.get('outage')).toBe(serving);
    expect(reload.problems.map((problem) => problem.message)).toEqual([
      `duplicate playbook id \`minimal\`, already used by ${join(dir, 'minimal.yaml')}`,
      `invalid edit: still using the last good version of playbook \`outage\` (${serving?.contentHash.slice(0, 12)}) until the file is fixed`,
    ]);
  });

  it('selects among the playbooks in service', async () => {
    registry = await PlaybookRegistry.open(dir);
    expect(registry.select({ channelName: 'support', text: 'outage' }).id).toBe('outage');
    expect(registry.select({ channelName: 'random', text: 'outage' }).id).toBe('minimal');
  });
});

describe('PlaybookRegistry.watch (live reload)', () => {
  it('reloads on save, keeps the last good version on an invalid save, and picks up the fix', async () => {
    const reloads: RegistryReload[] = [];
    registry = (await PlaybookRegistry.open(dir, { debounceMs: 50, onReload: (reload) => reloads.push(reload) })).watch();
    const file = join(dir, 'outage.yaml');

    writeFileSync(file, outageSource.replace('priority: 50', 'priority: 70'));
    await vi.waitFor(() => expect(registry?.get('outage')?.triggers.priority).toBe(70), { timeout: 5000, interval: 20 });
    const good = registry.get('outage');

    writeFileSync(file, outageSource.replace('roles:', 'roles\n'));
    await vi.waitFor(() => expect(registry?.problems.length).toBeGreaterThan(0), { timeout: 5000, interval: 20 });
    expect(registry.get('outage')).toBe(good);
    expect(registry.problems[0]?.message).toMatch(/^YAML syntax error/);

    // Editors often save by writing a temporary file and renaming it over the original.
    writeFileSync(join(dir, '.outage.yaml.swp'), outageSource.replace('priority: 50', 'priority: 80'));
    renameSync(join(dir, '.outage.yaml.swp'), file);
    await vi.waitFor(() => expect(registry?.get('outage')?.triggers.priority).toBe(80), { timeout: 5000, interval: 20 });
    expect(registry.problems).toEqual([]);
    expect(reloads.at(-1)?.changed).toEqual(['outage']);
  });
});
