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

type Radio = { type: string; block_id: string; element: { type: string; action_id?: string; initial_option?: { value: string } } };
const radiosOf = (view: ViewPayload) => (view.blocks as Radio[]).find((block) => block.element?.action_id === actionIds.pickTarget)!;
/**
 * The target a person sees after `view` replaced `before` while `selected` was selected, as Slack shows
 * it: an input that keeps its block_id keeps its selection; a new block_id shows its initial option.
 */
const targetShown = (before: ViewPayload | undefined, view: ViewPayload, selected?: string) =>
  before && radiosOf(before).block_id === radiosOf(view).block_id ? selected : radiosOf(view).element.initial_option?.value;

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
      [radiosOf(view).block_id]: { [actionIds.pickTarget]: { type: 'radio_buttons', selected_option: { value: selection.target } } },
    };
    const response = await harness.deliver(
      'interaction',
      viewBlockActions(workspace.appIdentity(), {
        user: { id: user, name: user },
        view,
        actions: [{ action_id: actionId, block_id: blockId === inputIds.draftTarget ? radiosOf(view).block_id : blockId, type, selected_option: { text: { type: 'plain_text', text: value }, value } }],
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
    const thread = targetShown(undefined, opened)!;
    expect(thread).toMatch(/^thread:/);

    // "holding" is posted in the channel: picking it shows the channel selected, not the thread still selected.
    let before = opened;
    let view = await pickTemplate(nina, 'holding', thread);
    expect(targetShown(before, view, thread)).toBe('channel');
    // Back to the thread template: its thread again.
    before = view;
    view = await pickTemplate(nina, 'listening', 'channel');
    expect(targetShown(before, view, 'channel')).toBe(thread);

    // Staff choose the channel themselves: changing template no longer moves it.
    before = view;
    view = await pickTarget(nina, 'listening', 'channel');
    expect(targetShown(before, view, 'channel')).toBe('channel');
    before = view;
    view = await pickTemplate(nina, 'holding', 'channel');
    expect(targetShown(before, view, 'channel')).toBe('channel');
    before = view;
    view = await pickTemplate(nina, 'listening', 'channel');
    expect(targetShown(before, view, 'channel')).toBe('channel');

    // The submission reads the target whatever the radios' block_id, and the draft goes to the channel.
    const answer = await harness.submit(nina, {
      [inputIds.draftText]: { [inputIds.draftText]: { type: 'plain_text_input', value: 'Thanks, everyone: we are looking into it and will update this channel.' } },
      [radiosOf(view).block_id]: { [actionIds.pickTarget]: { type: 'radio_buttons', selected_option: { value: 'channel' } } },
      [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'en' } } },
    });
    expect(answer.body).not.toContain('errors');
    const draft = await harness.waitFor('the draft', async () => (await harness.app.database.prisma.replyDraft.findFirst()) ?? undefined);
    expect(draft).toMatchObject({ targetKind: 'channel', targetTs: null });
  });
});
