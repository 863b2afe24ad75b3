// Per-workspace sentiment corrections: what staff said a message really was, learnt as word weights
// and class boundaries on top of the shipped lexicon, inspectable (each word with its evidence) and reversible.
import { FirebreakError } from '../../errors.js';
import { LABEL_THRESHOLDS, messageFeatures, type CorrectionModel, type ScoreOptions } from './score.js';
import type { SentimentLabel } from './types.js';

/** What a correction says: a label, or only "not negative" (the Slack button does not say which). */
export type CorrectionLabel = SentimentLabel | 'not-negative';
export const CORRECTION_LABELS: readonly CorrectionLabel[] = ['negative', 'neutral', 'positive', 'not-negative'];

/**
 * What the learner keeps of a corrected message: the shipped scorer's score, what its positive and
 * negative words contributed, and those lexicon words (public lexicon entries, never the other words).
 * Enough to learn again after the message text itself has been erased by retention.
 */
export interface CorrectionFeatures {
  score: number;
  positive: number;
  negative: number;
  terms: string[];
}

export interface Correction {
  text: string;
  label: CorrectionLabel;
}

/** A correction whose text is gone (retention): learnt from what was kept of it. */
export interface FeaturedCorrection {
  features: CorrectionFeatures;
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
  /** Added to a message's score per occurrence, and what it moves: + towards positive, − towards negative. */
  weight: number;
  /** How much each occurrence makes "neutral" likelier (+) or less likely (−) than the two polar labels. */
  neutral: number;
  evidence: Evidence;
}

/** One label's share of the decision: its intercept and how it reads the shipped lexicon's score. */
export interface ClassPart {
  bias: number;
  /** Per log(1 + what the message's positive words contributed). */
  positiveWords: number;
  /** Per log(1 + what its negative words took away). */
  negativeWords: number;
  /** When the shipped lexicon alone says positive (score ≥ 2). */
  shippedPositive: number;
  /** When the shipped lexicon alone says negative (score ≤ −0.5). */
  shippedNegative: number;
}

/** The workspace's class boundaries: how each label's likelihood reads the shipped lexicon's verdict. */
export interface ClassModel {
  negative: ClassPart;
  neutral: ClassPart;
  positive: ClassPart;
}

/** One cross-validated candidate: its two strengths and the held-out macro-F1 of the corrections. */
export interface CrossValidationRow {
  words: number;
  classes: number;
  f1: number;
}

/** Everything learnt from one workspace's corrections: what `lexicon show` lists and scoring applies. */
export interface LearntCorrections {
  corrections: number;
  /** The L2 strength on the word weights (chosen by cross-validation when 'auto'); null when nothing was learnt. */
  regularisation: number | null;
  /** The L2 pull of the class part back to the shipped lexicon's decision. */
  classPrior: number | null;
  classes: ClassModel;
  /** Strongest first. */
  terms: LearntTerm[];
  /** The candidates cross-validation compared (empty below `AUTO_MIN_CORRECTIONS` or when a strength was given). */
  crossValidation: CrossValidationRow[];
}

export interface LearnOptions {
  /** Words reset by staff: never given a weight again (until the reset is lifted). */
  frozen?: ReadonlySet<string>;
  /** L2 pull of the word weights towards 0 (larger = more evidence needed); 'auto' by default. */
  regularisation?: number | 'auto';
  /** L2 pull of the class part towards the shipped decision (with a number `regularisation`). */
  classPrior?: number;
  /** How the shipped scorer reads the texts (language). */
  scoring?: Omit<ScoreOptions, 'corrections'>;
}

const part = (values: Partial<ClassPart>): ClassPart => ({ bias: 0, positiveWords: 0, negativeWords: 0, shippedPositive: 0, shippedNegative: 0, ...values });

/**
 * The prior: exactly the shipped lexicon's decision (negative wins at score ≤ −0.5, positive at ≥ 2,
 * neutral otherwise). Learning starts here and is pulled back here.
 */
export const SHIPPED_CLASSES: ClassModel = Object.freeze({
  negative: part({ shippedNegative: 2 }),
  neutral: part({ bias: 0.5 }),
  positive: part({ shippedPositive: 2 }),
});

/** For few corrections (no cross-validation possible): words move readily, the class part hardly. */
export const DEFAULT_REGULARISATION = 0.3;
export const DEFAULT_CLASS_PRIOR = 10;
/** Weights smaller than this change no decision worth explaining: not kept. */
const MIN_WEIGHT = 0.05;
/** Adam steps and rate: on the dev sets 300 steps at 0.1 labelled val exactly as these (and take twice as long). */
const ITERATIONS = 150;
const LEARNING_RATE = 0.2;

export const NO_CORRECTIONS: LearntCorrections = Object.freeze({
  corrections: 0,
  regularisation: null,
  classPrior: null,
  classes: SHIPPED_CLASSES,
  terms: [],
  crossValidation: [],
});

const LABEL_INDEX: Record<SentimentLabel, number> = { negative: 0, neutral: 1, positive: 2 };
const LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];
const PART_KEYS = ['bias', 'positiveWords', 'negativeWords', 'shippedPositive', 'shippedNegative'] as const;
const DENSE = PART_KEYS.length;

/** The values `ClassPart` multiplies, for one message (the first is the intercept's 1). */
export function classInputs(features: Pick<CorrectionFeatures, 'score' | 'positive' | 'negative'>, out: number[] = [0, 0, 0, 0, 0]): number[] {
  out[0] = 1;
  out[1] = Math.log1p(Math.max(0, features.positive));
  out[2] = Math.log1p(Math.max(0, -features.negative));
  out[3] = features.score >= LABEL_THRESHOLDS.positive ? 1 : 0;
  out[4] = features.score <= LABEL_THRESHOLDS.negative ? 1 : 0;
  return out;
}

/** What the learner keeps of a message (see `CorrectionFeatures`). */
export function correctionFeatures(text: string, scoring: Omit<ScoreOptions, 'corrections'> = {}): CorrectionFeatures {
  const features = messageFeatures(text, scoring);
  return { score: features.score, positive: round(features.positive), negative: round(features.negative), terms: features.scored };
}

interface Example {
  dense: number[];
  label: CorrectionLabel;
  indices: number[];
  counts: number[];
}

/** Class part (3 × DENSE, label-major) then, per word, its weight and its neutral weight. */
interface Parameters {
  classes: Float64Array;
  words: Float64Array;
}

const SHIPPED_VECTOR = Float64Array.from(LABELS.flatMap((label) => PART_KEYS.map((key) => SHIPPED_CLASSES[label][key])));

/** The corrections as the learner sees them: each message's class inputs and lexicon words, and each word's evidence. */
function featurise(corrections: readonly (Correction | FeaturedCorrection)[], options: LearnOptions): { vocabulary: Map<string, number>; evidence: Evidence[]; examples: Example[] } {
  const frozen = options.frozen ?? new Set<string>();
  const vocabulary = new Map<string, number>();
  const evidence: Evidence[] = [];
  const examples = corrections.map((correction): Example => {
    const features = 'features' in correction ? correction.features : correctionFeatures(correction.text, options.scoring);
    const { label } = correction;
    const counts = new Map<number, number>();
    // Only the words the lexicon scored: on the dev sets, weights on other words (topics, names)
    // lost at 50 corrections and gained nothing measurable at 1,000, and they would keep community
    // words (names, topics) in the learnt lexicon.
    for (const word of features.terms) {
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
    return { dense: classInputs(features), label, indices: [...counts.keys()], counts: [...counts.values()] };
  });
  return { vocabulary, evidence, examples };
}

/**
 * Candidates for `'auto'`, [word strength, class-part pull]: from "words and boundaries move freely"
 * to "hardly anything moves" (the last is close to keeping the shipped lexicon).
 */
const AUTO_CANDIDATES: readonly (readonly [number, number])[] = [
  [3, 1],
  [10, 1],
  [30, 1],
  [100, 1],
  [30, 10],
  [100, 100],
];
/** Below this many corrections, cross-validation says nothing: the defaults apply. */
export const AUTO_MIN_CORRECTIONS = 40;
const AUTO_FOLDS = 4;
/**
 * Cross-validation compares the strengths on the latest this many corrections only, so its cost stops
 * growing (learning from 1,000 takes about a second on a loaded 2-core machine); the final fit uses them all.
 */
const AUTO_CV_LIMIT = 1000;

/**
 * Learns a workspace's corrections (see `fit`). With `regularisation: 'auto'` (the default) and
 * enough corrections, the two strengths are chosen by cross-validation on the corrections themselves
 * (never on anything else); the table of candidates is kept with the result.
 */
export function learnCorrections(corrections: readonly (Correction | FeaturedCorrection)[], options: LearnOptions = {}): LearntCorrections {
  const steps = learningSteps(corrections, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same learning, one optimiser step at a time: the caller may pause between steps (the live
 * path yields to the event loop, so a workspace learning from 1,000 corrections never blocks acks).
 */
export function* learningSteps(corrections: readonly (Correction | FeaturedCorrection)[], options: LearnOptions = {}): Generator<void, LearntCorrections> {
  if (corrections.length === 0) return NO_CORRECTIONS;
  const { vocabulary, evidence, examples } = featurise(corrections, options);
  const wanted = options.regularisation ?? 'auto';
  let strengths: readonly [number, number];
  let crossValidation: CrossValidationRow[] = [];
  if (wanted !== 'auto') strengths = [wanted, options.classPrior ?? DEFAULT_CLASS_PRIOR];
  else if (examples.length < AUTO_MIN_CORRECTIONS) strengths = [DEFAULT_REGULARISATION, DEFAULT_CLASS_PRIOR];
  else [strengths, crossValidation] = yield* crossValidate(examples.slice(-AUTO_CV_LIMIT), vocabulary.size);
  const fitted = yield* fit(examples, vocabulary.size, strengths[0], strengths[1]);
  const terms: LearntTerm[] = [];
  for (const [term, index] of vocabulary) {
    const weight = fitted.words[2 * index] as number;
    const neutral = fitted.words[2 * index + 1] as number;
    if (Math.abs(weight) >= MIN_WEIGHT || Math.abs(neutral) >= MIN_WEIGHT) terms.push({ term, weight: round(weight), neutral: round(neutral), evidence: evidence[index] as Evidence });
  }
  const strength = (term: LearntTerm): number => Math.max(Math.abs(term.weight), Math.abs(term.neutral));
  terms.sort((a, b) => strength(b) - strength(a) || a.term.localeCompare(b.term));
  const classes = {} as ClassModel;
  LABELS.forEach((label, c) => {
    classes[label] = part(Object.fromEntries(PART_KEYS.map((key, k) => [key, round(fitted.classes[c * DENSE + k] as number)])));
  });
  return { corrections: corrections.length, regularisation: strengths[0], classPrior: strengths[1], classes, terms, crossValidation };
}

/** The candidate with the best macro-F1 on held-out folds of the corrections (ties: the stronger pull). */
function* crossValidate(examples: readonly Example[], size: number): Generator<void, [readonly [number, number], CrossValidationRow[]]> {
  const rows: CrossValidationRow[] = [];
  let best = { candidate: AUTO_CANDIDATES.at(-1) as readonly [number, number], f1: -1 };
  for (const candidate of AUTO_CANDIDATES) {
    const gold: CorrectionLabel[] = [];
    const guessed: SentimentLabel[] = [];
    for (let fold = 0; fold < AUTO_FOLDS; fold++) {
      const fitted = yield* fit(examples.filter((_, i) => i % AUTO_FOLDS !== fold), size, candidate[0], candidate[1]);
      examples.forEach((example, i) => {
        if (i % AUTO_FOLDS !== fold) return;
        gold.push(example.label);
        guessed.push(labelOf(example, fitted));
      });
    }
    const f1 = macroF1(gold, guessed);
    rows.push({ words: candidate[0], classes: candidate[1], f1: round(f1) });
    if (f1 >= best.f1 - 1e-9) best = { candidate, f1: Math.max(f1, best.f1) };
  }
  return [best.candidate, rows];
}

const scratchLogits = [0, 0, 0];

function logits(example: Example, fitted: Parameters, out: number[] = scratchLogits): number[] {
  for (let c = 0; c < 3; c++) {
    let value = 0;
    for (let k = 0; k < DENSE; k++) value += (fitted.classes[c * DENSE + k] as number) * (example.dense[k] as number);
    out[c] = value;
  }
  for (let k = 0; k < example.indices.length; k++) {
    const index = example.indices[k] as number;
    const count = example.counts[k] as number;
    const half = ((fitted.words[2 * index] as number) / 2) * count;
    out[0] = (out[0] as number) - half;
    out[1] = (out[1] as number) + (fitted.words[2 * index + 1] as number) * count;
    out[2] = (out[2] as number) + half;
  }
  return out;
}

function labelOf(example: Example, fitted: Parameters): SentimentLabel {
  const [negative, neutral, positive] = logits(example, fitted) as [number, number, number];
  return negative > neutral && negative >= positive ? 'negative' : positive > neutral ? 'positive' : 'neutral';
}

/** Mean F1 of the labels the corrections name ("not negative" counts as right unless guessed negative). */
function macroF1(gold: readonly CorrectionLabel[], guessed: readonly SentimentLabel[]): number {
  let sum = 0;
  for (const label of LABELS) {
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
  return sum / LABELS.length;
}

/**
 * Multinomial logistic regression on what the scorer already computes. Each label's logit = its class
 * part (intercept, and weights on the lexicon's positive and negative contributions and on the shipped
 * verdict) + per lexicon word in the message: −weight/2 for negative, +neutral for neutral, +weight/2
 * for positive. The class part starts at the shipped decision and is pulled back to it (`classPrior`);
 * word weights start at 0 and are pulled back to 0 (`lambda`), so the lexicon is the prior. "Not
 * negative" is the likelihood of neutral or positive. Full-batch Adam from the same start, a fixed
 * number of steps: the same corrections always give the same model, so undoing one is re-learning
 * without it.
 */
function* fit(examples: readonly Example[], size: number, lambda: number, classPrior: number): Generator<void, Parameters> {
  const fitted: Parameters = { classes: Float64Array.from(SHIPPED_VECTOR), words: new Float64Array(2 * size) };
  const classCount = 3 * DENSE;
  const total = classCount + 2 * size;
  const gradient = new Float64Array(total);
  const first = new Float64Array(total);
  const second = new Float64Array(total);
  const probabilities = [0, 0, 0];
  const residual = [0, 0, 0];
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let iteration = 1; iteration <= ITERATIONS; iteration++) {
    for (let j = 0; j < classCount; j++) gradient[j] = classPrior * ((fitted.classes[j] as number) - (SHIPPED_VECTOR[j] as number));
    for (let j = 0; j < 2 * size; j++) gradient[classCount + j] = lambda * (fitted.words[j] as number);
    for (const example of examples) {
      logits(example, fitted, probabilities);
      const top = Math.max(probabilities[0] as number, probabilities[1] as number, probabilities[2] as number);
      let sum = 0;
      for (let c = 0; c < 3; c++) {
        probabilities[c] = Math.exp((probabilities[c] as number) - top);
        sum += probabilities[c] as number;
      }
      for (let c = 0; c < 3; c++) probabilities[c] = (probabilities[c] as number) / sum;
      if (example.label === 'not-negative') {
        // −log(P(neutral) + P(positive)): the target splits between them as the model already does.
        const rest = 1 - (probabilities[0] as number);
        residual[0] = probabilities[0] as number;
        residual[1] = (probabilities[1] as number) - (probabilities[1] as number) / Math.max(rest, 1e-12);
        residual[2] = (probabilities[2] as number) - (probabilities[2] as number) / Math.max(rest, 1e-12);
      } else {
        const target = LABEL_INDEX[example.label];
        for (let c = 0; c < 3; c++) residual[c] = (probabilities[c] as number) - (c === target ? 1 : 0);
      }
      for (let c = 0; c < 3; c++) for (let k = 0; k < DENSE; k++) gradient[c * DENSE + k] = (gradient[c * DENSE + k] as number) + (residual[c] as number) * (example.dense[k] as number);
      const polar = ((residual[2] as number) - (residual[0] as number)) / 2;
      for (let k = 0; k < example.indices.length; k++) {
        const at = classCount + 2 * (example.indices[k] as number);
        const count = example.counts[k] as number;
        gradient[at] = (gradient[at] as number) + polar * count;
        gradient[at + 1] = (gradient[at + 1] as number) + (residual[1] as number) * count;
      }
    }
    const correction1 = 1 - beta1 ** iteration;
    const correction2 = 1 - beta2 ** iteration;
    for (let j = 0; j < total; j++) {
      const g = gradient[j] as number;
      first[j] = beta1 * (first[j] as number) + (1 - beta1) * g;
      second[j] = beta2 * (second[j] as number) + (1 - beta2) * g * g;
      const step = (LEARNING_RATE * ((first[j] as number) / correction1)) / (Math.sqrt((second[j] as number) / correction2) + 1e-8);
      if (j < classCount) fitted.classes[j] = (fitted.classes[j] as number) - step;
      else fitted.words[j - classCount] = (fitted.words[j - classCount] as number) - step;
    }
    yield;
  }
  return fitted;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The lookup table scoring applies (`scoreMessage(text, { corrections })`). */
export function correctionModel(learnt: Pick<LearntCorrections, 'classes' | 'terms'>): CorrectionModel {
  const row = (label: SentimentLabel): number[] => PART_KEYS.map((key) => learnt.classes[label][key]);
  return {
    weights: new Map(learnt.terms.map(({ term, weight, neutral }) => [term, { weight, neutral }])),
    classes: [row('negative'), row('neutral'), row('positive')],
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
