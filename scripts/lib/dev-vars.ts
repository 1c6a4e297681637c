// Reads and writes `.dev.vars` (dotenv syntax, gitignored): wrangler dev's local secrets.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function readDevVars(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    if (/^'.*'$|^".*"$/.test(value)) value = value.slice(1, -1);
    vars[match[1]!] = value;
  }
  return vars;
}

export function writeDevVars(path: string, vars: Record<string, string>): void {
  const lines = ["# Written by `npm run dev`. Local secrets: never commit this file."];
  // Single quotes keep JSON values (SIGNING_KEYS) intact.
  for (const [key, value] of Object.entries(vars)) lines.push(`${key}='${value}'`);
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}
