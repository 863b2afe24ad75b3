// GET /metrics (Prometheus text format) and the timing of Slack acknowledgements on the HTTP server.
import type { Metrics } from '../metrics.js';
import type { Route, RouteHandler } from './server.js';

/** GET /metrics in Prometheus text format. */
export function metricsRoute(metrics: Metrics): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handler: async (_request, response) => {
      const body = await metrics.render();
      response.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    },
  };
}

/**
 * Wraps the Slack request handler to time each acknowledgement: from the request's arrival to the
 * end of Firebreak's HTTP answer, which is the ack Slack waits for (3 s at most). The kind comes
 * from what Slack sends without reading the body: events are JSON, commands and interactions forms.
 */
export function timeSlackAcks(metrics: Pick<Metrics, 'ackLatency'>, handler: RouteHandler): RouteHandler {
  return (request, response) => {
    const started = performance.now();
    const kind = (request.headers['content-type'] ?? '').includes('json') ? 'event' : 'interactive';
    response.once('finish', () => metrics.ackLatency.observe({ kind }, (performance.now() - started) / 1000));
    return handler(request, response);
  };
}
