import { describe, expect, it } from 'vitest';
import { isFirebreakError } from '../../../src/errors.js';
import {
  assertWithinSlackLimits,
  checkMessageLimits,
  checkSlackLimits,
  checkViewLimits,
} from '../../../src/slack/blocks/limits.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const x = (n: number) => 'x'.repeat(n);

describe('checkMessageLimits', () => {
  it('accepts a realistic incident card', () => {
    const card = {
      text: 'Incident #12 opened in #community',
      blocks: [
        { type: 'header', text: plain('🔥 Negativity spike in #community') },
        { type: 'section', block_id: 'summary', text: mrkdwn('*42%* negative over 30 min'), fields: [mrkdwn('*Severity*\nHigh'), mrkdwn('*Owner*\n<@U123>')] },
        { type: 'context', elements: [mrkdwn('Detected 12:04 UTC'), { type: 'image', image_url: 'https://example.invalid/i.png', alt_text: 'chart' }] },
        {
          type: 'actions',
          block_id: 'incident-12',
          elements: [
            { type: 'button', action_id: 'ack', text: plain('Acknowledge'), value: 'inc_12', style: 'primary' },
            { type: 'static_select', action_id: 'severity', placeholder: plain('Severity'), options: [{ text: plain('High'), value: 'high' }] },
          ],
        },
      ],
    };
    expect(checkMessageLimits(card)).toEqual([]);
  });

  it('reports each limit at its exact boundary, with the path', () => {
    const atLimit = { text: 'ok', blocks: [{ type: 'section', text: mrkdwn(x(3000)) }] };
    expect(checkMessageLimits(atLimit)).toEqual([]);
    const over = { text: 'ok', blocks: [{ type: 'section', text: mrkdwn(x(3001)) }] };
    expect(checkMessageLimits(over)).toEqual([{ path: 'blocks[0].text.text', message: 'is 3001 characters; the limit is 3000' }]);
  });

  it('counts blocks per message (50) and text (40,000)', () => {
    expect(checkMessageLimits({ blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) })).toEqual([]);
    expect(checkMessageLimits({ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toEqual([
      { path: 'blocks', message: 'has 51 blocks (per message); the limit is 50' },
    ]);
    expect(checkMessageLimits({ text: x(40_001) })).toEqual([{ path: 'text', message: 'is 40001 characters; the limit is 40000' }]);
    expect(checkMessageLimits({ text: '  ' })).toEqual([{ path: 'text', message: 'a message needs text, blocks or attachments' }]);
  });

  it('returns every violation in one pass', () => {
    const message = {
      text: 'x',
      blocks: [
        { type: 'header', block_id: x(256), text: mrkdwn(x(151)) },
        { type: 'section', fields: Array.from({ length: 11 }, (_, i) => mrkdwn(i === 3 ? x(2001) : 'f')) },
        {
          type: 'actions',
          elements: [
            ...Array.from({ length: 25 }, (_, i) => ({ type: 'button', action_id: `b${i}`, text: plain('ok') })),
            { type: 'button', action_id: x(256), text: plain(x(76)), value: x(2001), url: `https://${x(3000)}` },
            { type: 'button', action_id: 'b0', text: plain('dup') },
          ],
        },
        { type: 'section', text: mrkdwn('x'), accessory: { type: 'overflow', action_id: 'more', options: Array.from({ length: 6 }, (_, i) => ({ text: plain(`o${i}`), value: `${i}` })) } },
      ],
    };
    const paths = checkMessageLimits(message).map((v) => v.path);
    expect(paths).toEqual([
      'blocks[0].block_id',
      'blocks[0].text.type',
      'blocks[0].text.text',
      'blocks[1].fields',
      'blocks[1].fields[3].text',
      'blocks[2].elements',
      'blocks[2].elements[26].action_id',
      'blocks[2].elements[25].action_id',
      'blocks[2].elements[25].text.text',
      'blocks[2].elements[25].value',
      'blocks[2].elements[25].url',
      'blocks[3].accessory.options',
    ]);
  });

  it('checks select options, option text and value, and confirmation dialogs', () => {
    const options = Array.from({ length: 101 }, (_, i) => ({ text: plain(i === 0 ? x(76) : `o${i}`), value: i === 1 ? x(151) : `${i}` }));
    const violations = checkMessageLimits({
      blocks: [
        {
          type: 'actions',
          elements: [
            { type: 'static_select', action_id: 's', placeholder: plain(x(151)), options },
            { type: 'button', action_id: 'close', text: plain('Close'), confirm: { title: plain(x(101)), text: mrkdwn(x(301)), confirm: plain(x(31)), deny: plain('No') } },
          ],
        },
      ],
    });
    expect(violations.map((v) => `${v.path} ${v.message}`)).toEqual([
      'blocks[0].elements[0].placeholder.text is 151 characters; the limit is 150',
      'blocks[0].elements[0].options has 101 options; the limit is 100',
      'blocks[0].elements[0].options[0].text.text is 76 characters; the limit is 75',
      'blocks[0].elements[0].options[1].value is 151 characters; the limit is 150',
      'blocks[0].elements[1].confirm.title.text is 101 characters; the limit is 100',
      'blocks[0].elements[1].confirm.text.text is 301 characters; the limit is 300',
      'blocks[0].elements[1].confirm.confirm.text is 31 characters; the limit is 30',
    ]);
  });

  it('flags duplicate block_ids and malformed blocks', () => {
    const violations = checkMessageLimits({ blocks: [{ type: 'divider', block_id: 'a' }, { type: 'divider', block_id: 'a' }, 'nope', { type: 'section' }] });
    expect(violations).toEqual([
      { path: 'blocks[1].block_id', message: '"a" is already used by blocks[0]; block_ids must be unique' },
      { path: 'blocks[2]', message: 'must be a block object with a type' },
      { path: 'blocks[3]', message: 'a section needs text or fields' },
    ]);
  });

  it('measures in UTF-16 units, so emoji-heavy text is never under-counted', () => {
    const emoji = '🔥'.repeat(76); // 76 characters, 152 UTF-16 units
    expect(checkMessageLimits({ blocks: [{ type: 'header', text: plain(emoji) }] })).toEqual([{ path: 'blocks[0].text.text', message: 'is 152 characters; the limit is 150' }]);
  });
});

describe('checkViewLimits', () => {
  const modal = (overrides: Record<string, unknown> = {}) => ({ type: 'modal', title: plain('Declare incident'), submit: plain('Declare'), close: plain('Cancel'), blocks: [], ...overrides });

  it('accepts a well-formed modal and home view', () => {
    expect(checkViewLimits(modal())).toEqual([]);
    expect(checkViewLimits({ type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) })).toEqual([]);
  });

  it('checks title/submit/close (24), private_metadata (3000), callback_id (255) and 100 blocks', () => {
    const violations = checkViewLimits(
      modal({ title: plain(x(25)), submit: plain(x(25)), close: plain(x(25)), private_metadata: x(3001), callback_id: x(256), blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
    );
    expect(violations.map((v) => v.path)).toEqual(['view.blocks', 'view.title.text', 'view.submit.text', 'view.close.text', 'view.private_metadata', 'view.callback_id']);
    expect(violations[0]?.message).toBe('has 101 blocks (per modal view); the limit is 100');
  });

  it('requires a title, and submit when there are inputs', () => {
    const violations = checkViewLimits({ type: 'modal', blocks: [{ type: 'input', label: plain('Why?'), element: { type: 'plain_text_input', action_id: 'why', max_length: 3001 } }] });
    expect(violations.map((v) => `${v.path} ${v.message}`)).toEqual([
      'view.blocks[0].element.max_length is 3001; the limit is 3000',
      'view.title is required',
      'view.submit is required when the modal has input blocks',
    ]);
  });

  it('refuses a view that is neither modal nor home, and the wrong surface', () => {
    expect(checkViewLimits({ type: 'workflow_step', blocks: [] })).toEqual([{ path: 'view.type', message: 'must be "modal" or "home", got "workflow_step"' }]);
    expect(checkSlackLimits('home', modal())[0]).toEqual({ path: 'view.type', message: 'is "modal" but this surface takes "home"' });
  });
});

describe('assertWithinSlackLimits', () => {
  it('throws a typed error naming the payload and every violation', () => {
    let caught: unknown;
    try {
      assertWithinSlackLimits('message', { text: 'x', blocks: [{ type: 'header', text: plain(x(151)) }] }, 'incident card #12');
    } catch (error) {
      caught = error;
    }
    expect(isFirebreakError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'slack_limits_exceeded', message: "incident card #12 breaks Slack's limits (1): blocks[0].text.text is 151 characters; the limit is 150" });
    expect(() => assertWithinSlackLimits('modal', { type: 'modal', title: plain('ok'), blocks: [] })).not.toThrow();
  });
});
