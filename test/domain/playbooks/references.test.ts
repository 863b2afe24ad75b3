import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPlaybookReferences, loadPlaybooks } from '../../../src/domain/playbooks/index.js';
import { fixturesDir, positionOf } from './helpers.js';

describe('checkPlaybookReferences', () => {
  it('reports channels, groups and users the workspace lacks, each at its line, without stopping at the first', async () => {
    const { playbooks } = await loadPlaybooks(join(fixturesDir, 'valid'));
    const asked: string[] = [];
    const problems = await checkPlaybookReferences(playbooks, {
      channelExists: (ref) => {
        asked.push(`channel:${ref}`);
        return ref === 'support';
      },
      userGroupExists: async (ref) => {
        asked.push(`group:${ref}`);
        return ref !== 'legal';
      },
      userExists: (id) => id !== 'U0APPROVE2',
    });
    const outageFile = join(fixturesDir, 'valid', 'outage.yaml');
    const minimalFile = join(fixturesDir, 'valid', 'minimal.yaml');
    const minimalText = readFileSync(minimalFile, 'utf8');
    const outageText = readFileSync(outageFile, 'utf8');
    expect(problems).toEqual([
      { file: minimalFile, ...positionOf(minimalText, 'U0APPROVE2'), path: 'roles.approvers[1]', message: 'playbook `minimal`: user `U0APPROVE2` does not exist in the workspace or is deactivated' },
      { file: minimalFile, ...positionOf(minimalText, '"@legal"'), path: 'roles.extra.legal[0]', message: 'playbook `minimal`: user group `@legal` does not exist in the workspace' },
      { file: outageFile, ...positionOf(outageText, 'C0STATUS01'), path: 'triggers.channels[2]', message: 'playbook `outage`: channel `C0STATUS01` does not exist in the workspace (or the bot cannot see it)' },
    ]);
    // Patterns are not looked up; each distinct reference is asked about once.
    expect(asked).not.toContain('channel:help-*');
    expect(asked.filter((entry) => entry === 'group:community-leads')).toHaveLength(1);
  });
});
