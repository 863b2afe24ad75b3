import { FirebreakError } from '../../errors.js';
import { parseTimestamp } from './counts-csv.js';
import type { ChatMessage } from './pipeline.js';

/** Where a record came from, for error messages. */
export interface SourceLine {
  file: string;
  line: number;
}

function where(source: SourceLine): string {
  return `${source.file}:${source.line}`;
}

function field(record: Record<string, unknown>, name: string, source: SourceLine): string {
  const value = record[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new FirebreakError('input_invalid', `${where(source)}: "${name}" is missing or not a string`);
}

/** Slack `ts` ("1700000000.000100"), epoch seconds/ms, or an ISO date → epoch ms. */
function messageTime(ts: string, source: SourceLine): number {
  const epoch = parseTimestamp(ts);
  if (epoch === undefined) throw new FirebreakError('input_invalid', `${where(source)}: "ts" ${JSON.stringify(ts.slice(0, 40))} is not a Slack ts, epoch or ISO time`);
  return epoch;
}

/** One line of a JSONL message file: `{ts, channel, user, text}`. */
export function parseJsonlMessage(line: string, source: SourceLine): ChatMessage {
  if (line.includes('\u0000')) throw new FirebreakError('input_invalid', `${where(source)}: binary data, expected one JSON object per line`);
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new FirebreakError('input_invalid', `${where(source)}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new FirebreakError('input_invalid', `${where(source)}: expected a JSON object {ts, channel, user, text}`);
  }
  const fields = record as Record<string, unknown>;
  const ts = field(fields, 'ts', source);
  const text = fields.text;
  if (typeof text !== 'string') throw new FirebreakError('input_invalid', `${where(source)}: "text" is missing or not a string`);
  return { id: ts, channel: field(fields, 'channel', source), authorId: field(fields, 'user', source), at: messageTime(ts, source), text };
}

/** Message subtypes that are people talking; joins, topic changes and the like are not. */
const SPOKEN_SUBTYPES = new Set(['thread_broadcast', 'me_message', 'file_share']);

/**
 * The messages of one day file of a Slack export (`<channel>/<YYYY-MM-DD>.json`, a JSON array).
 * System messages (joins, topics…) are left out; a malformed entry is refused with its index.
 */
export function parseSlackExportDay(content: string, channel: string, file: string): ChatMessage[] {
  if (content.includes('\u0000')) throw new FirebreakError('input_invalid', `${file}: binary data, expected a JSON array of messages`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw new FirebreakError('input_invalid', `${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new FirebreakError('input_invalid', `${file}: expected a JSON array of messages`);
  const messages: ChatMessage[] = [];
  parsed.forEach((entry: unknown, index) => {
    const source = { file: `${file} message #${index + 1}`, line: lineOfEntry(content, index) };
    if (typeof entry !== 'object' || entry === null) throw new FirebreakError('input_invalid', `${where(source)}: expected a message object`);
    const record = entry as Record<string, unknown>;
    if (record.type !== undefined && record.type !== 'message') return;
    if (typeof record.subtype === 'string' && !SPOKEN_SUBTYPES.has(record.subtype)) return;
    const ts = field(record, 'ts', source);
    const user = typeof record.user === 'string' ? record.user : typeof record.bot_id === 'string' ? record.bot_id : 'unknown';
    messages.push({ id: ts, channel, authorId: user, at: messageTime(ts, source), text: typeof record.text === 'string' ? record.text : '' });
  });
  return messages.sort((a, b) => a.at - b.at);
}

/** Approximate line of the index-th top-level array entry (exports are pretty-printed, one key per line). */
function lineOfEntry(content: string, index: number): number {
  let depth = 0;
  let entry = -1;
  let line = 1;
  let inString = false;
  for (let i = 0; i < content.length; i++) {
    const char = content[i];
    if (char === '\n') line++;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 1 && ++entry === index) return line;
      depth++;
    } else if (char === '}' || char === ']') depth--;
  }
  return line;
}

/** `channels.json` of a Slack export: the channel folder names. */
export function parseSlackChannels(content: string, file: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw new FirebreakError('input_invalid', `${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new FirebreakError('input_invalid', `${file}: expected a JSON array of channels`);
  return parsed.map((entry: unknown, index) => {
    const name = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).name : undefined;
    if (typeof name !== 'string' || name === '' || name.includes('/') || name.includes('..')) {
      throw new FirebreakError('input_invalid', `${file}: channel #${index + 1} has no usable "name"`);
    }
    return name;
  });
}
