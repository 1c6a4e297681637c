// No import cycles anywhere in the service or the SDK, type-only imports included: a module's
// dependencies can be read (and changed) without reading the module itself. Runs in Node: it
// reads files, it starts nothing.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?["'](\.[^"']+)["']/gm;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The local modules `file` imports, as repository-relative paths without extension. */
function edges(file: string, known: Set<string>): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const base = relative(ROOT, resolve(dirname(file), m[1]!)).replace(/\.(ts|js)$/, "");
    const target = known.has(base) ? base : known.has(`${base}/index`) ? `${base}/index` : undefined;
    if (target) out.push(target);
  }
  return out;
}

/** Strongly connected components of more than one module (Tarjan), or a module importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

describe("imports", () => {
  const all = [...files(join(ROOT, "src")), ...files(join(ROOT, "packages/sdk/src"))];
  const known = new Set(all.map((f) => relative(ROOT, f).replace(/\.ts$/, "")));
  const graph = new Map(all.map((f) => [relative(ROOT, f).replace(/\.ts$/, ""), edges(f, known)]));

  it("read the whole tree", () => {
    expect(graph.get("src/index")!.length).toBeGreaterThan(50);
  });

  it("form no cycle, type-only imports included", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("would catch one (the check is not vacuous)", () => {
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
  });
});
