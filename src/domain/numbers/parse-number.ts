/**
 * Numbers people type, read the same way whatever language they write in: `1,5` and `1.5` are both one
 * and a half, `1.234,5` and `1,234.5` both 1234.5. What could be read two ways (`1,234`: 1234 with a
 * thousands separator, or 1.234 with a decimal comma) is refused, never guessed, so a field never
 * silently holds a number ten or a thousand times off. Pure; the texts come from the catalog.
 */
import { t, type Locale } from '../../i18n/index.js';

export type NumberProblem = 'invalid' | 'ambiguous' | 'not_whole' | 'below_min' | 'above_max';

export type ParsedNumber =
  | { ok: true; value: number; /** The value as programs write it (dot, no grouping): what Slack sends. */ normalised: string }
  | { ok: false; problem: NumberProblem };

export interface NumberRules {
  /** Decimals allowed (Slack's number_input is_decimal_allowed); whole numbers only otherwise. */
  decimal?: boolean;
  min?: number;
  max?: number;
}

const GROUPED = (separator: string) => new RegExp(`^\\d{1,3}(\\${separator}\\d{3})+$`);

/** The digits and separators of `text` as a plain JS number string, or the reason it is not one. */
function plain(text: string): string | NumberProblem {
  // Unicode minus, and spaces (also no-break and thin ones) only as thousands separators between digit groups.
  let body = text.trim().replace(/\u2212/g, '-');
  const sign = body.startsWith('-') || body.startsWith('+') ? body[0]! : '';
  body = body.slice(sign.length);
  if (/^\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$/.test(body)) body = body.replace(/[ \u00a0\u202f]/g, '');
  if (!/^[\d.,]+$/.test(body) || !/\d/.test(body)) return 'invalid';
  const minus = sign === '-' ? '-' : '';
  const dots = body.split('.').length - 1;
  const commas = body.split(',').length - 1;
  if (dots === 0 && commas === 0) return minus + body;
  if (dots > 0 && commas > 0) {
    // Both: the last one written is the decimal separator, once; the other groups thousands.
    const decimal = body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    if ((decimal === '.' ? dots : commas) !== 1) return 'invalid';
    const [whole = '', fraction = ''] = body.split(decimal);
    if (!GROUPED(group).test(whole) || !/^\d+$/.test(fraction)) return 'invalid';
    return `${minus}${whole.split(group).join('')}.${fraction}`;
  }
  const separator = dots > 0 ? '.' : ',';
  const parts = body.split(separator);
  // Written more than once, it can only group thousands.
  if (parts.length > 2) return GROUPED(separator).test(body) ? minus + parts.join('') : 'invalid';
  const [whole = '', fraction = ''] = parts;
  if (!/^\d+$/.test(fraction) || (whole !== '' && !/^\d+$/.test(whole))) return 'invalid';
  // One to three digits, then exactly three: thousands in one language, decimals in the other.
  if (/^[1-9]\d{0,2}$/.test(whole) && fraction.length === 3) return 'ambiguous';
  return `${minus}${whole || '0'}.${fraction}`;
}

export function parseNumber(text: string, rules: NumberRules = {}): ParsedNumber {
  const read = plain(text);
  if (read === 'invalid' || read === 'ambiguous' || read === 'not_whole' || read === 'below_min' || read === 'above_max') return { ok: false, problem: read };
  const value = Number(read);
  if (!Number.isFinite(value)) return { ok: false, problem: 'invalid' };
  if (rules.decimal === false && !Number.isInteger(value)) return { ok: false, problem: 'not_whole' };
  if (rules.min !== undefined && value < rules.min) return { ok: false, problem: 'below_min' };
  if (rules.max !== undefined && value > rules.max) return { ok: false, problem: 'above_max' };
  return { ok: true, value, normalised: String(value) };
}

/** What is wrong and what to write instead, naming the field; numbers in examples as `locale` writes them. */
export function numberProblemText(locale: Locale, problem: NumberProblem, field: string, typed: string, rules: NumberRules = {}): string {
  const format = (value: number) => new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 6 }).format(value);
  const value = typed.trim();
  switch (problem) {
    case 'ambiguous': {
      const digits = value.replace(/[^\d]/g, '');
      return t(locale, 'number.ambiguous', { field, value, thousands: digits, decimals: `${value}0` });
    }
    case 'not_whole':
      return t(locale, 'number.not_whole', { field, value });
    case 'below_min':
      return t(locale, 'number.below_min', { field, value, min: format(rules.min ?? 0) });
    case 'above_max':
      return t(locale, 'number.above_max', { field, value, max: format(rules.max ?? 0) });
    case 'invalid':
      return t(locale, rules.decimal === false ? 'number.invalid_whole' : 'number.invalid', { field, value, example: format(rules.decimal === false ? 12 : 1.5) });
  }
}
