import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'firebreak-cli-backtest-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function backtest(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/firebreak.js', 'backtest', ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const T0 = Date.UTC(2026, 2, 2);
const MINUTE = 60_000;
const CALM = ['the deploy finished', 'thanks for the update', 'any news on the roadmap?', 'ok, checking now', 'I filed ticket 4412'];
const ANGRY = ['checkout is broken again, this is ridiculous', 'still not working, worst service ever', 'I want a refund, this is a scam'];

interface Message {
  ts: string;
  channel: string;
  user: string;
  text: string;
}

/** Two quiet days in #support, then twenty people complaining within ten minutes; and one loud member in #random. */
function history(): Message[] {
  const messages: Message[] = [];
  const ts = (ms: number) => (ms / 1000).toFixed(6);
  for (let minute = 0; minute < 2 * 24 * 60 + 12 * 60; minute += 4) {
    messages.push({ ts: ts(T0 + minute * MINUTE), channel: 'support', user: `U${minute % 7}`, text: CALM[minute % CALM.length] as string });
    messages.push({ ts: ts(T0 + minute * MINUTE + 1000), channel: 'random', user: `U${minute % 5}`, text: CALM[(minute + 2) % CALM.length] as string });
  }
  const crisis = T0 + (2 * 24 + 10) * 60 * MINUTE + 30_000;
  for (let i = 0; i < 24; i++) messages.push({ ts: ts(crisis + i * 20_000), channel: 'support', user: `UC${i}`, text: ANGRY[i % ANGRY.length] as string });
  const rant = T0 + (2 * 24 + 6) * 60 * MINUTE + 30_000;
  for (let i = 0; i < 20; i++) messages.push({ ts: ts(rant + i * 10_000), channel: 'random', user: 'U-loud', text: ANGRY[i % ANGRY.length] as string });
  return messages.sort((a, b) => Number(a.ts) - Number(b.ts));
}

const jsonl = join(scratch, 'messages.jsonl');
writeFileSync(jsonl, history().map((message) => JSON.stringify(message)).join('\n') + '\n');

describe('firebreak backtest <messages.jsonl>', () => {
  it('prints the alerts it would have raised, telling a crisis from a single loud member, with a summary', () => {
    const { status, stdout, stderr } = backtest(jsonl, '--quiet');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const spikes = stdout.split('\n').filter((line) => line.includes('SPIKE'));
    expect(spikes).toHaveLength(2);
    expect(spikes[0]).toMatch(/^2026-03-04T06:\d\d:00Z {2}random {2}SPIKE single_author: .*mostly one author \(U-loud, \d+%\): moderation case/);
    expect(spikes[1]).toMatch(/^2026-03-04T10:\d\d:00Z {2}support {2}SPIKE crisis: \d+ negatives in .* vs [\d.]+ expected .* from \d+ authors; terms: /);
    expect(stdout).toMatch(/\n {4}UC\d+: "(checkout|still|I want)/);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^Summary: 2 alert\(s\) \(1 crisis, 1 single-author\), \d+ escalation\(s\), \d+ recovery\(ies\); \d+ messages in 2 channel\(s\), \d+ buckets of 5 min; 0 skipped/);
    // How noisy each channel would be before going live: alerts per 30 days and the threshold for one.
    expect(stdout).toMatch(/\nCalibration \(threshold [\d.]+;/);
    for (const channel of ['support', 'random']) expect(stdout).toMatch(new RegExp(`\\n  ${channel}: [\\d.]+ per 30 days \\(1 in [\\d.]+ days\\); for 1 per 30 days: threshold [\\d.]+ \\(under 30 days of history: the lowest that raises none\\)\\n`));
  });

  it('writes timestamp,value,score per bucket with --out, and the alerts as JSON with --json', () => {
    const out = join(scratch, 'scores.csv');
    const { status, stdout } = backtest(jsonl, '--quiet', '--json', '--out', out);
    expect(status).toBe(0);
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((event) => event.type === 'spike').map((event) => event.channel)).toEqual(['random', 'support']);
    expect(events.at(-1)).toMatchObject({ summary: { alerts: 2, crisis: 1, singleAuthor: 1 } });
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('timestamp,value,score,channel');
    const fired = rows.slice(1).filter((row) => Number(row.split(',')[2]) >= 0.5);
    expect(fired).toHaveLength(2);
    for (const row of rows.slice(1)) expect(row).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z,\d+,(0|1)\.\d{3},(support|random)$/);
  });

  it('stops at a malformed line naming file and line, or skips and counts with --skip-bad', () => {
    const bad = join(scratch, 'bad.jsonl');
    const lines = history().slice(0, 50).map((message) => JSON.stringify(message));
    lines.splice(3, 0, '{"ts": "1700000000.1", "channel": "support"');
    lines.splice(10, 0, JSON.stringify({ ts: 'yesterday', channel: 'support', user: 'U1', text: 'hi' }));
    writeFileSync(bad, lines.join('\n'));
    const stopped = backtest(bad, '--quiet');
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toMatch(new RegExp(`^firebreak: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: not valid JSON`));
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    const skipped = backtest(bad, '--quiet', '--skip-bad');
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toMatch(/; 2 skipped/);
    // Each skipped line is named, so it can be fixed rather than silently left out.
    expect(skipped.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(new RegExp(`^firebreak: skipped ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: not valid JSON`)),
      expect.stringMatching(new RegExp(`^firebreak: skipped ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:11: `)),
    ]);
  });

  it('splits a replay across processes by channel with --workers: the same alerts, summary and first bad line', () => {
    const report = (...args: string[]) => {
      const { status, stdout } = backtest(jsonl, '--quiet', '--json', ...args);
      expect(status).toBe(0);
      return stdout.trim().split('\n').map((line) => {
        const event = JSON.parse(line) as { summary?: Record<string, unknown> };
        if (event.summary) delete event.summary.seconds;
        return event;
      });
    };
    const single = report('--workers', '1');
    expect(single.filter((event) => 'type' in event)).toHaveLength(4); // two spikes, two recoveries
    expect(report('--workers', '3')).toEqual(single);

    const bad = join(scratch, 'bad-late.jsonl');
    const lines = history().map((message) => JSON.stringify(message));
    lines.splice(400, 0, JSON.stringify({ ts: '1772000000.5', channel: 'random', user: 'U1' }));
    lines.splice(200, 0, '{"ts": "1772000000.1", "channel": "support", "user": "U1", "text": "cut off');
    writeFileSync(bad, lines.join('\n'));
    const stopped = backtest(bad, '--quiet', '--workers', '2');
    expect(stopped.status).toBe(1);
    expect(stopped.stderr.startsWith(`firebreak: ${bad}:201: not valid JSON (`)).toBe(true); // the first bad line, whichever process read it
    expect(backtest(bad, '--quiet', '--workers', '2', '--skip-bad').stdout).toMatch(/; 2 skipped/);
    expect(backtest(jsonl, '--workers', '0').stderr).toBe('firebreak: backtest: --workers must be a whole number from 1 to 64, got "0"\n');
  });

  it('takes watcher options, and refuses bad ones naming them', () => {
    const quiet = backtest(jsonl, '--quiet', '--threshold', '100');
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toMatch(/^No alerts would have been raised\.$/m);
    expect(backtest(jsonl, '--threshold', 'loud').stderr).toBe('firebreak: backtest: --threshold must be a number, got "loud"\n');
    expect(backtest(jsonl, '--window-buckets', '0').stderr).toMatch(/^firebreak: backtest options: windowBuckets: /);
  });

  it('refuses empty and binary files with a clear message', () => {
    const empty = join(scratch, 'empty.jsonl');
    writeFileSync(empty, '');
    expect(backtest(empty).stderr).toBe(`firebreak: ${empty}: is empty\n`);
    const binary = join(scratch, 'binary.jsonl');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
    const result = backtest(binary);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/looks like a binary file/);
  });

  it('says what is missing when given nothing, or a path that does not exist', () => {
    expect(backtest().stderr).toMatch(/give an export folder or JSONL file, or --counts/);
    expect(backtest(join(scratch, 'nope.jsonl')).stderr).toMatch(/no such file or folder/);
  });
});

describe('firebreak backtest <slack export folder>', () => {
  const exportDir = join(scratch, 'export');
  mkdirSync(join(exportDir, 'support'), { recursive: true });
  mkdirSync(join(exportDir, 'random'), { recursive: true });
  writeFileSync(join(exportDir, 'channels.json'), JSON.stringify([{ id: 'C1', name: 'support' }, { id: 'C2', name: 'random' }], null, 2));
  const byDay = new Map<string, object[]>();
  for (const message of history()) {
    const day = new Date(Number(message.ts) * 1000).toISOString().slice(0, 10);
    const key = `${message.channel}/${day}`;
    byDay.set(key, [...(byDay.get(key) ?? []), { type: 'message', user: message.user, text: message.text, ts: message.ts }]);
  }
  byDay.set('support/2026-03-02', [{ type: 'message', subtype: 'channel_join', user: 'U9', text: '<@U9> has joined the channel', ts: String(T0 / 1000) }, ...(byDay.get('support/2026-03-02') ?? [])]);
  for (const [key, messages] of byDay) writeFileSync(join(exportDir, `${key}.json`), JSON.stringify(messages, null, 2));

  it('replays every channel of the export and finds the same alerts', () => {
    const { status, stdout, stderr } = backtest(exportDir, '--quiet');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout.split('\n').filter((line) => line.includes('SPIKE')).map((line) => line.split('  ')[1])).toEqual(['random', 'support']);
    expect(stdout).toMatch(/Summary: 2 alert\(s\) \(1 crisis, 1 single-author\)/);
  });

  it('names the file of a malformed day, and refuses a folder that is not an export', () => {
    const broken = join(scratch, 'broken-export');
    mkdirSync(join(broken, 'support'), { recursive: true });
    writeFileSync(join(broken, 'channels.json'), '[{"name": "support"}]');
    writeFileSync(join(broken, 'support', '2026-03-02.json'), '[\n  {"type": "message", "user": "U1", "text": "hi"}\n]');
    const result = backtest(broken);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`firebreak: ${join(broken, 'support', '2026-03-02.json')} message #1:2: "ts" is missing or not a string\n`);
    expect(backtest(scratch).stderr).toMatch(/not a Slack export \(no channels\.json\)/);
  });
});

describe('firebreak backtest --counts <file.csv>', () => {
  const start = Date.UTC(2026, 0, 5);
  const rows = ['timestamp,value'];
  for (let i = 0; i < 3 * 288; i++) {
    const value = i >= 700 && i < 703 ? 80 : 4 + ((i * 7) % 5);
    rows.push(`${new Date(start + i * 300_000).toISOString().slice(0, 19).replace('T', ' ')},${value}`);
  }
  const counts = join(scratch, 'counts.csv');
  writeFileSync(counts, rows.join('\n') + '\n');

  it('replays a series of counts and writes timestamp,value,score per input row', () => {
    const out = join(scratch, 'counts-scores.csv');
    const { status, stdout } = backtest('--counts', counts, '--out', out);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^2026-01-07T10:\d\d:00Z {2}counts\.csv {2}SPIKE crisis: \d+ negatives/m);
    const written = readFileSync(out, 'utf8').trim().split('\n');
    expect(written[0]).toBe('timestamp,value,score');
    expect(written).toHaveLength(rows.length);
    expect(written[701]).toMatch(/^2026-01-07T10:20:00Z,80,1\.000$/);
    expect(written.slice(1).filter((row) => Number(row.split(',')[2]) >= 0.5)).toHaveLength(1);
  });

  it('refuses a bad timestamp with its line number', () => {
    const bad = join(scratch, 'bad-counts.csv');
    writeFileSync(bad, 'timestamp,value\n2026-01-05 00:00:00,3\n2026-01-05 00:05:00,4\n05/01/2026 00:10,5\n');
    const result = backtest('--counts', bad);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`firebreak: ${bad}:4: bad timestamp "05/01/2026 00:10" (use YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch seconds)\n`);
  });
});
