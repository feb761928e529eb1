import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { STAFF_ROLES, type StaffRole } from '../domain/roles';

export interface StaffMember {
  id: string;
  fullName: string;
  role: StaffRole;
}

/**
 * Staff names for the pages: who a case is assigned to, who is named by email in a form. Staff accounts
 * only (a founder's name is never looked up here), erased accounts left out.
 */
@Injectable()
export class StaffDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** The names of these staff members (an id that is not a staff account is absent). */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await preparedQuery<{ id: string; full_name: string }>(
      this.dataSource,
      `SELECT id, full_name FROM users WHERE id = ANY($1::uuid[]) AND role = ANY($2::text[]) AND erased_at IS NULL`,
      [unique, STAFF_ROLES],
    );
    return new Map(rows.map((r) => [r.id, r.full_name]));
  }

  /**
   * The staff account with this email (any staff role, active or not; erased accounts left out),
   * or null: how the pages name a colleague to filter by or give a case to. Emails are stored in
   * lower case, so the lookup is the unique index's.
   */
  async byEmail(email: string): Promise<StaffMember | null> {
    // longer than any address can be (RFC 5321): nobody, and nothing sent to PostgreSQL
    if (email.trim().length > 254) return null;
    const rows = await preparedQuery<{ id: string; full_name: string; role: StaffRole }>(
      this.dataSource,
      `SELECT id, full_name, role FROM users WHERE email = $1 AND role = ANY($2::text[]) AND erased_at IS NULL`,
      [email.trim().toLowerCase(), STAFF_ROLES],
    );
    return rows.length === 0 ? null : { id: rows[0].id, fullName: rows[0].full_name, role: rows[0].role };
  }
}
