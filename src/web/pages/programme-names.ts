import { Injectable } from '@nestjs/common';
import type { Programme } from '../../programmes/programme.entity';
import { ProgrammesService } from '../../programmes/programmes.service';
import type { PageLocale } from '../i18n/catalogue';
import type { ProgrammeNames } from './application-presenter';

/** How long the pages reuse the catalogue they read: an admin's edit shows on the pages within this time. */
export const CATALOGUE_TTL_MS = 10_000;

/**
 * The programme catalogue as the pages show it (names, descriptions, readable rules), read at
 * most once per CATALOGUE_TTL_MS per process: every page names programmes, and reading the six
 * rows through the ORM on each page cost more than the rest of the page. Routing never uses
 * this copy (it reads the rules itself, by version).
 */
@Injectable()
export class ProgrammeNamesService {
  private cached: { at: number; programmes: Promise<Programme[]> } | null = null;

  constructor(private readonly programmes: ProgrammesService) {}

  /** Every programme, active or not (old decisions name inactive ones too). */
  all(): Promise<Programme[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > CATALOGUE_TTL_MS) {
      const programmes = this.programmes.list(true);
      this.cached = { at: now, programmes };
      programmes.catch(() => {
        this.cached = null;
      });
    }
    return this.cached.programmes;
  }

  async active(): Promise<Programme[]> {
    return (await this.all()).filter((p) => p.active);
  }

  async names(locale: PageLocale): Promise<ProgrammeNames> {
    return new Map((await this.all()).map((p) => [p.slug, p.name[locale]]));
  }
}
