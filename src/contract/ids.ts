// Prefixed ids and secrets (STYLE.md habit 7): a leaked string says what it is. The generators
// (crypto/random.ts) and the log redactor (logging.ts) both read these lists, so they cannot drift.

/** Resource ids: `<prefix>_` + 22 base58 characters (~128 bits). */
export const ID_PREFIXES = {
  tenant: "tnt",
  application: "app",
  policy: "pol",
  license: "lic",
  activation: "act",
  licenseFile: "lf",
  lease: "lse",
  statusList: "sl",
  credential: "key",
  userToken: "usr",
  webhookEndpoint: "whk",
  webhookEvent: "msg",
  webhookDelivery: "dlv",
  auditEntry: "aud",
  customer: "cust",
  user: "user",
  group: "grp",
  request: "req",
  activityEvent: "evt",
  portalSession: "ps",
  billingConnector: "bc",
  billingEvent: "bev",
} as const;

export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES];

/** The prefix of every secret this service makes or takes; the redactor masks anything after one. */
export const SECRET_PREFIXES = {
  licenseKey: "lk",
  apiKey: "sk",
  accessToken: "at",
  operatorToken: "op",
  webhookSecret: "whsec",
  portalCode: "pc",
  portalToken: "pt",
} as const;
