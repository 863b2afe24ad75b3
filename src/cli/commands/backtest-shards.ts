import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FirebreakError } from '../../errors.js';
import type { ChannelCalibration } from '../../domain/detection/calibration.js';
import type { DetectorDecision } from '../../domain/detection/detector.js';

/**
 * A JSONL replay split across processes by channel: channels never share state, so each process
 * replays the channels that hash to it and the reports add up to the single-process one.
 */

/** Which of `count` shards replays `channel` (FNV-1a: stable across processes and runs). */
export function shardOf(channel: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < channel.length; i++) hash = Math.imul(hash ^ channel.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}

const CHANNEL_FIELD = /"channel"\s*:\s*"([^"\\]*)"/;

/**
 * The channel of a JSONL line read without parsing it, or undefined when a cheap read could be wrong
 * (no such field, an escape in the value, a second "channel" key): then the line must be parsed.
 */
export function channelOfLine(line: string): string | undefined {
  const match = CHANNEL_FIELD.exec(line);
  if (!match || line.includes('"channel"', match.index + 1)) return undefined;
  return match[1];
}

/** Files smaller than this replay in one process: starting more costs more than it saves. */
const MIN_BYTES_PER_SHARD = 8 * 1024 * 1024;

/** How many processes to replay a JSONL file of `bytes` with: `requested`, or one per core for big files. */
export function shardCount(bytes: number, requested: number | undefined): number {
  if (requested !== undefined) return requested;
  return Math.max(1, Math.min(availableParallelism(), 4, Math.floor(bytes / MIN_BYTES_PER_SHARD)));
}

/** Why a shard stopped: the line it stopped at (0 before any line), and whether the input is to blame. */
export interface ShardFailed {
  line: number;
  message: string;
  invalidInput: boolean;
}

/** What a shard sends its parent. */
export type ShardMessage = { type: 'progress'; messages: number } | { type: 'report'; report: ShardReport } | ({ type: 'failed' } & ShardFailed);

export interface ShardReport {
  alerts: { channel: string; decision: DetectorDecision }[];
  /** Per channel: how noisy it would be at the shipped threshold (channels never span shards). */
  calibration: ChannelCalibration[];
  messages: number;
  channels: number;
  buckets: number;
  skipped: number;
  late: number;
}

const BIN = fileURLToPath(new URL('../../../bin/firebreak.js', import.meta.url));

/**
 * Runs `firebreak backtest <args> --shard i/count` for each shard and adds up their reports.
 * The first bad line of the file (lowest line number over all shards) is the error reported, as a
 * single process would have stopped there.
 */
export async function runShards(args: readonly string[], count: number, onProgress: (messages: number) => void): Promise<ShardReport> {
  const progress = new Array<number>(count).fill(0);
  const results = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      new Promise<ShardReport | ShardFailed>((resolve, reject) => {
        const child = fork(BIN, ['backtest', ...args, '--shard', `${index}/${count}`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        let outcome: ShardReport | ShardFailed | undefined;
        child.on('message', (message: ShardMessage) => {
          if (message.type === 'progress') {
            progress[index] = message.messages;
            onProgress(progress.reduce((sum, value) => sum + value, 0));
          } else if (message.type === 'report') outcome = message.report;
          else outcome = { line: message.line, message: message.message, invalidInput: message.invalidInput };
        });
        child.on('error', reject);
        child.on('exit', (code) => (outcome ? resolve(outcome) : reject(new Error(`backtest shard ${index}/${count} exited with code ${code} without a report`))));
      }),
    ),
  );
  const failures = results.filter((result): result is ShardFailed => 'line' in result);
  if (failures.length > 0) {
    const first = failures.reduce((a, b) => (b.line < a.line ? b : a));
    if (first.invalidInput) throw new FirebreakError('input_invalid', first.message);
    throw new Error(first.message);
  }
  const reports = results as ShardReport[];
  return {
    alerts: reports.flatMap((report) => report.alerts),
    calibration: reports.flatMap((report) => report.calibration),
    messages: sum(reports, 'messages'),
    channels: sum(reports, 'channels'),
    buckets: sum(reports, 'buckets'),
    skipped: sum(reports, 'skipped'),
    late: sum(reports, 'late'),
  };
}

function sum(reports: ShardReport[], key: 'messages' | 'channels' | 'buckets' | 'skipped' | 'late'): number {
  return reports.reduce((total, report) => total + report[key], 0);
}
