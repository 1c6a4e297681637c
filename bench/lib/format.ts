// Plain-text tables and number formats for the terminal.

export interface Column {
  title: string;
  align?: "left" | "right";
}

export function table(columns: Column[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (text: string, i: number) => (columns[i]!.align === "left" ? text.padEnd(widths[i]!) : text.padStart(widths[i]!));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => cell(c, i))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const finite = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);

export const fmt = {
  int: (n: number | null | undefined) => (finite(n) ? Math.round(n).toLocaleString("en-US") : "-"),
  fixed: (n: number | null | undefined, digits: number) => (finite(n) ? n.toFixed(digits) : "-"),
  ms: (n: number | null | undefined) => (finite(n) ? (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) : "-"),
  ratio: (n: number | null | undefined) => (finite(n) ? `${n.toFixed(2)}x` : "-"),
  pct: (n: number | null | undefined) => (finite(n) ? `${(n * 100).toFixed(0)}%` : "-"),
  kib: (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`,
};
