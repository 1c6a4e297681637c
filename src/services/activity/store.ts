// Which activity store a deployment uses (README "License activity"), as for metrics: Workers
// Analytics Engine when the ACTIVITY binding and the SQL API's account id and token are all
// configured, else Postgres. ACTIVITY_STORE=off stops recording (reads answer what was recorded).
import { ACTIVITY_IP_MODES, type ActivityIpMode, type ActivityReader, type ActivitySink } from "../../contract/activity";
import type { RowsFn } from "../../db/client";
import { analyticsEngineActivityReader, analyticsEngineActivitySink } from "../../db/repositories/analytics-engine-activity";
import { localActivityReader, localActivitySink } from "./local";

export type ActivityStoreKind = "local" | "analytics_engine" | "off";

export interface ActivityStore {
  kind: ActivityStoreKind;
  sink: ActivitySink;
  reader: ActivityReader;
  ipMode: ActivityIpMode;
}

const discard: ActivitySink = { record: () => Promise.resolve(), flush: () => Promise.resolve() };
const MODES = new Set(["auto", "local", "analytics_engine", "off"]);

export function activityStore(
  env: Pick<Env, "ACTIVITY" | "ACTIVITY_STORE" | "ACTIVITY_DATASET" | "ACTIVITY_IP" | "CF_ACCOUNT_ID" | "CF_ANALYTICS_TOKEN">,
  handles: { rows: () => RowsFn; log: (msg: string, error: unknown) => void },
): ActivityStore {
  const mode = MODES.has(env.ACTIVITY_STORE?.trim() ?? "") ? env.ACTIVITY_STORE.trim() : "auto";
  const ipMode = (ACTIVITY_IP_MODES as readonly string[]).includes(env.ACTIVITY_IP?.trim() ?? "") ? (env.ACTIVITY_IP.trim() as ActivityIpMode) : "network";
  const local = { sink: localActivitySink(handles.rows, handles.log), reader: localActivityReader(handles.rows) };
  if (mode === "off") return { kind: "off", sink: discard, reader: local.reader, ipMode };
  const { ACTIVITY: dataset, CF_ACCOUNT_ID: accountId, CF_ANALYTICS_TOKEN: apiToken } = env;
  if (dataset && accountId && apiToken && (mode === "auto" || mode === "analytics_engine")) {
    return {
      kind: "analytics_engine",
      sink: analyticsEngineActivitySink(dataset, { warn: (msg, fields) => handles.log(msg, fields?.error) }),
      reader: analyticsEngineActivityReader({ accountId, apiToken, dataset: env.ACTIVITY_DATASET?.trim() || "license_activity" }),
      ipMode,
    };
  }
  return { kind: "local", ...local, ipMode };
}
