// Slack shows a plain_text object literally (only mrkdwn reads `&amp;`, `&lt;`, `&gt;` as escapes): names
// people chose ("Q&A <beta>") must reach plain_text fields as typed, and stay escaped in mrkdwn.
import { describe, expect, it } from 'vitest';
import { draftReplyModal } from '../../../src/slack/blocks/index.js';
import { SLACK_LIMITS } from '../../../src/slack/blocks/limits.js';
import { renderOrRaw } from '../../../src/slack/blocks/reply-templates.js';
import { expectViewWithinLimits, outagePlaybook } from './fixtures.js';

const NAME = 'Q&A <beta>';
const ESCAPE = /&(?:amp|lt|gt);/;

/** Every text object in a view, with its type. */
function textObjects(node: unknown, out: { type: string; text: string }[] = []): { type: string; text: string }[] {
  if (Array.isArray(node)) node.forEach((child) => textObjects(child, out));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ((record['type'] === 'plain_text' || record['type'] === 'mrkdwn') && typeof record['text'] === 'string') out.push({ type: record['type'], text: record['text'] });
    else Object.values(record).forEach((child) => textObjects(child, out));
  }
  return out;
}

function modalFor(authorName: string, keptText = false) {
  const playbook = outagePlaybook();
  const template = playbook.replies[0]!;
  const values = { member: authorName, channel: 'community', eta: '18:30', status_page: 'https://status.acme.com', brand: 'Acme', support_contact: 'help@acme.com', incident_id: '#7', severity: 'SEV2' };
  const rendered = renderOrRaw(template.text.en, values);
  return draftReplyModal({
    incidentId: 'inc-1',
    incidentNumber: 7,
    channelId: 'CCOMMUNITY',
    channelName: 'community',
    locale: 'en',
    templates: playbook.replies,
    text: rendered,
    targets: [{ ts: '1700000000.000200', text: 'Worst update ever', authorName }],
    target: { kind: 'thread', ts: '1700000000.000200' },
    templatePreviews: Object.fromEntries(playbook.replies.map((reply) => [reply.id, renderOrRaw(reply.text.en, values)])),
    ...(keptText ? { keptText: { blockId: 'kept', languageChanged: false }, templateText: rendered, textTarget: { kind: 'channel' as const } } : {}),
  });
}

describe('plain_text shows what people typed', () => {
  it('a member named "Q&A <beta>": the thread option and the template previews show the name as typed, mrkdwn keeps it escaped', () => {
    const view = modalFor(NAME, true);
    expectViewWithinLimits(view);
    const texts = textObjects(view);
    const plain = texts.filter((text) => text.type === 'plain_text');
    expect(plain.filter((text) => ESCAPE.test(text.text)).map((text) => text.text)).toEqual([]);
    // The thread option names her, the template preview greets her, the template to copy from too.
    expect(plain.filter((text) => text.text.includes(NAME)).length).toBeGreaterThanOrEqual(3);
    // Where the same name is in mrkdwn (the "written for" warning), it cannot ping or link.
    const mrkdwn = texts.filter((text) => text.type === 'mrkdwn' && text.text.includes('Q&amp;A &lt;beta&gt;'));
    expect(mrkdwn.length).toBeGreaterThan(0);
    expect(texts.filter((text) => text.type === 'mrkdwn').some((text) => text.text.includes(NAME))).toBe(false);
  });

  it('a long name is still cut to the option’s limit, and never in the middle of a character', () => {
    const long = `${'<&>'.repeat(40)}😀`;
    const view = modalFor(long);
    expectViewWithinLimits(view);
    const options = textObjects(view).filter((text) => text.type === 'plain_text' && text.text.includes('<&>'));
    expect(options.length).toBeGreaterThan(0);
    for (const option of options) {
      expect(option.text.length).toBeLessThanOrEqual(SLACK_LIMITS.section.text);
      expect(ESCAPE.test(option.text)).toBe(false);
    }
  });
});
