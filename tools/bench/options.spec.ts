import { describe, expect, it } from '@jest/globals';
import { parseBenchArgs, shouldWriteDocs } from './options.js';

const SUITES = ['jetstream', 'postgres', 'grpc'];

describe('parseBenchArgs', () => {
  it('should run everything in full when given no arguments', () => {
    const options = parseBenchArgs([], SUITES);
    expect(options).toEqual({ quick: false, write: false, help: false });
    expect(shouldWriteDocs(options)).toBe(true);
  });

  it('should accept --quick, --only and --runs', () => {
    expect(parseBenchArgs(['--quick', '--only', 'grpc, postgres', '--runs', '3'], SUITES)).toEqual({
      quick: true,
      only: ['grpc', 'postgres'],
      runs: 3,
      write: false,
      help: false,
    });
  });

  it('should name the known suites when --only has an unknown one', () => {
    expect(() => parseBenchArgs(['--only', 'grpc,kafka'], SUITES)).toThrow(
      '--only: unknown suite "kafka"; known: jetstream, postgres, grpc',
    );
  });

  it('should reject a non-positive --runs', () => {
    expect(() => parseBenchArgs(['--runs', '0'], SUITES)).toThrow('--runs must be a positive integer');
  });

  it('should reject unknown flags', () => {
    expect(() => parseBenchArgs(['--fast'], SUITES)).toThrow();
  });
});

describe('shouldWriteDocs', () => {
  it('should leave the published figures alone after a partial run unless --write is given', () => {
    expect(shouldWriteDocs(parseBenchArgs(['--quick'], SUITES))).toBe(false);
    expect(shouldWriteDocs(parseBenchArgs(['--only', 'grpc'], SUITES))).toBe(false);
    expect(shouldWriteDocs(parseBenchArgs(['--quick', '--write'], SUITES))).toBe(true);
  });
});
