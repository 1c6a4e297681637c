// The console's Billing screens in Chromium (playwright-core) against the worker in workerd on real
// Postgres. A seller connects Stripe with the keyboard only, copies the endpoint URL the dialog
// shows with where it goes in Stripe, opens the connector and sends a test event, which the log
// shows as ignored; then Stripe's own signed delivery of a one-time purchase (posted by this test,
// signed as Stripe signs) shows as applied, with a link to the license it made. A mapping whose
// policy went away meanwhile is refused by the API at that mapping's policy field; editing keeps
// the secret when its field is left blank; deleting keeps the licenses. axe-core finds no serious
// or critical violation on the list, the form and the log at 1280×800 and 390×844 (counts in
// .data/console-shots/billing-a11y.json). Screenshots: .data/console-shots/billing-*.png, and the
// README's in docs/billing/ with DOCS_SHOTS=1.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stripeOneTimeScenario } from "../billing/payloads/stripe";
import { signStripe } from "../billing/sign";
import { axeRun, blocking } from "./axe";
import { launchBrowser, SHOTS, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
/** The policy purchases are mapped to, made in beforeAll. */
let policyId: string;
const SECRET = "whsec_console_5bd1c2b8d1f54d0f";
const axeCounts: Record<string, Record<string, number>> = {};

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const api = async (path: string, init: { body?: unknown; method?: string } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { Authorization: `Bearer ${apiKey}`, ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
};

/** Writes through the admin API, failing on anything but `status`. */
const must = async (path: string, body?: unknown, status = 201, method?: string) => {
  const res = await api(path, { body, method });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
};

/** A Stripe connector made through the API, mapping `price_lifetime` to the policy. */
const connector = (name: string) =>
  must("/v1/billing/connectors", {
    provider: "stripe",
    name,
    signing_secret: SECRET,
    mappings: [{ match: "price_lifetime", policy_id: policyId, plan: "lifetime" }],
  });

/**
 * What Stripe does after a one-time Checkout payment: `checkout.session.completed` (with its
 * line items), signed with the endpoint's secret now, posted to the connector's endpoint.
 */
async function purchase(connectorId: string, email: string, secret = SECRET) {
  const [event] = stripeOneTimeScenario({
    customer: { id: `cus_${email.split("@")[0]}`, email, name: "Ada Lovelace" },
    priceId: "price_lifetime",
    productId: "prod_studio",
    quantity: 1,
    start: Date.now(),
  });
  const res = await fetch(`${base}/v1/billing/${connectorId}/events`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signStripe(secret, event!.body, Math.floor(Date.now() / 1000))) },
    body: event!.body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const tenant = await fetch(`${base}/v1/tenants`, {
    method: "POST",
    headers: { Authorization: `Bearer ${inject("operatorToken")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Billing Console Seller", plan_tier: "pro" }),
  });
  expect(tenant.status).toBe(201);
  apiKey = ((await tenant.json()) as any).api_key.key;
  const app = await must("/v1/applications", { name: "Studio" });
  policyId = (await must("/v1/policies", { name: "Studio seats", application_id: app.id, max_activations: 3 })).id;
}, 120_000);

afterAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, "billing-a11y.json"), `${JSON.stringify(axeCounts, null, 2)}\n`);
  await browser?.close();
  await worker?.dispose();
});

/** The console signed in, in a context that may use the clipboard (the Copy buttons). */
async function openConsole(size = DESKTOP, token = apiKey): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: size, permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${base}/console/`);
  await page.getByLabel("API key or user token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return { page, problems };
}

/** The screenshots the README shows, by their name there (docs/billing/<name>.png). */
const DOCS: Record<string, string> = { "connector-desktop": "console-connector-desktop", "log-phone": "console-log-phone" };

/** A screenshot under .data/console-shots (the page, or one part of it), and the README's under docs/billing with DOCS_SHOTS=1. */
async function shot(page: Page, name: string, part?: Locator): Promise<void> {
  const paths = [join(SHOTS, `billing-${name}.png`)];
  if (process.env.DOCS_SHOTS === "1" && DOCS[name]) paths.push(join(process.cwd(), "docs", "billing", `${DOCS[name]}.png`));
  for (const path of paths) {
    mkdirSync(join(path, ".."), { recursive: true });
    if (part) await part.screenshot({ path });
    else await page.screenshot({ path, fullPage: true });
  }
}

/** axe on the page as it is now: none serious or critical, and nothing wider than the screen; the counts per impact are kept. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await axeRun(page);
  const { width, height } = page.viewportSize()!;
  const counts: Record<string, number> = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  for (const v of violations) counts[v.impact ?? "minor"]! += v.nodes.length;
  axeCounts[`${screen} ${width}x${height}`] = counts;
  expect(blocking(violations), `${screen} at ${width}`).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${screen} scrolls sideways at ${width}`).toBe(width);
}

/** Presses Tab until `target` has focus (the keyboard-only path a person would take), failing after `max` presses. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);

/** The text of what a control names in aria-describedby, as a screen reader reads it after the label. */
const description = (control: Locator) =>
  control.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim())
      .join(" "),
  );

/** The log's row for an event type, and its outcome cell's text once it shows `outcome`. */
async function logRow(page: Page, eventType: string, outcome: string): Promise<Locator> {
  const row = page.getByRole("table", { name: "Billing events" }).getByRole("row").filter({ hasText: eventType });
  await row.locator('td[data-label="Outcome"]', { hasText: outcome }).first().waitFor();
  return row.first();
}

describe("Billing in the console: createBillingConnector, listBillingConnectors, getBillingConnector, updateBillingConnector, deleteBillingConnector, testBillingConnector, listBillingEvents", () => {
  it("connects Stripe with the keyboard only, shows the endpoint URL, logs a test event as ignored and a signed purchase as applied with its license", async () => {
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/billing`);
    await page.getByText("No provider connected yet.").waitFor();
    const dialog = page.getByRole("dialog");

    // createBillingConnector, by keyboard: the form in order, Enter in the last field submits it.
    await tabTo(page, page.getByRole("button", { name: "Connect a provider" }));
    await page.keyboard.press("Enter");
    const provider = dialog.getByLabel("Provider", { exact: true });
    await tabTo(page, provider);
    expect(await provider.inputValue()).toBe("stripe");
    await page.keyboard.press("Tab");
    expect(await isFocused(dialog.getByLabel("Name"))).toBe(true);
    await page.keyboard.type("Stripe live");
    await page.keyboard.press("Tab");
    const secret = dialog.getByLabel("Signing secret");
    expect(await isFocused(secret)).toBe(true);
    expect(await secret.getAttribute("type")).toBe("password");
    await page.keyboard.type(SECRET);
    await tabTo(page, dialog.getByLabel("Provider id to match"));
    await page.keyboard.type("price_lifetime");
    await page.keyboard.press("Tab");
    const policy = dialog.getByLabel("Policy");
    expect(await isFocused(policy)).toBe(true);
    await page.keyboard.press("ArrowDown");
    expect(await policy.inputValue()).toBe(policyId);
    await page.keyboard.press("Tab");
    await page.keyboard.type("lifetime");
    await page.keyboard.press("Tab");
    await page.keyboard.type("export, sso");
    await page.keyboard.press("Tab");
    await page.keyboard.type("2");
    expect(await description(dialog.getByLabel("Seats"))).toBe("Seats: 2.");
    expect(await dialog.getByLabel("Renewal grace (days)").inputValue()).toBe("1");
    expect(await dialog.getByLabel("Dunning grace (days)").inputValue()).toBe("3");
    await page.keyboard.press("Enter");

    // The answer: the URL to paste into Stripe, its Copy button focused, and where it goes.
    await dialog.getByRole("heading", { name: "Stripe connected" }).waitFor();
    const copy = dialog.getByRole("button", { name: "Copy URL" });
    expect(await isFocused(copy)).toBe(true);
    const [created] = (await must("/v1/billing/connectors", undefined, 200)).data;
    expect(created).toMatchObject({ name: "Stripe live", renewal_grace_s: 86_400, dunning_grace_s: 259_200, enabled: true });
    expect(created.mappings).toEqual([
      { match: "price_lifetime", policy_id: policyId, plan: "lifetime", features: ["export", "sso"], seats: 2, seats_from_quantity: false, term_days: null },
    ]);
    expect(created.endpoint_url).toMatch(new RegExp(`/v1/billing/${created.id}/events$`));
    expect(await dialog.locator(".bill-endpoint").textContent()).toContain("Paste this into Stripe's webhook settings");
    expect(await dialog.locator(".bill-endpoint code").textContent()).toBe(created.endpoint_url);
    expect(await dialog.getByText("Where: Stripe Dashboard → Developers → Webhooks.").count()).toBe(1);
    await page.keyboard.press("Enter");
    await dialog.getByText("Copied to the clipboard.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(created.endpoint_url);
    await tabTo(page, dialog.getByRole("link", { name: "Open the connector" }));
    await page.keyboard.press("Enter");

    // The connector's page: the URL again, its mapping, and a test event that the log shows as ignored.
    await page.getByRole("heading", { name: "Stripe live", level: 1 }).waitFor();
    expect(page.url()).toContain(`#/billing/${created.id}`);
    expect(await page.locator(".bill-endpoint code").textContent()).toBe(created.endpoint_url);
    await expect
      .poll(() => page.getByRole("table", { name: "Mappings" }).locator("tbody tr").textContent())
      .toMatch(/price_lifetime.*Studio seats.*lifetime.*export, sso.*2/);
    await page.getByText("Nothing received yet").waitFor();
    await tabTo(page, page.getByRole("button", { name: "Send a test event" }));
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .getByText(/^Test event logged as ignored/)
      .waitFor();
    const test = await logRow(page, "edge_license.test", "ignored");
    // The outcome in words beside its mark, and why under it.
    expect(await test.locator(".bill-outcome").textContent()).toBe("– ignored");
    expect(await test.locator('td[data-label="Outcome"] .bill-reason').textContent()).toMatch(/edge_license\.test/);
    expect(await test.locator('td[data-label="License"]').textContent()).toBe("—");

    // Stripe's own delivery of a purchase, signed as Stripe signs: applied, with the license it made.
    const delivered = await purchase(created.id, "ada@engines.test");
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(delivered.body.event.outcome).toBe("applied");
    const licenseId = delivered.body.event.license_id as string;
    await page.getByRole("button", { name: "Refresh" }).click();
    const bought = await logRow(page, "checkout.session.completed", "applied");
    expect(await bought.locator('td[data-label="Reference"]').textContent()).toBe(delivered.body.event.reference);
    expect(await page.getByRole("table", { name: "Billing events" }).locator(".bill-outcome").allTextContents()).toEqual(["✓ applied", "– ignored"]);
    // The README's picture without the notice about the test event: the page read afresh.
    await page.reload();
    await logRow(page, "checkout.session.completed", "applied");
    await page.getByRole("table", { name: "Mappings" }).getByText("Studio seats").waitFor();
    await shot(page, "connector-desktop");

    // Filtered by outcome through the address, then to the license.
    await page.getByLabel("Outcome").selectOption("ignored");
    await page.waitForURL(/outcome=ignored/);
    await expect.poll(() => page.getByRole("table", { name: "Billing events" }).locator("tbody tr").count()).toBe(1);
    await page.getByLabel("Outcome").selectOption("");
    await bought.getByRole("link", { name: licenseId }).click();
    await page.waitForURL(new RegExp(`#/licenses/${licenseId}$`));
    await page.getByText(licenseId).first().waitFor();
    expect((await must(`/v1/licenses/${licenseId}`, undefined, 200)).plan).toBe("lifetime");
    // The license names its billing source, and leads back to the connector; its own device limit is the mapping's.
    await page.getByRole("link", { name: "Billing connector" }).waitFor();
    expect(await page.getByText("(this license's own limit, set by its billing)").count()).toBe(1);

    // listBillingConnectors: the list counts its mapping and offers the URL with where it goes.
    await page.goto(`${base}/console/#/billing`);
    const row = page.getByRole("row").filter({ hasText: "Stripe live" });
    await row.waitFor();
    expect(await row.locator('td[data-label="Mappings"]').textContent()).toBe("1");
    expect(await row.locator('td[data-label="State"]').textContent()).toBe("enabled");
    expect(await row.locator('td[data-label="Endpoint URL"]').textContent()).toContain(
      "Paste this into Stripe's webhook settings: Stripe Dashboard → Developers → Webhooks.",
    );
    await shot(page, "list-desktop");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("shows the API's refusal of a mapping's policy at that mapping's policy field, and focuses it", async () => {
    const app = await must("/v1/applications", { name: "Retired product" });
    const doomed = await must("/v1/policies", { name: "Retired seats", application_id: app.id });
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/billing`);
    await page.getByRole("button", { name: "Connect a provider" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Provider", { exact: true }).selectOption("paddle");
    await dialog.getByLabel("Name").fill("Paddle live");
    await dialog.getByLabel("Signing secret").fill("pdl_ntfset_secret_key_123");
    await dialog.getByLabel("Provider id to match").fill("pri_01hretired");
    await dialog.getByLabel("Policy").selectOption(doomed.id);
    // Someone deletes the policy while the form is open.
    await must(`/v1/policies/${doomed.id}`, undefined, 204, "DELETE");
    await dialog.getByRole("button", { name: "Connect" }).click();

    const policy = dialog.getByLabel("Policy");
    await dialog.getByRole("alert").filter({ hasText: "No such policy" }).waitFor();
    expect(await policy.getAttribute("aria-invalid")).toBe("true");
    expect(await description(policy)).toBe("The license a purchase gets follows it (and its application). No such policy");
    expect(await isFocused(policy)).toBe(true);
    expect(await dialog.locator(".error-note").textContent()).toContain("A mapping names a policy this tenant does not have.");
    // Fixed by choosing another policy: connected.
    await policy.selectOption(policyId);
    await dialog.getByRole("button", { name: "Connect" }).click();
    await dialog.getByRole("heading", { name: "Paddle connected" }).waitFor();
    expect(await dialog.getByText("Where: Paddle → Developer tools → Notifications.").count()).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("edits a connector (a blank secret keeps it), disables and enables it, and deletes it while its license stays", async () => {
    const made = await connector("Stripe to edit");
    const { page, problems } = await openConsole();
    await page.goto(`${base}/console/#/billing/${made.id}`);
    await page.getByRole("heading", { name: "Stripe to edit", level: 1 }).waitFor();
    const dialog = page.getByRole("dialog");

    // updateBillingConnector: rename, a second mapping, a longer dunning grace; the secret left blank.
    await page.getByRole("button", { name: "Edit" }).click();
    expect(await dialog.getByLabel("Rotate signing secret").inputValue()).toBe("");
    await dialog.getByLabel("Name").fill("Stripe edited");
    await dialog.getByRole("button", { name: "Add a mapping" }).click();
    const second = dialog.getByRole("group", { name: "Mapping 2" });
    expect(await isFocused(second.getByLabel("Provider id to match"))).toBe(true);
    await page.keyboard.type("price_team");
    await second.getByLabel("Policy").selectOption(policyId);
    await second.getByLabel("From quantity").check();
    await second.getByLabel("Term (days)").fill("365");
    await dialog.getByLabel("Dunning grace (days)").fill("7");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "Stripe edited", level: 1 }).waitFor();
    const saved = await must(`/v1/billing/connectors/${made.id}`, undefined, 200);
    expect(saved).toMatchObject({ name: "Stripe edited", dunning_grace_s: 7 * 86_400, renewal_grace_s: 86_400 });
    expect(saved.mappings.map((m: any) => [m.match, m.seats_from_quantity, m.term_days])).toEqual([
      ["price_lifetime", false, null],
      ["price_team", true, 365],
    ]);
    expect(await page.locator("dl.props").textContent()).toContain("7 days");
    // The secret was kept: Stripe's delivery signed with it is taken.
    const delivered = await purchase(made.id, "grace@engines.test");
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);

    // Disabled, the endpoint answers 404 (the provider retries); enabled again, it takes deliveries.
    await page.getByRole("button", { name: "Disable" }).click();
    await page
      .getByRole("status")
      .getByText(/is disabled/)
      .waitFor();
    expect((await purchase(made.id, "linus@engines.test")).status).toBe(404);
    await page.getByRole("button", { name: "Enable" }).click();
    await page
      .getByRole("status")
      .getByText(/is enabled/)
      .waitFor();

    // Deleting says the licenses stay, and they do.
    await page.getByRole("button", { name: "Delete" }).click();
    expect(await dialog.textContent()).toContain("The licenses it made stay as they are.");
    await dialog.getByRole("button", { name: "Delete connector" }).click();
    await page.getByRole("heading", { name: "Billing", level: 1 }).waitFor();
    expect((await api(`/v1/billing/connectors/${made.id}`)).status).toBe(404);
    expect((await api(`/v1/licenses/${delivered.body.event.license_id}`)).status).toBe(200);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("offers no write controls to a credential that may only read billing, and still links its licenses", async () => {
    const made = await connector("Stripe read-only");
    const delivered = await purchase(made.id, "margaret@engines.test");
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    const reader = await must("/v1/api-keys", { name: "Billing reader", permissions: ["billing:read", "licenses:read"] });
    const { page, problems } = await openConsole(DESKTOP, reader.key);
    await page.getByRole("link", { name: "Billing" }).click();
    const row = page.getByRole("row").filter({ hasText: "Stripe read-only" });
    await row.getByRole("button", { name: "Copy URL of Stripe read-only" }).waitFor();
    expect(await page.getByRole("button", { name: "Connect a provider" }).count()).toBe(0);
    await row.getByRole("link", { name: "Stripe read-only" }).click();
    await logRow(page, "checkout.session.completed", "applied");
    for (const name of ["Send a test event", "Edit", "Disable", "Delete"]) expect(await page.getByRole("button", { name, exact: true }).count(), name).toBe(0);
    // Without policies:read the mapping names its policy by id.
    expect(await page.getByRole("table", { name: "Mappings" }).getByText(policyId).count()).toBe(1);
    await page.getByRole("link", { name: delivered.body.event.license_id }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  for (const [size, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`has no serious or critical axe-core violations on the list, the form and the log (${size})`, async () => {
      const made = await connector(`Stripe ${size}`);
      await must(`/v1/billing/connectors/${made.id}/test`, {}, 200);
      expect((await purchase(made.id, `${size}@engines.test`)).status).toBe(200);
      const { page, problems } = await openConsole(viewport);
      const dialog = page.getByRole("dialog");

      await page.goto(`${base}/console/#/billing`);
      await page
        .getByRole("row")
        .filter({ hasText: `Stripe ${size}` })
        .waitFor();
      await expectAccessible(page, "list");
      await shot(page, `list-${size}`);

      await page.getByRole("button", { name: "Connect a provider" }).click();
      await dialog.getByLabel("Provider id to match").waitFor();
      await expectAccessible(page, "form");
      // Sent empty: each problem at its field, announced, focus on the first.
      await dialog.getByRole("button", { name: "Connect" }).click();
      await dialog.getByText("Enter a name.").waitFor();
      expect(await isFocused(dialog.getByLabel("Name"))).toBe(true);
      expect(await description(dialog.getByLabel("Policy"))).toContain("Choose the policy a purchase gets.");
      await expectAccessible(page, "form with errors");
      // The whole form in one picture: a screen tall enough that the dialog does not scroll.
      await page.setViewportSize({ width: viewport.width, height: 2200 });
      await shot(page, `form-errors-${size}`, dialog);
      await page.setViewportSize(viewport);
      await dialog.getByRole("button", { name: "Cancel" }).click();

      await page.goto(`${base}/console/#/billing/${made.id}`);
      const log = page.locator("section.bill-log");
      await logRow(page, "checkout.session.completed", "applied");
      await logRow(page, "edge_license.test", "ignored");
      await expectAccessible(page, "log");
      await shot(page, `log-${size}`, log);
      await shot(page, `connector-page-${size}`);
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }
});
