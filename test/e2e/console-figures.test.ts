// What the console shows and what it fetches: a license's seat figure under a credential that
// cannot read policies says the limit is not visible ("3 / ?"), never "unlimited", while a full
// key sees "3 / 3"; the chart library (public/console/vendor/uplot.*) is fetched only by the
// overview, which draws a chart, never by the sign-in page or a list screen.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { seedDemoLicense } from "../../scripts/lib/seed.ts";
import { launchBrowser, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
let demo: { licenseId: string; licenseKey: string };

const api = async (path: string, body?: unknown, token: string | null = apiKey) => {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const created = await api("/v1/tenants", { name: "Figures Seller", plan_tier: "pro" }, inject("operatorToken"));
  expect(created.status).toBe(201);
  apiKey = created.body.api_key.key;
  // The demo policy allows 3 seats; all three are taken.
  demo = await seedDemoLicense(inject("databaseUrl"), created.body.tenant.id);
  for (const fingerprint of ["seat-1", "seat-2", "seat-3"]) {
    expect((await api("/v1/licenses/activate", { license_key: demo.licenseKey, fingerprint }, null)).status).toBe(201);
  }
  // A validation, so the overview has a chart to draw.
  expect((await api("/v1/licenses/validate", { license_key: demo.licenseKey }, null)).body.code).toBe("VALID");
  // Metrics may be stored after the response: the chart is drawn once the validation is counted.
  await vi.waitFor(async () => expect((await api("/v1/metrics/summary")).body.last_24h.validations).toBeGreaterThanOrEqual(1), {
    timeout: 30_000,
    interval: 200,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
});

/** Opens the console at `hash` and signs in with `credential`; the deep link is kept. */
async function openSignedIn(credential: string, hash: string): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchProblems(page);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${base}/console/#/${hash}`);
  await page.getByLabel("API key or user token").fill(credential);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return { page, problems, requests };
}

const seatsOnDetail = (page: Page) => page.locator("dl.lic-props dt", { hasText: "Seats used" }).locator("xpath=following-sibling::dd[1]");
const seatsInList = (page: Page) => page.getByRole("row").filter({ hasText: demo.licenseId }).locator('td[data-label="Seats"]');

describe("the console's figures and loading", () => {
  it("shows a license's seats as '3 / ?' to a key without policies:read, and '3 / 3' to one with it", async () => {
    const narrow = await api("/v1/api-keys", { name: "support desk", permissions: ["licenses:read"] });
    expect(narrow.status).toBe(201);
    const { page, problems } = await openSignedIn(narrow.body.key, `licenses/${demo.licenseId}`);
    await page.getByRole("heading", { name: "License · pro" }).waitFor();
    expect(await seatsOnDetail(page).textContent()).toBe("3 / ? (limit not visible to this credential)");
    await screenshot(page, "seats-limited-detail");
    await page.goto(`${base}/console/#/licenses`);
    await seatsInList(page).waitFor();
    expect(await seatsInList(page).textContent()).toBe("3 / ? (limit not visible to this credential)");
    expect(await page.getByRole("main").textContent()).not.toContain("unlimited");
    expect(problems).toEqual([]);
    await page.close();

    const full = await openSignedIn(apiKey, `licenses/${demo.licenseId}`);
    // The policies are read after the license: until then the figure says "3 / …".
    await seatsOnDetail(full.page)
      .filter({ hasText: /^3 \/ 3$/ })
      .waitFor();
    expect(full.problems).toEqual([]);
    await full.page.close();
  });

  it("fetches the chart library on the overview only, not on the sign-in page or a list", async () => {
    const chartFiles = (requests: string[]) => requests.filter((path) => path.startsWith("/console/vendor/uplot"));
    const { page, problems, requests } = await openSignedIn(apiKey, "licenses");
    await seatsInList(page).waitFor();
    // Everything the sign-in page and the license list loaded, and not the chart.
    expect(requests).toContain("/console/app.js");
    expect(requests).toContain("/v1/licenses");
    expect(chartFiles(requests)).toEqual([]);

    await page.goto(`${base}/console/#/overview`);
    await page.locator(".chart canvas").waitFor();
    expect(chartFiles(requests).sort()).toEqual(["/console/vendor/uplot.css", "/console/vendor/uplot.mjs"]);
    await screenshot(page, "overview-chart-loaded");
    expect(problems).toEqual([]);
    await page.close();
  });
});
