// The tuning protocol that cannot overfit: a grid of candidate settings, flat-optimum selection
// (each candidate judged by the mean of itself and its ±1-step neighbours) and leave-one-file-out
// scoring (settings chosen on the other files, the held-out file only scored).
import { normalisedNabScore, type NabFileScore } from './nab.js';
import type { DetectorSettingsOverrides } from './settings.js';

export interface GridAxis {
  name: keyof DetectorSettingsOverrides;
  values: readonly (number | string)[];
}

export interface Candidate {
  overrides: DetectorSettingsOverrides;
  /** Position on each axis. */
  position: number[];
}

/** Every combination of the axes' values (the first axis varies slowest). */
export function gridCandidates(axes: readonly GridAxis[]): Candidate[] {
  let candidates: Candidate[] = [{ overrides: {}, position: [] }];
  for (const axis of axes) {
    const next: Candidate[] = [];
    for (const candidate of candidates) {
      axis.values.forEach((value, index) => next.push({ overrides: { ...candidate.overrides, [axis.name]: value }, position: [...candidate.position, index] }));
    }
    candidates = next;
  }
  return candidates;
}

/** Indices of `candidates[index]` and of its neighbours one step away on a single axis. */
export function neighbourhood(candidates: readonly Candidate[], index: number): number[] {
  const own = (candidates[index] as Candidate).position;
  const result: number[] = [];
  candidates.forEach((candidate, other) => {
    let distance = 0;
    for (let axis = 0; axis < own.length && distance <= 1; axis++) distance += Math.abs((candidate.position[axis] as number) - (own[axis] as number));
    if (distance <= 1) result.push(other);
  });
  return result;
}

export interface FoldResult {
  heldOut: string;
  chosen: DetectorSettingsOverrides;
  /** Score of the chosen candidate on the training files, and its neighbourhood mean (what chose it). */
  trainingScore: number;
  flatScore: number;
  heldOutScore: number;
  heldOutFile: NabFileScore;
}

/**
 * Picks, among `candidates`, the one whose neighbourhood scores best on average on `files`
 * (ties: the better own score, then the earlier candidate). `scores[c][f]` is candidate c on file f.
 */
export function flatOptimum(candidates: readonly Candidate[], scores: readonly (readonly NabFileScore[])[], files: readonly number[]): { index: number; own: number; flat: number } {
  const own = candidates.map((_, c) => normalisedNabScore(files.map((f) => (scores[c] as NabFileScore[])[f] as NabFileScore)));
  let best = { index: 0, own: Number.NEGATIVE_INFINITY, flat: Number.NEGATIVE_INFINITY };
  candidates.forEach((_, c) => {
    const around = neighbourhood(candidates, c);
    const flat = around.reduce((sum, n) => sum + (own[n] as number), 0) / around.length;
    if (flat > best.flat + 1e-9 || (Math.abs(flat - best.flat) <= 1e-9 && (own[c] as number) > best.own)) best = { index: c, own: own[c] as number, flat };
  });
  return best;
}

/** Leave-one-file-out: for each file, choose on the others (flat optimum), score it alone. */
export function leaveOneFileOut(fileNames: readonly string[], candidates: readonly Candidate[], scores: readonly (readonly NabFileScore[])[]): { folds: FoldResult[]; mean: number } {
  const folds = fileNames.map((name, heldOut) => {
    const training = fileNames.map((_, f) => f).filter((f) => f !== heldOut);
    const choice = flatOptimum(candidates, scores, training);
    const file = (scores[choice.index] as NabFileScore[])[heldOut] as NabFileScore;
    return { heldOut: name, chosen: (candidates[choice.index] as Candidate).overrides, trainingScore: choice.own, flatScore: choice.flat, heldOutScore: normalisedNabScore([file]), heldOutFile: file };
  });
  return { folds, mean: folds.reduce((sum, fold) => sum + fold.heldOutScore, 0) / Math.max(folds.length, 1) };
}
