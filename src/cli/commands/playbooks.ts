import type { Command } from 'commander';
import type { Playbook } from '../../domain/playbooks/index.js';

// The playbook modules (zod schema, YAML parser, templates) load only when a playbooks command runs,
// so they never slow down `firebreak start` or the other commands.
const loadModules = async () => {
  const [playbooks, { FirebreakError }] = await Promise.all([import('../../domain/playbooks/index.js'), import('../../errors.js')]);
  return { ...playbooks, FirebreakError };
};

/** The directory given on the command line, else PLAYBOOKS_DIR from the configuration (./playbooks by default). */
async function playbookDir(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const { loadConfig } = await import('../../config.js');
  return loadConfig().playbooksDir;
}

/** `firebreak playbooks validate|show|schema`: check playbook files the way the app will load them. */
export function registerPlaybooksCommand(program: Command): void {
  const playbooks = program.command('playbooks').description('Validate and inspect crisis playbooks');

  playbooks
    .command('validate')
    .description('Validate every playbook in a directory; exits non-zero if any problem is found')
    .argument('[dir]', 'playbook directory (default: PLAYBOOKS_DIR, ./playbooks)')
    .option('--json', 'print the result as JSON')
    .action(async (given: string | undefined, options: { json?: boolean }) => {
      const [{ loadPlaybooks, formatProblem }, dir] = await Promise.all([loadModules(), playbookDir(given)]);
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
    .option('-d, --dir <dir>', 'playbook directory (default: PLAYBOOKS_DIR, ./playbooks)')
    .option('--json', 'print JSON instead of YAML')
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      const [{ loadPlaybooks, formatProblem, didYouMean, FirebreakError }, dir, { stringify }] = await Promise.all([
        loadModules(),
        playbookDir(options.dir),
        import('yaml'),
      ]);
      const { playbooks: valid, problems } = await loadPlaybooks(dir);
      const playbook = valid.find((candidate) => candidate.id === id);
      if (!playbook) {
        const invalidHere = problems.filter((problem) => problem.line > 0).map(formatProblem);
        const hint = didYouMean(id, valid.map((candidate) => candidate.id));
        throw new FirebreakError(
          'not_found',
          [
            `no valid playbook with id \`${id}\` in ${dir}${hint ? ` (${hint})` : ''}`,
            valid.length ? `valid playbooks: ${valid.map((candidate) => candidate.id).join(', ')}` : '',
            invalidHere.length ? `files with problems (run \`firebreak playbooks validate ${dir}\`):\n  ${invalidHere.join('\n  ')}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }
      if (problems.length > 0) {
        process.stderr.write(`note: ${problems.length} problem(s) in ${dir}; run \`firebreak playbooks validate ${dir}\`\n`);
      }
      const resolved = resolvedView(playbook);
      process.stdout.write(options.json ? `${JSON.stringify(resolved, null, 2)}\n` : stringify(resolved, { lineWidth: 0 }));
    });

  playbooks
    .command('schema')
    .description('Print the JSON Schema of the playbook format (for editors)')
    .option('-w, --write <file>', 'write it to a file instead, e.g. playbooks/playbook.schema.json')
    .action(async (options: { write?: string }) => {
      const [{ playbookJsonSchema }, { writeFile }] = await Promise.all([loadModules(), import('node:fs/promises')]);
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
