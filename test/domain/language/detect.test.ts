import { describe, expect, it } from 'vitest';
import { detectLanguage, emptyLanguageMix, languageHint, updateLanguageMix } from '../../../src/domain/language/detect.js';
import { normalizeText, tokenize } from '../../../src/domain/sentiment/normalize.js';

const detect = (text: string) => {
  const tokens = tokenize(normalizeText(text), () => false);
  return detectLanguage(tokens.words, tokens.spanishMarks).language;
};

describe('detectLanguage', () => {
  it.each([
    ['the app is down again', 'en'],
    ["I can't log in", 'en'],
    ['why is this so slow', 'en'],
    ['la app no carga', 'es'],
    ['no funciona el pago', 'es'],
    ['¿alguien sabe qué pasó?', 'es'],
    ['pésimo servicio', 'es'],
  ])('%s → %s', (text, language) => {
    expect(detect(text)).toBe(language);
  });

  it('says unknown when nothing tells', () => {
    expect(detect('ok')).toBe('unknown');
    expect(detect('👍')).toBe('unknown');
    expect(detect('')).toBe('unknown');
  });
});

describe('channel language mix', () => {
  it('hints the language a channel mostly speaks, once enough messages told it', () => {
    let mix = { ...emptyLanguageMix };
    expect(languageHint(mix)).toBeUndefined();
    for (let i = 0; i < 5; i++) mix = updateLanguageMix(mix, 'es');
    mix = updateLanguageMix(mix, 'en');
    expect(languageHint(mix)).toBe('es');
  });

  it('gives no hint for an evenly mixed channel, and ignores unknown messages', () => {
    let mix = { ...emptyLanguageMix };
    for (let i = 0; i < 6; i++) mix = updateLanguageMix(mix, i % 2 ? 'es' : 'en');
    expect(languageHint(mix)).toBeUndefined();
    expect(updateLanguageMix(mix, 'unknown')).toBe(mix);
  });
});
