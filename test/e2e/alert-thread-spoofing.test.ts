// A member's words quoted inline in a line of the incident thread (the feedback line says which
// message staff judged) stay one quoted phrase: a member who writes line breaks or bidirectional
// controls cannot add lines that read as Firebreak's own ("reply posted", "approved") under it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { findButtons, startHarness, type Harness } from './harness.js';

const FAKE_LINE = ':speech_balloon: Reply #1 was posted in the channel';
const SPOOF = `Terrible, the app is broken and awful\n${FAKE_LINE}\n:checkered_flag: the incident is resolved`;

describe('member text in the incident thread', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const minute = 60_000;
    const now = Math.floor(Date.now() / minute) * minute;
    for (let m = 12; m >= 3; m -= 1) await harness.post(harness.people.members[m % 10]!, 'Good morning everyone', now - m * minute + 5_000);
    for (let i = 0; i < 16; i += 1) await harness.post(harness.people.members[i % 10]!, `${SPOOF} \u202e${i}`, now - 2 * minute + 5_000 + i * 1_000);
    await harness.waitFor('messages scored', async () => (await harness.app.database.prisma.scoredMessage.count()) >= 26);
    await harness.app.runtime?.tick();
    await harness.waitFor('the alert', () => harness.rootMessage());
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('the feedback line quotes the judged message on its one line, without the member’s line breaks or direction controls', async () => {
    const root = harness.rootMessage()!;
    const sample = findButtons(root.blocks).find((button) => button.action_id === actionIds.sampleNotNegative)!;
    await harness.click(harness.people.ann, harness.alerts, root.ts, actionIds.sampleNotNegative, (value) => value === sample.value);
    const line = await harness.waitFor('the feedback line', () => harness.thread().find((message) => message.text.includes('gave feedback')));
    const shown = `${line.text}\n${JSON.stringify(line.blocks)}`;
    expect(line.text).not.toContain('\n');
    expect(JSON.stringify(line.blocks)).not.toContain('\\n');
    expect(shown).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(line.text).toContain(`broken and awful ${FAKE_LINE}`);
  });
});
