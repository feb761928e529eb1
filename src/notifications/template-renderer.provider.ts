import { Injectable, OnModuleInit } from '@nestjs/common';
import { TemplateRenderer } from './templates/template-renderer';

/**
 * Compiles every template once at start-up: a missing template or locale, or one that does not
 * compile, fails the boot with the file's name instead of failing a user's email later.
 */
@Injectable()
export class TemplateRendererProvider implements OnModuleInit {
  private renderer: TemplateRenderer | null = null;

  onModuleInit(): void {
    this.renderer = TemplateRenderer.load();
  }

  get(): TemplateRenderer {
    if (!this.renderer) this.renderer = TemplateRenderer.load();
    return this.renderer;
  }
}
