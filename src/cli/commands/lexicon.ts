// `firebreak lexicon show|reset` (#16): inspect and undo per-workspace learnt sentiment corrections.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { ClassModel, ClassPart, LearntCorrections } from '../../domain/sentiment/corrections.js';
import type { FeedbackService } from '../../app/feedback.js';

/** The workspace a command is about: `--team`, or the only one recorded. */
async function workspaceOf(service: FeedbackService, team: string | undefined): Promise<{ id: string; teamId: string }> {
  const { FirebreakError } = await import('../../errors.js');
  const all = await service.workspaces();
  if (team !== undefined) {
    const found = all.find((workspace) => workspace.teamId === team);
    if (!found) throw new FirebreakError('not_found', `There is no workspace ${team}; known: ${all.map((workspace) => workspace.teamId).join(', ') || 'none'}.`);
    return found;
  }
  if (all.length === 1) return all[0] as { id: string; teamId: string };
  if (all.length === 0) throw new FirebreakError('not_found', 'No workspace has been recorded yet: Firebreak has learnt nothing.');
  throw new FirebreakError('input_invalid', `Several workspaces are recorded; choose one with --team (${all.map((workspace) => workspace.teamId).join(', ')}).`);
}

/** Loaded only by the lexicon commands (the learner pulls in the scorer). */
const shippedClasses = async (): Promise<ClassModel> => (await import('../../domain/sentiment/corrections.js')).SHIPPED_CLASSES;

const signed = (value: number): string => (value > 0 ? '+' : '') + value.toFixed(3);

function describe(teamId: string, learnt: LearntCorrections, frozen: readonly string[], shipped: ClassModel): string {
  const lines = [`Workspace ${teamId}: learnt from ${learnt.corrections} correction(s).`];
  if (learnt.corrections > 0 && learnt.regularisation !== null) {
    const chosen = learnt.crossValidation.length > 0 ? 'chosen by cross-validation on the corrections' : 'defaults for few corrections';
    lines.push(`Strengths (${chosen}): words ${learnt.regularisation}, class boundaries ${learnt.classPrior}.`);
    if (learnt.crossValidation.length > 0) {
      lines.push(`  held-out macro-F1 per candidate (words/boundaries): ${learnt.crossValidation.map((row) => `${row.words}/${row.classes} ${row.f1.toFixed(3)}`).join(', ')}`);
    }
    const moved = (['negative', 'neutral', 'positive'] as const).flatMap((label) =>
      (Object.keys(shipped[label]) as (keyof ClassPart)[]).filter((key) => learnt.classes[label][key] !== shipped[label][key]).map((key) => `${label}.${key} ${shipped[label][key]} → ${learnt.classes[label][key]}`),
    );
    lines.push(moved.length === 0 ? 'Class boundaries: as shipped.' : `Class boundaries (each label's intercept and weights on the lexicon's verdict, shipped → learnt): ${moved.join('; ')}`);
  }
  if (learnt.terms.length === 0) lines.push('No learnt words.');
  else {
    const table = [
      ['TERM', 'WEIGHT', 'NEUTRAL', 'NEGATIVE', 'NOT NEGATIVE', 'NEUTRAL', 'POSITIVE'],
      ...learnt.terms.map((term) => [term.term, signed(term.weight), signed(term.neutral), String(term.evidence.negative), String(term.evidence.notNegative), String(term.evidence.neutral), String(term.evidence.positive)]),
    ];
    const widths = (table[0] as string[]).map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
    lines.push('Learnt words (WEIGHT: added to the score per occurrence, + towards positive, − towards negative; NEUTRAL: towards neutral; then the evidence = corrections containing the word, by verdict):');
    for (const row of table) lines.push(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
  }
  if (frozen.length > 0) lines.push(`Reset words (never learnt again until a full reset): ${frozen.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `firebreak lexicon show|reset`: what a workspace's staff corrections taught the scorer, and undoing it. */
export function registerLexiconCommand(program: Command): void {
  const lexicon = program.command('lexicon').description("Inspect or undo what staff corrections taught a workspace's sentiment scoring");

  const open = async () => {
    const [{ openRecordedDatabase }, { createStore }, { FeedbackService }, { systemClock }] = await Promise.all([
      import('../database.js'),
      import('../../store/store.js'),
      import('../../app/feedback.js'),
      import('../../domain/clock.js'),
    ]);
    const { database } = await openRecordedDatabase();
    return { database, service: new FeedbackService({ store: createStore(database.prisma), clock: systemClock }) };
  };

  lexicon
    .command('show')
    .description('List the learnt words with the evidence for each')
    .option('--team <id>', 'Slack team id of the workspace (needed when several are recorded)')
    .option('--json', 'print JSON')
    .action(async (options: { team?: string; json?: boolean }) => {
      const { database, service } = await open();
      try {
        const workspace = await workspaceOf(service, options.team);
        const { learnt, frozen } = await service.lexicon(workspace.id);
        process.stdout.write(options.json ? `${JSON.stringify({ team: workspace.teamId, ...learnt, frozen }, null, 2)}\n` : describe(workspace.teamId, learnt, frozen, await shippedClasses()));
      } finally {
        await database.close();
      }
    });

  lexicon
    .command('reset')
    .description('Undo what was learnt: one word (never learnt again), or everything (every message correction is undone, audited)')
    .argument('[term]', 'the word to reset, as `lexicon show` lists it')
    .option('--team <id>', 'Slack team id of the workspace (needed when several are recorded)')
    .action(async (term: string | undefined, options: { team?: string }) => {
      const { database, service } = await open();
      try {
        const workspace = await workspaceOf(service, options.team);
        const word = term?.trim().toLowerCase();
        const result = await service.resetLexicon(workspace.id, `cli:${userInfo().username}`, word || undefined);
        process.stdout.write(word ? `Reset “${word}”: it is no longer learnt in ${workspace.teamId}.\n` : `Reset ${workspace.teamId}: ${result.undone} correction(s) undone; nothing is learnt any more.\n`);
        process.stdout.write(describe(workspace.teamId, result.learnt, result.frozen, await shippedClasses()));
      } finally {
        await database.close();
      }
    });
}
