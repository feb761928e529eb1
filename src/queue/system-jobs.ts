import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobHandlerRegistry } from './job-handler.registry';

@Injectable()
export class SystemJobs implements OnModuleInit {
  constructor(private readonly registry: JobHandlerRegistry) {}

  onModuleInit(): void {
    this.registry.register('system.ping', async () => undefined);
  }
}
