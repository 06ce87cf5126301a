// Users are global (one email, many tenants). This repository is only used to link a user to a tenant:
// what a tenant sees of its users comes through MembershipRepository, filtered by its scope.
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@auraison/api-kit';

@Injectable()
export class UserRepository {
  /**
   * The id of the user with this email, creating the user when the email is new (safe against a
   * concurrent creation of the same email). Internal: callers never return it unless the user is, or
   * becomes, a member of the caller's tenant.
   */
  async findOrCreate(
    tx: Queryable,
    user: { id: string; email: string; displayName: string },
  ): Promise<string> {
    const inserted = await tx.query<Array<{ id: string }>>(
      `INSERT INTO tenant_registry.users (id, email, display_name) VALUES ($1, $2, $3)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [user.id, user.email, user.displayName],
    );
    if (inserted[0]) return inserted[0].id;
    const existing = await tx.query<Array<{ id: string }>>(
      `SELECT id FROM tenant_registry.users WHERE email = $1`,
      [user.email],
    );
    if (!existing[0]) throw new Error('user vanished between insert and select');
    return existing[0].id;
  }
}
