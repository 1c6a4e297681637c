// Device keys (proof of possession, RFC 9449 DPoP) in the console and the portal, in Chromium
// against the worker on real Postgres: a seller makes a policy that requires device keys with the
// keyboard only, and the API has it; devices activated through the public route with a DPoP proof
// show as key-bound (with their key's RFC 7638 thumbprint) on the console's license page and in the
// customer portal, and devices without one do not. axe-core: no serious or critical violation on
// these screens at 1280 and 390 wide (counts in .data/console-shots/device-keys-a11y.json).
// Screenshots: .data/console-shots/device-keys-*.png, and the docs' under docs/console/ and
// docs/portal/ with DOCS_SHOTS=1.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from "jose";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeRun, blocking } from "./axe";
import { launchBrowser, SHOTS, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
/** What beforeAll makes: a customer with two licenses, one under each binding policy, and their devices' keys. */
const ids = { customer: "", optional: "", required: "", studioJkt: "", renderJkt: "" };
/** axe's findings per screen and width, written out at the end. */
const axeCounts: Record<string, Record<string, number>> = {};

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

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
const must = async (path: string, body: unknown, status = 201, method?: string) => {
  const res = await api(path, { body, method });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
};

/** A device's key pair, and its thumbprint as the service stores it. */
async function deviceKey() {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** A DPoP proof (RFC 9449 §4.2) for one POST to `path` on the worker, made with the device's key. */
const proof = (key: Awaited<ReturnType<typeof deviceKey>>, path: string) =>
  new SignJWT({ jti: crypto.randomUUID(), htm: "POST", htu: `${base}${path}`, iat: Math.floor(Date.now() / 1000) })
    .setProtectedHeader({ typ: "dpop+jwt", alg: "ES256", jwk: key.jwk })
    .sign(key.privateKey);

/** Activates a device through the public route, with a proof from `key` when given. */
async function activate(licenseKey: string, fingerprint: string, name: string, key?: Awaited<ReturnType<typeof deviceKey>>) {
  const headers: Record<string, string> = key ? { DPoP: await proof(key, "/v1/licenses/activate") } : {};
  return api("/v1/licenses/activate", { token: "", body: { license_key: licenseKey, fingerprint, name }, headers });
}

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const tenant = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "Keyed Seller", plan_tier: "pro" } });
  expect(tenant.status).toBe(201);
  apiKey = tenant.body.api_key.key;
  await must("/v1/tenant", { portal: { display_name: "Keyed Studio", return_origins: ["https://app.keyed.test"] } }, 200, "PATCH");
  const app = await must("/v1/applications", { name: "Keyed Paint" });
  const optional = await must("/v1/policies", { name: "Keys optional", application_id: app.id, max_activations: 3, proof_of_possession: "optional" });
  const required = await must("/v1/policies", { name: "Keys required", application_id: app.id, max_activations: 2, proof_of_possession: "required" });
  ids.customer = (await must("/v1/customers", { name: "Grace Hopper", email: "grace@example.test" })).id;
  const first = await must("/v1/licenses", { policy_id: optional.id, plan: "Pro", customer_id: ids.customer });
  const second = await must("/v1/licenses", { policy_id: required.id, plan: "Studio", customer_id: ids.customer });
  Object.assign(ids, { optional: first.id, required: second.id });

  // Under `optional`, a device with a proof is bound to its key and one without is not.
  const studio = await deviceKey();
  expect((await activate(first.key, "fp-studio-mac", "Studio Mac", studio)).status).toBe(201);
  expect((await activate(first.key, "fp-old-laptop", "Old laptop")).status).toBe(201);
  // Under `required`, activating without a proof is refused; with one, the device is bound.
  const refused = await activate(second.key, "fp-render-box", "Render box");
  expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 401, code: "DPOP_PROOF_MISSING" });
  const render = await deviceKey();
  expect((await activate(second.key, "fp-render-box", "Render box", render)).status).toBe(201);
  Object.assign(ids, { studioJkt: studio.jkt, renderJkt: render.jkt });
}, 180_000);

afterAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, "device-keys-a11y.json"), `${JSON.stringify(axeCounts, null, 2)}\n`);
  await browser?.close();
  await worker?.dispose();
});

async function openPage(size = DESKTOP): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: size });
  return { page, problems: watchProblems(page) };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.getByLabel("API key or user token").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** The screenshots the docs show: docs/<dir>/<name>.png, written with DOCS_SHOTS=1. */
const DOCS: Record<string, string> = {
  "policy-device-keys-desktop": "console",
  "policy-device-keys-phone": "console",
  "license-device-keys-desktop": "console",
  "license-device-keys-phone": "console",
  "device-keys-desktop": "portal",
  "device-keys-phone": "portal",
};

/** The page (or one element of it) under .data/console-shots/device-keys-<name>.png, and in the docs when it is one of theirs. */
async function shot(target: Page | Locator, name: string): Promise<void> {
  const docs = process.env.DOCS_SHOTS === "1" ? DOCS[name] : undefined;
  const paths = [join(SHOTS, `device-keys-${name}.png`), ...(docs ? [join(process.cwd(), "docs", docs, `${name}.png`)] : [])];
  for (const path of paths) {
    mkdirSync(join(path, ".."), { recursive: true });
    await target.screenshot({ path, ...("goto" in target ? { fullPage: true } : {}) });
  }
}

/** axe on the page as it is now: none serious or critical; the counts per impact are kept for the report. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await axeRun(page);
  const width = String(page.viewportSize()?.width);
  const counts: Record<string, number> = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  for (const v of violations) counts[v.impact ?? "minor"]! += 1;
  axeCounts[screen] = { ...axeCounts[screen], [width]: counts.serious! + counts.critical!, [`${width} all`]: violations.length };
  expect(blocking(violations), `${screen} at ${width}`).toEqual([]);
}

/** Presses Tab until `target` has focus (the keyboard-only path a person would take), failing after `max` presses. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Nothing is wider than the screen: the page does not scroll sideways. */
const fits = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(page.viewportSize()?.width);

describe("device keys in the console: the policy form (createPolicy, updatePolicy)", () => {
  it("creates a policy that requires device keys with the keyboard only, and the API has it", async () => {
    const { page, problems } = await openPage();
    await signIn(page);
    await page.goto(`${base}/console/#/policies`);
    await tabTo(page, page.getByRole("button", { name: "New policy" }));
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "New policy" });
    const keys = dialog.getByRole("group", { name: "Device keys (proof of possession)" });
    await keys.waitFor();
    expect(await keys.getByRole("radio", { name: "None" }).isChecked()).toBe(true);
    expect(await keys.getByRole("radio", { name: "Required" }).getAttribute("aria-describedby")).toBe("policy-proof-required-hint");
    expect(await keys.locator("#policy-proof-required-hint").textContent()).toContain(
      "copied tokens, license files and machine files are useless on another computer",
    );

    await tabTo(page, dialog.getByLabel("Name"));
    await page.keyboard.type("Device-bound");
    // Tab reaches the group's checked radio; the arrow keys move the choice within it.
    await tabTo(page, keys.getByRole("radio", { name: "None" }));
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await keys.getByRole("radio", { name: "Required" }).isChecked()).toBe(true);
    await expectAccessible(page, "policy form");
    await shot(page, "policy-form-desktop");
    await shot(keys, "policy-device-keys-desktop");
    await tabTo(page, dialog.getByRole("button", { name: "Create policy" }));
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Policy Device-bound created.").waitFor();

    const policy = (await api("/v1/policies")).body.data.find((p: { name: string }) => p.name === "Device-bound");
    expect(policy.proof_of_possession).toBe("required");
    const row = page.getByRole("table", { name: "Policies" }).getByRole("row").filter({ hasText: "Device-bound" });
    expect(await row.locator('td[data-label="Device keys"]').textContent()).toBe("Required");
    const optional = page.getByRole("table", { name: "Policies" }).getByRole("row").filter({ hasText: "Keys optional" });
    expect(await optional.locator('td[data-label="Device keys"]').textContent()).toBe("Optional");
    await expectAccessible(page, "policies");
    await shot(page, "policies-desktop");

    // Editing one that binds optionally: choosing Required says what becomes of devices without a key.
    await optional.getByRole("button", { name: "Edit Keys optional" }).click();
    const edit = page.getByRole("dialog", { name: "Edit policy" });
    await edit.getByRole("radio", { name: "Optional" }).waitFor();
    expect(await edit.getByRole("radio", { name: "Optional" }).isChecked()).toBe(true);
    expect(await edit.getByRole("note").count()).toBe(0);
    await edit.getByRole("radio", { name: "Required" }).check();
    expect(await edit.getByRole("note").textContent()).toContain("Devices already activated without a key are refused until they activate again with one");
    await shot(edit.getByRole("group", { name: "Device keys (proof of possession)" }), "policy-edit-required-desktop");
    await edit.getByRole("button", { name: "Cancel" }).click();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("fits a phone (390 wide): the policy form and the policies list", async () => {
    const { page, problems } = await openPage(PHONE);
    await signIn(page);
    await page.goto(`${base}/console/#/policies`);
    const row = page.getByRole("table", { name: "Policies" }).getByRole("row").filter({ hasText: "Keys required" });
    await row.waitFor();
    await fits(page);
    await expectAccessible(page, "policies");
    await shot(page, "policies-phone");
    await page.getByRole("button", { name: "New policy" }).click();
    const keys = page.getByRole("dialog").getByRole("group", { name: "Device keys (proof of possession)" });
    await keys.getByRole("radio", { name: "Required" }).check();
    await expectAccessible(page, "policy form");
    await shot(keys, "policy-device-keys-phone");
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("device keys on a license: listActivations in the console, getPortalLicense in the portal", () => {
  for (const size of [DESKTOP, PHONE]) {
    const suffix = size === DESKTOP ? "desktop" : "phone";

    it(`shows each device key-bound or not on the console's license page, with its thumbprint (${size.width} wide)`, async () => {
      const activations = (await api(`/v1/licenses/${ids.optional}/activations`)).body.data;
      expect(Object.fromEntries(activations.map((a: { name: string; dpop_jkt: string | null }) => [a.name, a.dpop_jkt]))).toEqual({
        "Studio Mac": ids.studioJkt,
        "Old laptop": null,
      });
      const { page, problems } = await openPage(size);
      await signIn(page);
      await page.goto(`${base}/console/#/licenses/${ids.optional}`);
      const table = page.getByRole("table", { name: "Activations" });
      const studio = table.getByRole("row").filter({ hasText: "Studio Mac" });
      const key = studio.locator('td[data-label="Device key"]');
      await key.getByText("Key-bound").waitFor();
      expect(await key.locator("summary").textContent()).toBe(`Key-bound ${ids.studioJkt.slice(0, 8)}…`);
      expect(await key.locator("summary code").getAttribute("title")).toBe(ids.studioJkt);
      expect(await table.getByRole("row").filter({ hasText: "Old laptop" }).locator('td[data-label="Device key"]').textContent()).toBe("None");
      // The whole thumbprint, by keyboard: the disclosure opens with Enter.
      await tabTo(page, key.locator("summary"), 200);
      await page.keyboard.press("Enter");
      expect(await key.getByText(ids.studioJkt, { exact: true }).isVisible()).toBe(true);
      expect(await page.getByText("· no binding, device keys optional").count()).toBe(1);
      await fits(page);
      await expectAccessible(page, "console license");
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await shot(page, `license-${suffix}`);
      await shot(page.locator(".card").filter({ has: table }), `license-device-keys-${suffix}`);

      // Under `required`, the one device there is bound too.
      await page.goto(`${base}/console/#/licenses/${ids.required}`);
      const render = page.getByRole("table", { name: "Activations" }).getByRole("row").filter({ hasText: "Render box" });
      expect(await render.locator("summary code").getAttribute("title", { timeout: 30_000 })).toBe(ids.renderJkt);
      expect(problems).toEqual([]);
      await page.close();
    });

    it(`says in the portal which devices are key-bound (${size.width} wide)`, async () => {
      const session = await must("/v1/portal/sessions", { customer_id: ids.customer, return_url: "https://app.keyed.test/account" });
      const { page, problems } = await openPage(size);
      await page.goto(`${base}/portal/${new URL(session.url).hash}`);
      await page.getByRole("heading", { level: 1, name: "Your licenses" }).waitFor();
      await page.goto(`${base}/portal/#/licenses/${ids.optional}`);
      const devices = page.getByRole("list", { name: "Devices" });
      const studio = devices.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Studio Mac" }) });
      await studio.waitFor();
      expect((await studio.locator(".key-bound").textContent())?.replace(/\s+/g, " ").trim()).toBe(
        "Key-bound Your license works here only with this device's own key, so a copy of it on another computer does not.",
      );
      const laptop = devices.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Old laptop" }) });
      expect(await laptop.getByText("Key-bound").count()).toBe(0);
      await fits(page);
      await expectAccessible(page, "portal license");
      await shot(page, `portal-license-${suffix}`);
      await shot(page.locator('section[aria-labelledby="devices-heading"]'), `device-keys-${suffix}`);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
