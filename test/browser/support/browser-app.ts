import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createTestApp, TestApp, TestAppOptions } from '../../support/test-app';
import { CHROMIUM_ARGS, ensureChromium } from './chromium';

export interface BrowserApp {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** a fresh browser profile (cookies, storage) on the app */
  context: (options?: BrowserContextOptions) => Promise<BrowserContext>;
  /** a plain GET, to look at headers */
  http: (path: string) => Promise<{ status: number; headers: Record<string, string>; text: string }>;
  close: () => Promise<void>;
}

/** The real app listening on a local port, and a headless Chromium to drive it. */
export async function startBrowserApp(options: TestAppOptions = {}): Promise<BrowserApp> {
  const t = await createTestApp(options);
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
  return {
    t,
    baseUrl,
    browser,
    context: (contextOptions = {}) => browser.newContext({ baseURL: baseUrl, locale: 'fr-FR', ...contextOptions }),
    http: async (path) => {
      const res = await fetch(`${baseUrl}${path}`, { redirect: 'manual' });
      return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text: await res.text() };
    },
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * Runs axe-core in the page (injected through the DevTools protocol, which the page's CSP does
 * not block) and returns every violation; the caller asserts on the serious and critical ones.
 * Each page's counts are appended to var/axe-report.jsonl for the record.
 */
export async function axe(page: Page, label: string): Promise<AxeViolation[]> {
  // (strings, not functions: this project compiles without the DOM's types)
  if (!(await page.evaluate<boolean>("typeof window.axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>(
    'axe.run(document).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })))',
  );
  const out = join(__dirname, '..', '..', '..', 'var', 'axe-report.jsonl');
  mkdirSync(dirname(out), { recursive: true });
  const count = (impact: string): number => violations.filter((v) => v.impact === impact).length;
  appendFileSync(out, `${JSON.stringify({ page: label, url: new URL(page.url()).pathname, critical: count('critical'), serious: count('serious'), moderate: count('moderate'), minor: count('minor'), ids: violations.map((v) => `${v.id}:${v.impact}`) })}\n`);
  return violations;
}

export function seriousOrCritical(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The page is no wider than the viewport: nothing to scroll sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

let counter = 0;
export function uniqueEmail(prefix = 'web'): string {
  return `${prefix}${++counter}-${Date.now().toString(36)}@startup.test`;
}

export const PASSWORD = 'a long founder passphrase';

/** Signs up through the sign-up page and lands on "my applications". */
export async function signUp(page: Page, email = uniqueEmail(), fullName = 'Léa Dubois'): Promise<string> {
  await page.goto('/signup');
  await page.fill('[name=fullName]', fullName);
  await page.fill('[name=email]', email);
  await page.fill('[name=password]', PASSWORD);
  await page.click('form[action="/signup"] button[type=submit]');
  await page.waitForURL('**/applications');
  return email;
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.fill('[name=email]', email);
  await page.fill('[name=password]', password);
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForLoadState('load');
}

/** The text of the first element matching `selector`, once it is there. */
export async function textOf(page: Page, selector: string, timeout = 5_000): Promise<string> {
  const locator = page.locator(selector).first();
  await locator.waitFor({ timeout });
  return locator.innerText();
}

/** Waits until an element matching `selector` contains `text` (e.g. a preview refreshed by the page's script). */
export async function waitForText(page: Page, selector: string, text: string | RegExp, timeout = 10_000): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor({ timeout });
}

/** Whether the element with keyboard focus has this class. */
export async function focusedHasClass(page: Page, className: string): Promise<boolean> {
  return page.evaluate<boolean>(`!!document.activeElement && document.activeElement.classList.contains(${JSON.stringify(className)})`);
}

/** The status shown by the first element carrying `data-status`. */
export async function statusShown(page: Page): Promise<string | null> {
  return page.locator('[data-status]').first().getAttribute('data-status');
}

/** The text part of the first email written to `mailDir` (the file transport) to `to` (or to anyone) that mentions `needle`, once it is there. */
export async function emailMentioning(mailDir: string, needle: string, to?: string, timeoutMs = 20_000): Promise<string> {
  const { simpleParser } = await import('mailparser');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const file of readdirSync(mailDir)) {
      const mail = await simpleParser(readFileSync(join(mailDir, file)));
      const recipients = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).map((a) => a.text).join(' ');
      if (mail.text?.includes(needle) && (to === undefined || recipients.includes(to))) return mail.text;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no email${to ? ` to ${to}` : ''} mentioning ${needle} in ${mailDir}`);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The path of the link to `path` (e.g. `/verify-email`) in the email to `to` that carries one. */
export async function linkInEmail(b: { t: { config: { mailDir: string; publicUrl: string } } }, to: string, path: string): Promise<string> {
  const text = await emailMentioning(b.t.config.mailDir, `${b.t.config.publicUrl}${path}`, to);
  const match = new RegExp(`${escapeRegExp(b.t.config.publicUrl)}(${escapeRegExp(path)}\\?token=[A-Za-z0-9_.~-]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in the email to ${to}`);
  return match[1];
}
