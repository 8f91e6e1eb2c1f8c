import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { emulatorClient } from 'port-tide/testing';
import { FAKE_ORGANISATION_ENTITIES } from '../../../integrations/fake/index.ts';
import { BROWSE_LINE } from '../../../src/runtime/index.ts';
import { sail } from '../sail.ts';
import { harness, tempCwd } from '../test-support.ts';
import { HAVE_CHROMIUM, launchBrowser, type Browser } from './test-browser.ts';
import { createPlaygroundEvaluator } from './ui.ts';

/**
 * The local Port's web UI in a real Chromium, as a new user meets it: resync the fake integration into a
 * fresh catalog (`tide sail fake --once`), open that catalog (`tide ui`), browse it, edit the mapping in
 * the playground, save, resync again and watch the requests. Each page leaves a screenshot in
 * `.test-output/ui/`.
 */
const CREDENTIALS = { clientId: 'ui-test', clientSecret: 'ui-test-secret' };

describe.skipIf(!HAVE_CHROMIUM)('the local Port web UI in Chromium', () => {
  let browser: Browser;
  const cwd = tempCwd();
  const h = harness();
  let port: PortEmulator;
  let url: string;
  let page: Page;

  beforeAll(async () => {
    const first = await sail({ integration: 'fake', cwd: cwd.dir, env: {}, httpPort: 0, handleSignals: false, out: h.out, overrides: { eventListener: { type: 'ONCE' } } });
    expect(first.exitCode).toBe(0);
    // `tide ui` on the catalog that run left behind (.tide/port.db), with Tide's mapper in the playground.
    port = createPortEmulator({ db: join(cwd.dir, '.tide', 'port.db'), credentials: [CREDENTIALS], ui: { evaluate: createPlaygroundEvaluator() } });
    url = await port.listen(0);
    browser = await launchBrowser();
    page = await browser.page();
  }, 120_000);

  afterEach(() => {
    expect(browser.problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await h.stopAll();
    await port?.close();
    cwd.remove();
  });

  it('lists fake-person with its count and the last resync as completed', async () => {
    expect(h.lines).toContain(BROWSE_LINE);
    await page.goto(`${url}/`);
    const row = page.locator('tr', { has: page.locator('code', { hasText: /^fake-person$/ }) });
    await expect(row.getByTestId('count').textContent()).resolves.toBe('100');
    await expect(row.textContent()).resolves.toContain('my-fake-integration (100)');
    const integration = page.locator('tr', { has: page.getByRole('link', { name: 'my-fake-integration', exact: true }) }).last();
    await expect(integration.getByTestId('resync-status').textContent()).resolves.toMatch(/completed/);
    await expect(integration.textContent()).resolves.toContain('nothing-to-delete');
    await browser.shot(page, '1-catalog');
  });

  it('links a person to its department, and lists the person among the department\'s incoming relations', async () => {
    await page.goto(`${url}/entity?bp=fake-person&id=hr-3`);
    await browser.shot(page, '3-entity-person');
    await page.getByTestId('relations-out').getByRole('link', { name: /hr/ }).click();
    await page.waitForURL(/bp=fake-department&id=hr/);
    const incoming = page.getByTestId('relations-in');
    await expect(incoming.textContent()).resolves.toContain('fake-person.department (20)');
    await expect(incoming.getByRole('link', { name: 'Person hr-3 (hr-3)' }).count()).resolves.toBe(1);
    await browser.shot(page, '3-entity-department');
  });

  it('shows the integration: its mapping as YAML, resync history, deletion report and raw examples', async () => {
    await page.goto(`${url}/integration?id=my-fake-integration`);
    await expect(page.locator('pre.yaml').textContent()).resolves.toContain('- kind: fake-person');
    // 5 departments and 100 persons, and the fake's offices, teams and projects.
    await expect(page.getByTestId('deletion-report').first().textContent()).resolves.toMatch(new RegExp(`nothing-to-delete[\\s\\S]*seen ${105 + FAKE_ORGANISATION_ENTITIES}\\b`));
    await page.getByText('fake-person — 5 items').click();
    // The JSON tree opens with the keyboard: its togglers are focusable buttons.
    const toggler = page.locator('details[open] .json-formatter-toggler-link').first();
    await toggler.focus();
    await page.keyboard.press('Enter');
    await expect(toggler.getAttribute('aria-expanded')).resolves.toBe('false');
    await browser.shot(page, '4-integration');
  });

  const editor = async (yaml: string) => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(yaml);
  };
  const field = (path: string) => page.locator(`article.pg-item[data-item="0"] tr[data-path="${path}"]`);

  it('evaluates an edited mapping as the resync would: new values, jq errors and type mismatches at their fields', async () => {
    await page.goto(`${url}/playground?integration=my-fake-integration&index=1`);
    await expect.poll(() => field('properties.department').getByTestId('value').textContent()).toMatch(/^"[a-z]+"$/);
    await browser.shot(page, '5-playground');
    const original = await page.locator('.cm-content').innerText();
    await editor(original.replace('department: .department.name', 'department: .department.name | ascii_upcase'));
    await page.waitForFunction(() => /^"[A-Z]+"$/.test(document.querySelector('article.pg-item[data-item="0"] tr[data-path="properties.department"] [data-testid="value"]')?.textContent ?? ''));

    await editor(original.replace('bio: .bio', 'bio: .bio |||'));
    await expect.poll(() => field('properties.bio').getByTestId('notes').textContent()).toMatch(/jq error: .*syntax error/i);
    await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    await browser.shot(page, '5-playground-jq-error');

    await editor(original.replace('age: .age', 'age: .name'));
    await expect.poll(() => field('properties.age').getByTestId('notes').textContent()).toContain('expected a value of type number, not string');
    await browser.shot(page, '5-playground-type-mismatch');
  });

  it('saves the resource into the mapping, and the next resync writes the new value', async () => {
    await page.goto(`${url}/playground?integration=my-fake-integration&index=1`);
    await expect.poll(() => field('properties.department').getByTestId('value').textContent()).toMatch(/^"[a-z]+"$/);
    const original = await page.locator('.cm-content').innerText();
    await editor(original.replace('age: .name', 'age: .age').replace('department: .department.name', 'department: .department.name | ascii_upcase'));
    await page.waitForFunction(() => /^"[A-Z]+"$/.test(document.querySelector('article.pg-item[data-item="0"] tr[data-path="properties.department"] [data-testid="value"]')?.textContent ?? ''));
    await page.getByRole('button', { name: "Save to the integration's mapping" }).click();
    await expect.poll(() => page.locator('#pg-save-status').textContent()).toMatch(/Saved resources\[1\][\s\S]*resync request rr_\w+ \(config_changed\)/);
    await browser.shot(page, '5-playground-saved');

    // The next resync: Tide with credentials against this Port reads the saved mapping (Port's stored mapping wins).
    const env = { OCEAN__PORT__CLIENT_ID: CREDENTIALS.clientId, OCEAN__PORT__CLIENT_SECRET: CREDENTIALS.clientSecret, OCEAN__PORT__BASE_URL: url };
    const next = await sail({ integration: 'fake', cwd: cwd.dir, env, httpPort: 0, handleSignals: false, out: h.out, overrides: { eventListener: { type: 'ONCE' } } });
    expect(next.exitCode, h.lines.join('\n')).toBe(0);
    await page.goto(`${url}/entity?bp=fake-person&id=hr-3`);
    await expect(page.locator('table.fields tr', { has: page.locator('th', { hasText: /^properties\.department$/ }) }).locator('td').textContent()).resolves.toBe('HR');
    await expect(page.locator('ol.history').textContent()).resolves.toMatch(/updated[\s\S]*properties\.department[\s\S]*hr[\s\S]*HR/);
    await browser.shot(page, '5-entity-after-resync');
  });

  // The request log is kept in memory: it holds the resync the previous test ran against this Port.
  it('shows the resync\'s bulk upserts in the request log, with their bodies', async () => {
    await page.goto(`${url}/requests`);
    const upsert = page.locator('#rq-table tbody tr', { hasText: '/v1/blueprints/fake-person/entities/bulk' }).first();
    await expect.poll(() => upsert.textContent()).toMatch(/POST[\s\S]*200[\s\S]*port-ocean\/fake\/[^/]+\/my-fake-integration\/exporter/);
    await page.getByLabel('Path contains').fill('entities/bulk');
    await expect.poll(() => page.locator('#rq-table tbody tr').first().textContent()).toContain('/entities/bulk');
    // Keyboard: the first row takes focus, Enter opens it.
    await page.locator('#rq-table tbody tr').first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#rq-detail-body').textContent()).toMatch(/Request body[\s\S]*entities[\s\S]*Response body/);
    await browser.shot(page, '6-requests');
  });
});

describe.skipIf(!HAVE_CHROMIUM)('the web UI on a large or hostile catalog, and behind an admin token', () => {
  let browser: Browser;
  const emulators: PortEmulator[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(() => {
    expect(browser.problems).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(emulators.map((e) => e.close()));
  });

  async function start(options: Parameters<typeof createPortEmulator>[0], seed: object): Promise<string> {
    const emulator = createPortEmulator(options);
    emulators.push(emulator);
    const url = await emulator.listen(0);
    const { entities = [], ...rest } = seed as { entities?: object[] };
    // The emulator takes bodies of at most 1 MiB, as Port does: seed large catalogs in chunks.
    for (let i = 0; i === 0 || i < entities.length; i += 2000) {
      const body = { ...(i === 0 ? rest : {}), entities: entities.slice(i, i + 2000) };
      await emulatorClient({ baseUrl: url, adminToken: options?.adminToken }).seed(body);
    }
    return url;
  }

  const service = { identifier: 'service', title: 'Service', icon: 'Microservice', schema: { properties: { language: { type: 'string' }, tier: { type: 'number' } }, required: [] } };

  it('pages through 10,000 entities with the keyboard and the pager, and finds one by identifier', async () => {
    const entities = Array.from({ length: 10_000 }, (_, i) => ({
      blueprint: 'service',
      identifier: `svc-${String(i).padStart(5, '0')}`,
      title: `Service ${i}`,
      properties: { language: i % 3 ? 'go' : 'ts', tier: i % 4 },
    }));
    const url = await start({}, { blueprints: [service], entities });
    const page = await browser.page();
    await page.goto(`${url}/blueprint?bp=service`);
    const summary = page.getByTestId('table-summary');
    await expect(summary.textContent()).resolves.toContain('Rows 1–50 of 10,000');
    const firstRow = () => page.locator('table.entities tbody tr').first().locator('td').first().textContent();
    await page.getByRole('link', { name: 'Next ›' }).click();
    await expect(firstRow()).resolves.toBe('svc-00050');
    await page.getByRole('link', { name: 'Next ›' }).click();
    await expect(firstRow()).resolves.toBe('svc-00100');
    await page.getByRole('link', { name: '‹ Previous' }).click();
    await expect(firstRow()).resolves.toBe('svc-00050');
    await page.getByRole('link', { name: 'Last »' }).click();
    await expect(summary.textContent()).resolves.toContain('Rows 9,951–10,000 of 10,000');
    await expect(page.locator('table.entities tbody tr').last().locator('td').first().textContent()).resolves.toBe('svc-09999');
    await browser.shot(page, '2-blueprint-last-page');

    await page.getByLabel('Identifier or title contains').fill('svc-07777');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(summary.textContent()).resolves.toContain('Rows 1–1 of 1');
    await expect(firstRow()).resolves.toBe('svc-07777');

    // Keyboard: Tab into the table, arrows between rows, Enter opens the entity.
    await page.goto(`${url}/blueprint?bp=service&sort=title&dir=desc`);
    await page.locator('table.entities tbody tr').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.querySelector('td')?.textContent);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/entity\?/);
    await expect(page.getByTestId('entity-title').textContent()).resolves.toBe(`Service ${Number(focused!.slice(4))}`);
    await browser.shot(page, '2-blueprint-entity');
  });

  it('renders hostile values as text', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const url = await start(
      { credentials: [CREDENTIALS] },
      {
        blueprints: [service],
        entities: [{ blueprint: 'service', identifier: 'evil', title: evil, properties: { language: `</script><script>alert(2)</script>` } }],
        integrations: [{ identifier: 'evil-int', installationAppType: 'fake', config: { resources: [{ kind: evil }] } }],
      },
    );
    // Raw data examples carry vendor data: the integration page shows them in a JSON tree.
    const { accessToken } = (await (await fetch(`${url}/v1/auth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREDENTIALS) })).json()) as { accessToken: string };
    const examples = await fetch(`${url}/v1/integration/evil-int/kinds/svc/examples`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ examples: [{ name: evil, [evil]: 1 }] }),
    });
    expect(examples.status).toBe(200);
    const page = await browser.page();
    await page.goto(`${url}/integration?id=evil-int`);
    await page.getByText('svc — 1 items').click();
    await expect.poll(() => page.locator('.json-tree').getByText(`"${evil}"`).count()).toBeGreaterThan(0);
    await expect(page.locator('main img').count()).resolves.toBe(0);
    await expect(page.locator('pre.yaml').textContent()).resolves.toContain(evil);
    await browser.shot(page, '7-xss-integration');
    for (const path of ['/blueprint?bp=service', '/entity?bp=service&id=evil']) {
      await page.goto(`${url}${path}`);
      await expect(page.locator('main img').count()).resolves.toBe(0);
      await expect(page.locator('main script').count()).resolves.toBe(0);
      await expect(page.getByText(evil, { exact: true }).count()).resolves.toBeGreaterThan(0);
    }
    await browser.shot(page, '7-xss-entity');
    await page.goto(`${url}/blueprint?bp=service`);
    await expect(page.locator('table.entities tbody td').nth(1).textContent()).resolves.toBe(evil);
    await browser.shot(page, '7-xss-blueprint');
  });

  it('asks for the admin token, keeps it out of URLs, and holds the session in an HttpOnly same-site cookie', async () => {
    const token = 'ui-admin-token-42';
    const url = await start({ adminToken: token }, { blueprints: [service], entities: [{ blueprint: 'service', identifier: 'svc-1' }] });
    const page = await browser.page();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${url}/blueprint?bp=service`);
    await expect(page.getByLabel('Admin token').count()).resolves.toBe(1);
    await expect(page.locator('table.entities').count()).resolves.toBe(0);
    await browser.shot(page, '8-admin-token');
    await page.getByLabel('Admin token').fill('wrong');
    await page.getByRole('button', { name: 'Open the UI' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not the one');
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Open the UI' }).click();
    await page.waitForURL(/\/blueprint\?bp=service$/);
    await expect(page.locator('table.entities tbody tr').count()).resolves.toBe(1);
    const cookies = await browser.context.cookies(url);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'tide_ui_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookies[0].value).not.toContain(token);
    expect(urls.filter((u) => u.includes(token))).toEqual([]);
    // Another browser profile without the cookie is asked again; the API answers 401.
    expect((await fetch(`${url}/_ui/api/requests`)).status).toBe(401);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${url}/`);
    await expect(page.getByLabel('Admin token').count()).resolves.toBe(1);
  });
});
