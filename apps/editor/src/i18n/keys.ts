/** Every message id: the keys of the English catalog's area files (a typo is a type error). */
import type campaigns from './locales/en/campaigns.json';
import type common from './locales/en/common.json';
import type diff from './locales/en/diff.json';
import type editor from './locales/en/editor.json';
import type flows from './locales/en/flows.json';
import type nodes from './locales/en/nodes.json';
import type panels from './locales/en/panels.json';
import type runs from './locales/en/runs.json';
import type settings from './locales/en/settings.json';
import type shell from './locales/en/shell.json';
import type stats from './locales/en/stats.json';
import type templates from './locales/en/templates.json';

type Ids<T> = Extract<keyof T, string>;

export type MessageId =
  | Ids<typeof campaigns>
  | Ids<typeof common>
  | Ids<typeof diff>
  | Ids<typeof editor>
  | Ids<typeof flows>
  | Ids<typeof nodes>
  | Ids<typeof panels>
  | Ids<typeof runs>
  | Ids<typeof settings>
  | Ids<typeof shell>
  | Ids<typeof stats>
  | Ids<typeof templates>;
