// A link whose text names an allowed domain but whose host is another: `https://status.acme.test:443@evil.example/`
// opens evil.example (what precedes the `@` is a user name and password). Approvers read the link's
// label on the card; the preflight's warning under it is their one sign of where it really goes. The same
// for a mailto link whose address is another domain's, with the allowed domain after its `?`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { t } from '../../src/i18n/index.js';
import { availableProviders } from '../support/databases.js';
import { declareLoginIncident, draftValues, findButtons, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace('escalation:\n', 'allowedLinkDomains: [acme.test]\nescalation:\n');

describe.each(availableProviders)('a link disguised as an allowed domain (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, playbook: PLAYBOOK });
    await declareLoginIncident(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const cards = () => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));

  async function draftCardFor(text: string, number: number): Promise<string> {
    await harness.click(harness.people.cleo, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    await harness.waitFor('the draft modal', () => harness.openModal(harness.people.cleo));
    expect((await harness.submit(harness.people.cleo, draftValues(text))).body).not.toContain('errors');
    const card = await harness.waitFor('the draft card', () => cards().find((message) => message.text.startsWith(`Reply #${number}:`)));
    return JSON.stringify(card.blocks);
  }

  it('the card warns that the link is not in the playbook, as for any unknown link; a real subdomain is not flagged', async () => {
    const disguised = 'https://status.acme.test:443@evil.example/refund';
    const shown = await draftCardFor(`Refunds are open: <${disguised}|status.acme.test>`, 1);
    expect(shown).toContain(JSON.stringify(t('en', 'preflight.warning.contact', { kind: 'url', found: disguised })).slice(1, -1));
    const genuine = await draftCardFor('Refunds are open: <https://status.acme.test/refund|status.acme.test>', 2);
    expect(genuine).toContain(JSON.stringify(t('en', 'preflight.passed', {})).slice(1, -1));
  });

  it('a mailto link labelled with an allowed address but writing elsewhere is flagged on the card', async () => {
    const shown = await draftCardFor('Send us your order number: <mailto:refunds@evil.example?subject=@acme.test|help@acme.test>', 3);
    expect(shown).toContain(JSON.stringify(t('en', 'preflight.warning.contact', { kind: 'email', found: 'refunds@evil.example' })).slice(1, -1));
  });
});
