import { describe, expect, it } from 'vitest';
import { acknowledge } from '../../../src/domain/incidents/index.js';
import {
  SUBCOMMANDS,
  appHomeView,
  declareUsageMessage,
  helpMessage,
  incidentListMessage,
  refusalMessage,
  unknownCommandMessage,
  type AppHomeInput,
  type IncidentListItem,
} from '../../../src/slack/blocks/index.js';
import { MINUTE, T0, accepted, incidentWith, expectMessageWithinLimits, expectViewWithinLimits, visibleText } from './fixtures.js';

const HOUR = 60 * MINUTE;

function home(overrides: Partial<AppHomeInput> = {}): AppHomeInput {
  return {
    locale: 'en',
    viewerUserId: 'UAPPROVER1',
    now: T0,
    openIncidents: [
      { incidentId: 'inc-2', number: 8, severity: 'sev3', status: 'acknowledged', channelId: 'CHELP', channelName: 'help', leadUserId: 'ULEAD', openedAt: T0 - 3 * HOUR, drill: false },
      {
        incidentId: 'inc-1',
        number: 7,
        severity: 'sev1',
        status: 'open',
        channelId: 'CCOMMUNITY',
        channelName: 'community',
        leadUserId: null,
        openedAt: T0 - 45 * MINUTE,
        drill: true,
        permalink: 'https://acme.slack.com/archives/CALERTS/p1',
      },
    ],
    approvalsWaiting: [
      { incidentNumber: 7, channelId: 'CCOMMUNITY', channelName: 'community', draftNumber: 2, revision: 3, approvals: 1, required: 2, permalink: 'https://acme.slack.com/archives/CALERTS/p2' },
    ],
    channels: [
      { channelId: 'CCOMMUNITY', channelName: 'community', messagesToday: 412, negativeShareToday: 0.24, usualNegativeShare: 0.08 },
      { channelId: 'CHELP', channelName: 'help', messagesToday: 90, negativeShareToday: 0.05, usualNegativeShare: 0.06 },
      { channelId: 'CNEW', channelName: 'new', messagesToday: 3, negativeShareToday: 0.1, usualNegativeShare: null, learningUntil: Date.UTC(2026, 2, 4, 9) },
      { channelId: 'CQUIET', channelName: 'quiet', messagesToday: 0, negativeShareToday: null, usualNegativeShare: 0.1 },
    ],
    recentPostMortems: [{ incidentNumber: 5, channelName: 'community', publishedAt: T0 - 24 * HOUR, summary: 'Payments failed <!here>' }],
    deliveryProblems: [],
    ...overrides,
  };
}

describe('appHomeView', () => {
  it('lists open incidents most severe first with severity, channel, lead (or nobody) and age', () => {
    const view = appHomeView(home());
    const text = visibleText(view.blocks);
    expect(view.type).toBe('home');
    expect(text).toContain('Open incidents (2)');
    const first = text.indexOf('DRILL Incident #7 · SEV1');
    const second = text.indexOf('Incident #8 · SEV3');
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(text).toContain('<https://acme.slack.com/archives/CALERTS/p1|DRILL Incident #7 · SEV1> · <#CCOMMUNITY> · lead: *nobody yet* · open for 45 min');
    expect(text).toContain('Incident #8 · SEV3 · <#CHELP> · lead: <@ULEAD> · open for 3 h 00 min');
    expectViewWithinLimits(view);
  });

  it('shows the approvals waiting for the viewer with progress against the quorum', () => {
    const text = visibleText(appHomeView(home()).blocks);
    expect(text).toContain('Waiting for your approval (1)');
    expect(text).toContain('<https://acme.slack.com/archives/CALERTS/p2|Reply #2 (rev. 3) of incident #7: 1 of 2 approvals>');
    expect(visibleText(appHomeView(home({ approvalsWaiting: [] })).blocks)).toContain('Nothing waits for you.');
  });

  it('says on an open incident and on an approval line that a reply cannot be approved as things stand, in English and Spanish', () => {
    const unapprovable = home({
      openIncidents: [{ ...home().openIncidents[0]!, unapprovableDrafts: [2, 3] }],
      approvalsWaiting: [{ ...home().approvalsWaiting[0]!, reachable: false }],
    });
    const text = visibleText(appHomeView(unapprovable).blocks);
    expect(text).toContain("Incident #8 · SEV3 · <#CHELP> · lead: <@ULEAD> · open for 3 h 00 min\n   :warning: replies #2, #3 cannot be approved: edit the playbook's approvers");
    expect(text).toContain("1 of 2 approvals> · <#CCOMMUNITY> · :warning: cannot be approved as things stand: edit the playbook's approvers");
    expectViewWithinLimits(appHomeView(unapprovable));
    const es = visibleText(appHomeView({ ...unapprovable, locale: 'es' }).blocks);
    expect(es).toContain(':warning: las respuestas #2, #3 no se pueden aprobar: editad los aprobadores del playbook');
    expect(es).toContain(':warning: no se puede aprobar tal como están las cosas');
    expect(visibleText(appHomeView(home()).blocks)).not.toContain('cannot be approved');
  });

  it('stays within Slack limits with many open incidents each naming many replies nobody can approve', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ ...home().openIncidents[0]!, incidentId: `inc-${i}`, number: i, channelName: 'x'.repeat(80), unapprovableDrafts: Array.from({ length: 50 }, (_, d) => d + 1) }));
    const view = appHomeView(home({ openIncidents: many }));
    expect(visibleText(view.blocks)).toContain('replies #1, #2, #3, #4, #5, … cannot be approved');
    expectViewWithinLimits(view);
  });

  it('shows each watched channel today against its baseline, flagged by how far above it is', () => {
    const text = visibleText(appHomeView(home()).blocks);
    expect(text).toContain(':red_circle: <#CCOMMUNITY> · 24% negative (usually 8%) · 412 messages');
    expect(text).toContain(':large_green_circle: <#CHELP> · 5% negative (usually 6%) · 90 messages');
    expect(text).toContain(':white_circle: <#CNEW> · learning its baseline: no alerts before <!date^1772614800^{date_short_pretty} {time}|2026-03-04 09:00 UTC> · 10% negative (baseline still learning)');
    expect(text).toContain(':white_circle: <#CQUIET> · no messages today');
  });

  it('lists recent post-mortems with inert summaries', () => {
    const text = visibleText(appHomeView(home()).blocks);
    expect(text).toContain('Post-mortem: incident #5');
    expect(text).toContain('Payments failed &lt;!here&gt;');
  });

  it('defect 5: shows counts such as members affected as whole numbers', () => {
    const none = { count: 0, median: null, p90: null };
    const aggregate = {
      from: T0 - 30 * 24 * HOUR,
      to: T0,
      incidents: 10,
      timeToDetectMs: none,
      timeToAcknowledgeMs: none,
      timeToFirstReplyMs: none,
      timeToResolveMs: none,
      timeToRecoveryMs: none,
      peakNegativeRatio: none,
      membersAffected: { count: 10, median: 4.5, p90: 6.3 },
      repliesPosted: 3,
    };
    const text = visibleText(appHomeView(home({ metrics: { days: 30, aggregate } })).blocks);
    expect(text).toContain('Members affected: median *5*, p90 6 (10)');
    expect(text).not.toContain('6.3');
  });

  it('puts delivery problems first, only when there are some', () => {
    expect(visibleText(appHomeView(home()).blocks)).not.toContain('could not be delivered');
    const view = appHomeView(
      home({ deliveryProblems: [{ at: T0 - MINUTE, what: 'post reply #2 of incident #7', error: 'not_in_channel', incidentNumber: 7 }] }),
    );
    const text = visibleText(view.blocks);
    expect(text).toContain('1 message could not be delivered');
    expect(text).toContain('post reply #2 of incident #7: `not_in_channel`');
    expect(text.indexOf('could not be delivered')).toBeLessThan(text.indexOf('Waiting for your approval'));
  });

  it('says so when everything is empty, in Spanish', () => {
    const text = visibleText(
      appHomeView(home({ locale: 'es', openIncidents: [], approvalsWaiting: [], channels: [], recentPostMortems: [] })).blocks,
    );
    expect(text).toContain('No hay incidentes abiertos.');
    expect(text).toContain('No tienes nada pendiente.');
    expect(text).toContain('/firebreak vigilar #canal');
  });

  it('stays within 100 blocks and section limits with hundreds of long entries', () => {
    const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
    const long = 'z'.repeat(500);
    const base = home();
    const view = appHomeView({
      ...base,
      openIncidents: many(300, (i) => ({ ...base.openIncidents[0]!, number: i, channelName: long })),
      approvalsWaiting: many(300, (i) => ({ ...base.approvalsWaiting[0]!, draftNumber: i, channelName: long })),
      channels: many(300, (i) => ({ ...base.channels[0]!, channelId: `C${i}X`, channelName: long })),
      recentPostMortems: many(300, () => ({ ...base.recentPostMortems[0]!, summary: long, channelName: long })),
      deliveryProblems: many(300, () => ({ at: T0, what: long, error: long })),
    });
    expectViewWithinLimits(view);
    expect(visibleText(view.blocks)).toContain('…and 285 more');
  });
});

describe('command replies', () => {
  it('refusal: the domain message as is, marked private', () => {
    const { state: opened, policy, clock } = incidentWith();
    const state = accepted(acknowledge(opened, { actorUserId: 'ULEAD' }, policy, clock));
    const decision = acknowledge(state, { actorUserId: 'ULEAD' }, policy, clock);
    if (decision.ok) expect.fail('expected a refusal');
    const built = refusalMessage(decision.refusal, 'en');
    expect(built.text).toBe('You are already leading incident #7.');
    expect(visibleText(built.blocks)).toContain(':no_entry: You are already leading incident #7.');
    expect(visibleText(built.blocks)).toContain('Only you can see this.');
    expectMessageWithinLimits(built);
  });

  it('help lists every subcommand with its usage', () => {
    const built = helpMessage('en');
    const text = visibleText(built.blocks);
    expect(SUBCOMMANDS).toEqual(['help', 'status', 'declare', 'list', 'watch', 'unwatch', 'alerts', 'resolve']);
    for (const sub of SUBCOMMANDS) expect(text).toContain(`\`/firebreak ${sub}`);
    expect(text).toContain('`/firebreak declare #channel [sev1|sev2|sev3|sev4] [drill] [what is happening]`');
    // Escaped, so Slack shows the placeholders instead of turning them into links (defect 4).
    expect(text).toContain('`/firebreak resolve &lt;incident number&gt; &lt;summary&gt;`');
    expect(visibleText(helpMessage('es').blocks)).toContain('`/firebreak vigilar #canal` · también `watch`');
    expectMessageWithinLimits(built);
  });

  it('status/list: one line per incident with lead, age, checklist and replies in review; or none', () => {
    const item: IncidentListItem = {
      number: 7,
      severity: 'sev2',
      status: 'open',
      channelId: 'CCOMMUNITY',
      channelName: 'community',
      leadUserId: null,
      openedAt: T0 - 2 * HOUR,
      drill: false,
      checklistDone: 1,
      checklistTotal: 4,
      overdueSteps: 2,
      draftsInReview: 1,
    };
    const built = incidentListMessage([item, { ...item, number: 9, severity: 'sev1', leadUserId: 'ULEAD', status: 'acknowledged' }], 'en', T0);
    const text = visibleText(built.blocks);
    expect(text).toContain('2 open incidents');
    expect(text.indexOf('Incident #9 · SEV1')).toBeLessThan(text.indexOf('Incident #7 · SEV2'));
    expect(text).toContain('*Incident #7 · SEV2* · <#CCOMMUNITY> · waiting for a lead\nlead: *nobody yet* · open for 2 h 00 min · 1/4 done · :warning: 2 overdue · 1 reply in review');
    expectMessageWithinLimits(built);
    expect(incidentListMessage([], 'es', T0).text).toBe('No hay incidentes abiertos.');
    expectMessageWithinLimits(incidentListMessage(Array.from({ length: 120 }, (_, i) => ({ ...item, number: i })), 'en', T0));
  });

  it('declare usage error: what was wrong, the usage and an example', () => {
    const built = declareUsageMessage('en', '"sev9" is not a valid severity; expected one of: sev1, sev2, sev3, sev4.');
    const text = visibleText(built.blocks);
    expect(text).toContain(':warning: "sev9" is not a valid severity');
    expect(text).toContain('Usage: `/firebreak declare #channel');
    expect(text).toContain('Example: `/firebreak declare #community sev2');
    expectMessageWithinLimits(built);
  });

  it('unknown subcommand says so and shows help, without echoing markup', () => {
    const built = unknownCommandMessage('en', 'launch <!channel>');
    expect(built.text).toBe('“launch !channel” is not a Firebreak command.');
    expect(visibleText(built.blocks)).toContain('`/firebreak help`');
    expectMessageWithinLimits(built);
  });
});
