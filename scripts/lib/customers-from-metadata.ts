// Moving existing data (issue #26): before customers existed, sellers kept the buyer in a
// license's metadata (`email`, `company`, `name`). This finds every license without a customer
// whose metadata names an email, and gives it one: the tenant's customer with that email if there
// is one, else a new customer made from the metadata. It works through the admin API, so every
// change is validated, audited and announced like any other, and it is idempotent: a license
// that has a customer is left alone, so a second run changes nothing.

export interface MoveOptions {
  baseUrl: string;
  apiKey: string;
  /** Without it, nothing is written: the plan is reported. */
  apply: boolean;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export interface MoveReport {
  licensesSeen: number;
  /** Licenses that got (or would get) a customer. */
  assigned: number;
  customersCreated: number;
  /** Licenses without a customer and without a usable `metadata.email`. */
  skipped: number;
}

interface License {
  id: string;
  customer_id: string | null;
  metadata: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const text = (value: unknown, max: number) => (typeof value === "string" && value.trim() ? value.trim().slice(0, max) : undefined);

export async function moveCustomersFromMetadata(options: MoveOptions): Promise<MoveReport> {
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? (() => {});
  // The answers this uses: a page ({ data, next_cursor }) or a resource ({ id }).
  type Answer = { data: unknown[]; next_cursor: string | null; id: string };
  const api = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await doFetch(`${options.baseUrl.replace(/\/$/, "")}${path}`, {
      method,
      headers: { Authorization: `Bearer ${options.apiKey}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer as unknown as Answer;
  };

  // The whole list first, so changes made on the way do not shift the pages being read.
  const licenses: License[] = [];
  let cursor: string | null = null;
  do {
    const page = await api("GET", `/v1/licenses?limit=100${cursor ? `&starting_after=${cursor}` : ""}`);
    licenses.push(...(page.data as License[]));
    cursor = page.next_cursor;
  } while (cursor);

  const report: MoveReport = { licensesSeen: licenses.length, assigned: 0, customersCreated: 0, skipped: 0 };
  const byEmail = new Map<string, string>();
  for (const license of licenses.reverse()) {
    if (license.customer_id) continue;
    const email = text(license.metadata.email, 320)?.toLowerCase();
    if (!email || !EMAIL.test(email)) {
      report.skipped++;
      continue;
    }
    let customerId = byEmail.get(email);
    if (!customerId) {
      const found = await api("GET", `/v1/customers?limit=100&q=${encodeURIComponent(email)}`);
      customerId = (found.data as { id: string; email: string | null }[]).find((c) => c.email === email)?.id;
    }
    if (!customerId) {
      const company = text(license.metadata.company, 200);
      const name = text(license.metadata.name, 200) ?? company ?? email;
      log(`${options.apply ? "creating" : "would create"} customer ${email} (${name})`);
      report.customersCreated++;
      customerId = options.apply ? (await api("POST", "/v1/customers", { name, email, ...(company ? { company } : {}) })).id : `(new: ${email})`;
    }
    byEmail.set(email, customerId!);
    log(`${options.apply ? "assigning" : "would assign"} ${license.id} to ${customerId}`);
    if (options.apply) await api("PATCH", `/v1/licenses/${license.id}`, { customer_id: customerId });
    report.assigned++;
  }
  return report;
}
