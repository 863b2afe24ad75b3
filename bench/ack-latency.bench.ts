// Ack latency under load (issue 5): signed message events at a sustained rate against a real
// `firebreak start` child process (SQLite by default, PostgreSQL with --postgres), persisting every
// message. Reports p50/p99/max time to the HTTP acknowledgement and checks that no event was lost.
// Options: --rate=1000 --seconds=60 --postgres
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startFakeSlack } from '../src/sandbox/slack-api/index.js';
import { signSlackRequest } from '../src/sandbox/signing.js';
import { eventCallback, messageEvent } from '../src/sandbox/slack-payloads.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const rate = Number(arg('rate', '1000'));
const seconds = Number(arg('seconds', '60'));
const usePostgres = process.argv.includes('--postgres');
/** Seconds of load sent first and left out of the figures (JIT and caches warming up). */
const warmupSeconds = Number(arg('warmup', '5'));
const secret = 'bench-signing-secret';

const fake = await startFakeSlack();
const ws = fake.workspace;
const members = Array.from({ length: 50 }, (_, i) => ws.addUser({ name: `member${i}` }).id);
const support = ws.addChannel({ name: 'support', members: [...members, ws.bot.user_id] }).id;

const alerts = ws.addChannel({ name: 'alerts', members: [ws.bot.user_id] }).id;
const leads = [ws.addUser({ name: 'lead1' }).id, ws.addUser({ name: 'lead2' }).id];
ws.addUserGroup({ handle: 'community-leads', name: 'Leads', users: leads });

const folder = mkdtempSync(join(tmpdir(), 'firebreak-ack-bench-'));
writeFileSync(
  join(folder, 'bench.yaml'),
  `formatVersion: 1
id: bench
name: Bench
description: Bench playbook.
ownerTeam: Bench
default: true
triggers: { channels: [support] }
severities:
  sev1: { meaning: { es: a, en: a }, when: { negativeMessages: 1000 } }
  sev2: { meaning: { es: b, en: b }, when: { negativeMessages: 500 } }
  sev3: { meaning: { es: c, en: c }, when: { negativeMessages: 100 } }
  sev4: { meaning: { es: d, en: d } }
roles: { lead: "@community-leads", approvers: ["@community-leads"] }
checklist: [{ id: ack, title: { es: Confirmar, en: Acknowledge }, owner: lead, dueAfterMinutes: 5 }]
replies: [{ id: r, target: channel, text: { es: Hola, en: Hello }, guidance: { es: Breve, en: Short } }]
escalation:
  unacknowledged: { afterMinutes: 10, notify: [lead], repeatEveryMinutes: 10, maxRepeats: 1 }
  unansweredNegative: { afterMinutes: 30, remind: [lead] }
postMortem: { dueWithinDays: 5, reviewers: [approvers], questions: [{ id: q, prompt: { es: ¿Qué?, en: What? } }] }
`,
);

// The database lives outside the playbooks folder: that folder is watched for edits.
const dataFolder = mkdtempSync(join(tmpdir(), 'firebreak-ack-bench-data-'));
let databaseUrl = `file:${join(dataFolder, 'bench.db')}`;
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
if (usePostgres) {
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS firebreak_bench_ack WITH (FORCE)');
  await admin.query('CREATE DATABASE firebreak_bench_ack');
  databaseUrl = 'postgres://postgres@127.0.0.1:5432/firebreak_bench_ack';
}

// --profile=DIR writes a CPU profile of the Firebreak process (node --cpu-prof) there.
const profileDir = arg('profile', '');
const child = spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), join(import.meta.dirname, '..', 'bin', 'firebreak.js'), 'start'], {
  env: {
    PATH: process.env.PATH,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: fake.apiUrl,
    ALERTS_CHANNEL: alerts,
    PLAYBOOKS_DIR: folder,
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    const match = /Firebreak is listening on (http:\/\/[\d.:]+)/.exec(output);
    if (match?.[1]) resolve(match[1]);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', (code) => reject(new Error(`firebreak exited with ${code}: ${output}`)));
});
const target = new URL(`${url}/slack/events`);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const identity = ws.appIdentity();

function send(index: number): Promise<{ status: number; ms: number }> {
  const nowMs = Date.now();
  const ts = `${Math.floor(nowMs / 1000)}.${String(index % 1_000_000).padStart(6, '0')}`;
  const text = index % 4 === 0 ? 'This is terrible, the app is broken again' : 'How do I change my avatar? Thanks!';
  const body = JSON.stringify(
    eventCallback(identity, messageEvent({ channel: support, user: members[index % members.length] as string, text, ts }), { nowMs, eventId: `EvBENCH${index}` }),
  );
  const headers = signSlackRequest(secret, body, Math.floor(nowMs / 1000));
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

const warmup = rate * warmupSeconds;
const total = rate * (seconds + warmupSeconds);
const latencies: number[] = [];
let failures = 0;
let acknowledged = 0;
const pending: Promise<void>[] = [];
const start = performance.now();
process.stdout.write(`sending signed message events at ${rate}/s: ${warmupSeconds} s of warm-up, then ${seconds} s measured, to ${usePostgres ? 'PostgreSQL' : 'SQLite'}…\n`);
for (let i = 0; i < total; i += 1) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  pending.push(
    send(i).then(({ status, ms }) => {
      if (status !== 200) failures += 1;
      else if (i >= warmup) latencies.push(ms);
      acknowledged += status === 200 ? 1 : 0;
    }),
  );
  if (i > 0 && i % (rate * 10) === 0) process.stdout.write(`  ${i / rate} s…\n`);
}
await Promise.all(pending);
const sendSeconds = (performance.now() - start) / 1000;

// Every acknowledged message must end up stored (processing runs after the ack).
const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
const { PrismaPg } = await import('@prisma/adapter-pg');
const { PrismaClient: SqliteClient } = await import('../src/store/generated/sqlite/client.js');
const { PrismaClient: PostgresClient } = await import('../src/store/generated/postgres/client.js');
const prisma = usePostgres
  ? (new PostgresClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) }) as unknown as InstanceType<typeof SqliteClient>)
  : new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: databaseUrl }) });
const drainStarted = performance.now();
let stored = 0;
for (;;) {
  stored = await prisma.scoredMessage.count();
  if (stored >= acknowledged || performance.now() - drainStarted > 120_000) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
const drainSeconds = (performance.now() - drainStarted) / 1000;
await prisma.$disconnect();

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
process.stdout.write(
  [
    `ack latency over ${latencies.length} events (${(total / sendSeconds).toFixed(0)}/s achieved over the whole run): p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms (goal p99 < 50 ms)`,
    `non-200 answers: ${failures}`,
    `stored ${stored} of ${acknowledged} acknowledged events; lost ${Math.max(0, acknowledged - stored)} (processing backlog drained ${drainSeconds.toFixed(1)} s after the last send)`,
  ].join('\n') + '\n',
);

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
agent.destroy();
await fake.close();
if (usePostgres) {
  await admin.query('DROP DATABASE IF EXISTS firebreak_bench_ack WITH (FORCE)');
  await admin.end();
}
rmSync(folder, { recursive: true, force: true });
rmSync(dataFolder, { recursive: true, force: true });
