// Where a reply goes follows the template picked, until staff pick it themselves. The playbook's first
// template answers one member in their thread; switching to "thank everyone in the channel" used to keep
// "Reply in thread to <member>" selected (Slack sends the radio's selection with every menu change), so a
// message to everyone went, unnoticed, into one member's thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds } from '../../src/slack/blocks/ids.js';
import { viewBlockActions, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { playSpike, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

/** A thread template first (the modal opens on it), then the e2e playbook's channel template `holding`. */
const PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace(
  'replies:\n',
  'replies:\n  - id: listening\n    target: thread\n    text:\n      es: Hola {{member}}, gracias por contárnoslo.\n      en: Hi {{member}}, thanks for telling us.\n    guidance: { es: Escucha., en: Listen. }\n',
);

type Radio = { type: string; block_id: string; element: { type: string; initial_option?: { value: string } } };
const targetShown = (view: ViewPayload) => (view.blocks as Radio[]).find((block) => block.block_id === inputIds.draftTarget)?.element.initial_option?.value;

describe.each(availableProviders)('the draft modal’s target follows the template until picked by hand (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, playbook: PLAYBOOK });
    await playSpike(harness);
    await harness.waitFor('the alert', () => harness.rootMessage());
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  /** A menu or radio change in the modal open on `user`'s screen, sent as Slack sends it: with every input's current selection. */
  async function change(user: string, actionId: string, blockId: string, type: string, value: string, selection: { template: string; target: string }): Promise<ViewPayload> {
    const { workspace } = harness.fake;
    const view = harness.openModal(user)!;
    const state = {
      [inputIds.draftTemplate]: { [actionIds.pickTemplate]: { type: 'static_select', selected_option: { value: selection.template } } },
      [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
      [inputIds.draftTarget]: { [actionIds.pickTarget]: { type: 'radio_buttons', selected_option: { value: selection.target } } },
    };
    const response = await harness.deliver(
      'interaction',
      viewBlockActions(workspace.appIdentity(), {
        user: { id: user, name: user },
        view,
        actions: [{ action_id: actionId, block_id: blockId, type, selected_option: { text: { type: 'plain_text', text: value }, value } }],
        triggerId: workspace.issueTrigger(user),
        nowMs: Date.now(),
        state,
      }),
    );
    expect(response.status).toBe(200);
    return harness.waitFor(`the modal re-rendered for ${value}`, () => (harness.openModal(user)?.hash !== view.hash ? harness.openModal(user) : undefined));
  }
  const pickTemplate = (user: string, template: string, target: string) => change(user, actionIds.pickTemplate, inputIds.draftTemplate, 'static_select', template, { template, target });
  const pickTarget = (user: string, template: string, target: string) => change(user, actionIds.pickTarget, inputIds.draftTarget, 'radio_buttons', target, { template, target });

  it('another template brings its own target; a target staff picked stays', async () => {
    const { nina } = harness.people;
    await harness.click(nina, harness.alerts, harness.rootMessage()!.ts, actionIds.draftReply);
    const opened = await harness.waitFor('the draft modal', () => harness.openModal(nina));
    // The first template answers a member in their thread.
    const thread = targetShown(opened)!;
    expect(thread).toMatch(/^thread:/);

    // "holding" is posted in the channel: picking it selects the channel, though Slack still reports the thread.
    let view = await pickTemplate(nina, 'holding', thread);
    expect(targetShown(view)).toBe('channel');
    // Back to the thread template: its thread again.
    view = await pickTemplate(nina, 'listening', 'channel');
    expect(targetShown(view)).toBe(thread);

    // Staff choose the channel themselves: changing template no longer moves it.
    view = await pickTarget(nina, 'listening', 'channel');
    expect(targetShown(view)).toBe('channel');
    view = await pickTemplate(nina, 'holding', 'channel');
    view = await pickTemplate(nina, 'listening', 'channel');
    expect(targetShown(view)).toBe('channel');
  });
});
