// GET /api/v1/audit/verify: re-walks a tenant's chain from row 1 to the head read at the start (rows
// appended meanwhile are left for the next verification) and reports the first broken link, then checks
// that the stored head and the last published checkpoint are still rows of the chain.
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@auraison/auth';
import { GENESIS_HASH } from '../domain/record-chain.js';
import { ChainRepository, type RowLink } from '../persistence/chain.repository.js';
import { AuditMetrics } from './audit-metrics.js';
import { VerificationSlots } from './verification-slots.js';

/** Rows re-hashed per query: big enough to amortize the query, small enough to stop early. */
export const VERIFY_RANGE_ROWS = 50_000;

export interface BrokenLink {
  seq: number;
  eventId: string | null;
  reason: string;
  expectedHash: string | null;
  storedHash: string | null;
}

export interface VerificationReport {
  tenantId: string;
  intact: boolean;
  rowsVerified: number;
  head: { seq: number; rowHash: string } | null;
  firstBrokenLink: BrokenLink | null;
  checkpoint: { seq: number; rowHash: string; publishedAt: string; matches: boolean } | null;
  durationMs: number;
}

const hex = (b: Buffer | null | undefined): string | null => (b ? b.toString('hex') : null);

@Injectable()
export class VerifyChain {
  constructor(
    private readonly chain: ChainRepository,
    private readonly metrics: AuditMetrics,
    private readonly slots: VerificationSlots,
  ) {}

  async execute(scope: TenantScope): Promise<VerificationReport> {
    return this.slots.run(async () => this.walk(scope));
  }

  private async walk(scope: TenantScope): Promise<VerificationReport> {
    const started = performance.now();
    const head = await this.chain.head(scope);
    let prev: RowLink = { seq: 0, rowHash: GENESIS_HASH };
    let broken: BrokenLink | null = null;
    while (head && prev.seq < head.seq && !broken) {
      const to = Math.min(head.seq, prev.seq + VERIFY_RANGE_ROWS);
      const failure = await this.chain.firstFailure(scope, prev, to);
      if (failure) {
        broken = describe(failure);
        break;
      }
      const last = await this.chain.lastRowUpTo(scope, prev.seq, to);
      if (!last || last.seq !== to) {
        const missing = (last?.seq ?? prev.seq) + 1;
        broken = {
          seq: missing,
          eventId: null,
          reason: `row ${missing} is missing`,
          expectedHash: null,
          storedHash: null,
        };
        break;
      }
      prev = last;
    }
    if (head && !broken && !prev.rowHash.equals(head.rowHash))
      broken = {
        seq: head.seq,
        eventId: (await this.chain.eventIdAt(scope, head.seq)) ?? null,
        reason: 'the stored chain head does not match the last row',
        expectedHash: hex(prev.rowHash),
        storedHash: hex(head.rowHash),
      };
    const checkpoint = head?.publishedHash && head.publishedAt ? await this.checkpoint(scope, head) : null;
    if (checkpoint && !checkpoint.matches && !broken)
      broken = {
        seq: checkpoint.seq,
        eventId: (await this.chain.eventIdAt(scope, checkpoint.seq)) ?? null,
        reason: 'the row no longer has the hash published in the last checkpoint',
        expectedHash: checkpoint.rowHash,
        storedHash: null,
      };
    const rowsVerified = broken ? Math.max(0, broken.seq - 1) : (head?.seq ?? 0);
    const durationMs = performance.now() - started;
    this.metrics.verifications.inc({ result: broken ? 'broken' : 'intact' });
    this.metrics.verifiedRows.inc(rowsVerified);
    this.metrics.verifyDuration.observe(durationMs / 1000);
    return {
      tenantId: scope.tenantId,
      intact: broken === null,
      rowsVerified,
      head: head ? { seq: head.seq, rowHash: head.rowHash.toString('hex') } : null,
      firstBrokenLink: broken,
      checkpoint,
      durationMs: Math.round(durationMs),
    };
  }

  private async checkpoint(
    scope: TenantScope,
    head: { publishedSeq: number; publishedHash: Buffer | null; publishedAt: Date | null },
  ): Promise<VerificationReport['checkpoint']> {
    const row = await this.chain.lastRowUpTo(scope, head.publishedSeq - 1, head.publishedSeq);
    return {
      seq: head.publishedSeq,
      rowHash: hex(head.publishedHash)!,
      publishedAt: head.publishedAt!.toISOString(),
      matches: row !== undefined && row.rowHash.equals(head.publishedHash!),
    };
  }
}

function describe(f: {
  seq: number;
  eventId: string;
  prevHash: Buffer;
  rowHash: Buffer;
  computed: Buffer;
  expectedPrev: Buffer;
  expectedSeq: number;
}): BrokenLink {
  if (f.seq !== f.expectedSeq)
    return {
      seq: f.seq > f.expectedSeq ? f.expectedSeq : f.seq,
      eventId: f.seq > f.expectedSeq ? null : f.eventId,
      reason:
        f.seq > f.expectedSeq
          ? `row ${f.expectedSeq} is missing (the next row is ${f.seq})`
          : `row ${f.seq} appears more than once`,
      expectedHash: null,
      storedHash: null,
    };
  if (!f.computed.equals(f.rowHash))
    return {
      seq: f.seq,
      eventId: f.eventId,
      reason: 'the row does not match its row_hash: a stored column was changed',
      expectedHash: hex(f.computed),
      storedHash: hex(f.rowHash),
    };
  return {
    seq: f.seq,
    eventId: f.eventId,
    reason: "prev_hash is not the previous row's row_hash: a row before it was changed or replaced",
    expectedHash: hex(f.expectedPrev),
    storedHash: hex(f.prevHash),
  };
}
