import { All, Controller, Post, Req, Res } from '@nestjs/common';
import { Public, RequirePermission } from '@auraison/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Gateway, type GatewayResponse } from '../application/gateway.service.js';

function send(reply: FastifyReply, res: GatewayResponse): void {
  void reply.status(res.status).headers(res.headers).send(res.body);
}

/**
 * `/api/<service>/...` → the service. The token is verified here (any signed-in principal may pass;
 * the service checks the permission of each endpoint) and sent on unchanged.
 */
@Controller('api')
export class GatewayController {
  constructor(private readonly gateway: Gateway) {}

  @Post('tenant-registry/api/v1/auth/token')
  @Public('sign-in: exchanges an API key for an access token at the tenant registry (which rate-limits it)')
  async signIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.gateway.forward(req));
  }

  @All(':service/*')
  @RequirePermission('self:read')
  async forward(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.gateway.forward(req));
  }
}
