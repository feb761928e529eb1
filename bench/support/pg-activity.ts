/**
 * Samples pg_stat_activity for one database while a load runs: how many of the app's sessions
 * are, on average, running, idle in a transaction, or waiting (and on what: a row lock, the WAL
 * flush at commit, I/O...). Tells whether a slow figure is the database's doing.
 */
import { Client } from 'pg';
import { round } from './stats';

interface Row {
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
}

export interface PgActivity {
  samples: number;
  /** "state" or "state — waitType:waitEvent" → average sessions in it */
  averages: [string, number][];
  /** average sessions connected (all states) */
  connected: number;
}

export class PgActivitySampler {
  private client: Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private samples = 0;
  private connected = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly databaseUrl: string,
    private readonly intervalMs = 50,
  ) {}

  async start(): Promise<void> {
    const admin = new URL(this.databaseUrl);
    const database = decodeURIComponent(admin.pathname.replace(/^\//, ''));
    admin.pathname = '/postgres';
    this.client = new Client({ connectionString: admin.toString() });
    this.client.on('error', () => undefined);
    await this.client.connect();
    this.running = true;
    const client = this.client;
    this.loop = (async () => {
      while (this.running) {
        const { rows } = await client.query<Row>(
          `SELECT state, wait_event_type, wait_event FROM pg_stat_activity
            WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
          [database],
        );
        this.samples++;
        this.connected += rows.length;
        for (const row of rows) {
          const key = row.wait_event_type && row.state !== 'idle' ? `${row.state} — ${row.wait_event_type}:${row.wait_event}` : (row.state ?? 'unknown');
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, this.intervalMs));
      }
    })();
  }

  async stop(): Promise<PgActivity> {
    this.running = false;
    try {
      await this.loop;
    } finally {
      await this.client?.end().catch(() => undefined);
    }
    const n = Math.max(1, this.samples);
    return {
      samples: this.samples,
      connected: round(this.connected / n, 2),
      averages: [...this.counts.entries()].map(([key, count]): [string, number] => [key, round(count / n, 2)]).sort((a, b) => b[1] - a[1]),
    };
  }
}

export function renderPgActivity(activity: PgActivity, limit = 10): string {
  return [
    `| app's PostgreSQL sessions (pg_stat_activity, ${activity.samples} samples) | average sessions |`,
    '| --- | ---: |',
    ...activity.averages.slice(0, limit).map(([key, avg]) => `| ${key} | ${avg} |`),
    `| (connected in all) | ${activity.connected} |`,
  ].join('\n');
}
