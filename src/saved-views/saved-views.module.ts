import { Module } from '@nestjs/common';
import { SavedViewsRepository } from './saved-views.repository';
import { SavedViewsService } from './saved-views.service';

/** Staff members' saved inbox views (used by the staff pages; no API of their own yet). */
@Module({ providers: [SavedViewsRepository, SavedViewsService], exports: [SavedViewsService] })
export class SavedViewsModule {}
