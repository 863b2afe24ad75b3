// `npm run db:diff -- <name>`: regenerates both provider schemas from prisma/models.prisma and writes
// the next migration for each provider. SQLite diffs against an in-memory shadow database; PostgreSQL
// needs a server for its shadow database (SHADOW_DATABASE_URL, default postgres://127.0.0.1:5432/postgres).
import { writeFileSync } from 'node:fs';
import { parseDatabaseUrl } from '../src/store/database-url.js';
import { createMigration } from '../src/store/migrate.js';
import { providers, readModels, renderProviderSchema, schemaPath } from '../src/store/schema-files.js';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:diff -- <migration_name>');
  process.exit(2);
}
const models = readModels();
for (const provider of providers) writeFileSync(schemaPath(provider), renderProviderSchema(provider, models));
const shadowFor = {
  sqlite: 'file::memory:',
  postgres: process.env.SHADOW_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
// One timestamp for both providers, so their migration histories keep the same names.
const now = new Date();
for (const provider of providers) {
  const created = await createMigration(parseDatabaseUrl(shadowFor[provider]), name, now);
  console.log(created ? `${provider}: wrote ${created}` : `${provider}: schema unchanged, no migration`);
}
