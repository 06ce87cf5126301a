import { describe, expect, it } from '@jest/globals';
import { isNonPublicAddress, webhookUrlProblem } from './webhook-destination.js';

describe('webhook destinations', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '::1',
    'fd00::1',
    '::ffff:10.0.0.1',
  ])('should call %s non-public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each(['93.184.216.34', '2606:2800:220:1::1'])('should call %s public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });

  it('should refuse loopback and private hosts unless allowed, and non-http URLs always', () => {
    expect(webhookUrlProblem('http://localhost:8080/hook', false)).toMatch(/loopback, private/);
    expect(webhookUrlProblem('http://[::1]/hook', false)).toMatch(/loopback, private/);
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', true)).toBeUndefined();
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeUndefined();
    expect(webhookUrlProblem('ftp://hooks.example.com/x', true)).toMatch(/http\(s\)/);
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/x', true)).toMatch(/credentials/);
    expect(webhookUrlProblem('not a url', true)).toMatch(/absolute/);
  });
});
