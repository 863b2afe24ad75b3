import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, statSync, type WriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { FirebreakError, isFirebreakError } from '../../errors.js';
import { parseCountsCsv } from '../../domain/detection/counts-csv.js';
import { CalibrationRecorder, type ChannelCalibration } from '../../domain/detection/calibration.js';
import type { BucketReading } from '../../domain/detection/detector.js';
import { parseJsonlMessage, parseSlackChannels, parseSlackExportDay } from '../../domain/detection/inputs.js';
import { detectOnCounts, inferBucketMs } from '../../domain/detection/series.js';
import { resolveDetectorSettings, type DetectorSettings } from '../../domain/detection/settings.js';
import { advanceChannel, observeMessage, watchChannel, type ChatMessage, type ChannelWindow } from '../../domain/detection/pipeline.js';
import type { BacktestOptions } from './backtest.js';
import { channelOfLine, runShards, shardCount, shardOf, type ShardMessage, type ShardReport } from './backtest-shards.js';

interface Shard {
  index: number;
  count: number;
}

/** A shard's failure, with the line it stopped at so the parent can report the file's first one. */
class ShardFailure extends Error {
  constructor(
    readonly line: number,
    readonly failure: unknown,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

type Alert = ShardReport['alerts'][number];

/** Runs `firebreak backtest` once its options are parsed (see backtest.ts for what they mean). */
export async function runBacktest(input: string | undefined, options: BacktestOptions): Promise<void> {
  if (options.shard !== undefined) return runAsShard(input as string, options);
  const started = Date.now();
  if (!options.counts && !input) throw new FirebreakError('input_invalid', 'backtest: give an export folder or JSONL file, or --counts FILE.csv');
  if (options.counts && input) throw new FirebreakError('input_invalid', 'backtest: give either <input> or --counts, not both');
  const out = options.out ? createWriteStream(options.out) : undefined;
  try {
    const report = options.counts ? await backtestCounts(options.counts, options, out) : await backtestMessages(input as string, options, out);
    printReport(report, options, Date.now() - started);
  } finally {
    if (out) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

/** What a replay found (a shard's report, merged over shards) and the settings it ran with. */
interface Report extends ShardReport {
  settings: DetectorSettings;
}

function settingsFrom(options: BacktestOptions, bucketMs?: number): DetectorSettings {
  const number = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new FirebreakError('input_invalid', `backtest: --${name} must be a number, got "${value}"`);
    return parsed;
  };
  const overrides: Record<string, number> = {};
  const set = (key: string, value: number | undefined): void => {
    if (value !== undefined) overrides[key] = value;
  };
  set('threshold', number(options.threshold, 'threshold') ?? number(options.sensitivity, 'sensitivity'));
  set('minNegatives', number(options.minNegatives, 'min-negatives'));
  const cooldown = number(options.cooldownMinutes, 'cooldown-minutes');
  set('cooldownMs', cooldown === undefined ? undefined : cooldown * 60_000);
  const bucket = number(options.bucketMinutes, 'bucket-minutes');
  set('bucketMs', bucket === undefined ? bucketMs : bucket * 60_000);
  set('windowBuckets', number(options.windowBuckets, 'window-buckets'));
  return resolveDetectorSettings(overrides, 'backtest options');
}

async function backtestCounts(file: string, options: BacktestOptions, out: WriteStream | undefined): Promise<Report> {
  const text = readInputFile(file);
  const points = parseCountsCsv(text, file);
  const settings = settingsFrom(options, inferBucketMs(points));
  const { readings, decisions } = detectOnCounts(points, settings);
  const recorder = new CalibrationRecorder();
  for (const reading of readings) recorder.record(reading);
  if (out) {
    await writeOut(out, 'timestamp,value,score\n');
    let chunk = '';
    for (const reading of readings) {
      chunk += `${formatTime(reading.timestamp)},${reading.value},${reading.score.toFixed(3)}\n`;
      if (chunk.length > 65_536) {
        await writeOut(out, chunk);
        chunk = '';
      }
    }
    await writeOut(out, chunk);
  }
  const channel = basename(file);
  return { alerts: decisions.map((decision) => ({ channel, decision })), calibration: [recorder.report(channel, settings)], messages: 0, channels: 1, buckets: readings.length, skipped: 0, late: 0, settings };
}

function readInputFile(file: string): string {
  if (!existsSync(file)) throw new FirebreakError('input_invalid', `${file}: no such file`);
  if (statSync(file).isDirectory()) throw new FirebreakError('input_invalid', `${file}: is a folder, expected a file`);
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') throw new FirebreakError('input_invalid', `${file}: is empty`);
  return text;
}

/** `--shard i/n`: replays this shard's channels and sends the report, or the first failure, to the parent. */
async function runAsShard(input: string, options: BacktestOptions): Promise<void> {
  const ipc = process.send?.bind(process);
  if (!ipc) throw new FirebreakError('input_invalid', 'backtest: --shard is for the processes backtest starts itself');
  const [index, count] = (options.shard as string).split('/').map(Number) as [number, number];
  const send = (message: ShardMessage): Promise<void> => new Promise((resolve) => ipc(message, () => resolve()));
  try {
    const { settings: _settings, ...report } = await backtestMessages(input, options, undefined, { index, count }, (messages) => void send({ type: 'progress', messages }));
    await send({ type: 'report', report });
  } catch (error) {
    const failure = error instanceof ShardFailure ? error.failure : error;
    await send({ type: 'failed', line: error instanceof ShardFailure ? error.line : 0, message: failure instanceof Error ? failure.message : String(failure), invalidInput: isFirebreakError(failure) });
  }
}

/** The arguments that make a shard replay `input` exactly as this process was asked to. */
function shardArguments(input: string, options: BacktestOptions): string[] {
  const args = [input, '--quiet', '--lang', options.lang];
  if (options.skipBad) args.push('--skip-bad');
  const pass: [keyof BacktestOptions, string][] = [['threshold', '--threshold'], ['sensitivity', '--sensitivity'], ['minNegatives', '--min-negatives'], ['cooldownMinutes', '--cooldown-minutes'], ['bucketMinutes', '--bucket-minutes'], ['windowBuckets', '--window-buckets']];
  for (const [key, flag] of pass) if (options[key] !== undefined) args.push(flag, String(options[key]));
  return args;
}

function workersFrom(options: BacktestOptions): number | undefined {
  if (options.workers === undefined) return undefined;
  const workers = Number(options.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new FirebreakError('input_invalid', `backtest: --workers must be a whole number from 1 to 64, got "${options.workers}"`);
  return workers;
}

async function backtestMessages(
  input: string,
  options: BacktestOptions,
  out: WriteStream | undefined,
  shard?: Shard,
  onShardProgress?: (messages: number) => void,
): Promise<Report> {
  if (!existsSync(input)) throw new FirebreakError('input_invalid', `${input}: no such file or folder`);
  const settings = settingsFrom(options);
  const workers = workersFrom(options);
  const channels = new Map<string, ChannelWindow>();
  const alerts: Alert[] = [];
  const progress = new Progress(options.quiet === true);
  let messages = 0;
  let buckets = 0;
  let late = 0;
  let skipped = 0;
  let rows: string[] = [];
  if (out) await writeOut(out, 'timestamp,value,score,channel\n');
  const flush = async (): Promise<void> => {
    if (out && rows.length > 0) await writeOut(out, rows.join(''));
    rows = [];
  };
  const recorders = new Map<string, CalibrationRecorder>();
  const readingSink = (channel: string) => {
    const recorder = new CalibrationRecorder();
    recorders.set(channel, recorder);
    return (reading: BucketReading) => {
      buckets++;
      recorder.record(reading);
      if (out) rows.push(`${formatTime(reading.bucketStart)},${reading.negatives},${reading.score.toFixed(3)},${channel}\n`);
    };
  };
  const sinks = new Map<string, (reading: BucketReading) => void>();
  const observe = (message: ChatMessage): void => {
    let channel = channels.get(message.channel);
    if (!channel) {
      channel = watchChannel(message.channel, settings);
      channels.set(message.channel, channel);
      sinks.set(message.channel, readingSink(message.channel));
    }
    const result = observeMessage(channel, message, settings, { language: options.lang, onReading: sinks.get(message.channel) as (reading: BucketReading) => void });
    for (const decision of result.decisions) alerts.push({ channel: message.channel, decision });
    if (!result.counted) late++;
    messages++;
  };
  const skip = (error: unknown): void => {
    if (!options.skipBad || !isFirebreakError(error)) throw error;
    skipped++;
    // Say what was left out and where (the first few: a broken export can have thousands), so it can be fixed.
    if (skipped <= SKIPS_SHOWN) process.stderr.write(`firebreak: skipped ${error.message}\n`);
  };

  if (statSync(input).isDirectory()) {
    const channelsFile = join(input, 'channels.json');
    if (!existsSync(channelsFile)) throw new FirebreakError('input_invalid', `${input}: not a Slack export (no channels.json)`);
    for (const name of parseSlackChannels(readFileSync(channelsFile, 'utf8'), channelsFile)) {
      const folder = join(input, name);
      if (!existsSync(folder)) continue;
      const days = readdirSync(folder).filter((file) => /^\d{4}-\d{2}-\d{2}\.json$/.test(file)).sort();
      for (const day of days) {
        const file = join(folder, day);
        try {
          for (const message of parseSlackExportDay(readFileSync(file, 'utf8'), name, file)) observe(message);
        } catch (error) {
          skip(error);
        }
        progress.tick(messages);
        await flush();
      }
    }
  } else {
    const head = readFileSync(input, { encoding: null, flag: 'r' }).subarray(0, 4096);
    if (head.length === 0) throw new FirebreakError('input_invalid', `${input}: is empty`);
    if (head.includes(0)) throw new FirebreakError('input_invalid', `${input}: looks like a binary file, expected JSONL messages {ts, channel, user, text}`);
    // Per-bucket rows keep their input order only in one process.
    const count = shard || out ? 1 : shardCount(statSync(input).size, workers);
    if (count > 1) {
      const report = await runShards(shardArguments(input, options), count, (done) => progress.tick(done));
      progress.done();
      if (report.messages === 0 && report.skipped === 0) throw new FirebreakError('input_invalid', `${input}: no messages found`);
      report.alerts.sort((a, b) => a.decision.at - b.decision.at || a.channel.localeCompare(b.channel));
      return { ...report, settings };
    }
    let lineNumber = 0;
    for await (const lines of lineBatches(input)) {
      for (const line of lines) {
        lineNumber++;
        if (line.trim() === '') continue;
        if (shard && !ownsLine(line, shard)) continue;
        try {
          observe(parseJsonlMessage(line, { file: input, line: lineNumber }));
        } catch (error) {
          if (shard && !(options.skipBad && isFirebreakError(error))) throw new ShardFailure(lineNumber, error);
          skip(error);
        }
      }
      if (onShardProgress) onShardProgress(messages);
      else progress.tick(messages);
      await flush();
    }
  }
  // Close every channel's last bucket.
  for (const channel of channels.values()) {
    const last = channel.buckets.at(-1);
    if (!last) continue;
    for (const decision of advanceChannel(channel, last.start + settings.bucketMs, settings, sinks.get(channel.id))) alerts.push({ channel: channel.id, decision });
  }
  await flush();
  progress.done();
  if (skipped > SKIPS_SHOWN) process.stderr.write(`firebreak: skipped ${skipped - SKIPS_SHOWN} more${shard ? ' in this part' : ''}\n`);
  if (messages === 0 && skipped === 0 && !shard) throw new FirebreakError('input_invalid', `${input}: no messages found`);
  alerts.sort((a, b) => a.decision.at - b.decision.at || a.channel.localeCompare(b.channel));
  const calibration = [...recorders].map(([channel, recorder]) => recorder.report(channel, settings));
  return { alerts, calibration, messages, channels: channels.size, buckets, skipped, late, settings };
}

/**
 * Whether `shard` replays this line: by its channel, read cheaply when possible. A line whose channel
 * cannot be told (not even by parsing it) belongs to shard 0, which reports it.
 */
function ownsLine(line: string, shard: Shard): boolean {
  let channel = channelOfLine(line);
  if (channel === undefined) {
    try {
      channel = parseJsonlMessage(line, { file: '', line: 0 }).channel;
    } catch {
      return shard.index === 0;
    }
  }
  return shardOf(channel, shard.count) === shard.index;
}

/** The lines of a text file in batches (one per read chunk): far less overhead than a promise per line. */
async function* lineBatches(file: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    for (let i = 0; i < lines.length; i++) if ((lines[i] as string).endsWith('\r')) lines[i] = (lines[i] as string).slice(0, -1);
    yield lines;
  }
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/** Skipped lines or files named on standard error, per process; the summary counts them all. */
const SKIPS_SHOWN = 10;

class Progress {
  private last = Date.now();
  private shown = false;
  constructor(private readonly quiet: boolean) {}
  tick(messages: number): void {
    if (this.quiet || Date.now() - this.last < 1000) return;
    this.last = Date.now();
    this.shown = true;
    process.stderr.write(`backtest: ${messages.toLocaleString('en')} messages…\n`);
  }
  done(): void {
    if (this.shown) process.stderr.write('backtest: done\n');
  }
}

function writeOut(out: WriteStream, text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
}

function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

function printReport(report: Report, options: BacktestOptions, elapsedMs: number): void {
  const spikes = report.alerts.filter((alert) => alert.decision.type === 'spike');
  const summary = {
    messages: report.messages,
    channels: report.channels,
    buckets: report.buckets,
    alerts: spikes.length,
    crisis: spikes.filter((alert) => alert.decision.type === 'spike' && alert.decision.explanation.kind === 'crisis').length,
    singleAuthor: spikes.filter((alert) => alert.decision.type === 'spike' && alert.decision.explanation.kind === 'single_author').length,
    escalated: report.alerts.filter((alert) => alert.decision.type === 'escalated').length,
    recovered: report.alerts.filter((alert) => alert.decision.type === 'recovered').length,
    skipped: report.skipped,
    late: report.late,
    seconds: Math.round(elapsedMs / 100) / 10,
  };
  if (options.json) {
    for (const alert of report.alerts) process.stdout.write(`${JSON.stringify({ channel: alert.channel, ...alert.decision })}\n`);
    for (const calibration of [...report.calibration].sort((a, b) => a.channel.localeCompare(b.channel))) process.stdout.write(`${JSON.stringify({ calibration })}\n`);
    process.stdout.write(`${JSON.stringify({ summary })}\n`);
    return;
  }
  const lines: string[] = [];
  for (const { channel, decision } of report.alerts) {
    if (decision.type === 'recovered') {
      lines.push(`${formatTime(decision.at)}  ${channel}  back to normal (alert since ${formatTime(decision.since)}, peak ${decision.peakObserved} negatives per window)`);
      continue;
    }
    const e = decision.explanation;
    if (decision.type === 'escalated') {
      lines.push(`${formatTime(decision.at)}  ${channel}  ESCALATED (alert since ${formatTime(decision.since)}): ${e.observed} negatives vs ${e.baseline} expected (×${e.ratio}, chance ${formatChance(e.tailProbability)})`);
      continue;
    }
    const who = e.distinctAuthors === null ? '' : e.kind === 'single_author' ? `, mostly one author (${e.topAuthorId}, ${Math.round((e.topAuthorShare ?? 0) * 100)}%): moderation case` : ` from ${e.distinctAuthors} authors`;
    const terms = e.dominantTerms.length ? `; terms: ${e.dominantTerms.map((t) => `${t.term} (${t.count})`).join(', ')}` : '';
    lines.push(`${formatTime(decision.at)}  ${channel}  SPIKE ${e.kind}: ${e.observed} negatives in ${formatTime(e.window.start)}–${formatTime(e.window.end)} vs ${e.baseline} expected (×${e.ratio}, ${e.deviations} deviations, chance ${formatChance(e.tailProbability)} under the channel's ${e.test === 'fitted' ? 'own fitted ' : ''}model)${who}${terms}`);
    for (const sample of e.samples) lines.push(`    ${sample.authorId}: ${JSON.stringify(sample.text.length > 140 ? `${sample.text.slice(0, 137)}...` : sample.text)}`);
  }
  if (report.alerts.length === 0) lines.push('No alerts would have been raised.');
  lines.push(...calibrationLines(report.calibration, report.settings));
  lines.push(
    `Summary: ${summary.alerts} alert(s) (${summary.crisis} crisis, ${summary.singleAuthor} single-author), ${summary.escalated} escalation(s), ${summary.recovered} recovery(ies); ` +
      `${report.messages ? `${summary.messages} messages in ` : ''}${summary.channels} channel(s), ${summary.buckets} buckets of ${report.settings.bucketMs / 60_000} min; ` +
      `${summary.skipped} skipped${summary.late ? `, ${summary.late} too late to count` : ''}; ${summary.seconds} s`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

/** Chance as people read it: "1 in 2.3 million". */
function formatChance(probability: number): string {
  if (!(probability > 0)) return 'below 1 in 10^300';
  const odds = 1 / probability;
  if (odds < 1_000) return `1 in ${Math.round(odds)}`;
  if (odds < 1e6) return `1 in ${Math.round(odds / 1e3)} thousand`;
  if (odds < 1e9) return `1 in ${Math.round(odds / 1e6)} million`;
  return `1 in 10^${Math.floor(Math.log10(odds))}`;
}

/** How noisy each channel would be, noisiest first (at most 50 lines; --json lists all). */
const CALIBRATION_LINES = 50;

function calibrationLines(calibration: readonly ChannelCalibration[], settings: DetectorSettings): string[] {
  if (calibration.length === 0) return [];
  const sorted = [...calibration].sort((a, b) => b.alertsPer30Days - a.alertsPer30Days || a.channel.localeCompare(b.channel));
  const lines = [`Calibration (threshold ${settings.threshold}; alerts per 30 days after the learning days, and the threshold that would give 1 per 30 days):`];
  for (const row of sorted.slice(0, CALIBRATION_LINES)) {
    lines.push(`  ${row.channel}: ${row.alertsPer30Days} per 30 days (${row.alerts} in ${row.days} days); for 1 per 30 days: threshold ${row.thresholdFor1Per30Days}${row.days < 30 ? ' (under 30 days of history: the lowest that raises none)' : ''}`);
  }
  if (sorted.length > CALIBRATION_LINES) lines.push(`  … and ${sorted.length - CALIBRATION_LINES} more channel(s) (--json lists all)`);
  return lines;
}
