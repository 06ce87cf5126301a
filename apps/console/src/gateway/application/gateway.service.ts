// Forwards one console request to a service and returns its answer; a service that does not answer
// becomes a 502 (or 504 after the timeout) naming it, so the page can say which part of the plane is down.
import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@auraison/observability';
import { Counter } from 'prom-client';
import {
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  resolveTarget,
  type Upstreams,
} from '../domain/upstreams.js';

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');

export interface GatewayOptions {
  upstreams: Upstreams;
  timeoutMs: number;
}

export interface GatewayRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: unknown;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The HTTP client, behind a class so tests can replace it. */
@Injectable()
export class UpstreamFetch {
  async fetch(url: string, init: RequestInit): Promise<Response> {
    return fetch(url, init);
  }
}

function problem(status: number, error: string, message: string): GatewayResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify({ statusCode: status, error, message })),
  };
}

function encodeBody(method: string, body: unknown, headers: Record<string, string>): string | undefined {
  if (method === 'GET' || method === 'HEAD' || body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

@Injectable()
export class Gateway {
  private readonly forwarded: Counter<'service' | 'outcome'>;

  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly http: UpstreamFetch,
    metrics: MetricsService,
  ) {
    this.forwarded = new Counter({
      registers: [metrics.registry],
      name: 'mp_console_gateway_requests_total',
      help: 'Requests the console forwarded, by service and outcome (the status class, or unreachable/timeout)',
      labelNames: ['service', 'outcome'],
    });
  }

  async forward(request: GatewayRequest): Promise<GatewayResponse> {
    const target = resolveTarget(this.options.upstreams, request.url);
    if (!target.ok) return problem(target.status, 'Not Found', target.message);
    const headers = forwardedRequestHeaders(request.headers);
    const body = encodeBody(request.method, request.body, headers);
    try {
      const res = await this.http.fetch(target.url, {
        method: request.method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const answer = Buffer.from(await res.arrayBuffer());
      this.forwarded.inc({ service: target.service, outcome: `${Math.floor(res.status / 100)}xx` });
      return { status: res.status, headers: forwardedResponseHeaders(res.headers), body: answer };
    } catch (e) {
      // By name, not instanceof: the abort is a DOMException, which is not an Error in every realm.
      const name = (e as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      this.forwarded.inc({ service: target.service, outcome: timedOut ? 'timeout' : 'unreachable' });
      if (timedOut)
        return problem(
          504,
          'Gateway Timeout',
          `${target.service} did not answer within ${this.options.timeoutMs} ms`,
        );
      const cause =
        (e as { cause?: { code?: string } }).cause?.code ?? String((e as { message?: unknown }).message);
      return problem(502, 'Bad Gateway', `${target.service} is unreachable (${cause})`);
    }
  }
}
