import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlaybookSource } from '../../../src/domain/playbooks/index.js';
import { shippedPlaybooksDir } from './helpers.js';

describe('docs/playbooks.md', () => {
  it('annotates an example that is itself a valid playbook', () => {
    const doc = readFileSync(join(shippedPlaybooksDir, '..', 'docs', 'playbooks.md'), 'utf8');
    const example = /## An annotated example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const { playbook, problems } = parsePlaybookSource(example ?? '', 'docs/playbooks.md');
    expect(problems).toEqual([]);
    expect(playbook?.id).toBe('service-outage');
  });
});
