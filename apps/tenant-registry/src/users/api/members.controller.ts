import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@auraison/auth';
import { ListQueryDto, pageRequest, toPageResponse, type PageResponse } from '@auraison/api-kit';
import { TenantIdParams } from '../../tenants/api/tenant.dto.js';
import { AddMember } from '../application/add-member.usecase.js';
import { ChangeMemberRole } from '../application/change-member-role.usecase.js';
import { ReadMembers } from '../application/read-members.usecase.js';
import { RemoveMember } from '../application/remove-member.usecase.js';
import {
  AddMemberDto,
  ChangeMemberRoleDto,
  MemberPageDto,
  MemberResponseDto,
  TenantUserParams,
  toMemberResponse,
} from './member.dto.js';

@ApiTags('users')
@Controller('api/v1/tenants/:id/users')
export class MembersController {
  constructor(
    private readonly addMember: AddMember,
    private readonly readMembers: ReadMembers,
    private readonly changeRole: ChangeMemberRole,
    private readonly removeMember: RemoveMember,
  ) {}

  @Post()
  @RequirePermission('users:write')
  @ApiOperation({ summary: 'Add a user to the tenant (created when the email is new)' })
  @ApiCreatedResponse({ type: MemberResponseDto })
  async add(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Body() body: AddMemberDto,
  ): Promise<MemberResponseDto> {
    return toMemberResponse(await this.addMember.execute(p, id, body.toCommand()));
  }

  @Get()
  @RequirePermission('users:read')
  @ApiOperation({ summary: "List the tenant's users and their roles" })
  @ApiOkResponse({ type: MemberPageDto })
  async list(
    @CurrentPrincipal() p: Principal,
    @Param() { id }: TenantIdParams,
    @Query() q: ListQueryDto,
  ): Promise<PageResponse<MemberResponseDto>> {
    return toPageResponse(await this.readMembers.list(p, id, pageRequest(q)), toMemberResponse);
  }

  @Get(':userId')
  @RequirePermission('users:read')
  @ApiOperation({ summary: 'Read one user of the tenant' })
  @ApiOkResponse({ type: MemberResponseDto })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param() { id, userId }: TenantUserParams,
  ): Promise<MemberResponseDto> {
    return toMemberResponse(await this.readMembers.get(p, id, userId));
  }

  @Patch(':userId')
  @RequirePermission('users:write')
  @ApiOperation({ summary: "Change a user's role (never above your own; the tenant keeps an admin)" })
  @ApiOkResponse({ type: MemberResponseDto })
  async changeRoleOf(
    @CurrentPrincipal() p: Principal,
    @Param() { id, userId }: TenantUserParams,
    @Body() body: ChangeMemberRoleDto,
  ): Promise<MemberResponseDto> {
    return toMemberResponse(await this.changeRole.execute(p, id, userId, body.role));
  }

  @Delete(':userId')
  @HttpCode(204)
  @RequirePermission('users:write')
  @ApiOperation({ summary: 'Remove a user from the tenant (revokes their API keys in it)' })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param() { id, userId }: TenantUserParams): Promise<void> {
    await this.removeMember.execute(p, id, userId);
  }
}
