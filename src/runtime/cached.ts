// Answers the composition root keeps for a minute (channel names, staff, workspace rows, App Home's
// metrics): asked often, changed rarely, and a failed load is asked again instead of remembered.
import type { Clock } from '../domain/clock.js';

const CACHE_MS = 60_000;
/** Keys come from requests (channel and team ids): the cache must not grow with what arrives. */
export const CACHE_MAX_ENTRIES = 5_000;

/** A cached look-up; `forget` drops one key's answer (Slack said it changed: a channel renamed). */
export type Cached<T> = ((key: string) => Promise<T>) & { forget(key: string): void };

/** A value cached for a minute, per key; the oldest entry leaves first once the cache is full. */
export function cached<T>(clock: Clock, load: (key: string) => Promise<T>, maxEntries = CACHE_MAX_ENTRIES): Cached<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  const lookUp = (key: string): Promise<T> => {
    const entry = entries.get(key);
    if (entry && clock.now() - entry.at < CACHE_MS) return entry.value;
    const value = load(key).catch((error: unknown) => {
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
