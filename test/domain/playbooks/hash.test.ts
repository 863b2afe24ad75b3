import { describe, expect, it } from 'vitest';
import { parsePlaybookSource } from '../../../src/domain/playbooks/index.js';
import { minimalSource, minimalWith } from './helpers.js';

function hashOf(source: string, file = 'playbooks/a.yaml'): string {
  const { playbook, problems } = parsePlaybookSource(source, file);
  expect(problems).toEqual([]);
  return playbook?.contentHash ?? '';
}

describe('contentHash', () => {
  const base = hashOf(minimalSource);

  it('is a sha256 hex digest', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same content, whatever the file path', () => {
    expect(hashOf(minimalSource, 'elsewhere/renamed.yml')).toBe(base);
  });

  it('ignores comments, key order, quoting and flow versus block style', () => {
    const reformatted = minimalWith('ownerTeam: Test Team\n', '# owned by the test team\n"ownerTeam": \'Test Team\'\n')
      .replace('name: Minimal playbook\ndescription: Smallest valid playbook, used by the tests.\n', 'description: Smallest valid playbook, used by the tests.\nname: Minimal playbook\n')
      .replace('  approvers: [U0APPROVE1, U0APPROVE2]', '  approvers:\n    - U0APPROVE1\n    - U0APPROVE2');
    expect(reformatted).not.toBe(minimalSource);
    expect(hashOf(reformatted)).toBe(base);
  });

  it('treats a default written out like the default left out', () => {
    expect(hashOf(minimalWith('  quorum: 2\n', '  quorum: 2\n  fourEyes: true\n'))).toBe(base);
  });

  it('changes when the content changes', () => {
    expect(hashOf(minimalWith('dueAfterMinutes: 5', 'dueAfterMinutes: 6'))).not.toBe(base);
    expect(hashOf(minimalWith('Hola {{member}}', 'Hola, {{member}}'))).not.toBe(base);
  });
});
