import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { FirebreakError } from '../../errors.js';
import { correctionModel, learnCorrections, parseCorrections } from '../../domain/sentiment/corrections.js';
import { scoreMessage, type CorrectionModel } from '../../domain/sentiment/score.js';
import type { Language } from '../../domain/sentiment/types.js';

/** Runs `firebreak score` once its options are parsed: stdin lines in, JSON results out. */
export async function runScore(options: { lang: 'auto' | Language; corrections?: string }): Promise<void> {
  const corrections = options.corrections === undefined ? undefined : await loadCorrections(options.corrections, options.lang);
  const lineNumber = await scoreLines(options.lang, corrections);
  if (lineNumber === 0) process.stderr.write('firebreak score: no input; give one text per line on standard input\n');
}

function resultLine(line: string, lang: 'auto' | Language, corrections: CorrectionModel | undefined): string {
  // Blank lines stay aligned with a neutral result.
  if (line.trim() === '') return JSON.stringify({ label: 'neutral', score: 0, comparative: 0, language: lang === 'auto' ? 'unknown' : lang, terms: [] });
  const result = scoreMessage(line, corrections ? { language: lang, corrections } : { language: lang });
  return JSON.stringify({ label: result.label, score: result.score, comparative: result.comparative, language: result.language, terms: result.terms, ...(result.learnt ? { learnt: result.learnt } : {}) });
}

/**
 * Scores stdin line by line. The lines that arrived together (one chunk of a pipe or file, up to
 * 64 KiB) are answered in one write, once the chunk is read: a pipe is as fast as with big batches,
 * and a person typing at a terminal (or a program waiting for each answer) gets every answer as soon
 * as its line is in. Resolves with the number of lines read.
 */
function scoreLines(lang: 'auto' | Language, corrections: CorrectionModel | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    let lineNumber = 0;
    let pending: string[] = [];
    let flushing = false;
    let failed = false;
    const flush = () => {
      flushing = false;
      if (pending.length === 0) return;
      const text = `${pending.join('\n')}\n`;
      pending = [];
      // A slow reader of stdout holds the input back instead of the answers piling up in memory.
      if (!process.stdout.write(text)) {
        lines.pause();
        process.stdout.once('drain', () => lines.resume());
      }
    };
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      lines.close();
      reject(error);
    };
    process.stdout.once('error', fail);
    lines.on('line', (line) => {
      if (failed) return;
      lineNumber++;
      if (line.includes('\u0000')) {
        flush();
        fail(new FirebreakError('input_invalid', `stdin:${lineNumber}: binary data; score expects text, one message per line`));
        return;
      }
      pending.push(resultLine(line, lang, corrections));
      if (!flushing) {
        flushing = true;
        // After the rest of this chunk's lines: they are emitted synchronously, before any I/O.
        setImmediate(flush);
      }
    });
    lines.on('close', () => {
      if (failed) return;
      flush();
      // Resolves once everything written has been handed to the OS.
      process.stdout.write('', (error) => (error ? fail(error) : resolve(lineNumber)));
    });
  });
}

async function loadCorrections(file: string, language: 'auto' | Language): Promise<CorrectionModel> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new FirebreakError('input_invalid', `${file}: cannot read the corrections file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return correctionModel(learnCorrections(parseCorrections(content, file), { scoring: { language } }));
}
