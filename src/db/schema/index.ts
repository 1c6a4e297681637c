// Drizzle schema: the source of truth for `migrations/` (run `npm run db:generate` after a change).
// Every tenant-owned table carries `tenant_id`, and every query filters on it. One file per table group.

export * from "./activity";
export * from "./audit";
export * from "./billing";
export * from "./credentials";
export * from "./customers";
export * from "./licensing";
export * from "./metrics";
export * from "./portal";
export * from "./tenancy";
export * from "./webhooks";
