import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ProgrammeRules } from '../routing/rule-language';

export interface ProgrammeRulesVersion {
  version: number;
  rules: ProgrammeRules;
  changedBy: { id: string; fullName: string } | null;
  createdAt: string;
}

/**
 * The history of a programme's routing rules (`programme_rule_versions`, one row per rules
 * version, written in the transaction of the edit that makes it): every query on it.
 */
@Injectable()
export class ProgrammeVersionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records rules version `version` of a programme, in the transaction of the edit that makes it. */
  async insert(em: EntityManager, slug: string, version: number, rules: ProgrammeRules, changedBy: string): Promise<void> {
    await em.query('INSERT INTO programme_rule_versions (programme, version, rules, changed_by) VALUES ($1, $2, $3, $4)', [slug, version, JSON.stringify(rules), changedBy]);
  }

  async list(slug: string, limit = 50): Promise<ProgrammeRulesVersion[]> {
    const rows: { version: number; rules: ProgrammeRules; changed_by: string | null; full_name: string | null; created_at: Date }[] = await this.dataSource.query(
      `SELECT v.version, v.rules, v.changed_by, u.full_name, v.created_at
       FROM programme_rule_versions v LEFT JOIN users u ON u.id = v.changed_by AND u.erased_at IS NULL
       WHERE v.programme = $1 ORDER BY v.version DESC LIMIT $2`,
      [slug, limit],
    );
    return rows.map((r) => ({
      version: r.version,
      rules: r.rules,
      changedBy: r.changed_by && r.full_name ? { id: r.changed_by, fullName: r.full_name } : null,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
