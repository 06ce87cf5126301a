import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@auraison/config';
import { loadObservabilityStoreConfig } from './config.js';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };

describe('observability-store configuration', () => {
  it('should default the actuation tools, batch size and checkpoint interval when unset', () => {
    const config = loadObservabilityStoreConfig(base);
    expect(config.MP_ACTUATION_TOOLS).toEqual([
      'mcp__ros__publish_cmd_vel',
      'mcp__ros__navigate_to_pose',
      'mcp__nav2__*',
    ]);
    expect(config).toMatchObject({
      HTTP_PORT: 3003,
      MP_INGEST_BATCH_SIZE: 500,
      MP_INGEST_ACK_WAIT_SECONDS: 30,
      MP_INGEST_MAX_EVENT_BYTES: 1024 * 1024,
      MP_AUDIT_CHECKPOINT_SECONDS: 60,
    });
  });

  it('should read a comma-separated actuation list when one is given', () => {
    expect(
      loadObservabilityStoreConfig({
        ...base,
        MP_ACTUATION_TOOLS: ' mcp__arm__* , mcp__ros__publish_cmd_vel',
      }).MP_ACTUATION_TOOLS,
    ).toEqual(['mcp__arm__*', 'mcp__ros__publish_cmd_vel']);
  });

  it('should refuse to start naming each bad variable when values are wrong', () => {
    let error: unknown;
    try {
      loadObservabilityStoreConfig({
        ...base,
        MP_ACTUATION_TOOLS: 'Bash*',
        MP_INGEST_BATCH_SIZE: '0',
        MP_AUDIT_CHECKPOINT_SECONDS: 'often',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/MP_ACTUATION_TOOLS/);
    expect(message).toMatch(/MP_INGEST_BATCH_SIZE/);
    expect(message).toMatch(/MP_AUDIT_CHECKPOINT_SECONDS/);
  });
});
