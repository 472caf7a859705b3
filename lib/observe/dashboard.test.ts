// The sample Grafana dashboard (public/grafana/postern.json) must chart metrics that exist:
// a renamed metric would leave its panel silently empty.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '@/lib/observe/metrics';

const root = path.resolve(__dirname, '../..');
const dashboard = JSON.parse(readFileSync(path.join(root, 'public/grafana/postern.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
// Registered by lib/observe/console.ts, which needs the database.
const consoleOnly = [...readFileSync(path.join(root, 'lib/observe/console.ts'), 'utf8').matchAll(/name: '(\w+)'/g)].map(
  (m) => m[1]!,
);

describe('the sample Grafana dashboard', () => {
  it('queries only metrics that Postern exports', async () => {
    const exported = new Set([...(await registry.getMetricsAsJSON()).map((m) => m.name), ...consoleOnly]);
    const used = new Set<string>();
    for (const p of dashboard.panels)
      for (const t of p.targets)
        for (const m of t.expr.matchAll(/\b((?:postern|process|nodejs)_\w+)/g))
          used.add(m[1]!.replace(/_(bucket|count|sum)$/, ''));
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
  });
});
