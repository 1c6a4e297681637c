// The console's side of the customer portal, in a real browser (Chromium through playwright-core)
// against the worker in workerd on real Postgres: "Portal link" on a customer makes a one-time
// link (POST /v1/portal/sessions) shown in a dialog with Copy, when it stops working and a warning
// never to store it; its code exchanges once (POST /v1/portal/exchange); "Revoke" ends a fresh
// link's session (the exchange is then 401); no link is offered without portal:write or for an
// erased customer. Settings › Customer portal saves the branding and return origins
// (GET /v1/tenant shows them), previews the accent with a contrast warning, shows the API's field
// errors under their field, and is read-only without tenants:write. axe-core finds no serious or
// critical violation on the dialog and the section at 1280×800 and 390×844. Screenshots go to
// .data/console-shots/console-portal-*.png, axe counts per view, size and impact to console-portal-a11y-counts.json.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeRun, blocking } from "./axe";
import { launchBrowser, SHOTS, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;

const api = async (path: string, init: { token?: string; body?: unknown; method?: string } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.token === "" ? {} : { Authorization: `Bearer ${init.token ?? apiKey}` }),
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
};

/** Writes through the API, failing on anything but `status`. */
const must = async (path: string, body: unknown, status = 201) => {
  const res = await api(path, { body });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
};

/** What the customer's browser does with the link: its fragment's code, exchanged without a credential. */
const exchange = (url: string) => api("/v1/portal/exchange", { token: "", body: { code: new URL(url).hash.replace(/^#code=/, "") } });

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const created = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "Portal Console Seller", plan_tier: "pro" } });
  expect(created.status).toBe(201);
  apiKey = created.body.api_key.key;
}, 120_000);

/** axe's findings per view and size, written out for the change's note. */
const counts: Record<string, Record<string, Record<string, number>>> = {};

afterAll(async () => {
  writeFileSync(join(SHOTS, "console-portal-a11y-counts.json"), `${JSON.stringify(counts, null, 2)}\n`);
  await browser?.close();
  await worker?.dispose();
});

/** A signed-in console in a context of its own, allowed to use the clipboard (Copy is tested). */
async function openConsole(width = 1280, height = 800, key = apiKey): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${base}/console/`);
  await page.getByLabel("API key or user token").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return { page, problems };
}

const close = (page: Page) => page.context().close();

/** axe on the page as it is: the tally goes to the counts file, and serious or critical findings fail. */
async function axe(page: Page, view: string, size: string) {
  await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]') && !/Loading…|Creating a link…/.test(document.body.textContent ?? ""));
  const found = await axeRun(page);
  const tally: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of found) tally[v.impact ?? "minor"] = (tally[v.impact ?? "minor"] ?? 0) + v.nodes.length;
  counts[view] = { ...counts[view], [size]: tally };
  expect(blocking(found), `${view} at ${size}`).toEqual([]);
}

/** Opens the customer's page and its Portal link dialog; answers the dialog and the link it shows. */
async function openLink(page: Page, customer: { id: string; name: string }) {
  if (!page.url().includes(`#/customers/${customer.id}`)) {
    await page.goto(`${base}/console/#/customers/${customer.id}`);
    await page.getByRole("heading", { name: customer.name, level: 1 }).waitFor();
  }
  await page.getByRole("button", { name: "Portal link", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Portal link for ${customer.name}` });
  const shown = dialog.locator("[data-secret]");
  await shown.waitFor();
  return { dialog, url: (await shown.textContent()) ?? "" };
}

describe("the console's customer portal link", () => {
  it("makes a one-time link: copied, exchanged once, never offered as a link to open", async () => {
    const customer = await must("/v1/customers", { name: "Ada Lovelace", email: "ada@analytical.test" });
    const { page, problems } = await openConsole();
    const { dialog, url } = await openLink(page, customer);
    expect(url).toMatch(/\/portal\/#code=pc_[1-9A-HJ-NP-Za-km-z]{40}$/);

    // When it stops working, in the reader's time, about 10 minutes from now.
    const until = dialog.locator("time").first();
    expect(await dialog.textContent()).toMatch(/Works once, until \d{1,2}:\d{2}/);
    const expires = Date.parse((await until.getAttribute("datetime")) ?? "");
    expect(Math.abs(expires - (Date.now() + 600_000))).toBeLessThan(60_000);
    expect(await dialog.textContent()).toContain("Send this link to Ada Lovelace only");
    expect(await dialog.textContent()).toContain("Never store it");
    // The seller cannot open it from here: the link is text, not an anchor.
    expect(await dialog.locator("a").count()).toBe(0);

    // Focus lands on Copy; Copy puts the link on the clipboard and says so.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Copy link");
    await page.keyboard.press("Enter");
    await dialog.getByRole("status").filter({ hasText: "Copied to the clipboard." }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await screenshot(page, "console-portal-link");

    // The customer's browser exchanges it once.
    const first = await exchange(url);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.token).toMatch(/^pt_/);
    expect((await api("/v1/portal/me", { token: first.body.token })).body.customer.id).toBe(customer.id);
    expect((await exchange(url)).status).toBe(401);

    // Done forgets it.
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await page.content()).not.toContain(url);
    expect(problems).toEqual([]);
    await close(page);
  });

  it("revokes a fresh link after asking: its code no longer exchanges", async () => {
    const customer = await must("/v1/customers", { name: "Grace Hopper", email: "grace@cobol.test" });
    const { page, problems } = await openConsole();
    const { dialog, url: used } = await openLink(page, customer);
    expect((await exchange(used)).status).toBe(200);
    await dialog.getByRole("button", { name: "Done" }).click();

    // A second, fresh link: a new code.
    const { url } = await openLink(page, customer);
    expect(url).not.toBe(used);
    const sessionId = (await dialog.locator("code.id").textContent()) ?? "";
    expect(sessionId).toMatch(/^ps_/);
    await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
    await dialog.getByText("Revoke this portal link?").waitFor();
    // The safe choice has focus; "Keep the link" goes back to it.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Keep the link");
    await dialog.getByRole("button", { name: "Keep the link" }).click();
    expect(await dialog.locator("[data-secret]").textContent()).toBe(url);
    await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
    await dialog.getByRole("button", { name: "Revoke link" }).click();
    await dialog.getByRole("status").filter({ hasText: "Revoked. The link no longer works" }).waitFor();
    expect(await dialog.locator("[data-secret]").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Done");

    const refused = await exchange(url);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("UNAUTHORIZED");
    const audit = await api("/v1/audit-log?action=portal_session.revoke");
    expect(audit.body.data.map((e: any) => e.target_id)).toContain(sessionId);
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(problems).toEqual([]);
    await close(page);
  });

  it("offers no link without portal:write, nor for an erased customer", async () => {
    const customer = await must("/v1/customers", { name: "Erased Later", email: "gone@example.test" });
    const reader = await must("/v1/api-keys", { name: "customer desk", permissions: ["customers:read", "customers:write"] });
    const narrow = await openConsole(1280, 800, reader.key);
    await narrow.page.goto(`${base}/console/#/customers/${customer.id}`);
    await narrow.page.getByRole("heading", { name: "Erased Later", level: 1 }).waitFor();
    await narrow.page.getByRole("button", { name: "Edit" }).waitFor();
    expect(await narrow.page.getByRole("button", { name: "Portal link" }).count()).toBe(0);
    expect(narrow.problems).toEqual([]);
    await close(narrow.page);

    await must(`/v1/customers/${customer.id}/erase`, { licenses: "keep" }, 200);
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/customers/${customer.id}`);
    await page.getByText("personal data erased").waitFor();
    expect(await page.getByRole("button", { name: "Portal link" }).count()).toBe(0);
    expect(problems).toEqual([]);
    await close(page);
  });
});

describe("Settings › Customer portal", () => {
  const section = (page: Page) => page.getByRole("region", { name: "Customer portal" });

  it("saves the branding and return origins, warns about an unreadable accent, and shows the API's field errors", async () => {
    const { page, problems } = await openConsole();
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Settings" }).click();
    const form = section(page);
    await form.getByLabel("Display name").fill("Analytical Engines Ltd");

    // A light yellow reads at under 2:1 with white: the warning says the portal keeps its own blue.
    const accent = form.getByLabel("Accent colour");
    await accent.fill("#ffcc00");
    const warning = form.locator(".portal-contrast-warning");
    expect(await form.locator(".portal-accent-preview").textContent()).toMatch(/^Contrast with white: 1\.\d\d:1/);
    expect(await warning.textContent()).toBe(
      "Under the 4.5:1 that text needs: the portal keeps its own blue for buttons and links until the colour is darker.",
    );
    expect(await form.getByRole("img", { name: "Preview of #ffcc00" }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(255, 204, 0)");
    // A dark teal passes; written without its #, as pasted from a design tool.
    await accent.fill("0f766e");
    expect((await warning.textContent())?.trim()).toBe("");
    expect(await form.textContent()).toMatch(/Contrast with white: 5\.\d\d:1/);
    expect(await form.getByLabel("Colour picker").inputValue()).toBe("#0f766e");

    await form.getByLabel("Support email").fill("help@analytical.test");
    await form.getByLabel("Support page").fill("https://analytical.test/help");
    await form.getByLabel("Return origins").fill("https://app.analytical.test\nhttps://shop.analytical.test/\n");
    await form.getByRole("button", { name: "Save portal settings" }).click();
    await page.getByRole("status").filter({ hasText: "Customer portal settings saved." }).waitFor();
    expect((await api("/v1/tenant")).body.portal).toEqual({
      display_name: "Analytical Engines Ltd",
      accent_color: "#0f766e",
      support_email: "help@analytical.test",
      support_url: "https://analytical.test/help",
      return_origins: ["https://app.analytical.test", "https://shop.analytical.test"],
    });
    await expect.poll(() => form.getByLabel("Return origins").inputValue()).toBe("https://app.analytical.test\nhttps://shop.analytical.test");
    // A portal link may now send the customer back to the seller's app.
    const customer = await must("/v1/customers", { name: "Returning Customer", email: "back@analytical.test" });
    await must("/v1/portal/sessions", { customer_id: customer.id, return_url: "https://app.analytical.test/account" });

    // An origin with a path: the API refuses it, and says so under the field, naming the line.
    const origins = form.getByLabel("Return origins");
    await origins.fill("https://app.analytical.test\nhttps://app.analytical.test/account");
    await form.getByRole("button", { name: "Save portal settings" }).click();
    const error = form.locator("#portal-origins-error");
    await error.waitFor();
    expect(await error.textContent()).toBe("https://app.analytical.test/account: An https origin such as https://app.example.com (no path)");
    expect(await error.getAttribute("role")).toBe("alert");
    expect(await origins.getAttribute("aria-invalid")).toBe("true");
    expect((await origins.getAttribute("aria-describedby"))?.split(" ")).toContain("portal-origins-error");
    expect((await api("/v1/tenant")).body.portal.return_origins).toEqual(["https://app.analytical.test", "https://shop.analytical.test"]);
    // And a support page that is not https.
    await origins.fill("https://app.analytical.test");
    await form.getByLabel("Support page").fill("http://analytical.test/help");
    await form.getByRole("button", { name: "Save portal settings" }).click();
    await form.locator("#portal-url-error").getByText("An https URL").waitFor();
    expect(await form.locator("#portal-origins-error").count()).toBe(0);
    expect(problems).toEqual([]);
    await close(page);
  });

  it("is read-only without tenants:write", async () => {
    expect((await api("/v1/tenant", { method: "PATCH", body: { portal: { display_name: "Read Only Ltd", accent_color: "#1d4ed8" } } })).status).toBe(200);
    const reader = await must("/v1/api-keys", { name: "settings reader", permissions: ["tenants:read"] });
    const { page, problems } = await openConsole(1280, 800, reader.key);
    await page.goto(`${base}/console/#/settings`);
    const form = section(page);
    await form.getByText("Read Only Ltd").waitFor();
    expect(await form.textContent()).toContain("#1d4ed8");
    expect(await form.textContent()).toContain("Changing them needs the tenants:write permission.");
    expect(await form.getByRole("textbox").count()).toBe(0);
    expect(await form.getByRole("button").count()).toBe(0);
    expect(problems).toEqual([]);
    await close(page);
  });
});

for (const [size, width, height] of [
  ["desktop", 1280, 800],
  ["phone", 390, 844],
] as const) {
  it(`has no serious or critical axe-core violation on the portal link dialog and the portal settings (${size})`, async () => {
    const customer = await must("/v1/customers", { name: `Katherine Johnson ${size}`, email: `kj-${size}@nasa.test` });
    const { page, problems } = await openConsole(width, height);
    const noSideways = async (view: string) => expect(await page.evaluate(() => document.documentElement.scrollWidth), view).toBe(width);

    await page.goto(`${base}/console/#/customers/${customer.id}`);
    await page.getByRole("heading", { name: customer.name, level: 1 }).waitFor();
    await screenshot(page, `console-portal-customer-${size}`);
    const { dialog } = await openLink(page, customer);
    await axe(page, "portal-link", size);
    await noSideways("portal link dialog");
    expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await screenshot(page, `console-portal-link-${size}`);
    await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
    await axe(page, "portal-link-revoke", size);
    await dialog.getByRole("button", { name: "Revoke link" }).click();
    await dialog.getByRole("status").filter({ hasText: "Revoked." }).waitFor();
    await axe(page, "portal-link-revoked", size);
    await screenshot(page, `console-portal-link-revoked-${size}`);
    await dialog.getByRole("button", { name: "Done" }).click();

    await page.goto(`${base}/console/#/settings`);
    const form = page.getByRole("region", { name: "Customer portal" });
    // Shown with a failing accent, so the warning is checked too.
    await form.getByLabel("Accent colour").fill("#7dd3fc");
    await form.locator(".portal-contrast-warning strong").waitFor();
    await axe(page, "portal-settings", size);
    await noSideways("portal settings");
    await form.scrollIntoViewIfNeeded();
    await screenshot(page, `console-portal-settings-${size}`);
    // With a field error from the API.
    await form.getByLabel("Return origins").fill("http://insecure.example.test");
    await form.getByRole("button", { name: "Save portal settings" }).click();
    await form.locator("#portal-origins-error").waitFor();
    await axe(page, "portal-settings-error", size);
    expect(problems).toEqual([]);
    await close(page);
  });
}
