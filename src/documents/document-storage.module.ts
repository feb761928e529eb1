import { Global, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { DocumentCleanupService } from './document-cleanup.service';
import { DOCUMENT_STORAGE, type DocumentStorage } from './document-storage';
import { DocumentsRepository } from './documents.repository';
import { LocalDocumentStorage } from './local-document-storage';
import { S3DocumentStorage } from './s3-document-storage';

export function createDocumentStorage(config: AppConfig): DocumentStorage {
  return config.s3 ? new S3DocumentStorage(config.s3) : new LocalDocumentStorage(config.filesDir);
}

/** The document storage (chosen once from the configuration), the documents' table and the cleanup; every role. */
@Global()
@Module({
  providers: [{ provide: DOCUMENT_STORAGE, inject: [APP_CONFIG], useFactory: createDocumentStorage }, DocumentsRepository, DocumentCleanupService],
  exports: [DOCUMENT_STORAGE, DocumentsRepository, DocumentCleanupService],
})
export class DocumentStorageModule implements OnModuleInit {
  private readonly logger = new Logger('Documents');

  constructor(@Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage) {}

  async onModuleInit(): Promise<void> {
    if (!(this.storage instanceof S3DocumentStorage)) return;
    try {
      await this.storage.ensureBucket();
    } catch (error) {
      // not fatal: uploads answer 503 until the storage is reachable
      this.logger.warn(`document bucket not checked (S3 unreachable?): ${(error as Error).message}`);
    }
  }
}
