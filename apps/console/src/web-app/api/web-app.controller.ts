import { Controller, Get, Req, Res } from '@nestjs/common';
import { Public } from '@auraison/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebBundle } from '../application/web-bundle.js';
import { SECURITY_HEADERS } from '../domain/static-files.js';

/** Every GET that no other route answers: the app's files, else index.html (deep links). */
@Controller()
export class WebAppController {
  constructor(private readonly bundle: WebBundle) {}

  @Get('*')
  @Public('the single-page app itself (HTML, scripts, styles); it holds no data')
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.bundle.get(req.url);
    void reply
      .status(file.status)
      .headers({ ...SECURITY_HEADERS, 'content-type': file.contentType, 'cache-control': file.cacheControl })
      .send(file.body);
  }
}
