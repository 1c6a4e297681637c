// Which metrics store a deployment uses (README "Usage metrics"): Workers Analytics Engine when the
// binding and the SQL API's account id and token are all configured, else the Postgres rollups.
// METRICS_STORE=off stops recording (the API then reads what was recorded before).
import type { MetricsReader, MetricsSink } from "../../contract/metrics-store";
import type { Queryable, RowsFn } from "../../db/client";
import { analyticsEngineReader, analyticsEngineSink } from "../../db/repositories/analytics-engine";
import { localMetricsReader, localMetricsSink } from "./local";

export type MetricsStoreKind = "local" | "analytics_engine" | "off";

export interface MetricsSettings {
  mode: "auto" | MetricsStoreKind;
  /** The Analytics Engine dataset binding (METRICS) and its name for the SQL API. */
  dataset?: AnalyticsEngineDataset;
  datasetName: string;
  /** The SQL API's account id and read token (secrets CF_ACCOUNT_ID, CF_ANALYTICS_TOKEN). */
  accountId?: string;
  apiToken?: string;
}

export interface MetricsStore {
  kind: MetricsStoreKind;
  sink: MetricsSink;
  reader: MetricsReader;
}

const discard: MetricsSink = { record: () => Promise.resolve(), flush: () => Promise.resolve() };

export function metricsStore(
  settings: MetricsSettings,
  handles: { rows: () => RowsFn; db: () => Queryable; log: (msg: string, error: unknown) => void },
): MetricsStore {
  const { dataset, accountId, apiToken } = settings;
  const analyticsEngine = dataset && accountId && apiToken ? { dataset, accountId, apiToken } : undefined;
  if (settings.mode === "off") return { kind: "off", sink: discard, reader: localMetricsReader(handles.db) };
  if (analyticsEngine && (settings.mode === "auto" || settings.mode === "analytics_engine")) {
    return {
      kind: "analytics_engine",
      sink: analyticsEngineSink(analyticsEngine.dataset, { warn: (msg, fields) => handles.log(msg, fields?.error) }),
      reader: analyticsEngineReader({ accountId: analyticsEngine.accountId, apiToken: analyticsEngine.apiToken, dataset: settings.datasetName }),
    };
  }
  // `analytics_engine` without its binding and secrets cannot read: the local store answers instead.
  return { kind: "local", sink: localMetricsSink(handles.rows, handles.log), reader: localMetricsReader(handles.db) };
}
