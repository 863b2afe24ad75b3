import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPlaybooks } from '../../../src/domain/playbooks/index.js';
import { fixturesDir, minimalSource, minimalWith, positionOf } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-playbooks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadPlaybooks', () => {
  it('loads every valid playbook of a directory', async () => {
    const { playbooks, problems } = await loadPlaybooks(join(fixturesDir, 'valid'));
    expect(problems).toEqual([]);
    expect(playbooks.map((playbook) => playbook.id)).toEqual(['minimal', 'outage']);
  });

  it('never lets one bad file hide the good ones', async () => {
    const { playbooks, problems } = await loadPlaybooks(join(fixturesDir, 'invalid'));
    expect(playbooks.map((playbook) => playbook.id)).toEqual(['minimal']);
    expect(new Set(problems.map((problem) => problem.file))).toEqual(new Set([join(fixturesDir, 'invalid', 'syntax-error.yaml'), join(fixturesDir, 'invalid', 'typos.yaml')]));
  });

  it('says so when the directory is empty or missing', async () => {
    expect(await loadPlaybooks(dir)).toEqual({
      playbooks: [],
      problems: [expect.objectContaining({ file: dir, line: 0, message: 'no playbooks found: the directory has no .yaml or .yml files' })],
    });
    const missing = join(dir, 'nope');
    expect((await loadPlaybooks(missing)).problems).toEqual([expect.objectContaining({ file: missing, message: 'playbook directory does not exist' })]);
  });

  it('reads .yml as well as .yaml, and ignores sub-folders and other files', async () => {
    writeFileSync(join(dir, 'minimal.yml'), minimalSource);
    writeFileSync(join(dir, 'notes.md'), '# not a playbook');
    mkdirSync(join(dir, 'scenarios'));
    writeFileSync(join(dir, 'scenarios', 'drill.yaml'), 'not: a playbook');
    const { playbooks, problems } = await loadPlaybooks(dir);
    expect(problems).toEqual([]);
    expect(playbooks.map((playbook) => playbook.id)).toEqual(['minimal']);
  });

  it('refuses a file too large to be a playbook without reading it', async () => {
    writeFileSync(join(dir, 'minimal.yaml'), minimalSource);
    writeFileSync(join(dir, 'huge.yaml'), `# ${'x'.repeat(300 * 1024)}\n`);
    const { playbooks, problems } = await loadPlaybooks(dir);
    expect(playbooks.map((playbook) => playbook.id)).toEqual(['minimal']);
    expect(problems).toEqual([expect.objectContaining({ file: join(dir, 'huge.yaml'), message: 'file is too large (300 KB); a playbook is a few KB, the limit is 256 KB' })]);
  });

  it('refuses a duplicate id across files, at the id line of the second file', async () => {
    writeFileSync(join(dir, 'a.yaml'), minimalSource);
    const second = minimalWith('default: true\n', '');
    writeFileSync(join(dir, 'b.yaml'), second);
    const { playbooks, problems } = await loadPlaybooks(dir);
    expect(playbooks.map((playbook) => playbook.source.file)).toEqual([join(dir, 'a.yaml')]);
    expect(problems).toEqual([
      {
        file: join(dir, 'b.yaml'),
        ...positionOf(second, 'minimal'),
        path: 'id',
        message: `duplicate playbook id \`minimal\`, already used by ${join(dir, 'a.yaml')}`,
        hint: 'give each playbook its own id',
      },
    ]);
  });

  it('requires exactly one default playbook', async () => {
    writeFileSync(join(dir, 'a.yaml'), minimalWith('default: true\n', ''));
    expect((await loadPlaybooks(dir)).problems).toEqual([expect.objectContaining({ file: dir, message: expect.stringMatching(/^no default playbook/) })]);
    writeFileSync(join(dir, 'a.yaml'), minimalSource);
    const second = minimalWith('id: minimal', 'id: other');
    writeFileSync(join(dir, 'b.yaml'), second);
    const { playbooks, problems } = await loadPlaybooks(dir);
    expect(playbooks.map((playbook) => playbook.id)).toEqual(['minimal']);
    expect(problems).toEqual([expect.objectContaining({ file: join(dir, 'b.yaml'), path: 'default', ...positionOf(second, 'true') })]);
  });

  it('loads the shipped playbooks without a problem', async () => {
    cpSync(join(fixturesDir, '..', '..', '..', 'playbooks'), dir, { recursive: true });
    const { playbooks, problems } = await loadPlaybooks(dir);
    expect(problems).toEqual([]);
    expect(playbooks.filter((playbook) => playbook.default)).toHaveLength(1);
    // A toxic thread's samples are the attackers' messages: its replies never answer one by name in
    // their thread, nor name whoever reported (the Spanish trial's "Gracias por avisarnos, <attacker>").
    const harassment = playbooks.find((playbook) => playbook.id === 'harassment');
    expect(harassment?.replies.length).toBeGreaterThan(0);
    for (const reply of harassment?.replies ?? []) {
      expect(reply.target).toBe('channel');
      expect(JSON.stringify(reply.text)).not.toContain('{{member}}');
    }
  });
});
