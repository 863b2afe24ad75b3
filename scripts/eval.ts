// `npm run eval -- <data dir> [--lang auto|en|es]`: measures the detection engine on labelled data.
// Sentiment: 3-class macro-F1 and negative-class F1 per set; NAB: the standard-profile score of the
// shipped detector defaults on nab/realTweets. Reads the data in place; writes nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCountsCsv, parseTimestamp } from '../src/domain/detection/counts-csv.js';
import { normalisedNabScore, scoreNabFile, type NabFileScore } from '../src/domain/detection/nab.js';
import { detectOnCounts, inferBucketMs } from '../src/domain/detection/series.js';
import { resolveDetectorSettings } from '../src/domain/detection/settings.js';
import { scoreMessage } from '../src/domain/sentiment/score.js';
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
  const results = texts.map((text) => scoreMessage(text, { language: lang }));
  const { macro, negative } = f1Scores(gold, results.map((result) => result.label));
  const languageAccuracy = results.filter((result) => result.language === expectedLanguage).length / results.length;
  console.log(`${name.padEnd(22)} n=${String(texts.length).padStart(5)}  macro-F1 ${macro.toFixed(3)}  negative-F1 ${negative.toFixed(3)}  scored as ${expectedLanguage}: ${(100 * languageAccuracy).toFixed(1)}%`);
}

const sentimentDir = join(dataDir, 'sentiment');
if (existsSync(sentimentDir)) {
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

const nabDir = join(dataDir, 'nab', 'realTweets');
if (existsSync(nabDir)) {
  const windows = JSON.parse(readFileSync(join(nabDir, 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const scores: NabFileScore[] = [];
  console.log('\nNAB realTweets, standard profile, shipped detector defaults');
  for (const file of readdirSync(nabDir).filter((name) => name.endsWith('.csv')).sort()) {
    const points = parseCountsCsv(readFileSync(join(nabDir, file), 'utf8'), file);
    const settings = resolveDetectorSettings({ bucketMs: inferBucketMs(points) });
    const { readings } = detectOnCounts(points, settings);
    const labelled = windows[`realTweets/${file}`] ?? [];
    const score = scoreNabFile(
      points.map((point) => point.timestamp),
      readings.map((reading) => reading.score >= 0.5),
      labelled.map(([start, end]) => ({ start: parseTimestamp(start) as number, end: parseTimestamp(end) as number })),
    );
    scores.push(score);
    console.log(`${file.padEnd(28)} windows ${score.windows}  detected ${score.truePositives}  false alarms ${score.falsePositives}  raw ${score.raw.toFixed(2)}  normalised ${normalisedNabScore([score]).toFixed(1)}`);
  }
  console.log(`NAB standard score (all files): ${normalisedNabScore(scores).toFixed(1)}`);
}
