#!/usr/bin/env node
// Entry point of the `firebreak` command. Sources are TypeScript, loaded through tsx's ESM hook
// so a fresh clone runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
