// A strict reader of the Prometheus text exposition format (0.0.4), so tests fail when /metrics would
// not be scrapeable, not merely when a name is missing.
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses the text; throws naming the first bad line. Returns the metric family names declared. */
export function expectPrometheusText(text: string): string[] {
  const families: string[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    if (line.trim() === '') return;
    if (line.startsWith('# HELP ')) {
      if (!NAME.test(line.split(' ')[2] ?? '')) throw new Error(`bad HELP ${where}`);
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (!name || !NAME.test(name) || !type || !TYPES.has(type)) throw new Error(`bad TYPE ${where}`);
      families.push(name);
      return;
    }
    if (line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample ${where}`);
    let labels = m[3] ?? '';
    while (labels.length > 0) {
      const l = LABEL.exec(labels);
      if (!l) throw new Error(`bad labels ${where}`);
      labels = labels.slice(l[0].length);
    }
    const value = m[4]!;
    if (!/^(NaN|[+-]Inf|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/.test(value))
      throw new Error(`bad value ${where}`);
  });
  if (families.length === 0) throw new Error('no metric families declared');
  return families;
}
