// Answers the composition root keeps for a minute (channel names, staff, workspace rows, App Home's
// metrics): asked often, changed rarely, and a failed load is asked again instead of remembered.
import type { Clock } from '../domain/clock.js';

const CACHE_MS = 60_000;
/** Keys come from requests (channel and team ids): the cache must not grow with what arrives. */
export const CACHE_MAX_ENTRIES = 5_000;

/**
 * A cached look-up; `forget` drops one key's answer (Slack said it changed: a channel renamed). Extra
 * arguments reach the load on a miss only (the Slack client of the request) and are not part of the key.
 */
export type Cached<T, A extends unknown[] = []> = ((key: string, ...args: A) => Promise<T>) & { forget(key: string): void };

export interface CacheOptions {
  /** How long an answer is kept (a minute by default). */
  ttlMs?: number;
  maxEntries?: number;
}

/** A value cached for a minute (or `ttlMs`), per key; the oldest entry leaves first once the cache is full. */
export function cached<T, A extends unknown[] = []>(clock: Clock, load: (key: string, ...args: A) => Promise<T>, { ttlMs = CACHE_MS, maxEntries = CACHE_MAX_ENTRIES }: CacheOptions = {}): Cached<T, A> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  const lookUp = (key: string, ...args: A): Promise<T> => {
    const entry = entries.get(key);
    if (entry && clock.now() - entry.at < ttlMs) return entry.value;
    const value = load(key, ...args).catch((error: unknown) => {
      if (entries.get(key)?.value === value) entries.delete(key);
      throw error;
    });
    // Re-inserted, so the Map's order stays oldest-first.
    entries.delete(key);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, { at: clock.now(), value });
    return value;
  };
  return Object.assign(lookUp, { forget: (key: string) => void entries.delete(key) });
}
