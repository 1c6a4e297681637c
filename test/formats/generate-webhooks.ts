// Webhook-delivery vectors: the body is the outbox entry services/events.ts writes (with the
// `data` of wire/events.ts), the `webhook-signature` what services/webhook-delivery.ts sends, from
// the endpoint's secret sealed at rest as the service keeps it.
import { encryptSecret } from "../../src/crypto/aes.ts";
import { DAY, FINGERPRINT, IDS, id, NOW, PREVIOUS_WEBHOOK_SECRET, WEBHOOK_SECRET, WEBHOOK_SECRETS_KEY } from "./fixtures.ts";
import { invalid, type VectorCase, type VectorFile, valid, vectorFile } from "./vector-file.ts";

/** A domain event, as services name them (rows with Date fields): services/events.ts DomainEvent. */
type DomainEvent = { type: string } & Record<string, unknown>;

/**
 * The service modules behind a delivery, loaded without their types: those need the Workers
 * environment's declarations, which scripts/ is not type-checked against. Used through these signatures.
 */
interface DeliveryModules {
  outboxEntry(event: DomainEvent, serialize: (event: DomainEvent) => unknown, createdAt: Date): { id: string; payload: string };
  serializeEvent(event: DomainEvent): Record<string, unknown>;
  signatureHeader(
    config: { webhookSecretsKey: string; allowLoopbackWebhooks: boolean },
    delivery: Record<string, unknown>,
    msgId: string,
    timestamp: Date,
  ): Promise<string>;
}

async function deliveryModules(): Promise<DeliveryModules> {
  const paths = ["../../src/services/events.ts", "../../src/wire/events.ts", "../../src/services/webhook-delivery.ts"];
  const [events, wire, delivery] = await Promise.all(paths.map((path) => import(/* @vite-ignore */ path)));
  return { outboxEntry: events.outboxEntry, serializeEvent: wire.serializeEvent, signatureHeader: delivery.signatureHeader };
}

const at = (seconds: number) => new Date(seconds * 1000);
/** Events happen 7 s before the vectors' `now`; their delivery is signed 2 s later. */
const HAPPENED = NOW - 7;
const SENT = NOW - 5;

const license = {
  id: IDS.license,
  keyPrefix: "lk_Test",
  applicationId: IDS.application,
  policyId: IDS.policy,
  status: "revoked",
  expiresAt: at(NOW + 365 * DAY),
  plan: "pro",
  features: ["export", "sync"],
  metadata: { customer: "cus_1042" },
  allowedCidrs: [],
  activationCount: 1,
  maxActivations: null,
  billingConnectorId: null,
  billingReference: null,
  createdAt: at(NOW - 30 * DAY),
  updatedAt: at(HAPPENED),
};

const EVENTS: Array<{ name: string; msgId: string; event: DomainEvent }> = [
  { name: "license.revoked", msgId: id("msg", "TestVectorsRevoked"), event: { type: "license.revoked", license } },
  {
    name: "activation.created",
    msgId: id("msg", "TestVectorsActivated"),
    event: {
      type: "activation.created",
      heartbeatIntervalS: 3600,
      activation: {
        id: IDS.activation,
        licenseId: IDS.license,
        fingerprint: FINGERPRINT,
        name: "render-node-07",
        domain: null,
        metadata: { os: "linux" },
        lastHeartbeatAt: at(HAPPENED),
        deactivatedAt: null,
        createdAt: at(HAPPENED),
      },
    },
  },
  {
    name: "license.checked_out",
    msgId: id("msg", "TestVectorsCheckedOut"),
    event: {
      type: "license.checked_out",
      applicationId: IDS.application,
      checkout: {
        id: IDS.machineFile,
        licenseId: IDS.license,
        issuedAt: at(HAPPENED),
        expiresAt: at(HAPPENED + 30 * DAY),
        activationId: IDS.activation,
        encrypted: true,
      },
    },
  },
  {
    name: "lease.borrowed",
    msgId: id("msg", "TestVectorsBorrowed"),
    event: {
      type: "lease.borrowed",
      lease: {
        id: IDS.borrowedLease,
        licenseId: IDS.license,
        instanceId: "workstation-12",
        userId: "ana",
        expiresAt: at(NOW + 3 * DAY),
        lastHeartbeatAt: at(HAPPENED),
        borrowedUntil: at(NOW + 3 * DAY),
        releasedAt: null,
        createdAt: at(NOW - DAY),
      },
    },
  },
  {
    name: "token.revoked",
    msgId: id("msg", "TestVectorsTokenRevoked"),
    event: { type: "token.revoked", jti: "7d3c4b8e-2f1a-4c6d-9e0b-5a7f8c9d1e2f", licenseId: IDS.license, expiresAt: at(NOW + 3600) },
  },
];

export async function webhookVectors(): Promise<Record<"webhook.json", VectorFile>> {
  const m = await deliveryModules();
  const config = { webhookSecretsKey: WEBHOOK_SECRETS_KEY, allowLoopbackWebhooks: false };
  const seal = (secret: string) => encryptSecret(WEBHOOK_SECRETS_KEY, secret, IDS.webhookEndpoint);

  /** One delivery as the service sends it: headers, raw body; with the rotated-out secret still signing when `rotating`. */
  async function deliver(msgId: string, event: DomainEvent, rotating = false) {
    const body = m.outboxEntry(event, m.serializeEvent, at(HAPPENED)).payload;
    const delivery = {
      event_id: msgId,
      endpoint_id: IDS.webhookEndpoint,
      payload: body,
      secret_ciphertext: await seal(WEBHOOK_SECRET),
      previous_secret_ciphertext: rotating ? await seal(PREVIOUS_WEBHOOK_SECRET) : null,
      previous_secret_expires_at: rotating ? at(NOW + DAY).toISOString() : null,
    };
    const headers = {
      "content-type": "application/json",
      "user-agent": "edge-license-service-webhooks/1",
      "webhook-id": msgId,
      "webhook-timestamp": String(SENT),
      "webhook-signature": await m.signatureHeader(config, delivery, msgId, at(SENT)),
    };
    return { headers, body };
  }
  const expected = (d: { headers: Record<string, string>; body: string }) => ({
    signed_content: `${d.headers["webhook-id"]}.${d.headers["webhook-timestamp"]}.${d.body}`,
    event: JSON.parse(d.body),
  });

  const cases: VectorCase[] = [];
  for (const { name, msgId, event } of EVENTS) {
    const d = await deliver(msgId, event);
    cases.push(valid(`valid-${name}`, `A \`${name}\` delivery.`, { secret: WEBHOOK_SECRET, now: NOW, ...d }, expected(d)));
  }
  const main = await deliver(EVENTS[0]!.msgId, EVENTS[0]!.event);
  const rotating = await deliver(EVENTS[0]!.msgId, EVENTS[0]!.event, true);
  const input = { secret: WEBHOOK_SECRET, now: NOW, ...main };
  const signature = main.headers["webhook-signature"];
  const flipped = `${signature.slice(0, 3)}${signature[3] === "A" ? "B" : "A"}${signature.slice(4)}`;
  cases.push(
    valid(
      "valid-rotation-current-secret",
      "During a secret rotation: two signatures, checked with the new secret.",
      { ...input, ...rotating },
      expected(rotating),
    ),
    valid(
      "valid-rotation-previous-secret",
      "The same delivery checked with the rotated-out secret.",
      { ...input, ...rotating, secret: PREVIOUS_WEBHOOK_SECRET },
      expected(rotating),
    ),
    valid("valid-at-tolerance", "300 s after its timestamp: the last second it is accepted.", { ...input, now: SENT + 300 }, expected(main)),
    invalid(
      "bad-signature",
      "One character of the signature changed.",
      { ...input, headers: { ...main.headers, "webhook-signature": flipped } },
      "ERR_WEBHOOK_SIGNATURE",
    ),
    invalid("altered-body", "The body changed after signing.", { ...input, body: main.body.replace('"revoked"', '"active"') }, "ERR_WEBHOOK_SIGNATURE"),
    invalid("wrong-secret", "Checked with a secret that did not sign it.", { ...input, secret: PREVIOUS_WEBHOOK_SECRET }, "ERR_WEBHOOK_SIGNATURE"),
    invalid("old-timestamp", "301 s after its timestamp: a replay, or a wrong clock.", { ...input, now: SENT + 301 }, "ERR_WEBHOOK_TIMESTAMP"),
    invalid("future-timestamp", "301 s before its timestamp.", { ...input, now: SENT - 301 }, "ERR_WEBHOOK_TIMESTAMP"),
    invalid(
      "timestamp-not-seconds",
      "A timestamp that is not Unix seconds.",
      { ...input, headers: { ...main.headers, "webhook-timestamp": new Date(SENT * 1000).toISOString() } },
      "ERR_WEBHOOK_TIMESTAMP",
    ),
    invalid(
      "missing-header",
      "No `webhook-signature` header.",
      { ...input, headers: { ...main.headers, "webhook-signature": undefined } },
      "ERR_WEBHOOK_HEADERS",
    ),
    invalid("secret-not-base64", "A secret that is not `whsec_` and base64.", { ...input, secret: "whsec_not*base64!" }, "ERR_WEBHOOK_SECRET"),
  );
  return { "webhook.json": vectorFile("webhook", "docs/formats.md#9-webhooks", NOW, cases) };
}
