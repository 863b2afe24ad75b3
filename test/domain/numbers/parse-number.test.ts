import { describe, expect, it } from 'vitest';
import { numberProblemText, parseNumber } from '../../../src/domain/numbers/parse-number.js';

const read = (text: string) => {
  const parsed = parseNumber(text);
  return parsed.ok ? parsed.value : parsed.problem;
};

describe('numbers people type', () => {
  it('reads a decimal comma and a decimal point alike', () => {
    expect([read('1,5'), read('1.5'), read(' 12,25 '), read('0,125'), read(',5'), read('-2,5'), read('−2.5')]).toEqual([1.5, 1.5, 12.25, 0.125, 0.5, -2.5, -2.5]);
  });

  it('reads thousands grouped either way when the decimal separator says which is which', () => {
    expect([read('1.234,5'), read('1,234.5'), read('1.234.567'), read('1,234,567'), read('1 234,5'), read('1\u00a0234')]).toEqual([1234.5, 1234.5, 1234567, 1234567, 1234.5, 1234]);
  });

  it('refuses what could be thousands or decimals instead of guessing', () => {
    expect([read('1,234'), read('1.234'), read('12.500'), read('999,000')]).toEqual(['ambiguous', 'ambiguous', 'ambiguous', 'ambiguous']);
    // Not a thousands group: a leading zero, or more than three digits before the separator.
    expect([read('0,250'), read('1234,567'), read('1,2340')]).toEqual([0.25, 1234.567, 1.234]);
  });

  it('refuses anything else', () => {
    expect(['', 'twelve', '1,2,3', '1.23.4', '1,5.3', '1e3', '12,5 %', '1..5', '.', '--1'].map(read)).toEqual(Array(10).fill('invalid'));
  });

  it('applies whole-number and range rules, and says what is wrong where in both languages', () => {
    expect(parseNumber('1,5', { decimal: false })).toEqual({ ok: false, problem: 'not_whole' });
    expect(parseNumber('150', { max: 100 })).toEqual({ ok: false, problem: 'above_max' });
    expect(parseNumber('2,5', { min: 0.1, max: 100 })).toEqual({ ok: true, value: 2.5, normalised: '2.5' });
    expect(numberProblemText('es', 'ambiguous', 'Velocidad', '1,234')).toBe(
      '«1,234» en «Velocidad» se puede leer de dos maneras, como miles o como decimales. Escribe los miles sin separador (1234) o los decimales con una cuarta cifra (1,2340).',
    );
    expect(numberProblemText('es', 'below_min', 'Velocidad', '0,05', { min: 0.1 })).toBe('0,05 en «Velocidad» es demasiado pequeño; el mínimo es 0,1.');
    expect(numberProblemText('en', 'invalid', 'Speed', 'fast')).toBe('“fast” in “Speed” is not a number. Write digits, with a decimal point or comma if needed (for example 1.5).');
  });
});
