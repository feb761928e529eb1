import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { WebhookSender } from './webhook-sender';
import { checkWebhookUrlSyntax, isForbiddenAddress, resolveWebhookHost, Resolver, WebhookUrlError } from './webhook-url';

const stub = (answers: Record<string, string[]>): Resolver => async (host) => {
  const found = answers[host];
  if (!found) throw new Error('ENOTFOUND');
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('webhook URLs: outbound safety', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fe80::1', 'fd00::1', 'fc12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', 'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it('in production, wants https without credentials, and no private IP literal', () => {
    expect(() => checkWebhookUrlSyntax('http://hooks.example.com/x', true)).toThrow('url must use https');
    expect(() => checkWebhookUrlSyntax('ftp://hooks.example.com/x', true)).toThrow(WebhookUrlError);
    expect(() => checkWebhookUrlSyntax('https://user:pw@hooks.example.com/x', true)).toThrow('credentials');
    expect(() => checkWebhookUrlSyntax('https://127.0.0.1/x', true)).toThrow('private');
    expect(() => checkWebhookUrlSyntax('https://[::1]/x', true)).toThrow('private');
    expect(() => checkWebhookUrlSyntax('not a url', true)).toThrow('absolute URL');
    expect(checkWebhookUrlSyntax('https://hooks.example.com/x', true).hostname).toBe('hooks.example.com');
    // development and test: http to a local receiver
    expect(checkWebhookUrlSyntax('http://127.0.0.1:8080/x', false).port).toBe('8080');
  });

  it('in production, refuses a host that resolves to any private address', async () => {
    const resolve = stub({ 'good.example': ['93.184.215.14'], 'intranet.example': ['10.0.0.5'], 'mixed.example': ['93.184.215.14', '127.0.0.1'], 'v6.example': ['fe80::1'] });
    await expect(resolveWebhookHost(new URL('https://good.example/'), true, resolve)).resolves.toEqual([{ address: '93.184.215.14', family: 4 }]);
    for (const host of ['intranet.example', 'mixed.example', 'v6.example']) {
      await expect(resolveWebhookHost(new URL(`https://${host}/`), true, resolve)).rejects.toThrow('private, loopback or link-local');
    }
    await expect(resolveWebhookHost(new URL('https://nowhere.example/'), true, resolve)).rejects.toThrow('does not resolve');
    // outside production the same private answer is allowed
    await expect(resolveWebhookHost(new URL('https://intranet.example/'), false, resolve)).resolves.toHaveLength(1);
  });
});

describe('webhook sender', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/elsewhere' }).end();
      } else if (req.url === '/endless') {
        res.writeHead(200);
        const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024, 'y')), 1);
        res.on('close', () => clearInterval(timer));
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end(), 1000).unref();
      } else {
        res.writeHead(200).end('x'.repeat(10_000));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('connects to the address it checked: a host that rebinds to loopback is refused before any connection', async () => {
    // the host answered a public address when the webhook was saved; now it answers loopback
    const sender = new WebhookSender(true, stub({ 'rebind.example': ['127.0.0.1'] }));
    const before = received.length;
    const result = await sender.send(`https://rebind.example:${port}/hook`, {}, '{}');
    sender.close();
    expect(result).toMatchObject({ ok: false, statusCode: null });
    expect(result.error).toMatch(/^refused: .*private, loopback or link-local/);
    expect(received.length).toBe(before);
  });

  it('sends to the resolved address it was given (not a second lookup)', async () => {
    // a made-up name that only the stub resolves: the socket can only reach the server through it
    const sender = new WebhookSender(false, stub({ 'receiver.invalid': ['127.0.0.1'] }));
    const result = await sender.send(`http://receiver.invalid:${port}/ok`, {}, '{}');
    sender.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(result.responseExcerpt).toHaveLength(256);
  });

  it('keeps an excerpt of an endless answer and drops the connection instead of reading it all', async () => {
    const sender = new WebhookSender(false, stub({}), 5000);
    const started = Date.now();
    const result = await sender.send(`http://127.0.0.1:${port}/endless`, {}, '{}');
    sender.close();
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null, responseExcerpt: 'y'.repeat(256) });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('refuses http in production, follows no redirect and gives up after its timeout', async () => {
    const prod = new WebhookSender(true, stub({}));
    expect((await prod.send(`http://127.0.0.1:${port}/ok`, {}, '{}')).error).toBe('refused: url must use https');
    prod.close();
    const sender = new WebhookSender(false, stub({}), 300);
    const redirected = await sender.send(`http://127.0.0.1:${port}/redirect`, {}, '{}');
    expect(redirected).toMatchObject({ ok: false, statusCode: 302, error: 'HTTP 302: redirect not followed' });
    expect(received).not.toContain('/elsewhere');
    const slow = await sender.send(`http://127.0.0.1:${port}/slow`, {}, '{}');
    expect(slow).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 0.3 s' });
    sender.close();
  });
});
