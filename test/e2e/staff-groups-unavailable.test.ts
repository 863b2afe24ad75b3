// Staff named through a Slack user group (@community-leads) while Slack cannot say who is in it: the
// person is neither refused nor admitted on a partial list kept for a minute. They are told, in their
// own language, that Slack did not answer; the next click asks again; a 429's Retry-After is waited
// out without asking Slack meanwhile.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

const ackText = (body: string) => (JSON.parse(body) as { text: string }).text;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(availableProviders)('staff user groups Slack cannot list, on %s', (provider) => {
  let h: Harness;
  let lucia: string;
  beforeAll(async () => {
    h = await startHarness({ provider, env: { LOCALE: 'en' } });
    const { workspace } = h.fake;
    // Lucía uses Slack in Spanish; only @community-leads makes her staff (not an admin).
    lucia = workspace.addUser({ name: 'lucia', real_name: 'Lucía Sanz', locale: 'es-ES' }).id;
    const group = workspace.listUserGroups().find((candidate) => candidate.handle === 'community-leads')!;
    workspace.setUserGroupMembers(group.id, [...group.users, lucia]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const groupsUnconfirmed = t('es', 'ui.operator.unconfirmed', {});
  const refused = t('es', 'ui.operator.refused', {});
  const status = async () => ackText((await h.command(lucia, 'status')).body);
  const listCalls = () => h.fake.api.calls('usergroups.list').length;
  /** Another minute of the cache must not hold: each case starts with Slack asked afresh. */
  const forgetGroups = async () => {
    const now = Math.floor(Date.now() / 1000);
    await h.event({ type: 'subteam_updated', subteam: { id: 'S0', team_id: h.fake.workspace.appIdentity().teamId, date_update: now } });
    // Events are processed after their acknowledgement.
    await sleep(300);
  };

  beforeEach(async () => {
    h.fake.api.faults.clear();
    await forgetGroups();
  });

  it('5xx on every attempt: told Slack did not answer, in Spanish; the next command asks again and is served', async () => {
    h.fake.api.faults.serverError('usergroups.list', { times: 3 });
    expect(await status()).toBe(groupsUnconfirmed);
    const before = listCalls();
    const served = await status();
    expect(listCalls()).toBeGreaterThan(before);
    expect(served).not.toBe(refused);
    expect(served).not.toBe(groupsUnconfirmed);
  });

  it('ok:false and an answer that never comes are the same: said, not kept', async () => {
    h.fake.api.faults.failWith('usergroups.list', 'internal_error');
    expect(await status()).toBe(groupsUnconfirmed);
    await forgetGroups();
    h.fake.api.faults.delay('usergroups.list', 4_000);
    const started = Date.now();
    expect(await status()).toBe(groupsUnconfirmed);
    // Answered within the command's acknowledgement, not after Slack's silence.
    expect(Date.now() - started).toBeLessThan(2_500);
    await sleep(4_200);
    // Slack's late answer serves the next command: a workspace whose list is always slow is not asked in vain forever.
    const calls = listCalls();
    expect(await status()).not.toBe(groupsUnconfirmed);
    expect(listCalls()).toBe(calls);
  });

  it('429: answered at once, Slack not asked again until Retry-After has passed, then served', async () => {
    h.fake.api.faults.rateLimit('usergroups.list', 2, { times: 1 });
    const started = Date.now();
    expect(await status()).toBe(groupsUnconfirmed);
    expect(Date.now() - started).toBeLessThan(1_500);
    const afterLimit = listCalls();
    expect(await status()).toBe(groupsUnconfirmed);
    expect(listCalls()).toBe(afterLimit);
    await sleep(2_100);
    expect(await status()).not.toBe(groupsUnconfirmed);
    expect(listCalls()).toBe(afterLimit + 1);
  });

  it('a click on an incident while Slack cannot list the approver groups: told Slack did not answer, nothing changes, the next click is done', async () => {
    expect((await h.command(h.people.cleo, `declare <#${h.support}|support> sev2 Refunds are slow`)).status).toBe(200);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    const incident = () => h.app.database.prisma.incident.findFirstOrThrow();
    await h.waitFor('the incident settled', async () => (await incident()).rootTs !== null);
    await forgetGroups();
    // Every call for 4 s: the incident's own background work asks for the groups too.
    h.fake.api.faults.serverError('usergroups.list', { forMs: 4_000 });
    const told = h.ephemeralTexts(lucia).length;
    await h.click(lucia, h.alerts, root.ts, actionIds.acknowledge);
    expect(await h.waitFor('the explanation', () => h.ephemeralTexts(lucia).slice(told)[0])).toContain(t('es', 'ui.guard.slack_unavailable', {}));
    expect((await incident()).acknowledgedAt).toBeNull();
    await sleep(4_100);
    await h.click(lucia, h.alerts, root.ts, actionIds.acknowledge);
    await h.waitFor('the acknowledgement', async () => (await incident()).acknowledgedAt !== null);
  });

  it('someone no playbook names is not refused on a list Slack could not give: told Slack did not answer, refused once it does', async () => {
    const pablo = h.fake.workspace.addUser({ name: 'pablo', real_name: 'Pablo Ruiz', locale: 'es-ES' }).id;
    h.fake.api.faults.serverError('usergroups.list', { times: 3 });
    expect(ackText((await h.command(pablo, 'status')).body)).toBe(groupsUnconfirmed);
    // Slack answers again: he is in no group, and is refused as such.
    expect(ackText((await h.command(pablo, 'status')).body)).toBe(refused);
  });
});
