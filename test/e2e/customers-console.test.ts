// The console's customer screens in a real browser (Chromium through playwright-core) against the
// worker in workerd on real Postgres: a seller creates a customer and finds it, adds a user and a
// group, assigns a license to the user (and is told TOO_MANY_USERS past the policy's max_users),
// sees the customer named in the license list (one lookup per page), exports the customer's data
// and erases it behind a confirmation; issues a license to a customer picked by search or created
// in place; the overview names the customer of a failing license; the permission picker shows each
// permission in words. axe-core finds no serious or critical violation on the customers list and
// a customer's page, at desktop and phone sizes. Screenshots go to .data/console-shots/.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;

/** axe-core's browser build (a devDependency), run in the page through the DevTools protocol, which the console's CSP does not govern. */
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

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

/** Creates through the API and returns the answer's body, failing on anything but 201. */
const create = async (path: string, body: unknown) => {
  const res = await api(path, { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const created = await api("/v1/tenants", { token: inject("operatorToken"), body: { name: "Customer Console Seller", plan_tier: "pro" } });
  expect(created.status).toBe(201);
  apiKey = created.body.api_key.key;
}, 120_000);

afterAll(async () => {
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

/** The serious and critical violations axe-core finds on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const found: { id: string; impact: string; nodes: string[] }[] = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<any> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n: any) => `${n.target.join(" ")} (${n.failureSummary?.split("\n").slice(1).join(" ").trim()})`),
    }));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.nodes.join("; ")}`);
}

/** An application, a policy for it (with `rules`) and a license of `customerId`; answers the created license (its key too). */
async function seedLicense(customerId: string | null, rules: Record<string, unknown> = {}) {
  const application = await create("/v1/applications", { name: `App ${Math.random().toString(36).slice(2, 8)}` });
  const policy = await create("/v1/policies", { name: `Policy ${Math.random().toString(36).slice(2, 8)}`, application_id: application.id, ...rules });
  return create("/v1/licenses", { policy_id: policy.id, plan: "Team", ...(customerId ? { customer_id: customerId } : {}) });
}

describe("the console's customer screens", () => {
  it("creates a customer, finds it, adds a user and a group, assigns a license, names it in the license list, exports and erases it", async () => {
    const { page, problems } = await openConsole();
    const dialog = page.getByRole("dialog");
    expect(await page.getByRole("navigation", { name: "Sections" }).getByRole("link").allTextContents()).toContain("Customers");

    // Create, then find it by its Stripe id, then open it.
    await page.goto(`${base}/console/#/customers`);
    await page.getByRole("button", { name: "New customer" }).click();
    await dialog.getByLabel("Name").fill("Acme GmbH");
    await dialog.getByLabel("Email").fill("it@acme.test");
    await dialog.getByLabel("Company").fill("Acme Group");
    await dialog.getByLabel("Country").fill("de");
    await dialog.getByLabel("External ids").fill("stripe: cus_acme1");
    await screenshot(page, "customer-new");
    await dialog.getByRole("button", { name: "Create customer" }).click();
    await page.getByRole("status").getByText("Customer Acme GmbH created.").waitFor();
    await page.getByRole("table", { name: "Customers" }).getByRole("link", { name: "Acme GmbH" }).waitFor();
    await page.getByLabel("Search customers").fill("cus_acme1");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/#\/customers\?q=cus_acme1$/);
    const rows = page.getByRole("table", { name: "Customers" }).getByRole("row");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain("it@acme.test");
    await page.getByRole("link", { name: "Acme GmbH" }).click();
    await page.getByRole("heading", { name: "Acme GmbH", level: 1 }).waitFor();
    const customerId = page.url().match(/#\/customers\/(cust_\w+)/)?.[1] ?? "";
    expect(customerId).toMatch(/^cust_/);
    expect(await page.locator("dl.cust-props").textContent()).toContain("Germany");

    // A user, through the Users tab.
    await page.getByRole("tab", { name: /^Users/ }).click();
    await page.getByRole("button", { name: "New user" }).click();
    await dialog.getByLabel("Email").fill("ada@acme.test");
    await dialog.getByLabel("Name").fill("Ada Lovelace");
    await dialog.getByLabel("Role").selectOption("admin");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await page.getByRole("table", { name: "Users" }).getByText("Ada Lovelace").waitFor();
    // The counts are read again after a change.
    await expect.poll(() => page.getByRole("tab", { name: /^Users/ }).textContent()).toMatch(/Users\s*1/);
    await screenshot(page, "customer-users");

    // A group with Ada in it.
    await page.getByRole("tab", { name: /^Groups/ }).click();
    await page.getByRole("button", { name: "New group" }).click();
    await dialog.getByLabel("Name").fill("Design team");
    await dialog.getByRole("button", { name: "Create group" }).click();
    const groups = page.getByRole("table", { name: "Groups" });
    await groups.locator("strong", { hasText: "Design team" }).waitFor();
    await groups.getByRole("button", { name: "Members of Design team" }).click();
    await dialog.getByLabel("Add a member").selectOption({ label: "Ada Lovelace <ada@acme.test>" });
    await dialog.getByRole("button", { name: "Add member" }).click();
    await dialog.getByRole("list", { name: "Members" }).getByRole("button", { name: "Remove Ada Lovelace <ada@acme.test>" }).waitFor();
    await screenshot(page, "customer-group-members");
    await dialog.getByRole("button", { name: "Done" }).click();
    await groups.getByRole("cell", { name: "Ada Lovelace" }).waitFor();

    // One named seat: Ada takes it; Bob (another user) is refused with TOO_MANY_USERS.
    const license = await seedLicense(customerId, { max_users: 1 });
    await create("/v1/users", { customer_id: customerId, email: "bob@acme.test", name: "Bob" });
    await page.goto(`${base}/console/#/licenses/${license.id}`);
    await page.getByRole("heading", { name: "License · Team for Acme GmbH" }).waitFor();
    await page.getByLabel("Assign to").selectOption({ label: "Ada Lovelace <ada@acme.test>" });
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await page.getByRole("table", { name: "Assigned users" }).getByText("Ada Lovelace").waitFor();
    await page.getByText("1 of 1 named seats held").waitFor();
    await page.getByLabel("Assign to").selectOption({ label: "Bob <bob@acme.test>" });
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "TOO_MANY_USERS" });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/code TOO_MANY_USERS request id req_\w+/);
    await screenshot(page, "license-assignments");

    // The license list names the customer, read with one lookup for the page.
    const lookups: string[] = [];
    page.on("request", (r) => {
      if (/\/v1\/customers\?/.test(r.url()) && r.url().includes("ids=")) lookups.push(r.url());
    });
    await page.goto(`${base}/console/#/licenses`);
    const cell = page.getByRole("row").filter({ hasText: license.id }).locator('td[data-label="Customer"]');
    await cell.getByRole("link", { name: "Acme GmbH" }).waitFor();
    expect(await cell.textContent()).toContain("it@acme.test");
    expect(lookups).toHaveLength(1);
    await screenshot(page, "licenses-with-customers");

    // Export: one JSON file with the customer, its users, groups and license.
    await page.goto(`${base}/console/#/customers/${customerId}`);
    await page.getByRole("heading", { name: "Acme GmbH", level: 1 }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export data" }).click()]);
    expect(download.suggestedFilename()).toBe(`${customerId}-export.json`);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect({
      name: exported.customer.name,
      users: exported.users.map((u: { email: string }) => u.email).sort(),
      groups: exported.groups.map((g: { name: string }) => g.name),
      licenses: exported.licenses.map((l: { id: string }) => l.id),
    }).toEqual({ name: "Acme GmbH", users: ["ada@acme.test", "bob@acme.test"], groups: ["Design team"], licenses: [license.id] });

    // Erase: nothing happens before a choice for the licenses and the confirmation.
    await page.getByRole("button", { name: "Erase personal data" }).click();
    const erase = dialog.getByRole("button", { name: "Erase personal data" });
    expect(await dialog.textContent()).toContain("cannot be undone");
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel(/Revoke them/).check();
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel(/I understand/).check();
    await screenshot(page, "customer-erase-confirm");
    await erase.click();
    const summary = dialog.getByRole("status");
    await summary.waitFor();
    expect(await summary.textContent()).toContain("1 license revoked");
    expect(await summary.textContent()).toContain("2 users and 1 group deleted");
    await screenshot(page, "customer-erased");
    await dialog.getByRole("button", { name: "Done" }).click();
    await page.getByRole("heading", { name: "Erased customer", level: 1 }).waitFor();
    expect(await page.getByRole("button", { name: "Erase personal data" }).count()).toBe(0);
    expect((await api(`/v1/licenses/${license.id}`)).body.status).toBe("revoked");
    expect((await api(`/v1/customers/${customerId}`)).body.email).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

  it("issues a license to a customer found by search, and to one created in the dialog", async () => {
    const customer = await create("/v1/customers", { name: "Globex Corporation", email: "ops@globex.test" });
    const application = await create("/v1/applications", { name: "Globex App" });
    const policy = await create("/v1/policies", { name: "Globex policy", application_id: application.id });
    const { page, problems } = await openConsole();
    const dialog = page.getByRole("dialog");
    await page.goto(`${base}/console/#/licenses`);
    await page.getByRole("button", { name: "New license" }).click();
    await dialog.getByLabel("Policy").selectOption(policy.id);
    await dialog.getByLabel("Existing customer").check();
    await dialog.getByLabel("Find a customer").fill("globex");
    await dialog.getByLabel(/^Globex Corporation/).check();
    await screenshot(page, "license-new-customer-search");
    await dialog.getByRole("button", { name: "Create license" }).click();
    await dialog.locator("[data-secret]").waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();
    const found = (await api(`/v1/licenses?customer_id=${customer.id}`)).body.data;
    expect(found).toHaveLength(1);

    await page.getByRole("button", { name: "New license" }).click();
    await dialog.getByLabel("Policy").selectOption(policy.id);
    await dialog.getByLabel("New customer").check();
    await dialog.getByLabel("Name").fill("Initech");
    await dialog.getByLabel("Email").fill("peter@initech.test");
    await dialog.getByLabel("Plan").fill("Team");
    await dialog.getByRole("button", { name: "Create license" }).click();
    await dialog.locator("[data-secret]").waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();
    const initech = (await api("/v1/customers?q=initech")).body.data;
    expect(initech.map((c: { email: string }) => c.email)).toEqual(["peter@initech.test"]);
    const row = page.getByRole("row").filter({ hasText: "Initech" }).first();
    await row.waitFor();

    // Moved to Globex from its page: Edit, search, pick, save; its title then names Globex.
    await row.getByRole("link", { name: /^lic_/ }).click();
    await page.getByRole("heading", { name: "License · Team for Initech" }).waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    expect(await dialog.getByLabel("Existing customer").isChecked()).toBe(true);
    await dialog.getByLabel("Find a customer").fill("ops@globex");
    await dialog.getByLabel(/^Globex Corporation/).check();
    await screenshot(page, "license-edit-customer");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "License · Team for Globex Corporation" }).waitFor();
    expect((await api(`/v1/licenses?customer_id=${customer.id}`)).body.data).toHaveLength(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("names the customer of a failing license on the overview, and shows each permission in words", async () => {
    const customer = await create("/v1/customers", { name: "Umbrella Ltd", email: "it@umbrella.test" });
    const license = await seedLicense(customer.id);
    const refused = await api("/v1/licenses/validate", { body: { license_key: license.key, application_id: "app_someoneElse" } });
    expect(refused.body.code).toBe("PRODUCT_MISMATCH");
    const { page, problems } = await openConsole();
    const failing = page.locator(".card").filter({ has: page.getByRole("heading", { name: "Licenses failing most" }) });
    await failing.getByRole("link", { name: "Umbrella Ltd" }).waitFor();
    expect(await failing.textContent()).toContain(`${license.key_prefix}…`);
    await screenshot(page, "overview-failing-customer");

    await page.goto(`${base}/console/#/credentials`);
    await page.getByRole("button", { name: "New API key" }).click();
    const dialog = page.getByRole("dialog");
    for (const [code, words] of [
      ["customers:read", "View Customers"],
      ["users:write", "Create, Edit and Delete Users"],
      ["groups:write", "Create, Edit and Delete Groups"],
      ["applications:read", "View Products"],
      ["api_keys:write", "Edit API Keys and User Tokens"],
    ]) {
      const box = dialog.getByRole("checkbox", { name: `${code} ${words}`, exact: true });
      await box.first().waitFor(); // the dialog renders after the click; count only once it is there
      expect(await box.count(), code).toBe(1);
    }
    await screenshot(page, "permission-picker");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a key without customers:read the license's customer id, and no Customers screen", async () => {
    const customer = await create("/v1/customers", { name: "Hidden Co", email: "x@hidden.test" });
    const license = await seedLicense(customer.id);
    const narrow = await create("/v1/api-keys", { name: "licenses only", permissions: ["licenses:read"] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${base}/console/`);
    await page.getByLabel("API key or user token").fill(narrow.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Licenses" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Sections" }).getByRole("link").allTextContents()).toEqual(["Licenses"]);
    const cell = page.getByRole("row").filter({ hasText: license.id }).locator('td[data-label="Customer"]');
    expect(await cell.textContent()).toBe(customer.id);
    expect(await page.content()).not.toContain("Hidden Co");
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const [size, width] of [
    ["desktop", 1280],
    ["phone", 390],
  ] as const) {
    it(`has no serious or critical axe-core violations on the customers list and a customer's page (${size})`, async () => {
      const customer = await create("/v1/customers", {
        name: `Stark Industries ${size}`,
        email: `tony-${size}@stark.test`,
        company: "Stark Industries",
        country: "US",
        external_ids: { stripe: `cus_stark_${size}` },
      });
      await create("/v1/users", { customer_id: customer.id, email: `pepper-${size}@stark.test`, name: "Pepper Potts", role: "admin" });
      await create("/v1/users", { customer_id: customer.id, email: `happy-${size}@stark.test` });
      await create("/v1/groups", { customer_id: customer.id, name: "Engineering" });
      await seedLicense(customer.id);
      const { page, problems } = await openConsole(width);

      await page.goto(`${base}/console/#/customers`);
      await page.getByRole("link", { name: customer.name }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
      await screenshot(page, `customers-${size}`);

      for (const tab of ["licenses", "users", "groups"]) {
        await page.goto(`${base}/console/#/customers/${customer.id}?tab=${tab}`);
        await page.getByRole("heading", { name: customer.name, level: 1 }).waitFor();
        await page.getByRole("tabpanel").getByRole("table").waitFor();
        expect(await axeViolations(page), tab).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), tab).toBe(width);
        await screenshot(page, `customer-${tab}-${size}`);
      }
      // The erasure dialog, read before anything is erased.
      await page.getByRole("button", { name: "Erase personal data" }).click();
      await page.getByRole("dialog").getByText("cannot be undone").waitFor();
      expect(await axeViolations(page), "erase dialog").toEqual([]);
      await screenshot(page, `customer-erase-${size}`);
      await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
      // Closing the dialog hands focus back to its button: wait for that before moving focus on.
      await page.getByRole("dialog").waitFor({ state: "hidden" });
      // The tabs follow the arrow keys (one tab stop, as ARIA's tabs pattern has it).
      const groupsTab = page.getByRole("tab", { name: /^Groups/ });
      await groupsTab.focus();
      await expect.poll(() => groupsTab.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press("ArrowLeft");
      // A hash change is no "load": poll the address instead of waiting for a navigation.
      await expect.poll(() => page.url()).toMatch(/tab=users$/);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("cust-tab-users");
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
