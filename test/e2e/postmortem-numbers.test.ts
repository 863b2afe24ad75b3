// A post-mortem's number question, answered as people type numbers in Spanish and English: 1,5 and 1.5
// are both stored as 1.5, 1.234,5 as 1234.5; 1,234 (thousands, or decimals?) is refused under the input,
// naming the question and what to write, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, postMortemInputIds } from '../../src/slack/blocks/ids.js';
import { findButtons, startHarness, TWO_APPROVER_PLAYBOOK, type Harness } from './harness.js';

const PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace(
  '    - id: lessons\n',
  '    - id: affected\n      prompt: { es: ¿Cuántos miles de clientes se vieron afectados?, en: How many thousand customers were affected? }\n      answer: number\n      min: 0\n    - id: lessons\n',
);
const QUESTION = postMortemInputIds.question('affected');

describe('a post-mortem number answer', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ playbook: PLAYBOOK, env: { LOCALE: 'es' }, slackLocale: 'es-ES' });
    const { ann } = harness.people;
    await harness.command(ann, `declare <#${harness.support}|support> sev3 Los pagos fallan`);
    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    await harness.click(ann, harness.alerts, root.ts, actionIds.acknowledge);
    const checklist = await harness.waitFor('the checklist', () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep)));
    await harness.click(ann, harness.alerts, checklist.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', async () => (await harness.app.database.prisma.timelineEvent.findFirst({ where: { kind: 'checklist_ticked' } })) ?? undefined);
    await harness.command(ann, 'resolve 1 Los pagos vuelven a funcionar');
    const invite = await harness.waitFor('the post-mortem invitation', () =>
      harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.openPostMortem)),
    );
    await harness.click(ann, harness.alerts, invite.ts, actionIds.openPostMortem);
    await harness.waitFor('the post-mortem modal', () => harness.openModal(ann));
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const save = (value: string) =>
    harness.submit(harness.people.ann, {
      [QUESTION]: { [QUESTION]: { type: 'number_input', value } },
      [postMortemInputIds.intent]: { [postMortemInputIds.intent]: { type: 'radio_buttons', selected_option: { value: 'save' } } },
    });
  const errors = (body: string) => (JSON.parse(body || '{}') as { errors?: Record<string, string> }).errors ?? {};
  const stored = async () => {
    const postMortem = await harness.app.database.prisma.postMortem.findFirstOrThrow();
    return (JSON.parse(typeof postMortem.answers === 'string' ? postMortem.answers : JSON.stringify(postMortem.answers)) as Record<string, string>)['affected'];
  };

  it('refuses a count below the playbook\'s min under the input, and asks Slack\'s client to hold it too', async () => {
    const shown = JSON.stringify(harness.openModal(harness.people.ann)!.blocks);
    expect(shown).toContain('"min_value":"0"');
    const answer = await save('-3');
    expect(errors(answer.body)[QUESTION]).toBe('-3 en «¿Cuántos miles de clientes se vieron afectados?» es demasiado pequeño; el mínimo es 0.');
    expect(await stored()).toBeFalsy();
  });

  it('refuses 1,234 (a thousand and more, or one and a bit?) under the input, naming the question', async () => {
    const answer = await save('1,234');
    expect(errors(answer.body)[QUESTION]).toBe(
      '«1,234» en «¿Cuántos miles de clientes se vieron afectados?» se puede leer de dos maneras, como miles o como decimales. Escribe los miles sin separador (1234) o los decimales con una cuarta cifra (1,2340).',
    );
    expect(await stored()).toBeFalsy();
  });

  it('stores 1,5 and 1.5 as one and a half, and 1.234,5 as 1234.5', async () => {
    for (const [typed, kept] of [['1,5', '1.5'], ['1.5', '1.5'], ['1.234,5', '1234.5']] as const) {
      const answer = await save(typed);
      expect(errors(answer.body), typed).toEqual({});
      await harness.waitFor(`${typed} stored`, async () => (await stored()) === kept);
      if (!harness.openModal(harness.people.ann)) {
        const invite = harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.openPostMortem))!;
        await harness.click(harness.people.ann, harness.alerts, invite.ts, actionIds.openPostMortem);
        await harness.waitFor('the post-mortem modal again', () => harness.openModal(harness.people.ann));
      }
    }
  });
});
