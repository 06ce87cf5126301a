import { describe, expect, it } from '@jest/globals';
import { expectPrometheusText } from './prometheus.js';

const VALID = `# HELP mp_messages_processed_total Messages handled
# TYPE mp_messages_processed_total counter
mp_messages_processed_total{stream="MP_AGENT_EVENTS",consumer="billing"} 42
# TYPE mp_batch_duration_seconds histogram
mp_batch_duration_seconds_bucket{le="0.1",service="billing"} 3
mp_batch_duration_seconds_bucket{le="+Inf",service="billing"} 4
mp_batch_duration_seconds_sum 0.25
mp_batch_duration_seconds_count 4
up 1 1700000000000
nan_metric NaN
`;

describe('expectPrometheusText', () => {
  it('should return the declared metric families when the text is valid', () => {
    expect(expectPrometheusText(VALID)).toEqual(['mp_messages_processed_total', 'mp_batch_duration_seconds']);
  });

  it.each([
    ['a bad metric name', '# TYPE 1bad counter\n1bad 1\n'],
    ['an unknown type', '# TYPE x widget\nx 1\n'],
    ['an unquoted label', '# TYPE x gauge\nx{a=b} 1\n'],
    ['a non-numeric value', '# TYPE x gauge\nx one\n'],
    ['no families at all', '\n'],
  ])('should throw when the text has %s', (_what, text) => {
    expect(() => expectPrometheusText(text)).toThrow();
  });
});
