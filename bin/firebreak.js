#!/usr/bin/env node
// Entry point of the `firebreak` command. Runs the compiled modules in dist/ (built by `npm install`,
// or `npm run build`). Runs the TypeScript sources through tsx instead when FIREBREAK_FROM_SOURCE=1,
// when dist/ is missing, or when a source file is newer than the build, so an edit is never
// silently ignored by a stale build.
import { readdirSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// A one-shot command ends long before V8's optimising compile of Prisma's Wasm query engine pays off,
// and Node waits for that background compile at exit (about a quarter of a second here): baseline
// code only, except for the long-running server.
if (process.argv[2] !== 'start') setFlagsFromString('--liftoff-only');

const root = new URL('../', import.meta.url);

function compiledIsCurrent() {
  if (process.env.FIREBREAK_FROM_SOURCE === '1') return false;
  let built;
  try {
    built = statSync(new URL('dist/.built', root)).mtimeMs;
  } catch {
    return false;
  }
  const sources = new URL('src/', root);
  for (const entry of readdirSync(sources, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > built) return false;
  }
  return true;
}

let main;
if (compiledIsCurrent()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv.slice(2));
// A failure exits now, whatever handles a half-started engine or pool left open; success ends naturally.
if (code !== 0) process.exit(code);
process.exitCode = code;
