// axe-core in the console's pages: its browser build (a devDependency) is evaluated through the
// DevTools protocol, which the console's CSP does not govern, so no <script> tag is needed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface Violation {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  nodes: string[];
}

/** Every violation axe-core finds on the page as it is now, each node with what fails there. */
export async function axeRun(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<any> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n: any) => `${n.target.join(" ")} (${n.failureSummary?.split("\n").slice(1).join(" ").trim()})`),
    }));
  });
}

/** The serious and critical ones, as lines a failed assertion shows readably. */
export const blocking = (violations: Violation[]): string[] =>
  violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.nodes.join("; ")}`);
