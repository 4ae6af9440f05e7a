/**
 * The stats charts' axis labels (src/pages/stats/chart-axes.ts) in each language: times in 24 h
 * where the language uses it, day and month in its order, values with the decimals their spacing
 * needs, durations in the shell's units; markers where a line would not show.
 */
import { join } from 'node:path';
import { i18n } from '@lingui/core';
import { compileCatalog, readCatalog } from '../i18n-catalogs';
import { digitsFor, markedPoints, timeTicks, valueTicks } from '../src/pages/stats/chart-axes';

const DIR = join(__dirname, '../src/i18n/locales');
for (const l of ['en', 'it', 'ru'] as const) i18n.load(l, compileCatalog(readCatalog(DIR, l)));

/** 6 December 2026 at 11:40 local time, in seconds. */
const at = new Date(2026, 11, 6, 11, 40).getTime() / 1000;

describe('stats chart axes', () => {
  it('write times and days as the language does', () => {
    i18n.activate('it');
    expect(timeTicks([at, at + 600], 600)).toEqual(['11:40\n06/12', '11:50']);
    expect(timeTicks([at], 86_400)).toEqual(['06/12']);
    i18n.activate('ru');
    expect(timeTicks([at], 86_400)).toEqual(['06.12']);
    expect(timeTicks([at + 3600 * 2], 3600)[0]).toMatch(/^13:40\n/);
  });

  it('give ticks the decimals their spacing needs, in the language digits and units', () => {
    expect([1, 0.5, 0.25, 0.025, 20].map(digitsFor)).toEqual([0, 1, 2, 3, 0]);
    i18n.activate('it');
    expect(valueTicks('count', [0, 0.025, 0.05], 0.025, 0.06)).toEqual(['0,000', '0,025', '0,050']);
    expect(valueTicks('rate', [0, 0.025], 0.025, 0.03)).toEqual(['0,0 %', '2,5 %']);
    i18n.activate('ru');
    expect(valueTicks('duration', [0, 0.02, 0.04], 0.02, 0.05)).toEqual(['0,00 мс', '0,02 мс', '0,04 мс']);
    expect(valueTicks('duration', [0, 500, 1000], 500, 1100)).toEqual(['0,0 с', '0,5 с', '1,0 с']);
  });

  it('mark the points of a sparse series', () => {
    expect(markedPoints([null, 3, null, null])).toEqual([1]);
    expect(markedPoints([null, null])).toBeNull();
    const dense = Array.from({ length: 20 }, (_, i) => (i === 15 ? null : i));
    expect(markedPoints(dense)).toBeNull();
    expect(markedPoints([...dense.slice(0, 15), null, 1, null])).toEqual([16]);
  });
});
