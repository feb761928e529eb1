import { Injectable } from '@nestjs/common';
import { ProgrammesService } from '../../programmes/programmes.service';
import type { PageLocale } from '../i18n/catalogue';
import type { ProgrammeNames } from './application-presenter';

/** Programme names by slug in a language (every programme, active or not: old decisions name them too). */
@Injectable()
export class ProgrammeNamesService {
  constructor(private readonly programmes: ProgrammesService) {}

  async names(locale: PageLocale): Promise<ProgrammeNames> {
    const all = await this.programmes.list(true);
    return new Map(all.map((p) => [p.slug, p.name[locale]]));
  }
}
