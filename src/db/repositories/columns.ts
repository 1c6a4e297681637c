// Hand-written SQL for the hot paths (validate, verify, introspect, API-key auth). Measured by
// `npm run bench`: drizzle's query builder spent ~300 us of worker CPU per request building the
// same SQL text and mapping rows; these statements are fixed strings, so the per-request cost is
// the parameters alone. They run through a RowsFn (db/client.ts), Neon's HTTP query path, whose
// rows come back as arrays: `selectList` names each column once, builds the SELECT list from those
// names and reads rows back by the same names, so no caller indexes a row by position.

import { type SQL, sql } from "drizzle-orm";

/** Drops the SQL's indentation and newlines: the statement text is sent on every request. */
export const compact = (text: string) => text.replace(/\s+/g, " ").trim();

export interface SelectList<T> {
  /** `expr, expr, ...` in the order of the names. */
  sql: string;
  /** The same list with each expression named `c0`, `c1`...: for drivers that answer rows as objects (a transaction's). */
  aliasedSql: string;
  /** How many columns the list takes in a row. */
  width: number;
  /** The named values of one array-mode row, starting at `offset`. */
  read(row: readonly unknown[], offset?: number): T;
}

/**
 * A typed SELECT list over named SQL expressions.
 *
 * @example
 * const KEY = selectList<{ id: string; expiresAt: Date | null }>({ id: "k.id", expiresAt: "k.expires_at" });
 * const [row] = await rows(`select ${KEY.sql} from api_keys k where k.key_hash = $1`, [hash]);
 * const key = KEY.read(row); // { id, expiresAt }
 */
export function selectList<T>(columns: { [K in keyof T]-?: string }): SelectList<T> {
  const names = Object.keys(columns) as (keyof T)[];
  return {
    sql: names.map((name) => columns[name]).join(", "),
    aliasedSql: names.map((name, i) => `${columns[name]} as c${i}`).join(", "),
    width: names.length,
    read(row, offset = 0) {
      const out = {} as T;
      for (let i = 0; i < names.length; i++) out[names[i]!] = row[offset + i] as T[keyof T];
      return out;
    },
  };
}

/**
 * A fixed statement written with `$1`, `$2`... as drizzle's `sql`, for a transaction's `execute`:
 * the same text the HTTP path sends, with the values bound as parameters (never spliced in).
 */
export function bindPositional(text: string, values: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    chunks.push(i % 2 === 0 ? sql.raw(parts[i]!) : sql`${values[Number(parts[i]) - 1]}`);
  }
  return sql.join(chunks);
}
