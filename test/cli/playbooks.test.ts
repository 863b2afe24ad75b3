import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join('test', 'fixtures', 'playbooks');

function firebreakWith(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { PLAYBOOKS_DIR: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['bin/firebreak.js', ...args], { cwd: root, encoding: 'utf8', env: { ...inherited, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const firebreak = (...args: string[]) => firebreakWith({}, ...args);

const scratch = mkdtempSync(join(tmpdir(), 'firebreak-cli-playbooks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('firebreak playbooks validate', () => {
  it('exits 0 for the shipped playbooks (the default directory)', () => {
    const { status, stdout, stderr } = firebreak('playbooks', 'validate');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ok {2}service-outage {2}playbooks\/service-outage\.yaml$/m);
    expect(stdout.trim().split('\n').at(-1)).toBe('7 playbook(s) valid in ./playbooks');
  });

  it('reads PLAYBOOKS_DIR when no directory is given', () => {
    const { status, stdout } = firebreakWith({ PLAYBOOKS_DIR: join(fixtures, 'invalid') }, 'playbooks', 'validate');
    expect(status).toBe(1);
    expect(stdout.trim().split('\n').at(-1)).toBe(`4 problem(s) in 2 file(s); 1 playbook(s) valid in ${join(fixtures, 'invalid')}`);
  });

  it('exits 1 and prints every problem as file:line:column with key path and hint', () => {
    const { status, stdout, stderr } = firebreak('playbooks', 'validate', join(fixtures, 'invalid'));
    expect(status).toBe(1);
    expect(stderr).toBe('');
    const typos = readFileSync(join(root, fixtures, 'invalid', 'typos.yaml'), 'utf8').split('\n');
    const aproversLine = typos.findIndex((line) => line.includes('aprovers:')) + 1;
    const chanelLine = typos.findIndex((line) => line.includes('{{chanel}}')) + 1;
    const chanelColumn = (typos[chanelLine - 1]?.indexOf('{{chanel}}') ?? -1) + 1;
    expect(stdout).toContain(`${join(fixtures, 'invalid', 'typos.yaml')}:${aproversLine}:3: roles.aprovers: unknown key \`aprovers\` (did you mean \`approvers\`?)\n`);
    expect(stdout).toContain(
      `${join(fixtures, 'invalid', 'typos.yaml')}:${chanelLine}:${chanelColumn}: replies[0].text.es: unknown template variable \`{{chanel}}\`; nothing provides it when a reply is drafted (did you mean \`channel\`?)\n`,
    );
    expect(stdout).toMatch(new RegExp(`^${join(fixtures, 'invalid', 'syntax-error.yaml').replaceAll('.', '\\.')}:4:\\d+: YAML syntax error: `, 'm'));
    // The good file in the same directory still loads.
    expect(stdout).toContain(`ok  minimal  ${join(fixtures, 'invalid', 'good.yaml')}`);
    expect(stdout).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says so when the directory is empty or missing', () => {
    const empty = firebreak('playbooks', 'validate', scratch);
    expect(empty.status).toBe(1);
    expect(empty.stdout).toContain(`${scratch}: no playbooks found: the directory has no .yaml or .yml files`);
    const missing = firebreak('playbooks', 'validate', join(scratch, 'missing'));
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain(`${join(scratch, 'missing')}: playbook directory does not exist`);
  });

  it('a team\'s first playbook: a timer written "1h30" or "15min" says the number to write, and an approver listed twice is named, with the quorum it makes unreachable', () => {
    const good = readFileSync(join(root, fixtures, 'invalid', 'good.yaml'), 'utf8');
    const mine = good
      .replace('approvers: [U0APPROVE1, U0APPROVE2]', 'approvers: [U0APPROVE1, U0APPROVE1]')
      .replace('dueAfterMinutes: 5', 'dueAfterMinutes: 15min')
      .replace('dueAfterMinutes: 60', 'dueAfterMinutes: 1h30')
      .replace('afterMinutes: 30', 'afterMinutes: 2 horas');
    const folder = join(scratch, 'first-playbook');
    mkdirSync(folder);
    const file = join(folder, 'comunidad.yaml');
    writeFileSync(file, mine);
    const lines = mine.split('\n');
    const lineOf = (text: string) => lines.findIndex((line) => line.includes(text)) + 1;
    const { status, stdout } = firebreak('playbooks', 'validate', folder);
    expect(status).toBe(1);
    expect(stdout).toContain(`${file}:${lineOf('15min')}:22: checklist[0].dueAfterMinutes: must be a whole number of minutes, not the text "15min" (write 15)\n`);
    expect(stdout).toContain(`${file}:${lineOf('1h30')}:22: checklist[1].dueAfterMinutes: must be a whole number of minutes, not the text "1h30" (write 90)\n`);
    expect(stdout).toContain(`${file}:${lineOf('2 horas')}:19: escalation.unansweredNegative.afterMinutes: must be a whole number of minutes, not the text "2 horas" (write 120)\n`);
    writeFileSync(file, good.replace('approvers: [U0APPROVE1, U0APPROVE2]', 'approvers: [U0APPROVE1, U0APPROVE1]'));
    const twice = firebreak('playbooks', 'validate', folder);
    expect(twice.status).toBe(1);
    expect(twice.stdout).toContain(
      `${file}:${lineOf('approvers: [')}:27: roles.approvers[1]: \`U0APPROVE1\` is listed twice (also item 1); each approver counts once towards the quorum (remove the repeat, or write the approver you meant)\n`,
    );
    expect(twice.stdout).toContain(`${file}:${lineOf('quorum: 2')}:11: roles.quorum: quorum 2 is larger than the 1 approver(s) listed, so no reply could ever be approved`);
  });

  it('prints JSON for tools', () => {
    const { status, stdout } = firebreak('playbooks', 'validate', join(fixtures, 'valid'), '--json');
    expect(status).toBe(0);
    const result = JSON.parse(stdout) as { valid: Array<{ id: string; contentHash: string }>; problems: unknown[] };
    expect(result.problems).toEqual([]);
    expect(result.valid.map((entry) => entry.id)).toEqual(['minimal', 'outage']);
    expect(result.valid[0]?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('firebreak playbooks show', () => {
  it('prints the resolved playbook with defaults filled in and its content hash', () => {
    const { status, stdout } = firebreak('playbooks', 'show', 'minimal', '--dir', join(fixtures, 'valid'));
    expect(status).toBe(0);
    const shown = parse(stdout) as Record<string, unknown> & { roles: { fourEyes: boolean; canResolve: string[] }; contentHash: string; file: string };
    expect(shown.file).toBe(join(fixtures, 'valid', 'minimal.yaml'));
    expect(shown.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(shown.roles.fourEyes).toBe(true);
    expect(shown.roles.canResolve).toEqual(['lead']);
    expect(shown).not.toHaveProperty('source');
  });

  it('prints the same hash as validate --json', () => {
    const shown = JSON.parse(firebreak('playbooks', 'show', 'outage', '--dir', join(fixtures, 'valid'), '--json').stdout) as { contentHash: string };
    const validated = JSON.parse(firebreak('playbooks', 'validate', join(fixtures, 'valid'), '--json').stdout) as { valid: Array<{ id: string; contentHash: string }> };
    expect(shown.contentHash).toBe(validated.valid.find((entry) => entry.id === 'outage')?.contentHash);
  });

  it('suggests the closest id when the id is unknown', () => {
    const { status, stdout, stderr } = firebreak('playbooks', 'show', 'service-outgae');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^firebreak: no valid playbook with id `service-outgae` in \.\/playbooks \(did you mean `service-outage`\?\)\n/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('shows a valid playbook even when another file in the directory is broken, with a note', () => {
    const { status, stderr } = firebreak('playbooks', 'show', 'minimal', '--dir', join(fixtures, 'invalid'));
    expect(status).toBe(0);
    expect(stderr).toMatch(/^note: \d+ problem\(s\) in test\/fixtures\/playbooks\/invalid/);
  });
});

describe('firebreak playbooks schema', () => {
  it('writes the same JSON Schema that is committed', () => {
    const out = join(scratch, 'schema.json');
    writeFileSync(out, '');
    expect(firebreak('playbooks', 'schema', '--write', out).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(root, 'playbooks', 'playbook.schema.json'), 'utf8'));
  });
});
