// The committed conformance vectors (docs/test-vectors), as the tests read them.
import airGapped from "../../docs/test-vectors/air-gapped.json";
import leaseToken from "../../docs/test-vectors/lease-token.json";
import licenseFile from "../../docs/test-vectors/license-file.json";
import licenseToken from "../../docs/test-vectors/license-token.json";
import machineFile from "../../docs/test-vectors/machine-file.json";
import statusList from "../../docs/test-vectors/status-list.json";
import webhook from "../../docs/test-vectors/webhook.json";
import type { VectorFile, VectorFileName } from "./vector-file.ts";

export const COMMITTED = {
  "license-token.json": licenseToken,
  "lease-token.json": leaseToken,
  "license-file.json": licenseFile,
  "machine-file.json": machineFile,
  "status-list.json": statusList,
  "air-gapped.json": airGapped,
  "webhook.json": webhook,
} as unknown as Record<VectorFileName, VectorFile>;
