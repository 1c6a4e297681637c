// Answers of the Analytics Engine SQL API in its FORMAT JSON shape (sql-reference/statements,
// "FORMAT clause"): meta, data, rows, and rows_before_limit_at_least as ClickHouse adds it.
// SUM(_sample_interval) is a UInt64, which ClickHouse-style JSON quotes: most counts are strings
// here; the totals answer carries plain numbers so both forms are read.

export const SERIES_RESPONSE = {
  meta: [
    { name: "bucket", type: "DateTime" },
    { name: "group_key", type: "String" },
    { name: "count", type: "UInt64" },
  ],
  data: [
    { bucket: "2025-03-01 00:00:00", group_key: "EXPIRED", count: "3" },
    { bucket: "2025-03-01 00:00:00", group_key: "VALID", count: "1520" },
    { bucket: "2025-03-01 01:00:00", group_key: "VALID", count: "1488" },
    { bucket: "2025-03-01 02:00:00", group_key: "", count: "2" },
  ],
  rows: 4,
  rows_before_limit_at_least: 4,
};

export const TOTALS_RESPONSE = {
  meta: [
    { name: "code", type: "String" },
    { name: "count", type: "UInt64" },
  ],
  data: [
    { code: "VALID", count: 3008 },
    { code: "EXPIRED", count: 3 },
  ],
  rows: 2,
  rows_before_limit_at_least: 2,
};

export const TOP_LICENSES_RESPONSE = {
  meta: [
    { name: "license_id", type: "String" },
    { name: "count", type: "UInt64" },
  ],
  data: [
    { license_id: "lic_9xKp2mQ7rT4vW8yZb3nD5f", count: "41" },
    { license_id: "lic_3hJ6kL8mN2pQ4rS6tU8vWx", count: "7" },
  ],
  rows: 2,
  rows_before_limit_at_least: 2,
};

export const ACTIVITY_RESPONSE = {
  meta: [
    { name: "tenant_id", type: "String" },
    { name: "validations", type: "UInt64" },
    { name: "failures", type: "UInt64" },
    { name: "auth_failures", type: "UInt64" },
  ],
  data: [
    { tenant_id: "tnt_2bC4dE6fG8hJ9kL1mN3pQ5", validations: "0", failures: "0", auth_failures: "57" },
    { tenant_id: "tnt_7Hq2kZ9mPxR4vT8wYb3nDc", validations: "12040", failures: "310", auth_failures: "2" },
  ],
  rows: 2,
  rows_before_limit_at_least: 2,
};

/** What api.cloudflare.com answers a missing or wrong token with (the v4 error envelope). */
export const AUTH_ERROR_RESPONSE = {
  result: null,
  success: false,
  errors: [{ code: 10000, message: "Authentication error" }],
  messages: [],
};
