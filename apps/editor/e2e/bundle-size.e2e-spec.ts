/**
 * The editor's first load stays small (issue 19: the main chunk within 110 kB gzipped): what
 * index.html loads at start (the main chunk, its preloads and CSS), measured on the real build.
 * A value import of libs/flow into the flows list once pulled every node spec and zod in (138 kB).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildEditor, EDITOR_DIST } from './browser';

const LIMIT_GZIP_BYTES = 110 * 1024;

describe('the editor bundle', () => {
  it('loads at most 110 kB of JavaScript (gzipped) at start; the canvas and other views on demand', () => {
    buildEditor();
    const script = path.resolve(__dirname, '../scripts/bundle-size.mjs');
    const { main, rows } = JSON.parse(execFileSync(process.execPath, [script, '--json']).toString()) as {
      main: string;
      rows: { file: string; gzip: number; initial: boolean }[];
    };
    const atStart = rows.filter((r) => r.initial && r.file.endsWith('.js'));
    expect(atStart.map((r) => r.file)).toContain(main);
    const total = atStart.reduce((sum, r) => sum + r.gzip, 0);
    expect(total).toBeLessThanOrEqual(LIMIT_GZIP_BYTES);
    // The canvas (React Flow, the node specs) is its own chunk, not loaded at start.
    expect(rows.some((r) => !r.initial && r.file.startsWith('canvas-'))).toBe(true);
    // So are the run statistics with their chart library (uPlot: its legend's class names are in no other chunk).
    const withChart = rows.filter((r) =>
      fs.readFileSync(path.join(EDITOR_DIST, 'assets', r.file), 'utf8').includes('u-legend'),
    );
    expect(withChart.length).toBeGreaterThan(0);
    expect(withChart.filter((r) => r.initial)).toEqual([]);
  });
});
