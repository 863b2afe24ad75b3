// `npx tsx scripts/sample-postmortem.ts [--golden]`: renders the sample incident's post-mortem with the
// real renderer into docs/sample-postmortem.md; with --golden it also rewrites the golden files the
// tests compare against (read the diff by eye before committing them).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderPostMortemMarkdown } from '../src/domain/postmortems/index.js';
import { sampleExportInput } from '../test/fixtures/postmortems/sample-incident.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const write = (path: string, text: string) => {
  writeFileSync(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
};

write('docs/sample-postmortem.md', renderPostMortemMarkdown(sampleExportInput('en')));
if (process.argv.includes('--golden')) {
  write('test/fixtures/postmortems/sample.en.md', renderPostMortemMarkdown(sampleExportInput('en')));
  write('test/fixtures/postmortems/sample.es.md', renderPostMortemMarkdown(sampleExportInput('es')));
  write('test/fixtures/postmortems/sample.en.identities.md', renderPostMortemMarkdown(sampleExportInput('en', true)));
}
