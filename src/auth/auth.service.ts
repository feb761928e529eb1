import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { RateLimiterService } from '../redis/rate-limiter.service';
import { User } from '../users/user.entity';
import { AuthResponse } from '../users/user.view';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import { AccountLifecycleService } from './account-lifecycle.service';
import { RegisterDto } from './dto/register.dto';
import { LoginDto } from './dto/login.dto';
import { DUMMY_HASH, verifyPassword } from './password';

/** More than this many failed logins for one email or one IP within the window → 429. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_SECONDS = 15 * 60;
/** Registrations per IP per hour: each one can send email later on. */
export const REGISTER_MAX_PER_HOUR = 20;

const INVALID_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly limiter: RateLimiterService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async register(dto: RegisterDto, ip: string): Promise<AuthResponse> {
    if ((await this.limiter.hit(`register:ip:${ip}`, 3600)) > REGISTER_MAX_PER_HOUR) throw tooMany('Too many sign-ups from this address, try again later');
    const now = this.clock.now();
    // the account and its verification email commit together
    const user = await this.dataSource.transaction(async (em) => {
      const founder = await this.users.insert({ ...dto, role: 'founder' }, em);
      await this.lifecycle.sendVerification(em, founder.id, now);
      return founder;
    });
    return this.accessTokens.respond(user);
  }

  async login(dto: LoginDto, ip: string): Promise<AuthResponse> {
    const emailBucket = `login:email:${dto.email}`;
    const ipBucket = `login:ip:${ip}`;
    const [byEmail, byIp] = await Promise.all([this.limiter.count(emailBucket), this.limiter.count(ipBucket)]);
    if (byEmail >= LOGIN_MAX_FAILURES || byIp >= LOGIN_MAX_FAILURES) throw tooMany('Too many failed sign-in attempts, try again in 15 minutes');

    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email AND u.active AND u.erased_at IS NULL', { email: dto.email })
      .getOne();
    // verify against a dummy hash for unknown emails (and invitations not accepted yet, which
    // have no password) so every failure takes the same time
    const valid = await verifyPassword(dto.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !valid) {
      await Promise.all([this.limiter.hit(emailBucket, LOGIN_WINDOW_SECONDS), this.limiter.hit(ipBucket, LOGIN_WINDOW_SECONDS)]);
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    await this.limiter.reset(emailBucket);
    return this.accessTokens.respond(user);
  }
}

function tooMany(message: string): HttpException {
  return new HttpException({ statusCode: 429, error: 'Too Many Requests', message }, HttpStatus.TOO_MANY_REQUESTS);
}
