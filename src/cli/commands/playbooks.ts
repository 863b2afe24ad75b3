import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { FirebreakError } from '../../errors.js';
import { didYouMean, formatProblem, loadPlaybooks, playbookJsonSchema } from '../../domain/playbooks/index.js';
import type { Playbook } from '../../domain/playbooks/index.js';

const DEFAULT_DIR = 'playbooks';

/** `firebreak playbooks validate|show|schema`: check playbook files the way the app will load them. */
export function registerPlaybooksCommand(program: Command): void {
  const playbooks = program.command('playbooks').description('Validate and inspect crisis playbooks');

  playbooks
    .command('validate')
    .description('Validate every playbook in a directory; exits non-zero if any problem is found')
    .argument('[dir]', 'playbook directory', DEFAULT_DIR)
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, options: { json?: boolean }) => {
      const { playbooks: valid, problems } = await loadPlaybooks(dir);
      if (options.json) {
        const summary = { valid: valid.map((playbook) => ({ id: playbook.id, file: playbook.source.file, contentHash: playbook.contentHash })), problems };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`);
        for (const playbook of valid) process.stdout.write(`ok  ${playbook.id}  ${playbook.source.file}\n`);
        const files = new Set(problems.map((problem) => problem.file));
        process.stdout.write(
          problems.length === 0
            ? `${valid.length} playbook(s) valid in ${dir}\n`
            : `${problems.length} problem(s) in ${files.size} file(s); ${valid.length} playbook(s) valid in ${dir}\n`,
        );
      }
      if (problems.length > 0) process.exitCode = 1;
    });

  playbooks
    .command('show')
    .description('Print a playbook as the app resolves it (defaults filled in, content hash)')
    .argument('<id>', 'playbook id')
    .option('-d, --dir <dir>', 'playbook directory', DEFAULT_DIR)
    .option('--json', 'print JSON instead of YAML')
    .action(async (id: string, options: { dir: string; json?: boolean }) => {
      const { playbooks: valid, problems } = await loadPlaybooks(options.dir);
      const playbook = valid.find((candidate) => candidate.id === id);
      if (!playbook) {
        const invalidHere = problems.filter((problem) => problem.line > 0).map(formatProblem);
        const hint = didYouMean(id, valid.map((candidate) => candidate.id));
        throw new FirebreakError(
          'not_found',
          [
            `no valid playbook with id \`${id}\` in ${options.dir}${hint ? ` (${hint})` : ''}`,
            valid.length ? `valid playbooks: ${valid.map((candidate) => candidate.id).join(', ')}` : '',
            invalidHere.length ? `files with problems (run \`firebreak playbooks validate ${options.dir}\`):\n  ${invalidHere.join('\n  ')}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }
      if (problems.length > 0) {
        process.stderr.write(`note: ${problems.length} problem(s) in ${options.dir}; run \`firebreak playbooks validate ${options.dir}\`\n`);
      }
      const resolved = resolvedView(playbook);
      process.stdout.write(options.json ? `${JSON.stringify(resolved, null, 2)}\n` : stringify(resolved, { lineWidth: 0 }));
    });

  playbooks
    .command('schema')
    .description('Print the JSON Schema of the playbook format (for editors)')
    .option('-w, --write <file>', 'write it to a file instead, e.g. playbooks/playbook.schema.json')
    .action(async (options: { write?: string }) => {
      const schema = playbookJsonSchema();
      if (options.write) await writeFile(options.write, schema);
      else process.stdout.write(schema);
    });
}

/** The playbook without the source map, with its provenance first. */
function resolvedView(playbook: Playbook): Record<string, unknown> {
  const { source, contentHash, ...content } = playbook;
  return { file: source.file, contentHash, ...content };
}
