import { Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { RateLimiterService } from '../redis/rate-limiter.service';
import { AuthResponse } from '../users/user.view';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import { AccountLifecycleService } from './account-lifecycle.service';
import { RegisterDto } from './dto/register.dto';
import { LoginDto } from './dto/login.dto';
import { DUMMY_HASH, verifyPassword } from '../users/password';

/**
 * Failed sign-ins (see docs/accounts-and-security.md "Rate limits"): counted per account *and* client pair, so a stranger's
 * guesses lock out the stranger, not the account's owner; a slower ceiling per account bounds
 * guessing spread over many addresses; a ceiling per address bounds one address trying many
 * accounts. Every attempt is counted before the password is hashed, atomically, and given back
 * when it succeeds: however many arrive at once, at most the limit is ever evaluated.
 */
export const LOGIN_LIMITS = {
  pair: { max: 10, windowSeconds: 15 * 60 },
  account: { max: 100, windowSeconds: 60 * 60 },
  client: { max: 30, windowSeconds: 15 * 60 },
} as const;
/** Registrations per IP per hour: each one can send email later on. */
export const REGISTER_MAX_PER_HOUR = 20;

const INVALID_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: UsersRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly limiter: RateLimiterService,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  async register(dto: RegisterDto, ip: string): Promise<AuthResponse> {
    // fails open while Redis is away, like login: sign-up is the only way in, and its one email
    // (the verification) goes to the address being signed up, never to a third party
    await this.limiter.take([{ bucket: `register:ip:${ip}`, max: REGISTER_MAX_PER_HOUR, windowSeconds: 3600 }], 'open', 'Too many sign-ups from this address, try again later');
    const now = this.clock.now();
    // the account and its verification email commit together
    const user = await this.transactions.run(async (em) => {
      const founder = await this.users.insert({ ...dto, role: 'founder' }, em);
      await this.lifecycle.sendVerification(em, founder.id, now);
      return founder;
    });
    return this.accessTokens.respond(user);
  }

  async login(dto: LoginDto, ip: string): Promise<AuthResponse> {
    const buckets = loginBuckets(dto.email, ip);
    await this.limiter.take(
      [
        { bucket: buckets.pair, ...LOGIN_LIMITS.pair },
        { bucket: buckets.account, ...LOGIN_LIMITS.account },
        { bucket: buckets.client, ...LOGIN_LIMITS.client },
      ],
      'open',
      'Too many failed sign-in attempts, try again later',
    );

    const user = await this.accounts.findForLogin(dto.email);
    // verify against a dummy hash for unknown emails (and invitations not accepted yet, which
    // have no password) so every failure takes the same time
    const valid = await verifyPassword(dto.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !valid) throw new UnauthorizedException(INVALID_CREDENTIALS);
    // a success is not a failure: this client starts afresh, and the wider counters get their take back
    await Promise.all([this.limiter.reset(buckets.pair), this.limiter.release(buckets.account), this.limiter.release(buckets.client)]);
    return this.accessTokens.respond(user);
  }
}

/**
 * The Redis counters of one sign-in attempt. The email is hashed: Redis never holds an address
 * (nothing personal to chase there on erasure).
 */
export function loginBuckets(email: string, ip: string): { pair: string; account: string; client: string } {
  const account = createHash('sha256').update(email).digest('hex').slice(0, 32);
  return { pair: `login:pair:${account}:${ip}`, account: `login:account:${account}`, client: `login:ip:${ip}` };
}
