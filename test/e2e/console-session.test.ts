// The console's session across tabs (public/console/lib/tabs.js): a tab opened at a shared link
// while another console tab is signed in lands on that screen signed in, handed the credential
// over a BroadcastChannel; signing out in any tab signs out every tab; with no console tab open
// the link shows sign-in and then its screen. The credential is never put in a cookie or
// localStorage. Every wait is for a state of the page, never for a length of time.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seedDemoLicense } from "../../scripts/lib/seed.ts";
import { launchBrowser, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
let licenseId: string;

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const res = await fetch(`${base}/v1/tenants`, {
    method: "POST",
    headers: { Authorization: `Bearer ${inject("operatorToken")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Tabs Seller", plan_tier: "pro" }),
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { tenant: { id: string }; api_key: { key: string } };
  apiKey = created.api_key.key;
  licenseId = (await seedDemoLicense(inject("databaseUrl"), created.tenant.id)).licenseId;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
});

const signInForm = (page: Page) => page.getByLabel("API key or user token");
const licenseHeading = (page: Page) => page.getByRole("heading", { name: "License · pro", level: 1 });

async function signIn(page: Page): Promise<void> {
  await signInForm(page).fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Where the page keeps state beyond its tab: nothing of the console's may be there. */
const beyondTheTab = (page: Page) => page.evaluate(() => ({ cookies: document.cookie, localStorage: localStorage.length }));

describe("the console's session across tabs", () => {
  let context: BrowserContext;
  let tabA: Page;
  let tabB: Page;
  /** Each tab's problems (watchProblems fills its array as they happen). */
  const watched: string[][] = [];

  beforeAll(async () => {
    // One browser profile: its tabs share the origin's BroadcastChannel, as a seller's tabs do.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => context?.close());

  it("opens a shared link in a new tab signed in, handed the session by the open tab", async () => {
    tabA = await context.newPage();
    watched.push(watchProblems(tabA));
    await tabA.goto(`${base}/console/`);
    await signIn(tabA);

    tabB = await context.newPage();
    watched.push(watchProblems(tabB));
    await tabB.goto(`${base}/console/#/licenses/${licenseId}`);
    await licenseHeading(tabB).waitFor();
    expect(await tabB.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    expect(tabB.url()).toBe(`${base}/console/#/licenses/${licenseId}`);
    // B now holds the session in its own tab storage, exactly as A does, and nowhere else.
    const held = await tabB.evaluate(() => sessionStorage.getItem("license-console.session") ?? "");
    expect(held).toContain(apiKey);
    expect(await beyondTheTab(tabA)).toEqual({ cookies: "", localStorage: 0 });
    expect(await beyondTheTab(tabB)).toEqual({ cookies: "", localStorage: 0 });
    await screenshot(tabB, "session-handed-over");
  });

  it("signs every tab out when one signs out", async () => {
    await tabB.getByRole("button", { name: "Sign out" }).click();
    await signInForm(tabB).waitFor();
    await signInForm(tabA).waitFor();
    expect(await tabA.getByRole("status").textContent()).toBe("Signed out in another tab.");
    for (const tab of [tabA, tabB]) {
      expect(await tab.evaluate(() => sessionStorage.length)).toBe(0);
      expect(await tab.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    }
    await screenshot(tabA, "session-signed-out-elsewhere");

    // With both signed out, a third tab finds no one to ask and shows the form.
    const tabC = await context.newPage();
    watched.push(watchProblems(tabC));
    await tabC.goto(`${base}/console/#/licenses/${licenseId}`);
    await signInForm(tabC).waitFor();
    expect(await tabC.evaluate(() => sessionStorage.length)).toBe(0);
    expect(watched.flat()).toEqual([]);
  });

  it("shows sign-in for a shared link when no console tab is open, then that link's screen", async () => {
    // A context of its own: no other tab of it can answer.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const own = watchProblems(page);
    await page.goto(`${base}/console/#/licenses/${licenseId}`);
    await signInForm(page).waitFor();
    await screenshot(page, "session-deep-link-signin");
    await signIn(page);
    await licenseHeading(page).waitFor();
    expect(page.url()).toBe(`${base}/console/#/licenses/${licenseId}`);
    expect(own).toEqual([]);
    await page.close();
  });
});
