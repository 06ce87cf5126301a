// The console in a real browser (Debian's Chromium through playwright-core) against a running plane
// seeded through its real doors: the journeys of an operator and of a viewer. Screenshots of the main
// pages land in docs/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { missingBuilds, REPO_ROOT, startPlane, type Plane } from './support/plane.js';
import { seed, type Seeded } from './support/seed.js';

const CHROMIUM = process.env.MP_CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const UI_TIMEOUT = 30_000;

let plane: Plane;
let data: Seeded;
let browser: Browser;

async function signedIn(apiKey: string, path = '/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(`${plane.url('console')}${path}`);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('console (browser)', () => {
  beforeAll(async () => {
    const missing = missingBuilds();
    if (missing.length > 0)
      throw new Error(`build the plane first (npm run build): missing ${missing.join(', ')}`);
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set MP_CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    plane = await startPlane();
    data = await seed(plane);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await plane?.close();
  }, 60_000);

  it('should sign in, keep the token out of storage, and follow a failed job to its trace and session replay', async () => {
    const page = await signedIn(data.adminKey);
    await expect(
      page.evaluate(
        'Object.keys(localStorage).length + Object.keys(sessionStorage).length + document.cookie.length',
      ),
    ).resolves.toBe(0);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText(data.failedJobId).waitFor();
    await page.locator('.stat').first().waitFor();
    await shot(page, 'overview');

    await page
      .getByRole('row', { name: new RegExp(data.failedJobId) })
      .getByRole('link', { name: 'Trace' })
      .click();
    await page.waitForURL(new RegExp(`/jobs/${data.failedJobId}/trace`));
    const timeline = page.getByRole('list', { name: "From the agent's decision to cost" });
    await timeline.getByText('Ray job failed').waitFor();
    await timeline.getByText(/Agent notebook decided \(4 tool call\(s\), exit 1\)/).waitFor();
    await timeline.getByText(/^Cost \$/).waitFor();
    await timeline.getByText(/Admitted: reserved 2 GPU\(s\)/).waitFor();
    await shot(page, 'job-trace');

    await page.getByRole('link', { name: `Replay session ${data.failedSessionId}` }).click();
    await page.waitForURL(/\/sessions\/.+\/replay/);
    await page.getByRole('heading', { name: 'Step 1 of 4: Read' }).waitFor();
    // Keyboard: focus Next and press Enter.
    await page.getByRole('button', { name: 'Next →' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Step 2 of 4: Bash' }).waitFor();
    await page.getByText('denied by the tool scope').waitFor();
    expect(await page.getByLabel('Input').textContent()).toContain('pip install flash-attn');
    await shot(page, 'session-replay');

    // A deep link survives a reload (the token does not: sign in again and land on the same page).
    await page.reload();
    await page.getByLabel('API key').fill(data.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Step 2 of 4: Bash' }).waitFor();
    await page.context().close();
  }, 180_000);

  it('should filter activity to failures and show the tenant with quotas, members and manifests', async () => {
    const page = await signedIn(data.adminKey, '/activity?kind=execution&status=failed');
    await page
      .getByRole('row', { name: new RegExp(data.failedJobId) })
      .first()
      .waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await shot(page, 'activity');
    await page.getByRole('link', { name: 'Tenant', exact: true }).click();
    await page.getByRole('meter', { name: 'GPU-hours' }).waitFor();
    await page.getByText('Vera Viewer').waitFor();
    await page
      .getByLabel('Kubernetes manifests')
      .getByText(/kind: Namespace/)
      .waitFor();
    await shot(page, 'tenant');
    await page.context().close();
  }, 120_000);

  it('should show spend with breakdowns and download a statement of a closed period as CSV', async () => {
    const page = await signedIn(data.adminKey, '/spend');
    await page.getByRole('img', { name: 'Cost per billing period (USD)' }).waitFor();
    await page.getByRole('tab', { name: 'Agent role' }).click();
    await page.getByRole('cell', { name: 'notebook' }).waitFor();
    await shot(page, 'spend');
    await page.getByLabel('Closed period').fill(data.statementPeriod);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download statement (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`statement-${data.tenant.slug}-${data.statementPeriod}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n').length).toBeGreaterThan(2);
    expect(csv).toMatch(/claude-sonnet-4-5|torch\.dev\.gpu/);
    await page.context().close();
  }, 120_000);

  it('should validate rules as typed, show a diff, save two versions, roll back, and toggle lockdown with confirmation', async () => {
    const page = await signedIn(data.adminKey, '/scopes?role=notebook');
    const allow = page.getByLabel('Allow rules');
    await allow.waitFor();
    await allow.fill('bash(ls *)');
    await page.getByText(/tool names are case-sensitive, did you mean Bash\?/).waitFor();
    await expect(page.getByRole('button', { name: 'Review changes' }).isDisabled()).resolves.toBe(true);

    const save = async (rules: string, reason: string) => {
      await allow.fill(rules);
      await page.getByRole('button', { name: 'Review changes' }).click();
      await page.getByRole('region', { name: 'Review' }).waitFor();
      await page.getByRole('region', { name: 'Review' }).getByLabel('Reason').fill(reason);
      await page.getByRole('button', { name: 'Save new version' }).click();
      await page.getByRole('region', { name: 'Review' }).waitFor({ state: 'detached' });
    };
    await save('Bash(ls *)', 'let the notebook list files');
    await page.getByRole('heading', { name: /Override for notebook \(v\d+\)/ }).waitFor();
    await allow.fill('Bash(ls *)\nWebFetch(domain:docs.ray.io)');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByLabel('Allow changes').getByText('+ WebFetch(domain:docs.ray.io)').waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    await save('Bash(ls *)\nWebFetch(domain:docs.ray.io)', 'read the Ray docs');
    await page.getByText('WebFetch(domain:docs.ray.io)', { exact: false }).first().waitFor();
    await shot(page, 'tool-scopes');

    const history = page.getByRole('region', { name: 'History' });
    const firstVersion = history.getByRole('row', { name: /let the notebook list files/ });
    await firstVersion.getByRole('button', { name: /Roll back to v\d+/ }).click();
    const confirm = page.getByRole('dialog', { name: /Roll back to v\d+\?/ });
    await confirm.getByLabel('Reason').fill('docs access not approved');
    await confirm.getByRole('button', { name: 'Roll back', exact: true }).click();
    await history.getByText(/\(rollback to v\d+\)/).waitFor();
    await expect(page.getByLabel('Allow rules').inputValue()).resolves.toBe('Bash(ls *)');

    await page.getByRole('button', { name: 'Engage lockdown…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock this tenant down?' });
    await dialog.waitFor();
    await expect(dialog.getByRole('button', { name: 'Engage lockdown' }).isDisabled()).resolves.toBe(true);
    await dialog.getByLabel('Reason (kept in the audit log)').fill('suspicious kubectl activity');
    await dialog.getByRole('button', { name: 'Engage lockdown' }).click();
    await page.getByTestId('lockdown-state').getByText('Tenant locked down').waitFor();
    await shot(page, 'lockdown');
    await page.getByRole('button', { name: 'Lift lockdown…' }).click();
    const lift = page.getByRole('dialog', { name: 'Lift the lockdown?' });
    await lift.getByLabel('Reason (kept in the audit log)').fill('investigated: false alarm');
    await lift.getByRole('button', { name: 'Lift lockdown' }).click();
    await page.getByTestId('lockdown-state').getByText('Not locked down').waitFor();
    await page.context().close();
  }, 180_000);

  it('should let a viewer read but not edit tool scopes or the lockdown', async () => {
    const page = await signedIn(data.viewerKey, '/scopes?role=notebook');
    await page.getByText('Read only: your role cannot change tool scopes.').waitFor();
    await expect(page.getByLabel('Allow rules').getAttribute('readonly')).resolves.not.toBeNull();
    expect(await page.getByRole('button', { name: 'Review changes' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    await page.getByText('Your role cannot change the lockdown.').waitFor();
    expect(await page.getByRole('button', { name: /lockdown…/ }).count()).toBe(0);
    // And the services refuse a viewer that calls the gateway directly.
    const res = await fetch(
      `${plane.url('console')}/api/policy-engine/api/v1/policy/tenants/${data.tenant.id}/roles/notebook`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${data.viewerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ allow: ['Read'], deny: [], reason: 'viewer tries' }),
      },
    );
    expect(res.status).toBe(403);
    await page.context().close();
  }, 120_000);

  it('should render the remaining pages with their empty or data states', async () => {
    const page = await signedIn(data.adminKey, '/gates');
    await page.getByText('Every gate is closed: no actuation tool is in scope.').waitFor();
    for (const [link, heading] of [
      ['Models & experiments', 'Model per agent role (defaults)'],
      ['Evaluation', 'Evaluation signals'],
      ['Alerts', 'Firing now'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading }).waitFor();
    }
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Models & experiments' })
      .click();
    await page.getByRole('cell', { name: 'notebook' }).waitFor();
    await shot(page, 'models');
    await page.context().close();
  }, 120_000);
});
