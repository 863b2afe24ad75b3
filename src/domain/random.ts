// One seeded random generator for simulations, fuzzing and benchmarks, so a seed replays the same run.

/** mulberry32: small, fast, and of good statistical quality for simulation. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` items drawn without replacement (a seeded Fisher–Yates shuffle): the same seed, the same draw. */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  const copy = [...items];
  const next = seededRandom(seed);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
}
