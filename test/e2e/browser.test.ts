/**
 * The sandbox in a real browser (Debian's Chromium through playwright-core): Firebreak starts without
 * Slack credentials, a drill plays into #support, the incident alert appears, Sam acknowledges it and
 * drafts a reply, Lucía approves it, and the drill's reply is posted in the alert thread only. Then a
 * drill declared with `/firebreak declare #general … drill`: unread marks, a reply with a placeholder
 * refused, a step skipped with a reason, and a resolve that answers inside its modal. Screenshots go to
 * test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFirebreak, type RunningFirebreak } from '../../src/main.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const SAM = 'U0STAFFSAM';
const LUCIA = 'U0COMMLEAD1';

// CI installs Chromium (.ci/run); elsewhere the test says why it did not run instead of failing.
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)('sandbox in the browser', () => {
  let directory: string;
  let firebreak: RunningFirebreak;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'firebreak-browser-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${join(directory, 'firebreak.db')}`, LOG_LEVEL: 'silent', PLAYBOOKS_DIR: './playbooks' });
    firebreak = await startFirebreak(config, createLogger('silent'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A failed request (a 404 for an asset, say) shows as a console error on the page.
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await firebreak?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('plays a drill; staff acknowledge and draft, an approver approves, the drill reply stays in the alert thread', async () => {
    await page.goto(`${firebreak.url}/sandbox?as=${SAM}`);
    await expect.poll(() => page.getByLabel('You are').inputValue(), { timeout: 15_000 }).toBe(SAM);

    // Play the outage scenario fast: detection (or the scenario's declare step) opens an incident.
    await page.getByLabel('Scenario').selectOption('outage-escalates');
    await page.getByLabel('Speed').selectOption('10');
    await page.getByRole('button', { name: 'Play drill' }).click();
    await page.getByRole('navigation').getByRole('button', { name: /firebreak-alerts/ }).click();
    // The alert is the message whose header names the incident (Sam also sees the command's answer).
    const alert = page.locator('#messages article').filter({ has: page.locator('.block-header', { hasText: 'Incident #1' }) });
    await alert.waitFor({ timeout: 90_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-1-alert.png') });

    // Sam takes the lead.
    await alert.getByRole('button', { name: 'Acknowledge & lead' }).click();
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toMatch(/Sam/);

    // Sam drafts a reply: an empty text is refused in the modal, then a real one goes for approval.
    await alert.getByRole('button', { name: 'Draft reply' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 10_000 });
    const text = dialog.getByLabel('Reply text');
    await text.fill('');
    await dialog.getByRole('button', { name: 'Send for approval' }).click();
    await expect.poll(() => dialog.locator('.field-error').first().textContent(), { timeout: 15_000 }).toMatch(/required/);
    const reply = 'Hola a todos: la app está caída y ya estamos en ello. Os contamos aquí en cuanto vuelva.';
    await text.fill(reply);
    await dialog.getByRole('radio', { name: /New message in #support/ }).check();
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-2-draft-modal.png') });
    // An impatient double click sends the reply for approval once (no second draft, no error).
    await dialog.getByRole('button', { name: 'Send for approval' }).dblclick();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });

    // Lucía (a community lead) finds the draft waiting for her in Firebreak's App Home…
    await page.getByLabel('You are').selectOption(LUCIA);
    await expect.poll(() => page.locator('#persona-title').textContent(), { timeout: 15_000 }).toMatch(/Community lead/);
    await page.getByRole('button', { name: /App Home/ }).click();
    await expect.poll(() => page.locator('#messages').textContent(), { timeout: 15_000 }).toMatch(/Waiting for your approval \(1\)/);
    await expect.poll(() => page.locator('#messages').textContent(), { timeout: 15_000 }).toMatch(/Open incidents \(1\)/);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-3-home.png') });

    // …and approves it on the draft card in the incident's thread.
    await page.getByRole('navigation').getByRole('button', { name: /firebreak-alerts/ }).click();
    await alert.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
    const thread = page.locator('#thread');
    const approve = thread.getByRole('button', { name: 'Approve', exact: true });
    await approve.waitFor({ timeout: 15_000 });
    expect(await thread.locator('article').filter({ hasText: /Reply #2\b/ }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-4-approval.png') });
    await approve.click();

    // A sandbox drill is a drill: the approved reply is posted by Firebreak in the alert thread,
    // labelled, and never in #support.
    const drillReply = thread.locator('article').filter({ hasText: /DRILL: reply #\d+ is approved/ }).filter({ hasText: reply });
    await drillReply.waitFor({ timeout: 20_000 });
    await expect.poll(() => drillReply.locator('.author').textContent(), { timeout: 15_000 }).toBe('Firebreak');
    await page.getByRole('navigation').getByRole('button', { name: /# support/ }).click();
    expect(await page.locator('#messages article').filter({ hasText: reply }).count()).toBe(0);
    await expect.poll(() => page.locator('[data-metric="reply"] dd').textContent(), { timeout: 10_000 }).toMatch(/s$/);
    await expect.poll(() => page.locator('[data-metric="acknowledge"] dd').textContent(), { timeout: 15_000 }).toMatch(/s$/);
    // The reply went out on that approval: the drill's figures never show the approval after it.
    await expect.poll(() => page.locator('[data-metric="approval"] dd').textContent(), { timeout: 15_000 }).toMatch(/s$/);
    const seconds = async (metric: string) => Number.parseFloat((await page.locator(`[data-metric="${metric}"] dd`).textContent()) ?? '');
    expect(await seconds('approval')).toBeLessThanOrEqual(await seconds('reply'));
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-5-reply.png') });
    expect(pageErrors).toEqual([]);
  }, 150_000);

  it('declares a drill with `drill`, refuses a reply with a placeholder, skips a step with a reason and resolves', async () => {
    const nav = page.getByRole('navigation');
    await page.getByLabel('You are').selectOption(SAM);
    await expect.poll(() => page.locator('#persona-title').textContent(), { timeout: 15_000 }).toMatch(/On call/);
    await nav.getByRole('button', { name: /firebreak-alerts/ }).click();
    // Typed as a person types it: the composer escapes #general as Slack does (should_escape).
    await page.locator('#composer-text').fill('/firebreak declare #general sev2 drill Members are upset about the new forum layout');
    await page.locator('#composer-text').press('Enter');
    // Sam looks elsewhere: the alert marks the alerts channel unread.
    await nav.getByRole('button', { name: /# support/ }).click();
    await expect.poll(() => nav.locator('.nav-item.unread').allTextContents(), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/firebreak-alerts/));
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-6-unread.png') });
    await nav.getByRole('button', { name: /firebreak-alerts/ }).click();
    await expect.poll(() => nav.locator('.nav-item.unread').allTextContents()).not.toContainEqual(expect.stringMatching(/firebreak-alerts/));

    // The drill's alert is labelled DRILL; acknowledging ticks "Acknowledge the incident".
    const alert = page.locator('#messages article').filter({ has: page.locator('.block-header', { hasText: /DRILL.*Incident #2/ }) });
    await alert.waitFor({ timeout: 30_000 });
    await alert.getByRole('button', { name: 'Acknowledge & lead' }).click();
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toMatch(/Sam/);
    await alert.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
    const thread = page.locator('#thread');
    const checklist = thread.locator('article').filter({ hasText: 'Checklist for incident #2' });
    await expect.poll(() => checklist.textContent(), { timeout: 15_000 }).toMatch(/Acknowledge the incident[\s\S]*Done by @Sam/);

    // A reply with an unfilled placeholder is refused in the modal, which keeps it open.
    await alert.getByRole('button', { name: 'Draft reply' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 10_000 });
    const spanish = (await dialog.getByLabel('Language of the reply').inputValue()) === 'es';
    const text = dialog.getByLabel('Reply text');
    await text.fill(spanish ? 'Hola [member], estamos revisando el nuevo diseño del foro.' : 'Hi [member], we are looking at the new forum layout.');
    const channelTarget = dialog.getByRole('radio', { name: /New message in #general/ });
    if (await channelTarget.count()) await channelTarget.check();
    await dialog.getByRole('button', { name: 'Send for approval' }).click();
    await expect.poll(() => dialog.locator('.field-error').first().textContent(), { timeout: 15_000 }).toMatch(/\[member\]/);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-7-placeholder-refused.png') });
    // A pasted reply longer than Slack allows is kept whole (never cut mid-word) and refused in the modal.
    const long = (spanish ? 'Gracias por la paciencia mientras revisamos el nuevo diseño del foro. ' : 'Thanks for your patience while we look at the new forum layout. ').repeat(80).slice(0, 4510);
    await text.fill(long);
    expect(await text.inputValue()).toHaveLength(4510);
    await dialog.getByRole('button', { name: 'Send for approval' }).click();
    await expect.poll(() => dialog.locator('.field-error').first().textContent(), { timeout: 15_000 }).toMatch(/4510[\s\S]*3000/);
    expect(await text.inputValue()).toBe(long);
    const reply = spanish ? 'Hola a todos: estamos revisando el nuevo diseño del foro y os contamos aquí.' : 'Hi everyone: we are looking at the new forum layout and will update you here.';
    await text.fill(reply);
    await dialog.getByRole('button', { name: 'Send for approval' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });

    // Lucía approves; a drill's reply is posted only in the alert thread, labelled, never in #general.
    await page.getByLabel('You are').selectOption(LUCIA);
    await expect.poll(() => page.locator('#persona-title').textContent(), { timeout: 15_000 }).toMatch(/Community lead/);
    await nav.getByRole('button', { name: /firebreak-alerts/ }).click();
    await alert.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
    const approve = thread.locator('article').filter({ hasText: reply }).getByRole('button', { name: 'Approve', exact: true });
    await approve.waitFor({ timeout: 15_000 });
    await approve.click();
    await expect.poll(() => thread.locator('article').filter({ hasText: /DRILL: reply #\d+ is approved/ }).filter({ hasText: reply }).count(), { timeout: 20_000 }).toBe(1);
    await nav.getByRole('button', { name: /# general/ }).click();
    expect(await page.locator('#messages article').filter({ hasText: reply }).count()).toBe(0);

    // Sam skips a step with a reason, from the checklist.
    await page.getByLabel('You are').selectOption(SAM);
    await expect.poll(() => page.locator('#persona-title').textContent(), { timeout: 15_000 }).toMatch(/On call/);
    await nav.getByRole('button', { name: /firebreak-alerts/ }).click();
    await alert.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
    await checklist.getByRole('button', { name: 'Skip…' }).first().click();
    await dialog.waitFor({ timeout: 10_000 });
    const reason = 'Not needed in a drill: the cause is known';
    await dialog.getByLabel('Why does this step not apply?').fill(reason);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-8-skip.png') });
    await dialog.getByRole('button', { name: 'Skip step' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    await expect.poll(() => checklist.textContent(), { timeout: 15_000 }).toContain(`Skipped by @Sam: ${reason}`);

    // Resolving with required steps open answers in the modal and keeps the summary; reasons there resolve it.
    await alert.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ timeout: 10_000 });
    const summary = 'Drill done: the layout complaint was answered in the thread.';
    await dialog.getByLabel('Resolution summary').fill(summary);
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => dialog.locator('.field-error').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await dialog.getByLabel('Resolution summary').inputValue()).toBe(summary);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-9-resolve-blocked.png') });
    const reasons = dialog.getByRole('textbox', { name: /^Skip “/ });
    for (let index = 0; index < (await reasons.count()); index += 1) await reasons.nth(index).fill('Covered in the drill debrief');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toMatch(/Resolved/);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-10-resolved.png') });
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
