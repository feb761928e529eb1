import { Injectable } from '@nestjs/common';
import { preparedQuery } from '../database/prepared-query';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import type { LocalizedText, ProgrammeRules } from '../routing/rule-language';
import type { ProgrammeKind } from '../routing/routing-engine';
import { Programme } from './programme.entity';
import type { Rubric } from './rubric';

/** A programme as routing reads it, before its rules are fetched (they are cached by version). */
export interface CatalogueRow {
  slug: string;
  kind: ProgrammeKind;
  active: boolean;
  rules_version: number;
  required_documents: string[];
}

/** What an edit changes on the programme's row (undefined: unchanged). */
export interface ProgrammeChanges {
  name?: LocalizedText;
  description?: LocalizedText;
  active?: boolean;
  requiredDocuments?: string[];
  rules?: { rules: ProgrammeRules; version: number };
}

/**
 * The `programmes` table and its rubric history (`programme_rubric_versions`); the rules'
 * history is ProgrammeVersionsRepository's. The catalogue is read through the TypeORM entity
 * (`Programme`, what the API and the pages show); routing and the edits use plain SQL.
 */
@Injectable()
export class ProgrammesRepository {
  private readonly programmes: Repository<Programme>;

  constructor(private readonly dataSource: DataSource) {
    this.programmes = dataSource.getRepository(Programme);
  }

  list(includeInactive: boolean): Promise<Programme[]> {
    return this.programmes.find({ where: includeInactive ? {} : { active: true }, order: { position: 'ASC', slug: 'ASC' } });
  }

  findBySlug(slug: string): Promise<Programme | null> {
    return this.programmes.findOne({ where: { slug } });
  }

  /** The slugs among `slugs` that name a programme. */
  async knownSlugs(slugs: string[]): Promise<Set<string>> {
    const found = await this.programmes.find({ select: { slug: true }, where: { slug: In(slugs) } });
    return new Set(found.map((p) => p.slug));
  }

  /** Every programme, without its rules, in the catalogue's order (on the caller's connection when given one). */
  catalogue(em?: EntityManager): Promise<CatalogueRow[]> {
    const text = 'SELECT slug, kind, active, rules_version, required_documents FROM programmes ORDER BY position, slug';
    // outside a transaction, a named statement: the routing reads it on every submission and case page
    return em ? em.query(text) : preparedQuery<CatalogueRow>(this.dataSource, text, []);
  }

  rulesOf(em: EntityManager = this.dataSource.manager, slugs: string[]): Promise<{ slug: string; rules_version: number; rules: ProgrammeRules }[]> {
    return em.query('SELECT slug, rules_version, rules FROM programmes WHERE slug = ANY($1)', [slugs]);
  }

  /** False when the slug is taken. The new programme goes last in the catalogue. */
  async insert(
    em: EntityManager,
    p: { slug: string; kind: ProgrammeKind; name: LocalizedText; description: LocalizedText; rules: ProgrammeRules; active: boolean; requiredDocuments: string[] },
  ): Promise<boolean> {
    const inserted: unknown[] = await em.query(
      `INSERT INTO programmes (slug, kind, name, description, rules, active, required_documents, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT coalesce(max(position), 0) + 1 FROM programmes))
       ON CONFLICT (slug) DO NOTHING RETURNING slug`,
      [p.slug, p.kind, p.name, p.description, JSON.stringify(p.rules), p.active, p.requiredDocuments],
    );
    return inserted.length > 0;
  }

  /** The versioned parts of a programme, its row locked FOR UPDATE until the edit commits; null if none. */
  async lockForEdit(em: EntityManager, slug: string): Promise<{ rules_version: number; rules: unknown; rubric: Rubric; rubric_version: number } | null> {
    const rows: { rules_version: number; rules: unknown; rubric: Rubric; rubric_version: number }[] = await em.query(
      'SELECT rules_version, rules, rubric, rubric_version FROM programmes WHERE slug = $1 FOR UPDATE',
      [slug],
    );
    return rows[0] ?? null;
  }

  /** A new rubric, as version `version`, kept in the rubric history (a review keeps the version it was scored on). */
  async setRubric(em: EntityManager, slug: string, rubric: Rubric, version: number, changedBy: string): Promise<void> {
    await em.query('UPDATE programmes SET rubric = $2, rubric_version = $3 WHERE slug = $1', [slug, JSON.stringify(rubric), version]);
    await em.query('INSERT INTO programme_rubric_versions (programme, version, rubric, changed_by) VALUES ($1, $2, $3, $4)', [slug, version, JSON.stringify(rubric), changedBy]);
  }

  /** Writes the given changes and `updated_at` (always). */
  async update(em: EntityManager, slug: string, changes: ProgrammeChanges): Promise<void> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [slug];
    const add = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (changes.name) add('name', changes.name);
    if (changes.description) add('description', changes.description);
    if (changes.active !== undefined) add('active', changes.active);
    if (changes.requiredDocuments !== undefined) add('required_documents', changes.requiredDocuments);
    if (changes.rules) {
      add('rules', JSON.stringify(changes.rules.rules));
      add('rules_version', changes.rules.version);
    }
    await em.query(`UPDATE programmes SET ${sets.join(', ')} WHERE slug = $1`, params);
  }
}
