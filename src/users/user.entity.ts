import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import { isStaffRole, ROLES, STAFF_ROLES as STAFF_ROLE_LIST, type Role } from '../domain/roles';

export { ROLES, type Role };
/** The staff roles (`src/domain/roles.ts`), typed as a list of any role for `includes`. */
export const STAFF_ROLES: readonly Role[] = STAFF_ROLE_LIST;
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  email: string;

  /** null while an invitation is pending: the account cannot sign in until it is accepted */
  @Column('text', { name: 'password_hash', select: false, nullable: true })
  passwordHash: string | null;

  @Column('text', { name: 'full_name' })
  fullName: string;

  @Column('text')
  role: Role;

  @Column('text')
  locale: Locale;

  @Column('boolean')
  active: boolean;

  @Column('integer', { nullable: true })
  capacity: number | null;

  @Column('text', { array: true })
  programmes: string[];

  @Column('text', { array: true })
  languages: string[];

  @Column('boolean', { name: 'weekly_digest' })
  weeklyDigest: boolean;

  @Column('timestamptz', { name: 'last_assigned_at', nullable: true })
  lastAssignedAt: Date | null;

  /** when the owner proved the address is theirs (a verification, reset or invitation link) */
  @Column('timestamptz', { name: 'email_verified_at', nullable: true })
  emailVerifiedAt: Date | null;

  /** access tokens and web sessions carry it; raising it refuses every one issued before (see UsersRepository.sessionAccount) */
  @Column('integer', { name: 'token_version' })
  tokenVersion: number;

  @Column('timestamptz', { name: 'erased_at', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export function isStaff(role: Role): boolean {
  return isStaffRole(role);
}
