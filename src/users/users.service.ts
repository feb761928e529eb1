import { ConflictException, ForbiddenException, Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions';
import { AccountTokensRepository } from '../accounts/account-tokens.repository';
import { Clock } from '../common/clock';
import { enqueueEmails } from '../notifications/outbox/email-outbox';
import { hashPassword } from './password';
import { FieldValidationException } from '../common/http/validation';
import { ProgrammesService } from '../programmes/programmes.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdatePreferencesDto } from './dto/preferences.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { Locale, Role, User } from './user.entity';
import { toUserView, UserView } from './user.view';
import { UsersRepository } from './users.repository';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly programmeCatalogue: ProgrammesService,
    private readonly accountTokens: AccountTokensRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD when no active admin exists: the
   * account is created, or, when that address already has an account (a demoted or deactivated
   * admin), made an active admin again with that password. So a restart always leaves a way in.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    if ((await this.users.activeAdminCount()) > 0) return;
    // several processes may boot at once: the repository's upsert keeps an admin made meanwhile
    const restored = await this.users.restoreAdmin(adminEmail, await hashPassword(adminPassword));
    if (restored) this.logger.log(`${restored.inserted ? 'first admin account created' : 'admin account restored'} for ${adminEmail}`);
  }

  async findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  async get(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user || user.erasedAt !== null) throw new NotFoundException('User not found');
    return user;
  }

  /** Reads an account through the caller's transaction (404 when missing or erased). */
  async getIn(em: EntityManager, id: string): Promise<User> {
    const user = await this.users.findById(id, em);
    if (!user || user.erasedAt !== null) throw new NotFoundException('User not found');
    return user;
  }

  /**
   * Inserts an account; 409 when the email is taken. Without a password the account is an
   * invitation: it cannot sign in until the invitation is accepted (see AccountLifecycleService).
   */
  async insert(
    input: {
      email: string;
      password?: string;
      fullName: string;
      role: Role;
      locale?: Locale;
      capacity?: number | null;
      programmes?: string[];
      languages?: string[];
      active?: boolean;
      emailVerified?: boolean;
    },
    em?: EntityManager,
  ): Promise<User> {
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const locale = input.locale ?? 'fr';
    const write = async (tx: EntityManager): Promise<User> => {
      const id = await this.users.insert(tx, {
        email: input.email,
        passwordHash,
        fullName: input.fullName,
        role: input.role,
        locale,
        active: input.active ?? true,
        capacity: input.capacity ?? null,
        programmes: input.programmes ?? [],
        languages: input.languages ?? (input.role === 'founder' ? [] : [locale]),
        weeklyDigest: true,
        emailVerifiedAt: input.emailVerified ? this.clock.now() : null,
        tokenVersion: 0,
      });
      return this.getIn(tx, id);
    };
    try {
      // inside the caller's transaction, or one of its own (the account and its reading back)
      return await (em ? write(em) : this.transactions.run(write));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new ConflictException('An account with this email already exists');
      throw error;
    }
  }

  /**
   * Staff account. With a password it is usable (and verified) at once; without one an
   * `invitation` email goes out in the same transaction and the account waits for its owner.
   */
  async create(dto: CreateUserDto, invitedBy: string): Promise<UserView> {
    await this.checkProgrammes(dto.programmes);
    if (dto.password !== undefined) return toUserView(await this.insert({ ...dto, emailVerified: true }));
    const now = this.clock.now();
    const user = await this.transactions.run(async (em) => {
      const invited = await this.insert(dto, em);
      const link = await this.accountTokens.create(em, invited.id, 'invitation', now);
      await enqueueEmails(em, [{ template: 'invitation', recipientId: invited.id, eventKey: link.id, data: { tokenId: link.id, invitedBy } }], now);
      return invited;
    });
    return toUserView(user);
  }

  /**
   * Sends a pending invitation again (a new link; the earlier ones stop working). 409 once the
   * invitation was accepted; 404 for a founder, as for every staff-account route.
   */
  async reinvite(id: string, invitedBy: string): Promise<void> {
    const now = this.clock.now();
    await this.transactions.run(async (em) => {
      const user = await this.users.lockForInvitation(em, id);
      if (!user || user.role === 'founder') throw new NotFoundException('User not found');
      if (!user.pending) throw new ConflictException('This invitation was already accepted');
      await this.accountTokens.spendAll(em, id, 'invitation', now);
      const link = await this.accountTokens.create(em, id, 'invitation', now);
      await enqueueEmails(em, [{ template: 'invitation', recipientId: id, eventKey: link.id, data: { tokenId: link.id, invitedBy } }], now);
    });
  }

  /** The stored password hash (null while an invitation is pending). */
  async passwordHashOf(id: string): Promise<string | null> {
    return this.users.passwordHashOf(id);
  }

  /**
   * Sets a new password and refuses every access token issued before (token version + 1). The
   * person proved they hold the address (a reset or invitation link) or were trusted by an admin:
   * the address counts as verified.
   */
  async setPassword(em: EntityManager, id: string, password: string, now: Date): Promise<User> {
    await this.users.setPassword(em, id, await hashPassword(password), now);
    return this.getIn(em, id);
  }

  /** Locks an active account by its address for a password reset; null when there is none. */
  lockActiveByEmail(em: EntityManager, email: string): Promise<{ id: string; hasPassword: boolean } | null> {
    return this.users.lockActiveByEmail(em, email);
  }

  /** Locks an account and tells whether a link may still set its password. */
  lockState(em: EntityManager, id: string): Promise<{ active: boolean; hasPassword: boolean; erased: boolean } | null> {
    return this.users.lockState(em, id);
  }

  async markEmailVerified(em: EntityManager, id: string, now: Date): Promise<User> {
    await this.users.markEmailVerified(em, id, now);
    return this.getIn(em, id);
  }

  /** The one-click unsubscribe: no more weekly digest (an erased account is left as it is). */
  async stopWeeklyDigest(id: string): Promise<void> {
    await this.users.stopWeeklyDigest(id);
  }

  /** Logout everywhere: every access token of the account stops working. */
  async revokeAllTokens(id: string): Promise<void> {
    await this.users.revokeAllTokens(id);
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserView> {
    const user = await this.get(id);
    if (user.role === 'founder') throw new NotFoundException('User not found');
    // PartialType makes every field optional, null included: only capacity may be cleared
    const nulls = Object.entries(dto).filter(([field, value]) => value === null && field !== 'capacity').map(([field]) => field);
    if (nulls.length > 0) throw new FieldValidationException(nulls.map((field) => ({ field, messages: [`${field} cannot be null`] })));
    await this.checkProgrammes(dto.programmes);
    const changes: Partial<User> = {};
    if (dto.email !== undefined) changes.email = dto.email;
    if (dto.fullName !== undefined) changes.fullName = dto.fullName;
    if (dto.role !== undefined) changes.role = dto.role;
    if (dto.locale !== undefined) changes.locale = dto.locale;
    if (dto.capacity !== undefined) changes.capacity = dto.capacity;
    if (dto.programmes !== undefined) changes.programmes = dto.programmes;
    if (dto.languages !== undefined) changes.languages = dto.languages;
    if (dto.active !== undefined) changes.active = dto.active;
    if (dto.password !== undefined) {
      changes.passwordHash = await hashPassword(dto.password);
      // an admin choosing the password vouches for the address, as at creation
      if (user.emailVerifiedAt === null) changes.emailVerifiedAt = this.clock.now();
    }
    // a new password or a deactivation ends every session: a token issued before stays refused,
    // even after a later reactivation
    if (dto.password !== undefined || (dto.active === false && user.active)) changes.tokenVersion = user.tokenVersion + 1;
    if (Object.keys(changes).length > 0) {
      try {
        await this.transactions.run(async (em) => {
          if (user.role === 'admin' && ((changes.role !== undefined && changes.role !== 'admin') || changes.active === false)) await this.keepOneAdmin(em, id);
          await this.users.update(id, changes, em);
        });
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new ConflictException('An account with this email already exists');
        throw error;
      }
    }
    return toUserView(await this.get(id));
  }

  /**
   * 409 when demoting or deactivating `id` would leave no active admin. Every active admin row is
   * locked first, so two admins demoting each other at once cannot both succeed.
   */
  private async keepOneAdmin(em: EntityManager, id: string): Promise<void> {
    const admins = await this.users.lockActiveAdmins(em);
    if (admins.some((a) => a.id === id) && admins.length <= 1) {
      throw new ConflictException('This is the last active admin: make another account an admin before demoting or deactivating this one');
    }
  }

  private async checkProgrammes(slugs: string[] | undefined): Promise<void> {
    const unknown = await this.programmeCatalogue.unknownSlugs(slugs ?? []);
    if (unknown.length > 0) throw new FieldValidationException([{ field: 'programmes', messages: [`programmes names unknown programmes: ${unknown.join(', ')}`] }]);
  }

  async updatePreferences(id: string, dto: UpdatePreferencesDto): Promise<UserView> {
    const changes: Partial<User> = {};
    if (dto.weeklyDigest !== undefined) changes.weeklyDigest = dto.weeklyDigest;
    if (dto.locale !== undefined) changes.locale = dto.locale;
    if (Object.keys(changes).length > 0) await this.users.update(id, changes);
    return toUserView(await this.get(id));
  }

  async list(query: ListUsersQuery): Promise<Page<UserView>> {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor, 2);
    if (query.role === 'founder') throw new ForbiddenException('The user list is for staff accounts; founders are not listed');
    // staff accounts only: founders' names and addresses are nobody's list to read
    const rows = await this.users.listStaff(query.role, after, limit + 1);
    return toPage(rows, limit, toUserView, (u) => [u.createdAt.toISOString(), u.id]);
  }
}
