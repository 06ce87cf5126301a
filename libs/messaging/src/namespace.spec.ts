import { describe, expect, it } from '@jest/globals';
import { STREAMS } from '@auraison/contracts';
import { Namespace } from './namespace.js';

describe('Namespace', () => {
  it('should prefix subjects, streams and DLQ subjects when a prefix is set', () => {
    const ns = new Namespace('t1a2b');
    expect(ns.subject('mp.agent.events')).toBe('t1a2b.mp.agent.events');
    expect(ns.stream('MP_AGENT_EVENTS')).toBe('T1A2B_MP_AGENT_EVENTS');
    expect(ns.streamPrefix).toBe('T1A2B_');
    expect(ns.dlqSubject('MP_AGENT_EVENTS')).toBe('t1a2b.mp.dlq.MP_AGENT_EVENTS');
    expect(ns.localSubject('t1a2b.mp.agent.events')).toBe('mp.agent.events');
    expect(ns.streamDeclaration(STREAMS.dlq)).toMatchObject({
      name: 'T1A2B_MP_DLQ',
      subjects: ['t1a2b.mp.dlq.>'],
    });
  });

  it('should leave every name unchanged when the prefix is empty', () => {
    const ns = new Namespace('');
    expect(ns.isRoot).toBe(true);
    expect(ns.subject('mp.agent.events')).toBe('mp.agent.events');
    expect(ns.stream('MP_AGENT_EVENTS')).toBe('MP_AGENT_EVENTS');
    expect(ns.dlqSubject('MP_AGENT_EVENTS')).toBe('mp.dlq.MP_AGENT_EVENTS');
    expect(ns.streamDeclaration(STREAMS.agentEvents)).toEqual(STREAMS.agentEvents);
  });

  it('should reject a prefix that is not a valid MP_NATS_NAMESPACE', () => {
    for (const bad of ['Bad', 'a.b', '1abc', 'a*', 'abcdefghijklmnopq'])
      expect(() => new Namespace(bad)).toThrow(/invalid NATS namespace/);
  });
});
