import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { FieldValidationException } from '../common/http/validation';
import { ProgrammeRules, validateRules } from '../routing/rule-language';
import type { ProfileInput } from '../routing/application-profile';
import { recommend, Recommendations, RoutableProgramme } from '../routing/routing-engine';
import { CreateProgrammeDto, UpdateProgrammeDto } from './dto/programme.dto';
import { Programme } from './programme.entity';
import { normaliseRubric, type Rubric } from './rubric';

@Injectable()
export class ProgrammesService {
  private readonly programmes: Repository<Programme>;
  /**
   * Parsed rules by slug and rules version. Routing compiles rules once per rules object, so
   * reusing the same object while the version is unchanged keeps submissions cheap; a new
   * version (an admin's edit, from any process) is picked up on the next read.
   */
  private readonly rulesCache = new Map<string, { version: number; rules: ProgrammeRules }>();

  constructor(private readonly dataSource: DataSource) {
    this.programmes = dataSource.getRepository(Programme);
  }

  list(includeInactive: boolean): Promise<Programme[]> {
    return this.programmes.find({ where: includeInactive ? {} : { active: true }, order: { position: 'ASC', slug: 'ASC' } });
  }

  async get(slug: string): Promise<Programme> {
    const programme = await this.programmes.findOne({ where: { slug } });
    if (!programme) throw new NotFoundException('Programme not found');
    return programme;
  }

  async findBySlug(slug: string): Promise<Programme | null> {
    return this.programmes.findOne({ where: { slug } });
  }

  /** Slugs among `slugs` that name no programme. */
  async unknownSlugs(slugs: string[]): Promise<string[]> {
    if (slugs.length === 0) return [];
    const found = await this.programmes.find({ select: { slug: true }, where: { slug: In(slugs) } });
    const known = new Set(found.map((p) => p.slug));
    return slugs.filter((s) => !known.has(s));
  }

  /**
   * Every programme as routing sees it (inactive ones included: routing skips them). Reads on
   * the caller's connection when given one (inside a transaction, never a second pool
   * connection), and fetches a programme's rules only when its rules version changed.
   */
  async routable(em: EntityManager = this.dataSource.manager): Promise<(RoutableProgramme & { rulesVersion: number; requiredDocuments: string[] })[]> {
    const rows: { slug: string; kind: 'internal' | 'external'; active: boolean; rules_version: number; required_documents: string[] }[] = await em.query(
      'SELECT slug, kind, active, rules_version, required_documents FROM programmes ORDER BY position, slug',
    );
    const stale = rows.filter((row) => this.rulesCache.get(row.slug)?.version !== row.rules_version).map((row) => row.slug);
    if (stale.length > 0) {
      const fresh: { slug: string; rules_version: number; rules: ProgrammeRules }[] = await em.query('SELECT slug, rules_version, rules FROM programmes WHERE slug = ANY($1)', [stale]);
      for (const f of fresh) this.rulesCache.set(f.slug, { version: f.rules_version, rules: f.rules });
    }
    return rows
      .filter((row) => this.rulesCache.has(row.slug))
      .map((row) => {
        const cached = this.rulesCache.get(row.slug) as { version: number; rules: ProgrammeRules };
        return { slug: row.slug, kind: row.kind, active: row.active, rules: cached.rules, rulesVersion: cached.version, requiredDocuments: row.required_documents };
      });
  }

  /**
   * Routing as it would answer with `rules` in place of the programme's current ones, on a sample
   * profile: nothing is saved. The rules are checked as an edit would check them (400 naming
   * each bad part), so the preview never runs rules that could not be saved.
   */
  async previewRouting(slug: string, rules: unknown, profile: ProfileInput, options: { today: string; locale: 'fr' | 'en' }): Promise<Recommendations> {
    const edited = checkRules(rules);
    const programmes = await this.routable();
    if (!programmes.some((p) => p.slug === slug)) throw new NotFoundException('Programme not found');
    return recommend(
      programmes.map((p) => (p.slug === slug ? { ...p, rules: edited } : p)),
      profile,
      options,
    );
  }

  async create(dto: CreateProgrammeDto, adminId: string): Promise<Programme> {
    const rules = checkRules(dto.rules);
    await this.dataSource.transaction(async (em) => {
      const inserted: unknown[] = await em.query(
        `INSERT INTO programmes (slug, kind, name, description, rules, active, required_documents, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT coalesce(max(position), 0) + 1 FROM programmes))
         ON CONFLICT (slug) DO NOTHING RETURNING slug`,
        [dto.slug, dto.kind, dto.name, dto.description, JSON.stringify(rules), dto.active ?? true, dto.requiredDocuments ?? []],
      );
      if (inserted.length === 0) throw new ConflictException(`A programme with the slug ${dto.slug} already exists`);
      await em.query('INSERT INTO programme_rule_versions (programme, version, rules, changed_by) VALUES ($1, 1, $2, $3)', [dto.slug, JSON.stringify(rules), adminId]);
    });
    return this.get(dto.slug);
  }

  /**
   * Admins edit everything; a programme manager only the rubric of a programme they manage
   * (403 otherwise: a manager may never edit rules, texts or another programme).
   */
  async update(slug: string, dto: UpdateProgrammeDto, user: Pick<AuthUser, 'id' | 'role' | 'programmes'>): Promise<Programme> {
    const adminId = user.id;
    if (user.role !== 'admin') {
      const others = Object.keys(dto).filter((k) => k !== 'rubric' && (dto as Record<string, unknown>)[k] !== undefined);
      if (others.length > 0) throw new ForbiddenException(`A programme manager may change only the rubric (not ${others.join(', ')})`);
      if (!(await this.findBySlug(slug))) throw new NotFoundException('Programme not found');
      if (!user.programmes.includes(slug)) throw new ForbiddenException('You do not manage this programme');
    }
    const rules = dto.rules === undefined ? undefined : checkRules(dto.rules);
    const rubric = dto.rubric === undefined ? undefined : normaliseRubric(dto.rubric as Rubric);
    await this.dataSource.transaction(async (em) => {
      const rows: { rules_version: number; rules: unknown; rubric: Rubric; rubric_version: number }[] = await em.query(
        'SELECT rules_version, rules, rubric, rubric_version FROM programmes WHERE slug = $1 FOR UPDATE',
        [slug],
      );
      if (rows.length === 0) throw new NotFoundException('Programme not found');
      // compared in one key order (jsonb reorders an object's keys)
      if (rubric && JSON.stringify(rubric) !== JSON.stringify(normaliseRubric(rows[0].rubric))) {
        // a new version each change: a review keeps the version it was scored on
        const version = rows[0].rubric_version + 1;
        await em.query('UPDATE programmes SET rubric = $2, rubric_version = $3 WHERE slug = $1', [slug, JSON.stringify(rubric), version]);
        await em.query('INSERT INTO programme_rubric_versions (programme, version, rubric, changed_by) VALUES ($1, $2, $3, $4)', [slug, version, JSON.stringify(rubric), adminId]);
      }
      const sets: string[] = ['updated_at = now()'];
      const params: unknown[] = [slug];
      const add = (column: string, value: unknown): void => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (dto.name) add('name', dto.name);
      if (dto.description) add('description', dto.description);
      if (dto.active !== undefined) add('active', dto.active);
      if (dto.requiredDocuments !== undefined) add('required_documents', dto.requiredDocuments);
      if (rules && JSON.stringify(rules) !== JSON.stringify(rows[0].rules)) {
        const version = rows[0].rules_version + 1;
        add('rules', JSON.stringify(rules));
        add('rules_version', version);
        await em.query('INSERT INTO programme_rule_versions (programme, version, rules, changed_by) VALUES ($1, $2, $3, $4)', [slug, version, JSON.stringify(rules), adminId]);
      }
      await em.query(`UPDATE programmes SET ${sets.join(', ')} WHERE slug = $1`, params);
    });
    return this.get(slug);
  }
}

/** 400 pointing at the bad part of the rules, e.g. `rules.conditions[1].when.op`. */
function checkRules(input: unknown): ProgrammeRules {
  const result = validateRules(input);
  if (result.ok) return result.rules;
  const byPath = new Map<string, string[]>();
  for (const error of result.errors) {
    const field = error.path ? `rules.${error.path}` : 'rules';
    byPath.set(field, [...(byPath.get(field) ?? []), `${field}: ${error.message}`]);
  }
  throw new FieldValidationException([...byPath].map(([field, messages]) => ({ field, messages })));
}
