// Writes prisma/<provider>/schema.prisma from prisma/models.prisma (`npm run db:schemas`).
import { writeFileSync } from 'node:fs';
import { providers, readModels, renderProviderSchema, schemaPath } from '../src/store/schema-files.js';

const models = readModels();
for (const provider of providers) {
  writeFileSync(schemaPath(provider), renderProviderSchema(provider, models));
  console.log(`wrote ${schemaPath(provider)}`);
}
