import { Global, Module } from '@nestjs/common';
import { TemplateRendererProvider } from './template-renderer.provider';

/** The compiled templates, once per process, for every role (checked at boot). */
@Global()
@Module({ providers: [TemplateRendererProvider], exports: [TemplateRendererProvider] })
export class TemplatesModule {}
