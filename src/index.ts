// Worker entry, wiring only: the cross-cutting middleware, the list of operations (each declared
// whole in its own file under src/routes: audience, permission, schemas, errors, handler), the
// documents about them, and the fetch and scheduled handlers.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app";
import { devicePath } from "./middleware/device-path";
import { notFoundHandler, onError, validationHook } from "./middleware/errors";
import { answerJwksFast, rememberJwksHeaders } from "./middleware/jwks-fast-path";
import { type Operation, registerAll } from "./middleware/operation";
import { scope } from "./middleware/scope";
import { bodyLimit, hardenedHeaders, noStoreByDefault, tlsFloor } from "./middleware/security";
import { registerDocs } from "./routes/docs";
import healthz from "./routes/healthz";
import { registerOpenApi } from "./routes/openapi";
import readyz from "./routes/readyz";
import v1ApiKeysCreate from "./routes/v1_api_keys_create";
import v1ApiKeysGet from "./routes/v1_api_keys_get";
import v1ApiKeysList from "./routes/v1_api_keys_list";
import v1ApiKeysRevoke from "./routes/v1_api_keys_revoke";
import v1ApiKeysRotate from "./routes/v1_api_keys_rotate";
import v1ApiKeysUpdate from "./routes/v1_api_keys_update";
import v1ApplicationsCreate from "./routes/v1_applications_create";
import v1ApplicationsDelete from "./routes/v1_applications_delete";
import v1ApplicationsGet from "./routes/v1_applications_get";
import v1ApplicationsList from "./routes/v1_applications_list";
import v1ApplicationsUpdate from "./routes/v1_applications_update";
import v1AuditLogList from "./routes/v1_audit_log_list";
import v1AuditLogVerify from "./routes/v1_audit_log_verify";
import v1AuthToken from "./routes/v1_auth_token";
import v1AuthWhoami from "./routes/v1_auth_whoami";
import v1BillingConnectorsCreate from "./routes/v1_billing_connectors_create";
import v1BillingConnectorsDelete from "./routes/v1_billing_connectors_delete";
import v1BillingConnectorsGet from "./routes/v1_billing_connectors_get";
import v1BillingConnectorsList from "./routes/v1_billing_connectors_list";
import v1BillingConnectorsTest from "./routes/v1_billing_connectors_test";
import v1BillingConnectorsUpdate from "./routes/v1_billing_connectors_update";
import v1BillingEventsList from "./routes/v1_billing_events_list";
import v1BillingEventsReceive from "./routes/v1_billing_events_receive";
import v1CustomersCreate from "./routes/v1_customers_create";
import v1CustomersDelete from "./routes/v1_customers_delete";
import v1CustomersDevices from "./routes/v1_customers_devices";
import v1CustomersErase from "./routes/v1_customers_erase";
import v1CustomersEvents from "./routes/v1_customers_events";
import v1CustomersExport from "./routes/v1_customers_export";
import v1CustomersGet from "./routes/v1_customers_get";
import v1CustomersList from "./routes/v1_customers_list";
import v1CustomersSeats from "./routes/v1_customers_seats";
import v1CustomersUpdate from "./routes/v1_customers_update";
import v1EventsList from "./routes/v1_events_list";
import v1GroupsCreate from "./routes/v1_groups_create";
import v1GroupsDelete from "./routes/v1_groups_delete";
import v1GroupsGet from "./routes/v1_groups_get";
import v1GroupsList from "./routes/v1_groups_list";
import v1GroupsMembersAdd from "./routes/v1_groups_members_add";
import v1GroupsMembersRemove from "./routes/v1_groups_members_remove";
import v1GroupsUpdate from "./routes/v1_groups_update";
import v1LicensesActivate from "./routes/v1_licenses_activate";
import v1LicensesActivationDelete from "./routes/v1_licenses_activation_delete";
import v1LicensesActivationsDelete from "./routes/v1_licenses_activations_delete";
import v1LicensesActivationsList from "./routes/v1_licenses_activations_list";
import v1LicensesAssignmentsGet from "./routes/v1_licenses_assignments_get";
import v1LicensesCheckout from "./routes/v1_licenses_checkout";
import v1LicensesCheckoutDownload from "./routes/v1_licenses_checkout_download";
import v1LicensesCheckoutPublic from "./routes/v1_licenses_checkout_public";
import v1LicensesCreate from "./routes/v1_licenses_create";
import v1LicensesDeactivate from "./routes/v1_licenses_deactivate";
import v1LicensesEvents from "./routes/v1_licenses_events";
import v1LicensesGet from "./routes/v1_licenses_get";
import v1LicensesGroupsAssign from "./routes/v1_licenses_groups_assign";
import v1LicensesGroupsUnassign from "./routes/v1_licenses_groups_unassign";
import v1LicensesHeartbeat from "./routes/v1_licenses_heartbeat";
import v1LicensesIntrospect from "./routes/v1_licenses_introspect";
import v1LicensesJwks from "./routes/v1_licenses_jwks";
import v1LicensesLeasesBorrow from "./routes/v1_licenses_leases_borrow";
import v1LicensesLeasesCreate from "./routes/v1_licenses_leases_create";
import v1LicensesLeasesDelete from "./routes/v1_licenses_leases_delete";
import v1LicensesLeasesHeartbeat from "./routes/v1_licenses_leases_heartbeat";
import v1LicensesLeasesList from "./routes/v1_licenses_leases_list";
import v1LicensesLeasesRelease from "./routes/v1_licenses_leases_release";
import v1LicensesList from "./routes/v1_licenses_list";
import v1LicensesReinstate from "./routes/v1_licenses_reinstate";
import v1LicensesReissueKey from "./routes/v1_licenses_reissue_key";
import v1LicensesRenew from "./routes/v1_licenses_renew";
import v1LicensesRevoke from "./routes/v1_licenses_revoke";
import v1LicensesRevokeToken from "./routes/v1_licenses_revoke_token";
import v1LicensesSuspend from "./routes/v1_licenses_suspend";
import v1LicensesUpdate from "./routes/v1_licenses_update";
import v1LicensesUsersAssign from "./routes/v1_licenses_users_assign";
import v1LicensesUsersUnassign from "./routes/v1_licenses_users_unassign";
import v1LicensesValidate from "./routes/v1_licenses_validate";
import v1LicensesValidateHardware from "./routes/v1_licenses_validate_hardware";
import v1LicensesVerify from "./routes/v1_licenses_verify";
import v1MetricsAlertRulesList from "./routes/v1_metrics_alert_rules_list";
import v1MetricsAlertRulesUpdate from "./routes/v1_metrics_alert_rules_update";
import v1MetricsAuthFailures from "./routes/v1_metrics_auth_failures";
import v1MetricsSummary from "./routes/v1_metrics_summary";
import v1MetricsTopLicenses from "./routes/v1_metrics_top_licenses";
import v1MetricsValidations from "./routes/v1_metrics_validations";
import v1OfflineActivationsCreate from "./routes/v1_offline_activations_create";
import v1OfflineDeactivationsCreate from "./routes/v1_offline_deactivations_create";
import v1PoliciesCreate from "./routes/v1_policies_create";
import v1PoliciesDelete from "./routes/v1_policies_delete";
import v1PoliciesGet from "./routes/v1_policies_get";
import v1PoliciesList from "./routes/v1_policies_list";
import v1PoliciesUpdate from "./routes/v1_policies_update";
import v1PortalActivationDelete from "./routes/v1_portal_activation_delete";
import v1PortalCheckout from "./routes/v1_portal_checkout";
import v1PortalExchange from "./routes/v1_portal_exchange";
import v1PortalLeaseDelete from "./routes/v1_portal_lease_delete";
import v1PortalLicenseGet from "./routes/v1_portal_license_get";
import v1PortalLicenseHolders from "./routes/v1_portal_license_holders";
import v1PortalLicenseKey from "./routes/v1_portal_license_key";
import v1PortalMe from "./routes/v1_portal_me";
import v1PortalOfflineActivate from "./routes/v1_portal_offline_activate";
import v1PortalSeatsAssign from "./routes/v1_portal_seats_assign";
import v1PortalSeatsUnassign from "./routes/v1_portal_seats_unassign";
import v1PortalSessionsCreate from "./routes/v1_portal_sessions_create";
import v1PortalSessionsRevoke from "./routes/v1_portal_sessions_revoke";
import v1PortalSignout from "./routes/v1_portal_signout";
import v1PortalUsersCreate from "./routes/v1_portal_users_create";
import v1PortalUsersDelete from "./routes/v1_portal_users_delete";
import v1PortalUsersList from "./routes/v1_portal_users_list";
import v1StatusListsGet from "./routes/v1_status_lists_get";
import v1TenantGet from "./routes/v1_tenant_get";
import v1TenantUpdate from "./routes/v1_tenant_update";
import v1TenantsCreate from "./routes/v1_tenants_create";
import v1UserTokensCreate from "./routes/v1_user_tokens_create";
import v1UserTokensList from "./routes/v1_user_tokens_list";
import v1UserTokensRefresh from "./routes/v1_user_tokens_refresh";
import v1UserTokensRevoke from "./routes/v1_user_tokens_revoke";
import v1UsersCreate from "./routes/v1_users_create";
import v1UsersDelete from "./routes/v1_users_delete";
import v1UsersGet from "./routes/v1_users_get";
import v1UsersList from "./routes/v1_users_list";
import v1UsersUpdate from "./routes/v1_users_update";
import v1WebhooksCreate from "./routes/v1_webhooks_create";
import v1WebhooksDelete from "./routes/v1_webhooks_delete";
import v1WebhooksDeliveriesGet from "./routes/v1_webhooks_deliveries_get";
import v1WebhooksDeliveriesList from "./routes/v1_webhooks_deliveries_list";
import v1WebhooksDeliveriesRetry from "./routes/v1_webhooks_deliveries_retry";
import v1WebhooksGet from "./routes/v1_webhooks_get";
import v1WebhooksList from "./routes/v1_webhooks_list";
import v1WebhooksRedeliver from "./routes/v1_webhooks_redeliver";
import v1WebhooksRotateSecret from "./routes/v1_webhooks_rotate_secret";
import v1WebhooksTest from "./routes/v1_webhooks_test";
import v1WebhooksUpdate from "./routes/v1_webhooks_update";
import { registerWebhookEvents } from "./routes/webhook-events";
import wellKnownJwks from "./routes/well_known_jwks";
import wellKnownLicenseConfiguration from "./routes/well_known_license_configuration";
import { runScheduledJobs } from "./scheduled";

/** Every operation of the API, in the order they are matched. */
export const OPERATIONS: readonly Operation[] = [
  // Health
  healthz,
  readyz,
  // Devices: license keys only, no credential (audience "device")
  v1LicensesActivate,
  v1LicensesCheckoutPublic,
  v1LicensesDeactivate,
  v1LicensesHeartbeat,
  v1LicensesLeasesBorrow,
  v1LicensesLeasesCreate,
  v1LicensesLeasesHeartbeat,
  v1LicensesLeasesRelease,
  v1LicensesValidate,
  v1LicensesValidateHardware,
  v1LicensesVerify,
  // Documents: keys, discovery, status lists (audience "document")
  v1LicensesJwks,
  v1StatusListsGet,
  wellKnownJwks,
  wellKnownLicenseConfiguration,
  // Customer portal (audience "portal"): a portal credential made from a one-time link
  v1PortalExchange,
  v1PortalMe,
  v1PortalLicenseGet,
  v1PortalActivationDelete,
  v1PortalLeaseDelete,
  v1PortalCheckout,
  v1PortalOfflineActivate,
  v1PortalSignout,
  v1PortalUsersList,
  v1PortalUsersCreate,
  v1PortalUsersDelete,
  v1PortalLicenseHolders,
  v1PortalSeatsAssign,
  v1PortalSeatsUnassign,
  v1PortalLicenseKey,
  // Payment providers (audience "provider"): signed by the provider, verified by the handler
  v1BillingEventsReceive,
  // Operator
  v1TenantsCreate,
  // Server hot paths (audience "server")
  v1LicensesIntrospect,
  v1LicensesRevokeToken,
  // Admin API (audience "admin"): API key or access token, tenant-scoped
  v1ApiKeysCreate,
  v1ApiKeysGet,
  v1ApiKeysList,
  v1ApiKeysRevoke,
  v1ApiKeysRotate,
  v1ApiKeysUpdate,
  v1ApplicationsCreate,
  v1BillingConnectorsCreate,
  v1BillingConnectorsList,
  v1BillingConnectorsGet,
  v1BillingConnectorsUpdate,
  v1BillingConnectorsDelete,
  v1BillingConnectorsTest,
  v1BillingEventsList,
  v1ApplicationsDelete,
  v1ApplicationsGet,
  v1ApplicationsList,
  v1ApplicationsUpdate,
  v1AuditLogList,
  v1AuditLogVerify,
  v1AuthToken,
  v1AuthWhoami,
  v1EventsList,
  v1LicensesEvents,
  v1CustomersEvents,
  v1LicensesActivationDelete,
  v1LicensesActivationsDelete,
  v1LicensesActivationsList,
  v1LicensesCheckout,
  v1LicensesCheckoutDownload,
  v1LicensesCreate,
  v1LicensesGet,
  v1LicensesLeasesDelete,
  v1LicensesLeasesList,
  v1LicensesList,
  v1LicensesReinstate,
  v1LicensesReissueKey,
  v1LicensesRenew,
  v1LicensesRevoke,
  v1LicensesSuspend,
  v1LicensesUpdate,
  v1MetricsAlertRulesList,
  v1MetricsAlertRulesUpdate,
  v1MetricsAuthFailures,
  v1MetricsSummary,
  v1MetricsTopLicenses,
  v1MetricsValidations,
  v1OfflineActivationsCreate,
  v1OfflineDeactivationsCreate,
  v1PoliciesCreate,
  v1PoliciesDelete,
  v1PoliciesGet,
  v1PoliciesList,
  v1PoliciesUpdate,
  v1PortalSessionsCreate,
  v1PortalSessionsRevoke,
  v1TenantGet,
  v1TenantUpdate,
  v1UserTokensCreate,
  v1UserTokensList,
  v1UserTokensRefresh,
  v1UserTokensRevoke,
  v1WebhooksCreate,
  v1WebhooksDelete,
  v1WebhooksDeliveriesList,
  v1WebhooksGet,
  v1WebhooksList,
  v1WebhooksRedeliver,
  v1WebhooksRotateSecret,
  v1WebhooksUpdate,
  // Webhook honesty (issue 27): a delivery's payload and attempts, retry now, a test event
  v1WebhooksDeliveriesGet,
  v1WebhooksDeliveriesRetry,
  v1WebhooksTest,
  // Customers, users and groups (seed 003)
  v1CustomersCreate,
  v1CustomersDelete,
  v1CustomersDevices,
  v1CustomersErase,
  v1CustomersExport,
  v1CustomersGet,
  v1CustomersList,
  v1CustomersSeats,
  v1CustomersUpdate,
  v1GroupsCreate,
  v1GroupsDelete,
  v1GroupsGet,
  v1GroupsList,
  v1GroupsMembersAdd,
  v1GroupsMembersRemove,
  v1GroupsUpdate,
  v1LicensesAssignmentsGet,
  v1LicensesGroupsAssign,
  v1LicensesGroupsUnassign,
  v1LicensesUsersAssign,
  v1LicensesUsersUnassign,
  v1UsersCreate,
  v1UsersDelete,
  v1UsersGet,
  v1UsersList,
  v1UsersUpdate,
];

const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

// Cross-cutting: the request scope first, so every log line and error carries the request id.
app.use(scope());
app.use(tlsFloor());
app.use(hardenedHeaders());
app.use(noStoreByDefault());
app.use(bodyLimit());

registerAll(app, OPERATIONS);

// Documentation: the webhook events, the OpenAPI document, the docs page.
registerWebhookEvents(app);
registerOpenApi(app);
registerDocs(app);

app.onError(onError);
app.notFound(notFoundHandler(() => app.routes));

export { app };

/** Every request the fast paths leave: the middleware stack and the operations. */
async function full(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const res = await app.fetch(request, env, ctx);
  await rememberJwksHeaders(request, env, res);
  return res;
}

// Device operations served from their declarations without the middleware stack (device-path.ts).
const device = devicePath(OPERATIONS);

export default {
  fetch(request, env, ctx) {
    return answerJwksFast(request, env) ?? device(request, env, ctx) ?? full(request, env, ctx);
  },
  // Cron (wrangler.toml [triggers]): webhook retries, license.expired events, sweeps.
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(runScheduledJobs(env));
  },
} satisfies ExportedHandler<Env>;
