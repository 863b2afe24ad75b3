import { describe, expect, it } from 'vitest';
import { correctionModel, learnCorrections, NO_CORRECTIONS, parseCorrections, type Correction } from '../../../src/domain/sentiment/corrections.js';
import { LABEL_THRESHOLDS, scoreMessage } from '../../../src/domain/sentiment/score.js';

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

  it('is reproducible: the same corrections give the same model; none gives the shipped scorer', () => {
    expect(learnCorrections(gaming)).toEqual(learnCorrections([...gaming]));
    expect(learnCorrections([])).toEqual(NO_CORRECTIONS);
    const shipped = correctionModel(NO_CORRECTIONS);
    for (const text of ['this update is terrible', 'thanks, this is awesome', 'the release is on tuesday']) {
      expect(scoreMessage(text, { corrections: shipped })).toMatchObject({ label: scoreMessage(text).label, score: scoreMessage(text).score });
    }
    expect(shipped.negativeAt).toBe(LABEL_THRESHOLDS.negative);
  });

  it('never learns a frozen (reset) word', () => {
    const learnt = learnCorrections(gaming, { frozen: new Set(['kill']) });
    expect(learnt.terms.map((term) => term.term)).not.toContain('kill');
    expect(learnt.terms.map((term) => term.term)).toContain('destroy');
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
