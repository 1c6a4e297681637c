// Worker entry: cross-cutting middleware, then every route, grouped by who calls it.
import { createApp } from "./app";
import { notFoundHandler, onError } from "./middleware/errors";
import { scope } from "./middleware/scope";
import { bodyLimit, hardenedHeaders, noStoreByDefault, publicRoutesCors, tlsFloor } from "./middleware/security";
import { registerDocs } from "./routes/docs";
import { registerHealthz } from "./routes/healthz";
import { answerJwksFast, rememberJwksHeaders } from "./routes/jwks-fast-path";
import { registerOpenApi } from "./routes/openapi";
import { registerReadyz } from "./routes/readyz";
import { registerV1ApiKeysCreate } from "./routes/v1_api_keys_create";
import { registerV1ApiKeysGet } from "./routes/v1_api_keys_get";
import { registerV1ApiKeysList } from "./routes/v1_api_keys_list";
import { registerV1ApiKeysRevoke } from "./routes/v1_api_keys_revoke";
import { registerV1ApiKeysRotate } from "./routes/v1_api_keys_rotate";
import { registerV1ApiKeysUpdate } from "./routes/v1_api_keys_update";
import { registerV1ApplicationsCreate } from "./routes/v1_applications_create";
import { registerV1ApplicationsDelete } from "./routes/v1_applications_delete";
import { registerV1ApplicationsGet } from "./routes/v1_applications_get";
import { registerV1ApplicationsList } from "./routes/v1_applications_list";
import { registerV1ApplicationsUpdate } from "./routes/v1_applications_update";
import { registerV1AuditLogList } from "./routes/v1_audit_log_list";
import { registerV1AuditLogVerify } from "./routes/v1_audit_log_verify";
import { registerV1AuthToken } from "./routes/v1_auth_token";
import { registerV1AuthWhoami } from "./routes/v1_auth_whoami";
import { registerV1LicensesActivate } from "./routes/v1_licenses_activate";
import { registerV1LicensesActivationsDelete } from "./routes/v1_licenses_activations_delete";
import { registerV1LicensesActivationsList } from "./routes/v1_licenses_activations_list";
import { registerV1LicensesCheckout } from "./routes/v1_licenses_checkout";
import { registerV1LicensesCheckoutDownload } from "./routes/v1_licenses_checkout_download";
import { registerV1LicensesCheckoutPublic } from "./routes/v1_licenses_checkout_public";
import { registerV1LicensesCreate } from "./routes/v1_licenses_create";
import { registerV1LicensesDeactivate } from "./routes/v1_licenses_deactivate";
import { registerV1LicensesGet } from "./routes/v1_licenses_get";
import { registerV1LicensesHeartbeat } from "./routes/v1_licenses_heartbeat";
import { registerV1LicensesIntrospect } from "./routes/v1_licenses_introspect";
import { registerV1LicensesJwks } from "./routes/v1_licenses_jwks";
import { registerV1LicensesLeasesBorrow } from "./routes/v1_licenses_leases_borrow";
import { registerV1LicensesLeasesCreate } from "./routes/v1_licenses_leases_create";
import { registerV1LicensesLeasesDelete } from "./routes/v1_licenses_leases_delete";
import { registerV1LicensesLeasesHeartbeat } from "./routes/v1_licenses_leases_heartbeat";
import { registerV1LicensesLeasesList } from "./routes/v1_licenses_leases_list";
import { registerV1LicensesLeasesRelease } from "./routes/v1_licenses_leases_release";
import { registerV1LicensesLifecycle } from "./routes/v1_licenses_lifecycle";
import { registerV1LicensesList } from "./routes/v1_licenses_list";
import { registerV1LicensesRenew } from "./routes/v1_licenses_renew";
import { registerV1LicensesRevokeToken } from "./routes/v1_licenses_revoke_token";
import { registerV1LicensesUpdate } from "./routes/v1_licenses_update";
import { registerV1LicensesValidate } from "./routes/v1_licenses_validate";
import { registerV1LicensesValidateHardware } from "./routes/v1_licenses_validate_hardware";
import { registerV1LicensesVerify } from "./routes/v1_licenses_verify";
import { registerV1MetricsAlertRulesList } from "./routes/v1_metrics_alert_rules_list";
import { registerV1MetricsAlertRulesUpdate } from "./routes/v1_metrics_alert_rules_update";
import { registerV1MetricsAuthFailures } from "./routes/v1_metrics_auth_failures";
import { registerV1MetricsSummary } from "./routes/v1_metrics_summary";
import { registerV1MetricsTopLicenses } from "./routes/v1_metrics_top_licenses";
import { registerV1MetricsValidations } from "./routes/v1_metrics_validations";
import { registerV1OfflineActivationsCreate } from "./routes/v1_offline_activations_create";
import { registerV1OfflineDeactivationsCreate } from "./routes/v1_offline_deactivations_create";
import { registerV1PoliciesCreate } from "./routes/v1_policies_create";
import { registerV1PoliciesDelete } from "./routes/v1_policies_delete";
import { registerV1PoliciesGet } from "./routes/v1_policies_get";
import { registerV1PoliciesList } from "./routes/v1_policies_list";
import { registerV1PoliciesUpdate } from "./routes/v1_policies_update";
import { registerV1StatusListsGet } from "./routes/v1_status_lists_get";
import { registerV1TenantGet } from "./routes/v1_tenant_get";
import { registerV1TenantsCreate } from "./routes/v1_tenants_create";
import { registerV1UserTokensCreate } from "./routes/v1_user_tokens_create";
import { registerV1UserTokensList } from "./routes/v1_user_tokens_list";
import { registerV1UserTokensRefresh } from "./routes/v1_user_tokens_refresh";
import { registerV1UserTokensRevoke } from "./routes/v1_user_tokens_revoke";
import { registerV1WebhooksCreate } from "./routes/v1_webhooks_create";
import { registerV1WebhooksDelete } from "./routes/v1_webhooks_delete";
import { registerV1WebhooksDeliveriesList } from "./routes/v1_webhooks_deliveries_list";
import { registerV1WebhooksGet } from "./routes/v1_webhooks_get";
import { registerV1WebhooksList } from "./routes/v1_webhooks_list";
import { registerV1WebhooksRedeliver } from "./routes/v1_webhooks_redeliver";
import { registerV1WebhooksRotateSecret } from "./routes/v1_webhooks_rotate_secret";
import { registerV1WebhooksUpdate } from "./routes/v1_webhooks_update";
import { registerWebhookEvents } from "./routes/webhook-events";
import { registerWellKnownLicenseConfiguration } from "./routes/well_known_license_configuration";
import { runScheduledJobs } from "./scheduled";

const app = createApp();

// Cross-cutting: the request scope first, so every log line and error carries the request id.
app.use(scope());
app.use(tlsFloor());
app.use(hardenedHeaders());
app.use(noStoreByDefault());
app.use(bodyLimit());

// Health
registerHealthz(app);
registerReadyz(app);

// Public: license keys only, no credential (CORS from CORS_ORIGINS on contract/device-routes.ts's list)
app.use(publicRoutesCors());
registerV1LicensesValidate(app);
registerV1LicensesVerify(app);
registerV1LicensesValidateHardware(app);
registerV1LicensesActivate(app);
registerV1LicensesDeactivate(app);
registerV1LicensesHeartbeat(app);
registerV1LicensesCheckoutPublic(app);
registerV1LicensesLeasesCreate(app);
registerV1LicensesLeasesHeartbeat(app);
registerV1LicensesLeasesRelease(app);
registerV1LicensesLeasesBorrow(app);
registerV1LicensesJwks(app);
registerWellKnownLicenseConfiguration(app);
registerV1StatusListsGet(app);

// Operator
registerV1TenantsCreate(app);

// Server API (API key)
registerV1TenantGet(app);
registerV1LicensesIntrospect(app);
registerV1LicensesRevokeToken(app);

// Admin API (API key, tenant-scoped)
registerV1ApplicationsCreate(app);
registerV1ApplicationsList(app);
registerV1ApplicationsGet(app);
registerV1ApplicationsUpdate(app);
registerV1ApplicationsDelete(app);
registerV1PoliciesCreate(app);
registerV1PoliciesList(app);
registerV1PoliciesGet(app);
registerV1PoliciesUpdate(app);
registerV1PoliciesDelete(app);
registerV1LicensesCreate(app);
registerV1LicensesList(app);
registerV1LicensesGet(app);
registerV1LicensesUpdate(app);
registerV1LicensesLifecycle(app);
registerV1LicensesRenew(app);
registerV1LicensesCheckout(app);
registerV1LicensesCheckoutDownload(app);
registerV1LicensesActivationsList(app);
registerV1LicensesActivationsDelete(app);
registerV1LicensesLeasesList(app);
registerV1LicensesLeasesDelete(app);
registerV1OfflineActivationsCreate(app);
registerV1OfflineDeactivationsCreate(app);

// Credentials: API keys, user tokens, access tokens
registerV1ApiKeysCreate(app);
registerV1ApiKeysList(app);
registerV1ApiKeysGet(app);
registerV1ApiKeysUpdate(app);
registerV1ApiKeysRevoke(app);
registerV1ApiKeysRotate(app);
registerV1UserTokensCreate(app);
registerV1UserTokensList(app);
registerV1UserTokensRefresh(app);
registerV1UserTokensRevoke(app);
registerV1AuthToken(app);
registerV1AuthWhoami(app);

// Webhooks and audit
registerV1WebhooksCreate(app);
registerV1WebhooksList(app);
registerV1WebhooksGet(app);
registerV1WebhooksUpdate(app);
registerV1WebhooksDelete(app);
registerV1WebhooksRotateSecret(app);
registerV1WebhooksDeliveriesList(app);
registerV1WebhooksRedeliver(app);
registerV1AuditLogList(app);
registerV1AuditLogVerify(app);

// Usage metrics
registerV1MetricsValidations(app);
registerV1MetricsAuthFailures(app);
registerV1MetricsSummary(app);
registerV1MetricsTopLicenses(app);
registerV1MetricsAlertRulesList(app);
registerV1MetricsAlertRulesUpdate(app);

// Documentation
registerWebhookEvents(app);
registerOpenApi(app);
registerDocs(app);

app.onError(onError);
app.notFound(notFoundHandler(() => app.routes));

export { app };

/** Every request but the JWKS fast path's: the middleware stack and the routes. */
async function full(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const res = await app.fetch(request, env, ctx);
  await rememberJwksHeaders(request, env, res);
  return res;
}

export default {
  fetch(request, env, ctx) {
    return answerJwksFast(request, env) ?? full(request, env, ctx);
  },
  // Cron (wrangler.toml [triggers]): webhook retries, license.expired events, sweeps.
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(runScheduledJobs(env));
  },
} satisfies ExportedHandler<Env>;
