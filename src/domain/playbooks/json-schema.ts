import * as z from 'zod';
import { playbookFileSchema } from './schema.js';

/** The JSON Schema editors use to validate and autocomplete playbook files (committed as playbooks/playbook.schema.json). */
export function playbookJsonSchema(): string {
  const schema = z.toJSONSchema(playbookFileSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
