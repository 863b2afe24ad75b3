import { FirebreakError } from '../../errors.js';
import type { CountPoint } from './series.js';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a timestamp as written in count series and exports: `YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|±HH:MM]`
 * (UTC when no offset is given), or epoch seconds / milliseconds. Returns undefined when it is neither.
 */
export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const number = Number(trimmed);
    return number < 1e11 ? Math.round(number * 1000) : Math.round(number); // seconds before year 5138
  }
  const match = DATE_TIME.exec(trimmed);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const epoch = Date.parse(iso);
  if (Number.isNaN(epoch)) return undefined;
  // Date.parse rolls 2015-02-30 over into March; refuse dates that do not exist.
  const check = new Date(epoch - (zone === 'Z' ? 0 : offsetMs(zone)));
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() + 1 !== Number(month)) return undefined;
  return epoch;
}

function offsetMs(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  return -sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/**
 * Parses a `timestamp,value` CSV (header optional) into ascending count points. Any row with a bad
 * timestamp, a value that is not a non-negative number, or out of order is refused with its line.
 */
export function parseCountsCsv(text: string, fileName: string): CountPoint[] {
  if (text.includes('\u0000')) throw new FirebreakError('input_invalid', `${fileName}: looks like a binary file, expected a CSV of timestamp,value`);
  const lines = text.split(/\r?\n/);
  const points: CountPoint[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    const lineNumber = index + 1;
    if (line === '') continue;
    const cells = line.split(',');
    if (points.length === 0 && index === firstNonBlank(lines) && /^[a-z_ "]+$/i.test(cells[0] ?? '')) continue; // header
    if (cells.length < 2) throw new FirebreakError('input_invalid', `${fileName}:${lineNumber}: expected "timestamp,value", got "${clip(line)}"`);
    const timestamp = parseTimestamp(unquote(cells[0] as string));
    if (timestamp === undefined) throw new FirebreakError('input_invalid', `${fileName}:${lineNumber}: bad timestamp "${clip(cells[0] as string)}" (use YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch seconds)`);
    const value = Number(unquote(cells[1] as string));
    if (!Number.isFinite(value) || value < 0 || unquote(cells[1] as string) === '') {
      throw new FirebreakError('input_invalid', `${fileName}:${lineNumber}: value "${clip(cells[1] as string)}" is not a non-negative number`);
    }
    if (timestamp <= previous) throw new FirebreakError('input_invalid', `${fileName}:${lineNumber}: timestamp ${clip(cells[0] as string)} is not after the previous row's`);
    previous = timestamp;
    points.push({ timestamp, value });
  }
  if (points.length === 0) throw new FirebreakError('input_invalid', `${fileName}: no rows of timestamp,value`);
  return points;
}

function firstNonBlank(lines: readonly string[]): number {
  return lines.findIndex((line) => line.trim() !== '');
}

function unquote(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
