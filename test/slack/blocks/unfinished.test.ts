// The notice telling a person their request was acknowledged but never finished: in their language,
// naming the button or form they used, the incident, and when (Slack shows the time in their zone).
import { describe, expect, it } from 'vitest';
import type { StoredUnfinishedRequest } from '../../../src/app/ports/unfinished.js';
import { actionIds, callbackIds } from '../../../src/slack/blocks/ids.js';
import { slackUnfinishedViews } from '../../../src/slack/blocks/unfinished.js';

const AT = Date.UTC(2026, 11, 6, 14, 3);
const request = (change: Partial<StoredUnfinishedRequest> = {}): StoredUnfinishedRequest => ({
  id: 'q1',
  kind: 'action',
  action: actionIds.approveDraft,
  teamId: 'T1',
  userId: 'U1',
  channelId: 'C1',
  incidentIds: ['inc1'],
  at: AT,
  instanceId: 'host:1:abc',
  workspaceId: 'w1',
  ...change,
});

describe('the unfinished request notice', () => {
  it('names the click, its incident and its time, in English and Spanish', () => {
    const en = slackUnfinishedViews.notice('en', request(), 12);
    expect(en).toContain('Your “Approve” click on incident #12 (<!date^');
    expect(en).toContain('|2026-12-06 14:03 UTC>) was most likely not done');
    expect(en).toContain('if not, please do it again.');
    const es = slackUnfinishedViews.notice('es', request(), 12);
    expect(es).toContain('Tu clic en «Aprobar» del incidente #12');
    expect(es).toContain('si no, vuelve a hacerlo');
  });

  it('names a form, a command and an unknown action by what it can', () => {
    expect(slackUnfinishedViews.notice('en', request({ kind: 'view', action: callbackIds.resolveModal }), 3)).toContain('The “Resolve” form you sent for incident #3');
    expect(slackUnfinishedViews.notice('en', request({ kind: 'command', action: '/firebreak', incidentIds: [] }), null)).toContain('Your /firebreak command');
    expect(slackUnfinishedViews.notice('es', request({ action: 'something.else', incidentIds: [] }), null)).toContain('Tu clic en «something.else»');
  });
});
