// Turns what a request left behind into one data point, after the response: fills in the tenant
// of a NOT_FOUND validation from the application it named (cached per isolate), and hands the
// point to the configured store. Never throws: metrics must not fail a request.
import type { MetricPoint } from "../../contract/metrics";
import type { MetricsSink } from "../../contract/metrics-store";
import type { RowsFn } from "../../db/client";
import { applicationTenant } from "../../db/repositories/metrics";

/** Application id -> tenant id ("" for unknown ids), so an application is looked up once per isolate. */
const tenantOfApplication = new Map<string, string>();
const MAX_CACHED_APPLICATIONS = 10_000;

async function tenantFor(rows: () => RowsFn, applicationId: string): Promise<string> {
  const cached = tenantOfApplication.get(applicationId);
  if (cached !== undefined) return cached;
  const tenantId = (await applicationTenant(rows(), applicationId)) ?? "";
  if (tenantOfApplication.size >= MAX_CACHED_APPLICATIONS) tenantOfApplication.clear();
  tenantOfApplication.set(applicationId, tenantId);
  return tenantId;
}

export function createRecorder(options: { sink: MetricsSink; rows: () => RowsFn; log: (msg: string, error: unknown) => void }) {
  return {
    async record(point: MetricPoint): Promise<void> {
      try {
        // An unknown key belongs to no tenant, but a request that named its application does.
        const tenantId = point.tenantId || (point.applicationId ? await tenantFor(options.rows, point.applicationId) : "");
        await options.sink.record({ ...point, tenantId });
      } catch (err) {
        options.log("metric not recorded", err);
      }
    },
  };
}
