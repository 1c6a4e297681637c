// Canonical forms for the domain and IP binding modes. Matching is exact on canonical values, so
// `example.com.evil.com` never matches `example.com` and `EXAMPLE.com.` does.

/**
 * Lower case, trailing dot removed, IDN converted to punycode (the WHATWG URL parser's IDNA
 * processing). Returns undefined for anything that is not a plain host name.
 */
export function canonicalDomain(input: string): string | undefined {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, "");
  if (!trimmed || trimmed.length > 253 || /[/:@?#\s\\[\]%]/.test(trimmed)) return undefined;
  let host: string;
  try {
    host = new URL(`http://${trimmed}/`).hostname.replace(/\.$/, "");
  } catch {
    return undefined;
  }
  const labels = host.split(".");
  if (!/^[a-z0-9.-]+$/.test(host) || labels.some((l) => !l || l.length > 63 || l.startsWith("-") || l.endsWith("-"))) {
    return undefined;
  }
  return host;
}

/** An IPv4 or IPv6 address as [bits, value], or undefined. */
function parseIp(text: string): [32 | 128, bigint] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split(".").map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return [32, parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n)];
  }
  if (!text.includes(":") || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail: bigint[] = [];
  // IPv4-mapped tail (::ffff:1.2.3.4)
  const v4 = /(\d{1,3}(\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const parsed = parseIp(v4[1]!);
    if (!parsed) return undefined;
    head = `${text.slice(0, -v4[1]!.length)}0:0`;
    tail = [parsed[1] >> 16n, parsed[1] & 0xffffn];
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (s: string) => (s ? s.split(":") : []);
  const left = toGroups(halves[0]!);
  const right = halves.length === 2 ? toGroups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tail.length) value = (value & ~0xffffffffn) | (tail[0]! << 16n) | tail[1]!;
  return [128, value];
}

/** Whether `ip` falls in `cidr` (`10.0.0.0/8`, `2001:db8::/32`, or a bare address). */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [base, prefixText] = cidr.split("/");
  const address = parseIp(ip);
  const network = parseIp(base ?? "");
  if (!address || !network || address[0] !== network[0]) return false;
  const bits = network[0];
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return false;
  const shift = BigInt(bits - prefix);
  return address[1] >> shift === network[1] >> shift;
}

export const isValidCidr = (cidr: string) => {
  const [base, prefix] = cidr.split("/");
  const parsed = parseIp(base ?? "");
  return !!parsed && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= parsed[0]));
};

export const ipAllowed = (ip: string | undefined, cidrs: readonly string[]) => ip !== undefined && cidrs.some((cidr) => ipInCidr(ip, cidr));

/**
 * The network an address is in, never the address itself: `203.0.113.0/24` for IPv4, the /48 for
 * IPv6 (a site). What a device record keeps of where it activated from: enough for a seller to
 * see a country-sized move, not enough to name a household (privacy by design). Undefined when
 * the text is no address.
 */
export function networkOf(ip: string | undefined): string | undefined {
  const parsed = ip === undefined ? undefined : parseIp(ip);
  if (!parsed) return undefined;
  const [bits, value] = parsed;
  if (bits === 32) {
    const net = value & 0xffffff00n;
    return `${[24n, 16n, 8n, 0n].map((s) => String((net >> s) & 0xffn)).join(".")}/24`;
  }
  const groups = [112n, 96n, 80n].map((s) => ((value >> s) & 0xffffn).toString(16));
  return `${groups.join(":")}::/48`;
}
