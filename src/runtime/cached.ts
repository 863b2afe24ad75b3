// Answers the composition root keeps for a minute (channel names, staff, workspace rows, App Home's
// metrics): asked often, changed rarely, and a failed load is asked again instead of remembered.
import type { Clock } from '../domain/clock.js';

const CACHE_MS = 60_000;
/** Keys come from requests (channel and team ids): the cache must not grow with what arrives. */
export const CACHE_MAX_ENTRIES = 5_000;

/** A value cached for a minute, per key; the oldest entry leaves first once the cache is full. */
export function cached<T>(clock: Clock, load: (key: string) => Promise<T>, maxEntries = CACHE_MAX_ENTRIES): (key: string) => Promise<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
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
}
