// Slack's Socket Mode side of the loopback workspace: apps.connections.open hands out single-use
// ws://127.0.0.1 URLs; the WebSocket server says hello, sends events, slash commands and interactions
// as envelopes, waits for each envelope_id to be acknowledged, redelivers unacknowledged events on
// the next connection, and can be told to disconnect, drop its sockets or go down for a while.
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppResponse, SendToAppOptions } from '../signing.js';
import type { SlackRequestKind } from '../slack-payloads.js';

export type SocketEnvelopeType = 'events_api' | 'slash_commands' | 'interactive';
export type DisconnectReason = 'refresh_requested' | 'link_disabled' | 'warning' | 'too_many_websockets';

const ENVELOPE_TYPES: Record<SlackRequestKind, SocketEnvelopeType> = { event: 'events_api', command: 'slash_commands', interaction: 'interactive' };
const SOCKET_PATH = '/_socket-mode/';

export interface SocketEnvelope {
  envelope_id: string;
  type: SocketEnvelopeType;
  payload: object;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** One envelope sent, as the tests see it. */
export interface EnvelopeRecord {
  envelopeId: string;
  type: SocketEnvelopeType;
  retryAttempt: number;
  /** When it was acknowledged (epoch ms), or undefined while it waits. */
  ackedAt?: number;
  /** The payload of the acknowledgement (a modal's response_action, a slash command's reply). */
  ackPayload?: unknown;
  /** Not acknowledged on its connection, so sent again (a later record). */
  redelivered?: boolean;
}

export interface SocketModeServerOptions {
  /** The app-level token apps.connections.open accepts; a fresh xapp-… by default. */
  appToken?: string;
  /** How long an envelope may wait for its acknowledgement (Slack: 3 s). */
  ackTimeoutMs?: number;
}

export interface SocketModeServer {
  /** The app-level token (xapp-…) to give the app as SLACK_APP_TOKEN. */
  readonly appToken: string;
  /** Serves `apps.connections.open` under `basePath`; resolves false for every other request. */
  handleOpen(req: IncomingMessage, res: ServerResponse, basePath: string): boolean;
  /** Accepts WebSocket upgrades on this HTTP server (the loopback Slack's, or the sandbox's). */
  attach(server: Server): void;
  /**
   * Sends a payload as an envelope on an open connection and resolves with the acknowledgement, in the
   * shape sendToApp answers (status 200, the ack's payload as JSON body). An event not acknowledged
   * before its connection goes is redelivered on the next one (retry_attempt + 1), as Slack does.
   */
  send(kind: SlackRequestKind, payload: object, options?: Pick<SendToAppOptions, 'retryNum' | 'retryReason' | 'timeoutMs'>): Promise<AppResponse>;
  /** Sends `{type: "disconnect", reason}` on every open connection (the app is expected to reconnect). */
  disconnect(reason: DisconnectReason): void;
  /**
   * Sends `text` as it is on every open connection (a malformed envelope); resolves with the payloads
   * of the acknowledgements of `envelopeId` that arrive within `waitMs`.
   */
  sendRaw(text: string, envelopeId: string, waitMs?: number): Promise<unknown[]>;
  /** Destroys every open socket without a close frame (a dropped network). */
  drop(): void;
  /** While down, WebSocket connections are refused and open ones are dropped. */
  down(): void;
  up(): void;
  /** While Socket Mode is disabled for the app, apps.connections.open answers an error. */
  setEnabled(enabled: boolean): void;
  /** The next `count` acknowledgements are lost on the way (the app believes it acknowledged). */
  loseAcks(count: number): void;
  /** Connections that have received hello and are still open. */
  connections(): number;
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  envelopes(): EnvelopeRecord[];
  readonly events: EventEmitter<{ connected: []; closed: []; ack: [EnvelopeRecord] }>;
  close(): Promise<void>;
}

interface Waiting {
  envelope: SocketEnvelope;
  record: EnvelopeRecord;
  socket?: WebSocket;
  /** Sent at least once: a later sending is a redelivery. */
  transmitted: boolean;
  resolve(response: AppResponse): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

function timeoutError(envelopeId: string, ms: number): Error {
  const error = new Error(`envelope ${envelopeId} was not acknowledged within ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

export function createSocketModeServer(options: SocketModeServerOptions = {}): SocketModeServer {
  const appToken = options.appToken ?? `xapp-1-A0LOOPBACK-${randomBytes(8).toString('hex')}`;
  const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Set<string>();
  const open = new Set<WebSocket>();
  const waiting = new Map<string, Waiting>();
  const log: EnvelopeRecord[] = [];
  const events = new EventEmitter<{ connected: []; closed: []; ack: [EnvelopeRecord] }>();
  let isDown = false;
  let enabled = true;
  let acksToLose = 0;
  let next = 0;

  function transmit(socket: WebSocket, item: Waiting): void {
    item.socket = socket;
    item.transmitted = true;
    socket.send(JSON.stringify(item.envelope));
  }

  /** An open connection, in turn (Slack spreads envelopes over an app's connections). */
  function pick(): WebSocket | undefined {
    const sockets = [...open];
    if (sockets.length === 0) return undefined;
    next = (next + 1) % sockets.length;
    return sockets[next];
  }

  function onAck(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const item = waiting.get(message.envelope_id);
    if (!item) return;
    if (acksToLose > 0) {
      acksToLose -= 1;
      return;
    }
    waiting.delete(message.envelope_id);
    clearTimeout(item.timer);
    item.record.ackedAt = Date.now();
    item.record.ackPayload = message.payload;
    events.emit('ack', item.record);
    const body = message.payload && Object.keys(message.payload).length > 0 ? JSON.stringify(message.payload) : '';
    item.resolve({ status: 200, body, headers: { 'content-type': 'application/json' } });
  }

  function onClosed(socket: WebSocket): void {
    if (!open.delete(socket)) return;
    events.emit('closed');
    for (const item of waiting.values()) {
      if (item.socket !== socket) continue;
      item.socket = undefined;
      if (item.envelope.type !== 'events_api') {
        // Slack does not redeliver commands and interactions: the person sees an error.
        waiting.delete(item.envelope.envelope_id);
        clearTimeout(item.timer);
        item.reject(Object.assign(new Error(`connection closed before ${item.envelope.envelope_id} was acknowledged`), { name: 'ConnectionClosed' }));
      }
    }
  }

  function redeliverTo(socket: WebSocket): void {
    for (const item of waiting.values()) {
      if (item.socket) continue;
      if (!item.transmitted) {
        transmit(socket, item);
        continue;
      }
      item.record.redelivered = true;
      item.envelope = { ...item.envelope, retry_attempt: (item.envelope.retry_attempt ?? 0) + 1, retry_reason: 'timeout' };
      const record: EnvelopeRecord = { envelopeId: item.envelope.envelope_id, type: item.envelope.type, retryAttempt: item.envelope.retry_attempt ?? 0 };
      log.push(record);
      item.record = record;
      transmit(socket, item);
    }
  }

  wss.on('connection', (socket) => {
    socket.on('message', (data) => onAck(String(data)));
    socket.on('close', () => onClosed(socket));
    socket.on('error', () => onClosed(socket));
    open.add(socket);
    socket.send(JSON.stringify({ type: 'hello', num_connections: open.size, debug_info: { host: 'loopback', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0LOOPBACK' } }));
    events.emit('connected');
    redeliverTo(socket);
  });

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://loopback').pathname;
    if (!path.startsWith(SOCKET_PATH)) return;
    const ticket = path.slice(SOCKET_PATH.length);
    if (isDown || !tickets.delete(ticket)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  function closeAll(how: 'drop' | 'close'): void {
    for (const socket of [...open]) {
      if (how === 'drop') socket.terminate();
      else socket.close(1001);
      onClosed(socket);
    }
  }

  return {
    appToken,
    handleOpen(req, res, basePath) {
      const path = new URL(req.url ?? '/', 'http://loopback').pathname;
      if (path !== `${basePath}apps.connections.open`) return false;
      const answer = (body: object) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      // Drain the (empty) body before answering.
      req.resume();
      if (!token) answer({ ok: false, error: 'not_authed' });
      else if (!token.startsWith('xapp-')) answer({ ok: false, error: 'not_allowed_token_type' });
      else if (token !== appToken) answer({ ok: false, error: 'invalid_auth' });
      else if (!enabled) answer({ ok: false, error: 'socket_mode_disabled' });
      else {
        const ticket = randomUUID();
        tickets.add(ticket);
        answer({ ok: true, url: `ws://${req.headers.host ?? '127.0.0.1'}${SOCKET_PATH}${ticket}` });
      }
      return true;
    },
    attach(server) {
      server.on('upgrade', onUpgrade);
    },
    send(kind, payload, sendOptions = {}) {
      const type = ENVELOPE_TYPES[kind];
      const envelope: SocketEnvelope = {
        envelope_id: randomUUID(),
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: sendOptions.retryNum ?? 0, retry_reason: sendOptions.retryNum ? (sendOptions.retryReason ?? 'timeout') : '' } : {}),
      };
      const record: EnvelopeRecord = { envelopeId: envelope.envelope_id, type, retryAttempt: envelope.retry_attempt ?? 0 };
      log.push(record);
      // Slack keeps retrying an event for minutes; a command or an interaction fails after 3 s.
      const timeoutMs = sendOptions.timeoutMs ?? (type === 'events_api' ? 120_000 : ackTimeoutMs);
      return new Promise<AppResponse>((resolve, reject) => {
        const socket = pick();
        if (!socket && type !== 'events_api') {
          reject(Object.assign(new Error('the app has no Socket Mode connection'), { name: 'NotConnected' }));
          return;
        }
        const timer = setTimeout(() => {
          waiting.delete(envelope.envelope_id);
          reject(timeoutError(envelope.envelope_id, timeoutMs));
        }, timeoutMs);
        const item: Waiting = { envelope, record, transmitted: false, resolve, reject, timer };
        waiting.set(envelope.envelope_id, item);
        // Events wait for a connection when there is none; they go out as soon as one says hello.
        if (socket) transmit(socket, item);
      });
    },
    sendRaw(text, envelopeId, waitMs = 1_000) {
      const acks: unknown[] = [];
      const listeners = [...open].map((socket) => {
        const listener = (data: unknown) => {
          try {
            const message = JSON.parse(String(data)) as { envelope_id?: unknown; payload?: unknown };
            if (message.envelope_id === envelopeId) acks.push(message.payload ?? {});
          } catch {
            // Not an acknowledgement.
          }
        };
        socket.on('message', listener);
        socket.send(text);
        return () => socket.off('message', listener);
      });
      return new Promise((resolve) =>
        setTimeout(() => {
          for (const off of listeners) off();
          resolve(acks);
        }, waitMs),
      );
    },
    disconnect(reason) {
      for (const socket of open) socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'loopback' } }));
    },
    drop: () => closeAll('drop'),
    down() {
      isDown = true;
      closeAll('drop');
    },
    up() {
      isDown = false;
    },
    setEnabled(value) {
      enabled = value;
    },
    loseAcks(count) {
      acksToLose = count;
    },
    connections: () => open.size,
    waitForConnections(count, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        if (open.size >= count) return resolve();
        const check = () => {
          if (open.size < count) return;
          clearTimeout(timer);
          events.off('connected', check);
          resolve();
        };
        const timer = setTimeout(() => {
          events.off('connected', check);
          reject(new Error(`${open.size} Socket Mode connection(s) after ${timeoutMs} ms, wanted ${count}`));
        }, timeoutMs);
        events.on('connected', check);
      });
    },
    envelopes: () => log.map((record) => ({ ...record })),
    events,
    async close() {
      for (const item of waiting.values()) {
        clearTimeout(item.timer);
        item.reject(new Error('the loopback Socket Mode server closed'));
      }
      waiting.clear();
      closeAll('close');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
