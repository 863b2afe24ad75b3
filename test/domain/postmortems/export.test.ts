import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FirebreakError } from '../../../src/errors.js';
import {
  exportPostMortemJson,
  formatDateTime,
  membersDraftsMayName,
  formatDuration,
  renderPostMortemMarkdown,
} from '../../../src/domain/postmortems/index.js';
import { addedMessageChanged, type TimelineEvent } from '../../../src/domain/incidents/index.js';
import { sampleExportInput } from '../../fixtures/postmortems/sample-incident.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/postmortems');
const golden = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const MEMBER_TRACES = ['UMEMBER1', 'UMEMBER2', 'dana.k', 'kai_builds', 'p1763731900000200'];

describe('Markdown export (golden files; regenerate with `npx tsx scripts/sample-postmortem.ts --golden` and read the diff)', () => {
  it('renders the sample incident in English, members pseudonymised', () => {
    expect(renderPostMortemMarkdown(sampleExportInput('en'))).toBe(golden('sample.en.md'));
  });

  it('renders the sample incident in Spanish', () => {
    expect(renderPostMortemMarkdown(sampleExportInput('es'))).toBe(golden('sample.es.md'));
  });

  it('renders member identities when the team opted in', () => {
    expect(renderPostMortemMarkdown(sampleExportInput('en', true))).toBe(golden('sample.en.identities.md'));
  });
});

describe('pseudonymisation', () => {
  it('leaves no member name or id in a default export, and keeps letters stable per member', () => {
    const markdown = renderPostMortemMarkdown(sampleExportInput('en'));
    for (const trace of MEMBER_TRACES) expect(markdown).not.toContain(trace);
    expect(markdown).toContain('a message by Member A to the timeline');
    expect(markdown).toContain('> @Member A same here, locked out since 13:40. Member A is right, this is getting old.');
    expect(markdown).toContain('negative; Member B and others');
    // Staff stay named.
    expect(markdown).toContain('Ana Ruiz acknowledged the incident');
  });

  it('shows members when opted in', () => {
    const markdown = renderPostMortemMarkdown(sampleExportInput('en', true));
    expect(markdown).toContain('a message by dana.k to the timeline');
    expect(markdown).toContain('> @dana.k same here');
    expect(markdown).not.toContain('Member A');
  });
});

describe('JSON export', () => {
  it('carries the same content as data, pseudonymised the same way', () => {
    const json = exportPostMortemJson(sampleExportInput('en'));
    const text = JSON.stringify(json);
    for (const trace of MEMBER_TRACES) expect(text).not.toContain(trace);
    expect(json.format).toBe('firebreak.postmortem/v1');
    expect(json.pseudonymised).toBe(true);
    expect(json.incident).toMatchObject({ number: 42, severity: 'sev1', lead: { id: 'UANA', name: 'Ana Ruiz' }, resolvedAt: '2026-11-21T15:05:00.000Z' });
    expect(json.metrics).toMatchObject({ timeToAcknowledgeMs: 6 * 60_000, repliesPosted: 1 });
    const quoted = json.timeline.filter((e) => e['kind'] === 'message_added');
    expect(quoted.map((e) => (e['data'] as Record<string, unknown>)['author'])).toEqual(['Member A', 'Member B']);
    const detected = json.timeline.find((e) => e['kind'] === 'detected');
    expect((detected?.['data'] as Record<string, unknown>)['detection']).toBe('[omitted]');
    expect(json.postMortem['actionItems']).toEqual([
      expect.objectContaining({ id: 'inc-2026-0042/action-1', owner: { id: 'UOPS', name: 'Ops on call' }, doneAt: null }),
      expect.objectContaining({ id: 'inc-2026-0042/action-2', doneAt: '2026-11-23T13:30:00.000Z' }),
    ]);
  });

  it('keeps identities and detection details when opted in', () => {
    const json = exportPostMortemJson(sampleExportInput('en', true));
    expect(json.pseudonymised).toBe(false);
    expect(JSON.stringify(json)).toContain('dana.k');
    const detected = json.timeline.find((e) => e['kind'] === 'detected');
    expect((detected?.['data'] as Record<string, { negativeRatio: number }>)['detection']?.negativeRatio).toBe(0.52);
  });
});

describe('exporting without a post-mortem', () => {
  it('says so instead of rendering an empty document', () => {
    const input = { ...sampleExportInput('en'), postMortem: null };
    expect(() => renderPostMortemMarkdown(input)).toThrow(FirebreakError);
    expect(() => exportPostMortemJson(input)).toThrow('Incident #42 (inc-2026-0042) has no post-mortem yet; one is created when the incident is resolved.');
  });
});

describe('formatting', () => {
  it('formats durations for people', () => {
    expect(formatDuration(40_000)).toBe('40 s');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 05 min');
    expect(formatDuration((27 * 60 + 10) * 60_000)).toBe('1 d 3 h');
  });

  it('refuses an unknown time zone, saying what it expects', () => {
    expect(() => renderPostMortemMarkdown({ ...sampleExportInput('en'), timeZone: 'Mars/Olympus' })).toThrow(
      '"Mars/Olympus" is not a time zone; use an IANA name such as Europe/Madrid or UTC.',
    );
  });

  it('formats times in the chosen time zone', () => {
    const at = Date.UTC(2026, 10, 21, 23, 30);
    expect(formatDateTime(at, 'UTC')).toBe('2026-11-21 23:30');
    expect(formatDateTime(at, 'Europe/Madrid')).toBe('2026-11-22 00:30');
  });
});

describe('members answered by a drafted reply', () => {
  // A reply template filled `{{member}}` with the name of the member whose thread it answers; only the
  // text was stored. The edge looked their names up (memberNames); the export removes them everywhere.
  const THREAD = '1763734200.000300';
  function answered(member: string, names: readonly string[], text: string) {
    const input = sampleExportInput('en');
    const last = Math.max(...input.timeline.map((e) => e.at));
    const target = { kind: 'thread', channelId: 'C0COMMUNITY', messageTs: THREAD };
    const base = { incidentId: input.incident.id, actorUserId: 'UANA' };
    const edited = text.replace('.', ', sorry.');
    const drafted: TimelineEvent[] = [
        { ...base, at: last + 1_000, kind: 'draft_created', text, data: { draftId: 'inc-2026-0042/draft-9', draftNumber: 9, revision: 1, templateId: 'thanks', language: 'en', target } },
        { ...base, at: last + 2_000, kind: 'draft_edited', text: edited, data: { draftId: 'inc-2026-0042/draft-9', draftNumber: 9, fromRevision: 1, toRevision: 2, previousText: text, diff: [], voidedDecisionsBy: [] } },
        { ...base, actorUserId: null, at: last + 3_000, kind: 'reply_posted', text: edited, data: { draftId: 'inc-2026-0042/draft-9', draftNumber: 9, revision: 2, messageTs: '1763734300.000100', target, authorUserId: 'UANA', approverUserIds: ['ULUIS'], drill: false } },
    ];
    return {
      ...input,
      incident: { ...input.incident, detection: { samples: [{ id: THREAD, authorId: member, score: -0.9, text: 'someone keeps insulting me' }] } },
      timeline: [...input.timeline, ...drafted],
      memberNames: { [member]: names },
    };
  }

  it('removes their name from the draft, its edit and the posted reply, in both formats', () => {
    const input = answered('UFARID', ['Farid Haddad', 'Farid', 'farid'], 'Thanks for telling us, Farid. Farid Haddad, we are on it.');
    const markdown = renderPostMortemMarkdown(input);
    const json = JSON.stringify(exportPostMortemJson(input));
    for (const text of [markdown, json]) {
      expect(text).not.toMatch(/farid|haddad|UFARID/i);
      expect(text).toContain('Thanks for telling us, Member C. Member C, we are on it.');
      expect(text).toContain('Thanks for telling us, Member C, sorry. Member C, we are on it.');
    }
    expect(markdown).toContain('  > Thanks for telling us, Member C, sorry. Member C, we are on it.');
  });

  it('gives a member quoted elsewhere in the export the same pseudonym', () => {
    const markdown = renderPostMortemMarkdown(answered('UMEMBER1', ['Dana Kim', 'dana.k'], 'Hi Dana Kim. Thanks for your patience.'));
    expect(markdown).not.toMatch(/Dana Kim|dana\.k/);
    expect(markdown).toContain('> Hi Member A. Thanks for your patience.');
    expect(markdown).toContain('a message by Member A to the timeline');
  });

  it('asks for the names of every member a template could have named, once there is a draft', () => {
    const input = answered('UFARID', [], 'Hi Irene.');
    const withSamples = { ...input.incident, detection: { samples: [{ id: '1763734000.000100', authorId: 'UIRENE' }, { id: THREAD, authorId: 'UFARID' }] } };
    expect(membersDraftsMayName(withSamples, input.timeline)).toEqual(['UFARID', 'UIRENE']);
    expect(membersDraftsMayName(withSamples, sampleExportInput('en').timeline.filter((e) => !e.kind.startsWith('draft')))).toEqual([]);
    // A greeting that names another sample's author than the thread answered is removed too.
    const markdown = renderPostMortemMarkdown({ ...input, incident: withSamples, memberNames: { UFARID: ['Farid'], UIRENE: ['Irene'] } });
    expect(markdown).not.toContain('Irene');
    expect(markdown).toMatch(/> Hi Member [A-Z]\./);
  });

  it('shows the name only when the team opted in', () => {
    const input = { ...answered('UFARID', ['Farid'], 'Thanks for telling us, Farid.'), includeMemberIdentities: true };
    expect(renderPostMortemMarkdown(input)).toContain('> Thanks for telling us, Farid.');
  });
});

describe('a member message its author deleted after staff added it to the timeline', () => {
  /** The sample incident after the member deleted the first message staff added (the store's erasure). */
  const withDeleted = (locale: 'en' | 'es', identities = false) => {
    const input = sampleExportInput(locale, identities);
    let first = true;
    const timeline = input.timeline.map((e) => {
      if (e.kind !== 'message_added' || !first) return e;
      first = false;
      return addedMessageChanged(e, { type: 'deleted' }, e.at + 60_000);
    });
    return { ...input, timeline };
  };

  it('shows the entry as deleted by its author, with none of its words, in Markdown and JSON, in both languages', () => {
    for (const identities of [false, true]) {
      const markdown = renderPostMortemMarkdown(withDeleted('en', identities));
      // (The fixture's detection, shown when identities are opted in, quotes the message on its own: a
      // quoted sample is erased by messageChanged.)
      const json = JSON.stringify(exportPostMortemJson(withDeleted('en', identities)).timeline.filter((e) => e['kind'] === 'message_added'));
      for (const text of [markdown, json]) {
        expect(text).not.toContain('Third outage');
        expect(text).toContain('its author has since deleted it');
      }
    }
    expect(JSON.stringify(exportPostMortemJson(withDeleted('en')))).not.toContain('Third outage');
    const es = renderPostMortemMarkdown(withDeleted('es'));
    expect(es).toContain('su autor lo ha borrado después');
    expect(es).not.toContain('Tercera caída');
    // The other message staff added stays quoted.
    expect(renderPostMortemMarkdown(withDeleted('en'))).toContain('> @Member A same here');
  });
});
