import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import type { User } from '../users/user.entity';
import { AuthResponse, toUserView } from '../users/user.view';
import type { JwtClaims } from './auth-user';

/** Signs access tokens bound to the account's current token version (see auth.guard.ts). */
@Injectable()
export class AccessTokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(user: Pick<User, 'id' | 'role' | 'tokenVersion'>): Promise<string> {
    const claims: JwtClaims = { sub: user.id, role: user.role, ver: user.tokenVersion, jti: randomUUID() };
    return this.jwt.signAsync(claims);
  }

  async respond(user: User): Promise<AuthResponse> {
    return { accessToken: await this.sign(user), user: toUserView(user) };
  }
}
