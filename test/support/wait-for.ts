// Polling for what a running Firebreak does on its own time (outbox posts, scored messages, saved rows).

/** What a probe answers while the awaited thing has not happened yet. */
export type NotYet = undefined | null | false;

/** A check run on every poll: the awaited value, or NotYet. */
export type Probe<T> = () => T | NotYet | Promise<T | NotYet>;

export interface WaitOptions {
  /** How long to poll before failing; 20 s by default (a loaded 2-core machine is slow). */
  timeoutMs?: number;
  /** Runs between two polls, e.g. to move an injected clock along as time would pass. */
  betweenPolls?: () => void;
}

/** Polls `probe` every 100 ms until it answers; fails naming `what` once the timeout has passed. */
export async function waitFor<T>(what: string, probe: Probe<T>, { timeoutMs = 20_000, betweenPolls }: WaitOptions = {}): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    betweenPolls?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
