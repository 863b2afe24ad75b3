// The two provider schemas are generated from prisma/models.prisma, so their models can never drift.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type DatabaseProvider = 'sqlite' | 'postgres';

export const providers: readonly DatabaseProvider[] = ['sqlite', 'postgres'];

const prismaProviderName: Record<DatabaseProvider, string> = { sqlite: 'sqlite', postgres: 'postgresql' };

export function projectRoot(): string {
  return join(import.meta.dirname, '..', '..');
}

export function schemaPath(provider: DatabaseProvider): string {
  return join(projectRoot(), 'prisma', provider, 'schema.prisma');
}

export function migrationsDir(provider: DatabaseProvider): string {
  return join(projectRoot(), 'prisma', provider, 'migrations');
}

/** The full schema text for one provider: a generated header and the shared models. */
export function renderProviderSchema(provider: DatabaseProvider, models: string): string {
  return `// GENERATED from prisma/models.prisma by \`npm run db:schemas\`. Edit that file, not this one.

generator client {
  provider     = "prisma-client"
  output       = "../../src/store/generated/${provider}"
  moduleFormat = "esm"
}

datasource db {
  provider = "${prismaProviderName[provider]}"
}

${models}`;
}

export function readModels(): string {
  return readFileSync(join(projectRoot(), 'prisma', 'models.prisma'), 'utf8');
}
