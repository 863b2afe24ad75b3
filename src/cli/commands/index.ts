import type { Command } from 'commander';
import { registerPlaybooksCommand } from './playbooks.js';

/** Each subcommand lives in its own file and registers itself here. */
export function registerCommands(program: Command): void {
  void program;
  registerPlaybooksCommand(program);
}
