import { describe, expect, it } from 'vitest';
import { normalizeText, tokenize } from '../../../src/domain/sentiment/normalize.js';

const known = (word: string): boolean => ['good', 'no', 'so', 'cool'].includes(word);
const words = (text: string): string[] => tokenize(normalizeText(text), known).words;

describe('normalizeText', () => {
  it('drops user, channel and special mentions and keeps link labels', () => {
    expect(normalizeText('<@U024BE7LH> see <#C123|general> <!here> and <https://status.example.com|the status page>').replace(/\s+/g, ' ').trim())
      .toBe('see and the status page');
  });

  it('drops bare links, code spans, code blocks and quoted lines', () => {
    const text = normalizeText('look <https://x.io/a>\n```\nthrow new Error("awful")\n```\n`rm -rf` done\n&gt; you are terrible\nok');
    expect(text).not.toMatch(/awful|terrible|rm -rf|x\.io/);
    expect(text).toMatch(/look/);
    expect(text).toMatch(/done/);
    expect(text).toMatch(/ok$/);
  });

  it('decodes HTML entities after resolving Slack tokens', () => {
    expect(normalizeText('Tom &amp; Jerry &lt;3 &quot;great&quot; &ntilde;')).toBe('Tom & Jerry <3 "great" ñ');
  });

  it('turns :shortcodes: into emoji, and unknown custom ones into their words', () => {
    expect(normalizeText('ugh :rage: :thumbsup::skin-tone-2:')).toContain('😡');
    expect(normalizeText(':this_is_fine:').trim()).toBe('this is fine');
  });

  it('decodes JSON escapes left in the text literally, pairs included', () => {
    expect(normalizeText('didn\\u2019t work \\ud83d\\ude21')).toBe('didn’t work 😡');
    expect(normalizeText('half \\ud83d pair')).toBe('half   pair');
  });

  it('composes Unicode to NFC', () => {
    expect(normalizeText('cafe\u0301')).toBe('café');
  });

  it('caps very long messages without splitting a surrogate pair', () => {
    const text = normalizeText(`${'a'.repeat(9)}😡rest`, 10);
    expect(text).toBe('a'.repeat(9));
    expect(normalizeText('x'.repeat(100_000)).length).toBe(4000);
  });
});

describe('tokenize', () => {
  it('lower-cases, folds accents but keeps ñ, and strips ¿ ¡', () => {
    expect(words('¿Qué PASÓ con el AÑO?')).toEqual(['que', 'paso', 'con', 'el', 'año', '|']);
  });

  it('counts Spanish-only marks and exclamation marks', () => {
    const tokens = tokenize(normalizeText('¡Qué día! Genial!!'), known);
    expect(tokens.spanishMarks).toBe(3); // ¡, é, í
    expect(tokens.exclamations).toBe(3);
  });

  it('squeezes repeated letters to a known word, else to two', () => {
    expect(words('goooood nooooo sooo wowwww')).toEqual(['good', 'no', 'so', 'woww']);
  });

  it('marks clause boundaries and drops other symbols, mentions, URLs and hashtag signs', () => {
    expect(words('@user hi, see https://t.co/x #fail (really)')).toEqual(['hi', '|', 'see', 'fail', '|', 'really', '|']);
  });

  it('recognises emoticons and laughter in both languages', () => {
    expect(words(':) :-( xD <3 >:( jajajaja jejeje hahaha lool')).toEqual([
      'emo-smile', 'emo-sad', 'emo-laugh', 'emo-heart', 'emo-angry', 'jaja', 'jaja', 'haha', 'haha',
    ]);
  });

  it('separates emoji from the words they touch', () => {
    expect(words('great😍thanks')).toEqual(['great', '😍', 'thanks']);
  });

  it('keeps apostrophes inside words', () => {
    expect(words("It doesn’t work, 'really'")).toEqual(['it', "doesn't", 'work', '|', 'really']);
  });
});
