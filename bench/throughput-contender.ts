// One contender of the detection benchmark's throughput race, in a process of its own:
// `node --import tsx bench/throughput-contender.ts <contender> [--quick]` prints its best rate (messages per
// second of this process's CPU time) as JSON. A fresh process per contender, because in a shared one the
// earlier contenders' heap and type feedback slow the later ones: bare `sentiment.analyze` measured after
// the watcher's work ran at half its speed, which flattered every ratio to it.
import Sentiment from 'sentiment';
import { resolveDetectorSettings } from '../src/domain/detection/settings.js';
import { observeMessage, watchChannel, type ChannelWindow, type ChatMessage } from '../src/domain/detection/pipeline.js';
import { correctionModel, SHIPPED_CLASSES } from '../src/domain/sentiment/corrections.js';
import { scoreMessage } from '../src/domain/sentiment/score.js';
import { CONTENDERS, type Contender, type ContenderResult } from './contenders.js';
import { EPOCH, makeMessages } from './messages.js';

const contender = process.argv[2] as Contender;
if (!(CONTENDERS as readonly string[]).includes(contender)) {
  process.stderr.write(`usage: throughput-contender.ts <${CONTENDERS.join('|')}> [--quick]\n`);
  process.exit(2);
}
const quick = process.argv.includes('--quick');
const settings = resolveDetectorSettings();
// An hour of traffic: closing buckets is a small part of the per-message work.
const hour = makeMessages(quick ? 50_000 : 200_000, 1, EPOCH, 3_600_000);
let sink = 0;
let detail: number | undefined;

function perMessage(messages: readonly ChatMessage[], onReading?: () => void): void {
  const channels = new Map<string, ChannelWindow>();
  for (const message of messages) {
    let channel = channels.get(message.channel);
    if (!channel) channels.set(message.channel, (channel = watchChannel(message.channel, settings)));
    sink += observeMessage(channel, message, settings, onReading ? { onReading } : undefined).sentiment.score;
  }
}

/** A large workspace model: 500 learnt words, every scored word of the synthetic pool among them, and moved class boundaries. */
function learntModel() {
  const seen = new Set<string>();
  for (const message of hour.slice(0, 5_000)) for (const term of scoreMessage(message.text).terms) seen.add(term);
  const terms = [...seen].map((term, i) => ({ term, weight: ((i % 7) - 3) / 4, neutral: ((i % 5) - 2) / 4, evidence: { negative: 1, neutral: 0, positive: 0, notNegative: 1 } }));
  for (let i = terms.length; i < 500; i++) terms.push({ term: `learnt-${i}`, weight: 0.5, neutral: -0.25, evidence: { negative: 1, neutral: 0, positive: 0, notNegative: 0 } });
  detail = terms.length;
  return correctionModel({ classes: { ...SHIPPED_CLASSES, neutral: { ...SHIPPED_CLASSES.neutral, bias: 0.7, positiveWords: -0.2, negativeWords: -0.3 } }, terms });
}

function race(): { messages: number; run: () => void } {
  switch (contender) {
    case 'bare': {
      const bare = new Sentiment();
      return {
        messages: hour.length,
        run: () => {
          for (const message of hour) sink += bare.analyze(message.text).score;
        },
      };
    }
    case 'scoreMessage':
      return {
        messages: hour.length,
        run: () => {
          for (const message of hour) sink += scoreMessage(message.text).score;
        },
      };
    case 'learnt': {
      const corrections = learntModel();
      return {
        messages: hour.length,
        run: () => {
          for (const message of hour) sink += scoreMessage(message.text, { corrections }).score;
        },
      };
    }
    case 'perMessage':
      return { messages: hour.length, run: () => perMessage(hour) };
    case 'endToEnd': {
      // A week: every channel's every bucket is closed by the detector as time passes.
      const week = makeMessages(hour.length, 1);
      return {
        messages: week.length,
        run: () => {
          detail = 0;
          perMessage(week, () => (detail = (detail ?? 0) + 1));
        },
      };
    }
  }
}

const { messages, run } = race();
run(); // warm-up
let best = 0;
for (let round = 0; round < 3; round++) {
  const t0 = process.cpuUsage();
  run();
  const used = process.cpuUsage(t0);
  best = Math.max(best, messages / ((used.user + used.system) / 1e6));
}
if (sink === Number.MIN_VALUE) process.stderr.write(String(sink));
const result: ContenderResult = { contender, rate: best, ...(detail !== undefined ? { detail } : {}) };
process.stdout.write(`${JSON.stringify(result)}\n`);
