import { describe, expect, it } from 'vitest';
import Sentiment from 'sentiment';
import { detectLanguage } from '../../../src/domain/language/detect.js';
import { normalizeText, tokenize } from '../../../src/domain/sentiment/normalize.js';
import { rawScore, scoreMessage, sentimentPackageScore } from '../../../src/domain/sentiment/score.js';

const score = (text: string, options = {}) => scoreMessage(text, options);

describe('scoreMessage in English', () => {
  it('labels plain negative, neutral and positive messages', () => {
    expect(score('this update is terrible, everything is broken').label).toBe('negative');
    expect(score('the release is planned for tuesday').label).toBe('neutral');
    expect(score('thanks, this is awesome').label).toBe('positive');
  });

  it('flips and damps negated words, within three words and the same clause', () => {
    expect(score('this is not good').score).toBeLessThan(0);
    expect(score('not bad at all').score).toBeGreaterThan(0);
    expect(score("I don't really like it").score).toBeLessThan(0);
    expect(score('no. good job').score).toBeGreaterThan(0); // the boundary stops the negation
  });

  it('strengthens after intensifiers and softens after diminishers', () => {
    expect(score('very bad').score).toBeLessThan(score('bad').score);
    expect(score('slightly annoying').score).toBeGreaterThan(score('annoying').score);
  });

  it('lets the clause after "but" outweigh the one before', () => {
    expect(score('the design is nice but the app is terrible').label).toBe('negative');
    expect(score('it was awful but support fixed it and I love it').label).toBe('positive');
  });

  it('scores emoji, emoticons and Slack shortcodes, and never negates them', () => {
    expect(score('😡😡').label).toBe('negative');
    expect(score(':rage:').score).toBeLessThan(0);
    expect(score('ok :(').score).toBeLessThan(0);
    expect(score('no :)').score).toBeGreaterThan(0);
  });

  it('reads "like" as a filler unless someone likes something', () => {
    expect(score('it looks like the app restarted, like twice').label).toBe('neutral');
    expect(score('i really like the new editor').label).toBe('positive');
  });

  it('knows support-chat expressions and slang', () => {
    expect(score('checkout is not working').terms).toContain('not-working');
    expect(score('still waiting for a refund, what a joke').label).toBe('negative');
    expect(score('wtf').label).toBe('negative');
    expect(score('no problem').label).not.toBe('negative');
  });

  it('amplifies with exclamation marks and reads elongated words', () => {
    expect(score('bad!!!').score).toBeLessThan(score('bad').score);
    expect(score('goooood').score).toBe(score('good').score);
  });

  it('reports the words that drove the score, strongest first', () => {
    const result = score('awful service, the worst, slightly annoying');
    expect(result.terms[0]).toBe('worst');
    expect(result.terms).toEqual(expect.arrayContaining(['awful', 'annoying']));
    expect(result.comparative).toBeCloseTo(result.score / 6, 2);
  });
});

describe('scoreMessage in Spanish', () => {
  it('labels negative and positive messages, with or without accents', () => {
    expect(score('pésimo servicio, nadie responde').label).toBe('negative');
    expect(score('pesimo servicio').label).toBe('negative');
    expect(score('muchas gracias, me encanta').label).toBe('positive');
    expect(score('mañana sale la versión nueva').label).toBe('neutral');
  });

  it('applies negation with no, nunca, ni and sin', () => {
    expect(score('no es bueno').score).toBeLessThan(0);
    expect(score('sin problemas').score).toBeGreaterThan(0);
    expect(score('nunca es feliz').score).toBeLessThan(0);
  });

  it('matches multi-word expressions and intensifiers', () => {
    expect(score('la app no funciona').terms).toContain('no-funciona');
    expect(score('muy malo').score).toBeLessThan(score('malo').score);
    expect(score('bien feo').score).toBeLessThan(score('feo').score); // "bien" strengthens, it is not praise here
  });

  it('lets "pero" shift the weight to the second clause', () => {
    expect(score('la interfaz es bonita pero es un desastre').label).toBe('negative');
  });

  it('does not carry machine-translation slips of AFINN-es onto everyday Spanish words', () => {
    expect(score('si quieres lo vemos mañana').score).toBe(0); // "si" is "if", not "yes"
    expect(score('solo tengo una pregunta').label).toBe('neutral'); // "solo" is "only", not "alone"
    expect(score('el gato negro duerme en el sol').label).toBe('neutral');
    expect(score('es carísimo, muy caro').score).toBeLessThan(0); // "caro" is expensive, not dear
    expect(score('tiene la cara pintada').label).toBe('neutral'); // and "cara" (face) is not its feminine
  });

  it('reads the conjugated forms of the verbs its Spanish list has as infinitives, and not everyday look-alikes', () => {
    expect(score('todos odian la actualización').label).toBe('negative'); // "odiar"
    expect(score('me roban el dinero cada mes').label).toBe('negative'); // "robar"
    expect(score('adoran la nueva función').label).toBe('positive'); // "adorar"
    expect(score('venga, vengo mañana a las diez').label).toBe('neutral'); // venir, not "vengar"
    expect(score('abierto todos los días salvo el lunes').label).toBe('neutral'); // "salvo" is "except"
  });

  it('understands laughter and slang', () => {
    expect(score('jajajaja genial').label).toBe('positive');
    expect(score('estoy harto, qué asco').label).toBe('negative');
  });
});

describe('language handling', () => {
  it('detects the language per message in auto mode', () => {
    expect(score('the app is broken').language).toBe('en');
    expect(score('la aplicación está rota').language).toBe('es');
  });

  it('scores as the forced language', () => {
    expect(score('pésimo', { language: 'en' }).label).toBe('neutral');
    expect(score('pésimo', { language: 'es' }).label).toBe('negative');
  });

  it('uses the channel hint for a message too short to tell', () => {
    const result = score('fatal', { channelLanguageHint: 'es' });
    expect(result.detectedLanguage).toBe('unknown');
    expect(result.language).toBe('es');
    expect(result.label).toBe('negative');
  });

  it('without a hint, picks the lexicon that recognises the message', () => {
    expect(score('horroroso').language).toBe('es');
    expect(score('horrible').label).toBe('negative');
  });

  it('gives empty and symbol-only messages a neutral result', () => {
    expect(score('')).toMatchObject({ label: 'neutral', score: 0, terms: [] });
    expect(score('<@U1> <#C2|x>')).toMatchObject({ label: 'neutral', score: 0 });
  });

  it('leaves the shared sentiment tables alone for other users of the package', () => {
    score('no funciona nada');
    expect(new Sentiment().analyze('no-funciona estafa').score).toBe(0);
  });
});

describe('the per-message scoring loop', () => {
  it('scores exactly as sentiment.analyze does with the registered language', () => {
    const texts = [
      'this update is terrible, everything is broken', 'not bad at all', "I don't really like it", 'no. good job',
      'the design is nice but the app is terrible', 'it was awful but support fixed it and I love it', 'very bad', 'slightly annoying',
      '😡😡 ok :( no :)', 'checkout is not working, what a joke', 'goooood', 'awful service, the worst, slightly annoying',
      'pésimo servicio, nadie responde', 'muchas gracias, me encanta', 'no es bueno', 'sin problemas', 'la app no funciona',
      'bien feo', 'la interfaz es bonita pero es un desastre', 'jajaja genial 😂', 'constructor toString __proto__ hasOwnProperty',
      // Several expressions in one message, one right after another, and words that start one without completing it.
      'no funciona nada, sin embargo me encanta de verdad', 'que asco no funciona que pena', "it doesn't work, kind of a waste of time but not bad",
      'no no no funciona', 'de miedo, de lujo y por fin', "couldn't care less, can't stand it",
    ];
    for (const text of texts) {
      for (const language of ['en', 'es'] as const) expect(rawScore(text, language)).toBe(sentimentPackageScore(text, language));
    }
  });

  it('detects the language as detectLanguage does on the same tokens', () => {
    const known = (): boolean => false;
    for (const text of ['the app is down again', 'la app no funciona', '¿qué pasó?', 'ok', 'no', 'gracias, thanks', 'muy bien but not great']) {
      const tokens = tokenize(normalizeText(text), known);
      expect(scoreMessage(text).detectedLanguage).toBe(detectLanguage(tokens.words, tokens.spanishMarks).language);
    }
  });
});
