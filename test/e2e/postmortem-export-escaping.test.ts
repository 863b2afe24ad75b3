// What staff and playbook editors typed reaches `firebreak postmortem export` as text, never as Markdown
// structure: a Slack name, a checklist step's title (in the timeline's descriptions), a post-mortem
// question, an action item's owner, the resolution summary. A `# heading`, a line break, `<script>`, a
// `[link](javascript:…)`, backticks or `|` in any of them cannot add a heading, HTML, a link, code or a
// table cell to the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, inputIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { isoDay } from '../../src/slack/blocks/postmortem.js';
import { runCli, testEnvironment } from '../support/cli.js';
import { availableProviders } from '../support/databases.js';
import { findButtons, playSpike, SIGNING_SECRET, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const DAY = 86_400_000;
const EVE = 'U0EVE';
/** A staff member's Slack name, as anyone may set their own. */
const EVE_NAME = '## Eve <img src=x onerror=alert(1)> [me](javascript:alert(2)) `rm -rf` | *bold*';
/** A checklist step's title and a question, as a playbook editor may write them (YAML double-quoted). */
const STEP_TITLE = 'Call ops <script>alert(3)</script>\\n# Injected step heading\\n[status](javascript:alert(4)) | now';
const QUESTION = '# Lessons <b>learned</b> [x](javascript:alert(5)) `code`';
const SUMMARY = 'Fixed.\n# Injected summary heading\n<script>alert(6)</script>';

const playbook = TWO_APPROVER_PLAYBOOK.replace('title: { es: Confirmar el incidente, en: Acknowledge the incident }', `title: { es: "${STEP_TITLE}", en: "${STEP_TITLE}" }`).replace(
  'prompt: { es: ¿Qué aprendimos?, en: What did we learn? }',
  `prompt: { es: "${QUESTION}", en: "${QUESTION}" }`,
);

const text = (value: string) => ({ type: 'plain_text_input', value });

describe.each(availableProviders)('post-mortem Markdown export of hostile texts on %s', (provider) => {
  let harness: Harness;
  const prisma = () => harness.app.database.prisma;
  const threadWith = (actionId: string) => harness.thread().filter((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionId));

  beforeAll(async () => {
    expect(playbook).toContain(QUESTION);
    expect(playbook).toContain('Call ops');
    harness = await startHarness({ provider, playbook });
    harness.fake.workspace.addUser({ id: EVE, name: 'eve', real_name: EVE_NAME, display_name: EVE_NAME });
    await playSpike(harness);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.click(EVE, harness.alerts, root.ts, actionIds.acknowledge);
    await harness.waitFor('the lead', async () => (await prisma().incident.findFirst({ where: { leadUserId: EVE } })) ?? undefined);
    const checklist = await harness.waitFor('the checklist', () => threadWith(actionIds.toggleStep)[0]);
    await harness.click(EVE, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await prisma().checklistItem.count({ where: { doneAt: { not: null } } })) === 1);
    await harness.waitFor('the Resolve button', () => findButtons(harness.rootMessage()!.blocks).some((button) => button.action_id === actionIds.resolve));
    await harness.click(EVE, harness.alerts, root.ts, actionIds.resolve);
    await harness.waitFor('the resolve modal', () => harness.openModal(EVE));
    await harness.submit(EVE, { [inputIds.resolutionSummary]: { [inputIds.resolutionSummary]: text(SUMMARY) } });
    await harness.waitFor('the resolution', async () => (await prisma().incident.findFirst({ where: { status: 'resolved' } })) ?? undefined);
    const invite = await harness.waitFor('the invitation', () => threadWith(actionIds.openPostMortem)[0]);
    await harness.click(EVE, harness.alerts, invite.ts, actionIds.openPostMortem);
    await harness.waitFor('the post-mortem modal', () => harness.openModal(EVE));
    const saved = await harness.submit(EVE, {
      'question.lessons': { 'question.lessons': text('Tell members sooner.') },
      [postMortemInputIds.actionItem(0, 'text')]: { [postMortemInputIds.actionItem(0, 'text')]: text('Alert | on errors') },
      [postMortemInputIds.actionItem(0, 'owner')]: { [postMortemInputIds.actionItem(0, 'owner')]: { type: 'users_select', selected_user: EVE } },
      [postMortemInputIds.actionItem(0, 'dueAt')]: { [postMortemInputIds.actionItem(0, 'dueAt')]: { type: 'datepicker', selected_date: isoDay(Date.now() + 7 * DAY, 'UTC') } },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'save' } } },
    });
    expect(saved.body).not.toContain('errors');
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('renders every one of them as the text typed', async () => {
    const env = testEnvironment({ DATABASE_URL: harness.database.url, TEAM_TIMEZONE: 'UTC', LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: harness.fake.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: harness.fake.apiUrl });
    const exported = await runCli(['postmortem', 'export', '1'], { env });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const markdown = exported.stdout;
    // The texts are all there (Eve is named from Slack; the step in the timeline; the question as a heading's text).
    expect(markdown).toContain('Eve');
    expect(markdown).toContain('Call ops');
    expect(markdown).toMatch(/^### .*Lessons/m);

    // Headings: the file's own, and the question's (whose "#" is its text).
    const headings = markdown.split('\n').filter((line) => /^ {0,3}#{1,6}(\s|$)/.test(line));
    for (const heading of headings) expect(heading, heading).toMatch(/^(# Post-mortem: incident #1|## [A-Z][a-z ]+|### \\# Lessons.*)$/);
    expect(markdown).not.toMatch(/^\s*(>\s*)*#+ Injected/m);
    // No HTML, no link, no code span of anyone's.
    expect(markdown).not.toMatch(/(^|[^\\])<\/?(script|img|b)\b/m);
    expect(markdown).not.toMatch(/(^|[^\\])\[[^\]\n]*\]\(javascript:/m);
    expect(markdown).not.toMatch(/(^|[^\\`])`(rm -rf|code)`/m);
    // Eve's name in a list item stays in that item: one line, its "##" and "|" as text.
    const lead = markdown.split('\n').find((line) => line.startsWith('- **Lead:**'));
    expect(lead).toBeDefined();
    expect(lead).toContain('\\<img');
    // The action item's row keeps its four cells whatever the owner's name holds.
    const row = markdown.split('\n').find((line) => line.startsWith('| Alert'));
    expect(row?.split(/(?<!\\)\|/).length, row).toBe(6);
    // The step's line breaks did not end its timeline line: the description is one list item.
    const ticked = markdown.split('\n').filter((line) => line.includes('Call ops'));
    for (const line of ticked) expect(line, line).toMatch(/^- \*\*[\d: -]+\*\* — .*Injected step heading.*now/);
  }, 120_000);
});
