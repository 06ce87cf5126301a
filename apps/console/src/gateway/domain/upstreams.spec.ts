import { describe, expect, it } from '@jest/globals';
import {
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  resolveTarget,
  type Upstreams,
} from './upstreams.js';

const UP: Upstreams = {
  'tenant-registry': 'http://registry:3001',
  'policy-engine': 'http://policy:3002/',
  'observability-store': 'http://obs:3003',
  billing: 'http://billing:3004',
  'eval-loop': 'http://eval:3005',
};

describe('resolveTarget', () => {
  it('should map /api/<service>/<rest> to the service with the query kept', () => {
    expect(resolveTarget(UP, '/api/billing/api/v1/billing/usage?period=2026-12&tenant_id=x')).toEqual({
      ok: true,
      service: 'billing',
      url: 'http://billing:3004/api/v1/billing/usage?period=2026-12&tenant_id=x',
    });
    expect(resolveTarget(UP, '/api/policy-engine/api/v1/policy/roles')).toMatchObject({
      url: 'http://policy:3002/api/v1/policy/roles',
    });
  });

  it('should refuse unknown services, naming the known ones', () => {
    const t = resolveTarget(UP, '/api/payroll/api/v1/x');
    expect(t).toMatchObject({ ok: false, status: 404 });
    expect(!t.ok && t.message).toContain('tenant-registry, policy-engine');
  });

  it('should forward only the API, never metrics or health, when the path is outside /api', () => {
    expect(resolveTarget(UP, '/api/billing/metrics')).toMatchObject({ ok: false, status: 404 });
    expect(resolveTarget(UP, '/api/billing/readyz')).toMatchObject({ ok: false });
    expect(resolveTarget(UP, '/api/billing')).toMatchObject({ ok: false });
    expect(resolveTarget(UP, '/api/tenant-registry/.well-known/jwks.json')).toMatchObject({ ok: true });
  });

  it('should refuse dot segments, encoded or not, when they could climb out of /api', () => {
    expect(resolveTarget(UP, '/api/billing/api/../metrics')).toMatchObject({ ok: false });
    expect(resolveTarget(UP, '/api/billing/api/%2e%2e/metrics')).toMatchObject({ ok: false });
    expect(resolveTarget(UP, '/api/billing/api/v1\\..\\metrics')).toMatchObject({ ok: false });
  });
});

describe('forwarded headers', () => {
  it('should pass the identity, negotiation and trace headers and drop the rest', () => {
    expect(
      forwardedRequestHeaders({
        authorization: 'Bearer t',
        accept: 'text/csv',
        cookie: 'x=1',
        host: 'console',
        'x-forwarded-for': '1.2.3.4',
        traceparent: '00-abc-def-01',
      }),
    ).toEqual({ authorization: 'Bearer t', accept: 'text/csv', traceparent: '00-abc-def-01' });
  });

  it('should return the download and retry hints of a response', () => {
    const h = new Headers({
      'content-type': 'text/csv',
      'content-disposition': 'attachment; filename="s.csv"',
      'set-cookie': 'a=b',
      'retry-after': '3',
    });
    expect(forwardedResponseHeaders(h)).toEqual({
      'content-type': 'text/csv',
      'content-disposition': 'attachment; filename="s.csv"',
      'retry-after': '3',
    });
  });
});
