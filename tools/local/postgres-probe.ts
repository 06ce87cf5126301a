// Connection checks against PostgreSQL with the `pg` client.
import pg from 'pg';
import { errorText } from './infra-common.js';

export type ProbeResult = { ok: true; version: string } | { ok: false; error: string };

export async function probePostgres(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A server that goes away after connect emits 'error' on the client; it must not crash us.
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return { ok: true, version: result.rows[0]?.server_version ?? 'unknown' };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the database unless it exists (tolerates a concurrent creator). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount !== 0) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 42P04 duplicate_database, 23505 unique_violation: someone else created it just now.
      if (code === '42P04' || code === '23505') return false;
      throw err;
    }
  } finally {
    await client.end().catch(() => {});
  }
}
