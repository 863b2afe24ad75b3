// A Spanish-speaking team (LOCALE=es) lives through a crisis in an English-speaking #support, end to
// end: what Firebreak tells them must be Spanish that agrees with its numbers, name playbook roles in
// words, and never ask them to tick a box the modal does not show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, encodeRef, inputIds } from '../../src/slack/blocks/ids.js';
import { messageBlockActions, viewBlockActions, type ViewPayload } from '../../src/sandbox/slack-payloads.js';
import { ANGRY_MESSAGES } from '../support/community.js';
import { availableProviders } from '../support/databases.js';
import { ManualClock } from '../../src/domain/clock.js';
import { COMMAND_NAMES, SPANISH_WORDS } from '../../src/slack/command-words.js';
import { draftValues, findButtons, type Harness, playSpike, runDigestNow, startHarness, TWO_APPROVER_PLAYBOOK } from './harness.js';

const SPANISH_REPLY = 'Hola a todos, sabemos que la aplicación no funciona y estamos trabajando para arreglarlo lo antes posible. Gracias por vuestra paciencia.';
const ENGLISH_REPLY = 'We know the app is failing for many of you and we are working on a fix. We will update this channel within the hour.';

/** Every text of a message, its blocks included. */
const shown = (message: { text?: string; blocks?: unknown[] }) => `${message.text ?? ''} ${JSON.stringify(message.blocks ?? [])}`;

describe.each(availableProviders)('a Spanish workspace through a whole incident (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, env: { LOCALE: 'es', DAILY_DIGEST: 'true' }, slackLocale: 'es-ES' });
    await playSpike(harness);
    await harness.waitFor('the alert', () => harness.rootMessage());
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const checklist = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep));
  const draftCard = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.approveDraft));

  it('the alert names the playbook in Spanish when the playbook gives its name in both languages', async () => {
    const root = harness.rootMessage()!;
    expect(shown(root)).toContain('Crisis en el canal de soporte');
    expect(shown(root)).not.toContain('Support channel crisis');
  });

  it('the checklist names the step’s owner role in Spanish, not the playbook key “lead”', async () => {
    const message = await harness.waitFor('the checklist', () => checklist());
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('Confirmar el incidente');
    expect(blocks).toContain('quien lidera · vence');
    expect(blocks).not.toMatch(/\\nlead · /);
  });

  it('the feedback reason modal says what is missing when sent blank, instead of repeating its label', async () => {
    const root = harness.rootMessage()!;
    await harness.click(harness.people.ann, harness.alerts, root.ts, actionIds.falseAlarm);
    const feedback = await harness.waitFor('the feedback', async () => (await harness.app.database.prisma.feedback.findFirst({ where: { verdict: 'false_alarm' } })) ?? undefined);
    // "Añadir motivo" on the confirmation only Ann (a lead) sees.
    const identity = harness.fake.workspace.appIdentity();
    await harness.deliver(
      'interaction',
      messageBlockActions(identity, {
        user: { id: harness.people.ann, name: 'ann' },
        channel: { id: harness.alerts, name: 'alerts' },
        message: { ts: root.ts, text: 'feedback recorded', blocks: [] } as never,
        actions: [{ action_id: actionIds.feedbackReason, block_id: 'actions', value: encodeRef({ f: feedback.id }) }],
        triggerId: harness.fake.workspace.issueTrigger(harness.people.ann),
        responseUrl: harness.fake.issueResponseUrl(harness.people.ann, harness.alerts),
        nowMs: Date.now(),
        isEphemeral: true,
      }),
    );
    const modal = await harness.waitFor('the reason modal', () => harness.openModal(harness.people.ann));
    // Sending it is what adds a reason, so the box itself is not "(opcional)".
    expect(JSON.stringify(modal.blocks)).not.toContain('opcional');
    const blank = await harness.submit(harness.people.ann, { [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: '   ' } } });
    const error = (JSON.parse(blank.body) as { errors: Record<string, string> }).errors[inputIds.reason];
    expect(error).toBe('Escribe el motivo, o cierra esta ventana para dejar la opinión sin motivo.');
    await harness.submit(harness.people.ann, { [inputIds.reason]: { [inputIds.reason]: { type: 'plain_text_input', value: 'Quejas sueltas, no una crisis' } } });
    await harness.waitFor('the reason saved', () => harness.app.database.prisma.feedback.findFirst({ where: { id: feedback.id, reason: 'Quejas sueltas, no una crisis' } }));
    // The modal now says it is saved, in Spanish; Ann closes it.
    const saved = harness.openModal(harness.people.ann)!;
    expect(JSON.stringify(saved.blocks)).toContain('Motivo guardado.');
    harness.fake.workspace.closeView(saved.id);
  });

  it('a Spanish text with the readers’ language chosen is refused with advice the modal can follow', async () => {
    const root = harness.rootMessage()!;
    await harness.click(harness.people.sam, harness.alerts, root.ts, actionIds.draftReply);
    const modal = await harness.waitFor('the draft modal', () => harness.openModal(harness.people.sam));
    // #support writes in English, so English is chosen and no "post in this language anyway" box is shown…
    expect(JSON.stringify(modal.blocks)).toContain('"value":"en"');
    expect(modal.blocks.some((block) => (block as { block_id?: string }).block_id === inputIds.draftLanguageConfirm)).toBe(false);

    // …so the refusal cannot ask to tick it as the way out: the text must change, and it says so under the text.
    const refused = await harness.submit(harness.people.sam, draftValues(SPANISH_REPLY));
    const errors = (JSON.parse(refused.body) as { response_action: string; errors: Record<string, string> }).errors;
    // The text box's block id carries the template and language it was prefilled for.
    const error = Object.entries(errors).find(([blockId]) => blockId.startsWith(inputIds.draftText))?.[1] ?? '';
    expect(error).toContain('Esta respuesta está escrita en español');
    expect(error).toContain('Escríbela en inglés');
    expect(error).not.toContain('o elige inglés');
    expect(errors[inputIds.draftLanguage]).toBeUndefined();
    expect(await harness.app.database.prisma.replyDraft.count()).toBe(0);
  });

  it('following the refusal’s advice keeps the text typed: another language never swaps it for the template', async () => {
    const { sam } = harness.people;
    type Block = { type: string; block_id?: string; element?: { initial_value?: string } };
    const textBlockId = (view: ViewPayload) => (view.blocks as Block[]).find((block) => block.type === 'input' && block.block_id?.startsWith(inputIds.draftText))!.block_id!;
    /** Picks a language in Sam's open modal with his Spanish text in the box, as Slack sends it. */
    async function pickLanguage(language: string): Promise<ViewPayload> {
      const view = harness.openModal(sam)!;
      const box = textBlockId(view);
      const response = await harness.deliver(
        'interaction',
        viewBlockActions(harness.fake.workspace.appIdentity(), {
          user: { id: sam, name: 'sam' },
          view,
          actions: [{ action_id: actionIds.pickLanguage, block_id: inputIds.draftLanguage, type: 'static_select', selected_option: { text: { type: 'plain_text', text: language }, value: language } }],
          triggerId: harness.fake.workspace.issueTrigger(sam),
          nowMs: Date.now(),
          state: {
            [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: language } } },
            [inputIds.draftTarget]: { [actionIds.pickTarget]: { type: 'radio_buttons', selected_option: { value: 'channel' } } },
            [box]: { [box]: { type: 'plain_text_input', value: SPANISH_REPLY } },
          },
        }),
      );
      expect(response.status).toBe(200);
      return harness.waitFor(`the modal in ${language}`, () => (harness.openModal(sam)?.hash !== view.hash ? harness.openModal(sam) : undefined));
    }

    // The advice was “to post it in Spanish, pick Spanish”: doing so keeps the text box (Slack keeps what it holds).
    const before = textBlockId(harness.openModal(sam)!);
    let view = await pickLanguage('es');
    expect(textBlockId(view)).toBe(before);
    const shownNow = JSON.stringify(view.blocks);
    expect(shownNow).toContain('Editaste el texto, así que se mantiene tal como lo escribiste en lugar de la plantilla en español');
    expect(view.blocks.some((block) => (block as { block_id?: string }).block_id === inputIds.draftLanguageConfirm)).toBe(true);

    // In Spanish, not confirmed: the advice is to confirm, or to rewrite it in English — not to pick English.
    const values = { ...draftValues(SPANISH_REPLY), [inputIds.draftLanguage]: { [actionIds.pickLanguage]: { type: 'static_select', selected_option: { value: 'es' } } } };
    const refused = await harness.submit(sam, values);
    const error = (JSON.parse(refused.body) as { errors: Record<string, string> }).errors[inputIds.draftLanguage] ?? '';
    expect(error).toContain('Marca «Publicar en este idioma igualmente» para publicarla en español, o reescríbela en inglés');
    expect(error).not.toContain('o elige inglés');

    // Back to English: the Spanish text is still there, with the note to check its language.
    view = await pickLanguage('en');
    expect(textBlockId(view)).toBe(before);
    expect(JSON.stringify(view.blocks)).toContain('comprueba que está escrito en inglés');
    expect(await harness.app.database.prisma.replyDraft.count()).toBe(0);
  });

  it('once one reply is posted the alert says “1 publicada”, in agreement with the number', async () => {
    await harness.submit(harness.people.sam, draftValues(ENGLISH_REPLY));
    const card = await harness.waitFor('the draft card', () => draftCard());
    await harness.click(harness.people.ann, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.click(harness.people.ben, harness.alerts, card.ts, actionIds.approveDraft);
    await harness.waitFor('the reply in #support', () =>
      harness.fake.workspace.messagesIn(harness.support).find((message) => message.user === harness.fake.workspace.bot.user_id && message.text.includes('working on a fix')),
    );
    const root = await harness.waitFor('the alert updated', () => {
      const message = harness.rootMessage();
      return message && shown(message).includes('0 en revisión') && !shown(message).includes('0 publicadas') ? message : undefined;
    });
    expect(shown(root)).toContain('0 en revisión · 1 publicada');
    expect(shown(root)).not.toContain('1 publicadas');
  });

  it('the daily digest is “del último día”, its counts agree with their nouns and its shares use a decimal comma', async () => {
    await runDigestNow(harness);
    const digest = await harness.waitFor('the digest posted', () =>
      harness.fake.api.calls('chat.postMessage').find((call) => call.status === 200 && String(call.args['text'] ?? '').startsWith('Resumen')),
    );
    expect(String(digest.args['text'])).toMatch(/^Resumen del último día/);
    const blocks = JSON.stringify(digest.args['blocks']);
    // The incident is still open, no reply awaits approval.
    expect(blocks).toContain('*Pendiente:* 1 incidente abierto, 0 respuestas por aprobar');
    expect(blocks).toMatch(/#support\*: \d+ mensajes, \d+(,\d)? % negativos/);
    expect(blocks).not.toMatch(/\d\.\d %/);
  });

  it('a detected escalation says how many messages, in how long, and the usual count as the alert does', async () => {
    // Twice the spike's peak in the bucket open now; once it closes, the leader's tick sees it.
    const minute = 60_000;
    const bucketStart = Math.floor(Date.now() / minute) * minute;
    for (let i = 0; i < 40; i += 1) {
      await harness.post(harness.people.members[i % harness.people.members.length]!, ANGRY_MESSAGES[i % ANGRY_MESSAGES.length]!, bucketStart + 500 + i * 10);
    }
    await harness.waitFor('all scored', async () => (await harness.app.database.prisma.scoredMessage.count()) >= 26 + 40);
    await new Promise((resolve) => setTimeout(resolve, bucketStart + minute + 1_000 - Date.now()));
    await harness.app.runtime?.tick();
    const line = await harness.waitFor('the escalation in the thread', () => harness.thread().find((message) => message.text.startsWith('Empeora')));
    // The window is the detector's (several buckets); the usual count is a fraction, shown as one.
    expect(line.text).toMatch(/^Empeora: \d+ mensajes negativos en \d+ min, cuando lo habitual son unos \d+(,\d+)?$/);
    expect(line.text).not.toContain('minutos');
    expect(line.text).not.toMatch(/unos 0$/);
  }, 120_000);

  it('the post-mortem modal is titled with the incident’s number in plain Spanish, not “Post-mortem del #1”', async () => {
    // The required step is done (ticked by Ann, who leads), then the incident is resolved.
    const list = await harness.waitFor('the checklist', () => checklist());
    await harness.click(harness.people.ann, harness.alerts, list.ts, actionIds.toggleStep);
    await harness.waitFor('the step ticked', () => harness.app.database.prisma.checklistItem.findFirst({ where: { doneAt: { not: null } } }));
    expect((await harness.command(harness.people.ann, 'resolve 1 La app vuelve a funcionar')).status).toBe(200);
    await harness.waitFor('the post-mortem', () => harness.app.database.prisma.postMortem.findFirst());
    const root = await harness.waitFor('the write button', () => {
      const message = harness.rootMessage();
      return message && findButtons(message.blocks).some((button) => button.action_id === actionIds.openPostMortem) ? message : undefined;
    });
    await harness.click(harness.people.ann, harness.alerts, root.ts, actionIds.openPostMortem);
    const modal = await harness.waitFor('the post-mortem modal', () => harness.openModal(harness.people.ann));
    expect((modal as unknown as { title: { text: string } }).title.text).toBe('Post-mortem #1');
  });

  it('staff type the Spanish words, the help shows them, and a mistyped word is answered “¿Querías decir…?”', async () => {
    const { ann } = harness.people;
    const help = (JSON.parse((await harness.command(ann, 'ayuda')).body) as { blocks: unknown[] }).blocks;
    const shownHelp = JSON.stringify(help);
    expect(shownHelp).toContain('`/firebreak estado` · también `status`');
    expect(shownHelp).toContain('`/firebreak vigilar #canal` · también `watch`');
    expect(shownHelp).toContain('`/firebreak dejar-de-vigilar #canal` · también `unwatch`');
    expect(shownHelp).toContain('`/firebreak resolver &lt;número de incidente&gt; &lt;resumen&gt;` · también `resolve`');
    expect(shownHelp).toContain('`/firebreak alertas #canal` · también `alerts`');
    // Every word /firebreak understands is in its help.
    for (const name of COMMAND_NAMES) expect(shownHelp).toContain(`\`/firebreak ${SPANISH_WORDS[name]}`);
    // The same answer, but for the incident's age: a second may tick between the two commands.
    const answer = async (word: string) => (await harness.command(ann, word)).body.replace(/hace \d+ s\b/g, 'hace N s');
    const listed = await answer('lista');
    expect(listed).toContain('Último incidente');
    expect(listed).toBe(await answer('list'));
    expect(await answer('estado')).toBe(await answer('status'));
    expect((await harness.command(ann, 'resolver')).body).toContain('Uso: /firebreak resolver &lt;número de incidente&gt;');

    const mistyped = JSON.parse((await harness.command(ann, 'estdo')).body) as { text: string; blocks: unknown[] };
    expect(mistyped.text).toBe('«estdo» no es un comando de Firebreak. ¿Querías decir `/firebreak estado`?');
    expect(JSON.stringify(mistyped.blocks)).toContain('`/firebreak ayuda` muestra todos los comandos.');
    expect((await harness.command(ann, 'statsu')).body).toContain('¿Querías decir `/firebreak status`?');
    // Nothing close: every command is listed instead.
    const unknown = await harness.command(ann, 'abracadabra');
    expect(unknown.body).toContain('«abracadabra» no es un comando de Firebreak.');
    expect(unknown.body).not.toContain('Querías decir');
    expect(unknown.body).toContain('`/firebreak declarar #canal');
  });

  it('“dejar de vigilar”, spaced as people say it, is dejar-de-vigilar (any case)', async () => {
    const { ann, members } = harness.people;
    const prisma = harness.app.database.prisma;
    const general = harness.fake.workspace.addChannel({ name: 'general', members: [...members, ann, harness.fake.workspace.bot.user_id] }).id;
    const watched = async () => (await prisma.watchedChannel.findFirst({ where: { channelId: general } }))?.active;
    await harness.command(ann, `vigilar <#${general}|general>`);
    await harness.waitFor('#general watched', async () => (await watched()) === true);
    const answer = await harness.command(ann, `Dejar de VIGILAR <#${general}|general>`);
    expect(answer.body).not.toContain('no es un comando');
    expect(answer.body).toContain(`Ya no vigilo <#${general}>`);
    expect(await watched()).toBe(false);
    // Missing its channel, the usage line names the word as the help writes it.
    expect((await harness.command(ann, 'dejar de vigilar')).body).toContain('Uso: /firebreak dejar-de-vigilar #canal');
    // "dejar" alone is still no command.
    expect((await harness.command(ann, 'dejar')).body).toContain('«dejar» no es un comando de Firebreak.');
  });
});

/** The harness playbook with a second step, due like the first five minutes after the incident opens. */
const TWO_STEP_PLAYBOOK = TWO_APPROVER_PLAYBOOK.replace(
  '    dueAfterMinutes: 5\n',
  `    dueAfterMinutes: 5
  - id: tell-members
    title: { es: Avisar a los miembros, en: Tell the members }
    owner: lead
    dueAfterMinutes: 5
`,
);

describe.each(availableProviders)('a Spanish checklist past its due times (%s)', (provider) => {
  let harness: Harness;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    harness = await startHarness({ provider, playbook: TWO_STEP_PLAYBOOK, env: { LOCALE: 'es' }, clock, slackLocale: 'es-ES' });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  /** Waits while the clock runs (the outbox posts when its clock says so). */
  const waitAsClockRuns = <T>(what: string, probe: () => T | undefined) =>
    harness.waitFor(what, () => {
      clock.advance(500);
      return probe();
    });

  it('counts one overdue step as “1 vencido”', async () => {
    expect((await harness.command(harness.people.ann, `declare ${harness.support} sev2 La app no carga`)).status).toBe(200);
    const stepsMessage = () => harness.thread().find((message) => findButtons(message.blocks ?? []).some((button) => button.action_id === actionIds.toggleStep));
    const list = await waitAsClockRuns('the checklist', () => stepsMessage());
    expect(list.text).toContain('0/2 hechos');
    // Ten minutes on, both steps are late; Ann ticks one and the checklist is drawn again.
    clock.advance(10 * 60_000);
    await harness.click(harness.people.ann, harness.alerts, list.ts, actionIds.toggleStep);
    const redrawn = await waitAsClockRuns('the checklist redrawn', () => {
      const message = stepsMessage();
      return message?.text.includes('1/2 hechos') ? message : undefined;
    });
    expect(redrawn.text).toContain('1/2 hechos · :warning: 1 vencido');
    expect(redrawn.text).not.toContain('1 vencidos');
  });
});
