// The console as a support desk, in a real browser (Chromium through playwright-core) against the
// worker in workerd on real Postgres: a license's Activity tab lists what its apps did, newest
// first, each refusal with its explanation and next step, filters by result, operation and device,
// and reads older pages with "Load more"; the overview's failing list lands on a license's
// refusals; "Reissue key" shows a new key once and the old key is dead at once; a customer's
// activity; the retention setting saves; a credential without events:read is told so. axe-core
// finds no serious or critical violation on each of these views at 1280×800 and 390×844.
// Screenshots go to .data/console-shots/activity-*.png, the axe counts per view, size and impact
// to activity-a11y-counts.json.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { explain } from "../../src/contract/explanations";
import { axeRun, blocking } from "./axe";
import { launchBrowser, SHOTS, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;

const LAPTOP = "fp-laptop-0001";
const DESKTOP = "fp-desktop-0002";
/** What an event shows of a fingerprint: the first 12 hex characters of its SHA-256. */
const prefix = (fingerprint: string) => createHash("sha256").update(fingerprint).digest("hex").slice(0, 12);

const api = async (path: string, init: { token?: string; body?: unknown; method?: string; headers?: Record<string, string> } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.token === "" ? {} : { Authorization: `Bearer ${init.token ?? apiKey}` }),
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
      ...init.headers,
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

/** A request from a customer's app: no credential, the SDK's header and a user agent. */
const fromApp = async (path: string, body: unknown) =>
  (await api(path, { token: "", body, headers: { "User-Agent": "Studio/4.2 (Windows 11)", "X-Edge-License-SDK": "js/0.1.0" } })).body;

/**
 * A customer with a hardware-bound license and four requests on it: Milton's laptop activates and
 * validates, another computer is refused (FINGERPRINT_MISMATCH), and a verify names the wrong
 * application (PRODUCT_MISMATCH). Each call has answered before the next, so the order is known.
 */
async function seed(name: string) {
  const customer = await must("/v1/customers", { name, email: `it@${name.toLowerCase().replace(/\W+/g, "-")}.test` });
  const application = await must("/v1/applications", { name: `${name} Studio` });
  const policy = await must("/v1/policies", { name: `${name} seats`, application_id: application.id, binding_mode: "hardware", max_activations: 1 });
  const license = await must("/v1/licenses", { policy_id: policy.id, plan: "Studio", customer_id: customer.id });
  const activated = await fromApp("/v1/licenses/activate", { license_key: license.key, fingerprint: LAPTOP, name: "Milton's laptop" });
  expect(activated.activation.id).toMatch(/^act_/);
  expect((await fromApp("/v1/licenses/validate", { license_key: license.key, fingerprint: LAPTOP })).code).toBe("VALID");
  expect((await fromApp("/v1/licenses/validate", { license_key: license.key, fingerprint: DESKTOP })).code).toBe("FINGERPRINT_MISMATCH");
  expect((await fromApp("/v1/licenses/verify", { license_key: license.key, fingerprint: LAPTOP, application_id: "app_someoneElse" })).code).toBe(
    "PRODUCT_MISMATCH",
  );
  return { customer, license, activationId: activated.activation.id as string };
}

/** The four events of seed(), newest first, as the list shows operation and badge. */
const SEEDED = [
  ["Verify", "✕ Refused: PRODUCT_MISMATCH"],
  ["Validate", "✕ Refused: FINGERPRINT_MISMATCH"],
  ["Validate", "✓ Succeeded: VALID"],
  ["Activate", "✓ Succeeded: OK"],
] as const;

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const created = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "Support Desk Seller", plan_tier: "pro" } });
  expect(created.status).toBe(201);
  apiKey = created.body.api_key.key;
}, 120_000);

/** axe's findings per view and size, written out for the change's note. */
const counts: Record<string, Record<string, Record<string, number>>> = {};

afterAll(async () => {
  writeFileSync(join(SHOTS, "activity-a11y-counts.json"), `${JSON.stringify(counts, null, 2)}\n`);
  await browser?.close();
  await worker?.dispose();
});

async function openConsole(width = 1280, height = 800, key = apiKey): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems = watchProblems(page);
  await page.goto(`${base}/console/`);
  await page.getByLabel("API key or user token").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return { page, problems };
}

/** Waits until nothing in the page is loading any more. */
const settled = (page: Page) =>
  page.waitForFunction(() => {
    const main = document.querySelector("main");
    return main && !main.querySelector('[aria-busy="true"]') && !/Loading…/.test(main.textContent ?? "");
  });

/** axe on the page as it is: the tally goes to the counts file, and serious or critical findings fail. */
async function axe(page: Page, view: string, size: string) {
  await settled(page);
  const found = await axeRun(page);
  const tally: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of found) tally[v.impact ?? "minor"] = (tally[v.impact ?? "minor"] ?? 0) + v.nodes.length;
  counts[view] = { ...counts[view], [size]: tally };
  expect(blocking(found), `${view} at ${size}`).toEqual([]);
}

/** The events the list shows, newest first: [operation in words, badge text]. */
const shown = (page: Page) =>
  page
    .getByRole("list", { name: "Activity, newest first" })
    .locator(":scope > li")
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector(".act-op")?.textContent?.trim() ?? "",
        li.querySelector(".act-code")?.textContent?.replace(/\s+/g, " ").trim() ?? "",
      ]),
    );

/** Waits until the list shows exactly `expected` (the filters navigate, then the list reloads). */
const showsExactly = (page: Page, expected: readonly (readonly string[])[]) => expect.poll(() => shown(page).catch(() => [])).toEqual(expected);

describe("the console's license activity", () => {
  it("lists a license's activity newest first, explains each refusal beside it, and filters by result, operation and device", async () => {
    const { license, activationId } = await seed("Initech");
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/licenses/${license.id}?tab=activity`);
    await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();
    await showsExactly(page, SEEDED);

    const items = page.getByRole("list", { name: "Activity, newest first" }).locator(":scope > li");
    const mismatch = items.nth(1);
    const why = explain("FINGERPRINT_MISMATCH");
    expect(await mismatch.locator(".act-why").textContent()).toBe(`What happened. ${why.explanation}Next step. ${why.next_step}`);
    // The refused device is named by the fingerprint prefix it sent; the activated one by its name.
    expect(await mismatch.locator("dd").first().textContent()).toContain(`fingerprint ${prefix(DESKTOP)}…`);
    const laptop = items.nth(2);
    expect(await laptop.locator("dd").first().textContent()).toContain(`Milton's laptop ${activationId}`);
    expect(await laptop.locator(".act-why").count()).toBe(0);
    expect(await laptop.textContent()).toContain("js/0.1.0");
    expect(await laptop.textContent()).toContain("Studio/4.2 (Windows 11)");
    // Relative time shown, the exact instant on hover; the request id in full, with a copy button.
    const time = laptop.locator("time");
    expect(await time.textContent()).toMatch(/now|second|minute/);
    expect(await time.getAttribute("title")).toMatch(/\d{4}/);
    const requestId = (await laptop.locator(".act-request-id").textContent()) ?? "";
    expect(requestId).toMatch(/^req_/);
    await laptop.getByRole("button", { name: `Copy request id ${requestId}` }).waitFor();
    await axe(page, "license-activity", "desktop");
    await screenshot(page, "activity-license");

    // By a code seen here.
    await page.getByLabel("Result").selectOption({ label: "FINGERPRINT_MISMATCH" });
    await page.waitForURL(/tab=activity&code=FINGERPRINT_MISMATCH$/);
    await showsExactly(page, [SEEDED[1]]);
    // Refusals only.
    await page.getByLabel("Result").selectOption({ label: "Refusals only" });
    await page.waitForURL(/failing=1$/);
    await showsExactly(page, SEEDED.slice(0, 2));
    // A code typed in that never happened here.
    await page.getByLabel("Result").selectOption({ label: "Another code…" });
    await page.getByLabel("Code", { exact: true }).fill("too_many_activations");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/code=TOO_MANY_ACTIVATIONS$/);
    await page.getByText("No TOO_MANY_ACTIVATIONS events in the retention period.").waitFor();
    // By operation, then by one device from an event.
    await page.getByRole("button", { name: "Clear filters" }).click();
    await showsExactly(page, SEEDED);
    await page.getByLabel("Operation").selectOption({ label: "Validate" });
    await page.waitForURL(/operation=validateLicense$/);
    await showsExactly(page, SEEDED.slice(1, 3));
    await page.getByRole("button", { name: "Clear filters" }).click();
    await showsExactly(page, SEEDED);
    await items.nth(3).getByRole("link", { name: "Milton's laptop" }).click();
    await page.waitForURL(new RegExp(`device=${activationId}$`));
    // Every request the laptop made once it held its seat: the refused verify too.
    await showsExactly(page, [SEEDED[0], SEEDED[2], SEEDED[3]]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("reads older events with Load more, a page at a time", async () => {
    const { license } = await seed("Soylent");
    // 27 more validations: 31 events, one more page than the 25 the tab shows at first.
    for (let i = 0; i < 27; i++) expect((await fromApp("/v1/licenses/validate", { license_key: license.key, fingerprint: LAPTOP })).code).toBe("VALID");
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/licenses/${license.id}?tab=activity`);
    await page.getByText("Showing 25 events, newest first.").waitFor();
    await page.getByRole("button", { name: "Load more" }).click();
    await page.getByText("Showing 31 events, newest first.").waitFor();
    expect((await shown(page)).slice(-4)).toEqual(SEEDED);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    // Refusals only reads on past the newer successes until it finds them.
    await page.getByLabel("Result").selectOption({ label: "Refusals only" });
    await showsExactly(page, SEEDED.slice(0, 2));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("goes from the overview's failing list straight to the license's refusals", async () => {
    const { license } = await seed("Umbrella");
    const { page, problems } = await openConsole();
    const failing = page.locator(".card").filter({ has: page.getByRole("heading", { name: "Licenses failing most" }) });
    await failing.getByRole("link", { name: new RegExp(`^2 failed\\s*: see the refusals of ${license.id}$`) }).click();
    await page.waitForURL(new RegExp(`#/licenses/${license.id}\\?tab=activity&failing=1$`));
    await page.getByRole("tab", { name: "Activity", selected: true }).waitFor();
    await showsExactly(page, SEEDED.slice(0, 2));
    expect(await page.getByLabel("Result").inputValue()).toBe("refusals");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("reissues a key: the new one is shown once, the old one answers NOT_FOUND at once", async () => {
    const { license } = await seed("Hooli");
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/licenses/${license.id}`);
    await page.getByRole("heading", { name: "License · Studio for Hooli" }).waitFor();
    const opener = page.getByRole("button", { name: "Reissue key", exact: true });
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "Reissue this license's key?" });
    expect(await dialog.textContent()).toContain("The current key stops working at once");
    await dialog.getByRole("button", { name: "Reissue key" }).click();

    const shown = page.getByRole("dialog", { name: "New license key" });
    const secret = shown.locator("[data-secret]");
    await secret.waitFor();
    const key = (await secret.textContent()) ?? "";
    expect(key).toMatch(/^lk_/);
    expect(key).not.toBe(license.key);
    expect(await shown.textContent()).toContain("You will not see it again");
    expect(await shown.textContent()).toContain(`The old key ${license.key_prefix}… no longer works`);
    // Focus moved to the new content (the copy button), inside the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Copy");
    await screenshot(page, "activity-reissue-key");

    expect((await fromApp("/v1/licenses/validate", { license_key: license.key, fingerprint: LAPTOP })).code).toBe("NOT_FOUND");
    expect((await fromApp("/v1/licenses/validate", { license_key: key, fingerprint: LAPTOP })).code).toBe("VALID");
    // The page behind the dialog already names the new prefix.
    await page.getByText(`key ${key.slice(0, (license.key_prefix as string).length)}…`).waitFor();

    await shown.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "hidden" });
    expect(await page.locator("[data-secret]").count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    // Focus returns to the button that opened the dialog; opened again, it asks afresh.
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    await opener.click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });

    // A revoked license gets no new key, so it offers none.
    await must(`/v1/licenses/${license.id}/revoke`, {}, 200);
    await page.reload();
    await page.getByRole("heading", { name: "License · Studio for Hooli" }).waitFor();
    await page.getByText("revoked", { exact: true }).first().waitFor();
    expect(await page.getByRole("button", { name: "Reissue key" }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a customer's activity, each event with its license", async () => {
    const { customer, license } = await seed("Globex");
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/customers/${customer.id}`);
    await page.getByRole("heading", { name: "Globex", level: 1 }).waitFor();
    await page.getByRole("tab", { name: "Activity" }).click();
    await page.waitForURL(/tab=activity$/);
    await showsExactly(page, SEEDED);
    const licenses = page.getByRole("list", { name: "Activity, newest first" }).getByRole("link", { name: license.id });
    expect(await licenses.count()).toBe(4);
    await licenses.first().click();
    await page.waitForURL(new RegExp(`#/licenses/${license.id}\\?tab=activity$`));
    await showsExactly(page, SEEDED);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("saves the activity retention in Settings", async () => {
    const { page, problems } = await openConsole();
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Settings" }).click();
    const days = page.getByLabel("Keep activity for (days)");
    expect(await days.inputValue()).toBe("90");
    await days.fill("401");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "Enter a whole number of days from 1 to 400." }).waitFor();
    await days.fill("30");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "License activity is now kept for 30 days." }).waitFor();
    expect((await api("/v1/tenant")).body.activity_retention_days).toBe(30);
    expect(await days.inputValue()).toBe("30");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("tells a credential without events:read why it sees no activity, and offers it no reissue or settings it cannot use", async () => {
    const { license } = await seed("Vandelay");
    const narrow = await must("/v1/api-keys", { name: "support reader", permissions: ["licenses:read", "customers:read"] });
    const { page, problems } = await openConsole(1280, 800, narrow.key);
    await page.goto(`${base}/console/#/licenses/${license.id}?tab=activity`);
    const note = page.getByRole("tabpanel").getByRole("note");
    await note.waitFor();
    expect(await note.textContent()).toContain("lacks the events:read permission");
    expect(await page.getByRole("button", { name: "Reissue key" }).count()).toBe(0);
    expect(await page.getByRole("navigation", { name: "Sections" }).getByRole("link").allTextContents()).toEqual(["Licenses", "Customers"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const [size, width, height] of [
    ["desktop", 1280, 800],
    ["phone", 390, 844],
  ] as const) {
    it(`has no serious or critical axe-core violation on the activity views, the reissue dialog and Settings (${size})`, async () => {
      const { customer, license } = await seed(`Stark ${size}`);
      const { page, problems } = await openConsole(width, height);
      const noSideways = async (view: string) => expect(await page.evaluate(() => document.documentElement.scrollWidth), view).toBe(width);

      await page.goto(`${base}/console/#/licenses/${license.id}?tab=activity`);
      await showsExactly(page, SEEDED);
      await axe(page, "license-activity", size);
      await noSideways("license activity");
      await screenshot(page, `activity-license-${size}`);

      await page.goto(`${base}/console/#/licenses/${license.id}?tab=activity&failing=1`);
      await showsExactly(page, SEEDED.slice(0, 2));
      await axe(page, "license-activity-refusals", size);

      await page.goto(`${base}/console/#/customers/${customer.id}?tab=activity`);
      await showsExactly(page, SEEDED);
      await axe(page, "customer-activity", size);
      await noSideways("customer activity");
      await screenshot(page, `activity-customer-${size}`);

      await page.goto(`${base}/console/#/licenses/${license.id}`);
      await page.getByRole("button", { name: "Reissue key", exact: true }).click();
      await page.getByRole("dialog", { name: "Reissue this license's key?" }).waitFor();
      await axe(page, "reissue-confirm", size);
      await page.getByRole("dialog").getByRole("button", { name: "Reissue key" }).click();
      await page.getByRole("dialog", { name: "New license key" }).locator("[data-secret]").waitFor();
      await axe(page, "reissue-new-key", size);
      await screenshot(page, `activity-reissue-key-${size}`);
      await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();

      await page.goto(`${base}/console/#/settings`);
      await page.getByLabel("Keep activity for (days)").waitFor();
      await axe(page, "settings", size);
      await noSideways("settings");
      await screenshot(page, `activity-settings-${size}`);

      await page.goto(`${base}/console/#/overview`);
      // Only the top five failing licenses are listed, and every seeded one failed twice: any will do.
      await page
        .getByRole("link", { name: /failed\s*: see the refusals of lic_/ })
        .first()
        .waitFor();
      await axe(page, "overview", size);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
