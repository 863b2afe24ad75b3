// `/firebreak declare` and `/firebreak resolve` reach Firebreak Slack-escaped (the manifest's
// should_escape): `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`, a typed link or @here as markup. What the
// person typed is stored as typed, as the resolve modal stores it, and escaped only where Slack renders
// it: `firebreak postmortem list` and `export` show `<`, not `&lt;`, and the alert does not show `&amp;lt;`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

/** As Slack sends `Checkout <500> errors & timeouts, @here see https://status.acme.test` with should_escape. */
const DECLARED = 'Checkout &lt;500&gt; errors &amp; timeouts, <!here> see <https://status.acme.test>';
const DECLARED_AS_TYPED = 'Checkout <500> errors & timeouts, @here see https://status.acme.test';
/** As Slack sends `Rolled back <v2.3> & cleared the cache`. */
const RESOLVED = 'Rolled back &lt;v2.3&gt; &amp; cleared the cache';
const RESOLVED_AS_TYPED = 'Rolled back <v2.3> & cleared the cache';

describe.each(availableProviders)('a summary typed in a slash command on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  const cli = (...args: string[]) =>
    runCli(args, {
      env: testEnvironment({ DATABASE_URL: harness.database.url, TEAM_TIMEZONE: 'UTC', LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: harness.fake.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: harness.fake.apiUrl }),
    });

  beforeAll(async () => {
    harness = await startHarness({ provider });
    const { ann } = harness.people;
    expect((await harness.command(ann, `declare <#${harness.support}|support> sev2 ${DECLARED}`)).status).toBe(200);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    const checklist = await harness.waitFor('the checklist', () => harness.thread().find((message) => message.ts !== root.ts && findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)));
    await harness.click(ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await prisma().checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
    expect((await harness.command(ann, `resolve 1 ${RESOLVED}`)).body).toContain('Incident #1 resolved');
    await harness.waitFor('the post-mortem', async () => (await prisma().postMortem.count()) === 1);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('firebreak postmortem list shows the declared summary as typed', async () => {
    const listed = await cli('postmortem', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(DECLARED_AS_TYPED);
    const json = JSON.parse((await cli('postmortem', 'list', '--json')).stdout) as { title: string }[];
    expect(json.map((row) => row.title)).toEqual([DECLARED_AS_TYPED]);
  });

  it('the post-mortem starts from the resolution summary as typed, in the export', async () => {
    const exported = await cli('postmortem', 'export', '1', '--format', 'json');
    expect(exported.code).toBe(0);
    const json = JSON.parse(exported.stdout) as { postMortem: { fields: { summary: string } } };
    expect(json.postMortem.fields.summary).toBe(RESOLVED_AS_TYPED);
    expect((await cli('postmortem', 'export', '1')).stdout).not.toContain('&lt;');
  });

  it('the alert quotes both escaped once for Slack: they read as typed and never ping', async () => {
    const root = await harness.waitFor('the resolved alert', () => {
      const message = harness.rootMessage();
      return message && JSON.stringify(message.blocks).includes('Rolled back') ? message : undefined;
    });
    const blocks = JSON.stringify(root.blocks);
    expect(blocks).toContain('> Checkout &lt;500&gt; errors &amp; timeouts, @\u2060here see https://status.acme.test');
    expect(blocks).toContain('> Rolled back &lt;v2.3&gt; &amp; cleared the cache');
    expect(blocks).not.toContain('&amp;lt;');
    expect(blocks).not.toMatch(/<!here>/);
  });
});
