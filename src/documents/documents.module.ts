import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

/** API side of the documents (storage, table and cleanup come from DocumentStorageModule). */
@Module({ imports: [ApplicationsModule], controllers: [DocumentsController], providers: [DocumentsService], exports: [DocumentsService] })
export class DocumentsModule {}
