// Firebreak's one HTTP server: Slack's /slack/events plus Firebreak's own routes on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST';
  /** Exact path, or a prefix ending in `*`. */
  path: string;
  handler: RouteHandler;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

function matches(route: Route, method: string, path: string): boolean {
  if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) return false;
  return route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : route.path === path;
}

/**
 * How long an idle keep-alive connection stays open. Above the idle timeouts of the proxies and load
 * balancers usually put in front (60 s), so the client side always closes first: a server closing at
 * Node's default 5 s races a client reusing the socket at that moment, which then gets ECONNRESET.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function createHttpServer(routes: Route[], logger: Logger): Server {
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, headersTimeout: KEEP_ALIVE_TIMEOUT_MS + 1_000 }, (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((candidate) => matches(candidate, request.method ?? 'GET', path));
    if (!route) {
      const known = routes.some((candidate) => matches({ ...candidate, method: request.method as Route['method'] }, request.method ?? '', path));
      sendJson(response, known ? 405 : 404, { error: known ? 'method_not_allowed' : 'not_found', path });
      return;
    }
    Promise.resolve()
      .then(() => route.handler(request, response))
      .catch((error: unknown) => {
        logger.error({ err: error, path }, 'request handler failed');
        if (!response.headersSent) sendJson(response, 500, { error: 'internal_error' });
        else response.end();
      });
  });
  return server;
}

/**
 * Stops taking connections and resolves once all are closed. Requests under way get `graceMs` to finish;
 * after that every connection is cut, also one that never sent its headers (Node would otherwise wait
 * for headersTimeout, over a minute, before it lets the process exit).
 */
export function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
