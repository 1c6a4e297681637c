// The console in a real browser (Chromium through playwright-core) against the worker in workerd
// on real Postgres: a seller signs in with the demo API key, sees the overview's chart after
// validations, sets up an application, a policy and a license (the key shown once), suspends the
// license and the service says SUSPENDED; a narrower key sees only its screens; a wrong credential
// is told so; the CSP holds and no inline script runs. Screenshots go to .data/console-shots/.
import { readFileSync } from "node:fs";
import { createActivationRequest, createDeactivationProof, verifyLicenseFile } from "@edge-license/sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seedDemoLicense } from "../../scripts/lib/seed.ts";
import { launchBrowser, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let demo: { tenantId: string; apiKey: string; licenseKey: string; licenseId: string; applicationId: string };

const api = async (path: string, init: { token?: string; body?: unknown; method?: string } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  // The demo seller, as `npm run dev` makes it: a tenant through the operator endpoint, then demo data.
  const created = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "Console Seller", plan_tier: "pro" } });
  expect(created.status).toBe(201);
  const license = await seedDemoLicense(inject("databaseUrl"), created.body.tenant.id);
  demo = {
    tenantId: created.body.tenant.id,
    apiKey: created.body.api_key.key,
    licenseKey: license.licenseKey,
    licenseId: license.licenseId,
    applicationId: license.applicationId,
  };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
});

async function openConsole(width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems = watchProblems(page);
  await page.goto(`${base}/console/`);
  return { page, problems };
}

async function signIn(page: Page, credential: string): Promise<void> {
  await page.getByLabel("API key or user token").fill(credential);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

describe("the console", () => {
  it("is served with a strict CSP, and an injected inline script does not run", async () => {
    const res = await fetch(`${base}/console/`);
    await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const { page, problems } = await openConsole();
    await page.getByLabel("API key or user token").waitFor();
    const ran = await page.evaluate(() => {
      const violations: string[] = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true";
      document.body.append(script);
      return new Promise<{ ran: boolean; violations: string[] }>((resolve) =>
        setTimeout(() => resolve({ ran: (window as { __inlineRan?: boolean }).__inlineRan === true, violations }), 100),
      );
    });
    expect(ran).toEqual({ ran: false, violations: ["script-src-elem"] });
    // The refusal above is the only complaint.
    expect(problems.filter((p) => !p.includes("Content Security Policy"))).toEqual([]);
    await page.close();
  });

  it("tells a wrong credential so, with the request id, and stays signed out", async () => {
    const { page, problems } = await openConsole();
    await page.getByLabel("API key or user token").fill(`sk_${"x".repeat(40)}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Missing or invalid credentials\.code UNAUTHORIZED request id req_\w+$/);
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    await screenshot(page, "signin-error");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the overview's chart and figures after validations", async () => {
    for (let i = 0; i < 3; i++) expect((await api("/v1/licenses/validate", { body: { license_key: demo.licenseKey } })).body.code).toBe("VALID");
    // A refusal of the seller's own license counts in its figures (a made-up key counts for no one).
    expect((await api("/v1/licenses/validate", { body: { license_key: demo.licenseKey, application_id: "app_someoneElse" } })).body.code).toBe(
      "PRODUCT_MISMATCH",
    );
    const { page, problems } = await openConsole();
    await signIn(page, demo.apiKey);
    await page.locator(".chart canvas").first().waitFor();
    const totals = await page.getByRole("list", { name: "Validations by result code" }).locator("li").allTextContents();
    expect(totals.map((t) => t.trim())).toEqual(["VALID 3", "PRODUCT_MISMATCH 1"]);
    const figures = page.getByLabel("Key figures");
    expect(await figures.getByText("Validations (24 h)").locator("..").textContent()).toBe("Validations (24 h)44 in 30 days");
    expect(await figures.getByText("Success rate (24 h)").locator("..").textContent()).toBe("Success rate (24 h)75.0%");
    await screenshot(page, "overview");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("signs in with a user token (exchanged for an access token), and signing out forgets it", async () => {
    const created = await api("/v1/user-tokens", { token: demo.apiKey, body: { name: "console admin", permissions: ["licenses:read", "audit:read"] } });
    expect(created.status).toBe(201);
    const { page, problems } = await openConsole();
    await signIn(page, created.body.token);
    // Without tenants:read the tenant's name is not this credential's to read: its id stands in.
    expect(await page.locator(".who").textContent()).toBe(`${demo.tenantId} · user token`);
    expect(await page.getByRole("navigation", { name: "Sections" }).getByRole("link").allTextContents()).toEqual(["Licenses", "Audit log"]);
    // The tab holds the exchanged access token, never the user token itself.
    const held = await page.evaluate(() => sessionStorage.getItem("license-console.session") ?? "");
    expect(held).toContain('"token":"at_');
    expect(held).not.toContain(created.body.token);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key or user token").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByLabel("API key or user token").waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("sets up an application, a policy and a license; shows the key once; suspends it, and verify says SUSPENDED", async () => {
    const { page, problems } = await openConsole();
    await signIn(page, demo.apiKey);
    const dialog = page.getByRole("dialog");

    await page.goto(`${base}/console/#/applications`);
    await page.getByRole("button", { name: "New application" }).click();
    await dialog.getByLabel("Name").fill("Console App");
    await dialog.getByRole("button", { name: "Create application" }).click();
    await page.getByRole("table").getByText("Console App", { exact: true }).first().waitFor();
    await screenshot(page, "applications");

    await page.goto(`${base}/console/#/policies`);
    await page.getByRole("button", { name: "New policy" }).click();
    await dialog.getByLabel("Preset").selectOption("node_locked");
    await dialog.getByLabel("Name").fill("Console node-locked");
    await dialog.getByLabel("Application").selectOption({ label: "Console App" });
    await dialog.getByRole("button", { name: "Create policy" }).click();
    await page.getByRole("table").getByText("Console node-locked", { exact: true }).first().waitFor();
    const policies = await api("/v1/policies", { token: demo.apiKey });
    const policy = policies.body.data.find((p: { name: string }) => p.name === "Console node-locked");
    expect({ max_activations: policy.max_activations, binding_mode: policy.binding_mode }).toEqual({ max_activations: 1, binding_mode: "hardware" });
    await screenshot(page, "policies");

    await page.goto(`${base}/console/#/licenses`);
    await page.getByRole("button", { name: "New license" }).click();
    await dialog.getByLabel("Policy").selectOption(policy.id);
    await dialog.getByLabel("Plan").fill("Pro yearly");
    await dialog.getByRole("button", { name: "Create license" }).click();
    const secret = dialog.locator("[data-secret]");
    await secret.waitFor();
    const key = (await secret.textContent())!;
    expect(key).toMatch(/^lk_[1-9A-HJ-NP-Za-km-z]{40}$/);
    expect(await dialog.textContent()).toContain("You will not see it again");
    await screenshot(page, "license-key");
    await dialog.getByRole("link", { name: "Open license" }).click();
    await page.getByRole("heading", { name: "License · Pro yearly" }).waitFor();
    // The key is gone: not on the detail, not after a reload, not in the list.
    expect(await page.content()).not.toContain(key);
    await page.reload();
    await page.getByRole("heading", { name: "License · Pro yearly" }).waitFor();
    expect(await page.content()).not.toContain(key);

    expect((await api("/v1/licenses/activate", { body: { license_key: key, fingerprint: "console-laptop" } })).status).toBe(201);
    expect((await api("/v1/licenses/verify", { body: { license_key: key, fingerprint: "console-laptop" } })).body.code).toBe("VALID");
    await page.reload();
    await page.getByRole("cell", { name: "console-laptop", exact: true }).waitFor();
    await page.getByRole("button", { name: "Suspend" }).click();
    await dialog.getByRole("button", { name: "Suspend" }).click();
    await page.locator(".badge-suspended").first().waitFor();
    const verified = await api("/v1/licenses/verify", { body: { license_key: key, fingerprint: "console-laptop" } });
    expect({ valid: verified.body.valid, code: verified.body.code }).toEqual({ valid: false, code: "SUSPENDED" });
    await screenshot(page, "license");

    await page.goto(`${base}/console/#/licenses?q=Pro%20yearly`);
    await page.getByRole("cell", { name: "suspended", exact: true }).waitFor();
    expect(await page.content()).not.toContain(key);
    await screenshot(page, "licenses");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("creates a narrower API key; signed in with it, only its screens are there and the rest is refused", async () => {
    const { page, problems } = await openConsole();
    await signIn(page, demo.apiKey);
    const dialog = page.getByRole("dialog");
    await page.goto(`${base}/console/#/credentials`);
    await page.getByRole("button", { name: "New API key" }).click();
    await dialog.getByLabel("Name").fill("support desk");
    await dialog.getByRole("checkbox", { name: "licenses:read View Licenses", exact: true }).check();
    await dialog.getByRole("button", { name: "Create API key" }).click();
    const secret = dialog.locator("[data-secret]");
    await secret.waitFor();
    const narrow = (await secret.textContent())!;
    expect(narrow).toMatch(/^sk_/);
    await screenshot(page, "credentials-created");
    await dialog.getByRole("button", { name: "Done" }).click();
    await screenshot(page, "credentials");
    expect((await api("/v1/auth/whoami", { token: narrow })).body.credential.permissions).toEqual(["licenses:read"]);

    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, narrow);
    expect(await page.getByRole("navigation", { name: "Sections" }).getByRole("link").allTextContents()).toEqual(["Licenses"]);
    await page.getByRole("heading", { name: "Licenses" }).waitFor();
    expect(await page.getByRole("button", { name: "New license" }).count()).toBe(0);
    for (const screen of ["audit", "credentials", "webhooks", "overview"]) {
      await page.goto(`${base}/console/#/${screen}`);
      await page.getByRole("note").waitFor();
      expect(await page.getByRole("note").textContent()).toMatch(/^This credential lacks the (audit|api_keys|webhooks|metrics):read permission/);
    }
    await screenshot(page, "narrow-key-refused");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("registers a webhook endpoint (secret shown once), and filters and verifies the audit log", async () => {
    const { page, problems } = await openConsole();
    await signIn(page, demo.apiKey);
    const dialog = page.getByRole("dialog");
    await page.goto(`${base}/console/#/webhooks`);
    await page.getByRole("button", { name: "New endpoint" }).click();
    // Loopback receivers are allowed here as in `npm run dev` (WEBHOOK_ALLOW_LOOPBACK).
    await dialog.getByLabel("URL").fill("http://127.0.0.1:9/console-hook");
    await dialog.getByRole("button", { name: "Create endpoint" }).click();
    const secret = dialog.locator("[data-secret]");
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/^whsec_/);
    expect(await dialog.textContent()).toContain("it is stored encrypted, for signing only.");
    await screenshot(page, "webhook-created");
    await dialog.getByRole("button", { name: "Done" }).click();
    await page.getByText("http://127.0.0.1:9/console-hook").first().waitFor();
    await screenshot(page, "webhooks");

    await page.goto(`${base}/console/#/audit`);
    await page.getByLabel("Action").selectOption("license");
    await page.getByRole("cell", { name: "license.suspend", exact: true }).waitFor();
    // This file's own license history, newest first (the demo license was seeded, not created through the API).
    // Polled: the unfiltered list, drawn first, holds license.suspend too until the filtered one replaces it.
    await expect.poll(() => page.locator('td[data-label="Action"]').allTextContents()).toEqual(["license.suspend", "license.create"]);
    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText("Chain intact.").waitFor();
    await screenshot(page, "audit");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("works on a phone-sized screen", async () => {
    const { page, problems } = await openConsole(390);
    await signIn(page, demo.apiKey);
    await page.getByLabel("Key figures").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    // The section links sit in one row under the top bar, not stretched down the screen.
    expect(await page.getByRole("navigation", { name: "Sections" }).evaluate((nav) => nav.getBoundingClientRect().height)).toBeLessThan(80);
    await screenshot(page, "phone-overview");
    await page.goto(`${base}/console/#/licenses`);
    await page.getByRole("link", { name: /^lic_/ }).first().waitFor();
    // Nothing is wider than the screen: the page does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await screenshot(page, "phone-licenses");
    expect(problems).toEqual([]);
    await page.close();
  });
  it("downloads a license file, and activates an air-gapped device from its request file", async () => {
    const { page, problems } = await openConsole();
    await signIn(page, demo.apiKey);
    const dialog = page.getByRole("dialog");
    const jwks = (await api("/v1/licenses/jwks")).body;
    await page.goto(`${base}/console/#/licenses/${demo.licenseId}`);
    await page.getByRole("button", { name: "License file" }).click();
    await dialog.getByLabel("Lifetime in days").fill("14");
    await screenshot(page, "license-file");
    const [fileDownload] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Download license file" }).click()]);
    expect(fileDownload.suggestedFilename()).toBe(`${demo.licenseId}.lic`);
    const file = readFileSync((await fileDownload.path())!, "utf8");
    const { claims } = await verifyLicenseFile(file, { jwks, audience: demo.applicationId });
    expect({ sub: claims.sub, days: (claims.exp! - claims.iat) / 86_400 }).toEqual({ sub: demo.licenseId, days: 14 });
    await page
      .getByRole("status")
      .getByText(/^License file lf_\w+ downloaded, valid until /)
      .waitFor();

    const request = await createActivationRequest({ licenseKey: demo.licenseKey, fingerprint: "air-gapped-lab-3", name: "Lab 3" });
    await page.getByRole("button", { name: "Offline device" }).click();
    await dialog.getByLabel("…or its text").fill(request);
    const [machineDownload] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Upload" }).click()]);
    const machine = readFileSync((await machineDownload.path())!, "utf8");
    const imported = await verifyLicenseFile(machine, { jwks, audience: demo.applicationId, fingerprint: "air-gapped-lab-3" });
    expect(imported.machine).toBe(true);
    await page.locator("code.lic-fingerprint", { hasText: "air-gapped-lab-3" }).waitFor();
    await screenshot(page, "license-offline");

    const proof = await createDeactivationProof({ licenseKey: demo.licenseKey, fingerprint: "air-gapped-lab-3", activationId: imported.claims.activation_id! });
    await page.getByRole("button", { name: "Offline device" }).click();
    await dialog.getByLabel("…or its text").fill(proof);
    await dialog.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("status").getByText("Seat of air-gapped-lab-3 released.").waitFor();
    const seats = (await api(`/v1/licenses/${demo.licenseId}/activations`, { token: demo.apiKey })).body.data;
    expect(seats.filter((a: { fingerprint: string }) => a.fingerprint === "air-gapped-lab-3")).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
  it("creates a floating policy from its preset, with its seats and lease lifetime", async () => {
    const { page, problems } = await openConsole();
    await signIn(page, demo.apiKey);
    const dialog = page.getByRole("dialog");
    await page.goto(`${base}/console/#/policies`);
    await page.getByRole("button", { name: "New policy" }).click();
    await dialog.getByLabel("Preset").selectOption("floating");
    await dialog.getByLabel("Name").fill("Studio floating");
    await dialog.getByLabel("Floating seats").fill("8");
    await screenshot(page, "policy-floating");
    await dialog.getByRole("button", { name: "Create policy" }).click();
    await page.getByRole("table").getByText("Studio floating", { exact: true }).first().waitFor();
    const policy = (await api("/v1/policies", { token: demo.apiKey })).body.data.find((p: { name: string }) => p.name === "Studio floating");
    expect({ mode: policy.lease_mode, seats: policy.max_leases, ttl: policy.lease_ttl_s, borrow: policy.max_borrow_s }).toEqual({
      mode: "per_license",
      seats: 8,
      ttl: 600,
      borrow: 7 * 86_400,
    });

    // Two workstations take seats; the seller sees them on the license and frees one.
    const license = (await api("/v1/licenses", { token: demo.apiKey, body: { policy_id: policy.id } })).body;
    for (const instance of ["ws-1", "ws-2"]) {
      expect((await api("/v1/licenses/leases", { body: { license_key: license.key, instance_id: instance } })).status).toBe(201);
    }
    await page.goto(`${base}/console/#/licenses/${license.id}`);
    const seats = page.getByRole("table", { name: "Floating seats" });
    await seats.getByText("ws-2", { exact: true }).waitFor();
    expect(await page.getByText("one per running copy · in use: 2 of 8").count()).toBe(1);
    await screenshot(page, "license-floating");
    await seats.getByRole("row").filter({ hasText: "ws-1" }).getByRole("button", { name: "Release" }).click();
    await dialog.getByRole("button", { name: "Release" }).click();
    await page.getByRole("status").getByText("Seat released.").waitFor();
    const live = (await api(`/v1/licenses/${license.id}/leases`, { token: demo.apiKey })).body.data;
    expect(live.map((l: { instance_id: string }) => l.instance_id)).toEqual(["ws-2"]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
