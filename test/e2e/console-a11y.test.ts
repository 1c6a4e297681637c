// Every screen of the console, on demo data a seller would have after a few days (licenses in
// every state, a customer with users and a group, devices, floating seats, validations and
// refusals, a webhook endpoint whose deliveries fail, credentials, an audit trail), checked by
// axe-core at a desktop (1280×800) and a phone (390×844) size, and at the desktop size in the
// dark colour scheme: no serious or critical violation anywhere. Dialogs a seller fills in daily are checked too. Each screen is screenshotted to
// .data/console-shots/a11y-*.png, and the counts per impact go to .data/console-shots/a11y-counts.json.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { seedDemoLicense } from "../../scripts/lib/seed.ts";
import { axeRun, blocking, type Violation } from "./axe";
import { launchBrowser, SHOTS, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
/** Ids the walk visits, made in beforeAll. */
const ids = { license: "", floating: "", customer: "", webhook: "" };

const api = async (path: string, init: { token?: string; body?: unknown; method?: string } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.token !== "" ? { Authorization: `Bearer ${init.token ?? apiKey}` } : {}),
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

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const tenant = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "A11y Seller", plan_tier: "pro" } });
  expect(tenant.status).toBe(201);
  apiKey = tenant.body.api_key.key;
  // First, so every event after it is a (failing) delivery on its page.
  ids.webhook = (await must("/v1/webhooks", { url: "http://127.0.0.1:9/a11y-hook" })).id;

  const demo = await seedDemoLicense(inject("databaseUrl"), tenant.body.tenant.id);
  ids.license = demo.licenseId;
  const customer = await must("/v1/customers", {
    name: "Stark Industries",
    email: "tony@stark.test",
    company: "Stark Industries",
    country: "US",
    external_ids: { stripe: "cus_stark" },
  });
  ids.customer = customer.id;
  const pepper = await must("/v1/users", { customer_id: customer.id, email: "pepper@stark.test", name: "Pepper Potts", role: "admin" });
  await must("/v1/users", { customer_id: customer.id, email: "happy@stark.test" });
  const group = await must("/v1/groups", { customer_id: customer.id, name: "Engineering" });
  await must(`/v1/groups/${group.id}/members`, { user_id: pepper.id }, 200);

  // Licenses in every state, one of them floating with two seats taken, one with a named seat.
  const floatingPolicy = await must("/v1/policies", {
    name: "Studio floating",
    application_id: demo.applicationId,
    lease_mode: "per_license",
    max_leases: 5,
    max_users: 3,
  });
  const floating = await must("/v1/licenses", { policy_id: floatingPolicy.id, plan: "Studio", customer_id: customer.id });
  ids.floating = floating.id;
  for (const instance of ["ws-1", "ws-2"]) await must("/v1/licenses/leases", { license_key: floating.key, instance_id: instance });
  await must(`/v1/licenses/${floating.id}/users`, { user_id: pepper.id }, 200);
  for (const [plan, action] of [
    ["Suspended plan", "suspend"],
    ["Revoked plan", "revoke"],
  ]) {
    const license = await must("/v1/licenses", { policy_id: demo.policyId, plan, customer_id: customer.id });
    await must(`/v1/licenses/${license.id}/${action}`, {}, 200);
  }
  await must("/v1/licenses", { policy_id: demo.policyId, plan: "Trial", expires_at: new Date(Date.now() + 3 * 86_400_000).toISOString() });

  // Devices, validations and refusals for the overview's chart and failing list.
  for (const fingerprint of ["laptop-ada", "desktop-bob"]) await must("/v1/licenses/activate", { license_key: demo.licenseKey, fingerprint });
  for (let i = 0; i < 3; i++) await must("/v1/licenses/validate", { license_key: demo.licenseKey }, 200);
  await must("/v1/licenses/validate", { license_key: demo.licenseKey, application_id: "app_someoneElse" }, 200);
  // Metrics may be stored after the response: the overview's chart waits for them to be counted.
  await vi.waitFor(async () => expect((await api("/v1/metrics/summary")).body.last_24h.validations).toBeGreaterThanOrEqual(4), {
    timeout: 30_000,
    interval: 200,
  });

  await must("/v1/user-tokens", { name: "support desk", permissions: ["licenses:read", "audit:read"] });
  await must("/v1/api-keys", { name: "billing backend", permissions: ["licenses:read", "licenses:write"] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
});

/** Waits until the screen has drawn its data: no list is still loading and no "Loading…" is shown. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return main && !main.querySelector('[aria-busy="true"]') && !/Loading…/.test(main.textContent ?? "");
  });
}

/**
 * What shows each section's screen has drawn its data, by its route. Every section the navigation
 * lists is walked; one not named here (a screen added later) waits for its heading and its lists.
 * Cells are found by their text: on a phone each cell's name starts with its column's label.
 */
const READY: Record<string, (page: Page) => Locator> = {
  overview: (p) => p.locator(".chart canvas"),
  applications: (p) => p.getByRole("table", { name: "Applications" }).getByText("Demo App"),
  policies: (p) => p.getByRole("table", { name: "Policies" }).getByText("Studio floating"),
  licenses: (p) => p.getByRole("table", { name: "Licenses" }).getByText("Revoked plan"),
  customers: (p) => p.getByRole("table", { name: "Customers" }).getByRole("link", { name: "Stark Industries" }),
  credentials: (p) => p.getByText("billing backend"),
  webhooks: (p) => p.getByText("http://127.0.0.1:9/a11y-hook"),
  audit: (p) => p.getByRole("table").getByText("license.revoke", { exact: true }),
};

/** A screen that is no section of its own (a detail, a dialog): how to reach it, and what shows it is drawn. */
interface Stop {
  name: string;
  go: (page: Page) => Promise<void>;
  ready: (page: Page) => Locator;
}

/** `hash` is read when the stop is reached, after beforeAll made the ids. */
const visit = (hash: () => string) => async (page: Page) => {
  await page.goto(`${base}/console/#/${hash()}`);
};
const dialog = (route: string, button: string) => async (page: Page) => {
  await page.goto(`${base}/console/#/${route}`);
  await page.getByRole("button", { name: button }).click();
};

const STOPS: Stop[] = [
  {
    name: "license",
    go: visit(() => `licenses/${ids.license}`),
    ready: (p) => p.getByRole("table", { name: "Activations" }).getByText("laptop-ada", { exact: true }),
  },
  { name: "license-floating", go: visit(() => `licenses/${ids.floating}`), ready: (p) => p.getByRole("table", { name: "Floating seats" }).getByText("ws-2") },
  { name: "webhook", go: visit(() => `webhooks/${ids.webhook}`), ready: (p) => p.getByRole("main").getByText("http://127.0.0.1:9/a11y-hook") },
  { name: "no-such-page", go: visit(() => "nowhere"), ready: (p) => p.getByRole("heading", { name: "No such page", level: 1 }) },
  { name: "dialog-new-license", go: dialog("licenses", "New license"), ready: (p) => p.getByRole("dialog").getByLabel("Policy") },
  { name: "dialog-new-policy", go: dialog("policies", "New policy"), ready: (p) => p.getByRole("dialog").getByLabel("Preset") },
  { name: "dialog-new-customer", go: dialog("customers", "New customer"), ready: (p) => p.getByRole("dialog").getByLabel("Email") },
  { name: "dialog-new-api-key", go: dialog("credentials", "New API key"), ready: (p) => p.getByRole("dialog").getByLabel("Name") },
];

/** What axe found, per screen and size: written out for the change's note. */
const counts: Record<string, Record<string, Record<string, number>>> = {};
const record = (screen: string, size: string, found: Violation[]) => {
  const tally: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of found) {
    const impact = v.impact ?? "minor";
    tally[impact] = (tally[impact] ?? 0) + v.nodes.length;
  }
  counts[screen] = { ...counts[screen], [size]: tally };
  writeFileSync(join(SHOTS, "a11y-counts.json"), `${JSON.stringify(counts, null, 2)}\n`);
};

async function check(page: Page, screen: string, size: string): Promise<void> {
  await settled(page);
  const found = await axeRun(page);
  await screenshot(page, `a11y-${screen}-${size}`);
  record(screen, size, found);
  // Soft, so one run reports every screen's violations, not just the first screen's.
  expect.soft(blocking(found), `${screen} at ${size}`).toEqual([]);
}

describe("the console's accessibility (axe-core, WCAG AA)", () => {
  for (const [size, width, height, colorScheme] of [
    ["desktop", 1280, 800, "light"],
    ["phone", 390, 844, "light"],
    // The reader's dark setting has colours of its own (base.css): they must pass too.
    ["desktop-dark", 1280, 800, "dark"],
  ] as const) {
    it(`has no serious or critical violation on any screen (${size})`, async () => {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme });
      const problems = watchProblems(page);
      await page.goto(`${base}/console/`);
      await page.getByLabel("API key or user token").waitFor();
      await check(page, "signin", size);
      await page.getByLabel("API key or user token").fill(apiKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();

      // Every section the navigation offers this full key.
      const sections = await page
        .getByRole("navigation", { name: "Sections" })
        .getByRole("link")
        .evaluateAll((links) => links.map((a) => (a.getAttribute("href") ?? "").replace(/^#\//, "")));
      expect(sections).toEqual(expect.arrayContaining(Object.keys(READY)));
      for (const route of sections) {
        await page.goto(`${base}/console/#/${route}`);
        await (READY[route]?.(page) ?? page.getByRole("heading", { level: 1 })).first().waitFor();
        await check(page, route, size);
      }

      for (const stop of STOPS) {
        await stop.go(page);
        await stop.ready(page).first().waitFor();
        await check(page, stop.name, size);
      }

      // Tabbed detail screens: every tab (the license's too, when it has tabs).
      for (const [screen, hash] of [
        ["customer", `customers/${ids.customer}`],
        ["license-tabs", `licenses/${ids.floating}`],
      ]) {
        await page.goto(`${base}/console/#/${hash}`);
        await page.getByRole("heading", { level: 1 }).waitFor();
        await settled(page);
        const tabs = await page.getByRole("tab").allTextContents();
        for (const [i, label] of tabs.entries()) {
          await page.getByRole("tab").nth(i).click();
          await page.getByRole("tab", { selected: true }).filter({ hasText: label }).waitFor();
          await check(
            page,
            `${screen}-tab-${label
              .replace(/[^a-z]+/gi, " ")
              .trim()
              .toLowerCase()
              .replace(/ /g, "-")}`,
            size,
          );
        }
      }
      expect(problems).toEqual([]);
      await page.close();
    }, 240_000);
  }
});
