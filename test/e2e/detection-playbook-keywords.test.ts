// A detected spike picks its playbook from what members wrote, as the docs say ("text and the terms
// detection found salient"): a playbook's keyword said in the worst messages counts even when it is not
// among the dominant terms. Before, only the dominant terms were looked at, so the shipped toxic-thread
// drill in #community-es ("odio", "acoso" said once or twice) got the general playbook, whose template
// greeted the aggressor ("Hola Jonas, … Entendemos el enfado").
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

/** The harness playbook, specific (not the default), for threads where members ask for moderation. */
const MODERATION_PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace('id: e2e-support', 'id: e2e-moderation')
  .replace('name: { es: Crisis en el canal de soporte, en: Support channel crisis }', 'name: Moderation needed')
  .replace('default: true\n', '')
  .replace('  channels: [support]\n  priority: 10', '  channels: [support]\n  keywords: [moderation]\n  priority: 90');

const ANGRY = ['Terrible update, awful and broken', 'Awful, broken again, terrible', 'Broken login, terrible and awful', 'So broken, awful, terrible service'];
/** The worst message of the burst, and the only one saying the keyword (no sentiment word of its own). */
const WORST = 'Moderation please: horrible, disgusting, hateful abuse, the worst, I hate this, awful, terrible, furious';

describe.each(availableProviders)('playbook chosen by a detected spike (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    writeFileSync(join(harness.playbooksDir, 'e2e-moderation.yaml'), MODERATION_PLAYBOOK);
    await harness.waitFor('the moderation playbook loaded', () => harness.app.runtime?.playbooks.get('e2e-moderation'));
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('a keyword in the sample messages selects the specific playbook', async () => {
    const minute = 60_000;
    const now = Math.floor(Date.now() / minute) * minute;
    const { members } = harness.people;
    for (let m = 12; m >= 3; m -= 1) await harness.post(members[m % members.length]!, 'Good morning everyone, thanks for the help', now - m * minute + 5_000);
    const spikeStart = now - 2 * minute + 5_000;
    for (let i = 0; i < 15; i += 1) await harness.post(members[i % members.length]!, ANGRY[i % ANGRY.length]!, spikeStart + i * 1_000);
    await harness.post(members[5]!, WORST, spikeStart + 15_500);
    await harness.waitFor('messages scored', async () => (await harness.app.database.prisma.scoredMessage.count()) >= 10 + 16);
    await harness.app.runtime?.tick();

    const incident = await harness.waitFor('the incident', async () => (await harness.app.database.prisma.incident.findFirst()) ?? undefined);
    const detection = incident.detection as { dominantTerms?: { term: string }[]; samples?: { text: string }[] };
    // The keyword is in a sample, not a dominant term: only the messages' text can select the playbook.
    expect(detection.samples?.some((sample) => sample.text.includes('Moderation please'))).toBe(true);
    expect(detection.dominantTerms?.map((term) => term.term)).not.toContain('moderation');
    expect(incident.playbookId).toBe('e2e-moderation');
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    expect(JSON.stringify(root.blocks)).toContain('Moderation needed');
  });
});
