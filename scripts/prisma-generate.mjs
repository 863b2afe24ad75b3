// Generates the Prisma clients for both providers without downloading anything.
// `prisma generate` insists that a schema-engine binary exists but never runs it, so any
// existing file satisfies it; migrations go through @prisma/schema-engine-wasm instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
for (const provider of ['sqlite', 'postgres']) {
  const schema = `prisma/${provider}/schema.prisma`;
  if (!existsSync(schema)) continue;
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schema], { env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`prisma generate failed for ${schema}`);
    process.exit(result.status ?? 1);
  }
}
