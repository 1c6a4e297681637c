// The services of one request (or one scheduled run), built from plain values (context.ts): what
// routes call. Each is made on first use, so a request pays only for what it touches (validate
// never builds the credential or webhook services).
import { activationService } from "./activations";
import { activityService } from "./activity/service";
import { applicationService } from "./applications";
import { assignmentService } from "./assignments";
import { auditService } from "./audit";
import { billingConnectorService } from "./billing/connectors";
import { billingIntake } from "./billing/intake";
import { type ChangeRunner, createChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";
import { credentialService } from "./credentials";
import { customerService } from "./customers";
import { healthService } from "./health";
import { leaseService } from "./leases";
import { licenseAdminService } from "./license-admin";
import { licenseFileService } from "./license-files";
import { metricsService } from "./metrics/service";
import { offlineActivationService } from "./offline-activations";
import { policyService } from "./policies";
import { portalService } from "./portal";
import { portalUserService } from "./portal-users";
import { privacyService } from "./privacy";
import { runScheduled } from "./scheduled";
import { statusListService } from "./status-lists";
import { tenantService } from "./tenants";
import { tokenIssuer } from "./token-issuer";
import { tokenService } from "./tokens";
import { userService } from "./users";
import { webhookService } from "./webhooks";

export type { Actor, EventSerializer, ServiceConfig, ServiceDeps } from "./context";

type Built<F extends (...args: never[]) => unknown> = ReturnType<F>;

/**
 * The services of one request, each built on first read: getters on the prototype and one
 * instance per request, so an unused service costs nothing.
 *
 * @example
 * const services = createServices({ config, db, rows, kv, actor: () => auth, requestId, defer, log, serializeEvent });
 * const result = await services.tokens.validate({ licenseKey });
 */
export class Services {
  #changes?: ChangeRunner;
  #activations?: Built<typeof activationService>;
  #applications?: Built<typeof applicationService>;
  #assignments?: Built<typeof assignmentService>;
  #billing?: Built<typeof billingConnectorService>;
  #billingIntake?: Built<typeof billingIntake>;
  #customers?: Built<typeof customerService>;
  #privacy?: Built<typeof privacyService>;
  #users?: Built<typeof userService>;
  #audit?: Built<typeof auditService>;
  #credentials?: Built<typeof credentialService>;
  #health?: Built<typeof healthService>;
  #licenses?: Built<typeof licenseAdminService>;
  #licenseFiles?: Built<typeof licenseFileService>;
  #leases?: Built<typeof leaseService>;
  #metrics?: Built<typeof metricsService>;
  #activity?: Built<typeof activityService>;
  #portal?: Built<typeof portalService>;
  #portalUsers?: Built<typeof portalUserService>;
  #offline?: Built<typeof offlineActivationService>;
  #policies?: Built<typeof policyService>;
  #statusLists?: Built<typeof statusListService>;
  #tenants?: Built<typeof tenantService>;
  #tokens?: Built<typeof tokenService>;
  #tokenIssuer?: Built<typeof tokenIssuer>;
  #webhooks?: Built<typeof webhookService>;

  constructor(private readonly deps: ServiceDeps) {}

  /** The request's change runner: audited, announced changes in one transaction. */
  get changes(): ChangeRunner {
    this.#changes ??= createChangeRunner(this.deps);
    return this.#changes;
  }
  get activations() {
    this.#activations ??= activationService(this.deps, this.changes);
    return this.#activations;
  }
  get applications() {
    this.#applications ??= applicationService(this.deps, this.changes);
    return this.#applications;
  }
  get billing() {
    this.#billing ??= billingConnectorService(this.deps, this.changes, this.billingIntake);
    return this.#billing;
  }
  get billingIntake() {
    this.#billingIntake ??= billingIntake(this.deps, this.changes);
    return this.#billingIntake;
  }
  get assignments() {
    this.#assignments ??= assignmentService(this.deps, this.changes);
    return this.#assignments;
  }
  get customers() {
    this.#customers ??= customerService(this.deps, this.changes);
    return this.#customers;
  }
  get privacy() {
    this.#privacy ??= privacyService(this.deps, this.changes);
    return this.#privacy;
  }
  /** Users and their groups. */
  get users() {
    this.#users ??= userService(this.deps, this.changes);
    return this.#users;
  }
  get audit() {
    this.#audit ??= auditService(this.deps);
    return this.#audit;
  }
  get credentials() {
    this.#credentials ??= credentialService(this.deps, this.changes);
    return this.#credentials;
  }
  get health() {
    this.#health ??= healthService(this.deps);
    return this.#health;
  }
  get licenses() {
    this.#licenses ??= licenseAdminService(this.deps, this.changes);
    return this.#licenses;
  }
  get leases() {
    this.#leases ??= leaseService(this.deps, this.changes, this.licenseFiles, this.tokenIssuer);
    return this.#leases;
  }
  get licenseFiles() {
    this.#licenseFiles ??= licenseFileService(this.deps, this.changes);
    return this.#licenseFiles;
  }
  get portal() {
    this.#portal ??= portalService(this.deps, this.changes, this);
    return this.#portal;
  }
  get portalUsers() {
    this.#portalUsers ??= portalUserService(this.deps, this);
    return this.#portalUsers;
  }
  get activity() {
    this.#activity ??= activityService(this.deps);
    return this.#activity;
  }
  get metrics() {
    this.#metrics ??= metricsService(this.deps, this.changes);
    return this.#metrics;
  }
  get offline() {
    this.#offline ??= offlineActivationService(this.deps, this.activations, this.licenseFiles);
    return this.#offline;
  }
  get policies() {
    this.#policies ??= policyService(this.deps, this.changes);
    return this.#policies;
  }
  get statusLists() {
    this.#statusLists ??= statusListService(this.deps);
    return this.#statusLists;
  }
  get tenants() {
    this.#tenants ??= tenantService(this.deps);
    return this.#tenants;
  }
  get tokens() {
    this.#tokens ??= tokenService(this.deps, this.changes, this.activations, this.tokenIssuer);
    return this.#tokens;
  }
  /** Signs license tokens from a judged license (verify and the lease routes). */
  get tokenIssuer() {
    this.#tokenIssuer ??= tokenIssuer(this.deps);
    return this.#tokenIssuer;
  }
  get webhooks() {
    this.#webhooks ??= webhookService(this.deps, this.changes);
    return this.#webhooks;
  }

  /** The cron's work: expiry events, webhook retries, sweeps. */
  runScheduled(): Promise<void> {
    return runScheduled(this.deps);
  }
}

export const createServices = (deps: ServiceDeps) => new Services(deps);
