import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playbookJsonSchema } from '../../../src/domain/playbooks/index.js';
import { shippedPlaybooksDir } from './helpers.js';

describe('playbooks/playbook.schema.json', () => {
  const committed = readFileSync(join(shippedPlaybooksDir, 'playbook.schema.json'), 'utf8');

  it('is up to date with the schema in code (regenerate with `npm run playbooks:schema`)', () => {
    expect(committed).toBe(playbookJsonSchema());
  });

  it('refuses unknown keys and documents the keys for editors', () => {
    const schema = JSON.parse(committed) as {
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { description?: string; properties?: Record<string, unknown>; additionalProperties?: boolean }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.roles?.additionalProperties).toBe(false);
    // Keys with defaults are optional for the author.
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'name', 'severities', 'roles', 'checklist', 'replies', 'escalation', 'postMortem']));
    expect(schema.required).not.toContain('default');
    expect(schema.properties.roles?.description).toBe('Roles and people.');
  });

  it('is what every shipped playbook points its editor at', () => {
    for (const name of readdirSync(shippedPlaybooksDir).filter((file) => file.endsWith('.yaml'))) {
      expect(readFileSync(join(shippedPlaybooksDir, name), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./playbook.schema.json');
    }
  });
});
