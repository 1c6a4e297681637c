// The cron trigger's entry (wrangler.toml [triggers], every minute): the request scope's services
// with no actor, running the scheduled work (services/scheduled.ts).
import { createLogger } from "./logging";
import { openScope } from "./middleware/scope";

export async function runScheduledJobs(env: Env): Promise<void> {
  const scope = openScope(env, { log: createLogger({ job: "scheduled" }, env.LOG_LEVEL), budget: "background" });
  try {
    await scope.services.runScheduled();
  } finally {
    await scope.close();
  }
}
