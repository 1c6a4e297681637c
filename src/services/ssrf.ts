// Webhook URLs must be public https endpoints: checked when an endpoint is registered and again
// before every send. IP literals in private, loopback, link-local, CGNAT, multicast and metadata
// ranges are refused, and so are non-default ports. (Workers cannot resolve DNS themselves; names
// that resolve to private addresses are refused by Cloudflare's own egress to such addresses.)
import { ipInCidr } from "./binding";

const BLOCKED_CIDRS = [
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
  "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
  "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
  "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
];

const BLOCKED_NAMES = /^(localhost|metadata|metadata\.google\.internal)$|\.(localhost|local|internal|intranet|lan|home\.arpa)$/i;

export interface UrlPolicy {
  /** Dev/test only (`WEBHOOK_ALLOW_LOOPBACK`): allow http://127.0.0.1 and http://localhost on any port. */
  allowLoopback?: boolean;
}

/** The reason a webhook URL is refused, or undefined when it is acceptable. */
export function webhookUrlProblem(raw: string, policy: UrlPolicy = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a valid URL";
  }
  if (url.username || url.password) return "credentials in the URL are not allowed";
  // A trailing dot names the same host (`localhost.` is localhost).
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "").toLowerCase();
  const loopbackHost = host === "127.0.0.1" || host === "localhost" || host === "::1";
  if (policy.allowLoopback && loopbackHost && (url.protocol === "http:" || url.protocol === "https:")) return undefined;
  if (url.protocol !== "https:") return "the URL must use https";
  if (url.port !== "" && url.port !== "443") return "only the default https port (443) is allowed";
  if (BLOCKED_NAMES.test(host) || !host.includes(".") && !host.includes(":")) return "the host is not a public name";
  const isIpLiteral = /^[\d.]+$/.test(host) || host.includes(":");
  if (isIpLiteral) {
    if (/^\d+$/.test(host) || host.split(".").some((p) => /^0\d/.test(p))) return "the host is not a public address";
    if (BLOCKED_CIDRS.some((cidr) => ipInCidr(host, cidr))) return "the host is a private, loopback, link-local or reserved address";
  }
  return undefined;
}
