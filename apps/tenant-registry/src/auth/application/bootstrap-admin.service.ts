// First start on an empty database: create the platform tenant, a platform admin and an API key for
// them, and print the key once, so `npm start` on a fresh machine ends with a working credential.
// MP_BOOTSTRAP_ADMIN_KEY supplies the key instead (deployments keep it in a Secret).
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger } from '@auraison/observability';
import { DataSource } from 'typeorm';
import { generateApiKey, hashSecret, parseApiKey } from '../domain/api-key.js';

export const BOOTSTRAP_OPTIONS = Symbol('BOOTSTRAP_OPTIONS');

export interface BootstrapOptions {
  /** A key to install instead of generating one (`mpk_<prefix>_<secret>`). */
  adminKey?: string;
  adminEmail: string;
  /** Where the one-time key announcement goes (stdout by default). */
  announce?: (text: string) => void;
}

export const PLATFORM_TENANT_SLUG = 'platform';

@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  constructor(
    private readonly db: DataSource,
    @Inject(BOOTSTRAP_OPTIONS) private readonly options: BootstrapOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const created = await this.run();
    if (!created) return;
    const announce = this.options.announce ?? ((text: string) => process.stdout.write(`${text}\n`));
    if (created.generated) {
      // Printed once, outside the JSON log, and never stored in clear.
      announce(
        [
          '',
          '================ Auraison management plane: first start ================',
          `Platform admin API key (shown once, keep it safe): ${created.token}`,
          'Get an access token:',
          `  curl -s -X POST http://127.0.0.1:3001/api/v1/auth/token -H 'Content-Type: application/json' -d '{"api_key":"${created.token}"}'`,
          '=========================================================================',
          '',
        ].join('\n'),
      );
    }
    this.logger.info(
      { tenant_id: created.tenantId, user_id: created.userId },
      `created the platform tenant and admin ${this.options.adminEmail}${created.generated ? '' : ' with the key from MP_BOOTSTRAP_ADMIN_KEY'}`,
    );
  }

  /** Creates the platform admin when there is no user at all; safe when several replicas start at once. */
  async run(): Promise<{ token: string; generated: boolean; tenantId: string; userId: string } | undefined> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('auraison:bootstrap-admin'))`);
      const [{ n }] = await m.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM tenant_registry.users`);
      if (n > 0) return undefined;
      const supplied = this.options.adminKey ? parseApiKey(this.options.adminKey) : undefined;
      if (this.options.adminKey && !supplied)
        throw new Error('MP_BOOTSTRAP_ADMIN_KEY must look like mpk_<12 chars a-z2-7>_<43 chars base64url>');
      const generated = supplied ? undefined : generateApiKey();
      const prefix = supplied?.prefix ?? generated!.prefix;
      const secretHash = supplied ? hashSecret(supplied.secret) : generated!.secretHash;
      const tenantId = randomUUID();
      const userId = randomUUID();
      await m.query(
        `INSERT INTO tenant_registry.tenants (id, slug, name, k8s_namespace, is_platform)
         VALUES ($1, $2, 'Platform', 'mp-platform', true)`,
        [tenantId, PLATFORM_TENANT_SLUG],
      );
      await m.query(
        `INSERT INTO tenant_registry.users (id, email, display_name) VALUES ($1, $2, 'Platform admin')`,
        [userId, this.options.adminEmail.toLowerCase()],
      );
      await m.query(
        `INSERT INTO tenant_registry.memberships (tenant_id, user_id, role) VALUES ($1, $2, 'platform_admin')`,
        [tenantId, userId],
      );
      await m.query(
        `INSERT INTO tenant_registry.api_keys (id, tenant_id, prefix, secret_hash, name, owner_user_id)
         VALUES ($1, $2, $3, $4, 'bootstrap admin key', $5)`,
        [randomUUID(), tenantId, prefix, secretHash, userId],
      );
      return { token: this.options.adminKey ?? generated!.token, generated: !supplied, tenantId, userId };
    });
  }
}
