import { Option, type Command } from 'commander';
import type { Language } from '../../domain/sentiment/types.js';

export interface BacktestOptions {
  out?: string;
  counts?: string;
  lang: 'auto' | Language;
  skipBad?: boolean;
  quiet?: boolean;
  json?: boolean;
  threshold?: string;
  /** The earlier name of --threshold. */
  sensitivity?: string;
  minNegatives?: string;
  cooldownMinutes?: string;
  bucketMinutes?: string;
  windowBuckets?: string;
  workers?: string;
  /** "i/n": this process replays only the channels of shard i of n (see backtest-shards.ts). */
  shard?: string;
}

/**
 * `firebreak backtest <input>`: replays a Slack export folder, a JSONL file of messages, or (with
 * `--counts`) a CSV of bucket counts through the same detector the live watcher runs, and reports the
 * alerts it would have raised.
 */
export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('Replay history through the detector and print the alerts it would have raised')
    .argument('[input]', 'Slack export folder (channels.json + <channel>/<date>.json) or JSONL file of {ts, channel, user, text}')
    .option('--counts <file>', 'CSV of timestamp,value (negative messages per bucket) instead of messages')
    .option('--out <file>', 'write timestamp,value,score per bucket (score ≥ 0.5: an alert fired)')
    .addOption(new Option('--lang <language>', 'language of the messages, or detect per message').choices(['auto', 'en', 'es']).default('auto'))
    .option('--skip-bad', 'skip malformed lines or files instead of stopping at the first (naming the first 10 on standard error; the summary counts all)')
    .option('--json', 'print alerts and summary as JSON lines')
    .option('--quiet', 'no progress on standard error')
    .option('--threshold <digits>', 'alert threshold: digits of surprise (5 = a 1-in-100,000 window under the channel\'s model)')
    .addOption(new Option('--sensitivity <digits>').hideHelp())
    .option('--min-negatives <count>', 'fewest negative messages in the window to alert')
    .option('--cooldown-minutes <minutes>', 'quiet time after an alert')
    .option('--bucket-minutes <minutes>', 'bucket size (counts: inferred from the series)')
    .option('--window-buckets <count>', 'buckets in the observed window')
    .option('--workers <count>', 'processes replaying a JSONL file, split by channel (default: one per core, up to 4, for files over 8 MB; always 1 with --out)')
    .addOption(new Option('--shard <i/n>').hideHelp())
    // The replay's modules load only when it runs: `firebreak --help` does not pay for them.
    .action(async (input: string | undefined, options: BacktestOptions) => (await import('./backtest-run.js')).runBacktest(input, options));
}

