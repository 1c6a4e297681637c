// GET /docs in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) loads
// the page from the worker running in workerd, with the Swagger UI assets served as static assets,
// and must render the operation list from /openapi.json. Runs in Node (vitest project "e2e").
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, startWorker, type Worker } from "./harness";

let worker: Worker;
let browser: Browser;
let base: string;

beforeAll(async () => {
  ({ worker, base } = await startWorker());
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
});

describe("GET /docs", () => {
  it("renders every operation of the OpenAPI document", async () => {
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>>; webhooks: Record<string, unknown> };
    // Swagger UI lists the webhook events beside the paths.
    const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0) + Object.keys(spec.webhooks).length;
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on("requestfailed", (req) => failed.push(req.url()));
    await page.goto(`${base}/docs`);
    await page.waitForSelector(".opblock-summary-path", { timeout: 30_000 });
    // Swagger UI renders long lists virtually (only what is on screen is in the DOM): what it parsed
    // is counted through its own selectors, and what it drew is sampled from the top of the page.
    const parsed = await page.evaluate(() => {
      const ui = (window as unknown as { ui: { specSelectors: { operations(): { size: number }; webhooks?(): { size: number } } } }).ui;
      return ui.specSelectors.operations().size + (ui.specSelectors.webhooks?.().size ?? 0);
    });
    const paths = await page.$$eval(".opblock-summary-path", (nodes) => nodes.map((n) => n.textContent?.replace(/\u200b/g, "").trim()));
    expect(failed).toEqual([]);
    expect(parsed).toBe(operations);
    expect(paths.length).toBeGreaterThanOrEqual(20);
    expect(paths).toContain("/v1/events");
    await page.close();
  });

  it("serves its static assets with the same security headers as the API (public/_headers)", async () => {
    for (const asset of ["/docs/assets/swagger-ui-dist/swagger-ui.css", "/docs/assets/swagger-ui-dist/swagger-ui-bundle.js"]) {
      const res = await fetch(`${base}${asset}`);
      await res.arrayBuffer();
      expect(res.status, asset).toBe(200);
      expect(res.headers.get("x-content-type-options"), asset).toBe("nosniff");
      expect(res.headers.get("strict-transport-security"), asset).toBe("max-age=63072000; includeSubDomains; preload");
      expect(res.headers.get("x-frame-options"), asset).toBe("DENY");
      expect(res.headers.get("referrer-policy"), asset).toBe("no-referrer");
    }
    // The rules file itself is configuration, not an asset.
    const rules = await fetch(`${base}/_headers`);
    await rules.arrayBuffer();
    expect(rules.status).toBe(404);
  });
});
