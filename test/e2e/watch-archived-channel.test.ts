// `/firebreak watch` on an archived channel is refused at once, as declare refuses it: nobody can post in
// an archived channel, so watching it would read nothing and say nothing. The refusal says what to do, in
// the person's language, and is audited; a Slack too slow to answer the check never stops a watch (as for
// declare): watched, with a warning saying what to check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('watching an archived channel, through Slack on %s', (provider) => {
  let h: Harness;
  let archived: string;
  let marta: string;
  const prisma = () => h.app.database.prisma;
  const watched = (channelId: string) => prisma().watchedChannel.findFirst({ where: { channelId, active: true } });
  beforeAll(async () => {
    h = await startHarness({ provider });
    const { workspace } = h.fake;
    marta = workspace.addUser({ name: 'marta', real_name: 'Marta Gil', locale: 'es-ES', is_admin: true }).id;
    archived = workspace.addChannel({ name: 'old-launch', members: [h.people.ann, marta] }).id;
    workspace.archiveChannel(archived);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses it, saying to unarchive it (en and es), watches nothing, and audits the refusal; unarchived, it is watched', async () => {
    const answer = await h.command(h.people.ann, `watch <#${archived}|old-launch>`);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`<#${archived}> is archived`);
    expect(answer.body).toContain('nothing is watched. Unarchive it in Slack, then run this again.');
    expect(answer.body).not.toContain('Watching');

    const spanish = await h.command(marta, `watch <#${archived}|old-launch>`);
    expect(spanish.body).toContain(`<#${archived}> está archivado`);
    expect(spanish.body).toContain('no se vigila nada. Desarchívalo en Slack y vuelve a intentarlo.');

    expect(await watched(archived)).toBeNull();
    const audited = await prisma().auditLog.findMany({ where: { action: 'channel.watch', outcome: 'refused:archived' }, orderBy: { at: 'asc' } });
    expect(audited.map((entry) => entry.userId)).toEqual([h.people.ann, marta]);
    expect(audited[0]!.data).toMatchObject({ channelId: archived });

    // Unarchived, the same channel is watched.
    h.fake.workspace.unarchiveChannel(archived);
    expect((await h.command(h.people.ann, `watch <#${archived}|old-launch>`)).body).toContain(`Watching <#${archived}> now.`);
    expect(await watched(archived)).not.toBeNull();
  });

  it('watches anyway, with a warning, when Slack is too slow to say whether the channel is archived', async () => {
    const slow = h.fake.workspace.addChannel({ name: 'town-hall', members: [h.people.ann] }).id;
    h.fake.api.faults.delay('conversations.info', 5_000, { times: 1 });
    const answer = await h.command(h.people.ann, `watch <#${slow}|town-hall>`);
    h.fake.api.faults.clear();
    expect(answer.body).toContain(`Watching <#${slow}> now.`);
    expect(answer.body).toContain(`Slack did not answer when Firebreak checked that it can read <#${slow}>. If it is archived, unarchive it`);
    expect(await watched(slow)).not.toBeNull();
  });
});
