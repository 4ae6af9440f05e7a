/**
 * What the HTTP API answers about flows (types only): the API's views declare them, the editor
 * reads them. `Time` is `Date` where the API builds a view and `string` (ISO) on the wire.
 */
import type { FlowDefinition } from '../definition';
import type { ValidationIssue } from '../validation-types';

/** A page of a list; `nextCursor` asks for the next one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** validateFlow's verdict on a draft, without the parsed flow. */
export interface FlowValidation {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** A row of GET /flows. */
export interface FlowSummary<Time = string> {
  id: string;
  key: string;
  name: string;
  description: string;
  revision: number;
  /** The type of the draft's first trigger node. */
  triggerType: string | null;
  publishedVersion: number | null;
  latestVersion: number;
  createdAt: Time;
  updatedAt: Time;
  updatedBy: string | null;
  /** The email of `updatedBy`, where the API looked it up (list and get). */
  updatedByEmail?: string | null;
}

/** GET /flows/:id (and what create, update and import answer): the draft and its validation. */
export interface FlowDetail<Time = string> extends FlowSummary<Time> {
  definition: FlowDefinition;
  validation: FlowValidation;
}

/** A row of GET /flows/:id/versions: an immutable published version. */
export interface FlowVersionSummary<Time = string> {
  version: number;
  triggerType: string;
  note: string;
  createdAt: Time;
  createdBy: string | null;
  /** The email of `createdBy` (the list only; null when that user is gone). */
  createdByEmail?: string | null;
  /** True for the version triggers run now. */
  published: boolean;
}

/** GET /flows/:id/versions/:version. */
export interface FlowVersionDetail<Time = string> extends FlowVersionSummary<Time> {
  definition: FlowDefinition;
  triggerConfig: Record<string, unknown>;
}

/** What publishing (and a rollback) answers. */
export interface PublishResult {
  version: number;
  publishedVersion: number;
}
