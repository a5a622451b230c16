/**
 * hash/ — Calico's content-derived identifiers.
 *
 * Owns `uniqueId(prefix, content)`, the one function Calico uses to name selector IP sets (`s:`),
 * named-port IP sets (`n:`) and service IP sets (`svc:`): the prefix, a colon, then the SHA-224 of
 * `prefix + ":" + content` in unpadded base64url. Knows nothing about selectors or IP sets.
 * Portable: uses @noble/hashes and its own encoder, never Node's `Buffer` or `crypto`.
 */
import { sha224 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Encodes bytes as base64url (RFC 4648 §5) without `=` padding, as Go's `base64.RawURLEncoding`.
 * @internal
 */
export function base64UrlNoPad(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]! + BASE64URL[(n >>> 6) & 63]! + BASE64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]! + BASE64URL[(n >>> 6) & 63]!;
  }
  return out;
}

/**
 * Calico's `MakeUniqueID`: `prefix + ":" + base64url-nopad(SHA-224(prefix + ":" + content))`.
 *
 * @example
 * ```ts
 * uniqueId("s", "all()"); // "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug"
 * ```
 * @param prefix - the identifier's kind: `s` (selector), `n` (named port), `svc`, `svcnoport`
 * @param content - the canonical text the identifier stands for
 */
export function uniqueId(prefix: string, content: string): string {
  const tagged = `${prefix}:${content}`;
  return `${prefix}:${base64UrlNoPad(sha224(utf8ToBytes(tagged)))}`;
}
