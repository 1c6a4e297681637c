// Webhook URLs must be public https endpoints: checked when an endpoint is registered and again
// before every send. Non-default ports are refused, and so is any IP literal that is not globally
// reachable unicast per the IANA special-purpose address registries (RFC 6890 and its updates).
// (Workers cannot resolve DNS themselves; names that resolve to private addresses are refused by
// Cloudflare's own egress to such addresses.)
import { ipInCidr } from "./binding";

/**
 * The IANA IPv4 special-purpose registry (RFC 6890, 6598, 7526, 7534, 7450, 8155) plus multicast
 * (RFC 5771). Whole blocks are refused even where an entry inside is marked globally reachable
 * (192.0.0.9, AS112, AMT): none of them is a webhook receiver.
 */
const SPECIAL_V4 = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.31.196.0/24",
  "192.52.193.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "192.175.48.0/24",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "255.255.255.255/32",
];

/** A 6to4 address (RFC 3056) is routed to the IPv4 address in its bits 16..47. */
const sixToFour = (v4Cidr: string) => {
  const [a = 0, b = 0, c = 0, d = 0, prefix = 0] = v4Cidr.split(/[./]/).map(Number);
  return `2002:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}::/${16 + prefix}`;
};

/**
 * IPv6 is checked the other way round: only global unicast 2000::/3 (RFC 4291) can be public, so
 * every form outside it is refused without decoding it, including those that embed an IPv4
 * address (IPv4-compatible ::/96, mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96 of RFC 2765,
 * NAT64 64:ff9b::/96 and 64:ff9b:1::/48 of RFC 6052 and 8215), and fc00::/7, fe80::/10, the
 * deprecated site-local fec0::/10 (RFC 3879), ff00::/8, 100::/64 and 5f00::/16 (SRv6, RFC 9602).
 * Within 2000::/3 these are the registry's special blocks.
 */
const SPECIAL_V6 = [
  // IETF protocol assignments (RFC 2928): Teredo 2001::/32 (RFC 4380) embeds an IPv4 server and
  // client, then benchmarking 2001:2::/48 (RFC 5180), AMT, AS112, ORCHID and the rest.
  "2001::/23",
  "2001:db8::/32", // documentation, RFC 3849
  "2620:4f:8000::/48", // AS112 direct delegation, RFC 7534: the IPv6 twin of 192.175.48.0/24
  "3fff::/20", // documentation, RFC 9637
  ...SPECIAL_V4.map(sixToFour),
];

/** Whether an IP literal, as the URL parser writes it, is a globally reachable unicast address. */
function isPublicIp(host: string): boolean {
  if (ipInCidr(host, "0.0.0.0/0")) return !SPECIAL_V4.some((cidr) => ipInCidr(host, cidr));
  return ipInCidr(host, "2000::/3") && !SPECIAL_V6.some((cidr) => ipInCidr(host, cidr));
}

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
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.+$/, "")
    .toLowerCase();
  const loopbackHost = host === "127.0.0.1" || host === "localhost" || host === "::1";
  if (policy.allowLoopback && loopbackHost && (url.protocol === "http:" || url.protocol === "https:")) return undefined;
  if (url.protocol !== "https:") return "the URL must use https";
  if (url.port !== "" && url.port !== "443") return "only the default https port (443) is allowed";
  if (BLOCKED_NAMES.test(host) || (!host.includes(".") && !host.includes(":"))) return "the host is not a public name";
  const isIpLiteral = /^[\d.]+$/.test(host) || host.includes(":");
  if (isIpLiteral) {
    // The URL parser already rewrites decimal, hex and octal IPv4 forms to dotted quads; these
    // catch any that reach here unparsed, which would otherwise read differently to a resolver.
    const parses = ipInCidr(host, "0.0.0.0/0") || ipInCidr(host, "::/0");
    if (!parses || /^\d+$/.test(host) || host.split(".").some((p) => /^0\d/.test(p))) return "the host is not a public address";
    if (!isPublicIp(host)) return "the host is a private, loopback, link-local or reserved address";
  }
  return undefined;
}
