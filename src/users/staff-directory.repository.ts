import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { ASSIGNABLE_ROLES, STAFF_ROLES, type StaffRole } from '../domain/roles';

export interface StaffMember {
  id: string;
  fullName: string;
  role: StaffRole;
}

/**
 * Staff names for the pages: who a case is assigned to, who may be given one. Staff accounts
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

  /** Active advisors and programme managers, by name: the people a case can be given to. */
  async assignable(): Promise<StaffMember[]> {
    const rows = await preparedQuery<{ id: string; full_name: string; role: StaffMember['role'] }>(
      this.dataSource,
      `SELECT id, full_name, role FROM users WHERE role = ANY($1::text[]) AND active AND erased_at IS NULL ORDER BY lower(full_name), id LIMIT 500`,
      [ASSIGNABLE_ROLES],
    );
    return rows.map((r) => ({ id: r.id, fullName: r.full_name, role: r.role }));
  }
}
