// A button whose value names what its incident does not have (a draft, a checklist step, an incident that
// is not there: a damaged or hand-made payload) is answered to the person who pressed it, never silence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { actionIds, encodeRef } from '../../src/slack/blocks/ids.js';
import { messageBlockActions } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { draftValues, startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('buttons naming what their incident does not have (%s)', (provider) => {
  let h: Harness;
  let incidentId: string;
  beforeAll(async () => {
    h = await startHarness({ provider });
    await h.command(h.people.ann, `declare <#${h.support}|support> sev2 Login failing for many members`);
    const root = await h.waitFor('the alert', () => h.rootMessage());
    await h.click(h.people.ann, h.alerts, root.ts, actionIds.draftReply);
    await h.waitFor('draft modal', () => h.openModal(h.people.ann));
    await h.submit(h.people.ann, draftValues('We are on it.'));
    incidentId = (await h.waitFor('draft stored', async () => (await h.app.database.prisma.replyDraft.findFirst()) ?? undefined)).incidentId;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const values: Record<string, () => string> = {
    [actionIds.editDraft]: () => encodeRef({ i: incidentId, d: `${incidentId}/draft-99`, r: 1 }),
    [actionIds.requestChanges]: () => encodeRef({ i: incidentId, d: `${incidentId}/draft-99`, r: 1 }),
    [actionIds.rejectDraft]: () => encodeRef({ i: incidentId, d: `${incidentId}/draft-99`, r: 1 }),
    [actionIds.skipStep]: () => encodeRef({ i: incidentId, s: 'no-such-step', done: false }),
    [actionIds.realCrisis]: () => encodeRef({ i: 'no-such-incident', v: 'real_crisis' }),
    [actionIds.sampleNegative]: () => encodeRef({ i: 'no-such-incident', s: '1700000000.000100', v: 'negative' }),
  };

  it.each(Object.keys(values))('%s is answered as a button that no longer does anything', async (actionId) => {
    const stale = t('en', 'ui.button.stale', {});
    const before = h.ephemeralTexts(h.people.ann).filter((text) => text.includes(stale)).length;
    const root = h.rootMessage()!;
    const response = await h.deliver(
      'interaction',
      messageBlockActions(h.fake.workspace.appIdentity(), {
        user: { id: h.people.ann, name: 'ann' },
        channel: { id: h.alerts, name: 'alerts' },
        message: root,
        actions: [{ action_id: actionId, block_id: 'actions', value: values[actionId]!() }],
        triggerId: h.fake.workspace.issueTrigger(h.people.ann),
        responseUrl: h.fake.issueResponseUrl(h.people.ann, h.alerts),
        nowMs: Date.now(),
      }),
    );
    expect(response.status).toBe(200);
    await h.waitFor(`${actionId} answered`, () => h.ephemeralTexts(h.people.ann).filter((text) => text.includes(stale)).length > before, 5_000);
    expect(h.openModal(h.people.ann)).toBeUndefined();
  });
});
