import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SigningKeyRow {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateKeyPkcs8: string;
  createdAt: Date;
  retiredAt: Date | null;
}

interface Row {
  kid: string;
  public_jwk: Record<string, unknown>;
  private_key_pkcs8: string;
  created_at: Date;
  retired_at: Date | null;
}

const toKey = (r: Row): SigningKeyRow => ({
  kid: r.kid,
  publicJwk: r.public_jwk,
  privateKeyPkcs8: r.private_key_pkcs8,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

@Injectable()
export class SigningKeyRepository {
  constructor(private readonly db: DataSource) {}

  async active(): Promise<SigningKeyRow | undefined> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM tenant_registry.signing_keys WHERE retired_at IS NULL`,
    );
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  /** Keys whose tokens may still be valid: the active one and those retired after `since`. */
  async verifiable(since: Date): Promise<SigningKeyRow[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM tenant_registry.signing_keys WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC`,
      [since],
    );
    return rows.map(toKey);
  }

  /** Inserts a new active key; false when another replica made one first (one active key at most). */
  async insertActive(key: Omit<SigningKeyRow, 'createdAt' | 'retiredAt'>): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `INSERT INTO tenant_registry.signing_keys (kid, public_jwk, private_key_pkcs8) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING kid`,
      [key.kid, key.publicJwk, key.privateKeyPkcs8],
    );
    return rows.length === 1;
  }

  /** Retires the active key and activates `next` in one transaction. */
  async rotate(next: Omit<SigningKeyRow, 'createdAt' | 'retiredAt'>): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`UPDATE tenant_registry.signing_keys SET retired_at = now() WHERE retired_at IS NULL`);
      await m.query(
        `INSERT INTO tenant_registry.signing_keys (kid, public_jwk, private_key_pkcs8) VALUES ($1, $2, $3)`,
        [next.kid, next.publicJwk, next.privateKeyPkcs8],
      );
    });
  }
}
