import { FirebreakError } from '../errors.js';

/**
 * Reads the `.env` file of the working directory (or the file `FIREBREAK_ENV_FILE` names; empty: none)
 * into the environment before any command reads its configuration, so a copy of `.env.example` is
 * used as that file says. A variable already set in the environment wins over the file.
 * Returns the file read, if any.
 */
export function loadEnvFile(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = environment.FIREBREAK_ENV_FILE;
  const file = named ?? '.env';
  if (file === '') return undefined;
  try {
    process.loadEnvFile(file);
    return file;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No `.env` is the usual case (a process manager sets the variables); a file named on purpose must exist.
    if (code === 'ENOENT' && named === undefined) return undefined;
    throw new FirebreakError(
      'config_invalid',
      `cannot read the environment file ${file} (${code ?? (error as Error).message}): ${code === 'ENOENT' ? 'create it, or unset FIREBREAK_ENV_FILE' : 'check that it is a readable file'}`,
      { cause: error },
    );
  }
}
