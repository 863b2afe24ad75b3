import { Option, type Command } from 'commander';
import type { Language } from '../../domain/sentiment/types.js';

/** `firebreak score [--lang auto|en|es]`: one text per stdin line → one JSON result per stdout line. */
export function registerScoreCommand(program: Command): void {
  program
    .command('score')
    .description('Score the sentiment of each line of standard input; prints one JSON object per line')
    .addOption(new Option('--lang <language>', 'language of the texts, or detect it per line').choices(['auto', 'en', 'es']).default('auto'))
    .option('--corrections <file>', 'JSON Lines of {"text", "label"} corrections to learn and apply, as a workspace would')
    // The scorer and its lexicons load only when it runs: `firebreak --help` does not pay for them.
    .action(async (options: { lang: 'auto' | Language; corrections?: string }) => (await import('./score-run.js')).runScore(options));
}
