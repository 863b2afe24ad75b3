/**
 * The sandbox in a real browser (Debian's Chromium through playwright-core): Firebreak starts without
 * Slack credentials, a drill plays into #support, the incident alert appears, Sam acknowledges it and
 * drafts a reply, Lucía approves it, and the reply reaches #support. Screenshots go to test-artifacts/.
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
  });

  afterAll(async () => {
    await browser?.close();
    await firebreak?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('plays a drill; staff acknowledge and draft, an approver approves, the reply reaches the community', async () => {
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
    await dialog.getByRole('button', { name: 'Send for approval' }).click();
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
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-4-approval.png') });
    await approve.click();

    // The approved reply is posted by Firebreak in #support.
    await page.getByRole('navigation').getByRole('button', { name: /# support/ }).click();
    const posted = page.locator('#messages article').filter({ hasText: reply });
    await posted.waitFor({ timeout: 20_000 });
    await expect.poll(() => posted.locator('.author').textContent(), { timeout: 15_000 }).toBe('Firebreak');
    await expect.poll(() => page.locator('[data-metric="reply"] dd').textContent(), { timeout: 10_000 }).toMatch(/s$/);
    await expect.poll(() => page.locator('[data-metric="acknowledge"] dd').textContent(), { timeout: 15_000 }).toMatch(/s$/);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-5-reply.png') });
    expect(pageErrors).toEqual([]);
  }, 150_000);
});
