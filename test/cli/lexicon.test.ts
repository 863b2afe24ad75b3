// `firebreak lexicon show|reset` as a person runs them: the real command over a database where staff gave feedback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackService } from '../../src/app/feedback.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createStore } from '../../src/store/store.js';
import { scoreMessage } from '../../src/domain/sentiment/score.js';
import { correctionModel } from '../../src/domain/sentiment/corrections.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';
import { runCli, testEnvironment } from '../support/cli.js';

let db: MigratedDatabase;
let workspaceId: string;
const firebreak = (...args: string[]) => runCli(args, { env: testEnvironment({ DATABASE_URL: db.url }) });
const gaming = ['that boss fight was a kill fest', 'we are going to kill it tonight', 'kill streak of twelve, what a match', 'gonna kill the raid later'];

beforeAll(async () => {
  db = await openMigratedDatabase('sqlite');
  workspaceId = (await db.prisma.workspace.create({ data: { teamId: 'T0GAMING' } })).id;
  const service = new FeedbackService({ store: createStore(db.prisma), clock: new ManualClock(Date.UTC(2026, 11, 1)) });
  for (const text of gaming) {
    const outcome = await service.give({ workspaceId, userId: 'UANN', channelId: 'C0GAME', text, via: 'shortcut', verdict: { target: 'message', value: 'not_negative' } });
    expect(outcome.ok).toBe(true);
  }
  await service.give({ workspaceId, userId: 'UANN', channelId: 'C0GAME', text: 'the update is fine but nothing loads', via: 'shortcut', verdict: { target: 'message', value: 'negative' } });
}, 60_000);

afterAll(async () => {
  await db?.dispose();
});

const learntModel = async () => {
  const row = await db.prisma.learntLexicon.findUniqueOrThrow({ where: { workspaceId } });
  return correctionModel({ classes: row.classes as never, terms: row.terms as never });
};

describe('firebreak lexicon', () => {
  it('show lists each learnt word with its weight and evidence', async () => {
    const { code, stdout, stderr } = await firebreak('lexicon', 'show');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Workspace T0GAMING: learnt from 5 correction(s)');
    expect(stdout).toMatch(/^kill\s+\+\d\.\d{3}\s+[+-]?\d\.\d{3}\s+0\s+4\s+0\s+0$/m);
    const json = JSON.parse((await firebreak('lexicon', 'show', '--json')).stdout) as { team: string; corrections: number; terms: { term: string; evidence: { notNegative: number } }[] };
    expect(json).toMatchObject({ team: 'T0GAMING', corrections: 5 });
    expect(json.terms.find((term) => term.term === 'kill')?.evidence.notNegative).toBe(4);
  });

  it('reset <term> undoes one word and keeps it from being learnt again', async () => {
    expect(scoreMessage('ready to kill the next raid', { corrections: await learntModel() }).label).not.toBe('negative');
    const { code, stdout } = await firebreak('lexicon', 'reset', 'kill');
    expect(code).toBe(0);
    expect(stdout).toContain('Reset “kill”');
    expect(stdout).toContain('Reset words (never learnt again until a full reset): kill');
    expect(stdout).not.toMatch(/^kill\s/m);
    expect(scoreMessage('ready to kill the next raid', { corrections: await learntModel() }).label).toBe('negative');
    expect(await db.prisma.auditLog.count({ where: { action: 'lexicon_reset', text: 'kill' } })).toBe(1);
  });

  it('reset with no word undoes every correction (audited, not deleted) and learns nothing', async () => {
    const { code, stdout } = await firebreak('lexicon', 'reset');
    expect(code).toBe(0);
    expect(stdout).toContain('Reset T0GAMING: 5 correction(s) undone');
    expect(stdout).toContain('learnt from 0 correction(s)');
    expect(await db.prisma.feedback.count({ where: { undoneAt: null } })).toBe(0);
    expect(await db.prisma.feedback.count()).toBe(5);
    expect((await firebreak('lexicon', 'show')).stdout).toContain('No learnt words.');
  });

  it('asks for --team when several workspaces are recorded, and names an unknown one', async () => {
    await db.prisma.workspace.create({ data: { teamId: 'T0OTHER' } });
    const several = await firebreak('lexicon', 'show');
    expect(several.code).not.toBe(0);
    expect(several.stderr).toContain('Several workspaces are recorded; choose one with --team (T0GAMING, T0OTHER)');
    const unknown = await firebreak('lexicon', 'show', '--team', 'T0NOPE');
    expect(unknown.stderr).toContain('There is no workspace T0NOPE; known: T0GAMING, T0OTHER.');
    expect((await firebreak('lexicon', 'show', '--team', 'T0OTHER')).stdout).toContain('Workspace T0OTHER: learnt from 0 correction(s)');
  });
});
