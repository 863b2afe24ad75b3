// Per-workspace sentiment corrections: what staff said a message really was, learnt as word weights
// and label thresholds on top of the shipped lexicon, inspectable (each word with its evidence) and reversible.
import { FirebreakError } from '../../errors.js';
import { LABEL_THRESHOLDS, messageFeatures, type CorrectionModel, type ScoreOptions } from './score.js';
import type { SentimentLabel } from './types.js';

/** What a correction says: a label, or only "not negative" (the Slack button does not say which). */
export type CorrectionLabel = SentimentLabel | 'not-negative';
export const CORRECTION_LABELS: readonly CorrectionLabel[] = ['negative', 'neutral', 'positive', 'not-negative'];

export interface Correction {
  text: string;
  label: CorrectionLabel;
}

/** How many corrections containing a word said each label. */
export interface Evidence {
  negative: number;
  neutral: number;
  positive: number;
  notNegative: number;
}

export interface LearntTerm {
  term: string;
  /** Added to a message's score for each occurrence of the word. */
  weight: number;
  evidence: Evidence;
}

/** Everything learnt from one workspace's corrections: what `lexicon show` lists and scoring applies. */
export interface LearntCorrections {
  corrections: number;
  /** The L2 strength used (chosen by cross-validation when 'auto'); null when learning was judged not to help. */
  regularisation: number | null;
  /** Multiply what the lexicon's positive and negative words contribute (1 = trusted as shipped). */
  positiveScale: number;
  negativeScale: number;
  negativeAt: number;
  positiveAt: number;
  /** Strongest first. */
  terms: LearntTerm[];
}

export interface LearnOptions {
  /** Words reset by staff: never given a weight again (until the reset is lifted). */
  frozen?: ReadonlySet<string>;
  /** L2 pull of the word weights towards 0 (larger = more evidence needed); 'auto' by default. */
  regularisation?: number | 'auto';
  /** How the shipped scorer reads the texts (language). */
  scoring?: Omit<ScoreOptions, 'corrections'>;
}

/** For few corrections (no cross-validation possible). */
export const DEFAULT_REGULARISATION = 0.3;
/** Weights smaller than this change no decision worth explaining: not kept. */
const MIN_WEIGHT = 0.05;
const ITERATIONS = 300;
/**
 * Pull of the two scales towards 1 and of the thresholds towards the shipped ones: strong, so that a
 * few corrections move words, not the whole workspace's scale (it takes on the order of a hundred).
 */
const SCALE_PRIOR = 200;
const THRESHOLD_PRIOR = 50;
const LEARNING_RATE = 0.3;
/** The two thresholds never come closer than this: there is always room for "neutral". */
const MIN_GAP = 0.5;

export const NO_CORRECTIONS: LearntCorrections = Object.freeze({
  corrections: 0,
  regularisation: null,
  positiveScale: 1,
  negativeScale: 1,
  negativeAt: LABEL_THRESHOLDS.negative,
  positiveAt: LABEL_THRESHOLDS.positive,
  terms: [],
});

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

interface Example {
  base: number;
  positive: number;
  negative: number;
  label: CorrectionLabel;
  indices: number[];
  counts: number[];
}

interface Parameters {
  weights: Float64Array;
  positiveScale: number;
  negativeScale: number;
  /** Decision thresholds (where the likeliest label changes). */
  negativeAt: number;
  positiveAt: number;
}

/** The corrections as the learner sees them: each message's lexicon parts and lexicon words, and each word's evidence. */
function featurise(corrections: readonly Correction[], options: LearnOptions): { vocabulary: Map<string, number>; evidence: Evidence[]; examples: Example[] } {
  const frozen = options.frozen ?? new Set<string>();
  const vocabulary = new Map<string, number>();
  const evidence: Evidence[] = [];
  const examples = corrections.map(({ text, label }): Example => {
    const features = messageFeatures(text, options.scoring);
    const counts = new Map<number, number>();
    // Only the words the lexicon scored: on the dev sets, weights on other words (topics, names)
    // lowered held-out macro-F1 at every evidence threshold tried.
    for (const word of features.scored) {
      if (frozen.has(word)) continue;
      let index = vocabulary.get(word);
      if (index === undefined) {
        index = vocabulary.size;
        vocabulary.set(word, index);
        evidence.push({ negative: 0, neutral: 0, positive: 0, notNegative: 0 });
      }
      counts.set(index, (counts.get(index) ?? 0) + 1);
    }
    for (const index of counts.keys()) {
      const seen = evidence[index] as Evidence;
      if (label === 'not-negative') seen.notNegative++;
      else seen[label]++;
    }
    return { base: features.score, positive: features.positive, negative: features.negative, label, indices: [...counts.keys()], counts: [...counts.values()] };
  });
  return { vocabulary, evidence, examples };
}

/** Candidate regularisations for `'auto'`; `Infinity` = learn nothing, keep the shipped lexicon. */
const AUTO_CANDIDATES = [0.3, 1, 3, 10, 30, Infinity];
/** Below this many corrections, cross-validation says nothing: the default applies. */
const AUTO_MIN_CORRECTIONS = 40;
const AUTO_FOLDS = 4;
const AUTO_MARGIN = 0.02;

/**
 * Learns a workspace's corrections (see `fit`). With `regularisation: 'auto'` (the default) and
 * enough corrections, the strength is chosen by cross-validation on the corrections themselves,
 * including "learn nothing": more corrections never make the workspace's own held-out ones worse.
 */
export function learnCorrections(corrections: readonly Correction[], options: LearnOptions = {}): LearntCorrections {
  if (corrections.length === 0) return NO_CORRECTIONS;
  const { vocabulary, evidence, examples } = featurise(corrections, options);
  let lambda = options.regularisation ?? 'auto';
  if (lambda === 'auto') lambda = examples.length < AUTO_MIN_CORRECTIONS ? DEFAULT_REGULARISATION : crossValidate(examples, vocabulary.size);
  if (lambda === Infinity) return { ...NO_CORRECTIONS, corrections: corrections.length, regularisation: null };
  const fitted = fit(examples, vocabulary.size, lambda);
  const terms: LearntTerm[] = [];
  for (const [term, index] of vocabulary) {
    const weight = fitted.weights[index] as number;
    if (Math.abs(weight) >= MIN_WEIGHT) terms.push({ term, weight: round(weight), evidence: evidence[index] as Evidence });
  }
  terms.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.term.localeCompare(b.term));
  return {
    corrections: corrections.length,
    regularisation: lambda,
    positiveScale: round(fitted.positiveScale),
    negativeScale: round(fitted.negativeScale),
    negativeAt: round(fitted.negativeAt),
    positiveAt: round(fitted.positiveAt),
    terms,
  };
}

/** The candidate with the best mean macro-F1 on held-out folds of the corrections (ties: the stronger pull). */
function crossValidate(examples: readonly Example[], size: number): number {
  let best = { lambda: Infinity, f1: -1 };
  for (const lambda of AUTO_CANDIDATES) {
    const gold: CorrectionLabel[] = [];
    const guessed: SentimentLabel[] = [];
    for (let fold = 0; fold < AUTO_FOLDS; fold++) {
      const held = examples.filter((_, i) => i % AUTO_FOLDS === fold);
      const fitted = lambda === Infinity ? undefined : fit(examples.filter((_, i) => i % AUTO_FOLDS !== fold), size, lambda);
      for (const example of held) {
        gold.push(example.label);
        guessed.push(labelOf(example, fitted));
      }
    }
    // Learning must beat the shipped lexicon by a margin, not by noise.
    const f1 = macroF1(gold, guessed) - (lambda === Infinity ? 0 : AUTO_MARGIN);
    if (f1 > best.f1 + 1e-9 || (Math.abs(f1 - best.f1) <= 1e-9 && lambda > best.lambda)) best = { lambda, f1 };
  }
  return best.lambda;
}

function labelOf(example: Example, fitted: Parameters | undefined): SentimentLabel {
  const score = fitted ? scoreOf(example, fitted) : example.base;
  const negativeAt = fitted?.negativeAt ?? LABEL_THRESHOLDS.negative;
  const positiveAt = fitted?.positiveAt ?? LABEL_THRESHOLDS.positive;
  return score >= positiveAt ? 'positive' : score <= negativeAt ? 'negative' : 'neutral';
}

/** Mean F1 of the labels the corrections name ("not negative" counts as right unless guessed negative). */
function macroF1(gold: readonly CorrectionLabel[], guessed: readonly SentimentLabel[]): number {
  const labels: SentimentLabel[] = ['negative', 'neutral', 'positive'];
  let sum = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((truth, i) => {
      const guess = guessed[i];
      const right = truth === 'not-negative' ? guess !== 'negative' : guess === truth;
      if (guess === label && right) tp++;
      else if (guess === label) fp++;
      else if (truth === label) fn++;
    });
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / labels.length;
}

function scoreOf(example: Example, fitted: Parameters): number {
  let score = example.base + (fitted.positiveScale - 1) * example.positive + (fitted.negativeScale - 1) * example.negative;
  for (let k = 0; k < example.indices.length; k++) score += (fitted.weights[example.indices[k] as number] as number) * (example.counts[k] as number);
  return score;
}

/**
 * All-threshold ordinal logistic regression: score = the lexicon's positive and negative parts, each
 * rescaled, + Σ word weights; two logistic questions, "above a?" and "above b?". Every parameter
 * starts at the shipped lexicon (scales 1, shipped thresholds, no word weights) and is pulled back to
 * it by L2, so a few corrections move little and the lexicon stays the prior. Full-batch Adagrad from
 * the same start: the same corrections always give the same result, so undoing one is re-learning
 * without it.
 */
function fit(examples: readonly Example[], size: number, lambda: number): Parameters {
  const weights = new Float64Array(size);
  const weightGrad = new Float64Array(size);
  const weightHistory = new Float64Array(size);
  const fitted: Parameters = { weights, positiveScale: 1, negativeScale: 1, negativeAt: LABEL_THRESHOLDS.negative, positiveAt: LABEL_THRESHOLDS.positive };
  const history = [0, 0, 0, 0];
  const step = (i: number, g: number): number => {
    history[i] = (history[i] as number) + g * g;
    return (LEARNING_RATE * g) / (Math.sqrt(history[i] as number) + 1e-8);
  };
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    for (let j = 0; j < size; j++) weightGrad[j] = lambda * (weights[j] as number);
    let positiveScaleGrad = (fitted.positiveScale - 1) * SCALE_PRIOR;
    let negativeScaleGrad = (fitted.negativeScale - 1) * SCALE_PRIOR;
    let negativeGrad = THRESHOLD_PRIOR * (fitted.negativeAt - LABEL_THRESHOLDS.negative);
    let positiveGrad = THRESHOLD_PRIOR * (fitted.positiveAt - LABEL_THRESHOLDS.positive);
    for (const example of examples) {
      const score = scoreOf(example, fitted);
      // d loss / d score, summed over the two questions.
      const aboveNegative = sigmoid(score - fitted.negativeAt) - (example.label === 'negative' ? 0 : 1);
      let gradient = aboveNegative;
      negativeGrad -= aboveNegative;
      if (example.label !== 'not-negative') {
        const abovePositive = sigmoid(score - fitted.positiveAt) - (example.label === 'positive' ? 1 : 0);
        gradient += abovePositive;
        positiveGrad -= abovePositive;
      }
      positiveScaleGrad += gradient * example.positive;
      negativeScaleGrad += gradient * example.negative;
      for (let k = 0; k < example.indices.length; k++) {
        const index = example.indices[k] as number;
        weightGrad[index] = (weightGrad[index] as number) + gradient * (example.counts[k] as number);
      }
    }
    for (let j = 0; j < size; j++) {
      const g = weightGrad[j] as number;
      weightHistory[j] = (weightHistory[j] as number) + g * g;
      weights[j] = (weights[j] as number) - (LEARNING_RATE * g) / (Math.sqrt(weightHistory[j] as number) + 1e-8);
    }
    fitted.positiveScale = Math.max(0.1, fitted.positiveScale - step(0, positiveScaleGrad));
    fitted.negativeScale = Math.max(0.1, fitted.negativeScale - step(3, negativeScaleGrad));
    fitted.negativeAt -= step(1, negativeGrad);
    fitted.positiveAt -= step(2, positiveGrad);
    if (fitted.positiveAt - fitted.negativeAt < MIN_GAP) {
      const middle = (fitted.positiveAt + fitted.negativeAt) / 2;
      fitted.negativeAt = middle - MIN_GAP / 2;
      fitted.positiveAt = middle + MIN_GAP / 2;
    }
  }
  [fitted.negativeAt, fitted.positiveAt] = decisionThresholds(fitted.negativeAt, fitted.positiveAt);
  return fitted;
}

/**
 * The scores where the most probable label changes. The model says P(negative) = 1 − σ(s − a),
 * P(positive) = σ(s − b), neutral the rest; labelling at the model's own thresholds a and b would
 * call a message neutral even where negative is likelier than neutral.
 */
function decisionThresholds(a: number, b: number): [number, number] {
  const negative = (s: number): number => 1 - sigmoid(s - a);
  const positive = (s: number): number => sigmoid(s - b);
  const neutral = (s: number): number => Math.max(0, 1 - negative(s) - positive(s));
  // Each difference changes sign once over [a − 20, b + 20]: bisection.
  const crossing = (f: (s: number) => number): number => {
    let low = a - 20;
    let high = b + 20;
    for (let i = 0; i < 60; i++) {
      const middle = (low + high) / 2;
      if (f(middle) > 0) low = middle;
      else high = middle;
    }
    return (low + high) / 2;
  };
  const toNeutral = crossing((s) => negative(s) - neutral(s));
  const toPositive = crossing((s) => neutral(s) - positive(s));
  if (toNeutral < toPositive) return [toNeutral, toPositive];
  const middle = crossing((s) => negative(s) - positive(s));
  return [middle, middle];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The lookup table scoring applies (`scoreMessage(text, { corrections })`). */
export function correctionModel(learnt: Pick<LearntCorrections, 'positiveScale' | 'negativeScale' | 'negativeAt' | 'positiveAt' | 'terms'>): CorrectionModel {
  return {
    weights: new Map(learnt.terms.map(({ term, weight }) => [term, weight])),
    positiveScale: learnt.positiveScale,
    negativeScale: learnt.negativeScale,
    negativeAt: learnt.negativeAt,
    positiveAt: learnt.positiveAt,
  };
}

/**
 * Reads corrections from JSON Lines (`{"text": "…", "label": "negative|neutral|positive|not-negative"}`);
 * blank lines are skipped. Every bad line is reported as `file:line: what is wrong`, all at once.
 */
export function parseCorrections(content: string, file: string): Correction[] {
  const corrections: Correction[] = [];
  const problems: string[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`${where}: not JSON; expected {"text": "…", "label": "negative|neutral|positive|not-negative"}`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${where}: expected an object with "text" and "label"`);
      return;
    }
    const { text, label } = value as Record<string, unknown>;
    if (typeof text !== 'string' || text.trim() === '') problems.push(`${where}: "text" must be a non-empty string`);
    else if (typeof label !== 'string' || !(CORRECTION_LABELS as readonly string[]).includes(label)) {
      problems.push(`${where}: "label" must be one of ${CORRECTION_LABELS.join(', ')}${label === undefined ? '' : ` (got ${JSON.stringify(label)})`}`);
    } else corrections.push({ text, label: label as CorrectionLabel });
  });
  if (problems.length > 0) throw new FirebreakError('input_invalid', problems.join('\n'));
  return corrections;
}
