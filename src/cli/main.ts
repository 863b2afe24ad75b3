import { Command, CommanderError } from 'commander';
import { isFirebreakError } from '../errors.js';
import { registerCommands } from './commands/index.js';
import { loadConfig, loadEnvFile } from '../config.js';
import { describeUnexpectedFailure } from './failure.js';

/** The command as typed (`postmortem list`), from the one commander is about to run. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** DATABASE_URL as the commands read it, and whether LOG_LEVEL asks for details; neither when the configuration is unreadable. */
function failureSettings(): { databaseUrl: string; debug: boolean } {
  try {
    const config = loadConfig();
    return { databaseUrl: config.databaseUrl, debug: config.logLevel === 'debug' || config.logLevel === 'trace' };
  } catch {
    return { databaseUrl: '', debug: false };
  }
}

/** Runs the `firebreak` command line and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let running: string | undefined;
  const program = new Command('firebreak')
    .description('Crisis and reputation workflow for community teams in Slack')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .hook('preAction', (_program, action) => {
      running = commandPath(action);
    });
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
    // Anything else (the database answering with an error, a bug): one line saying what failed and
    // where, never Prisma's multi-line report; the details with LOG_LEVEL=debug.
    process.stderr.write(describeUnexpectedFailure(error, { command: running, ...failureSettings() }));
    return 1;
  }
}
