/**
 * A local SMTP sink in the bench process (smtp-server): accepts every message, keeps when each
 * one was accepted and its Message-ID, so a benchmark can count deliveries, duplicates and
 * losses itself (the app is pointed at it with SMTP_URL=smtp://127.0.0.1:<port>?ignoreTLS=true).
 */
import { SMTPServer } from 'smtp-server';

export interface Received {
  messageId: string | null;
  /** performance.now() when the DATA was fully received (just before the 250 answer) */
  at: number;
  bytes: number;
}

export class SmtpSink {
  readonly received: Received[] = [];
  private server: SMTPServer | undefined;
  private portNumber = 0;

  get port(): number {
    return this.portNumber;
  }

  /** The app's SMTP_URL for this sink. */
  get url(): string {
    return `smtp://127.0.0.1:${this.portNumber}?ignoreTLS=true`;
  }

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      maxClients: 200,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        let headerDone = false;
        let messageId: string | null = null;
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (!headerDone) {
            chunks.push(chunk);
            const head = Buffer.concat(chunks).toString('utf8');
            const end = head.indexOf('\r\n\r\n');
            const header = end >= 0 ? head.slice(0, end) : head;
            const match = /^message-id:\s*(<[^>\r\n]+>)/im.exec(header);
            if (match) messageId = match[1];
            if (end >= 0 || head.length > 64 * 1024) headerDone = true;
          }
        });
        stream.on('end', () => {
          this.received.push({ messageId, at: performance.now(), bytes });
          callback();
        });
        stream.on('error', (error: Error) => callback(error));
      },
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.server.address();
        this.portNumber = typeof address === 'object' && address !== null ? address.port : 0;
        resolve();
      });
    });
    server.on('error', () => undefined);
  }

  /** Deliveries of these Message-IDs since index `from`: unique count, duplicates, last arrival. */
  count(ids: ReadonlySet<string>, from = 0): { unique: number; duplicates: number; first: number | null; last: number | null; others: number; arrivals: number[] } {
    const seen = new Map<string, number>();
    let duplicates = 0;
    let others = 0;
    let first: number | null = null;
    let last: number | null = null;
    const arrivals: number[] = [];
    for (let i = from; i < this.received.length; i++) {
      const r = this.received[i];
      if (r.messageId === null || !ids.has(r.messageId)) {
        others++;
        continue;
      }
      const n = (seen.get(r.messageId) ?? 0) + 1;
      seen.set(r.messageId, n);
      if (n > 1) duplicates++;
      else arrivals.push(r.at);
      first = first === null ? r.at : Math.min(first, r.at);
      last = last === null ? r.at : Math.max(last, r.at);
    }
    return { unique: seen.size, duplicates, first, last, others, arrivals };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Waits until `done()` or no progress (per `progress()`) for `idleMs`, or `timeoutMs` in all; polls every 50 ms. */
export async function waitFor(done: () => boolean, progress: () => number, idleMs: number, timeoutMs: number): Promise<boolean> {
  const started = performance.now();
  let lastValue = progress();
  let lastChange = performance.now();
  while (!done()) {
    const now = performance.now();
    if (now - started > timeoutMs || now - lastChange > idleMs) return false;
    await new Promise((r) => setTimeout(r, 50));
    const value = progress();
    if (value !== lastValue) {
      lastValue = value;
      lastChange = performance.now();
    }
  }
  return true;
}
