import { describe, expect, it } from '@jest/globals';
import { ServiceTokenError, ServiceTokenProvider } from './service-token.js';

function registry(answers: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; body: string }> = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: url instanceof Request ? url.url : url.toString(),
      body: typeof init?.body === 'string' ? init.body : '',
    });
    const a = answers.shift() ?? { status: 500, body: {} };
    return Promise.resolve(new Response(JSON.stringify(a.body), { status: a.status }));
  }) as typeof fetch;
  return { fake, calls };
}

describe('ServiceTokenProvider', () => {
  it('should exchange once, share the exchange and reuse the token until shortly before expiry', async () => {
    const { fake, calls } = registry([
      { status: 200, body: { access_token: 't1', expires_in: 900 } },
      { status: 200, body: { access_token: 't2', expires_in: 900 } },
    ]);
    let now = 0;
    const provider = new ServiceTokenProvider({
      registryUrl: 'http://registry/',
      apiKey: 'mpk_x',
      fetch: fake,
      now: () => now,
    });
    expect(await Promise.all([provider.token(), provider.token()])).toEqual(['t1', 't1']);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({ url: 'http://registry/api/v1/auth/token', body: '{"api_key":"mpk_x"}' });
    now = 839_000;
    expect(await provider.token()).toBe('t1');
    now = 841_000; // inside the last minute
    expect(await provider.token()).toBe('t2');
  });

  it('should say why when the key is refused', async () => {
    const { fake } = registry([{ status: 401, body: { message: 'API key revoked' } }]);
    const provider = new ServiceTokenProvider({
      registryUrl: 'http://registry',
      apiKey: 'mpk_x',
      fetch: fake,
    });
    await expect(provider.token()).rejects.toThrow(ServiceTokenError);
    const again = new ServiceTokenProvider({
      registryUrl: 'http://registry',
      apiKey: 'mpk_x',
      fetch: registry([{ status: 401, body: { message: 'API key revoked' } }]).fake,
    });
    await expect(again.token()).rejects.toThrow(/HTTP 401: API key revoked/);
  });

  it('should exchange again after invalidate()', async () => {
    const { fake, calls } = registry([
      { status: 200, body: { access_token: 't1', expires_in: 900 } },
      { status: 200, body: { access_token: 't2', expires_in: 900 } },
    ]);
    const provider = new ServiceTokenProvider({
      registryUrl: 'http://registry',
      apiKey: 'mpk_x',
      fetch: fake,
    });
    await provider.token();
    provider.invalidate();
    expect(await provider.token()).toBe('t2');
    expect(calls).toHaveLength(2);
  });
});
