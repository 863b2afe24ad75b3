import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import { FirebreakError } from '../../errors.js';
import { scoreMessage } from '../../domain/sentiment/score.js';
import type { Language } from '../../domain/sentiment/types.js';

/** `firebreak score [--lang auto|en|es]`: one text per stdin line → one JSON result per stdout line. */
export function registerScoreCommand(program: Command): void {
  program
    .command('score')
    .description('Score the sentiment of each line of standard input; prints one JSON object per line')
    .addOption(new Option('--lang <language>', 'language of the texts, or detect it per line').choices(['auto', 'en', 'es']).default('auto'))
    .action(async (options: { lang: 'auto' | Language }) => {
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      let lineNumber = 0;
      let batch: string[] = [];
      for await (const line of lines) {
        lineNumber++;
        if (line.includes('\u0000')) throw new FirebreakError('input_invalid', `stdin:${lineNumber}: binary data; score expects text, one message per line`);
        if (line.trim() === '') {
          // Blank lines stay aligned with a neutral result.
          batch.push(JSON.stringify({ label: 'neutral', score: 0, comparative: 0, language: options.lang === 'auto' ? 'unknown' : options.lang, terms: [] }));
        } else {
          const result = scoreMessage(line, { language: options.lang });
          batch.push(JSON.stringify({ label: result.label, score: result.score, comparative: result.comparative, language: result.language, terms: result.terms }));
        }
        if (batch.length >= 512) {
          await write(batch.join('\n') + '\n');
          batch = [];
        }
      }
      if (batch.length > 0) await write(batch.join('\n') + '\n');
      if (lineNumber === 0) process.stderr.write('firebreak score: no input; give one text per line on standard input\n');
    });
}

function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}
