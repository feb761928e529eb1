import { ConflictException, ForbiddenException, Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
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

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);
  private readonly users: Repository<User>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly programmeCatalogue: ProgrammesService,
    private readonly accountTokens: AccountTokensRepository,
    private readonly clock: Clock,
  ) {
    this.users = dataSource.getRepository(User);
  }

  /**
   * The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD when no active admin exists: the
   * account is created, or, when that address already has an account (a demoted or deactivated
   * admin), made an active admin again with that password. So a restart always leaves a way in.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    if ((await this.activeAdminCount()) > 0) return;
    const passwordHash = await hashPassword(adminPassword);
    // several processes may boot at once: the upsert is one statement, and the WHERE keeps an
    // admin made meanwhile by another process as it is
    const restored: { inserted: boolean }[] = await this.dataSource.query(
      `INSERT INTO users (email, password_hash, full_name, role, locale, languages, email_verified_at)
       VALUES ($1, $2, 'Administrator', 'admin', 'fr', '{fr,en}', now())
       ON CONFLICT (email) DO UPDATE SET role = 'admin', active = true, password_hash = EXCLUDED.password_hash,
         email_verified_at = coalesce(users.email_verified_at, now()), updated_at = now()
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active AND erased_at IS NULL)
       RETURNING (xmax = 0) AS inserted`,
      [adminEmail, passwordHash],
    );
    if (restored.length > 0) this.logger.log(`${restored[0].inserted ? 'first admin account created' : 'admin account restored'} for ${adminEmail}`);
  }

  private async activeAdminCount(): Promise<number> {
    return this.users.count({ where: { role: 'admin', active: true, erasedAt: IsNull() } });
  }

  async findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  async get(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user || user.erasedAt !== null) throw new NotFoundException('User not found');
    return user;
  }

  /** Reads an account through the caller's transaction (404 when missing or erased). */
  async getIn(em: EntityManager, id: string): Promise<User> {
    const user = await em.getRepository(User).findOne({ where: { id } });
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
    em: EntityManager = this.dataSource.manager,
  ): Promise<User> {
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const locale = input.locale ?? 'fr';
    try {
      const result = await em.getRepository(User).insert({
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
      return this.getIn(em, result.identifiers[0].id as string);
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
    const user = await this.dataSource.transaction(async (em) => {
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
    await this.dataSource.transaction(async (em) => {
      const rows: { role: Role; pending: boolean }[] = await em.query('SELECT role, password_hash IS NULL AS pending FROM users WHERE id = $1 AND erased_at IS NULL FOR UPDATE', [id]);
      const user = rows[0];
      if (!user || user.role === 'founder') throw new NotFoundException('User not found');
      if (!user.pending) throw new ConflictException('This invitation was already accepted');
      await this.accountTokens.spendAll(em, id, 'invitation', now);
      const link = await this.accountTokens.create(em, id, 'invitation', now);
      await enqueueEmails(em, [{ template: 'invitation', recipientId: id, eventKey: link.id, data: { tokenId: link.id, invitedBy } }], now);
    });
  }

  /** The stored password hash (null while an invitation is pending). */
  async passwordHashOf(id: string): Promise<string | null> {
    const rows: { password_hash: string | null }[] = await this.dataSource.query('SELECT password_hash FROM users WHERE id = $1 AND erased_at IS NULL', [id]);
    return rows[0]?.password_hash ?? null;
  }

  /**
   * Sets a new password and refuses every access token issued before (token version + 1). The
   * person proved they hold the address (a reset or invitation link) or were trusted by an admin:
   * the address counts as verified.
   */
  async setPassword(em: EntityManager, id: string, password: string, now: Date): Promise<User> {
    const passwordHash = await hashPassword(password);
    await em.query(
      'UPDATE users SET password_hash = $2, token_version = token_version + 1, email_verified_at = COALESCE(email_verified_at, $3), updated_at = $3 WHERE id = $1',
      [id, passwordHash, now],
    );
    return this.getIn(em, id);
  }

  /** Locks an active account by its address for a password reset; null when there is none. */
  async lockActiveByEmail(em: EntityManager, email: string): Promise<{ id: string; hasPassword: boolean } | null> {
    const rows: { id: string; has_password: boolean }[] = await em.query(
      'SELECT id, password_hash IS NOT NULL AS has_password FROM users WHERE email = $1 AND active AND erased_at IS NULL FOR UPDATE',
      [email],
    );
    return rows[0] ? { id: rows[0].id, hasPassword: rows[0].has_password } : null;
  }

  /** Locks an account and tells whether a link may still set its password. */
  async lockState(em: EntityManager, id: string): Promise<{ active: boolean; hasPassword: boolean; erased: boolean } | null> {
    const rows: { active: boolean; has_password: boolean; erased: boolean }[] = await em.query(
      'SELECT active, password_hash IS NOT NULL AS has_password, erased_at IS NOT NULL AS erased FROM users WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0] ? { active: rows[0].active, hasPassword: rows[0].has_password, erased: rows[0].erased } : null;
  }

  async markEmailVerified(em: EntityManager, id: string, now: Date): Promise<User> {
    await em.query('UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2 WHERE id = $1', [id, now]);
    return this.getIn(em, id);
  }

  /** The one-click unsubscribe: no more weekly digest (an erased account is left as it is). */
  async stopWeeklyDigest(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET weekly_digest = false, updated_at = now() WHERE id = $1 AND erased_at IS NULL', [id]);
  }

  /** Logout everywhere: every access token of the account stops working. */
  async revokeAllTokens(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [id]);
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
        await this.dataSource.transaction(async (em) => {
          if (user.role === 'admin' && ((changes.role !== undefined && changes.role !== 'admin') || changes.active === false)) await this.keepOneAdmin(em, id);
          await em.getRepository(User).update({ id }, changes);
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
    const admins: { id: string }[] = await em.query(`SELECT id FROM users WHERE role = 'admin' AND active AND erased_at IS NULL ORDER BY id FOR UPDATE`);
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
    if (Object.keys(changes).length > 0) await this.users.update({ id }, changes);
    return toUserView(await this.get(id));
  }

  async list(query: ListUsersQuery): Promise<Page<UserView>> {
    const limit = query.limit ?? 25;
    const after = decodeCursor(query.cursor, 2);
    if (query.role === 'founder') throw new ForbiddenException('The user list is for staff accounts; founders are not listed');
    // staff accounts only: founders' names and addresses are nobody's list to read
    const qb = this.users.createQueryBuilder('u').where("u.erased_at IS NULL AND u.role <> 'founder'");
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (after) qb.andWhere('(u.created_at, u.id) > (:at::timestamptz, :id::uuid)', { at: after[0], id: after[1] });
    const rows = await qb.orderBy('u.created_at', 'ASC').addOrderBy('u.id', 'ASC').limit(limit + 1).getMany();
    return toPage(rows, limit, toUserView, (u) => [u.createdAt.toISOString(), u.id]);
  }
}
