// A community lead who is also one of the playbook's approvers leads an incident and writes its
// post-mortem: Slack asks only the other approvers to review it (nobody reviews what they wrote), and
// `firebreak postmortem export` lists the same reviewers, not the author as one who never reviewed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

const text = (value: string) => ({ type: 'plain_text_input', value });

describe.each(availableProviders)('the reviewers of a post-mortem its approver wrote, on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));

  beforeAll(async () => {
    harness = await startHarness({ provider });
    const { ann, ben, cleo } = harness.people;
    await harness.command(ann, `declare <#${harness.support}|support> sev2 Payments failing`);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.click(ann, harness.alerts, root.ts, actionIds.acknowledge);
    await harness.waitFor('the lead', async () => (await prisma().incident.findFirst({ where: { leadUserId: ann } })) ?? undefined);
    const checklist = await harness.waitFor('the checklist', () => threadWith(actionIds.toggleStep)[0]);
    await harness.click(ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await prisma().checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
    expect((await harness.command(ann, 'resolve 1 The card processor is back')).body).toContain('Incident #1 resolved');
    const invite = await harness.waitFor('the invitation', () => threadWith(actionIds.openPostMortem)[0]);
    await harness.click(ann, harness.alerts, invite.ts, actionIds.openPostMortem);
    await harness.waitFor('the post-mortem modal', () => harness.openModal(ann));
    const submitted = await harness.submit(ann, {
      summary: { summary: text('The card processor was down.') },
      impact: { impact: text('Card payments failed for 40 minutes.') },
      whatHappened: { whatHappened: text('The processor rejected every card.') },
      'question.lessons': { 'question.lessons': text('Alert on processor errors.') },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'submit' } } },
    });
    expect(submitted.body).not.toContain('errors');
    const request = await harness.waitFor('the review request', () => threadWith(actionIds.approvePostMortem)[0]);
    // Slack asks Ben and Cleo, not Ann, who wrote it.
    expect(request.text).toContain(`<@${ben}>`);
    expect(request.text).not.toContain(`<@${ann}>`);
    await harness.click(ben, harness.alerts, request.ts, actionIds.approvePostMortem);
    await harness.click(cleo, harness.alerts, request.ts, actionIds.approvePostMortem);
    await harness.waitFor('published', async () => (await prisma().postMortem.findFirst({ where: { status: 'published' } })) ?? undefined);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('the export lists the reviewers Slack asked, each approved, and not its author', async () => {
    const exported = await runCli(['postmortem', 'export', '1'], {
      env: testEnvironment({ DATABASE_URL: harness.database.url, TEAM_TIMEZONE: 'UTC', LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: harness.fake.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: harness.fake.apiUrl }),
    });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('- **Status:** Published');
    expect(exported.stdout).toContain('- **Reviewers:** Ben Approver (approved), Cleo Approver (approved)\n');
  });
});
