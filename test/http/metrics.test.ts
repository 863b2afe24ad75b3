import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { webApi } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { metricsRoute, timeSlackAcks } from '../../src/http/metrics.js';
import { createMetrics, eventTypeLabel, slackCallCountingFetch, storeMetricSources } from '../../src/metrics.js';
import { createHttpServer } from '../../src/http/server.js';
import { enqueueSlackWrite } from '../../src/store/repositories/outbox.js';
import { startSeededFakeSlack, type SeededFakeSlack } from '../support/fake-slack.js';
import { createStore } from '../../src/store/store.js';
import { openMigratedDatabase, type MigratedDatabase } from '../store/repositories/migrated-database.js';

describe('GET /metrics', () => {
  let database: MigratedDatabase;
  let server: Server;
  let url: string;
  const metrics = createMetrics();
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 12, 0, 0));
  let leader = true;

  beforeAll(async () => {
    database = await openMigratedDatabase('sqlite');
    metrics.setSources({ ...storeMetricSources(createStore(database.prisma).direct.gauges, clock), isLeader: () => leader });
    server = createHttpServer([metricsRoute(metrics)], pino({ level: 'silent' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.dispose();
  });

  it('serves Prometheus text with the process metrics and every Firebreak metric, prefixed firebreak_', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    const firebreak = [...text.matchAll(/^# HELP (\S+)/gm)].map((match) => match[1]!).filter((name) => !/^(process|nodejs)_/.test(name));
    expect(firebreak.every((name) => name.startsWith('firebreak_'))).toBe(true);
    expect(firebreak.sort()).toEqual(
      [
        'firebreak_ack_latency_seconds',
        'firebreak_alerts_raised_total',
        'firebreak_events_deduplicated_total',
        'firebreak_events_received_total',
        'firebreak_incidents',
        'firebreak_leader',
        'firebreak_messages_scored_total',
        'firebreak_outbox_depth',
        'firebreak_outbox_items_total',
        'firebreak_outbox_oldest_pending_age_seconds',
        'firebreak_reminders_fired_total',
        'firebreak_slack_api_calls_total',
        'firebreak_slack_api_errors_total',
        'firebreak_messages_quarantined_total',
        'firebreak_input_normalised_total',
        'firebreak_slack_requests_refused_total',
        'firebreak_process_errors_total',
      ].sort(),
    );
  });

  it('reads outbox depth, age and leadership at scrape time; counters and the ack histogram as incremented', async () => {
    await database.prisma.$transaction((tx) => enqueueSlackWrite(tx, { key: 'k1', method: 'chat.postMessage', payload: { channel: 'C1', text: 'x' }, now: clock.now() }));
    clock.advance(42_000);
    metrics.eventsReceived.inc({ type: 'message' });
    metrics.eventsReceived.inc({ type: 'message' });
    metrics.eventsDeduplicated.inc({ type: 'message' });
    metrics.messagesScored.inc({ language: 'es', label: 'negative' });
    metrics.ackLatency.observe({ kind: 'event' }, 0.012);
    let text = await (await fetch(url)).text();
    expect(text).toMatch(/^firebreak_outbox_depth 1$/m);
    expect(text).toMatch(/^firebreak_outbox_oldest_pending_age_seconds 42$/m);
    expect(text).toMatch(/^firebreak_leader 1$/m);
    expect(text).toMatch(/^firebreak_events_received_total\{type="message"\} 2$/m);
    expect(text).toMatch(/^firebreak_events_deduplicated_total\{type="message"\} 1$/m);
    expect(text).toMatch(/^firebreak_messages_scored_total\{language="es",label="negative"\} 1$/m);
    expect(text).toMatch(/^firebreak_ack_latency_seconds_bucket\{le="0.025",kind="event"\} 1$/m);
    expect(text).toMatch(/^firebreak_ack_latency_seconds_bucket\{le="0.01",kind="event"\} 0$/m);
    leader = false;
    text = await (await fetch(url)).text();
    expect(text).toMatch(/^firebreak_leader 0$/m);
  });
});

describe('slackCallCountingFetch', () => {
  let fake: SeededFakeSlack;
  beforeAll(async () => {
    fake = await startSeededFakeSlack();
  });
  afterAll(() => fake.close());

  it('counts every Web API call and failure by method, whatever the answer', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const client = new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      fetch: slackCallCountingFetch(metrics),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: webApi.LogLevel.ERROR,
    });
    await client.auth.test();
    await client.chat.postMessage({ channel: fake.ids.community, text: 'hello' });
    await client.chat.postMessage({ channel: 'C0NOPE', text: 'hello' }).catch(() => undefined);
    fake.api.faults.rateLimit('chat.postMessage', 1, { times: 1 });
    await client.chat.postMessage({ channel: fake.ids.community, text: 'hello' }).catch(() => undefined);
    fake.api.faults.serverError('conversations.history', { times: 1 });
    await client.conversations.history({ channel: fake.ids.community }).catch(() => undefined);
    const text = await metrics.render();
    expect(text).toMatch(/^firebreak_slack_api_calls_total\{method="auth.test"\} 1$/m);
    expect(text).toMatch(/^firebreak_slack_api_calls_total\{method="chat.postMessage"\} 3$/m);
    expect(text).toMatch(/^firebreak_slack_api_errors_total\{method="chat.postMessage",error="channel_not_found"\} 1$/m);
    expect(text).toMatch(/^firebreak_slack_api_errors_total\{method="chat.postMessage",error="ratelimited"\} 1$/m);
    expect(text).toMatch(/^firebreak_slack_api_errors_total\{method="conversations.history",error="http_500"\} 1$/m);
    expect(fake.workspace.messagesIn(fake.ids.community)).toHaveLength(1);
  });
});

describe('timeSlackAcks', () => {
  it('observes the time to the HTTP answer Slack waits for, by kind', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const handler = timeSlackAcks(metrics, (_request, response) => {
      response.writeHead(200).end();
    });
    const server = createHttpServer([{ method: 'POST', path: '/slack/*', handler }], pino({ level: 'silent' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    try {
      await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"event_callback"}' });
      await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' });
      await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'command=%2Ffirebreak' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const text = await metrics.render();
    expect(text).toMatch(/^firebreak_ack_latency_seconds_count\{kind="event"\} 1$/m);
    expect(text).toMatch(/^firebreak_ack_latency_seconds_count\{kind="interactive"\} 2$/m);
    expect(text).toMatch(/^firebreak_ack_latency_seconds_bucket\{le="3",kind="event"\} 1$/m);
  });
});

describe('eventTypeLabel', () => {
  it('keeps known event types and subtypes, and folds anything else into other', () => {
    expect(eventTypeLabel('message')).toBe('message');
    expect(eventTypeLabel('message', 'message_changed')).toBe('message.message_changed');
    expect(eventTypeLabel('message', 'made_up_42')).toBe('message.other');
    expect(eventTypeLabel('app_home_opened')).toBe('app_home_opened');
    expect(eventTypeLabel('x'.repeat(1000))).toBe('other');
    expect(eventTypeLabel(null, { evil: true })).toBe('other');
  });
});
