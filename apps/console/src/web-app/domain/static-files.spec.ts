import { describe, expect, it } from '@jest/globals';
import { cacheControlOf, contentTypeOf, fileOfPath, isApiPath } from './static-files.js';

describe('fileOfPath', () => {
  it('should name the bundle file of a path and nothing for the root', () => {
    expect(fileOfPath('/assets/index-abc.js?v=1')).toBe('assets/index-abc.js');
    expect(fileOfPath('/')).toBeUndefined();
    expect(fileOfPath('/jobs/job-1/trace')).toBe('jobs/job-1/trace');
  });

  it('should refuse traversal, encoded traversal, backslashes and NUL when a path tries to leave the bundle', () => {
    expect(fileOfPath('/../etc/passwd')).toBeUndefined();
    expect(fileOfPath('/%2e%2e/etc/passwd')).toBeUndefined();
    expect(fileOfPath('/assets/..%2f..%2fsecret')).toBeUndefined();
    expect(fileOfPath('/a\\b')).toBeUndefined();
    expect(fileOfPath('/a%00b')).toBeUndefined();
    expect(fileOfPath('/%E0%A4%A')).toBeUndefined();
  });
});

describe('serving rules', () => {
  it('should treat /api paths as API (never the app)', () => {
    expect(isApiPath('/api')).toBe(true);
    expect(isApiPath('/api/x')).toBe(true);
    expect(isApiPath('/apiary')).toBe(false);
  });

  it('should cache hashed assets forever and revalidate the rest', () => {
    expect(cacheControlOf('assets/index-abc.js')).toContain('immutable');
    expect(cacheControlOf('index.html')).toBe('no-cache');
    expect(contentTypeOf('assets/a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('x.unknown')).toBe('application/octet-stream');
  });
});
