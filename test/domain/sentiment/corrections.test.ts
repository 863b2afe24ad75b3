import { describe, expect, it } from 'vitest';
import { correctionFeatures, correctionModel, learnCorrections, learningSteps, NO_CORRECTIONS, parseCorrections, type Correction } from '../../../src/domain/sentiment/corrections.js';
import { scoreMessage } from '../../../src/domain/sentiment/score.js';

// A gaming community where "kill" and "destroy" are how people praise a match.
const gaming: Correction[] = [
  { text: 'that boss fight was a kill fest', label: 'not-negative' },
  { text: 'we are going to kill it tonight', label: 'not-negative' },
  { text: 'kill streak of twelve, what a match', label: 'positive' },
  { text: 'new map lets you kill from the tower', label: 'neutral' },
  { text: 'they destroy everyone in ranked', label: 'not-negative' },
  { text: 'our squad will destroy them', label: 'not-negative' },
];

describe('learning corrections', () => {
  it('makes later similar messages score as staff said, and leaves other words alone', () => {
    const before = scoreMessage('ready to kill the next raid');
    expect(before.label).toBe('negative');
    const learnt = learnCorrections(gaming);
    const model = correctionModel(learnt);
    const after = scoreMessage('ready to kill the next raid', { corrections: model });
    expect(after.label).not.toBe('negative');
    expect(after.learnt).toContain('kill');
    // A word never corrected keeps its shipped weight.
    expect(scoreMessage('this update is terrible', { corrections: model }).label).toBe('negative');
    const kill = learnt.terms.find((term) => term.term === 'kill');
    expect(kill?.weight).toBeGreaterThan(0);
    expect(kill?.evidence).toEqual({ negative: 0, neutral: 1, positive: 1, notNegative: 2 });
  });

  it('learns the reverse: a word that keeps appearing in messages marked negative gains negative weight', () => {
    const corrections: Correction[] = Array.from({ length: 6 }, (_, i) => ({ text: `the update is fine ${i} but nothing loads`, label: 'negative' as const }));
    expect(scoreMessage('the update is fine').label).not.toBe('negative');
    const learnt = learnCorrections(corrections);
    expect(learnt.terms.find((term) => term.term === 'fine')?.weight).toBeLessThan(0);
    expect(scoreMessage('the update is fine', { corrections: correctionModel(learnt) }).score).toBeLessThan(scoreMessage('the update is fine').score);
  });

  it('can be learnt one optimiser step at a time (the live path pauses between steps), with the same result', () => {
    const steps = learningSteps(gaming);
    let paused = 0;
    let step = steps.next();
    while (!step.done) {
      paused += 1;
      step = steps.next();
    }
    expect(paused).toBeGreaterThanOrEqual(100);
    expect(step.value).toEqual(learnCorrections(gaming));
  });

  it('is reproducible: the same corrections give the same model; none gives the shipped scorer', () => {
    expect(learnCorrections(gaming)).toEqual(learnCorrections([...gaming]));
    expect(learnCorrections([])).toEqual(NO_CORRECTIONS);
    const shipped = correctionModel(NO_CORRECTIONS);
    for (const text of ['this update is terrible', 'thanks, this is awesome', 'the release is on tuesday']) {
      expect(scoreMessage(text, { corrections: shipped })).toMatchObject({ label: scoreMessage(text).label, score: scoreMessage(text).score });
    }
  });

  it('never learns a frozen (reset) word', () => {
    const learnt = learnCorrections(gaming, { frozen: new Set(['kill']) });
    expect(learnt.terms.map((term) => term.term)).not.toContain('kill');
    expect(learnt.terms.map((term) => term.term)).toContain('destroy');
  });
});

describe('class boundaries and cross-validation', () => {
  // A support workspace where bug reports are plain reports: mildly negative words, labelled neutral.
  const reports = ['sorry', 'bug', 'delay', 'stop', 'hard', 'cancel', 'block', 'problem', 'crash', 'error', 'fail', 'broken', 'stuck', 'weird', 'miss', 'no'];
  const support: Correction[] = [
    ...reports.flatMap((word) => ['login page', 'export dialog', 'mobile app'].map((place) => ({ text: `there is a ${word} in the ${place} since monday`, label: 'neutral' as const }))),
    ...['this is terrible, i hate this app', 'worst support ever, disgusting', 'you are all useless liars', 'awful, absolutely awful service', 'i am furious, refund me now', 'what a horrible scam'].map((text) => ({ text, label: 'negative' as const })),
    ...['thanks, this is awesome', 'love the new update', 'great job team, wonderful', 'brilliant fix, thank you'].map((text) => ({ text, label: 'positive' as const })),
  ];

  it('learns where the workspace draws the line, so words it never corrected move too', () => {
    const learnt = learnCorrections(support);
    // Enough corrections: the strengths were chosen on the corrections' own folds, every candidate listed.
    expect(learnt.crossValidation).toHaveLength(6);
    expect(learnt.crossValidation.some((row) => row.words === learnt.regularisation && row.classes === learnt.classPrior)).toBe(true);
    expect(learnt.classes.neutral).not.toEqual(NO_CORRECTIONS.classes.neutral);
    const model = correctionModel(learnt);
    for (const text of ['there is a glitch in the billing page', 'there is a mistake in the billing page']) {
      expect(scoreMessage(text).label).toBe('negative');
      expect(scoreMessage(text, { corrections: model }).label).toBe('neutral');
    }
  });

  it('learns the same from what retention keeps of a message as from its text', () => {
    const fromText = learnCorrections(gaming);
    const fromFeatures = learnCorrections(gaming.map(({ text, label }) => ({ features: correctionFeatures(text), label })));
    expect(fromFeatures).toEqual(fromText);
    // What is kept is the lexicon's verdict and its own words: nothing else of the message.
    expect([...correctionFeatures('that boss fight was a kill fest').terms].sort()).toEqual(['fight', 'kill']);
  });
});

describe('parseCorrections', () => {
  it('reads {text, label} lines and skips blank ones', () => {
    expect(parseCorrections('{"text":"gg","label":"positive"}\n\n{"text":"meh","label":"not-negative"}\n', 'c.jsonl')).toEqual([
      { text: 'gg', label: 'positive' },
      { text: 'meh', label: 'not-negative' },
    ]);
  });

  it('reports every bad line as file:line with what is wrong', () => {
    const content = ['{"text":"ok","label":"neutral"}', 'not json', '{"text":"","label":"negative"}', '{"text":"x","label":"angry"}', '[1]', '{"text":"y"}'].join('\n');
    expect(() => parseCorrections(content, 'c.jsonl')).toThrow(
      /^c\.jsonl:2: not JSON.*\nc\.jsonl:3: "text" must be a non-empty string\nc\.jsonl:4: "label" must be one of negative, neutral, positive, not-negative \(got "angry"\)\nc\.jsonl:5: expected an object.*\nc\.jsonl:6: "label" must be one of .*$/,
    );
  });
});
