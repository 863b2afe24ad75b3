// Slack's app_rate_limited notice, over HTTP and Socket Mode: acknowledged, logged, counted, on /healthz.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, transports, type Harness } from './harness.js';

describe.each(transports)('app_rate_limited over %s', (transport) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ transport });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('is acknowledged at once, counted, and named on /healthz with its workspace and minute', async () => {
    const team = harness.fake.workspace.appIdentity();
    const minute = 1_518_467_820;
    const answer = await harness.deliver('event', { token: 'legacy', type: 'app_rate_limited', team_id: team.teamId, minute_rate_limited: minute, api_app_id: team.apiAppId });
    expect(answer.status).toBe(200);
    const health = (await (await fetch(`${harness.app.url}/healthz`)).json()) as { slack: { eventsRateLimited?: unknown } };
    expect(health.slack.eventsRateLimited).toEqual([{ teamId: team.teamId, since: minute * 1000 }]);
    expect(await harness.app.metrics.render()).toMatch(/firebreak_slack_events_rate_limited_total 1/);
    if (transport === 'socket') expect(harness.fake.socketMode!.envelopes().every((envelope) => envelope.ackedAt !== undefined)).toBe(true);
  });
});
