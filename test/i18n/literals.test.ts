import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findUserVisibleLiterals } from '../support/user-visible-literals.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where text for people in Slack is written: the Slack adapter, the use cases, the jobs that post, and
 * the composition roots (src/runtime/playbook-notices.ts tells the alerts channel about broken playbooks).
 * Not here: src/cli (operators' English output, like logs), src/http (JSON answers for integrators and
 * probes), src/domain (its texts already go through t(); the rest is data: lexicons, schema docs),
 * src/sandbox (the synthetic community's own messages).
 */
const SCANNED = ['src/slack', 'src/app', 'src/jobs', 'src/runtime.ts', 'src/runtime', 'src/main.ts'];

function sources(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Literals still waiting to move into the catalog, per file. Must only shrink: a new literal fails this
 * test, and so does a moved one until its count here is lowered.
 */
const NOT_YET_IN_THE_CATALOG: Readonly<Record<string, number>> = {
};

describe('user-visible texts', () => {
  it('are all in the catalog: no literal in a place Slack shows, no inline translation, no Spanish outside src/i18n', () => {
    const perFile: Record<string, number> = {};
    const found: string[] = [];
    for (const file of SCANNED.flatMap((dir) => sources(join(root, dir)))) {
      const name = relative(root, file);
      for (const finding of findUserVisibleLiterals(name, readFileSync(file, 'utf8'))) {
        perFile[name] = (perFile[name] ?? 0) + 1;
        found.push(`${finding.file}:${finding.line} [${finding.rule}] ${finding.text.slice(0, 120)}`);
      }
    }
    expect(perFile, found.join('\n')).toEqual(NOT_YET_IN_THE_CATALOG);
  });

  describe('the checker', () => {
    const check = (source: string) => findUserVisibleLiterals('src/slack/listeners/example.ts', source).map(({ rule, text }) => ({ rule, text }));

    it('flags a text someone adds to a listener', () => {
      const listener = `
        app.action('x', async ({ ack, client, body }) => {
          await ack();
          await client.chat.postEphemeral({ channel: body.channel.id, user: body.user.id, text: 'Hello there' });
        });`;
      expect(check(listener)).toEqual([{ rule: 'visible', text: "'Hello there'" }]);
    });

    it('flags single words where Slack shows them, through constants, shortening and placeholders', () => {
      const source = `
        const title = 'Digest';
        export const view = modal({ callbackId: 'digest_modal', title, close: 'Close', blocks: [header(fit(\`\${emoji} Weekly\`, 20)), section(\`:x: \${count > 1 ? 'many' : one}\`)] });
        await ack({ response_action: 'errors', errors: { [inputIds.summary]: 'Required.' } });
        button('Edit', actionIds.edit, ref);
        export const DEFAULT_LABELS = { share: 'Negative share', spike: 'Spike' };`;
      expect(check(source).map((finding) => finding.text)).toEqual(["'Digest'", "'Close'", '`${emoji} Weekly`', "'many'", "'Required.'", "'Edit'", "'Negative share'", "'Spike'"]);
    });

    it('flags a translation written in place, and Spanish anywhere', () => {
      const source = `
        const note = locale === 'es' ? 'Hecho' : 'Done';
        const flag = es ? \`\${n} mensajes\` : \`\${n} messages\`;
        const names = { es: 'Español' };
        const done = { en: 'Done', es: 'Hecho' }[locale];`;
      expect(check(source).map((finding) => finding.rule)).toEqual(['inline-translation', 'inline-translation', 'spanish', 'inline-translation']);
    });

    it('leaves alone what Slack users never read', () => {
      const source = `
        logger.warn({ err: error }, 'could not tell the alerts channel about playbook problems');
        throw new FirebreakError('input_invalid', 'the summary is missing');
        await client.chat.postMessage({ channel, text: t(locale, 'ui.list.none', {}), blocks });
        await enqueue({ key: \`delivery failed:\${key}\`, method: 'chat.postMessage', payload: { channel, text: \`:warning: \${intro}\\n\${lines.join('\\n')}\` } });
        const block = { type: 'actions', block_id: 'incident actions', elements: [{ type: 'button', action_id: 'take lead', value: 'incident ref' }] };
        message(text, blocks, 'incident list');
        section(\`<@\${user}> <#\${channel}> :white_check_mark: \${slackDate(at, '{date_short} {time}')}\`);
        if (error === 'not in channel') return;
        const lang = incident.locale === 'es' ? 'es' : 'en';`;
      expect(check(source)).toEqual([]);
    });
  });
});
