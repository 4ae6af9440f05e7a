import { EngineError } from '../errors';
import { Escaped, toText, xmlEntityCount } from './escape';

/**
 * Work bounds of template rendering. A render is synchronous: without bounds one template
 * (`{{#each xs}}{{sha256 (replace ../big 'a' ../big)}}{{/each}}`) held the event loop for seconds
 * and a gigabyte. Work is counted in units of about one character processed: helper arguments
 * and results, rendered output, and `#each` iterations (a fixed cost plus the statements of the
 * block). One counter per render, shared by every helper of it; a run's renders also draw on the
 * run's budget (see TEMPLATE_WORK). Past a bound the render fails with TEMPLATE_LIMIT.
 */
export const TEMPLATE_LIMITS = Object.freeze({
  /** Longest text a helper takes as one argument (strings, or objects as their JSON). */
  maxHelperInputChars: 1024 * 1024,
  /** Longest text a helper may produce. */
  maxHelperOutputChars: 1024 * 1024,
  /** Longest text one render may produce. */
  maxOutputChars: 2 * 1024 * 1024,
  /** Work units one render may spend: the worst kinds of work take about 30 ms on the 2-core bench machine. */
  maxRenderWork: 4 * 1024 * 1024,
  /** Units one `#each` iteration costs before the statements of its block. */
  iterationUnits: 16,
  /** Units each statement of an `#each` block costs per iteration. */
  statementUnits: 8,
  /** Units a helper call costs before its arguments' length. */
  helperCallUnits: 8,
  /** Units per character of an object turned into JSON text (slower per character than copying a string). */
  jsonCharUnits: 4,
  /** Units per character XML escaping turns into an entity (or drops): entities are slow to build. */
  xmlEntityUnits: 24,
  /** Units per key of an object listed (`#each` over an object, `length`). */
  keyUnits: 40,
  /** Units per item a helper copies into a new list (`chunk`). */
  itemUnits: 16,
});

/**
 * The scope property holding the work units its run has left (`RunState` sets it): every render
 * of the run draws on it, so a run of many nodes cannot multiply the per-render bound. A symbol:
 * templates can never read or change it.
 */
export const TEMPLATE_WORK: unique symbol = Symbol('callflow.templateWork');

/** The work left to the render under way (see beginRender). */
export interface WorkMeter {
  left: number;
  /** What the render was granted (so endRender knows what it spent). */
  granted: number;
  /** The grant is the run's remainder, smaller than a render's bound. */
  runBound: boolean;
}

/**
 * One render at a time: rendering is synchronous and helpers never render, so one shared meter is
 * the cheapest counter (no object per render on the IVR path). Hot paths keep a local reference
 * to it and decrement `left` inline, calling overBudget() when it goes negative.
 */
export const meter: WorkMeter = {
  left: TEMPLATE_LIMITS.maxRenderWork,
  granted: TEMPLATE_LIMITS.maxRenderWork,
  runBound: false,
};

/** Starts a render's count; with a run budget on the scope, the render gets what the run has left. */
export function beginRender(scope: object): void {
  const run = (scope as { [TEMPLATE_WORK]?: number })[TEMPLATE_WORK];
  const runBound = run !== undefined && run < TEMPLATE_LIMITS.maxRenderWork;
  meter.runBound = runBound;
  meter.left = meter.granted = runBound ? Math.max(0, run as number) : TEMPLATE_LIMITS.maxRenderWork;
}

/** Ends a render's count, charging the run's budget with what it spent. */
export function endRender(scope: object): void {
  const s = scope as { [TEMPLATE_WORK]?: number };
  if (s[TEMPLATE_WORK] !== undefined) s[TEMPLATE_WORK] -= meter.granted - Math.max(meter.left, 0);
  meter.left = meter.granted = TEMPLATE_LIMITS.maxRenderWork;
  meter.runBound = false;
}

/** Spends `units` of the current render's work; TEMPLATE_LIMIT past the bound. */
export function spend(units: number): void {
  if ((meter.left -= units) < 0) overBudget();
}

/** The TEMPLATE_LIMIT error of a render whose meter ran out. */
export function overBudget(): never {
  throw meter.runBound
    ? limitError("the run's templates did too much work (a run's total bound is reached)", 'run')
    : limitError(
        `the template did too much work (more than ${TEMPLATE_LIMITS.maxRenderWork} units: ` +
          'long texts, loops or helpers)',
        'render',
      );
}

export type LimitBound = 'render' | 'run' | 'output' | 'helperInput' | 'helperOutput';

/** The TEMPLATE_LIMIT error; `details.bound` says which limit (stable for callers and tests). */
export function limitError(message: string, bound: LimitBound): EngineError {
  return new EngineError('TEMPLATE_LIMIT', message, { bound });
}

/** Refuses a helper argument longer than maxHelperInputChars. */
export function checkHelperInput(helper: string, length: number): void {
  if (length > TEMPLATE_LIMITS.maxHelperInputChars) {
    const max = TEMPLATE_LIMITS.maxHelperInputChars;
    throw limitError(`${helper}: an argument is ${length} characters; a helper takes at most ${max}`, 'helperInput');
  }
}

/** Refuses (before it is built, where the size is known up front) a helper result longer than maxHelperOutputChars. */
export function checkHelperOutput(helper: string, length: number): void {
  if (length > TEMPLATE_LIMITS.maxHelperOutputChars) {
    const max = TEMPLATE_LIMITS.maxHelperOutputChars;
    const message = `${helper}: the result would be ${length} characters; a helper may produce at most ${max}`;
    throw limitError(message, 'helperOutput');
  }
}

/** A value `{{value}}` prints: an object becomes its JSON, charged as JSON work (append charges the copy). */
export function printable(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Escaped || v instanceof Date) return v;
  const text = toText(v);
  spend(text.length * (TEMPLATE_LIMITS.jsonCharUnits - 1));
  return text;
}

/** XML escaping costs per entity built (~100 ns each): a long text's entities are charged before escaping. */
export function xmlCharged(v: unknown): unknown {
  const text = typeof v === 'string' ? v : v instanceof Escaped && v.context !== 'xml' ? v.text : undefined;
  if (text !== undefined && text.length > 4096) {
    spend(xmlEntityCount(text) * TEMPLATE_LIMITS.xmlEntityUnits);
  }
  return v;
}

/**
 * A helper's arguments cost their text length (strings are what helpers walk); one longer than
 * the helper input bound is refused.
 */
export function chargeArgs(name: string, args: unknown[]): void {
  let units = TEMPLATE_LIMITS.helperCallUnits;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const n = typeof a === 'string' ? a.length : a instanceof Escaped ? a.text.length : 0;
    if (n > 0) {
      checkHelperInput(name, n);
      units += n;
    }
  }
  if ((meter.left -= units) < 0) overBudget();
}
