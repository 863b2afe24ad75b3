import { describe, expect, it } from 'vitest';
import type { IncidentState } from '../../../src/domain/incidents/index.js';
import { renderOrRaw, replyTemplateValues } from '../../../src/slack/blocks/reply-templates.js';

const state = { incident: { number: 7, severity: 'sev2', channelId: 'C0SUPPORT', leadUserId: 'U0LEAD001' } } as unknown as IncidentState;

describe('reply template values', () => {
  it('fill the incident, channel, lead and member beside the configured defaults', () => {
    expect(replyTemplateValues({ defaults: { brand: 'Acme' }, state, channelName: 'support', memberName: 'Ana' })).toEqual({
      brand: 'Acme',
      incident_id: '#7',
      severity: 'SEV2',
      channel: '#support',
      lead: '<@U0LEAD001>',
      member: 'Ana',
    });
  });

  it('fall back to the channel id and leave out an unknown member', () => {
    const values = replyTemplateValues({ defaults: {}, state, channelName: null, memberName: null });
    expect(values['channel']).toBe('C0SUPPORT');
    expect(values).not.toHaveProperty('member');
  });

  it('show a value nothing provided as [name], for staff to fill in before approval', () => {
    expect(renderOrRaw('Hi {{member}}, {{brand}} is on it in {{channel}}.', { channel: '#support' })).toBe('Hi [member], [brand] is on it in #support.');
  });
});
