// Readiness and port checks for the running apps.
import { createServer } from 'node:net';
import { errorText } from './infra-common.js';

export interface ReadyCheck {
  ready: boolean;
  /** "HTTP 503: {...}" or "connection refused": shown when an app never becomes ready. */
  status: string;
}

export async function checkReady(url: string, timeoutMs = 2000): Promise<ReadyCheck> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.text()).replace(/\s+/g, ' ').trim();
    return {
      ready: res.status === 200,
      status: `HTTP ${res.status}${body ? `: ${body.length > 300 ? `${body.slice(0, 300)}…` : body}` : ''}`,
    };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return { ready: false, status: errorText(cause ?? err) };
  }
}

/** True when nothing listens on the port (checked by binding it, as the app would). */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}
