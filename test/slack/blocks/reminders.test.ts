import { describe, expect, it } from 'vitest';
import { drillReplyMessage, reminderMessage } from '../../../src/slack/blocks/index.js';
import { expectMessageWithinLimits, visibleText } from './fixtures.js';

const base = { recipientUserIds: ['UOPS', 'ULEAD'], subject: 'Update the status page', late: false, incidentNumber: 7, severity: 'sev2' as const };

describe('reminderMessage', () => {
  it('names who must act and what, per reason', () => {
    expect(reminderMessage({ ...base, reason: 'checklist_step' }, 'en').text).toBe(
      ':alarm_clock: <@UOPS> <@ULEAD> “Update the status page” is due now (incident #7).',
    );
    expect(reminderMessage({ ...base, reason: 'acknowledge', recipientUserIds: ['UONCALL'] }, 'en').text).toContain(
      '<@UONCALL> incident #7 (SEV2) still has no lead.',
    );
    expect(reminderMessage({ ...base, reason: 'postmortem_due' }, 'es').text).toContain('el post-mortem del incidente #7');
    expect(reminderMessage({ ...base, reason: 'action_item', recipientUserIds: [] }, 'en').text).toContain('Incident team, the action item');
  });

  it('a post-mortem reminder rerouted from a deactivated account says whose, and asks to take the work over, in both languages', () => {
    const due = reminderMessage({ ...base, reason: 'postmortem_due', recipientUserIds: ['ULEAD'], deactivatedUserIds: ['UGONE'], takeOver: 'postmortem_due' }, 'en');
    expect(visibleText(due.blocks)).toContain("<@UGONE>'s Slack account was deactivated, so this reminder is yours now: one of you please take over the post-mortem");
    expectMessageWithinLimits(due);
    const item = reminderMessage({ ...base, reason: 'action_item', recipientUserIds: ['ULEAD'], deactivatedUserIds: ['UGONE'], takeOver: 'action_item' }, 'es');
    expect(visibleText(item.blocks)).toContain('La cuenta de Slack de <@UGONE> se ha desactivado, así que este recordatorio es para vosotros: que alguien se haga cargo de esta acción');
    expectMessageWithinLimits(item);
  });

  it('says when it was sent late, and keeps the subject inert and short', () => {
    const built = reminderMessage({ ...base, reason: 'checklist_step', late: true, subject: `<!channel> ${'x'.repeat(5000)}` }, 'en');
    const text = visibleText(built.blocks);
    expect(text).toContain('Sent late');
    expect(text).not.toContain('<!channel>');
    expectMessageWithinLimits(built);
  });
});

describe('drillReplyMessage', () => {
  it('labels the drill, says where the reply would have gone, and quotes it inert', () => {
    const built = drillReplyMessage({ draftNumber: 2, text: 'Hi <!here>, we are on it', target: { kind: 'thread', channelId: 'CCOMMUNITY', messageTs: '1.2' } }, 'en');
    expect(built.text).toMatch(/^DRILL: reply #2 is approved/);
    expect(built.text).not.toMatch(/DRILL.*DRILL/);
    const text = visibleText(built.blocks);
    expect(text).toContain('as a thread reply in <#CCOMMUNITY>');
    expect(text).toContain('> Hi &lt;!here&gt;, we are on it');
    expect(text).not.toContain('<!here>');
    expectMessageWithinLimits(built);
  });
});
