import { describe, expect, it } from 'vitest';
import { escapeSlackText, inputTextFromMrkdwn, mrkdwnFromInputText, truncateSlackText } from '../../src/slack/text.js';
import { quoteMember } from '../../src/slack/blocks/kit.js';

const WJ = '\u2060';

describe('escapeSlackText', () => {
  it('neutralises broadcasts, user, channel and group mentions, and links', () => {
    const hostile = '<!channel> <!here> <!everyone> <@U0123ABC> <#C0456DEF|general> <!subteam^S0789|@staff> <https://evil.example|click>';
    const escaped = escapeSlackText(hostile);
    expect(escaped).not.toMatch(/[<>]/);
    expect(escaped).toBe(
      `&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@${WJ}U0123ABC&gt; &lt;#C0456DEF|general&gt; ` +
        `&lt;!subteam^S0789|@${WJ}staff&gt; &lt;https://evil.example|click&gt;`,
    );
  });

  it('escapes & first so existing escapes are shown literally, not decoded', () => {
    expect(escapeSlackText('Tom &amp; Jerry & co <3')).toBe('Tom &amp;amp; Jerry &amp; co &lt;3');
  });

  it('makes bare @channel/@here/@name inert even with link_names, but leaves e-mail addresses alone', () => {
    expect(escapeSlackText('@channel look, @here too, cc @alice')).toBe(`@${WJ}channel look, @${WJ}here too, cc @${WJ}alice`);
    expect(escapeSlackText('write to support@example.com')).toBe('write to support@example.com');
  });

  it('leaves ordinary text, emoji and accents untouched', () => {
    expect(escapeSlackText('Ça marche 👍🏽 *vraiment* bien')).toBe('Ça marche 👍🏽 *vraiment* bien');
  });
});

describe('truncateSlackText', () => {
  it('returns text that fits unchanged', () => {
    expect(truncateSlackText('short', 5)).toBe('short');
  });

  it('cuts to at most maxLength including the ellipsis, on a word when one is near', () => {
    const out = truncateSlackText('The quick brown fox jumps', 12);
    expect(out).toBe('The quick…');
    expect(out.length).toBeLessThanOrEqual(12);
    expect(truncateSlackText('The quick brown fox jumps', 12, { wholeWords: false })).toBe('The quick b…');
    // No space near the end: cut mid-word rather than lose most of the room.
    expect(truncateSlackText('A supercalifragilistic word', 12)).toBe('A supercali…');
  });

  it('never splits a surrogate pair or an emoji sequence', () => {
    const family = '👨‍👩‍👧‍👦'; // 11 UTF-16 units, one grapheme
    const text = `ab${family}cd`;
    for (let max = 2; max < text.length; max += 1) {
      const out = truncateSlackText(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out === `ab${family}…` || out === 'ab…' || out === 'a…' || out === '…').toBe(true);
    }
    expect(truncateSlackText('x😀😀😀', 4)).toBe('x😀…');
  });

  it('keeps a letter with its combining accents together', () => {
    const decomposed = 'Cafe\u0301 au lait';
    expect(truncateSlackText(decomposed, 5)).toBe('Caf…');
    expect(truncateSlackText(decomposed, 6)).toBe('Cafe\u0301…');
  });

  it('never cuts inside a <…> entity: the whole entity goes', () => {
    const text = 'Ping <@U0123ABCDEF> about it';
    expect(truncateSlackText(text, 12)).toBe('Ping…');
    expect(truncateSlackText(text, 21)).toBe('Ping <@U0123ABCDEF>…');
  });

  it('never cuts inside an &amp; escape', () => {
    const escaped = escapeSlackText('A & B & C');
    expect(escaped).toBe('A &amp; B &amp; C');
    expect(truncateSlackText(escaped, 5)).toBe('A…');
    expect(truncateSlackText(escaped, 9)).toBe('A &amp;…');
  });

  it('supports another ellipsis and refuses a limit shorter than it', () => {
    expect(truncateSlackText('abcdefgh', 6, { ellipsis: ' […]' })).toBe('ab […]');
    expect(() => truncateSlackText('abcdefgh', 2, { ellipsis: ' […]' })).toThrow(/maxLength must be a whole number ≥ 4/);
  });

  it('handles a 40,000-character message quickly', () => {
    const long = 'word <@U123> &amp; 🔥 '.repeat(2000);
    const started = performance.now();
    const out = truncateSlackText(long, 3000);
    expect(performance.now() - started).toBeLessThan(1000); // linear: a quadratic cut would take seconds
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('a member quoted in a block', () => {
  it('quotes every line, escaped, within the limit', () => {
    expect(quoteMember('first line\r\n<!here> second', 100)).toBe('> first line\n> &lt;!here&gt; second');
    const long = quoteMember('a\nb\nc\n' + 'word '.repeat(100), 40);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long.startsWith('> a\n> b\n> c\n> word')).toBe(true);
    expect(long.endsWith('…')).toBe(true);
  });

  it('cannot be broken out of: no line a client may draw starts outside the quote or with a member\'s ">"', () => {
    const quoted = quoteMember('fine\n> fake quote\r>>> everything after\u2028Firebreak: resolved, no reply needed\u2029x\vy\fz\u0085w', 400);
    const lines = quoted.split(/\r\n?|[\n\v\f\u0085\u2028\u2029]/);
    expect(lines).toHaveLength(8);
    expect(lines.every((line) => line.startsWith('> ') && !line.slice(2).startsWith('>'))).toBe(true);
  });
});

describe('a reply between its message text and its text box', () => {
  it('shows escapes as characters and escapes them back exactly once, keeping the markup staff typed', () => {
    const mrkdwn = 'Fish &amp; Chips &lt;Co&gt; 2 &gt; 1, see <https://status.acme.test|status> or ask <@U0LEAD>';
    const shown = inputTextFromMrkdwn(mrkdwn);
    expect(shown).toBe('Fish & Chips <Co> 2 > 1, see <https://status.acme.test|status> or ask <@U0LEAD>');
    expect(mrkdwnFromInputText(shown)).toBe(mrkdwn);
    // Typed by hand: `&` once, an escape already there left alone.
    expect(mrkdwnFromInputText('Tea & <scones> &amp; jam')).toBe('Tea &amp; &lt;scones&gt; &amp; jam');
  });

  it('never turns an escaped mention or link (a member named "<@U0ADMIN>") into a live one', () => {
    const mrkdwn = 'Hi &lt;@U0ADMIN&gt; and &lt;!channel&gt;, see &lt;https://evil.example|here&gt;';
    const shown = inputTextFromMrkdwn(mrkdwn);
    expect(shown).toBe(mrkdwn);
    expect(mrkdwnFromInputText(shown)).toBe(mrkdwn);
  });
});
