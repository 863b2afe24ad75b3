// A modal that adds to the timeline, delivered twice with the same view id (a double click, a request
// Slack sends again), adds once: the note modal and the "Add to incident timeline" modal, as the draft
// modal already did (draft-modal.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, callbackIds, inputIds } from '../../src/slack/blocks/ids.js';
import { viewSubmission, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('a modal submitted twice through Slack on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  beforeAll(async () => {
    harness = await startHarness({ provider });
    await harness.command(harness.people.cleo, `declare ${harness.support} sev2 Payments failing`);
    await harness.waitFor('the alert', () => harness.rootMessage());
  });
  afterAll(async () => {
    await harness?.close();
  });

  /** Delivers `view`'s submission as `user` twice at once, then once more after both were answered. */
  async function submitThrice(user: string, view: ViewPayload, values: Record<string, Record<string, unknown>>): Promise<void> {
    const identity = harness.fake.workspace.appIdentity();
    const send = () => harness.deliver('interaction', viewSubmission(identity, { user: { id: user, name: user }, view, values, triggerId: harness.fake.workspace.issueTrigger(user) }));
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect((await send()).status).toBe(200);
    harness.fake.workspace.closeView(view.id);
  }

  it('the note modal adds its note once', async () => {
    const { ann } = harness.people;
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.addNote);
    const view = await harness.waitFor('the note modal', () => (harness.openModal(ann)?.callback_id === callbackIds.noteModal ? harness.openModal(ann) : undefined));
    await submitThrice(ann, view, { [inputIds.note]: { [inputIds.note]: { type: 'plain_text_input', value: 'Engineering is rolling back the payment service.' } } });
    const noteLines = () => harness.thread().filter((message) => JSON.stringify(message).includes('rolling back the payment service'));
    await harness.waitFor('the note in the thread', () => noteLines().length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await prisma().timelineEvent.count({ where: { kind: 'note_added' } })).toBe(1);
    expect(noteLines()).toHaveLength(1);

    // A new note modal is a new submission: its note is added.
    await harness.click(ann, harness.alerts, harness.rootMessage()!.ts, actionIds.addNote);
    await harness.waitFor('the second note modal', () => harness.openModal(ann)?.callback_id === callbackIds.noteModal);
    await harness.submit(ann, { [inputIds.note]: { [inputIds.note]: { type: 'plain_text_input', value: 'Rollback done.' } } });
    await harness.waitFor('the second note', async () => (await prisma().timelineEvent.count({ where: { kind: 'note_added' } })) === 2);
  });

  it('"Add to incident timeline" adds the member message once', async () => {
    const { ben, members } = harness.people;
    const { ts } = await harness.post(members[3]!, 'My card was charged twice', Date.now());
    await harness.shortcut(ben, callbackIds.addToTimelineShortcut, { ts, text: 'My card was charged twice', user: members[3]! });
    const view = await harness.waitFor('the timeline modal', () => (harness.openModal(ben)?.callback_id === callbackIds.addToTimelineModal ? harness.openModal(ben) : undefined));
    const incident = await prisma().incident.findFirstOrThrow();
    await submitThrice(ben, view, { [inputIds.incident]: { [inputIds.incident]: { type: 'static_select', selected_option: { value: incident.id } } } });
    await harness.waitFor('the message on the timeline', async () => (await prisma().timelineEvent.count({ where: { kind: 'message_added' } })) >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await prisma().timelineEvent.count({ where: { kind: 'message_added' } })).toBe(1);
  });
});
