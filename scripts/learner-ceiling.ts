// `npm run eval:learner -- <data dir> [--experiment ceiling|style|changes] [--sizes 200,1000] [--draws 3]
// [--langs en,es]`: why the corrections learner learns so little (#16). For n corrections drawn from a
// language's TRAIN set it compares the shipped learner with learners it could be:
// - ceiling: a plain multinomial logistic regression on word unigrams + bigrams of the corrections
//   alone, and the same blended with the lexicon's features (its score parts and verdict, pulled towards
//   the shipped decision), over a grid of strengths, with and without class balancing;
// - style: the shipped learner at fixed strengths, and the lexicon's features with content-free marks
//   of the message (link, mention, hashtag, "?", "!", length, lexicon hits, capitals), with and without n-grams;
// - changes: what the shipped learner changes on val (words learnt, messages touched, labels fixed/broken).
// Each candidate is scored by 5-fold cross-validation on train (n corrections drawn from four folds,
// scored on the fifth; that is what a choice may use) and, beside it, on val (reported, never chosen on).
// Reads the data in place; writes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededSample as sample } from '../src/domain/random.js';
import { classInputs, correctionModel, learnCorrections, SHIPPED_CLASSES } from '../src/domain/sentiment/corrections.js';
import { messageFeatures, scoreMessage } from '../src/domain/sentiment/score.js';
import type { Language, SentimentLabel } from '../src/domain/sentiment/types.js';

const args = process.argv.slice(2);
const dataDir = args.find((arg) => !arg.startsWith('--'));
if (!dataDir) {
  process.stderr.write('usage: npm run eval:learner -- <data dir> [--experiment ceiling|style|changes] [--sizes 200,1000] [--draws 3] [--langs en,es]\n');
  process.exit(2);
}
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 ? (args[at + 1] as string) : fallback;
};
const SIZES = option('--sizes', '200,1000').split(',').map(Number);
const DRAWS = Number(option('--draws', '3'));
const LANGS = option('--langs', 'en,es').split(',') as Language[];
const FOLDS = 5;
const LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];

interface Item {
  text: string;
  gold: number;
  dense: number[];
  grams: string[];
  /** Content-free marks of the message: no words, only its shape. */
  style: number[];
}

function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function items(language: Language, part: string): Item[] {
  const texts = readLines(join(dataDir as string, 'sentiment', language, `${part}_text.txt`));
  const gold = readLines(join(dataDir as string, 'sentiment', language, `${part}_labels.txt`)).map(Number);
  return texts.map((text, i) => {
    const features = messageFeatures(text, { language });
    const words = features.words.map((word) => word.toLowerCase());
    const grams = [...words];
    for (let k = 0; k + 1 < words.length; k++) grams.push(`${words[k]} ${words[k + 1]}`);
    const dense = classInputs(features).slice();
    dense.push(Math.max(-4, Math.min(4, features.score)) / 4);
    const style = [
      /https?:\/\/|www\./.test(text) ? 1 : 0,
      /(^|\s)@\w/.test(text) ? 1 : 0,
      /#\w/.test(text) ? 1 : 0,
      /\?/.test(text) ? 1 : 0,
      Math.min(3, (text.match(/!/g) ?? []).length) / 3,
      Math.log1p(words.length) / 4,
      Math.min(4, features.scored.length) / 4,
      /[A-Z]{4,}/.test(text) ? 1 : 0,
      features.scored.length === 0 ? 1 : 0,
    ];
    return { text, gold: gold[i] as number, dense, grams, style };
  });
}

function macroF1(gold: number[], guess: number[]): number {
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((truth, i) => {
      if (guess[i] === c && truth === c) tp++;
      else if (guess[i] === c) fp++;
      else if (truth === c) fn++;
    });
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / 3;
}


interface LrConfig {
  name: string;
  /** L2 on n-gram weights (sum loss). */
  lambda: number;
  /** Use the lexicon's dense features, pulled towards the shipped decision with this strength (null: none). */
  lexicon: number | null;
  minCount: number;
  /** Reweight classes to balance them. */
  balanced: boolean;
  /** Add the content-free style marks to the lexicon's dense features. */
  style?: boolean;
  /** Learn n-gram weights (default true). */
  ngrams?: boolean;
}

const SHIPPED = LABELS.flatMap((label) => {
  const part = SHIPPED_CLASSES[label];
  return [part.bias, part.positiveWords, part.negativeWords, part.shippedPositive, part.shippedNegative, 0];
});
const BASE_DENSE = 6;
const inputsOf = (item: Item, config: LrConfig): number[] => (config.style ? [...item.dense, ...item.style] : item.dense);

/** Multinomial logistic regression, full-batch Adam; returns a predictor. */
function trainLr(train: Item[], config: LrConfig): (item: Item) => number {
  const counts = new Map<string, number>();
  for (const item of train) for (const gram of new Set(item.grams)) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  const vocab = new Map<string, number>();
  if (config.ngrams !== false) for (const [gram, count] of counts) if (count >= config.minCount) vocab.set(gram, vocab.size);
  const DENSE = BASE_DENSE + (config.style ? (train[0] as Item).style.length : 0);
  const padded = [0, 1, 2].flatMap((c) => [...SHIPPED.slice(c * BASE_DENSE, (c + 1) * BASE_DENSE), ...new Array<number>(DENSE - BASE_DENSE).fill(0)]);
  const V = vocab.size;
  const dense = config.lexicon === null ? new Float64Array(3 * DENSE) : Float64Array.from(padded);
  const prior = Float64Array.from(dense);
  const w = new Float64Array(3 * V);
  const encoded = train.map((item) => ({ item: { ...item, dense: inputsOf(item, config) }, idx: [...new Set(item.grams.filter((g) => vocab.has(g)).map((g) => vocab.get(g) as number))] }));
  const classCounts = [0, 0, 0];
  for (const item of train) classCounts[item.gold] = (classCounts[item.gold] as number) + 1;
  const classWeight = [0, 1, 2].map((c) => (config.balanced ? train.length / (3 * Math.max(1, classCounts[c] as number)) : 1));
  const total = dense.length + w.length;
  const m = new Float64Array(total);
  const v = new Float64Array(total);
  const g = new Float64Array(total);
  const logits = [0, 0, 0];
  const logitsOf = (item: Item, idx: number[], out: number[]): void => {
    for (let c = 0; c < 3; c++) {
      let z = 0;
      if (config.lexicon !== null) for (let k = 0; k < DENSE; k++) z += (dense[c * DENSE + k] as number) * (item.dense[k] as number);
      else z += dense[c * DENSE] as number; // intercept only
      for (const j of idx) z += w[c * V + j] as number;
      out[c] = z;
    }
  };
  const ITER = 200;
  for (let it = 1; it <= ITER; it++) {
    g.fill(0);
    const pull = config.lexicon ?? 0;
    for (let j = 0; j < dense.length; j++) g[j] = pull * ((dense[j] as number) - (prior[j] as number));
    for (let j = 0; j < w.length; j++) g[dense.length + j] = config.lambda * (w[j] as number);
    for (const { item, idx } of encoded) {
      logitsOf(item, idx, logits);
      const top = Math.max(...logits);
      let s = 0;
      for (let c = 0; c < 3; c++) s += logits[c] = Math.exp((logits[c] as number) - top);
      for (let c = 0; c < 3; c++) {
        const r = (classWeight[item.gold] as number) * ((logits[c] as number) / s - (c === item.gold ? 1 : 0));
        if (config.lexicon !== null) for (let k = 0; k < DENSE; k++) g[c * DENSE + k] = (g[c * DENSE + k] as number) + r * (item.dense[k] as number);
        else g[c * DENSE] = (g[c * DENSE] as number) + r;
        for (const j of idx) g[dense.length + c * V + j] = (g[dense.length + c * V + j] as number) + r;
      }
    }
    const b1 = 1 - 0.9 ** it;
    const b2 = 1 - 0.999 ** it;
    for (let j = 0; j < total; j++) {
      const gj = g[j] as number;
      m[j] = 0.9 * (m[j] as number) + 0.1 * gj;
      v[j] = 0.999 * (v[j] as number) + 0.001 * gj * gj;
      const step = (0.1 * ((m[j] as number) / b1)) / (Math.sqrt((v[j] as number) / b2) + 1e-8);
      if (j < dense.length) dense[j] = (dense[j] as number) - step;
      else w[j - dense.length] = (w[j - dense.length] as number) - step;
    }
  }
  return (item) => {
    const idx = [...new Set(item.grams.filter((gram) => vocab.has(gram)).map((gram) => vocab.get(gram) as number))];
    logitsOf({ ...item, dense: inputsOf(item, config) }, idx, logits);
    const [negative, neutral, positive] = logits as [number, number, number];
    return negative > neutral && negative >= positive ? 0 : positive > neutral ? 2 : 1;
  };
}

type Learner = { name: string; train(items: Item[], language: Language): (item: Item) => number };

const shipped: Learner = {
  name: 'shipped (no corrections)',
  train: (_, language) => (item) => LABELS.indexOf(scoreMessage(item.text, { language }).label),
};
const current: Learner = {
  name: 'current learner (auto)',
  train: (train, language) => {
    const model = correctionModel(learnCorrections(train.map((item) => ({ text: item.text, label: LABELS[item.gold] as SentimentLabel })), { scoring: { language } }));
    return (item) => LABELS.indexOf(scoreMessage(item.text, { language, corrections: model }).label);
  },
};
const lrConfigs: LrConfig[] = [];
for (const lambda of [1, 3, 10]) for (const balanced of [false, true]) lrConfigs.push({ name: `ngrams alone λ=${lambda}${balanced ? ' bal' : ''}`, lambda, lexicon: null, minCount: 1, balanced });
for (const lambda of [1, 3, 10, 30]) for (const pull of [0.1, 1, 10]) for (const balanced of [false, true]) lrConfigs.push({ name: `ngrams+lexicon λ=${lambda} pull=${pull}${balanced ? ' bal' : ''}`, lambda, lexicon: pull, minCount: 1, balanced });
const fixed = (words: number, classes: number): Learner => ({
  name: `current learner words=${words} classes=${classes}`,
  train: (train, language) => {
    const model = correctionModel(learnCorrections(train.map((item) => ({ text: item.text, label: LABELS[item.gold] as SentimentLabel })), { scoring: { language }, regularisation: words, classPrior: classes }));
    return (item) => LABELS.indexOf(scoreMessage(item.text, { language, corrections: model }).label);
  },
});
const styleConfigs: LrConfig[] = [];
for (const pull of [0.3, 1, 3]) {
  styleConfigs.push({ name: `lexicon only pull=${pull}`, lambda: 1, lexicon: pull, minCount: 1, balanced: false, ngrams: false });
  styleConfigs.push({ name: `lexicon+style pull=${pull}`, lambda: 1, lexicon: pull, minCount: 1, balanced: false, ngrams: false, style: true });
  styleConfigs.push({ name: `lexicon+style+ngrams λ=30 pull=${pull}`, lambda: 30, lexicon: pull, minCount: 1, balanced: false, style: true });
}
const experiment = option('--experiment', 'ceiling');
const learners: Learner[] = experiment === 'style'
  ? [shipped, current, fixed(1, 1), fixed(3, 1), fixed(0.3, 10), ...styleConfigs.map((config): Learner => ({ name: config.name, train: (train) => trainLr(train, config) }))]
  : [shipped, current, ...lrConfigs.map((config): Learner => ({ name: config.name, train: (train) => trainLr(train, config) }))];

const fmt = (values: number[]): string => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
};

/** What the shipped learner changes on val: words learnt, val messages they touch, labels changed, fixed vs broken. */
function changes(language: Language, train: Item[], val: Item[]): void {
  for (const size of SIZES) {
    const rows: string[] = [];
    for (let draw = 0; draw < DRAWS; draw++) {
      const learnt = learnCorrections(sample(train, size, 1000 * size + draw).map((item) => ({ text: item.text, label: LABELS[item.gold] as SentimentLabel })), { scoring: { language } });
      const model = correctionModel(learnt);
      let touched = 0;
      let changed = 0;
      let fixed = 0;
      let broken = 0;
      for (const item of val) {
        const before = LABELS.indexOf(scoreMessage(item.text, { language }).label);
        const after = scoreMessage(item.text, { language, corrections: model });
        if (after.learnt) touched++;
        const label = LABELS.indexOf(after.label);
        if (label === before) continue;
        changed++;
        if (label === item.gold) fixed++;
        else if (before === item.gold) broken++;
      }
      const moved = (['negative', 'neutral', 'positive'] as const).map((label) => `${label} ${SHIPPED_CLASSES[label].bias}→${learnt.classes[label].bias}`).join(' ');
      rows.push(`    draw ${draw}: strengths ${learnt.regularisation}/${learnt.classPrior}, ${learnt.terms.length} words learnt, ${touched}/${val.length} val messages contain one, ${changed} labels changed (${fixed} fixed, ${broken} broken), intercepts ${moved}`);
    }
    console.log(`  ${language} n=${size}:\n${rows.join('\n')}`);
  }
}

for (const language of LANGS) {
  const train = items(language, 'train');
  if (experiment === 'changes') {
    changes(language, train, items(language, 'val'));
    continue;
  }
  const val = items(language, 'val');
  for (const size of SIZES) {
    console.log(`\n${language}, n=${size} (train-CV: ${FOLDS} folds × ${DRAWS} draws from the other folds; val: ${DRAWS} draws from all of train)`);
    const rows: { name: string; cv: number[]; val: number[] }[] = [];
    for (const learner of learners) {
      const cv: number[] = [];
      for (let fold = 0; fold < FOLDS; fold++) {
        const held = train.filter((_, i) => i % FOLDS === fold);
        const rest = train.filter((_, i) => i % FOLDS !== fold);
        const gold = held.map((item) => item.gold);
        for (let draw = 0; draw < DRAWS; draw++) {
          const predict = learner.train(sample(rest, size, 7919 * size + 31 * fold + draw), language);
          cv.push(macroF1(gold, held.map(predict)));
        }
      }
      const vals: number[] = [];
      for (let draw = 0; draw < DRAWS; draw++) {
        const predict = learner.train(sample(train, size, 1000 * size + draw), language);
        vals.push(macroF1(val.map((item) => item.gold), val.map(predict)));
      }
      rows.push({ name: learner.name, cv, val: vals });
      console.log(`  ${learner.name.padEnd(40)} train-CV ${fmt(cv)}   val ${fmt(vals)}`);
    }
    const best = rows.slice(2).reduce((a, b) => (b.cv.reduce((x, y) => x + y) > a.cv.reduce((x, y) => x + y) ? b : a));
    console.log(`  best by train-CV: ${best.name} (train-CV ${fmt(best.cv)}, val ${fmt(best.val)})`);
  }
}
