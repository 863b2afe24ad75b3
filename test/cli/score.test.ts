import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function score(input: string | Buffer, ...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/firebreak.js', 'score', ...args], { cwd: root, input, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('firebreak score', () => {
  it('prints one JSON result per input line, blank lines included, in order', () => {
    const { status, lines, stderr } = score('This update is terrible, nothing works\n\nmuchas gracias, me encanta\nthe meeting is at 3pm\n');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ label: 'negative', language: 'en' });
    expect(lines[0]?.score).toBeLessThan(0);
    expect(lines[0]?.terms).toEqual(expect.arrayContaining(['terrible']));
    expect(lines[1]).toMatchObject({ label: 'neutral', score: 0 });
    expect(lines[2]).toMatchObject({ label: 'positive', language: 'es' });
    expect(lines[3]).toMatchObject({ label: 'neutral', language: 'en' });
  });

  it('scores as the language given with --lang', () => {
    expect(score('pésimo\n', '--lang', 'es').lines[0]).toMatchObject({ label: 'negative', language: 'es' });
    expect(score('pésimo\n', '--lang', 'en').lines[0]).toMatchObject({ label: 'neutral', language: 'en' });
  });

  it('handles Slack markup and a last line without a newline', () => {
    const { lines } = score('<@U123> :rage: checkout is not working');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ label: 'negative' });
  });

  it('refuses an unknown language with a clear message', () => {
    const { status, stderr } = score('hello\n', '--lang', 'fr');
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/--lang.*fr.*(auto|en|es)/s);
  });

  it('refuses binary input naming the line, without a stack trace', () => {
    const { status, stderr } = score(Buffer.from([0x68, 0x69, 0x0a, 0x00, 0x01, 0x02, 0x0a]));
    expect(status).toBe(1);
    expect(stderr).toBe('firebreak: stdin:2: binary data; score expects text, one message per line\n');
  });

  it('says so when there is no input at all', () => {
    const { status, stdout, stderr } = score('');
    expect(status).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/no input/);
  });

  /**
   * Writes one line at a time and waits for its answer before writing the next, as a person at a
   * terminal or a program in a conversation does; before the fix nothing came out until end of input.
   */
  async function converse(child: ChildProcessWithoutNullStreams, texts: string[]): Promise<Record<string, unknown>[]> {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const answers: Record<string, unknown>[] = [];
    for (const [index, text] of texts.entries()) {
      child.stdin.write(`${text}\n`);
      // The first answer waits for start-up too (a busy machine); later ones come within a second or so.
      const deadline = Date.now() + (index === 0 ? 30_000 : 10_000);
      for (;;) {
        const results = output.split(/\r?\n/).filter((line) => line.startsWith('{'));
        if (results.length > index) {
          answers.push(JSON.parse(results[index] as string) as Record<string, unknown>);
          break;
        }
        if (Date.now() > deadline) throw new Error(`no answer to line ${index + 1} (${JSON.stringify(text)}) while the next line was held back; output so far: ${JSON.stringify(output)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    return answers;
  }

  it('answers each line as soon as it is read, on a pipe that delivers one line and waits', async () => {
    const child = spawn(process.execPath, ['bin/firebreak.js', 'score'], { cwd: root });
    const answers = await converse(child, ['This update is terrible, nothing works', 'muchas gracias, me encanta', '']);
    expect(answers.map((answer) => answer['label'])).toEqual(['negative', 'positive', 'neutral']);
  }, 60_000);

  it('answers each line typed at a terminal (a pseudo-terminal through script)', async () => {
    const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
    expect(probe.error, 'script(1) from util-linux is needed for this test').toBeUndefined();
    // script gives the command a pseudo-terminal for stdin and stdout (isTTY true) and relays our pipe to it.
    const child = spawn('script', ['-qfec', `${process.execPath} bin/firebreak.js score`, '/dev/null'], { cwd: root });
    const answers = await converse(child, ['Worst outage ever, I am furious', 'thanks, works again']);
    expect(answers.map((answer) => answer['label'])).toEqual(['negative', 'positive']);
  }, 60_000);

  it('learns and applies --corrections the way a workspace does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-corrections-'));
    const file = join(dir, 'corrections.jsonl');
    const lines = ['that boss fight was a kill fest', 'we are going to kill it tonight', 'kill streak of twelve, what a match', 'gonna kill the raid later'];
    writeFileSync(file, lines.map((text) => JSON.stringify({ text, label: 'not-negative' })).join('\n') + '\n');
    expect(score('ready to kill the next raid\n').lines[0]).toMatchObject({ label: 'negative' });
    const corrected = score('ready to kill the next raid\nthis update is terrible\n', '--corrections', file);
    expect(corrected.stderr).toBe('');
    expect(corrected.lines[0]).toMatchObject({ label: 'neutral', learnt: ['kill'] });
    expect(corrected.lines[1]).toMatchObject({ label: 'negative' });
  });

  it('reports bad correction lines as file:line and scores nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-corrections-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text":"fine","label":"neutral"}\n{"text":"x","label":"bad"}\n');
    const { status, stdout, stderr } = score('hello\n', '--corrections', file);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:2: "label" must be one of negative, neutral, positive, not-negative (got "bad")`);
    expect(score('hello\n', '--corrections', join(dir, 'missing.jsonl')).stderr).toContain('missing.jsonl: cannot read the corrections file (ENOENT)');
  });
});
