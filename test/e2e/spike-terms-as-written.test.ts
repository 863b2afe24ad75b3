// A Spanish-speaking lead reads why a spike alerted: the alert's "Términos dominantes" are the words
// members wrote ("pésimo", "decepción"), not the lexicon's folded keys ("pesimo", "decepcion"),
// which read like a machine's. The stored explanation (what the post-mortem export carries) agrees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

const CALM = ['Buenos días a todos', 'Gracias por la ayuda de ayer', '¿Ya salió la nueva versión?', '¿Cómo cambio mi foto de perfil?'];
const ANGRY = [
  'Servicio PÉSIMO, qué decepción, otra caída',
  'Pésimo, una decepción total, la app otra vez caída',
  'Qué decepción, pésimo soporte y nadie contesta',
  'Otra caída, pésimo, qué frustración',
];

describe.each(availableProviders)('a spike alert’s dominant terms, as members wrote them (%s)', (provider) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider, env: { LOCALE: 'es' }, slackLocale: 'es-ES' });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('Spanish messages with accented words give an alert listing “pésimo” and “decepción”, not their folded keys', async () => {
    const minute = 60_000;
    const now = Math.floor(Date.now() / minute) * minute;
    const { members } = harness.people;
    for (let m = 12; m >= 3; m -= 1) await harness.post(members[m % members.length]!, CALM[m % CALM.length]!, now - m * minute + 5_000);
    const spikeStart = now - 2 * minute + 5_000;
    for (let i = 0; i < 16; i += 1) await harness.post(members[i % members.length]!, ANGRY[i % ANGRY.length]!, spikeStart + i * 1_000);
    await harness.waitFor('messages scored', async () => (await harness.app.database.prisma.scoredMessage.count()) >= 10 + 16);
    await harness.app.runtime?.tick();

    const root = await harness.waitFor('the alert', () => harness.rootMessage());
    const line = JSON.stringify(root.blocks).match(/Términos dominantes: ([^"\\]*)/)?.[1];
    expect(line).toBeDefined();
    const terms = [...line!.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    expect(terms).toEqual(expect.arrayContaining(['pésimo', 'decepción', 'caída']));
    for (const key of ['pesimo', 'decepcion', 'caida']) expect(terms).not.toContain(key);
    // Shouted or not, the word reads in lower case: "PÉSIMO" counts as "pésimo".
    expect(terms).not.toContain('PÉSIMO');

    // What is stored with the incident (and exported with the post-mortem) says the same, with the key scoring counted.
    const incident = await harness.app.database.prisma.incident.findFirstOrThrow();
    const stored = (incident.detection as { dominantTerms: { term: string; key: string; count: number }[] }).dominantTerms;
    expect(stored).toEqual(expect.arrayContaining([expect.objectContaining({ term: 'pésimo', key: 'pesimo' }), expect.objectContaining({ term: 'decepción', key: 'decepcion' })]));
  });
});
