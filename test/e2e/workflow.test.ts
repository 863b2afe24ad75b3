import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { findButtons, playSpike, startHarness, type Harness } from './harness.js';

describe('incident workflow through Slack', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('a spike of angry members opens exactly one incident, with one root message in the alerts channel', async () => {
    await playSpike(harness);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    expect(root.text).toMatch(/support/);
    const incidents = await harness.app.database.prisma.incident.findMany();
    expect(incidents).toHaveLength(1);
    expect(findButtons(root.blocks).map((button) => button.action_id)).toEqual(
      expect.arrayContaining([actionIds.acknowledge, actionIds.draftReply, actionIds.resolve]),
    );
    // More anger and more ticks change nothing: the incident is open, the root message is edited in place.
    await playSpike(harness, Date.now() + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await harness.app.database.prisma.incident.count()).toBe(1);
    const tops = harness.fake.workspace.messagesIn(harness.alerts).filter((message) => !message.thread_ts || message.thread_ts === message.ts);
    expect(tops).toHaveLength(1);
  });
});
