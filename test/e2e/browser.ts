/// <reference lib="dom" />
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { provisionEmulatorPool } from '../../src/cognito/provision';
import { buildTestApp, type TestApp, type TestAppOverrides } from '../helpers/app';
import { testEmulator } from '../helpers/emulator';
import { freePort } from '../helpers/ports';

/** Debian's Chromium (`apt-get install chromium`); never a browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Where journeys save their screenshots: git-ignored by default; `E2E_SCREENSHOT_DIR=test/e2e/screenshots`
 * regenerates the committed ones that README shows.
 */
export const SCREENSHOT_DIR = path.resolve(process.env.E2E_SCREENSHOT_DIR ?? path.join(__dirname, '../../.data/e2e-screenshots'));

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The app on a real port, the suite's emulator registered with its callback URL, and a browser. */
export interface E2eWorld {
  base: string;
  t: TestApp;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The reference app as `npm start` runs it with choice-based sign-in (password, e-mailed code, passkey) and one
 * identity provider. `env` adds or replaces variables; `overrides` replaces parts of the app (a failing store).
 */
export async function startWorld(options: { env?: Record<string, string>; overrides?: Omit<TestAppOverrides, 'env'> } = {}): Promise<E2eWorld> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const { client } = testEmulator();
  // This run's emulator is its own (root hook): register the browser-reachable callback URL with it.
  await provisionEmulatorPool(client, base);
  // One identity provider, so that every axe-checked sign-in page carries its button (cognito-local
  // ignores identity_provider: the button leads to its own form).
  const t = buildTestApp({
    ...options.overrides,
    env: {
      APP_BASE_URL: base,
      RATE_LIMIT_IP_PER_MINUTE: '100000',
      COGNITO_IDENTITY_PROVIDERS: 'Google',
      COGNITO_FIRST_FACTORS: 'PASSWORD,EMAIL_OTP,WEB_AUTHN',
      ...options.env,
    },
  });
  const server: Server = t.app.listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    base,
    t,
    browser,
    close: async () => {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * The world of the `describe` this is called in: started before its tests, closed after them. The object
 * returned reads the running world, so tests use it as they would the world itself.
 */
export function useWorld(options: Parameters<typeof startWorld>[0] = {}): E2eWorld {
  let world: E2eWorld | undefined;
  before(async () => {
    world = await startWorld(options);
  });
  after(async () => {
    await world?.close();
  });
  const running = (): E2eWorld => {
    if (!world) throw new Error('the browser world is not started yet');
    return world;
  };
  return {
    get base() {
      return running().base;
    },
    get t() {
      return running().t;
    },
    get browser() {
      return running().browser;
    },
    close: () => running().close(),
  };
}

/** A fresh browser profile; every CSP violation or page error fails the test at the end. */
export async function newPage(
  world: E2eWorld,
  options: { locale?: string; javaScriptEnabled?: boolean; width?: number; height?: number; userAgent?: string } = {},
) {
  const context: BrowserContext = await world.browser.newContext({
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    locale: options.locale ?? 'en-GB',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1000, height: options.height ?? 800 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return {
    page,
    problems,
    close: async () => {
      await context.close();
      expect(problems, 'CSP violations or script errors').to.deep.equal([]);
    },
  };
}

/** axe-core inside the page: no serious or critical violation. Injected with evaluate, which the CSP does not govern. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }
    ).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
  });
  expect(violations, `axe on ${page.url()}`).to.deep.equal([]);
}

/** Saves a full-page screenshot under SCREENSHOT_DIR. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Where the page's parts sit, in CSS pixels: what a person sees of the layout. */
export interface LayoutFacts {
  viewportWidth: number;
  scrollWidth: number;
  header: { height: number };
  banner: { height: number; lineHeight: number } | undefined;
  card: { left: number; right: number; width: number } | undefined;
}

export async function layoutOf(page: Page): Promise<LayoutFacts> {
  // No named functions inside: the test runner's transform would wrap them in a helper the page lacks.
  return page.evaluate(() => {
    const banner = document.querySelector('.emulator-badge');
    const card = document.querySelector('main .card')?.getBoundingClientRect();
    return {
      viewportWidth: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth,
      header: { height: document.querySelector('header')?.getBoundingClientRect().height ?? 0 },
      banner: banner ? { height: banner.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(banner).lineHeight) } : undefined,
      card: card ? { left: card.left, right: card.right, width: card.width } : undefined,
    };
  });
}
