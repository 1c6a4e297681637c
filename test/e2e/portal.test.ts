// The customer portal in Chromium (playwright-core) against the worker in workerd on real Postgres.
// A seller's backend (an API key with portal:write) makes a session; the customer opens the one-time
// link (it leaves the address bar at once), sees exactly their own licenses under the seller's brand,
// frees an old device with the keyboard only (the admin API shows it released, the audit log names
// the customer), is told in words when the churn budget is spent, downloads files, runs the
// air-gapped exchange, releases a stuck seat, signs out; a used link and a revoked session say so.
// axe-core: no serious or critical violation on any screen at 1280×800 and 390×844 (counts in
// .data/console-shots/portal-a11y.json). Screenshots: .data/console-shots/portal-*.png, and the
// README's in docs/portal/ with DOCS_SHOTS=1.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createActivationRequest, verifyLicenseFile } from "@edge-license/sdk";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeRun, blocking } from "./axe";
import { launchBrowser, SHOTS, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
const seller = { name: "Northwind Studio", accent: "#0f766e", email: "help@northwind.test", site: "https://northwind.test/help" };
const returnUrl = "https://app.northwind.test/account";
/** What beforeAll makes: two customers, their licenses, the first one's devices. */
const ids = { app: "", ada: "", other: "", pro: "", proKey: "", studio: "", oldLaptop: "", desktop: "" };
/** axe's findings per screen and size, written out at the end. */
const axeCounts: Record<string, Record<string, number>> = {};

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const api = async (path: string, init: { token?: string; body?: unknown; method?: string } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { Authorization: `Bearer ${init.token ?? apiKey}`, ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
};

/** Writes through the API, failing on anything but `status`. */
const must = async (path: string, body: unknown, status = 201, method?: string) => {
  const res = await api(path, { body, method });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
};

/** What the seller's backend does: a session for the customer, and its one-time link on this test's origin. */
async function portalLink(customerId: string): Promise<{ link: string; sessionId: string }> {
  const session = await must("/v1/portal/sessions", { customer_id: customerId, return_url: returnUrl });
  // The service writes its ISSUER origin into the link; the test's worker listens elsewhere.
  return { link: `${base}/portal/${new URL(session.url).hash}`, sessionId: session.id };
}

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const tenant = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "Northwind", plan_tier: "pro" } });
  expect(tenant.status).toBe(201);
  apiKey = tenant.body.api_key.key;
  await must(
    "/v1/tenant",
    {
      portal: {
        display_name: seller.name,
        accent_color: seller.accent,
        support_email: seller.email,
        support_url: seller.site,
        return_origins: ["https://app.northwind.test"],
      },
    },
    200,
    "PATCH",
  );
  ids.app = (await must("/v1/applications", { name: "Northwind Paint" })).id;
  const perDevice = await must("/v1/policies", {
    name: "Three devices",
    application_id: ids.app,
    max_activations: 3,
    max_deactivations: 1,
    deactivation_window_s: 3600,
  });
  const floating = await must("/v1/policies", { name: "Studio floating", application_id: ids.app, lease_mode: "per_license", max_leases: 3 });
  ids.ada = (await must("/v1/customers", { name: "Ada Lovelace", email: "ada@example.test" })).id;
  ids.other = (await must("/v1/customers", { name: "Theirs Co", email: "it@theirs.test" })).id;
  const pro = await must("/v1/licenses", { policy_id: perDevice.id, plan: "Pro", features: ["export", "cloud-sync"], customer_id: ids.ada });
  const studio = await must("/v1/licenses", { policy_id: floating.id, plan: "Studio", customer_id: ids.ada });
  await must("/v1/licenses", { policy_id: perDevice.id, plan: "Enterprise", customer_id: ids.other });
  Object.assign(ids, { pro: pro.id, proKey: pro.key, studio: studio.id });
  const activate = (fingerprint: string, name: string) => must("/v1/licenses/activate", { license_key: pro.key, fingerprint, name });
  ids.oldLaptop = (await activate("fp-old-laptop", "Old laptop")).activation.id;
  ids.desktop = (await activate("fp-office-desktop", "Office desktop")).activation.id;
  await must("/v1/licenses/validate", { license_key: pro.key }, 200);
  await must("/v1/licenses/leases", { license_key: studio.key, instance_id: "render-node-2" });
}, 180_000);

afterAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, "portal-a11y.json"), `${JSON.stringify(axeCounts, null, 2)}\n`);
  await browser?.close();
  await worker?.dispose();
});

async function openPage(size = DESKTOP): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: size, acceptDownloads: true });
  return { page, problems: watchProblems(page) };
}

/** The screenshots the README shows (docs/portal/<name>.png). */
const DOCS = new Set(["overview-desktop", "overview-phone", "license", "free-device-dialog", "churn-limit", "used-link", "session-ended"]);

/**
 * A screenshot under .data/console-shots, and for the README's under docs/portal with DOCS_SHOTS=1:
 * the whole page, or with a dialog open the screen as seen (the backdrop covers the viewport only).
 */
async function shot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  const dirs = [SHOTS, ...(process.env.DOCS_SHOTS === "1" && DOCS.has(name) ? [join(process.cwd(), "docs", "portal")] : [])];
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, dir === SHOTS ? `portal-${name}.png` : `${name}.png`), fullPage });
  }
}

/** axe on the page as it is now: none serious or critical; the counts per impact are kept for the report. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await axeRun(page);
  const size = `${page.viewportSize()?.width}x${page.viewportSize()?.height}`;
  const counts: Record<string, number> = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  for (const v of violations) counts[v.impact ?? "minor"]! += 1;
  axeCounts[`${screen} ${size}`] = counts;
  expect(blocking(violations), `${screen} at ${size}`).toEqual([]);
}

/** Presses Tab until `target` has focus (the keyboard-only path a person would take), failing after `max` presses. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** The focused control's accessible name as the tests spell it: its aria-label, else its text. */
const focusedName = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim() ?? "");

describe("the customer portal", () => {
  it("is served with the console's strict CSP and no cookies", async () => {
    const res = await fetch(`${base}/portal/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script type="module" src="./app.js"></script>');
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("opens from the seller's link, shows exactly the customer's licenses, and frees a device with the keyboard only", async () => {
    const { link } = await portalLink(ids.ada);
    const { page, problems } = await openPage();
    await page.goto(link);
    await page.getByRole("heading", { level: 1, name: "Your licenses" }).waitFor();
    // The code left the address bar; the credential is in this tab's sessionStorage only.
    expect(page.url()).toBe(`${base}/portal/`);
    const storage = await page.evaluate(() => ({
      session: sessionStorage.getItem("license-portal.session"),
      local: localStorage.length,
      cookie: document.cookie,
    }));
    expect(JSON.parse(storage.session ?? "{}").token).toMatch(/^pt_/);
    expect({ local: storage.local, cookie: storage.cookie }).toEqual({ local: 0, cookie: "" });

    const cards = page.getByRole("list", { name: "Licenses" }).getByRole("listitem");
    await cards.first().waitFor();
    expect((await cards.getByRole("heading", { level: 2 }).allTextContents()).sort()).toEqual(["Pro license", "Studio license"]);
    expect(await page.getByText("Enterprise").count()).toBe(0);
    const proCard = cards.filter({ has: page.getByRole("heading", { name: "Pro license" }) });
    expect(await proCard.textContent()).toContain("2 of 3 devices in use");
    // The status is words with a symbol, never colour alone.
    expect(await proCard.locator(".status").textContent()).toBe("✓ Active");
    expect(await page.getByText("Hello, Ada Lovelace.").count()).toBe(1);
    // Branded: the seller's name and accent (readable, so used), the way back, the seller's support.
    expect(await page.getByRole("banner").textContent()).toContain(seller.name);
    expect(await page.evaluate(() => document.documentElement.style.getPropertyValue("--accent"))).toBe(seller.accent);
    expect(await page.getByRole("link", { name: `← Back to ${seller.name}` }).getAttribute("href")).toBe(returnUrl);
    expect(await page.getByRole("contentinfo").getByRole("link", { name: seller.email }).getAttribute("href")).toBe(`mailto:${seller.email}`);
    expect(await page.title()).toBe(`Your licenses · ${seller.name}`);
    await expectAccessible(page, "overview");
    await shot(page, "overview-desktop");

    // Keyboard only from here: Tab to the license, Enter; Tab to the device, Enter; Escape; again, Tab, Space.
    await tabTo(page, proCard.getByRole("link", { name: "Manage devices and files" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Pro license" }).waitFor();
    const devices = page.getByRole("list", { name: "Devices" });
    await devices.getByRole("heading", { name: "Old laptop" }).waitFor();
    expect(await page.getByText("You can free 1 device every hour.").count()).toBe(1);
    await expectAccessible(page, "license");
    await shot(page, "license");

    const freeOld = page.getByRole("button", { name: "Free this device: Old laptop" });
    await tabTo(page, freeOld);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Free “Old laptop”?" });
    await dialog.waitFor();
    expect(await focusedName(page)).toBe("Cancel");
    expect(await dialog.textContent()).toContain("You can free 1 device every hour.");
    await expectAccessible(page, "free-device dialog");
    await shot(page, "free-device-dialog", { fullPage: false });
    // Focus stays in the dialog, both ways round: the page behind it is inert, and Tab wraps.
    const visited: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      visited.push(await page.evaluate(() => (document.activeElement?.closest("dialog") ? document.activeElement.textContent!.trim() : "outside")));
    }
    await page.keyboard.press("Shift+Tab");
    visited.push(await focusedName(page));
    expect(visited).toEqual(["Free this device", "Cancel", "Free this device", "Cancel", "Free this device"]);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector("dialog"));
    await expect.poll(() => focusedName(page)).toBe("Free this device: Old laptop");

    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("Free this device");
    await page.keyboard.press("Space");
    await page.getByRole("status").getByText("Old laptop was freed. You can now activate the app on your new device.").waitFor();
    await dialog.waitFor({ state: "detached" });
    expect(await devices.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Office desktop"]);
    expect(await page.getByText("1 of 3 devices in use").count()).toBe(1);
    // The row that opened the dialog is gone: focus lands on the Devices heading, not on nothing.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("devices-heading");

    // The seller sees it released, by the customer.
    const activations = (await api(`/v1/licenses/${ids.pro}/activations?include_released=true`)).body.data;
    expect(activations.find((a: any) => a.id === ids.oldLaptop).deactivated_at).not.toBeNull();
    const audit = (await api("/v1/audit-log?action=activation.delete")).body.data;
    expect(audit.find((e: any) => e.target_id === ids.oldLaptop)).toMatchObject({ actor: ids.ada });

    // The churn budget is spent: the next device waits, and the dialog says how long.
    await page.getByRole("button", { name: "Free this device: Office desktop" }).click();
    const second = page.getByRole("dialog", { name: "Free “Office desktop”?" });
    await second.getByRole("button", { name: "Free this device" }).click();
    const refusal = second.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.locator("p").first().textContent()).toMatch(
      /^You have reached the limit for freeing devices\. You can free 1 device every hour\. You can free another in (\d+ minutes|1 hour)\.$/,
    );
    expect(await refusal.textContent()).toMatch(/Reference for support: req_\w+/);
    await expectAccessible(page, "churn-limit dialog");
    await shot(page, "churn-limit", { fullPage: false });
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.querySelector("dialog"));
    expect(await devices.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Office desktop"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("downloads a license file and a machine file, runs the air-gapped exchange, and releases a stuck seat", async () => {
    const { link } = await portalLink(ids.ada);
    const { page, problems } = await openPage();
    await page.goto(link);
    await page.getByRole("heading", { level: 1, name: "Your licenses" }).waitFor();
    await page.goto(`${base}/portal/#/licenses/${ids.pro}`);
    await page.getByRole("heading", { level: 1, name: "Pro license" }).waitFor();
    const jwks = (await api("/v1/licenses/jwks")).body;

    const [licenseDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download license file" }).click()]);
    expect(licenseDownload.suggestedFilename()).toBe(`${ids.pro}.lic`);
    const licenseFile = readFileSync((await licenseDownload.path())!, "utf8");
    expect((await verifyLicenseFile(licenseFile, { jwks, audience: ids.app })).claims.sub).toBe(ids.pro);
    await page
      .getByRole("status")
      .getByText(/^Your license file was downloaded/)
      .waitFor();

    const [machineDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download machine file: Office desktop" }).click(),
    ]);
    expect(machineDownload.suggestedFilename()).toBe(`${ids.pro}-${ids.desktop}.lic`);
    const machine = await verifyLicenseFile(readFileSync((await machineDownload.path())!, "utf8"), {
      jwks,
      audience: ids.app,
      fingerprint: "fp-office-desktop",
    });
    expect(machine.machine).toBe(true);

    // The air-gapped device writes its request; the customer pastes it and carries the answer back.
    const request = await createActivationRequest({ licenseKey: ids.proKey, fingerprint: "lab-pc-7", name: "Lab PC" });
    await page.getByLabel("Or paste the request file's text").fill(request);
    const [answer] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Activate and download the response file" }).click()]);
    const offline = await verifyLicenseFile(readFileSync((await answer.path())!, "utf8"), { jwks, audience: ids.app, fingerprint: "lab-pc-7" });
    expect(offline.machine).toBe(true);
    await page.getByRole("status").getByText("The device is activated. Copy the downloaded response file to it to finish.").waitFor();
    await page.getByRole("list", { name: "Devices" }).getByRole("heading", { name: "Lab PC" }).waitFor();

    // A shared seat an app left behind.
    await page.getByRole("link", { name: "← All your licenses" }).click();
    await page
      .getByRole("list", { name: "Licenses" })
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "Studio license" }) })
      .getByRole("link", { name: "Manage devices and files" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Studio license" }).waitFor();
    expect(await page.getByText("1 of 3 in use right now.", { exact: false }).count()).toBe(1);
    await expectAccessible(page, "floating license");
    await shot(page, "license-floating");
    await page.getByRole("button", { name: "Release seat: render-node-2" }).click();
    await page.getByRole("dialog", { name: "Release the seat of “render-node-2”?" }).getByRole("button", { name: "Release" }).click();
    await page.getByRole("status").getByText("The seat held by render-node-2 was released.").waitFor();
    await page.getByText("No seat is in use right now.").waitFor();
    expect((await api(`/v1/licenses/${ids.studio}/leases`)).body.data).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("refuses a second use of the link, and ends the session on sign-out (a reload still shows it ended)", async () => {
    const { link } = await portalLink(ids.ada);
    const first = await openPage();
    await first.page.goto(link);
    await first.page.getByRole("heading", { level: 1, name: "Your licenses" }).waitFor();
    const token = await first.page.evaluate(() => JSON.parse(sessionStorage.getItem("license-portal.session") ?? "{}").token as string);

    for (const size of [DESKTOP, PHONE]) {
      const second = await openPage(size);
      await second.page.goto(link);
      await second.page.getByRole("heading", { level: 1, name: "This link has already been used or has expired" }).waitFor();
      expect(second.page.url()).toBe(`${base}/portal/`);
      expect(await second.page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
      await expectAccessible(second.page, "used link");
      await shot(second.page, size === PHONE ? "used-link-phone" : "used-link");
      expect(second.problems).toEqual([]);
      await second.page.close();
    }

    await first.page.getByRole("button", { name: "Sign out" }).click();
    await first.page.getByRole("heading", { level: 1, name: "Your session has ended" }).waitFor();
    expect(await first.page.getByText("You signed out.", { exact: false }).count()).toBe(1);
    expect((await api("/v1/portal/me", { token })).status).toBe(401);
    await first.page.reload();
    await first.page.getByRole("heading", { level: 1, name: "Your session has ended" }).waitFor();
    // Still the seller's page: its name and the way back stay after the credential is gone.
    expect(await first.page.getByRole("link", { name: `← Back to ${seller.name}` }).count()).toBe(1);
    expect(await first.page.evaluate(() => JSON.parse(sessionStorage.getItem("license-portal.session") ?? "{}").token)).toBeNull();
    await expectAccessible(first.page, "session ended");
    await shot(first.page, "session-ended");
    await first.page.setViewportSize(PHONE);
    await expectAccessible(first.page, "session ended");
    await shot(first.page, "session-ended-phone");
    expect(first.problems).toEqual([]);
    await first.page.close();
  });

  it("shows the session ended when the seller closes it, and another customer's license as not found", async () => {
    const { link, sessionId } = await portalLink(ids.other);
    const { page, problems } = await openPage();
    await page.goto(link);
    const cards = page.getByRole("list", { name: "Licenses" }).getByRole("listitem");
    await cards.first().waitFor();
    expect(await cards.getByRole("heading", { level: 2 }).allTextContents()).toEqual(["Enterprise license"]);
    await page.goto(`${base}/portal/#/licenses/${ids.pro}`);
    await page.getByRole("heading", { level: 1, name: "License not found" }).waitFor();
    await page
      .getByRole("alert")
      .getByText(/^We could not find that any more/)
      .waitFor();

    await must(`/v1/portal/sessions/${sessionId}`, undefined, 200, "DELETE");
    await page.getByRole("link", { name: "← All your licenses" }).click();
    await page.getByRole("heading", { level: 1, name: "Your session has ended" }).waitFor();
    expect(await page.getByText("when the seller closes it", { exact: false }).count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("fits a phone (390×844): overview, license page and the free-device dialog", async () => {
    const { link } = await portalLink(ids.ada);
    const { page, problems } = await openPage(PHONE);
    await page.goto(link);
    await page.getByRole("list", { name: "Licenses" }).getByRole("listitem").first().waitFor();
    // Nothing is wider than the screen: the page does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    await expectAccessible(page, "overview");
    await shot(page, "overview-phone");
    await page.goto(`${base}/portal/#/licenses/${ids.pro}`);
    await page.getByRole("list", { name: "Devices" }).getByRole("heading", { name: "Office desktop" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    await expectAccessible(page, "license");
    await shot(page, "license-phone");
    await page.getByRole("button", { name: "Free this device: Office desktop" }).click();
    await page.getByRole("dialog", { name: "Free “Office desktop”?" }).waitFor();
    await expectAccessible(page, "free-device dialog");
    await shot(page, "free-device-dialog-phone", { fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });
});
