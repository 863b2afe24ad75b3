#!/usr/bin/env node
// Entry point of the `firebreak` command. Sources are TypeScript, loaded through tsx's ESM hook
// so a fresh clone runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// A failure exits now, whatever handles a half-started engine or pool left open; success ends naturally.
if (code !== 0) process.exit(code);
process.exitCode = code;
