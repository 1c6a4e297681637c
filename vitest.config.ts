import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd (the production runtime) and reach a real Postgres through the same
// Neon driver the worker uses, via the relay started in test/global-setup.ts.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          DB_RELAY_URL: inject("relayAddress"),
          OPERATOR_TOKEN: inject("operatorToken"),
          SIGNING_KEYS: inject("signingKeys"),
          WEBHOOK_SECRETS_KEY: inject("webhookSecretsKey"),
          ISSUER: "https://license.test",
          LOG_LEVEL: "warn",
        },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    // The JSON report feeds the "N passed, N failed" line .ci/run prints.
    reporters: ["default", ["json", { outputFile: ".data/test-results.json" }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
