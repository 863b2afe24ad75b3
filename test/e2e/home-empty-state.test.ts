// App Home with no watched channel says how to watch one, with the /firebreak word of the viewer's language.
import { afterEach, describe, expect, it } from 'vitest';
import { availableProviders } from '../support/databases.js';
import { startHarness, type Harness } from './harness.js';

describe.each(availableProviders)('App Home before any channel is watched (%s)', (provider) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** Ann stops watching #support (the playbook's channel), then opens App Home. */
  async function emptyHome(h: Harness, unwatch: string): Promise<string> {
    const { ann } = h.people;
    expect((await h.command(ann, `${unwatch} <#${h.support}|support>`)).status).toBe(200);
    await h.event({ type: 'app_home_opened', user: ann, channel: 'D0HOME', tab: 'home' });
    const home = await h.waitFor('App Home', () => h.fake.workspace.homeView(ann));
    return JSON.stringify(home.blocks);
  }

  it('in Spanish, tells people to type `vigilar`', async () => {
    harness = await startHarness({ provider, env: { LOCALE: 'es' }, slackLocale: 'es-ES' });
    const home = await emptyHome(harness, 'dejar-de-vigilar');
    expect(home).toContain('Aún no se vigila ningún canal: `/firebreak vigilar #canal`.');
    expect(home).not.toContain('/firebreak watch');
  });

  it('in English, tells people to type `watch`', async () => {
    harness = await startHarness({ provider, env: { LOCALE: 'en' } });
    const home = await emptyHome(harness, 'unwatch');
    expect(home).toContain('No channel is watched yet: `/firebreak watch #channel`.');
  });
});
