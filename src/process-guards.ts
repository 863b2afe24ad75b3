// The last line of defence for `firebreak start`: an unhandled promise rejection is logged and
// counted and the process carries on (each one is a bug to fix, not a reason to drop every request in
// flight); an uncaught exception leaves the process in an unknown state, so it is logged, counted,
// and the process closes what it can and exits with code 70 for its supervisor to restart it.
import type { Logger } from './logger.js';

export interface ProcessErrorCounter {
  inc(labels: { kind: string }): void;
}

export interface ProcessGuards {
  /** Counts from now on in /metrics (the counter exists once the app has started). */
  countWith(counter: ProcessErrorCounter): void;
  /** Called on an uncaught exception before exiting (close the server, release the SQLite lease). */
  onFatal(close: () => Promise<void>): void;
  remove(): void;
}

/** EX_SOFTWARE: an internal error; supervisors restart on any non-zero code. */
export const FATAL_EXIT_CODE = 70;
const CLOSE_TIMEOUT_MS = 5_000;

export function installProcessGuards(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): ProcessGuards {
  let counter: ProcessErrorCounter | undefined;
  let close: (() => Promise<void>) | undefined;
  let exiting = false;
  const onRejection = (reason: unknown) => {
    counter?.inc({ kind: 'unhandled_rejection' });
    logger.error({ err: reason }, 'unhandled promise rejection (the process carries on)');
  };
  const onException = (error: Error) => {
    counter?.inc({ kind: 'uncaught_exception' });
    logger.fatal({ err: error }, 'uncaught exception: closing and exiting for a restart');
    if (exiting) return;
    exiting = true;
    const timer = setTimeout(() => exit(FATAL_EXIT_CODE), CLOSE_TIMEOUT_MS);
    timer.unref();
    void (close?.() ?? Promise.resolve())
      .catch((closeError: unknown) => logger.error({ err: closeError }, 'could not close cleanly'))
      .finally(() => exit(FATAL_EXIT_CODE));
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    countWith: (next) => void (counter = next),
    onFatal: (next) => void (close = next),
    remove() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
