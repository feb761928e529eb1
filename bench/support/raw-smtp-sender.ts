/**
 * The raw limit of the emails benchmark, run as its own process (as the app is) so that it does
 * not share a thread with the SMTP sink: a bare nodemailer loop with the app's pool settings and
 * its worker's concurrency, sending one rendered email N times. Forked by emails.bench.ts with
 * `port count concurrency connections`; reports `{ sent, elapsedMs, bytes }` over IPC.
 */
import nodemailer from 'nodemailer';
import { DEFAULT_TEMPLATES_DIR, TemplateRenderer } from '../../src/notifications/templates/template-renderer';
import { TEMPLATE_SAMPLES } from '../../src/notifications/templates/template-samples';
import { mapLimit } from './stats';

async function main(): Promise<void> {
  const [port, count, concurrency, connections, tag] = process.argv.slice(2);
  const email = TemplateRenderer.load(DEFAULT_TEMPLATES_DIR).render('application-received', TEMPLATE_SAMPLES['application-received']);
  const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: Number(port), secure: false, ignoreTLS: true, maxConnections: Number(connections), maxMessages: 1000 });
  const started = performance.now();
  let sent = 0;
  try {
    await mapLimit(
      Array.from({ length: Number(count) }, (_, i) => i),
      Number(concurrency),
      async (i) => {
        await transport.sendMail({ from: 'Guichet <guichet@localhost>', to: `founder-${i}@bench.example`, subject: email.subject, html: email.html, text: email.text, messageId: `<${tag}-${i}@bench>` });
        sent++;
      },
    );
  } finally {
    transport.close();
  }
  process.send?.({ sent, elapsedMs: performance.now() - started, bytes: email.html.length + email.text.length });
}

main().catch((error: unknown) => {
  process.stderr.write(`raw sender: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
