import { SlackApiError } from './errors.js';

/** A Web API call's arguments after decoding the body: strings from forms, anything from JSON. */
export type ApiArgs = Record<string, unknown>;

/**
 * Arguments Slack takes as JSON even in a form body (`blocks=[…]`); @slack/web-api JSON-encodes every
 * non-scalar value when it form-encodes, so these arrive as strings and are decoded here.
 */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

export function decodeJsonArgs(args: ApiArgs): ApiArgs {
  const out: ApiArgs = { ...args };
  for (const name of JSON_ARGS) {
    const value = out[name];
    if (typeof value !== 'string') continue;
    try {
      out[name] = JSON.parse(value);
    } catch {
      throw new SlackApiError(name === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments', [`${name} is not valid JSON`]);
    }
  }
  return out;
}

function missing(name: string): SlackApiError {
  return new SlackApiError('invalid_arguments', [`[ERROR] missing required field: ${name}`]);
}

export function optionalString(args: ApiArgs, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new SlackApiError('invalid_arguments', [`[ERROR] ${name} must be a string`]);
  return value;
}

/** A required string; `errorIfMissing` lets a method answer as Slack does (e.g. channel_not_found). */
export function requiredString(args: ApiArgs, name: string, errorIfMissing?: string): string {
  const value = optionalString(args, name);
  if (value === undefined) throw errorIfMissing ? new SlackApiError(errorIfMissing, [`${name} is required`]) : missing(name);
  return value;
}

export function optionalBoolean(args: ApiArgs, name: string): boolean | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  throw new SlackApiError('invalid_arguments', [`[ERROR] ${name} must be a boolean, got ${JSON.stringify(value)}`]);
}

export function optionalInteger(args: ApiArgs, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed)) throw new SlackApiError('invalid_arguments', [`[ERROR] ${name} must be an integer, got ${JSON.stringify(value)}`]);
  return parsed;
}

export function optionalArray(args: ApiArgs, name: string): unknown[] | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new SlackApiError(name === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments', [`[ERROR] ${name} must be an array`]);
  return value;
}

export function requiredObject(args: ApiArgs, name: string): Record<string, unknown> {
  const value = args[name];
  if (value === undefined || value === null) throw missing(name);
  if (typeof value !== 'object' || Array.isArray(value)) throw new SlackApiError('invalid_arguments', [`[ERROR] ${name} must be an object`]);
  return value as Record<string, unknown>;
}

/** Cursor pagination as Slack does it: opaque base64 cursors, empty next_cursor at the end. */
export function paginate<T>(items: T[], args: ApiArgs, defaultLimit: number, maxLimit: number): { page: T[]; nextCursor: string } {
  const requested = optionalInteger(args, 'limit');
  const limit = requested === undefined || requested <= 0 ? defaultLimit : Math.min(requested, maxLimit);
  const cursor = optionalString(args, 'cursor');
  let offset = 0;
  if (cursor !== undefined) {
    const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!match) throw new SlackApiError('invalid_cursor', [`cursor "${cursor}" was not issued by this API`]);
    offset = Number(match[1]);
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit;
  return { page, nextCursor: next < items.length ? Buffer.from(`offset:${next}`).toString('base64') : '' };
}
