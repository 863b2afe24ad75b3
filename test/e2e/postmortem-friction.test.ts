// The post-mortem as its owner and reviewers meet it in Slack: the resolution summary carried into
// it, inputs marked required or optional (never both), each approval acknowledged in place, and an
// export that names staff instead of showing their user ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendToApp } from '../../src/sandbox/signing.js';
import { viewBlockActions } from '../../src/sandbox/slack-payloads.js';
import { actionIds, callbackIds, inputIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

/** The sandbox's on-call persona (src/sandbox/personas.ts), as a sandbox session records him. */
const SAM_ORTEGA = 'U0STAFFSAM';
const SUMMARY = 'Card processor restored; payments work again.';

const text = (value: string) => ({ type: 'plain_text_input', value });
const errorsOf = (body: string): Record<string, string> => (JSON.parse(body || '{}') as { errors?: Record<string, string> }).errors ?? {};
type InputBlock = { type: string; block_id: string; optional?: boolean; hint?: { text: string }; element: { initial_value?: string } };
const inputsOf = (blocks: unknown[]) => (blocks as InputBlock[]).filter((block) => block.type === 'input');

describe.each(availableProviders)('post-mortem friction through Slack on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));

  beforeAll(async () => {
    harness = await startHarness({ provider });
    harness.fake.workspace.addUser({ id: SAM_ORTEGA, name: 'sam', real_name: 'Sam Ortega' });
    await playSpike(harness);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.click(SAM_ORTEGA, harness.alerts, root.ts, actionIds.acknowledge);
    await harness.waitFor('the lead', async () => (await prisma().incident.findFirst({ where: { leadUserId: SAM_ORTEGA } })) ?? undefined);
    const checklist = await harness.waitFor('the checklist', () => threadWith(actionIds.toggleStep)[0]);
    await harness.click(SAM_ORTEGA, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await prisma().checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
    await harness.waitFor('the Resolve button', () => findButtons(harness.rootMessage()!.blocks).some((button) => button.action_id === actionIds.resolve));
    await harness.click(SAM_ORTEGA, harness.alerts, root.ts, actionIds.resolve);
    await harness.waitFor('the resolve modal', () => harness.openModal(SAM_ORTEGA));
    await harness.submit(SAM_ORTEGA, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text(SUMMARY) } });
    await harness.waitFor('the resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('the resolution summary starts the post-mortem; inputs are required or optional, never "(optional)" and needed', async () => {
    const invite = await harness.waitFor('the invitation', () => threadWith(actionIds.openPostMortem)[0]);
    await harness.click(SAM_ORTEGA, harness.alerts, invite.ts, actionIds.openPostMortem);
    const modal = await harness.waitFor('the post-mortem modal', () => harness.openModal(SAM_ORTEGA));
    expect(modal.callback_id).toBe(callbackIds.postMortemModal);
    const inputs = inputsOf(modal.blocks as unknown[]);
    const summary = inputs.find((block) => block.block_id === 'summary')!;
    expect(summary.element.initial_value).toBe(SUMMARY);
    // Sending for review (the default): what review needs is required, nothing optional says it is needed.
    const required = inputs.filter((block) => block.optional === false).map((block) => block.block_id);
    expect(required).toEqual(expect.arrayContaining(['summary', 'impact', 'whatHappened', 'question.lessons', postMortemInputIds.intent]));
    for (const block of inputs) expect(`${block.optional ? 'optional' : 'required'} ${block.hint?.text ?? ''}`, block.block_id).not.toMatch(/^optional .*(Needed|required)/i);

    // Choosing "Keep as draft" rebuilds the modal in place with every input optional.
    const choose = await sendToApp(
      `${harness.app.url}/slack/events`,
      SIGNING_SECRET,
      'interaction',
      viewBlockActions(harness.fake.workspace.appIdentity(), {
        user: { id: SAM_ORTEGA, name: 'sam' },
        view: modal,
        state: { [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'save' } } } },
        actions: [{ action_id: actionIds.postMortemIntent, block_id: postMortemInputIds.intent, type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'Keep as draft' }, value: 'save' } }],
        triggerId: harness.fake.workspace.issueTrigger(SAM_ORTEGA),
        nowMs: Date.now(),
      }),
    );
    expect(choose.status).toBe(200);
    const draft = await harness.waitFor('the modal rebuilt for a draft', () => {
      const view = harness.openModal(SAM_ORTEGA);
      return view && view.id === modal.id && inputsOf(view.blocks as unknown[]).every((block) => block.optional || block.block_id === postMortemInputIds.intent) ? view : undefined;
    });
    expect(inputsOf(draft.blocks as unknown[]).map((block) => block.block_id)).toEqual(inputs.map((block) => block.block_id));
  });

  it('each reviewer’s approval is acknowledged in place on the review request ("1 of 3 approved")', async () => {
    const submitted = await harness.submit(SAM_ORTEGA, {
      summary: { summary: text(SUMMARY) },
      impact: { impact: text('Card payments failed for 40 minutes.') },
      whatHappened: { whatHappened: text('The processor rejected every card.') },
      'question.lessons': { 'question.lessons': text('Alert on processor errors.') },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
    });
    expect(errorsOf(submitted.body)).toEqual({});
    const request = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem)[0]);
    const { ann, ben, cleo } = harness.people;
    const shown = () => JSON.stringify(harness.fake.workspace.findMessage(harness.alerts, request.ts)?.blocks ?? []);

    await harness.click(ann, harness.alerts, request.ts, actionIds.approvePostMortem);
    await harness.waitFor('1 of 3 approved', () => shown().includes(`1 of 3 approved: <@${ann}>`));
    expect(findButtons(harness.fake.workspace.findMessage(harness.alerts, request.ts)!.blocks ?? []).map((button) => button.action_id)).toContain(actionIds.approvePostMortem);
    await harness.click(ben, harness.alerts, request.ts, actionIds.approvePostMortem);
    await harness.waitFor('2 of 3 approved', () => shown().includes(`2 of 3 approved: <@${ann}>, <@${ben}>`));
    expect((await prisma().postMortem.findFirstOrThrow()).status).toBe('in_review');
    await harness.click(cleo, harness.alerts, request.ts, actionIds.approvePostMortem);
    await harness.waitFor('published', async () => (await prisma().postMortem.findFirst({ where: { status: 'published' } })) ?? undefined);
  });

  it('`firebreak postmortem export` names staff, from the sandbox personas without Slack credentials or from Slack with a token', async () => {
    const env = { DATABASE_URL: harness.database.url, TEAM_TIMEZONE: 'UTC', LOG_LEVEL: 'silent' };
    const offline = await runCli(['postmortem', 'export', '1'], { env: testEnvironment(env) });
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('- **Lead:** Sam Ortega');
    expect(offline.stdout).not.toContain(SAM_ORTEGA);

    const online = await runCli(['postmortem', 'export', '1'], {
      env: testEnvironment({ ...env, SLACK_BOT_TOKEN: harness.fake.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: harness.fake.apiUrl }),
    });
    expect(online.code).toBe(0);
    expect(online.stdout).toMatch(/- \*\*Reviewers:\*\* .*Ann Approver \(approved\)/);
    for (const id of [SAM_ORTEGA, harness.people.ann, harness.people.ben, harness.people.cleo]) expect(online.stdout).not.toContain(id);
    // Community members stay pseudonymised.
    for (const member of harness.people.members) expect(online.stdout).not.toContain(member);
  }, 120_000);
});
