// The customer portal's people and named seats in Chromium (playwright-core) against the worker in
// workerd on real Postgres. The seller's backend opens a session for the customer's account holder,
// who, with the keyboard only, goes to People, adds a person (an empty email and one already there
// are said at the field), gives them a seat on a license with max_users 2 ("1 of 2 people"), is told
// in words when the seller took the last seat meanwhile, takes the seat back and removes the person;
// the admin API shows each change, by the customer. A member's session is offered none of it; an
// admin user is not offered to remove themselves. axe-core: no serious or critical violation on the
// People screen and the license's seats at 1280×800 and 390×844 (counts in
// .data/console-shots/portal-people-a11y.json). Screenshots: .data/console-shots/portal-people-*.png,
// and the README's in docs/portal/ with DOCS_SHOTS=1.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeRun, blocking } from "./axe";
import { launchBrowser, SHOTS, startWorker, type Worker, watchProblems } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;
let apiKey: string;
const seller = { name: "Northwind Studio", accent: "#0f766e" };
const returnUrl = "https://app.northwind.test/account";
/** What beforeAll makes: the customer, its people, a license with two named seats and one with a group. */
const ids = { customer: "", grace: "", linus: "", margaret: "", team: "", studio: "" };
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
const must = async (path: string, body: unknown, status = 201, method?: string) => {
  const res = await api(path, { body, method });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
};

/** What the seller's backend does: a portal session for the customer (or one of its users), as a link on this test's origin. */
async function portalLink(userId?: string): Promise<string> {
  const session = await must("/v1/portal/sessions", { customer_id: ids.customer, return_url: returnUrl, ...(userId ? { user_id: userId } : {}) });
  return `${base}/portal/${new URL(session.url).hash}`;
}

beforeAll(async () => {
  ({ worker, base } = await startWorker({ database: true }));
  browser = await launchBrowser();
  const tenant = await fetch(`${base}/v1/tenants`, {
    method: "POST",
    headers: { Authorization: `Bearer ${inject("operatorToken")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Northwind people", plan_tier: "pro" }),
  });
  expect(tenant.status).toBe(201);
  apiKey = ((await tenant.json()) as any).api_key.key;
  await must(
    "/v1/tenant",
    { portal: { display_name: seller.name, accent_color: seller.accent, return_origins: ["https://app.northwind.test"] } },
    200,
    "PATCH",
  );
  const app = await must("/v1/applications", { name: "Northwind Paint" });
  const team = await must("/v1/policies", { name: "Team of two", application_id: app.id, max_users: 2 });
  const studio = await must("/v1/policies", { name: "Studio", application_id: app.id, max_users: 5, max_activations: 10 });
  ids.customer = (await must("/v1/customers", { name: "Ada Lovelace", company: "Analytical Engines", email: "ada@engines.test" })).id;
  const user = (email: string, name: string, role = "member") => must("/v1/users", { customer_id: ids.customer, email, name, role });
  ids.grace = (await user("grace@engines.test", "Grace Hopper", "admin")).id;
  ids.linus = (await user("linus@engines.test", "Linus Torvalds")).id;
  ids.margaret = (await user("margaret@engines.test", "Margaret Hamilton")).id;
  ids.team = (await must("/v1/licenses", { policy_id: team.id, plan: "Team", customer_id: ids.customer })).id;
  ids.studio = (await must("/v1/licenses", { policy_id: studio.id, plan: "Studio", customer_id: ids.customer })).id;
  // The Studio license: a group the seller made (read-only in the portal) and one seat given directly.
  const design = await must("/v1/groups", { customer_id: ids.customer, name: "Design" });
  for (const member of [ids.linus, ids.margaret]) await must(`/v1/groups/${design.id}/members`, { user_id: member }, 200);
  await must(`/v1/licenses/${ids.studio}/groups`, { group_id: design.id }, 200);
  await must(`/v1/licenses/${ids.studio}/users`, { user_id: ids.grace }, 200);
}, 180_000);

afterAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, "portal-people-a11y.json"), `${JSON.stringify(axeCounts, null, 2)}\n`);
  await browser?.close();
  await worker?.dispose();
});

async function openPage(size = DESKTOP): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: size });
  return { page, problems: watchProblems(page) };
}

/** The screenshots the README shows (docs/portal/<name>.png). */
const DOCS = new Set(["people-desktop", "people-phone", "seats-desktop"]);

/**
 * A screenshot under .data/console-shots, and for the README's under docs/portal with DOCS_SHOTS=1:
 * the whole page, or with `until` the page from its top to the end of that part (what the shot is about), or
 * with a dialog open the screen as seen (the backdrop covers the viewport only).
 */
async function shot(page: Page, name: string, { until, fullPage = true }: { until?: Locator; fullPage?: boolean } = {}): Promise<void> {
  const dirs = [SHOTS, ...(process.env.DOCS_SHOTS === "1" && DOCS.has(name) ? [join(process.cwd(), "docs", "portal")] : [])];
  const box = until ? await until.boundingBox() : null;
  const scroll = await page.evaluate(() => window.scrollY);
  const clip = box ? { x: 0, y: 0, width: page.viewportSize()!.width, height: Math.ceil(box.y + scroll + box.height + 24) } : undefined;
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, dir === SHOTS ? `portal-${name}.png` : `${name}.png`), fullPage, clip });
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

/** The focused element's id, or its accessible name as the tests spell it (aria-label, else text). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.id || el?.getAttribute("aria-label") || el?.textContent?.trim() || "";
  });

/** The text of what an input names in aria-describedby, as a screen reader reads it after the label. */
const description = (field: Locator) =>
  field.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim())
      .join(" "),
  );

/** Who holds a license, as the seller's admin API says. */
const holders = async (licenseId: string) =>
  (await must(`/v1/licenses/${licenseId}/assignments`, undefined, 200)).users.map((u: any) => u.email as string).sort();

describe("People and named seats in the portal: listPortalUsers, createPortalUser, deletePortalUser, getPortalLicenseHolders, assignPortalSeat, unassignPortalSeat", () => {
  it("lets the account holder add a person, give and take back their seat, and remove them, with the keyboard only", async () => {
    const { page, problems } = await openPage();
    await page.goto(await portalLink());
    await page.getByRole("heading", { level: 1, name: "Your licenses" }).waitFor();
    await page.getByRole("list", { name: "Licenses" }).getByRole("listitem").first().waitFor();
    // The way to People: in the banner and on the overview.
    const nav = page.getByRole("navigation", { name: "Portal" });
    await nav.waitFor();
    expect(await nav.getByRole("link", { name: "Licenses" }).getAttribute("aria-current")).toBe("page");
    expect(await page.getByRole("main").getByRole("link", { name: "Manage people" }).count()).toBe(1);
    await shot(page, "people-overview");

    await tabTo(page, nav.getByRole("link", { name: "People" }));
    await page.keyboard.press("Enter");
    const heading = page.getByRole("heading", { level: 1, name: "People" });
    await heading.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    expect(await nav.getByRole("link", { name: "People" }).getAttribute("aria-current")).toBe("page");
    const people = page.getByRole("list", { name: "People" });
    await people.getByRole("heading", { name: "Grace Hopper" }).waitFor();
    expect(await people.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Grace Hopper", "Linus Torvalds", "Margaret Hamilton"]);
    expect(await people.getByRole("listitem").first().textContent()).toContain("Admin");
    expect(await people.getByRole("listitem").nth(1).textContent()).toContain("Member");

    // An empty email is said at the field, and the field is where focus goes.
    const email = page.getByLabel("Email");
    await tabTo(page, page.getByRole("button", { name: "Add person" }));
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(page)).toBe("person-email");
    expect(await email.getAttribute("aria-invalid")).toBe("true");
    expect(await description(email)).toBe("✕ Enter their email address.");
    await page.getByRole("alert").getByText("Enter their email address.").waitFor();

    // Someone already there: the service's 409, said at the field.
    await page.keyboard.type("grace@engines.test");
    await page.keyboard.press("Enter");
    await expect.poll(() => description(email)).toBe("✕ grace@engines.test is already one of your people.");
    expect(await focused(page)).toBe("person-email");
    await expectAccessible(page, "people, email taken");
    await shot(page, "people-email-taken");

    await page.keyboard.press("Control+A");
    await page.keyboard.type("joan@engines.test");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("person-name");
    await page.keyboard.type("Joan Clarke");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Joan Clarke was added. Give them a seat from a license's page.").waitFor();
    await people.getByRole("heading", { name: "Joan Clarke" }).waitFor();
    expect(await email.inputValue()).toBe("");
    expect(await email.getAttribute("aria-invalid")).toBe("false");
    const joan = (await must(`/v1/users?customer_id=${ids.customer}`, undefined, 200)).data.find((u: any) => u.email === "joan@engines.test");
    expect(joan).toMatchObject({ name: "Joan Clarke", role: "member" });

    await expectAccessible(page, "people");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(page, "people-desktop");
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    await expectAccessible(page, "people");
    await shot(page, "people-phone");
    await page.setViewportSize(DESKTOP);

    // To the Team license (two named seats), still by keyboard: banner, card, Enter.
    await tabTo(page, nav.getByRole("link", { name: "Licenses" }));
    await page.keyboard.press("Enter");
    const team = page
      .getByRole("list", { name: "Licenses" })
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "Team license" }) });
    await tabTo(page, team.getByRole("link", { name: "Manage devices and files" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Team license" }).waitFor();
    const seats = page.getByRole("region", { name: "People with a seat" });
    await seats.getByText("0 of 2 people").waitFor();
    expect(await seats.getByText("Nobody has a seat yet.").count()).toBe(1);

    const choose = seats.getByLabel("Give a seat to");
    await tabTo(page, choose);
    // A closed select takes type-ahead: the person's name picks their option.
    await page.keyboard.type("Joan");
    expect(await choose.inputValue()).toBe(joan.id);
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("Give a seat");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Joan Clarke now has a seat on this license.").waitFor();
    await seats.getByText("1 of 2 people").waitFor();
    const seated = seats.getByRole("list", { name: "People with a seat" });
    expect(await seated.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Joan Clarke"]);
    expect(await holders(ids.team)).toEqual(["joan@engines.test"]);
    await expectAccessible(page, "license seats");
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    await expectAccessible(page, "license seats");
    await page.setViewportSize(DESKTOP);

    // The seller gives the last seat away meanwhile: the portal's try is refused in words, and the page catches up.
    await must(`/v1/licenses/${ids.team}/users`, { user_id: ids.grace }, 200);
    await choose.selectOption(ids.margaret);
    await seats.getByRole("button", { name: "Give a seat" }).click();
    await seats.getByRole("alert").getByText("Every seat of this license is taken (2 people). Take a seat back from someone first, then try again.").waitFor();
    await seats.getByText("2 of 2 people").waitFor();
    expect(await seats.getByText("All 2 seats are taken.", { exact: false }).count()).toBe(1);
    expect(await seats.getByLabel("Give a seat to").count()).toBe(0);
    await shot(page, "seats-full");
    expect(await holders(ids.team)).toEqual(["grace@engines.test", "joan@engines.test"]);

    // Take Joan's seat back, by keyboard, after a confirmation.
    await tabTo(page, seats.getByRole("button", { name: "Take seat back from Joan Clarke" }));
    await page.keyboard.press("Enter");
    const confirm = page.getByRole("dialog", { name: "Take back the seat of Joan Clarke?" });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain("If their app has a shared seat open now, it ends too.");
    await expectAccessible(page, "take-seat-back dialog");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("Take seat back");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("The seat of Joan Clarke was taken back.").waitFor();
    await seats.getByText("1 of 2 people").waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("holders-heading");
    await shot(page, "seats-taken-back");
    expect(await holders(ids.team)).toEqual(["grace@engines.test"]);

    // Back to People: remove Joan; the confirmation says their seats end.
    await tabTo(page, nav.getByRole("link", { name: "People" }));
    await page.keyboard.press("Enter");
    await heading.waitFor();
    await tabTo(page, people.getByRole("button", { name: "Remove Joan Clarke" }));
    await page.keyboard.press("Enter");
    const remove = page.getByRole("dialog", { name: "Remove Joan Clarke?" });
    await remove.waitFor();
    expect(await remove.textContent()).toContain("Their seats on your licenses end now");
    await expectAccessible(page, "remove-person dialog");
    await shot(page, "remove-person-dialog", { fullPage: false });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Joan Clarke was removed. Their seats have ended.").waitFor();
    await remove.waitFor({ state: "detached" });
    expect(await people.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Grace Hopper", "Linus Torvalds", "Margaret Hamilton"]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("people-heading");
    expect((await api(`/v1/users/${joan.id}`)).status).toBe(404);

    // Every change the portal made is the customer's in the seller's audit log; the seller's own is not.
    const audit = (await must("/v1/audit-log?limit=100", undefined, 200)).data;
    const byCustomer = audit.filter((e: any) => e.actor === ids.customer).map((e: any) => [e.action, e.target_id, e.details?.user_id ?? null]);
    expect(byCustomer.sort()).toEqual(
      [
        ["license.assign_user", ids.team, joan.id],
        ["license.unassign_user", ids.team, joan.id],
        ["user.create", joan.id, null],
        ["user.delete", joan.id, null],
      ].sort(),
    );
    expect(audit.find((e: any) => e.action === "license.assign_user" && e.details?.user_id === ids.grace && e.target_id === ids.team).actor).not.toBe(
      ids.customer,
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a license's groups read-only beside the people with a seat", async () => {
    const { page, problems } = await openPage();
    await page.goto(await portalLink());
    await page.getByRole("heading", { level: 1, name: "Your licenses" }).waitFor();
    await page.goto(`${base}/portal/#/licenses/${ids.studio}`);
    await page.getByRole("heading", { level: 1, name: "Studio license" }).waitFor();
    const seats = page.getByRole("region", { name: "People with a seat" });
    // Grace directly, and the two people of Design: three of five.
    await seats.getByText("3 of 5 people").waitFor();
    expect(await seats.getByRole("list", { name: "People with a seat" }).getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Grace Hopper"]);
    expect(await seats.getByRole("listitem").filter({ hasText: "Design" }).textContent()).toMatch(/^\s*Design \(2 people\), managed by Northwind Studio\s*$/);
    // Design's people may still get a seat of their own: everyone without a direct one is offered.
    const offered = await seats.getByLabel("Give a seat to").locator("option").allTextContents();
    expect(offered[0]).toBe("Choose a person…");
    expect(offered).toEqual(expect.arrayContaining(["Linus Torvalds (linus@engines.test)", "Margaret Hamilton (margaret@engines.test)"]));
    expect(offered.filter((o) => o.startsWith("Grace Hopper"))).toEqual([]);
    await expectAccessible(page, "license seats with a group");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(page, "seats-desktop", { until: seats });
    // Giving a seat without choosing someone says so at the select.
    await seats.getByRole("button", { name: "Give a seat" }).click();
    const choose = seats.getByLabel("Give a seat to");
    await expect.poll(() => description(choose)).toBe("✕ Choose who gets the seat.");
    expect(await focused(page)).toBe("give-seat-person");
    expect(await choose.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "license seats, nobody chosen");
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    await expectAccessible(page, "license seats, nobody chosen");
    await shot(page, "seats-phone", { until: seats });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("offers a member's session no People link, no People screen and no seat controls, and an admin user no way to remove themselves", async () => {
    const member = await openPage();
    await member.page.goto(await portalLink(ids.linus));
    await member.page.getByRole("list", { name: "Licenses" }).getByRole("listitem").first().waitFor();
    // The overview's own load and the viewer's are both in: the cards are shown.
    await member.page.waitForLoadState("networkidle");
    expect(await member.page.getByRole("navigation", { name: "Portal" }).count()).toBe(0);
    expect(await member.page.getByRole("link", { name: /people/i }).count()).toBe(0);
    await member.page.goto(`${base}/portal/#/licenses/${ids.team}`);
    await member.page.getByRole("heading", { level: 1, name: "Team license" }).waitFor();
    await member.page.waitForLoadState("networkidle");
    expect(await member.page.getByRole("heading", { name: "People with a seat" }).count()).toBe(0);
    expect(await member.page.getByRole("button", { name: /seat/i }).count()).toBe(0);
    await member.page.goto(`${base}/portal/#/people`);
    await member.page.getByText("Only your organisation's admins can add people and give seats.").waitFor();
    expect(await member.page.getByRole("button", { name: "Add person" }).count()).toBe(0);
    expect(member.problems).toEqual([]);
    await member.page.close();

    const admin = await openPage(PHONE);
    await admin.page.goto(await portalLink(ids.grace));
    await admin.page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "People" }).click();
    const rows = admin.page.getByRole("list", { name: "People" }).getByRole("listitem");
    await rows.first().waitFor();
    const self = rows.filter({ has: admin.page.getByRole("heading", { name: "Grace Hopper" }) });
    expect(await self.textContent()).toContain("You");
    expect(await self.getByRole("button").count()).toBe(0);
    expect(await rows.getByRole("button", { name: "Remove Linus Torvalds" }).count()).toBe(1);
    expect(admin.problems).toEqual([]);
    await admin.page.close();
  });

  it("lets an admin take a new license key with the keyboard only (reissuePortalLicenseKey); the key validates, the old one does not; members get no key section", async () => {
    const sold = await must("/v1/licenses", {
      policy_id: (await must(`/v1/licenses/${ids.team}`, undefined, 200)).policy_id,
      plan: "Keyed",
      customer_id: ids.customer,
    });
    for (const size of [DESKTOP, PHONE]) {
      const { page, problems } = await openPage(size);
      await page.goto(await portalLink());
      await page.getByRole("list", { name: "Licenses" }).getByRole("listitem").first().waitFor();
      await page.goto(`${base}/portal/#/licenses/${sold.id}`);
      const section = page.getByRole("region", { name: "License key" });
      await section.waitFor();
      await expectAccessible(page, "license key");
      if (size === PHONE) {
        await page.close();
        continue;
      }
      await tabTo(page, section.getByRole("button", { name: "Get a new key" }));
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Get a new license key?" });
      await dialog.waitFor();
      await expectAccessible(page, "license key dialog");
      await tabTo(page, dialog.getByRole("button", { name: "Get a new key" }));
      await page.keyboard.press("Enter");
      const shown = section.getByLabel("License key", { exact: true });
      await shown.waitFor();
      await dialog.waitFor({ state: "hidden" });
      const key = (await shown.textContent())!.trim();
      expect(key).toMatch(/^lk_/);
      await expectAccessible(page, "license key shown");
      await shot(page, "license-key", { until: section });
      expect((await api("/v1/licenses/validate", { body: { license_key: key } })).body.code).toBe("VALID");
      expect((await api("/v1/licenses/validate", { body: { license_key: sold.key } })).body.code).not.toBe("VALID");
      expect(problems).toEqual([]);
      await page.close();
    }
    const member = await openPage();
    await member.page.goto(await portalLink(ids.linus));
    await member.page.getByRole("list", { name: "Licenses" }).getByRole("listitem").first().waitFor();
    await member.page.goto(`${base}/portal/#/licenses/${sold.id}`);
    await member.page.getByRole("heading", { level: 1 }).filter({ hasText: "license" }).waitFor();
    await member.page.waitForLoadState("networkidle");
    expect(await member.page.getByRole("region", { name: "License key" }).count()).toBe(0);
    await member.page.close();
  });
});
