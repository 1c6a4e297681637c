// The console's webhook screens tell the truth about a receiver that is down, in a real browser
// (Chromium through playwright-core) against the worker in workerd on real Postgres and the local
// webhook receiver: an endpoint whose deliveries fail shows "failing" (in words) with its last
// response, in the list, on its page and on the overview; its deliveries open in a payload and
// response viewer; "Retry now" delivers one once the receiver is back; "Send test event" shows
// the receiver's answer. axe-core finds no serious or critical violation on the list, the failing
// endpoint's page, the viewer and the test dialog, at desktop and phone sizes. Screenshots go to
// .data/console-shots/webhooks-*.png; the axe counts per impact to webhooks-a11y-counts.json.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, SHOTS, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
const RECEIVER = inject("webhookReceiverUrl");

/** axe-core's browser build (a devDependency), run in the page through the DevTools protocol, which the console's CSP does not govern. */
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** Violations per impact, per page checked, written out after the file. */
const counts: Record<string, Record<string, number>> = {};

const api = async (path: string, init: { token?: string; body?: unknown; method?: string } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      Authorization: `Bearer ${init.token ?? apiKey}`,
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
};

/** Programs the local receiver's answers for `name` (the last status repeats). */
async function program(name: string, statuses: number[]): Promise<void> {
  const res = await fetch(`${RECEIVER}/__program/${name}`, { method: "POST", body: JSON.stringify({ statuses }) });
  expect(res.status).toBe(204);
}

const receivedCount = async (name: string) => ((await (await fetch(`${RECEIVER}/__received/${name}`)).json()) as unknown[]).length;

/** An endpoint at the receiver path `name`; with `failing`, the receiver answers it 500 until told otherwise. */
async function endpoint(name: string, failing: boolean) {
  await program(name, [failing ? 500 : 200]);
  const res = await api("/v1/webhooks", { body: { url: `${RECEIVER}/${name}` } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Changes that announce an event (API keys created), then waits until `endpointId` has `n` attempted deliveries. */
async function deliveries(endpointId: string, n: number) {
  for (let i = 0; i < n; i++) expect((await api("/v1/api-keys", { body: { name: `event ${i}`, permissions: ["licenses:read"] } })).status).toBe(201);
  await expect
    .poll(async () => (await api(`/v1/webhooks/${endpointId}/deliveries`)).body.data.filter((d: any) => d.attempts > 0).length, { timeout: 20_000 })
    .toBe(n);
  return (await api(`/v1/webhooks/${endpointId}/deliveries`)).body.data as any[];
}

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const created = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "Webhook Console Seller", plan_tier: "pro" } });
  expect(created.status).toBe(201);
  apiKey = created.body.api_key.key;
}, 120_000);

afterAll(async () => {
  writeFileSync(join(SHOTS, "webhooks-a11y-counts.json"), `${JSON.stringify(counts, null, 2)}\n`);
  await browser?.close();
  await worker?.dispose();
});

async function openConsole(width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems = watchProblems(page);
  await page.goto(`${base}/console/`);
  await page.getByLabel("API key or user token").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return { page, problems };
}

/** The serious and critical violations axe-core finds on the page as it is now; every impact is counted under `label`. */
async function axeViolations(page: Page, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const found: { id: string; impact: string; nodes: string[] }[] = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<any> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n: any) => `${n.target.join(" ")} (${n.failureSummary?.split("\n").slice(1).join(" ").trim()})`),
    }));
  });
  counts[label] = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  for (const v of found) counts[label]![v.impact] = (counts[label]![v.impact] ?? 0) + v.nodes.length;
  return found.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.nodes.join("; ")}`);
}

describe("the console's webhook screens", () => {
  it("shows a down receiver's endpoint as failing with its last response, views a delivery, retries it now and sends a test event", async () => {
    const down = await endpoint("console-down", true);
    const fine = await endpoint("console-fine", false);
    // Newest first: `first` is the second event's delivery.
    const [first, second] = await deliveries(down.id, 2);
    const { page, problems } = await openConsole();
    const dialog = page.getByRole("dialog");

    // The overview counts failing endpoints, not only deliveries that gave up.
    const card = page.locator(".stat").filter({ hasText: "Failing webhook endpoints" });
    await card.locator(".stat-value", { hasText: /^1$/ }).waitFor();
    expect(await card.locator(".stat-hint").allTextContents()).toEqual(["of 2", "Deliveries: 2 retrying · 0 failed", "See endpoints"]);
    await screenshot(page, "webhooks-overview-card");

    // The list: the failing endpoint says so in words, with its last response; the other is healthy.
    await page.goto(`${base}/console/#/webhooks`);
    const rowOf = (url: string) => page.getByRole("row").filter({ hasText: url });
    const downHealth = rowOf(down.url).locator('td[data-label="Health"]');
    await downHealth.getByText("failing").waitFor();
    expect(await downHealth.textContent()).toMatch(/failing\s*HTTP 500 · .+2 retrying/);
    expect(await rowOf(fine.url).locator('td[data-label="Health"]').textContent()).toMatch(/healthy\s*HTTP 200/);
    await screenshot(page, "webhooks-list-failing");

    // Its page leads with what is wrong and what to do.
    await page.getByRole("link", { name: down.url }).click();
    const notice = page.getByRole("region", { name: "This endpoint is failing" });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/got HTTP 500\..*Failing since .*Deliveries: 2 retrying\./s);
    const table = page.getByRole("table", { name: "Deliveries" });
    await table.getByText("retrying").first().waitFor();
    expect(await table.locator('td[data-label="Status"]').allTextContents()).toEqual(["retrying", "retrying"]);
    await screenshot(page, "webhooks-endpoint-failing");

    // The payload and response viewer.
    await page.getByRole("button", { name: `View delivery ${first.id}` }).click();
    await dialog.getByRole("heading", { name: "Payload" }).waitFor();
    const payload = await dialog.getByLabel("Payload", { exact: true }).textContent();
    expect(JSON.parse(payload!)).toMatchObject({ type: "api_key.created", data: { name: "event 1" } });
    const attempt = dialog.locator("li.attempt");
    expect(await attempt.count()).toBe(1);
    expect(await attempt.textContent()).toMatch(/Attempt 1.*HTTP 500.*ms/s);
    expect(await dialog.getByLabel("Answer to attempt 1").textContent()).toBe("not now");
    await screenshot(page, "webhooks-delivery-viewer");
    await dialog.getByRole("button", { name: "Close", exact: true }).last().click();

    // The receiver is back: retry now delivers it at once, the same event again.
    await program("console-down", [200]);
    const calls = await receivedCount("console-down");
    await page.getByRole("button", { name: `Retry now delivery ${first.id}` }).click();
    await page
      .getByRole("status")
      .getByText(/^Delivered: HTTP 200 in \d+ ms\.$/)
      .waitFor();
    await expect.poll(() => table.locator("tr", { hasText: first.event_id }).locator('td[data-label="Status"]').textContent()).toBe("succeeded");
    expect(await receivedCount("console-down")).toBe(calls + 1);
    // The most recent attempt got a 2xx: the endpoint reads healthy, with one delivery still retrying.
    await page.getByRole("region", { name: "This endpoint is failing" }).waitFor({ state: "detached" });
    expect(await page.locator("dd.health-prop").textContent()).toMatch(/healthy\s*HTTP 200 · .+1 retrying/);
    await screenshot(page, "webhooks-retried");

    // A test event: its outcome in the dialog, then among the deliveries.
    await page.getByRole("button", { name: "Send test event" }).click();
    await dialog.getByRole("button", { name: "Send test event" }).click();
    const outcome = dialog.getByRole("status");
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/delivered\s*HTTP 200 · \d+ ms/);
    expect(await dialog.getByLabel("Answer to the test event").textContent()).toBe("ok");
    await screenshot(page, "webhooks-test-event");
    await dialog.getByRole("button", { name: "Done" }).click();
    await table.getByText("webhook.test").waitFor();
    expect(await receivedCount("console-down")).toBe(calls + 2);
    const second2 = await api(`/v1/webhooks/${down.id}/deliveries/${second.id}`);
    expect(second2.body.status).toBe("pending");
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const [size, width] of [
    ["desktop", 1280],
    ["phone", 390],
  ] as const) {
    it(`has no serious or critical axe-core violations on the webhook screens with a failing endpoint (${size})`, async () => {
      const name = `console-a11y-${size}`;
      const down = await endpoint(name, true);
      const [d] = await deliveries(down.id, 1);
      const { page, problems } = await openConsole(width);
      const dialog = page.getByRole("dialog");

      await page.goto(`${base}/console/#/webhooks`);
      await page.getByRole("row").filter({ hasText: down.url }).getByText("failing").waitFor();
      expect(await axeViolations(page, `list-${size}`)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
      await screenshot(page, `webhooks-list-${size}`);

      await page.goto(`${base}/console/#/webhooks/${down.id}`);
      await page.getByRole("region", { name: "This endpoint is failing" }).waitFor();
      await page.getByRole("table", { name: "Deliveries" }).waitFor();
      expect(await axeViolations(page, `endpoint-${size}`)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
      await screenshot(page, `webhooks-endpoint-${size}`);

      await page.getByRole("button", { name: `View delivery ${d.id}` }).click();
      await dialog.getByLabel("Answer to attempt 1").waitFor();
      expect(await axeViolations(page, `viewer-${size}`)).toEqual([]);
      await screenshot(page, `webhooks-viewer-${size}`);
      await dialog.getByRole("button", { name: "Close", exact: true }).last().click();

      await page.getByRole("button", { name: "Send test event" }).click();
      await dialog.getByRole("button", { name: "Send test event" }).click();
      await dialog.getByRole("status").waitFor();
      expect(await dialog.getByRole("status").textContent()).toMatch(/failed\s*HTTP 500/);
      expect(await axeViolations(page, `test-event-${size}`)).toEqual([]);
      await screenshot(page, `webhooks-test-event-${size}`);
      await dialog.getByRole("button", { name: "Done" }).click();

      await page.goto(`${base}/console/#/overview`);
      await page.locator(".stat").filter({ hasText: "Failing webhook endpoints" }).locator(".stat-value", { hasText: /^\d+$/ }).waitFor();
      expect(await axeViolations(page, `overview-${size}`)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
