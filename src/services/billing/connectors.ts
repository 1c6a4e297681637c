// Billing connectors as the admin API manages them: a provider, its webhook signing secret (sealed
// with AES-256-GCM under WEBHOOK_SECRETS_KEY, bound to the connector's id, never returned), and the
// mappings from the provider's prices/products/variants to what a purchase grants. Every mapping's
// policy is checked to be the tenant's when it is written, so a delivery never finds a dangling one.
import type { BillingMapping, BillingProvider } from "../../contract/billing";
import { decryptSecret, encryptSecret } from "../../crypto/aes";
import { newId } from "../../crypto/random";
import {
  type BillingConnectorRow,
  deleteBillingConnector,
  getBillingConnector,
  insertBillingConnector,
  listBillingConnectors,
  listBillingEvents,
  updateBillingConnector,
} from "../../db/repositories/billing";
import type { PageRequest } from "../../db/repositories/pagination";
import { getPolicy } from "../../db/repositories/policies";
import { AppError, notFound } from "../../errors";
import { requireActor } from "../actor";
import type { ChangeRunner } from "../changes";
import type { ServiceDeps } from "../context";
import type { billingIntake } from "./intake";
import { testDelivery } from "./test-event";

export interface ConnectorInput {
  provider: BillingProvider;
  name: string;
  /** Optional at creation: providers show their secret only once the endpoint URL is registered with them. */
  signingSecret?: string;
  mappings: BillingMapping[];
  renewalGraceS?: number;
  dunningGraceS?: number;
  enabled?: boolean;
}

export type ConnectorChanges = Partial<Omit<ConnectorInput, "provider">>;

/** The public URL a seller pastes into the provider's dashboard. */
export const connectorEndpoint = (issuer: string, id: string) => `${issuer}/v1/billing/${id}/events`;

export function billingConnectorService(deps: ServiceDeps, changes: ChangeRunner, intake: ReturnType<typeof billingIntake>) {
  const tenantId = () => requireActor(deps).tenantId;
  const seal = (secret: string, id: string) => encryptSecret(deps.config.webhookSecretsKey, secret, id);

  /** 422 naming the mapping whose policy is not the tenant's; 422 for the same `match` twice. */
  async function assertMappings(mappings: BillingMapping[]) {
    const seen = new Set<string>();
    for (const [i, mapping] of mappings.entries()) {
      if (seen.has(mapping.match)) {
        throw new AppError("VALIDATION_FAILED", "Two mappings match the same id.", { details: [{ path: `mappings.${i}.match`, message: "Duplicate" }] });
      }
      seen.add(mapping.match);
    }
    const policies = await Promise.all([...new Set(mappings.map((m) => m.policyId))].map((id) => getPolicy(deps.db(), tenantId(), id)));
    for (const [i, mapping] of mappings.entries()) {
      if (!policies.some((p) => p?.id === mapping.policyId)) {
        throw new AppError("VALIDATION_FAILED", "A mapping names a policy this tenant does not have.", {
          details: [{ path: `mappings.${i}.policy_id`, message: "No such policy" }],
        });
      }
    }
  }

  async function get(id: string): Promise<BillingConnectorRow> {
    const row = await getBillingConnector(deps.db(), tenantId(), id);
    if (!row) throw notFound("Billing connector");
    return row;
  }

  return {
    get,
    list: (page: PageRequest) => listBillingConnectors(deps.db(), tenantId(), page),
    endpoint: (id: string) => connectorEndpoint(deps.config.issuer(), id),

    async create(input: ConnectorInput): Promise<BillingConnectorRow> {
      await assertMappings(input.mappings);
      const id = newId("bc");
      // No secret yet is sealed as an empty one: every delivery is refused until it is set.
      const secretCiphertext = await seal(input.signingSecret ?? "", id);
      return changes(async (tx, record) => {
        const row = await insertBillingConnector(tx, {
          id,
          tenantId: tenantId(),
          provider: input.provider,
          name: input.name,
          secretCiphertext,
          mappings: input.mappings,
          renewalGraceS: input.renewalGraceS,
          dunningGraceS: input.dunningGraceS,
          enabled: input.enabled,
        });
        await record({
          action: "billing_connector.create",
          targetType: "billing_connector",
          targetId: id,
          details: { provider: input.provider, mappings: input.mappings.length },
        });
        return row;
      });
    },

    async update(id: string, input: ConnectorChanges): Promise<BillingConnectorRow> {
      if (input.mappings) await assertMappings(input.mappings);
      const { signingSecret, ...rest } = input;
      const values = { ...rest, ...(signingSecret !== undefined ? { secretCiphertext: await seal(signingSecret, id) } : {}) };
      return changes(async (tx, record) => {
        const row = await updateBillingConnector(tx, tenantId(), id, values);
        if (!row) throw notFound("Billing connector");
        // The audit names what changed, never the secret itself.
        await record({
          action: "billing_connector.update",
          targetType: "billing_connector",
          targetId: id,
          details: {
            fields: Object.keys(input)
              .filter((k) => input[k as keyof ConnectorChanges] !== undefined)
              .sort(),
          },
        });
        return row;
      });
    },

    /** Deletes the connector and its event log; the licenses it made stay (they were paid for). */
    async remove(id: string): Promise<void> {
      await changes(async (tx, record) => {
        const row = await deleteBillingConnector(tx, tenantId(), id);
        if (!row) throw notFound("Billing connector");
        await record({ action: "billing_connector.delete", targetType: "billing_connector", targetId: id, details: { provider: row.provider } });
      });
    },

    /** A signed test delivery through the connector's own intake (logged as ignored). */
    async sendTest(id: string, now: Date) {
      const connector = await get(id);
      const secret = await decryptSecret(deps.config.webhookSecretsKey, connector.secretCiphertext, connector.id);
      const { headers, body } = await testDelivery(connector.provider, secret, now);
      return (await intake.receive(connector, headers, body, now)).event;
    },

    events: (page: PageRequest, filter: { connectorId?: string; outcome?: Parameters<typeof listBillingEvents>[3]["outcome"]; licenseId?: string }) =>
      listBillingEvents(deps.db(), tenantId(), page, filter),
  };
}
