import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../domain/clock.js';
import { checkSlackLimits } from '../../slack/blocks/limits.js';
import type { ApiArgs } from './args.js';
import { decodeJsonArgs } from './args.js';
import { SlackApiError } from './errors.js';
import { FaultInjector } from './faults.js';
import type { BlocksValidator, MethodHandler } from './methods.js';
import { createMethods } from './methods.js';
import type { SlackWorkspace } from './workspace.js';

/** One call the loopback Slack received, for assertions. Tokens are never recorded. */
export interface RecordedCall {
  method: string;
  args: ApiArgs;
  /** Epoch ms by the workspace clock. */
  at: number;
  /** HTTP status answered: 200, or 429/5xx for injected faults. */
  status: number;
  /** The JSON answered, or the text body for HTTP errors. */
  response: unknown;
  /** The user the token acts for, when the token was valid. */
  userId?: string;
}

export interface SlackApiOptions {
  /** Where the Web API is mounted; methods live at `${basePath}chat.postMessage`. Default /api/ */
  basePath?: string;
  /**
   * How blocks are checked before Slack would accept them (`invalid_blocks`). Defaults to Block Kit's
   * limits from src/slack/blocks/limits.ts; `false` accepts anything.
   */
  validateBlocks?: BlocksValidator | false;
  /** Largest request body accepted, in bytes (Slack refuses > ~ 1 MB for methods; uploads may be larger). */
  maxBodyBytes?: number;
  /** Scopes of the bot token, sent as Slack does in `x-oauth-scopes` on the bot's calls. */
  botScopes?: readonly string[];
}

export interface SlackApi {
  /** Serves the request if it is under basePath; resolves false (untouched) otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  readonly faults: FaultInjector;
  readonly basePath: string;
  /** Every call so far, oldest first; `method` narrows to one method. */
  calls(method?: string): RecordedCall[];
  clearCalls(): void;
  /** Resolves with the first call (already made or future) of `method` matching `predicate`. */
  waitForCall(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  readonly events: EventEmitter<{ call: [RecordedCall] }>;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The loopback Slack Web API as a request handler for any node http server. It decodes bodies the
 * ways Slack accepts them (form-encoded, JSON, multipart), checks the Bearer token, applies injected
 * faults, calls the workspace, and answers in Slack's envelope (`ok`, `error`, `response_metadata`).
 */
export function createSlackApi(workspace: SlackWorkspace, clock: Clock, options: SlackApiOptions = {}): SlackApi {
  const basePath = options.basePath ?? '/api/';
  if (!basePath.startsWith('/') || !basePath.endsWith('/')) throw new RangeError(`basePath must start and end with "/", got "${basePath}"`);
  const maxBodyBytes = options.maxBodyBytes ?? 50 * 1024 * 1024;
  const methods: Record<string, MethodHandler> = createMethods(options.validateBlocks === false ? undefined : (options.validateBlocks ?? blockKitLimits));
  const faults = new FaultInjector(clock);
  const events = new EventEmitter<{ call: [RecordedCall] }>();
  let log: RecordedCall[] = [];

  function record(call: RecordedCall): void {
    log.push(call);
    events.emit('call', call);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://loopback');
    if (!url.pathname.startsWith(basePath)) return false;
    const name = decodeURIComponent(url.pathname.slice(basePath.length));
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    try {
      const body = await readBody(req, maxBodyBytes);
      if (name.startsWith('_upload/')) return receiveUpload(name.slice('_upload/'.length), req, body, res);
      if (name.startsWith('_files/')) return serveFile(name.slice('_files/'.length).split('/')[0] ?? '', res);
      if (name.startsWith('_respond/')) return receiveResponse(name.slice('_respond/'.length), req, body, res);
      await callMethod(name, url, req, body, origin, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 200, { ok: false, error: error instanceof SlackApiError ? error.error : 'internal_error' });
    }
    return true;
  }

  async function callMethod(method: string, url: URL, req: IncomingMessage, body: Buffer, origin: string, res: ServerResponse): Promise<void> {
    const at = clock.now();
    let args: ApiArgs = {};
    let userId: string | undefined;
    const answer = (status: number, response: Record<string, unknown> | string, headers: Record<string, string> = {}) => {
      const recordedArgs = { ...args };
      delete recordedArgs['token'];
      record({ method, args: recordedArgs, at, status, response, ...(userId ? { userId } : {}) });
      if (typeof response === 'string') {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(response);
      } else {
        sendJson(res, status, response, headers);
      }
    };
    try {
      const decoded = await decodeArgs(req, url, body);
      args = decoded.args;
      const readLimit = faults.takeReadLimit(method);
      if (readLimit && 'retryAfterSeconds' in readLimit) {
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(readLimit.retryAfterSeconds) });
      }
      if (readLimit) args = { ...args, limit: String(Math.min(Number(args['limit'] ?? readLimit.pageSize) || readLimit.pageSize, readLimit.pageSize)) };
      const fault = faults.take(method, args);
      if (fault?.kind === 'rate_limited') {
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
      }
      if (fault?.kind === 'http_error') return answer(fault.status, `upstream failure (injected ${fault.status})`);
      if (fault?.kind === 'api_error') return answer(200, { ok: false, error: fault.error });
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));

      const token = bearerToken(req) ?? decoded.bodyToken;
      if (token === undefined) return answer(200, { ok: false, error: 'not_authed' });
      const actor = workspace.grantFor(token);
      if (!actor) return answer(200, { ok: false, error: 'invalid_auth' });
      userId = actor.user_id;

      const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
      if (!handler) return answer(200, { ok: false, error: 'unknown_method' });
      const result = handler({ workspace, args: decodeJsonArgs(args), actor, origin, basePath });
      if (fault?.kind === 'answer_lost') return answer(fault.status, `upstream failure (injected ${fault.status} after the call took effect)`);
      const scopes = options.botScopes && actor.bot_id === workspace.bot.bot_id ? { 'x-oauth-scopes': options.botScopes.join(',') } : undefined;
      return answer(200, { ok: true, ...result }, scopes);
    } catch (error) {
      if (error instanceof SlackApiError) {
        return answer(200, { ok: false, error: error.error, ...(error.messages.length > 0 ? { response_metadata: { messages: error.messages } } : {}) });
      }
      const message = error instanceof Error ? error.message : String(error);
      return answer(500, `loopback Slack failed on ${method}: ${message}`);
    }
  }

  async function receiveUpload(fileId: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<boolean> {
    const at = clock.now();
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    const bytes = await uploadedBytes(req, body);
    try {
      workspace.receiveUpload(fileId, bytes);
    } catch (error) {
      const message = error instanceof SlackApiError ? error.message : 'upload failed';
      record({ method: 'files.upload_url', args: { file_id: fileId, bytes: bytes.length }, at, status: 404, response: message });
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
      return true;
    }
    const response = `OK - ${bytes.length}`;
    record({ method: 'files.upload_url', args: { file_id: fileId, bytes: bytes.length }, at, status: 200, response });
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(response);
    return true;
  }

  /** A POST to a response_url (what Bolt's respond() sends): JSON, or a form with `payload`. */
  function receiveResponse(responseUrlId: string, req: IncomingMessage, body: Buffer, res: ServerResponse): boolean {
    const at = clock.now();
    const reply = (status: number, response: Record<string, unknown>, args: ApiArgs) => {
      record({ method: 'response_url', args: { response_url: responseUrlId, ...args }, at, status, response });
      sendJson(res, status, response);
      return true;
    };
    if (req.method !== 'POST') return reply(405, { ok: false, error: 'method_not_allowed' }, {});
    let payload: Record<string, unknown>;
    try {
      const text = body.toString('utf8');
      const contentType = (req.headers['content-type'] ?? '').toLowerCase();
      const json = contentType.startsWith('application/x-www-form-urlencoded') ? (new URLSearchParams(text).get('payload') ?? '') : text;
      const parsed: unknown = JSON.parse(json);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      payload = parsed as Record<string, unknown>;
    } catch {
      return reply(400, { ok: false, error: 'invalid_payload' }, {});
    }
    try {
      workspace.respond(responseUrlId, payload);
      return reply(200, { ok: true }, payload);
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      // Slack answers a spent or unknown response_url with 404, a bad message with 400.
      const status = ['invalid_url', 'expired_url', 'used_url'].includes(error.error) ? 404 : 400;
      return reply(status, { ok: false, error: error.error }, payload);
    }
  }

  function serveFile(fileId: string, res: ServerResponse): boolean {
    const file = workspace.getFile(fileId);
    const bytes = workspace.fileBytes(fileId);
    if (!file || !bytes) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no file ${fileId}`);
      return true;
    }
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(bytes.length) }).end(bytes);
    return true;
  }

  return {
    handle,
    faults,
    basePath,
    events,
    calls: (method) => (method === undefined ? [...log] : log.filter((c) => c.method === method)),
    clearCalls: () => {
      log = [];
    },
    waitForCall: (method, predicate = () => true, timeoutMs = 5000) =>
      new Promise<RecordedCall>((resolve, reject) => {
        const existing = log.find((c) => c.method === method && predicate(c));
        if (existing) return resolve(existing);
        const onCall = (call: RecordedCall) => {
          if (call.method !== method || !predicate(call)) return;
          clearTimeout(timer);
          events.off('call', onCall);
          resolve(call);
        };
        const timer = setTimeout(() => {
          events.off('call', onCall);
          reject(new Error(`no matching ${method} call within ${timeoutMs} ms (${log.length} calls recorded: ${log.map((c) => c.method).join(', ') || 'none'})`));
        }, timeoutMs);
        events.on('call', onCall);
      }),
  };
}

/**
 * Slack's checks on blocks and views. For messages only the blocks are judged here: empty or
 * over-long text gets Slack's own codes (no_text, msg_too_long) from the workspace.
 */
const blockKitLimits: BlocksValidator = (surface, payload) => {
  if (surface === 'message' && payload['blocks'] === undefined) return [];
  return checkSlackLimits(surface, payload)
    .filter((v) => surface !== 'message' || v.path.startsWith('blocks'))
    .map((v) => `${v.path} ${v.message}`);
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(text)), ...headers }).end(text);
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new SlackApiError('request_too_large', [`body exceeds ${limit} bytes`]);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Arguments from the query string and the body. A token in a JSON body is ignored, as Slack does. */
async function decodeArgs(req: IncomingMessage, url: URL, body: Buffer): Promise<{ args: ApiArgs; bodyToken?: string }> {
  const args: ApiArgs = Object.fromEntries(url.searchParams);
  const queryToken = url.searchParams.get('token') ?? undefined;
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return { args, ...(queryToken ? { bodyToken: queryToken } : {}) };
  if (contentType.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new SlackApiError('invalid_json', ['the body is not valid JSON']);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SlackApiError('invalid_json', ['the JSON body must be an object']);
    const { token: _ignored, ...rest } = parsed as Record<string, unknown>;
    return { args: { ...args, ...rest }, ...(queryToken ? { bodyToken: queryToken } : {}) };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const token = form['token'] ?? queryToken;
    return { args: { ...args, ...form }, ...(token ? { bodyToken: token } : {}) };
  }
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Request('http://loopback/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
    for (const [key, value] of form) if (typeof value === 'string') args[key] = value;
    const token = typeof args['token'] === 'string' ? args['token'] : queryToken;
    return { args, ...(token ? { bodyToken: token } : {}) };
  }
  throw new SlackApiError('invalid_form_data', [`unsupported content-type "${contentType}"`]);
}

/** An upload URL takes raw bytes, or multipart with one file part (what @slack/web-api sends). */
async function uploadedBytes(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.startsWith('multipart/form-data')) return body;
  const form = await new Request('http://loopback/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  for (const [, value] of form) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  throw new SlackApiError('invalid_form_data', ['the multipart upload has no file part']);
}
