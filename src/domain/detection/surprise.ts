// How surprising a count is under a channel's own model: the upper tail probability of a negative
// binomial (Poisson with over-dispersion), as −log10 p, so one threshold means the same on any channel.
import betainc from '@stdlib/math-base-special-betainc';

/**
 * P(X ≥ observed) for X ~ NegativeBinomial(mean, dispersion), Var X = mean + dispersion × mean².
 * `dispersion` 0 is Poisson (approached through a tiny dispersion, where the two agree closely).
 */
export function upperTailProbability(observed: number, mean: number, dispersion: number): number {
  if (observed <= 0) return 1;
  if (mean <= 0) return 0;
  const size = 1 / Math.max(dispersion, 1e-6);
  // P(X ≥ k) = I_{mean/(size+mean)}(k, size), the regularised incomplete beta function.
  return betainc(mean / (size + mean), Math.ceil(observed), size, true, false);
}

/** Surprise in decimal digits: −log10 P(X ≥ observed). 0 when the count is not above the mean. */
export function surpriseOf(observed: number, mean: number, dispersion: number): number {
  if (observed <= mean) return 0;
  const p = upperTailProbability(observed, mean, dispersion);
  return p > 0 ? Math.min(-Math.log10(p), 300) : 300;
}

/** Probability that a window expecting `mean` stays at zero: (1 + dispersion × mean)^(−1/dispersion). */
export function zeroProbability(mean: number, dispersion: number): number {
  if (mean <= 0) return 1;
  const d = Math.max(dispersion, 1e-6);
  return Math.exp(-Math.log1p(d * mean) / d);
}
