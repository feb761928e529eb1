/**
 * `npm run seed:demo -- --cases N [options]`: fills a database with realistic demo data.
 *
 *   --cases N             demo cases wanted in all, drafts included (required); a re-run tops up to N
 *   --database-url URL    default $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/guichet_demo
 *   --advisors N          advisors (default 40), with capacity, programmes and languages
 *   --managers N          programme managers (default 10)
 *   --founders N|auto     founders in all (default auto: one per 8 cases)
 *   --seed N              random seed (default 20261128)
 *   --batch N             cases per batch (default 2000)
 *   --jobs N              batches loading at once (default 2)
 *   --no-vacuum           ANALYZE only at the end instead of VACUUM (ANALYZE)
 *
 * Every account's password is the demo password (`guichet-demo-password`, or $SEED_PASSWORD):
 * all accounts share one scrypt hash. Demo data only. See src/seed/demo-seed.ts.
 */
import { seedDemo, DEMO_ADMIN_EMAIL, DEMO_PASSWORD, advisorEmail, managerEmail } from './demo-seed';

class UsageError extends Error {}

function parse(argv: string[]): Parameters<typeof seedDemo>[0] {
  let cases: number | undefined;
  const options: Omit<Parameters<typeof seedDemo>[0], 'cases'> = {
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/guichet_demo',
    password: process.env.SEED_PASSWORD ?? DEMO_PASSWORD,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const count = (min = 1): number => {
      const v = value().replace(/_/g, '');
      if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${v}"`);
      return Number(v);
    };
    switch (flag) {
      case '--cases':
        cases = count(0);
        break;
      case '--database-url':
        options.databaseUrl = value();
        break;
      case '--advisors':
        options.advisors = count();
        break;
      case '--managers':
        options.managers = count();
        break;
      case '--founders': {
        const v = value();
        if (v === 'auto') options.founders = 'auto';
        else if (/^\d+$/.test(v) && Number(v) >= 1) options.founders = Number(v);
        else throw new UsageError(`--founders must be auto or a positive integer, got "${v}"`);
        break;
      }
      case '--seed':
        options.seed = count(0);
        break;
      case '--batch':
        options.batchSize = count();
        break;
      case '--jobs':
        options.jobs = count();
        break;
      case '--no-vacuum':
        options.vacuum = false;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (cases === undefined) throw new UsageError('--cases N is required');
  return { ...options, cases };
}

const USAGE = 'usage: npm run seed:demo -- --cases N [--database-url URL] [--advisors 40] [--managers 10] [--founders auto|N] [--seed N] [--batch 2000] [--jobs 2] [--no-vacuum]';

async function main(): Promise<number> {
  let options: Parameters<typeof seedDemo>[0];
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `seed:demo: ${error.message}\n` : ''}${USAGE}\n`);
      return error.message ? 2 : 0;
    }
    throw error;
  }
  const summary = await seedDemo(options);
  process.stdout.write(
    `${JSON.stringify(
      {
        ...summary,
        databaseUrl: summary.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
        logins: { password: options.password === DEMO_PASSWORD ? DEMO_PASSWORD : '(SEED_PASSWORD)', admin: DEMO_ADMIN_EMAIL, advisor: advisorEmail(1), manager: managerEmail(1) },
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`seed:demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
