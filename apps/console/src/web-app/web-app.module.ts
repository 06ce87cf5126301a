import { Module, type DynamicModule } from '@nestjs/common';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleConfig } from '../config.js';
import { WebAppController } from './api/web-app.controller.js';
import { WEB_DIR, WebBundle } from './application/web-bundle.js';

/** dist/web, next to the server bundle (dist/web-app/web-app.module.js). */
function defaultWebDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
}

@Module({})
export class WebAppModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: WebAppModule,
      controllers: [WebAppController],
      providers: [
        { provide: WEB_DIR, useValue: resolve(config.MP_CONSOLE_WEB_DIR ?? defaultWebDir()) },
        WebBundle,
      ],
    };
  }
}
