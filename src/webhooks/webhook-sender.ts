import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { AttemptOutcome } from './webhooks.repository';
import { ResolvedAddress, resolveWebhookHost, Resolver, WebhookUrlError } from './webhook-url';

/** A 2xx within this long is a success; anything slower is a failure (and retried). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer the log keeps. */
export const RESPONSE_EXCERPT_BYTES = 256;
/** Beyond this much of an answer the connection is dropped rather than drained. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family }));

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` that answers the address already checked, so the socket goes where the check looked. */
function pinnedLookup(address: ResolvedAddress) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
}

export interface SendResult extends AttemptOutcome {
  ok: boolean;
}

/**
 * POSTs one signed webhook. Resolves the host and checks the addresses (production), then
 * connects to the checked address only (DNS rebinding cannot swap it between check and
 * connect); TLS still verifies the certificate against the URL's host name. Redirects are not
 * followed (a 3xx is a failure); 10 s for the whole exchange; only an excerpt of the answer kept.
 */
export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly production: boolean,
    private readonly resolve: Resolver = systemResolver,
    private readonly timeoutMs: number = WEBHOOK_TIMEOUT_MS,
  ) {}

  async send(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    let url: URL;
    let address: ResolvedAddress;
    try {
      url = new URL(rawUrl);
      if (this.production && url.protocol !== 'https:') throw new WebhookUrlError('url must use https');
      [address] = await resolveWebhookHost(url, this.production, this.resolve);
    } catch (error) {
      const message = error instanceof WebhookUrlError ? error.message : `bad url: ${(error as Error).message}`;
      return { ok: false, statusCode: null, error: `refused: ${message}`, responseExcerpt: null };
    }
    return new Promise<SendResult>((resolvePromise) => {
      let settled = false;
      const done = (result: SendResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolvePromise(result);
      };
      const isHttps = url.protocol === 'https:';
      const request = (isHttps ? https : http).request(url, {
        method: 'POST',
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        lookup: pinnedLookup(address) as never,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Guichet-Webhooks/1' },
      });
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      request.on('error', (error) => done({ ok: false, statusCode: null, error: error.message.slice(0, 500), responseExcerpt: null }));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_EXCERPT_BYTES) {
            chunks.push(chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept));
            kept += Math.min(chunk.length, RESPONSE_EXCERPT_BYTES - kept);
          }
          // a long answer is not read to its end: the status and the excerpt are all we keep
          read += chunk.length;
          if (read > DRAIN_LIMIT_BYTES) {
            finish();
            response.destroy();
          }
        });
        const finish = (): void => {
          const excerpt = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null;
          const ok = status >= 200 && status < 300;
          const error = ok ? null : status >= 300 && status < 400 ? `HTTP ${status}: redirect not followed` : `HTTP ${status}`;
          done({ ok, statusCode: status, error, responseExcerpt: excerpt });
        };
        response.on('end', finish);
        response.on('aborted', finish);
        response.on('error', finish);
      });
      request.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
