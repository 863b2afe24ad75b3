// Detection engine benchmark: messages per second through scoring and the full per-message path
// (normalise, detect language, score, update buckets and detector) next to bare `sentiment.analyze` on
// the same messages, each in a fresh process; memory with 1,000 watched channels after 1M messages; and the time of
// `firebreak backtest` over 1M JSONL messages. Messages are synthetic (seeded), in English and Spanish.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDetectorSettings } from '../src/domain/detection/settings.js';
import { observeMessage, watchChannel, type ChannelWindow } from '../src/domain/detection/pipeline.js';
import { makeMessages, streamMessages, EPOCH, WEEK } from './messages.js';
import { CONTENDERS, type Contender, type ContenderResult } from './contenders.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const TOTAL = quick ? 100_000 : 1_000_000;

/** CPU seconds used by finished child processes (Linux /proc), to tell work from waiting on a shared machine. */
function childrenCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ');
    if (!fields) return undefined;
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(0)} MB`;
}

const settings = resolveDetectorSettings();

// 1. Memory (first, before other parts of this run grow the heap), streaming like the live watcher.
{
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const channels = new Map<string, ChannelWindow>();
  const t0 = performance.now();
  for (const message of streamMessages(TOTAL, 1000)) {
    let channel = channels.get(message.channel);
    if (!channel) channels.set(message.channel, (channel = watchChannel(message.channel, settings)));
    observeMessage(channel, message, settings);
  }
  const seconds = (performance.now() - t0) / 1000;
  gc?.();
  const justAfter = process.memoryUsage();
  // Give V8 a moment to hand freed pages back, as a live watcher's idle time does.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  gc?.();
  const settled = process.memoryUsage();
  const stored = JSON.stringify([...channels.values()]).length;
  console.log(
    `Memory after ${TOTAL.toLocaleString('en')} messages over a week in ${channels.size} channels (${seconds.toFixed(1)} s): ` +
      `RSS ${mb(justAfter.rss)} right after, ${mb(settled.rss)} settled (process at start: ${mb(before.rss)}), heap ${mb(settled.heapUsed)}; ` +
      `watcher state as JSON ${(stored / 1024).toFixed(0)} KB  (target: RSS < 200 MB)`,
  );
}

// 2. Throughput, one core: each contender in a fresh process of its own (throughput-contender.ts), the
// contenders taking turns for three rounds, best of each: every one runs under the same conditions.
{
  const contenderScript = join(dirname(fileURLToPath(import.meta.url)), 'throughput-contender.ts');
  const best = new Map<Contender, ContenderResult>();
  for (let round = 0; round < 3; round++) {
    for (const contender of CONTENDERS) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', contenderScript, contender, ...(quick ? ['--quick'] : [])], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`throughput contender ${contender} failed:\n${result.stderr}`);
      const measured = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as ContenderResult;
      if (measured.rate > (best.get(contender)?.rate ?? 0)) best.set(contender, measured);
    }
  }
  const rate = (contender: Contender): number => best.get(contender)?.rate ?? Number.NaN;
  const bare = rate('bare');
  const fmt = (value: number): string => Math.round(value).toLocaleString('en').padStart(9);
  const vsBare = (contender: Contender): string => `${fmt(rate(contender))} msg/s = ${(rate(contender) / bare).toFixed(2)} × bare`;
  console.log(`Throughput on ${(quick ? 50_000 : 200_000).toLocaleString('en')} synthetic en/es chat messages, one core, per CPU second (each in a fresh process, best of 3 rounds × 3 runs):`);
  console.log(`  bare sentiment.analyze                      ${fmt(bare)} msg/s`);
  console.log(`  scoreMessage (normalise, language, score)   ${vsBare('scoreMessage')}`);
  console.log(`  with corrections (${best.get('learnt')?.detail ?? '?'} learnt words)       ${vsBare('learnt')}   (#16 targets: ≥ 100,000 msg/s, ≥ 0.8 × bare)`);
  console.log(`  per-message path (+ channel language mix, bucket), an hour of traffic in 1,000 channels`);
  console.log(`                                              ${vsBare('perMessage')}   (targets: ≥ 100,000 msg/s, ≥ 0.5 × bare)`);
  console.log(`  end to end, the detector closing every 5-min bucket of every channel over a week (${(best.get('endToEnd')?.detail ?? 0).toLocaleString('en')} bucket steps)`);
  console.log(`                                              ${vsBare('endToEnd')}`);
}

// 3. Backtest of 1M JSONL messages through the real command.
{
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-'));
  const file = join(dir, 'messages.jsonl');
  try {
    const out = createWriteStream(file);
    for (let done = 0; done < TOTAL; done += 100_000) {
      const lines = makeMessages(100_000, 5000 + done, EPOCH + (done / TOTAL) * WEEK, (100_000 / TOTAL) * WEEK).map((message) =>
        JSON.stringify({ ts: (message.at / 1000).toFixed(6), channel: message.channel, user: message.authorId, text: message.text }),
      );
      await new Promise<void>((resolve) => (out.write(lines.join('\n') + '\n') ? resolve() : out.once('drain', () => resolve())));
    }
    await new Promise<void>((resolve) => out.end(resolve));
    const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'firebreak.js');
    const cpuBefore = childrenCpuSeconds();
    const t0 = performance.now();
    const result = spawnSync(process.execPath, [bin, 'backtest', file, '--quiet'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = childrenCpuSeconds();
    const cpuText = cpu === undefined || cpuBefore === undefined ? '' : `, ${(cpu - cpuBefore).toFixed(1)} s CPU`;
    const summary = result.stdout.trim().split('\n').at(-1);
    console.log(`Backtest of ${TOTAL.toLocaleString('en')} JSONL messages: ${seconds.toFixed(1)} s wall${cpuText} (exit ${result.status})  (target: < 20 s)\n  ${summary}`);
    if (result.status !== 0) console.log(result.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
