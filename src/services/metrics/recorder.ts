// Turns what a request left behind into one data point, after the response, and hands it to the
// configured store. A point counts toward a tenant only when its license key (or credential)
// resolved to that tenant: anything else (made-up keys, whatever application they name) goes to
// one anonymous bucket, with no lookup, so unauthenticated noise neither lands in a seller's
// figures nor grows the store by a row per invented id. Never throws: metrics must not fail a request.
import type { MetricPoint } from "../../contract/metrics";
import type { MetricsSink } from "../../contract/metrics-store";

export function createRecorder(options: { sink: MetricsSink; log: (msg: string, error: unknown) => void }) {
  return {
    async record(point: MetricPoint): Promise<void> {
      try {
        await options.sink.record(point.tenantId ? point : { ...point, applicationId: "", policyId: "", licenseId: "" });
      } catch (err) {
        options.log("metric not recorded", err);
      }
    },
  };
}
