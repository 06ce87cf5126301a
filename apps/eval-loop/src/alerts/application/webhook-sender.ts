// POSTs one signed webhook body. The destination's addresses are resolved and checked before the call
// (a name that resolves to a private address is refused like the address itself); redirects are not
// followed, so a public URL cannot bounce the call inward.
import { lookup } from 'node:dns/promises';
import { Inject, Injectable } from '@nestjs/common';
import { EVAL_OPTIONS, type EvalOptions } from '../../common/eval-options.js';
import { isNonPublicAddress, webhookUrlProblem } from '../domain/webhook-destination.js';
import { SIGNATURE_HEADER, signWebhook } from '../domain/webhook-signature.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookResponse {
  status: number;
  /** Seconds from Retry-After, when the receiver sent one. */
  retryAfterSeconds?: number;
}

/** Raised when a webhook may not be called at all (its URL is refused). */
export class WebhookRefused extends Error {}

@Injectable()
export class WebhookSender {
  constructor(@Inject(EVAL_OPTIONS) private readonly options: EvalOptions) {}

  async send(url: string, secret: string, eventId: string, body: string): Promise<WebhookResponse> {
    const problem = webhookUrlProblem(url, this.options.webhookAllowPrivate);
    if (problem) throw new WebhookRefused(problem);
    if (!this.options.webhookAllowPrivate) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      const addresses = await lookup(host, { all: true });
      if (addresses.some((a) => isNonPublicAddress(a.address)))
        throw new WebhookRefused(`webhook host ${host} resolves to a non-public address`);
    }
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'auraison-eval-loop',
        'x-auraison-event-id': eventId,
        [SIGNATURE_HEADER.toLowerCase()]: signWebhook(secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      status: res.status,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
}
