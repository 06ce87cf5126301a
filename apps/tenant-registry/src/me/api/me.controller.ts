import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { DescribeCaller } from '../application/describe-caller.usecase.js';
import { MeResponseDto, toMeResponse } from './me.dto.js';

@ApiTags('me')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly describeCaller: DescribeCaller) {}

  @Get()
  @RequirePermission('self:read')
  @ApiOperation({ summary: 'The caller: user or service account, tenant, roles and permissions' })
  @ApiOkResponse({ type: MeResponseDto })
  async me(@CurrentPrincipal() p: Principal): Promise<MeResponseDto> {
    return toMeResponse(await this.describeCaller.execute(p));
  }
}
