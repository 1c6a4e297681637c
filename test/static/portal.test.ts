// The customer portal's own source (public/portal): like the console's, it never turns a string into
// markup or code, loads nothing inline, and keeps its credential in the tab (no localStorage, no
// cookies). Its plain-words helpers and the accent colour's contrast check, run in Node as they are
// (both modules are plain data and Intl, no DOM at import).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { contrast, DEFAULT_ACCENT, MIN_CONTRAST, safeUrl, usableAccent } from "../../public/portal/lib/brand.js";
import { ago, churnWords, devicesWords, duration, every } from "../../public/portal/lib/words.js";

const ROOT = join(import.meta.dirname, "../../public/portal");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(js|html)$/.test(entry.name) ? [path] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML/, "sets markup from a string"],
  [/dangerouslySetInnerHTML/, "sets markup from a string"],
  [/\beval\s*\(|new Function\s*\(/, "runs a string as code"],
  [/document\.write/, "writes markup"],
  [/<script(?![^>]*\bsrc=)[^>]*>/, "inline script"],
  [/\son[a-z]+\s*=\s*["']/, "inline event handler attribute"],
  [/<style\b/, "inline style element"],
  [/\bstyle="|setAttribute\(\s*["']style/, "inline style attribute (the CSP refuses it)"],
  [/localStorage|document\.cookie|indexedDB/, "keeps the credential beyond the tab"],
];

describe("the portal's source", () => {
  const files = sources(ROOT);

  it("is found (the check is not vacuous)", () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(["index.html", "app.js", "lib/session.js", "screens/devices.js"]));
  });

  it("never builds markup or code from strings, loads nothing inline, and keeps nothing beyond the tab", () => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const [pattern, why] of FORBIDDEN) if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${i + 1} ${why}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it("takes the one-time code out of the address bar before exchanging it", () => {
    const session = readFileSync(join(ROOT, "lib/session.js"), "utf8");
    expect(session).toContain("history.replaceState");
    expect(session.indexOf("takeCode()")).toBeLessThan(session.indexOf("exchange(code)"));
    expect(session).toContain("sessionStorage");
  });
});

describe("the portal's accent colour (lib/brand.js)", () => {
  it("uses a seller's colour only when white text on it and it on the page both read at 4.5:1", () => {
    expect(contrast("#ffffff", "#000000")).toBeCloseTo(21, 5);
    expect(usableAccent("#0f766e")).toBe("#0f766e");
    expect(usableAccent("#1D4ED8")).toBe("#1d4ed8");
    // Too light for white text (yellow, a light teal, pale grey): the portal's own accent.
    for (const light of ["#ffd400", "#14b8a6", "#cccccc"]) expect(usableAccent(light)).toBe(DEFAULT_ACCENT);
    for (const junk of [null, undefined, "", "teal", "#036", "#12345", "url(x)", "#0f766e; color: red"])
      expect(usableAccent(junk as string)).toBe(DEFAULT_ACCENT);
    expect(contrast(DEFAULT_ACCENT, "#ffffff")).toBeGreaterThanOrEqual(MIN_CONTRAST);
  });

  it("follows only http(s) support links", () => {
    expect(safeUrl("https://help.example.com/x")).toBe("https://help.example.com/x");
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "not a url", null]) expect(safeUrl(bad)).toBeNull();
  });
});

describe("the portal's words (lib/words.js)", () => {
  it("says waits and windows the way a person would, never shorter than they are", () => {
    expect(duration(3540)).toBe("59 minutes");
    expect(duration(3599)).toBe("1 hour");
    expect(duration(20)).toBe("1 minute");
    expect(duration(2 * 3600 + 290)).toBe("2 hours 5 minutes");
    expect(duration(3 * 86_400)).toBe("3 days");
    expect(every(3600)).toBe("every hour");
    expect(every(86_400)).toBe("every day");
    expect(every(7 * 86_400)).toBe("every 7 days");
    expect(every(6 * 3600)).toBe("every 6 hours");
    expect(churnWords({ max_deactivations: 1, window_s: 3600 })).toBe("You can free 1 device every hour.");
    expect(churnWords({ max_deactivations: 3, window_s: 30 * 86_400 })).toBe("You can free 3 devices every 30 days.");
  });

  it("counts devices and says when something was last seen", () => {
    expect(devicesWords({ used: 2, max: 3 })).toBe("2 of 3 devices in use");
    expect(devicesWords({ used: 1, max: 1 })).toBe("1 of 1 device in use");
    expect(devicesWords({ used: 1, max: null })).toBe("1 device in use (no limit)");
    const now = Date.parse("2026-12-06T12:00:00Z");
    expect(ago("2026-12-06T09:00:00Z", now)).toBe("3 hours ago");
    expect(ago("2026-12-06T11:59:50Z", now)).toBe("just now");
    expect(ago("2026-12-05T12:00:00Z", now)).toBe("yesterday");
  });
});
