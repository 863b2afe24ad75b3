import { Command, CommanderError } from 'commander';
import { isFirebreakError } from '../errors.js';
import { registerCommands } from './commands/index.js';
import { loadEnvFile } from '../config.js';

/** Runs the `firebreak` command line and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('firebreak')
    .description('Crisis and reputation workflow for community teams in Slack')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerCommands(program);
  let envFile: string | undefined;
  try {
    envFile = loadEnvFile();
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isFirebreakError(error)) {
      // A bad value may come from the file rather than the shell: say where to look.
      const where = error.code === 'config_invalid' && envFile ? ` (read from the environment and ${envFile}; the environment wins)` : '';
      process.stderr.write(`firebreak: ${error.message}${where}\n`);
      return 1;
    }
    throw error;
  }
}
