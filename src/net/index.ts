/**
 * net/ — IP addresses and CIDRs as Calico reads and prints them, on ipaddr.js.
 *
 * Go's parser is stricter than ipaddr.js: IPv4 must be four decimal parts without leading zeros
 * (`10.8` and `010.0.0.1` are not addresses), and zones (`fe80::1%eth0`) are not accepted. Output
 * follows Go's `String()`: dotted quads, and RFC 5952 compressed IPv6 (`2001:db8::1`).
 * Knows nothing about resources or IP sets.
 */
import ipaddr from "ipaddr.js";

/** A parsed network: the address as written, its family, prefix length and masked network. */
export interface ParsedCidr {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The address part, canonical and not masked (`10.1.2.3` for `10.1.2.3/8`). */
  readonly address: string;
  /** The prefix length (32 or 128 for a bare address). */
  readonly prefixLength: number;
  /** The masked network in canonical form (`10.0.0.0/8` for `10.1.2.3/8`). */
  readonly cidr: string;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(":") && !text.includes("%") && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

/** A bare address; an IPv4-mapped IPv6 address is IPv4, as Go's `net.IP` treats it. */
function parseBareAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const address = parseAddress(text);
  return address?.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** The address part of `address/prefix` (`10.0.0.0` for `10.0.0.0/8`), as written. */
export function addressOf(cidr: string): string {
  return cidr.slice(0, cidr.indexOf("/"));
}

/** Parses a bare IP address into its canonical text and family; `undefined` if it is not one. */
export function parseIp(text: string): { readonly family: 4 | 6; readonly address: string } | undefined {
  const address = parseBareAddress(text);
  return address === undefined ? undefined : { family: address.kind() === "ipv4" ? 4 : 6, address: address.toString() };
}

/** A bare IPv4 address as Go prints it: four decimal parts 0–255 without leading zeros. */
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Parses `address/prefix`, or a bare address as a host network (/32 or /128), as Calico's
 * `ParseCIDROrIP` does. Returns `undefined` for anything else.
 */
export function parseCidrOrIp(text: string): ParsedCidr | undefined {
  // The common case, a pod's IP, is already in canonical form: skip ipaddr's parse and print.
  if (CANONICAL_IPV4.test(text)) return { family: 4, address: text, prefixLength: 32, cidr: `${text}/32` };
  const slash = text.indexOf("/");
  const address = slash === -1 ? parseBareAddress(text) : parseAddress(text.slice(0, slash));
  if (address === undefined) return undefined;
  const bits = address.kind() === "ipv4" ? 32 : 128;
  let prefixLength = bits;
  if (slash !== -1) {
    const suffix = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(suffix)) return undefined;
    prefixLength = Number(suffix);
    if (prefixLength > bits) return undefined;
  }
  const network =
    address.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefixLength}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefixLength}`);
  return {
    family: bits === 32 ? 4 : 6,
    address: address.toString(),
    prefixLength,
    cidr: `${network.toString()}/${prefixLength}`,
  };
}
