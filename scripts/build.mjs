// Compiles src/ to dist/ for the `firebreak` command and `npm start`: each TypeScript file becomes one
// ES module (no bundle, so a command still loads only the modules it imports), and the assets that
// sit beside the sources (sandbox web page, lexicon JSON) are copied. esbuild only strips types;
// `npm run typecheck` is what checks them. Runs offline, in well under a second. Files are written
// over in place (never removed first), so a `firebreak` already running from dist/ keeps working.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src');
const output = join(root, 'dist');

const files = readdirSync(source, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
const modules = files.filter((entry) => entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')).map((entry) => join(entry.parentPath, entry.name));
const assets = files.filter((entry) => !entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name));

await build({
  entryPoints: modules,
  outdir: output,
  outbase: source,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const asset of assets) {
  const target = join(output, relative(source, asset));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(asset, target);
}
// bin/firebreak.js compares this stamp with the sources' times to tell a stale build.
writeFileSync(join(output, '.built'), `${new Date().toISOString()}\n`);
console.log(`firebreak: compiled ${modules.length} modules to ${relative(process.cwd(), output) || 'dist'}`);
