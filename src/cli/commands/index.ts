import type { Command } from 'commander';
import { registerBacktestCommand } from './backtest.js';
import { registerDoctorCommand } from './doctor.js';
import { registerDrillCommand } from './drill.js';
import { registerLexiconCommand } from './lexicon.js';
import { registerScoreCommand } from './score.js';
import { registerMigrateCommand } from './migrate.js';
import { registerPlaybooksCommand } from './playbooks.js';
import { registerPostmortemCommand } from './postmortem.js';
import { registerStartCommand } from './start.js';
import { registerTokensCommand } from './tokens.js';

/** Each subcommand lives in its own file and registers itself here. */
export function registerCommands(program: Command): void {
  registerStartCommand(program);
  registerMigrateCommand(program);
  registerPlaybooksCommand(program);
  registerScoreCommand(program);
  registerBacktestCommand(program);
  registerPostmortemCommand(program);
  registerDrillCommand(program);
  registerLexiconCommand(program);
  registerDoctorCommand(program);
  registerTokensCommand(program);
}
