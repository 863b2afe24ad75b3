// The hand review of the base lists (src/domain/sentiment/lexicons/*-review.json): every correction
// names a real entry, says why, and is what scoring uses, so a typo cannot leave a wrong score in place.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { englishAdditions, spanishAdditions, spanishTranslationFixes } from '../../../src/domain/sentiment/lexicons/additions.js';
import { foldAccents, lexicons } from '../../../src/domain/sentiment/lexicon.js';
import { scoreMessage } from '../../../src/domain/sentiment/score.js';

const require = createRequire(import.meta.url);
const lexiconsDir = new URL('../../../src/domain/sentiment/lexicons/', import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, lexiconsDir), 'utf8')) as Record<string, { score: number | null; category: string; reason: string }>;
const keyOf = (entry: string) => foldAccents(entry.toLowerCase().normalize('NFC')).split(/\s+/).join('-');

const reviews = [
  { language: 'es' as const, review: read('afinn-es-review.json'), base: read('afinn-es.json') as unknown as Record<string, number>, decidedElsewhere: { ...spanishAdditions, ...spanishTranslationFixes } },
  { language: 'en' as const, review: read('afinn-165-review.json'), base: require('sentiment/languages/en/labels.json') as Record<string, number>, decidedElsewhere: englishAdditions },
];

describe.each(reviews)('the $language review of its base list', ({ language, review, base, decidedElsewhere }) => {
  it('corrects only entries of the base list, each with a category and a reason', () => {
    const baseKeys = new Set(Object.keys(base).map(keyOf));
    for (const [entry, correction] of Object.entries(review)) {
      expect(baseKeys.has(keyOf(entry)), entry).toBe(true);
      expect(['slip', 'neutral', 'sign', 'magnitude'], entry).toContain(correction.category);
      expect(correction.reason.trim().length, entry).toBeGreaterThan(0);
      expect(correction.score === null || (Number.isInteger(correction.score) && Math.abs(correction.score) <= 5), entry).toBe(true);
    }
  });

  it('is what scoring uses, except where a hand-written addition or fix decided the word', () => {
    const { labels } = lexicons()[language];
    const decided = new Set(Object.keys(decidedElsewhere).map(keyOf));
    for (const [entry, correction] of Object.entries(review)) {
      if (decided.has(keyOf(entry))) continue;
      expect(labels[keyOf(entry)], entry).toBe(correction.score ?? undefined);
    }
  });
});

describe('what the review changes for a message', () => {
  it('reads a Spanish support request and weather talk as neutral, complaints still as negative', () => {
    expect(scoreMessage('Necesito ayuda con mi cuenta', { language: 'es' }).label).toBe('neutral');
    expect(scoreMessage('Qué calor hace hoy', { language: 'es' }).label).toBe('neutral');
    expect(scoreMessage('El servicio es una vergüenza, nadie responde', { language: 'es' }).label).toBe('negative');
  });

  it('reads English topic words as neutral, complaints still as negative', () => {
    expect(scoreMessage('Can you share the link to the support page?', { language: 'en' }).label).toBe('neutral');
    expect(scoreMessage('I hate this update, it is broken again', { language: 'en' }).label).toBe('negative');
  });
});
