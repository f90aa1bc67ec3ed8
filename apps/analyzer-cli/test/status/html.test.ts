// The `status --html` page in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
// playwright-core, no browser download. Asserts on what is rendered — rows, the status colours of
// the graph's nodes, the sort order after clicking a header — and that hostile state text is shown
// as text and runs nothing. Keeps a screenshot in test-artifacts/status.png.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, runCli } from '../helpers/cli.js';
import { tempDir, writeFiles } from '../helpers/git-repos.js';
import { D } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(PACKAGE_DIR, 'test-artifacts');
const HOSTILE_TAGS = `^(</style><script>window.__pwned=1</script>"'&amp;)?7$`;
const HOSTILE_PATH = `deploy/<script>window.__pwned=2</script>"'></title>.yaml`;
const HOSTILE_VERSION = `<img src=x onerror="window.__pwned=3">`;

/** What the page functions use of the browser's globals. */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { fill: string };
  __pwned?: number;
}

const scratch = tempDir('if-status-html');
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: sudo apt-get install -y chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  scratch.cleanup();
});

/**
 * A state that needs no registry (every base pinned by digest or selected among tags), with
 * behind, up-to-date and unknown images, a cascade, a consumer, and hostile text where the state
 * schema lets text through (a regex, a file path, a version).
 */
function hostileState(): string {
  const dir = join(scratch.dir, 'state');
  writeFiles(dir, {
    'images.yaml': `- name: app
  registry: ghcr.io
  repository: acme/app
  source: {repo: acme/app, dockerfile: Dockerfile}
  updates:
    - {repo: acme/deploy, path: ${JSON.stringify(HOSTILE_PATH)}, type: kustomize-set-image}
- name: base-app
  registry: ghcr.io
  repository: acme/base-app
  source: {repo: acme/base-app, dockerfile: Dockerfile}
- name: zeta
  registry: ghcr.io
  repository: acme/zeta
  source: {repo: acme/zeta, dockerfile: Dockerfile}
- name: middle
  registry: ghcr.io
  repository: acme/middle
  source: {repo: acme/middle, dockerfile: Dockerfile}
- name: redis-7
  repoURL: docker.io/library/redis
  allowTags: ${JSON.stringify(HOSTILE_TAGS)}
`,
    'images/base-app.yaml': `name: base-app\nbaseImages: [busybox]\ncurrentVersion: 1.0.0\ncurrentDigest: ${D('2')}\nbuiltOn: {busybox: "${D('c')}"}\nlastBuilt: 2025-12-01T00:00:00Z\n`,
    'images/app.yaml': `name: app\nbaseImages: [base-app]\ncurrentVersion: ${JSON.stringify(HOSTILE_VERSION)}\nbuiltOn: {base-app: "${D('1')}"}\n`,
    'images/zeta.yaml': `name: zeta\nbaseImages: [busybox]\ncurrentVersion: 2.0.0\nbuiltOn: {busybox: "${D('c')}"}\n`,
    'images/middle.yaml': 'name: middle\nbaseImages: [redis-7]\ncurrentVersion: 0.1.0\n',
    'base-images/busybox.yaml': `name: busybox\nimage: docker.io/library/busybox:1.36@${D('c')}\n`,
  });
  return dir;
}

async function open(file: string): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  // Nothing may be fetched at view time: every request but the page itself fails the test.
  const requests: string[] = [];
  page.on('request', (request) => {
    if (request.url() !== pathToFileURL(file).href) requests.push(request.url());
  });
  await page.goto(pathToFileURL(file).href);
  expect(requests).toEqual([]);
  return { page, dialogs, errors };
}

const column = (page: Page, table: string, index: number) =>
  page.$$eval(`#${table} tbody tr`, (rows, i) => rows.map((row) => row.cells[i]?.textContent ?? ''), index);

describe('status --html in Chromium', () => {
  it('renders the graph coloured by status, sortable tables, and hostile state as inert text', async () => {
    const dir = hostileState();
    const file = join(scratch.dir, 'status.html');
    const run = await runCli(['status', '--state-dir', dir, '--html', file], {
      env: { SOURCE_DATE_EPOCH: '1764892800' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      '\nstatus: 4 images: 2 up to date, 1 behind, 1 unknown; no registry requests\n',
    );
    expect(run.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/,
    );
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toMatch(/https?:\/\//);

    const { page, dialogs, errors } = await open(file);
    // Rows: one per managed image, one per base image.
    expect(await column(page, 'images', 0)).toEqual(['app', 'base-app', 'middle', 'zeta']);
    expect(await column(page, 'bases', 0)).toEqual(['busybox', 'redis-7']);
    expect(await page.textContent('#summary')).toBe('2 up to date, 1 behind, 1 unknown');

    // Graph: node classes and the colours the stylesheet gives them.
    const node = async (id: string) =>
      page.$eval(`g.node[data-id="${id}"]`, (g) => ({
        cls: g.getAttribute('class'),
        // Runs in the page (this package's TypeScript has no DOM library).
        fill: (globalThis as unknown as BrowserGlobals).getComputedStyle(g.querySelector('rect')).fill,
      }));
    expect(await node('image:app')).toEqual({ cls: 'node image st-behind', fill: 'rgb(255, 233, 199)' });
    expect(await node('image:base-app')).toEqual({
      cls: 'node image st-up-to-date',
      fill: 'rgb(216, 240, 218)',
    });
    expect(await node('image:middle')).toEqual({ cls: 'node image st-unknown', fill: 'rgb(238, 238, 238)' });
    expect((await node('base:busybox')).cls).toBe('node base st-base');
    expect((await node('base:redis-7')).cls).toBe('node base st-unknown');
    // Layered: the cascade (app on base-app) sits one column right of base-app, consumers last.
    const x = (selector: string) => page.$eval(selector, (g) => g.getBoundingClientRect().x);
    const id = (value: string) => `g.node[data-id="${value}"]`;
    expect(await x(id('base:busybox'))).toBeLessThan(await x(id('image:base-app')));
    expect(await x(id('image:base-app'))).toBeLessThan(await x(id('image:app')));
    expect(await x(id('image:app'))).toBeLessThan(await x('g.node.consumer'));
    expect(await page.getAttribute('g.node.consumer', 'data-id')).toBe(
      `consumer:acme/deploy@main:${HOSTILE_PATH}`,
    );
    expect(await page.$$eval('path.edge', (paths) => paths.length)).toBe(5);

    // Sorting: Status puts behind first; clicking Image twice sorts by name descending.
    await page.click('#images th:nth-child(2)');
    expect(await column(page, 'images', 1)).toEqual(['behind', 'unknown', 'up to date', 'up to date']);
    expect(await page.getAttribute('#images th:nth-child(2)', 'aria-sort')).toBe('ascending');
    await page.click('#images th:nth-child(1)');
    await page.click('#images th:nth-child(1)');
    expect(await column(page, 'images', 0)).toEqual(['zeta', 'middle', 'base-app', 'app']);
    expect(await page.getAttribute('#images th:nth-child(1)', 'aria-sort')).toBe('descending');

    // Hostile text is shown as text, and none of it ran.
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(HOSTILE_TAGS);
    expect(body).toContain(HOSTILE_VERSION);
    expect(await page.$$eval('#images td', (cells) => cells.map((cell) => cell.textContent))).toContain(
      HOSTILE_VERSION,
    );
    expect(await page.$eval('g.node.consumer title', (t) => t.textContent)).toBe(
      `acme/deploy:${HOSTILE_PATH}\nmain`,
    );
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).__pwned)).toBeUndefined();
    expect(await page.$$eval('script', (scripts) => scripts.length)).toBe(1);
    expect(await page.$$eval('img', (found) => found.length)).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'status.png'), fullPage: true });
    await page.close();
  }, 60_000);
});
