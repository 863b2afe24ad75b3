// `npm run eval -- <data dir> [--lang auto|en|es] [--no-sentiment] [--no-grid] [--no-synthetic] [--choose-fitted-share] [--cv] [--detector JSON]`:
// measures the detection engine. Sentiment: 3-class macro-F1 and negative-class F1 per set, and the
// corrections learning curve (macro-F1 on val after 0/50/200/1,000 corrections drawn from train, seeded
// draws; --cv prints the strengths the learner's cross-validation chose). NAB realTweets: the shipped defaults per file, then the protocol that cannot overfit (a grid
// of settings, flat-optimum choice, leave-one-file-out: chosen on four files, scored on the fifth).
// Synthetic: a seeded suite generated in code (false alarms on incident-free families, recall and delay
// on injected incidents). `--detector '{"fittedThresholdShare":0.4}'` measures every part with those settings
// over the shipped defaults (an option before it ships). Reads the data in place; writes nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCountsCsv, parseTimestamp } from '../src/domain/detection/counts-csv.js';
import { normalisedNabScore, probationRows, scoreNabFile, type NabFileScore, type NabWindow } from '../src/domain/detection/nab.js';
import { gridCandidates, leaveOneFileOut, neighbourhood, type GridAxis } from '../src/domain/detection/protocol.js';
import { detectOnCounts, inferBucketMs, type CountPoint } from '../src/domain/detection/series.js';
import { defaultDetectorSettings, resolveDetectorSettings, type DetectorSettingsOverrides } from '../src/domain/detection/settings.js';
import { defaultSuiteOptions, incidentFreeFalseAlarms, oracleDigits, runSyntheticSuite } from '../src/domain/detection/synthetic.js';
import { seededSample as sample } from '../src/domain/random.js';
import { correctionModel, learnCorrections, type Correction } from '../src/domain/sentiment/corrections.js';
import { LABEL_THRESHOLDS, scoreMessage, type CorrectionModel } from '../src/domain/sentiment/score.js';
import type { Language, SentimentLabel } from '../src/domain/sentiment/types.js';

const args = process.argv.slice(2);
const detectorIndex = args.indexOf('--detector');
/** Settings measured instead of the shipped defaults (checked like a playbook's), under every grid point. */
const detectorOverrides = (detectorIndex >= 0 ? JSON.parse(args[detectorIndex + 1] ?? '{}') : {}) as DetectorSettingsOverrides;
resolveDetectorSettings(detectorOverrides, '--detector');
const dataDir = args.find((arg, i) => !arg.startsWith('--') && (detectorIndex < 0 || i !== detectorIndex + 1));
const langIndex = args.indexOf('--lang');
const lang = (langIndex >= 0 ? args[langIndex + 1] : 'auto') as 'auto' | Language;
if (!dataDir || !existsSync(dataDir)) {
  process.stderr.write('usage: npm run eval -- <data dir> [--lang auto|en|es]   (the folder with sentiment/ and nab/)\n');
  process.exit(2);
}

const LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];

function f1Scores(gold: SentimentLabel[], predicted: SentimentLabel[]): { macro: number; negative: number } {
  const perClass = LABELS.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((truth, i) => {
      const guess = predicted[i];
      if (guess === label && truth === label) tp++;
      else if (guess === label) fp++;
      else if (truth === label) fn++;
    });
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    return precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  });
  return { macro: perClass.reduce((a, b) => a + b, 0) / 3, negative: perClass[0] ?? 0 };
}

function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function evaluateSet(name: string, texts: string[], gold: SentimentLabel[], expectedLanguage: Language): void {
  if (texts.length !== gold.length) throw new Error(`${name}: ${texts.length} texts but ${gold.length} labels`);
  sets.set(name, { texts, gold });
  const results = texts.map((text) => scoreMessage(text, { language: lang }));
  const { macro, negative } = f1Scores(gold, results.map((result) => result.label));
  const languageAccuracy = results.filter((result) => result.language === expectedLanguage).length / results.length;
  console.log(`${name.padEnd(22)} n=${String(texts.length).padStart(5)}  macro-F1 ${macro.toFixed(3)}  negative-F1 ${negative.toFixed(3)}  scored as ${expectedLanguage}: ${(100 * languageAccuracy).toFixed(1)}%`);
}

/** Every labelled set read, by name, for the learning curve. */
const sets = new Map<string, { texts: string[]; gold: SentimentLabel[] }>();

const sentimentDir = join(dataDir, 'sentiment');
if (existsSync(sentimentDir) && !args.includes('--no-sentiment')) {
  console.log(`Sentiment (--lang ${lang})`);
  for (const language of ['en', 'es'] as const) {
    for (const part of ['val', 'train']) {
      const textFile = join(sentimentDir, language, `${part}_text.txt`);
      if (!existsSync(textFile)) continue;
      const gold = readLines(join(sentimentDir, language, `${part}_labels.txt`)).map((label) => LABELS[Number(label)] as SentimentLabel);
      evaluateSet(`${language}/${part}`, readLines(textFile), gold, language);
    }
  }
  const vader = join(sentimentDir, 'en', 'vader_tweets_groundtruth.tsv');
  if (existsSync(vader)) {
    const texts: string[] = [];
    const gold: SentimentLabel[] = [];
    for (const line of readLines(vader)) {
      const [, rating, ...text] = line.split('\t');
      const mean = Number(rating) / 4;
      gold.push(Math.abs(mean) <= 0.05 ? 'neutral' : mean > 0 ? 'positive' : 'negative');
      texts.push(text.join('\t'));
    }
    evaluateSet('en/vader tweets', texts, gold, 'en');
  }
}

if (sets.size > 0) thresholdsCrossValidated();
if (sets.size > 0) learningCurve();

/**
 * The shipped label thresholds against the ones 5-fold cross-validation on the train sets would choose
 * (one pair for both languages, as shipped: chosen on four folds of each language's train set, scored on
 * the fifth), side by side with val. Val chooses nothing.
 */
function thresholdsCrossValidated(): void {
  const languages = (['en', 'es'] as const).filter((language) => sets.has(`${language}/train`) && sets.has(`${language}/val`));
  if (languages.length === 0) return;
  const folds = 5;
  const scored = (name: string) => {
    const set = sets.get(name) as { texts: string[]; gold: SentimentLabel[] };
    return { scores: set.texts.map((text) => scoreMessage(text, { language: lang }).score), gold: set.gold };
  };
  const data = new Map(languages.flatMap((language) => [`${language}/train`, `${language}/val`].map((name) => [name, scored(name)] as const)));
  const grid: [number, number][] = [];
  for (let negative = -2; negative <= 0.001; negative += 0.25) for (let positive = 0.25; positive <= 3.001; positive += 0.25) grid.push([negative, positive]);
  const f1 = (set: { scores: number[]; gold: SentimentLabel[] }, [negative, positive]: [number, number], keep: (i: number) => boolean): number => {
    const gold: SentimentLabel[] = [];
    const guessed: SentimentLabel[] = [];
    set.scores.forEach((score, i) => {
      if (!keep(i)) return;
      gold.push(set.gold[i] as SentimentLabel);
      guessed.push(score >= positive ? 'positive' : score <= negative ? 'negative' : 'neutral');
    });
    return f1Scores(gold, guessed).macro;
  };
  const choose = (keep: (i: number) => boolean): [number, number] => {
    let best: { pair: [number, number]; value: number } = { pair: grid[0] as [number, number], value: -1 };
    for (const pair of grid) {
      const value = languages.reduce((sum, language) => sum + f1(data.get(`${language}/train`) as { scores: number[]; gold: SentimentLabel[] }, pair, keep), 0) / languages.length;
      if (value > best.value + 1e-9) best = { pair, value };
    }
    return best.pair;
  };
  const shipped: [number, number] = [LABEL_THRESHOLDS.negative, LABEL_THRESHOLDS.positive];
  const cv = new Map<string, { shipped: number[]; chosen: number[] }>(languages.map((language) => [language, { shipped: [], chosen: [] }]));
  const chosenPerFold: string[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const pair = choose((i) => i % folds !== fold);
    chosenPerFold.push(`${pair[0]}/${pair[1]}`);
    for (const language of languages) {
      const train = data.get(`${language}/train`) as { scores: number[]; gold: SentimentLabel[] };
      cv.get(language)?.shipped.push(f1(train, shipped, (i) => i % folds === fold));
      cv.get(language)?.chosen.push(f1(train, pair, (i) => i % folds === fold));
    }
  }
  const onAllTrain = choose(() => true);
  console.log(`\nLabel thresholds (negative at ≤ a, positive at ≥ b): shipped ${shipped.join('/')}; chosen by ${folds}-fold CV on train per fold ${chosenPerFold.join(', ')}; on all of train ${onAllTrain.join('/')}`);
  for (const language of languages) {
    const row = cv.get(language) as { shipped: number[]; chosen: number[] };
    const val = data.get(`${language}/val`) as { scores: number[]; gold: SentimentLabel[] };
    console.log(`  ${language}: train-CV held-out folds shipped ${meanAndSpread(row.shipped)}, CV-chosen ${meanAndSpread(row.chosen)}   val shipped ${f1(val, shipped, () => true).toFixed(3)}, train-chosen ${f1(val, onAllTrain, () => true).toFixed(3)}`);
  }
}


function macroF1With(set: { texts: string[]; gold: SentimentLabel[] }, model: CorrectionModel | undefined): number {
  return f1Scores(set.gold, set.texts.map((text) => scoreMessage(text, model ? { language: lang, corrections: model } : { language: lang }).label)).macro;
}

function meanAndSpread(values: number[]): string {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
}

function correctionsOf(set: { texts: string[]; gold: SentimentLabel[] }): Correction[] {
  return set.texts.map((text, i) => ({ text, label: set.gold[i] as SentimentLabel }));
}

/** Macro-F1 on each val set after n corrections drawn from the same language's train set. */
function learningCurve(): void {
  const sizes = [0, 50, 200, 1000];
  const draws = 5;
  console.log(`\nCorrections learning curve (macro-F1 after n corrections; mean ± sd over ${draws} seeded draws from the same language's train set)`);
  for (const language of ['en', 'es'] as const) {
    const train = sets.get(`${language}/train`);
    const targets = [`${language}/val`, ...(language === 'en' ? ['en/vader tweets'] : [])].filter((name) => sets.has(name));
    if (!train || targets.length === 0) continue;
    const pool = correctionsOf(train);
    const rows = new Map<string, string[]>(targets.map((name) => [name, []]));
    const choices: string[] = [];
    for (const size of sizes) {
      const scores = new Map<string, number[]>(targets.map((name) => [name, []]));
      const chosen: string[] = [];
      for (let draw = 0; draw < (size === 0 ? 1 : draws); draw++) {
        const learnt = size === 0 ? undefined : learnCorrections(sample(pool, size, 1000 * size + draw), { scoring: { language: lang } });
        if (learnt) chosen.push(`${learnt.regularisation}/${learnt.classPrior}${learnt.crossValidation.length > 0 ? ` (CV ${learnt.crossValidation.map((row) => `${row.words}/${row.classes}:${row.f1.toFixed(3)}`).join(' ')})` : ''}`);
        const model = learnt ? correctionModel(learnt) : undefined;
        for (const name of targets) scores.get(name)?.push(macroF1With(sets.get(name) as { texts: string[]; gold: SentimentLabel[] }, model));
      }
      for (const name of targets) rows.get(name)?.push(`${String(size).padStart(5)}: ${meanAndSpread(scores.get(name) as number[])}`);
      if (size > 0) choices.push(`  n=${size}: ${chosen.join('; ')}`);
    }
    for (const [name, cells] of rows) console.log(`${name.padEnd(22)} ${cells.join('   ')}`);
    if (args.includes('--cv')) console.log(`  ${language}: strengths chosen (words/classes), with each candidate's held-out macro-F1 on the corrections' own folds:\n${choices.join('\n')}`);
  }
}

/**
 * The grid the protocol searches: the settings that decide how surprising a window must be. Each axis
 * is ordered, so ±1 step is a neighbour; the shipped defaults must be one of its points.
 */
const GRID: GridAxis[] = [
  { name: 'threshold', values: [8, 10, 12, 14, 16, 18, 20] },
  { name: 'maxDispersion', values: [0.05, 0.1, 0.2] },
  { name: 'noveltyFactor', values: [0.5, 0.6, 0.7, 0.8] },
];

interface NabFile {
  name: string;
  points: CountPoint[];
  windows: NabWindow[];
}

function scoreOn(file: NabFile, overrides: DetectorSettingsOverrides): NabFileScore {
  const settings = resolveDetectorSettings({ bucketMs: inferBucketMs(file.points), ...detectorOverrides, ...overrides });
  const { readings } = detectOnCounts(file.points, settings);
  return scoreNabFile(
    file.points.map((point) => point.timestamp),
    readings.map((reading) => reading.score >= 0.5),
    file.windows,
  );
}

/** False alarms per 30 days of the scored part of a file (after NAB's probation). */
function falseAlarmsPer30Days(file: NabFile, score: NabFileScore): number {
  const rows = file.points.length;
  const scoredRows = rows - probationRows(rows);
  const bucketMs = inferBucketMs(file.points) ?? 300_000;
  return (30 * score.falsePositives) / ((scoredRows * bucketMs) / 86_400_000);
}

function describe(score: NabFileScore, file: NabFile): string {
  return `windows ${score.windows}  detected ${score.truePositives}  false alarms ${score.falsePositives} (${falseAlarmsPer30Days(file, score).toFixed(2)} per 30 days)  normalised ${normalisedNabScore([score]).toFixed(1)}`;
}

const nabDir = join(dataDir, 'nab', 'realTweets');
if (existsSync(nabDir)) {
  const windows = JSON.parse(readFileSync(join(nabDir, 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const files: NabFile[] = readdirSync(nabDir)
    .filter((name) => name.endsWith('.csv'))
    .sort()
    .map((name) => ({
      name,
      points: parseCountsCsv(readFileSync(join(nabDir, name), 'utf8'), name),
      windows: (windows[`realTweets/${name}`] ?? []).map(([start, end]) => ({ start: parseTimestamp(start) as number, end: parseTimestamp(end) as number })),
    }));
  console.log(`\nNAB realTweets, standard profile, shipped detector defaults${detectorIndex >= 0 ? ` with ${JSON.stringify(detectorOverrides)}` : ''} (in-sample: the defaults were chosen on these files)`);
  const shipped = files.map((file) => scoreOn(file, {}));
  files.forEach((file, i) => console.log(`${file.name.padEnd(28)} ${describe(shipped[i] as NabFileScore, file)}`));
  console.log(`NAB standard score (all files, in-sample): ${normalisedNabScore(shipped).toFixed(1)}`);

  if (!args.includes('--no-grid')) {
    const candidates = gridCandidates(GRID);
    console.log(`\nProtocol: ${candidates.length} candidates (${GRID.map((axis) => `${axis.name} ${axis.values.join('/')}`).join('; ')})`);
    const scores = candidates.map((candidate) => files.map((file) => scoreOn(file, candidate.overrides)));
    const defaults = candidates.findIndex((candidate) => GRID.every((axis) => candidate.overrides[axis.name] === defaultDetectorSettings[axis.name]));
    if (defaults >= 0) {
      console.log('Neighbourhood of the shipped defaults (all five files):');
      for (const index of neighbourhood(candidates, defaults)) console.log(`  ${JSON.stringify((candidates[index] as { overrides: object }).overrides)}  ${normalisedNabScore(scores[index] as NabFileScore[]).toFixed(1)}`);
    }
    const { folds, mean } = leaveOneFileOut(files.map((file) => file.name), candidates, scores);
    console.log('Leave-one-file-out (settings chosen by flat optimum on the other four, this file only scored):');
    for (const fold of folds) {
      const file = files.find((candidate) => candidate.name === fold.heldOut) as NabFile;
      console.log(`  ${fold.heldOut.padEnd(26)} held-out ${fold.heldOutScore.toFixed(1).padStart(5)}  ${describe(fold.heldOutFile, file)}  chosen ${JSON.stringify(fold.chosen)} (training ${fold.trainingScore.toFixed(1)}, neighbourhood ${fold.flatScore.toFixed(1)})`);
    }
    console.log(`Leave-one-file-out mean NAB standard score: ${mean.toFixed(1)}  (the figure to quote)`);
  }
}

/**
 * The fitted-model test's share of the threshold is not a NAB choice (no dev file is regular enough for
 * that test to judge it: their learnt dispersion never goes under the floor), so it is chosen by the
 * false-alarm budget alone, on incident-free synthetic series of seeds other than the reported ones:
 * the keenest share with no crisis false alarm on any family whose one-step-keener neighbour has none
 * either. Recall plays no part in the choice.
 */
const FITTED_SHARES = [0.25, 0.375, 0.5, 0.625, 0.75];
if (args.includes('--choose-fitted-share')) {
  console.log('\nFitted-model test: crisis false alarms per series per 30 days on incident-free series of every family, seeds 3–4 (not the reported 1–2):');
  const clean = FITTED_SHARES.map((share) => {
    const rows = incidentFreeFalseAlarms(resolveDetectorSettings({ fittedThresholdShare: share }), { ...defaultSuiteOptions, firstSeed: 3 });
    const worst = rows.reduce((max, row) => Math.max(max, row.perSeriesPer30Days), 0);
    const noisy = rows.filter((row) => row.perSeriesPer30Days > 0).map((row) => `${row.family} at ${row.rate}: ${row.perSeriesPer30Days.toFixed(2)}`);
    console.log(`  share ${share}: worst ${worst.toFixed(2)}${noisy.length ? ` (${noisy.join(', ')})` : ''}`);
    return worst === 0;
  });
  const chosen = FITTED_SHARES.findIndex((_, i) => clean[i] && (i === 0 || clean[i - 1]));
  console.log(`  chosen: ${chosen >= 0 ? FITTED_SHARES[chosen] : 'none'} (shipped ${defaultDetectorSettings.fittedThresholdShare})`);
}

if (!args.includes('--no-synthetic')) {
  const settings = resolveDetectorSettings(detectorOverrides);
  console.log(`\nSynthetic suite (seeded, generated in code), shipped defaults${detectorIndex >= 0 ? ` with ${JSON.stringify(detectorOverrides)}` : ''}`);
  const suite = runSyntheticSuite(settings);
  const rates = [...new Set(suite.falseAlarms.map((row) => row.rate))];
  console.log(`False alarms per series per 30 days on incident-free series, by negatives per bucket (${rates.join(' / ')}); one-author alerts (moderation cases) in brackets:`);
  for (const family of [...new Set(suite.falseAlarms.map((row) => row.family))]) {
    const rows = suite.falseAlarms.filter((row) => row.family === family);
    console.log(`  ${family.padEnd(20)} ${rows.map((row) => `${row.perSeriesPer30Days.toFixed(2)} [${row.singleAuthorAlerts}]`).join('  ')}`);
  }
  console.log(`Injected incidents lasting ${settings.windowBuckets} buckets (${(settings.windowBuckets * settings.bucketMs) / 60_000} min): recall, median delay in buckets, by size and negatives per bucket:`);
  for (const size of [...new Set(suite.incidents.map((row) => row.size))]) {
    const rows = suite.incidents.filter((row) => row.size === size);
    console.log(`  ${`${size}× usual`.padEnd(20)} ${rows.map((row) => `${row.rate}: ${(100 * row.recall).toFixed(0)}% (n=${row.injected}, delay ${row.medianDelay ?? '–'})`).join('  ')}`);
  }
  console.log(`By family: recall / what an oracle knowing the true mean and dispersion reaches at ${oracleDigits(settings.bucketMs).toFixed(1)} digits (about one false alarm in 30 days), by negatives per bucket:`);
  for (const size of [...new Set(suite.incidentsByFamily.map((row) => row.size))]) {
    for (const family of [...new Set(suite.incidentsByFamily.map((row) => row.family))]) {
      const rows = suite.incidentsByFamily.filter((row) => row.size === size && row.family === family);
      console.log(`  ${`${size}× ${family}`.padEnd(20)} ${rows.map((row) => `${row.rate}: ${(100 * row.recall).toFixed(0)}% / ${(100 * row.oracleRecall).toFixed(0)}%`).join('  ')}`);
    }
  }
  console.log(`Oracle, all families: ${suite.incidents.map((row) => `${row.size}× at ${row.rate}: ${(100 * row.oracleRecall).toFixed(0)}%`).join(', ')}`);
}
