// Which file of the built single-page app answers a path: a file that exists, else index.html for
// any other non-API path, so deep links (/jobs/job-1/trace) load the app, which routes itself.
import { extname, posix } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The bundle-relative file a URL path names (no query, no dot segments), or undefined for none. */
export function fileOfPath(urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '/');
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const normal = posix.normalize(path);
  if (normal !== path || normal.split('/').includes('..')) return undefined;
  const relative = normal.replace(/^\/+/, '');
  return relative === '' ? undefined : relative;
}

/** API-looking paths never fall back to the app: a wrong API URL must answer 404, not HTML. */
export function isApiPath(urlPath: string): boolean {
  return /^\/api(\/|$|\?)/.test(urlPath);
}

/** Hashed assets never change; index.html must be revalidated so a deploy is seen at once. */
export function cacheControlOf(file: string): string {
  return file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Headers of every page: the app loads only its own scripts and talks only to its own origin. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
