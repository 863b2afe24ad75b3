/**
 * The Numenta Anomaly Benchmark's scoring (standard profile by default), re-implemented from its
 * published rules: detections inside a labelled window earn a scaled sigmoid of how early they come,
 * only the best one per window counts; missed windows cost the FN weight; detections outside windows
 * cost the FP weight scaled by their distance after the previous window; the first 15% of rows (at
 * most 750) are probation and not scored.
 */
export interface NabProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export const nabStandardProfile: Readonly<NabProfile> = Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1 });

export interface NabWindow {
  /** Epoch ms of the window's first and last row (both inclusive, must be row timestamps). */
  start: number;
  end: number;
}

export interface NabFileScore {
  raw: number;
  /** Score of a detector that detects nothing, and of one that detects every window at its start. */
  nullScore: number;
  perfectScore: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  windows: number;
}

export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

export function probationRows(rows: number, probationPercent = 0.15): number {
  return Math.min(Math.floor(probationPercent * rows), probationPercent * 5000);
}

/** Scores one file: `detected[i]` says whether the detector flagged row i (score ≥ threshold). */
export function scoreNabFile(
  timestamps: readonly number[],
  detected: readonly boolean[],
  windows: readonly NabWindow[],
  profile: NabProfile = nabStandardProfile,
): NabFileScore {
  if (timestamps.length !== detected.length) throw new RangeError('timestamps and detections differ in length');
  const indexOf = new Map<number, number>();
  timestamps.forEach((timestamp, index) => indexOf.set(timestamp, index));
  const ranges = [...windows]
    .sort((a, b) => a.start - b.start)
    .map((window) => {
      const first = indexOf.get(window.start);
      const last = indexOf.get(window.end);
      if (first === undefined || last === undefined) throw new RangeError(`window ${new Date(window.start).toISOString()} does not start and end on rows`);
      return { first, last };
    });
  const maxTp = scaledSigmoid(-1);
  const probation = probationRows(timestamps.length);
  const best = new Map<number, number>(); // window index → best weighted TP score
  const scoredWindows = new Set<number>();
  let fpScore = 0;
  let falsePositives = 0;
  let windowIndex = 0;
  let previous: { last: number; width: number } | null = null;

  for (let i = 0; i < timestamps.length; i++) {
    const current = ranges[windowIndex];
    const inWindow = current !== undefined && i >= current.first && i <= current.last;
    const scored = i >= probation;
    if (inWindow && scored) scoredWindows.add(windowIndex);
    if (detected[i] && scored) {
      if (inWindow) {
        const width = current.last - current.first + 1;
        const weighted = (scaledSigmoid(-(current.last - i + 1) / width) * profile.tpWeight) / maxTp;
        best.set(windowIndex, Math.max(best.get(windowIndex) ?? Number.NEGATIVE_INFINITY, weighted));
      } else {
        const position = previous === null ? 3 : Math.abs(previous.last - i) / (previous.width - 1);
        fpScore += scaledSigmoid(position) * profile.fpWeight;
        falsePositives += 1;
      }
    }
    if (inWindow && i === current.last) {
      previous = { last: current.last, width: current.last - current.first + 1 };
      windowIndex += 1;
    }
  }
  let raw = fpScore;
  let truePositives = 0;
  for (const window of scoredWindows) {
    const tp = best.get(window);
    if (tp === undefined) raw -= profile.fnWeight;
    else {
      raw += tp;
      truePositives += 1;
    }
  }
  return {
    raw,
    nullScore: -profile.fnWeight * scoredWindows.size,
    perfectScore: profile.tpWeight * scoredWindows.size,
    truePositives,
    falsePositives,
    falseNegatives: scoredWindows.size - truePositives,
    windows: scoredWindows.size,
  };
}

/** NAB's normalised score over a corpus: 100 × (raw − null) / (perfect − null), summed over files. */
export function normalisedNabScore(files: readonly NabFileScore[]): number {
  let raw = 0;
  let nullScore = 0;
  let perfect = 0;
  for (const file of files) {
    raw += file.raw;
    nullScore += file.nullScore;
    perfect += file.perfectScore;
  }
  return perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
}
