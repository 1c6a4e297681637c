// Which metrics store a deployment uses (README "Usage metrics"): Workers Analytics Engine when the
// binding and the SQL API's account id and token are all configured, else the Postgres rollups.
// METRICS_STORE=off stops recording (the API then reads what was recorded before).
import type { Queryable, RowsFn } from "../../db/client";
import { localMetricsReader, localMetricsSink } from "./local";
import type { MetricsReader, MetricsSink } from "./types";

export type MetricsStoreKind = "local" | "analytics_engine" | "off";

export interface MetricsSettings {
  mode: "auto" | MetricsStoreKind;
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
  const reader = localMetricsReader(handles.db);
  if (settings.mode === "off") return { kind: "off", sink: discard, reader };
  return { kind: "local", sink: localMetricsSink(handles.rows, handles.log), reader };
}
