import { describe, expect, it } from 'vitest';
import { FirebreakError } from '../../../src/errors.js';
import { analyzeTemplate, escapeSlackText, renderTemplate, TEMPLATE_VARIABLE_NAMES } from '../../../src/domain/playbooks/index.js';

describe('renderTemplate', () => {
  it('fills in variables', () => {
    expect(renderTemplate('Hola {{member}}, novedades en {{status_page}}.', { member: 'Ana', status_page: 'https://status.example.com' })).toBe(
      'Hola Ana, novedades en https://status.example.com.',
    );
  });

  it('neutralises Slack control sequences in member-provided values', () => {
    const rendered = renderTemplate('Hi {{member}}, thanks.', { member: '<!channel> <!here|here> <@U0ADMIN01> <https://evil.example|click> & co' });
    expect(rendered).toBe('Hi &lt;!channel&gt; &lt;!here|here&gt; &lt;@U0ADMIN01&gt; &lt;https://evil.example|click&gt; &amp; co, thanks.');
    expect(rendered).not.toMatch(/<[!@]/);
  });

  it('breaks plain @channel, @here and @everyone so link_names cannot turn them into mass mentions', () => {
    const rendered = renderTemplate('Hi {{member}}', { member: '@channel @Here @everyone @channelfan' });
    expect(rendered).not.toMatch(/@(channel|here|everyone)\b/i);
    expect(rendered).toContain('@channelfan');
    expect(rendered.replaceAll('\u2060', '')).toBe('Hi @channel @Here @everyone @channelfan');
  });

  it('escapes a value that is already escaped once more, so it shows literally', () => {
    expect(escapeSlackText('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
  });

  it('keeps the template text itself as written (only values are escaped)', () => {
    expect(renderTemplate('*{{brand}}* > status', { brand: 'Acme' })).toBe('*Acme* > status');
  });

  it('renders optional sections only when the value is known', () => {
    const template = 'Update.{{#eta}} Next one by {{eta}}.{{/eta}}{{^eta}} More soon.{{/eta}}';
    expect(renderTemplate(template, { eta: '18:30 CET' })).toBe('Update. Next one by 18:30 CET.');
    expect(renderTemplate(template, {})).toBe('Update. More soon.');
    expect(renderTemplate(template, { eta: '  ' })).toBe('Update. More soon.');
  });

  it('refuses to render a reply with a hole in it', () => {
    expect(() => renderTemplate('Hi {{member}}, see {{status_page}}', { member: 'Ana' })).toThrow(
      new FirebreakError('input_invalid', 'template needs a value for {{status_page}}'),
    );
  });

  it('refuses unescaped output at render time too', () => {
    expect(() => renderTemplate('Hi {{{member}}}', { member: '<!channel>' })).toThrow(/not allowed/);
    expect(() => renderTemplate('Hi {{& member}}', { member: '<!channel>' })).toThrow(/not allowed/);
  });

  it('renders numbers', () => {
    expect(renderTemplate('Incident {{incident_id}} at {{severity}}', { incident_id: 42, severity: 'sev2' })).toBe('Incident 42 at sev2');
  });
});

describe('analyzeTemplate', () => {
  it('lists variables with offsets and whether a section guards them', () => {
    const template = 'Hi {{member}}.{{#eta}} By {{eta}}.{{/eta}}';
    expect(analyzeTemplate(template).uses).toEqual([
      { name: 'member', offset: 3, kind: 'output', guarded: false },
      { name: 'eta', offset: template.indexOf('{{#eta}}'), kind: 'section', guarded: true },
      { name: 'eta', offset: template.indexOf('{{eta}}'), kind: 'output', guarded: true },
    ]);
  });

  it('reports syntax errors', () => {
    expect(analyzeTemplate('{{#eta}} open').syntaxError?.message).toMatch(/Unclosed section "eta"/);
  });

  it('declares the variables contexts provide', () => {
    expect(TEMPLATE_VARIABLE_NAMES).toEqual(
      expect.arrayContaining(['member', 'channel', 'brand', 'incident_id', 'eta', 'status_page', 'support_contact']),
    );
  });
});
