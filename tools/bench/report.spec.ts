import { describe, expect, it } from '@jest/globals';
import {
  formatNumber,
  median,
  percentileOfSorted,
  ratio,
  renderJson,
  renderMarkdown,
  renderSectionTable,
  renderTable,
  summarize,
  type BenchReport,
  type BenchResult,
  type ReportSection,
} from './report.js';

const baseline: BenchResult = {
  id: 'js-consume-ack',
  title: 'JetStream consume',
  unit: 'msg/s',
  samples: [50_000, 60_000, 40_000],
  conditions: 'ack each',
};
const derived: BenchResult = {
  id: 'ingest',
  title: 'Ingest to PostgreSQL',
  unit: 'msg/s',
  samples: [20_000, 25_000, 15_000, 30_000],
  conditions: 'batches of 500',
  baselineId: 'js-consume-ack',
};
const sections: ReportSection[] = [
  { title: 'Raw baselines', results: [baseline] },
  { title: 'Ingest', description: 'The observability store.', results: [derived] },
];

function report(overrides: Partial<BenchReport> = {}): BenchReport {
  return {
    command: 'npm run bench',
    environment: {
      date: '2026-12-04T10:00:00Z',
      node: 'v20.20.2',
      cpuModel: 'Test CPU',
      cores: 2,
      natsServer: '2.9.10',
      postgres: '15.20',
      loadAverage: { start: 0.1, end: 1.5 },
    },
    notes: [],
    sections,
    ...overrides,
  };
}

describe('median', () => {
  it('should take the middle value of an odd count whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('should average the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('should not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('should throw when there are no values', () => {
    expect(() => median([])).toThrow('no values');
  });
});

describe('percentileOfSorted', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);

  it('should use the nearest rank', () => {
    expect(percentileOfSorted(sorted, 50)).toBe(50);
    expect(percentileOfSorted(sorted, 99)).toBe(99);
    expect(percentileOfSorted(sorted, 100)).toBe(100);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });

  it('should clamp p=0 to the smallest value', () => {
    expect(percentileOfSorted(sorted, 0)).toBe(1);
  });
});

describe('ratio', () => {
  it('should divide by the baseline', () => {
    expect(ratio(25, 100)).toBe(0.25);
  });

  it('should be undefined for a zero or non-finite baseline', () => {
    expect(ratio(1, 0)).toBeUndefined();
    expect(ratio(1, Number.NaN)).toBeUndefined();
  });
});

describe('summarize', () => {
  it('should compute median, min, max and the ratio to a baseline in another section', () => {
    const [raw, ingest] = summarize(sections);
    expect(raw!.rows[0]).toMatchObject({ median: 50_000, min: 40_000, max: 60_000 });
    expect(raw!.rows[0]!.ratio).toBeUndefined();
    expect(ingest!.rows[0]).toMatchObject({ median: 22_500, min: 15_000, max: 30_000, ratio: 0.45 });
  });

  it('should leave the ratio out when the baseline was not measured', () => {
    const [only] = summarize([{ title: 'Ingest', results: [derived] }]);
    expect(only!.rows[0]!.ratio).toBeUndefined();
    expect(only!.rows[0]!.median).toBe(22_500);
  });
});

describe('formatNumber', () => {
  it('should abbreviate rates', () => {
    expect(formatNumber(54_213, 'msg/s')).toBe('54.2k');
    expect(formatNumber(1_840_000, 'msg/s')).toBe('1.84M');
    expect(formatNumber(812.4, 'rows/s')).toBe('812');
    expect(formatNumber(12.34, 'rows/s')).toBe('12.3');
  });

  it('should keep two decimals for small latencies', () => {
    expect(formatNumber(8.716, 'ms')).toBe('8.72');
    expect(formatNumber(25.64, 'ms')).toBe('25.6');
  });

  it('should say n/a for a missing figure', () => {
    expect(formatNumber(Number.NaN, 'ms')).toBe('n/a');
  });
});

describe('renderTable', () => {
  it('should render a header, a separator and escaped rows', () => {
    expect(renderTable(['a', 'b'], [['x|y', 'line\nbreak']])).toBe(
      ['| a | b |', '| --- | --- |', '| x\\|y | line break |'].join('\n'),
    );
  });
});

describe('renderSectionTable', () => {
  const titles = new Map([
    ['js-consume-ack', 'JetStream consume'],
    ['ingest', 'Ingest to PostgreSQL'],
  ]);

  it('should have no baseline column when no row has a baseline', () => {
    const [raw] = summarize(sections);
    const table = renderSectionTable(raw!.rows, titles);
    expect(table.split('\n')[0]).toBe('| benchmark | median | min–max | runs | conditions |');
    expect(table).toContain('| JetStream consume | **50.0k msg/s** | 40.0k–60.0k | 3 | ack each |');
  });

  it('should show the ratio and the baseline title when a row has a baseline', () => {
    const [, ingest] = summarize(sections);
    const table = renderSectionTable(ingest!.rows, titles);
    expect(table.split('\n')[0]).toBe('| benchmark | median | min–max | runs | vs baseline | conditions |');
    expect(table).toContain('| 0.45x of JetStream consume |');
  });

  it("should show the issue's target next to a figure that has one", () => {
    const [row] = summarize([
      {
        title: 'Billing',
        results: [{ id: 'billing-lag-p99', title: 'lag p99', unit: 'ms', samples: [437], conditions: 'c' }],
      },
    ]);
    const table = renderSectionTable(row!.rows, titles);
    expect(table.split('\n')[0]).toBe('| benchmark | median | min–max | runs | target | conditions |');
    expect(table).toContain('| < 1 s at 5,000 events/s | c |');
  });
});

describe('renderMarkdown', () => {
  it('should explain the figures and list the environment, the command and every section', () => {
    const md = renderMarkdown(report({ notes: ['Quick mode.'] }));
    expect(md).toContain('**median** of repeated runs on a shared 2-core machine');
    expect(md).toContain('ratios to the raw baselines measured in the same run');
    expect(md).toContain('`npm run bench`');
    expect(md).toContain('| CPU | Test CPU (2 cores) |');
    expect(md).toContain('| nats-server | 2.9.10 |');
    expect(md).toContain('| PostgreSQL | 15.20 |');
    expect(md).toContain(
      '| load average (1 min) | 0.10 before the run, 1.50 at the end (counting the bench itself) |',
    );
    expect(md).toContain('- Quick mode.');
    expect(md.indexOf('## Raw baselines')).toBeLessThan(md.indexOf('## Ingest'));
    expect(md).toContain('## Ingest\n\nThe observability store.\n\n| benchmark');
    expect(md.endsWith('\n')).toBe(true);
  });
});

describe('renderJson', () => {
  it('should round figures to two decimals', () => {
    const precise: ReportSection = { title: 'x', results: [{ ...baseline, samples: [1234.5678, 8.716] }] };
    const json = JSON.parse(renderJson(report({ sections: [precise] })));
    expect(json.sections[0].results[0]).toMatchObject({ median: 621.64, samples: [1234.57, 8.72] });
  });

  it('should keep every sample next to the statistics', () => {
    const json = JSON.parse(renderJson(report()));
    expect(json.command).toBe('npm run bench');
    expect(json.environment.cores).toBe(2);
    expect(json.sections[0].results[0]).toEqual({
      id: 'js-consume-ack',
      title: 'JetStream consume',
      unit: 'msg/s',
      median: 50_000,
      min: 40_000,
      max: 60_000,
      samples: [50_000, 60_000, 40_000],
      conditions: 'ack each',
    });
    expect(json.sections[1].results[0]).toMatchObject({ baselineId: 'js-consume-ack', ratio: 0.45 });
  });
});
