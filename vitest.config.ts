import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: "workers" runs inside workerd (the production runtime) and reaches a real Postgres
// through the same Neon driver the worker uses, via the relay started in test/global-setup.ts;
// "e2e" runs in Node and drives a browser against the worker (test/e2e).
export default defineConfig({
  test: {
    // The JSON report feeds the "N passed, N failed" line .ci/run prints.
    reporters: ["default", ["json", { outputFile: ".data/test-results.json" }]],
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                DATABASE_URL: inject("databaseUrl"),
                // Test-only: the same database through a role the relay's fault switch can target.
                TEST_FAULTY_DATABASE_URL: inject("faultyDatabaseUrl"),
                DB_RELAY_URL: inject("relayAddress"),
                OPERATOR_TOKEN: inject("operatorToken"),
                SIGNING_KEYS: inject("signingKeys"),
                WEBHOOK_SECRETS_KEY: inject("webhookSecretsKey"),
                ISSUER: "https://license.test",
                LOG_LEVEL: "warn",
                // Every error a test observes must be one its operation declares (middleware/errors.ts).
                STRICT_ERRORS: "true",
                WEBHOOK_ALLOW_LOOPBACK: "true",
                // Test-only binding: the local webhook receiver (scripts/lib/webhook-receiver.ts).
                TEST_WEBHOOK_RECEIVER_URL: inject("webhookReceiverUrl"),
              },
              // Suites share one client IP and run thousands of requests: the production limits
              // are raised here, and test/rate-limit/*.test.ts swap in the low `RL_TEST_*` limiters.
              ratelimits: {
                RL_PUBLIC: { namespace_id: "9001", simple: { limit: 1_000_000, period: 60 } },
                RL_PUBLIC_IP: { namespace_id: "9006", simple: { limit: 1_000_000, period: 60 } },
                RL_AUTH_FAILURES: { namespace_id: "9002", simple: { limit: 1_000_000, period: 60 } },
                RL_TIER_FREE: { namespace_id: "9003", simple: { limit: 1_000_000, period: 60 } },
                RL_TIER_PRO: { namespace_id: "9004", simple: { limit: 1_000_000, period: 60 } },
                RL_TIER_ENTERPRISE: { namespace_id: "9005", simple: { limit: 1_000_000, period: 60 } },
                RL_TEST_PUBLIC: { namespace_id: "9011", simple: { limit: 5, period: 60 } },
                RL_TEST_PUBLIC_IP: { namespace_id: "9014", simple: { limit: 8, period: 60 } },
                RL_TEST_AUTH_FAILURES: { namespace_id: "9012", simple: { limit: 3, period: 60 } },
                RL_TEST_TIER: { namespace_id: "9013", simple: { limit: 5, period: 60 } },
              },
            },
          })),
        ],
        test: {
          name: "workers",
          globalSetup: ["./test/global-setup.ts"],
          // packages/sdk/test: the SDK's own unit tests (a scripted network, no service behind it), in workerd like the rest.
          include: ["test/**/*.test.ts", "packages/sdk/test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/static/**", "test/**/*.node.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // Checks of the source tree itself (layering), in Node: no worker, no database.
          name: "static",
          environment: "node",
          // packages/admin/test: the admin client's generated types and a consumer's compile (tsc in child processes).
          include: ["test/static/**/*.test.ts", "packages/admin/test/**/*.test.ts"],
        },
      },
      {
        test: {
          // The format conformance vectors (docs/test-vectors) in Node: regenerated and compared, and
          // checked by an independent verifier that uses node:crypto. No worker, no database.
          name: "formats",
          environment: "node",
          include: ["test/formats/**/*.node.test.ts", "test/billing/**/*.node.test.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          // The console tests run the worker on the same throwaway Postgres as the workers project.
          globalSetup: ["./test/global-setup.ts"],
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
