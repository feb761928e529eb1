import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo, Socket } from 'node:net';
import { SMTPServer, SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: ParsedMail['headers'];
  /** raw header value by lower-case name (mailparser structures some headers, e.g. List-*) */
  header: (name: string) => string | undefined;
}

/**
 * A real SMTP server in the test process: what the app sends arrives here over TCP and is
 * parsed with mailparser. `reject` makes it answer a permanent 550; `stop`/`start` simulate an
 * outage on the same port.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /**
   * Once this many mails were accepted, hold the next ones — at RCPT TO, or at the end of DATA
   * for those already past it — without answering, until `release()`.
   */
  holdAfter: number | null = null;
  private readonly held: (() => void)[] = [];
  private readonly heldData: { session: string; mail: ReceivedMail; answer: () => void }[] = [];
  private readonly closedSessions = new Set<string>();
  /** answer 550 to RCPT for these addresses */
  readonly rejectRecipients = new Set<string>();
  private server: SMTPServer | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  private options(): SMTPServerOptions {
    return {
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.holdAfter !== null && this.received.length >= this.holdAfter) {
          this.held.push(() => callback());
          return;
        }
        if (this.rejectRecipients.has(address.address.toLowerCase())) {
          const error = new Error('Mailbox unavailable') as Error & { responseCode: number };
          error.responseCode = 550;
          return callback(error);
        }
        callback();
      },
      onClose: (session) => {
        this.closedSessions.add(session.id);
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const parsed: ReceivedMail = {
              to: session.envelope.rcptTo.map((r) => r.address).join(','),
              subject: mail.subject ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              text: mail.text ?? '',
              messageId: mail.messageId ?? '',
              headers: mail.headers,
              header: (name: string) => {
                const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
                return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim();
              },
            };
            if (this.holdAfter !== null && this.received.length >= this.holdAfter) {
              this.heldData.push({ session: session.id, mail: parsed, answer: () => callback() });
              return;
            }
            this.received.push(parsed);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    };
  }

  async start(port = this.port): Promise<void> {
    const server = new SMTPServer(this.options());
    server.on('error', () => undefined);
    server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    SmtpSink.listening.set(this.port, this);
  }

  /** The sinks listening now, by port: helpers that know an app's SMTP_URL find its mailbox. */
  static readonly listening = new Map<number, SmtpSink>();

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (SmtpSink.listening.get(this.port) === this) SmtpSink.listening.delete(this.port);
    // an outage: drop open connections too (the app's pool keeps some alive)
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get heldCount(): number {
    return this.held.length + this.heldData.length;
  }

  /**
   * Stops holding. A client that went away meanwhile never heard "250": its message was not
   * accepted (it will be sent again), so it is not counted as received.
   */
  release(): void {
    this.holdAfter = null;
    for (const answer of this.held.splice(0)) answer();
    for (const h of this.heldData.splice(0)) {
      if (this.closedSessions.has(h.session)) continue;
      this.received.push(h.mail);
      h.answer();
    }
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}?ignoreTLS=true`;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.split(',').includes(address.toLowerCase()));
  }

  /**
   * The mails to `address` whose text matches `pattern`. Mails queued close together may arrive
   * in any order (the relay sends in parallel), so tests pick a mail by content, not position.
   */
  toMatching(address: string, pattern: RegExp | string): ReceivedMail[] {
    return this.to(address).filter((m) => (typeof pattern === 'string' ? m.text.includes(pattern) : pattern.test(m.text)));
  }

  /** Removes and returns the first mail to `address` matching `pattern` (a helper consumed it, as a person reading it would). */
  take(address: string, pattern: RegExp): ReceivedMail | null {
    const index = this.received.findIndex((m) => m.to.split(',').includes(address.toLowerCase()) && pattern.test(m.text));
    return index < 0 ? null : this.received.splice(index, 1)[0];
  }

  /** Waits until `predicate` holds on what was received (polling; bounded). */
  async waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs = 15000): Promise<void> {
    const started = Date.now();
    while (!predicate(this.received)) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for emails; received: ${this.received.map((m) => `${m.to} ${m.subject}`).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
