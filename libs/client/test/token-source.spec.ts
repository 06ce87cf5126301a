import { describe, expect, it } from '@jest/globals';
import { ApiKeyTokenSource, looksLikeApiKey, TokenExchangeError } from '../src/index.js';

const KEY = `mpk_${'a'.repeat(12)}_${'B'.repeat(43)}`;

function registry(answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
  const calls: Array<{ url: string; body: unknown }> = [];
  const fetchFn = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: url instanceof Request ? url.url : url.toString(),
      body: JSON.parse(init?.body as string),
    });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return Promise.resolve(
      new Response(JSON.stringify(a.body), { status: a.status, headers: a.headers ?? {} }),
    );
  };
  return { calls, fetch: fetchFn };
}

const ok = (token: string, expiresIn = 900) => ({
  status: 200,
  body: {
    access_token: token,
    token_type: 'Bearer',
    expires_in: expiresIn,
    tenant_id: 't-1',
    roles: ['service'],
  },
});

describe('ApiKeyTokenSource', () => {
  it('should exchange the key once and reuse the token until shortly before it expires', async () => {
    let now = 1_000_000;
    const r = registry([ok('tok-1'), ok('tok-2')]);
    const source = new ApiKeyTokenSource({
      registryUrl: 'http://registry/',
      apiKey: KEY,
      fetch: r.fetch,
      now: () => now,
    });
    expect(await source.token()).toBe('tok-1');
    now += 800_000; // 100 s left: still more than the 60 s margin
    expect(await source.token()).toBe('tok-1');
    now += 50_000; // 50 s left: renew
    expect(await source.token()).toBe('tok-2');
    expect(r.calls).toHaveLength(2);
    expect(r.calls[0]).toEqual({ url: 'http://registry/api/v1/auth/token', body: { api_key: KEY } });
  });

  it('should share one exchange between concurrent callers', async () => {
    const r = registry([ok('tok-1')]);
    const source = new ApiKeyTokenSource({ registryUrl: 'http://r', apiKey: KEY, fetch: r.fetch });
    expect(await Promise.all([source.token(), source.token(), source.token()])).toEqual([
      'tok-1',
      'tok-1',
      'tok-1',
    ]);
    expect(r.calls).toHaveLength(1);
  });

  it('should exchange again after invalidate (a refused token)', async () => {
    const r = registry([ok('tok-1'), ok('tok-2')]);
    const source = new ApiKeyTokenSource({ registryUrl: 'http://r', apiKey: KEY, fetch: r.fetch });
    await source.token();
    source.invalidate();
    expect(await source.token()).toBe('tok-2');
  });

  it('should renew short-lived tokens at half their life', async () => {
    let now = 0;
    const r = registry([ok('tok-1', 60), ok('tok-2', 60)]);
    const source = new ApiKeyTokenSource({
      registryUrl: 'http://r',
      apiKey: KEY,
      fetch: r.fetch,
      now: () => now,
    });
    await source.token();
    now = 29_000;
    expect(await source.token()).toBe('tok-1');
    now = 31_000;
    expect(await source.token()).toBe('tok-2');
  });

  it('should say what to do when the key is refused', async () => {
    const r = registry([{ status: 401, body: { statusCode: 401, message: 'invalid API key' } }]);
    const source = new ApiKeyTokenSource({ registryUrl: 'http://r', apiKey: KEY, fetch: r.fetch });
    const err = await source.token().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenExchangeError);
    expect((err as TokenExchangeError).status).toBe(401);
    expect((err as Error).message).toMatch(/HTTP 401: invalid API key.*wrong, revoked or expired/);
  });

  it('should name the registry it cannot reach', async () => {
    const source = new ApiKeyTokenSource({ registryUrl: 'http://127.0.0.1:9', apiKey: KEY, timeoutMs: 2000 });
    await expect(source.token()).rejects.toThrow(
      /cannot reach the tenant registry at http:\/\/127.0.0.1:9\/api\/v1\/auth\/token/,
    );
  });

  it('should recognise API keys', () => {
    expect(looksLikeApiKey(KEY)).toBe(true);
    expect(looksLikeApiKey('eyJhbGciOi.x.y')).toBe(false);
  });
});
