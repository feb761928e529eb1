import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** the status this receiver answered */
  answered: number;
}

/**
 * A campus tool receiving webhooks on 127.0.0.1 (random port). `answer` decides each reply
 * (default 204); every request is kept, in order.
 */
export class WebhookReceiver {
  private server: Server | null = null;
  readonly received: ReceivedWebhook[] = [];
  answer: (hook: Omit<ReceivedWebhook, 'answered'>, seenBefore: number) => number = () => 204;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const hook = {
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers,
        };
        const seenBefore = this.received.filter((r) => r.id === hook.id).length;
        const answered = this.answer(hook, seenBefore);
        this.received.push({ ...hook, answered });
        res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered >= 400 ? 'receiver says no' : '');
      });
    });
    await new Promise<void>((r) => this.server?.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  of(type: string): ReceivedWebhook[] {
    return this.received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met within ${timeoutMs} ms (received ${this.received.length})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The Standard Webhooks check, written from the specification independently of the app's code. */
export function verifyStandardWebhook(secret: string, hook: Pick<ReceivedWebhook, 'id' | 'timestamp' | 'signature' | 'body'>): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${hook.id}.${hook.timestamp}.${hook.body}`).digest('base64');
  return hook.signature.split(' ').some((s) => s === `v1,${expected}`);
}
