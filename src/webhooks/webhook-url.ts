import { BlockList, isIP } from 'node:net';

/**
 * Outbound safety of webhook URLs. In production a URL must be https, carry no credentials and
 * resolve only to public addresses: not private, loopback, link-local, unspecified, shared (CGNAT),
 * multicast or reserved, in IPv4 or IPv6 (IPv4-mapped and NAT64 addresses are judged by the IPv4
 * address they carry). The address is checked when the webhook is saved and again at every
 * delivery, where the checked address is the one connected to (DNS rebinding).
 * In development and test, http and local addresses are allowed (a receiver on 127.0.0.1).
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible, NAT64 `64:ff9b::/96`), if any. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** True when a webhook may not be sent to this address in production. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== null) return FORBIDDEN.check(v4, 'ipv4');
    return FORBIDDEN.check(address, 'ipv6');
  }
  return true; // not an address at all
}

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export class WebhookUrlError extends Error {}

/** The URL's hostname without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Checks what can be judged without the network: scheme, credentials, an IP literal. */
export function checkWebhookUrlSyntax(raw: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('url must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookUrlError('url must use https');
  if (production && url.protocol !== 'https:') throw new WebhookUrlError('url must use https');
  if (url.username !== '' || url.password !== '') throw new WebhookUrlError('url must not carry credentials');
  if (url.hash !== '') throw new WebhookUrlError('url must not have a fragment');
  const host = hostOf(url);
  if (production && isIP(host) !== 0 && isForbiddenAddress(host)) throw new WebhookUrlError('url must not point at a private, loopback or link-local address');
  return url;
}

/**
 * Resolves the URL's host and returns the addresses it may be sent to: in production every
 * address must be public (one bad answer refuses the lot: a rebinding host answers both).
 */
export async function resolveWebhookHost(url: URL, production: boolean, resolve: Resolver): Promise<ResolvedAddress[]> {
  const host = hostOf(url);
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new WebhookUrlError(`url host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new WebhookUrlError(`url host ${host} does not resolve`);
  }
  if (production && addresses.some((a) => isForbiddenAddress(a.address))) {
    throw new WebhookUrlError('url must not resolve to a private, loopback or link-local address');
  }
  return addresses;
}
