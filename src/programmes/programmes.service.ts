import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions';
import { FieldValidationException } from '../common/http/validation';
import { ProgrammeRules, validateRules } from '../routing/rule-language';
import type { ProfileInput } from '../routing/application-profile';
import { recommend, Recommendations, RoutableProgramme } from '../routing/routing-engine';
import { CreateProgrammeDto, UpdateProgrammeDto } from './dto/programme.dto';
import { Programme } from './programme.entity';
import { ProgrammeVersionsRepository } from './programme-versions.repository';
import { ProgrammesRepository, type ProgrammeChanges } from './programmes.repository';
import { normaliseRubric, type Rubric } from './rubric';

@Injectable()
export class ProgrammesService {
  /**
   * Parsed rules by slug and rules version. Routing compiles rules once per rules object, so
   * reusing the same object while the version is unchanged keeps submissions cheap; a new
   * version (an admin's edit, from any process) is picked up on the next read.
   */
  private readonly rulesCache = new Map<string, { version: number; rules: ProgrammeRules }>();

  constructor(
    private readonly transactions: Transactions,
    private readonly programmes: ProgrammesRepository,
    private readonly versions: ProgrammeVersionsRepository,
  ) {}

  list(includeInactive: boolean): Promise<Programme[]> {
    return this.programmes.list(includeInactive);
  }

  async get(slug: string): Promise<Programme> {
    const programme = await this.programmes.findBySlug(slug);
    if (!programme) throw new NotFoundException('Programme not found');
    return programme;
  }

  async findBySlug(slug: string): Promise<Programme | null> {
    return this.programmes.findBySlug(slug);
  }

  /** Slugs among `slugs` that name no programme. */
  async unknownSlugs(slugs: string[]): Promise<string[]> {
    if (slugs.length === 0) return [];
    const known = await this.programmes.knownSlugs(slugs);
    return slugs.filter((s) => !known.has(s));
  }

  /**
   * Every programme as routing sees it (inactive ones included: routing skips them). Reads on
   * the caller's connection when given one (inside a transaction, never a second pool
   * connection), and fetches a programme's rules only when its rules version changed.
   */
  async routable(em?: EntityManager): Promise<(RoutableProgramme & { rulesVersion: number; requiredDocuments: string[] })[]> {
    const rows = await this.programmes.catalogue(em);
    const stale = rows.filter((row) => this.rulesCache.get(row.slug)?.version !== row.rules_version).map((row) => row.slug);
    if (stale.length > 0) {
      const fresh = await this.programmes.rulesOf(em, stale);
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
    await this.transactions.run(async (em) => {
      const inserted = await this.programmes.insert(em, {
        slug: dto.slug,
        kind: dto.kind,
        name: dto.name,
        description: dto.description,
        rules,
        active: dto.active ?? true,
        requiredDocuments: dto.requiredDocuments ?? [],
      });
      if (!inserted) throw new ConflictException(`A programme with the slug ${dto.slug} already exists`);
      await this.versions.insert(em, dto.slug, 1, rules, adminId);
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
    await this.transactions.run(async (em) => {
      const current = await this.programmes.lockForEdit(em, slug);
      if (!current) throw new NotFoundException('Programme not found');
      // compared in one key order (jsonb reorders an object's keys)
      if (rubric && JSON.stringify(rubric) !== JSON.stringify(normaliseRubric(current.rubric))) {
        // a new version each change: a review keeps the version it was scored on
        await this.programmes.setRubric(em, slug, rubric, current.rubric_version + 1, adminId);
      }
      const changes: ProgrammeChanges = { name: dto.name, description: dto.description, active: dto.active, requiredDocuments: dto.requiredDocuments };
      if (rules && JSON.stringify(rules) !== JSON.stringify(current.rules)) {
        const version = current.rules_version + 1;
        changes.rules = { rules, version };
        await this.versions.insert(em, slug, version, rules, adminId);
      }
      await this.programmes.update(em, slug, changes);
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
