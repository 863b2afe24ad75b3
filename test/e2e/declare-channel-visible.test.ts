// `/firebreak declare` on a channel the bot cannot post in (a private channel it was not invited to,
// an id Slack does not know) is refused at once, as `watch` refuses it, instead of running the whole
// workflow until the first reply fails with channel_not_found; a Slack that does not answer the check
// never stops a team declaring a crisis: declared, with a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('declaring on a channel the bot cannot see, through Slack on %s', (provider) => {
  let harness: Harness;
  let secret: string;
  const prisma = () => harness.app.database.prisma;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    const { workspace } = harness.fake;
    const { ann, ben } = harness.people;
    secret = workspace.addChannel({ name: 'vip-members', is_private: true, members: [ann, ben] }).id;
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('refuses a private channel the bot was not invited to, and an unknown channel id, saying what to do (en)', async () => {
    for (const channel of [`<#${secret}|vip-members>`, '<#C0FOREIGN1|x>']) {
      const answer = await harness.command(harness.people.ann, `declare ${channel} sev2 Members say their data leaked`);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('Firebreak cannot see');
      expect(answer.body).toContain('nothing was declared');
      expect(answer.body).toContain('/invite @Firebreak');
    }
    expect(await prisma().incident.count()).toBe(0);
  });

  it('refuses an archived channel, saying to unarchive it', async () => {
    const { workspace } = harness.fake;
    const archived = workspace.addChannel({ name: 'old-launch', members: [harness.people.ann] }).id;
    workspace.archiveChannel(archived);
    const answer = await harness.command(harness.people.ann, `declare <#${archived}|old-launch> sev2 Members say the launch broke`);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('is archived');
    expect(answer.body).toContain('nothing was declared');
    expect(await prisma().incident.count()).toBe(0);
  });

  it('declares anyway, with a warning, when Slack does not answer the check', async () => {
    harness.fake.api.faults.serverError('conversations.info', { forMs: 5_000 });
    const answer = await harness.command(harness.people.ann, `declare ${harness.support} sev2 Payments failing`);
    harness.fake.api.faults.clear();
    expect(answer.status).toBe(200);
    // Slack's slowness may make it answer "Declaring…" first and the result by response_url.
    const told = answer.body.includes('declared on')
      ? answer.body
      : await harness.waitFor('the declared answer', () => harness.ephemeralTexts(harness.people.ann).find((line) => line.includes('declared on')));
    expect(told).toContain('Slack did not answer when Firebreak checked');
    expect(await prisma().incident.count()).toBe(1);
  });
});

describe.each(availableProviders)('declaring on a channel the bot cannot see, in Spanish, on %s', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, slackLocale: 'es-ES' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('refuses an unknown channel id in the language the person uses Slack in', async () => {
    const answer = await harness.command(harness.people.ann, 'declare <#C0FOREIGN1|x> sev2 Dicen que se filtraron datos');
    expect(answer.body).toContain('Firebreak no ve');
    expect(answer.body).toContain('no se ha declarado nada');
    expect(await harness.app.database.prisma.incident.count()).toBe(0);
  });
});
