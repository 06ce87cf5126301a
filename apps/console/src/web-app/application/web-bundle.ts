// The built single-page app on disk, read once per file and kept in memory (it is small and immutable
// for the life of the process).
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HealthService } from '@auraison/observability';
import { cacheControlOf, contentTypeOf, fileOfPath, isApiPath } from '../domain/static-files.js';

export const WEB_DIR = Symbol('WEB_DIR');

export interface WebFile {
  status: 200 | 404;
  contentType: string;
  cacheControl: string;
  body: Buffer;
}

@Injectable()
export class WebBundle implements OnModuleInit {
  private readonly cache = new Map<string, Buffer | null>();

  constructor(
    @Inject(WEB_DIR) private readonly dir: string,
    private readonly health: HealthService,
  ) {}

  onModuleInit(): void {
    this.health.addReadinessCheck('web', async () => {
      const index = await this.read('index.html');
      return index
        ? { ok: true, detail: this.dir }
        : {
            ok: false,
            detail: `${join(this.dir, 'index.html')} not found: build the console (npm run build)`,
          };
    });
  }

  /** What answers GET `urlPath`: the file, or index.html for app routes, or a 404 for API paths. */
  async get(urlPath: string): Promise<WebFile> {
    if (isApiPath(urlPath)) return this.notFound('no such API path');
    const file = fileOfPath(urlPath);
    const body = file ? await this.read(file) : undefined;
    if (file && body)
      return { status: 200, contentType: contentTypeOf(file), cacheControl: cacheControlOf(file), body };
    // A missing asset is a 404 (a stale page asking for an old bundle), not the app.
    if (file?.startsWith('assets/')) return this.notFound('no such asset');
    const index = await this.read('index.html');
    if (!index) return this.notFound('the console is not built (npm run build)');
    return { status: 200, contentType: contentTypeOf('index.html'), cacheControl: 'no-cache', body: index };
  }

  private notFound(message: string): WebFile {
    return {
      status: 404,
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-store',
      body: Buffer.from(JSON.stringify({ statusCode: 404, error: 'Not Found', message })),
    };
  }

  private async read(file: string): Promise<Buffer | undefined> {
    const cached = this.cache.get(file);
    if (cached !== undefined) return cached ?? undefined;
    const path = join(this.dir, file);
    let body: Buffer | null = null;
    try {
      if ((await stat(path)).isFile()) body = await readFile(path);
    } catch {
      body = null;
    }
    // Misses are not cached for index.html, so a build after start is picked up.
    if (body || file !== 'index.html') this.cache.set(file, body);
    return body ?? undefined;
  }
}
