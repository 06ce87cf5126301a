import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { TenantIdParams } from '../../tenants/api/tenant.dto.js';
import { TenantManifests } from '../application/tenant-manifests.service.js';

@ApiTags('kubernetes')
@Controller('api/v1/tenants/:id/k8s-manifests')
export class K8sManifestsController {
  constructor(private readonly manifests: TenantManifests) {}

  @Get()
  @RequirePermission('k8s:read')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiProduces('application/yaml')
  @ApiOperation({
    summary: "The tenant's Namespace, ResourceQuota, LimitRange and RoleBindings as multi-document YAML",
  })
  @ApiOkResponse({ description: 'YAML, ready for kubectl apply -f -', schema: { type: 'string' } })
  async get(@CurrentPrincipal() p: Principal, @Param() { id }: TenantIdParams): Promise<string> {
    return this.manifests.yamlFor(p, id);
  }
}
