// `npm run eval -- <data dir> [--lang auto|en|es] [--no-sentiment] [--no-grid] [--no-synthetic]`:
// measures the detection engine. Sentiment: 3-class macro-F1 and negative-class F1 per set, and the
// corrections learning curve (macro-F1 on val after 0/50/200/1,000 corrections drawn from train, seeded
// draws). NAB realTweets: the shipped defaults per file, then the protocol that cannot overfit (a grid
// of settings, flat-optimum choice, leave-one-file-out: chosen on four files, scored on the fifth).
// Synthetic: a seeded suite generated in code (false alarms on incident-free families, recall and delay
// on injected incidents). Reads the data in place; writes nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCountsCsv, parseTimestamp } from '../src/domain/detection/counts-csv.js';
import { normalisedNabScore, probationRows, scoreNabFile, type NabFileScore, type NabWindow } from '../src/domain/detection/nab.js';
import { gridCandidates, leaveOneFileOut, neighbourhood, type GridAxis } from '../src/domain/detection/protocol.js';
import { detectOnCounts, inferBucketMs, type CountPoint } from '../src/domain/detection/series.js';
import { defaultDetectorSettings, resolveDetectorSettings, type DetectorSettingsOverrides } from '../src/domain/detection/settings.js';
import { runSyntheticSuite } from '../src/domain/detection/synthetic.js';
import { seededRandom } from '../src/domain/random.js';
import { correctionModel, learnCorrections, type Correction } from '../src/domain/sentiment/corrections.js';
import { scoreMessage, type CorrectionModel } from '../src/domain/sentiment/score.js';
import type { Language, SentimentLabel } from '../src/domain/sentiment/types.js';

const args = process.argv.slice(2);
const dataDir = args.find((arg) => !arg.startsWith('--'));
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

if (sets.size > 0) learningCurve();

function sample<T>(items: readonly T[], count: number, seed: number): T[] {
  const copy = [...items];
  const next = seededRandom(seed);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
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
    for (const size of sizes) {
      const scores = new Map<string, number[]>(targets.map((name) => [name, []]));
      for (let draw = 0; draw < (size === 0 ? 1 : draws); draw++) {
        const model = size === 0 ? undefined : correctionModel(learnCorrections(sample(pool, size, 1000 * size + draw), { scoring: { language: lang } }));
        for (const name of targets) scores.get(name)?.push(macroF1With(sets.get(name) as { texts: string[]; gold: SentimentLabel[] }, model));
      }
      for (const name of targets) rows.get(name)?.push(`${String(size).padStart(5)}: ${meanAndSpread(scores.get(name) as number[])}`);
    }
    for (const [name, cells] of rows) console.log(`${name.padEnd(22)} ${cells.join('   ')}`);
  }
}

/**
 * The grid the protocol searches: the settings that decide how surprising a window must be. Each axis
 * is ordered, so ±1 step is a neighbour; the shipped defaults must be one of its points.
 */
const GRID: GridAxis[] = [
  { name: 'threshold', values: [8, 10, 12, 14, 16] },
  { name: 'maxDispersion', values: [0.05, 0.1, 0.2] },
  { name: 'noveltyFactor', values: [0.5, 0.6, 0.7, 0.8] },
];

interface NabFile {
  name: string;
  points: CountPoint[];
  windows: NabWindow[];
}

function scoreOn(file: NabFile, overrides: DetectorSettingsOverrides): NabFileScore {
  const settings = resolveDetectorSettings({ bucketMs: inferBucketMs(file.points), ...overrides });
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
  console.log('\nNAB realTweets, standard profile, shipped detector defaults (in-sample: the defaults were chosen on these files)');
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

if (!args.includes('--no-synthetic')) {
  const settings = resolveDetectorSettings();
  console.log('\nSynthetic suite (seeded, generated in code), shipped defaults');
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
}
