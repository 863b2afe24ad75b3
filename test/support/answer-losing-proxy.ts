// A relay in front of the loopback Slack whose first chat.postMessage is carried out upstream but
// never answered: the connection is held open ('hold', as a stalled network) or dropped ('drop').
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AnswerLosingProxy {
  origin: string;
  /** Settles once the first post was done upstream and its answer withheld. */
  lost: Promise<void>;
  close(): Promise<void>;
}

export async function startAnswerLosingProxy(target: string, mode: 'hold' | 'drop'): Promise<AnswerLosingProxy> {
  let done = false;
  let markLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      void fetch(`${target}${request.url}`, { method: request.method, headers, body: Buffer.concat(chunks) }).then(async (upstream) => {
        const body = Buffer.from(await upstream.arrayBuffer());
        if (!done && request.url?.endsWith('/chat.postMessage')) {
          done = true;
          if (mode === 'drop') request.socket.destroy();
          markLost();
          return;
        }
        response.writeHead(upstream.status, Object.fromEntries(upstream.headers)).end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lost,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
