/**
 * What the HTTP API answers about campaign progress (types only): `GET /campaigns` and
 * `GET /campaigns/:campaignId` (JSON, or the same documents as server-sent events with
 * `Accept: text/event-stream`), retry-all, pause and resume. `Time` as in ./flows.ts.
 *
 * A campaign is the `campaign.id` of the events that started its runs (else `call.campaignId`);
 * runs of event-triggered flows whose events carry none are counted under the campaign id `""`
 * (shown per flow, never paused or retried as a campaign).
 */

/**
 * Runs of a campaign in a flow, by state. `accepted`: events that started a run; `retried`: retries
 * queued since (each moves a failed run back to `queued`, so `queued + running + succeeded + failed`
 * stays `accepted` unless one run was retried twice by hand). `failed` includes timed-out runs.
 */
export interface CampaignCounts {
  accepted: number;
  retried: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
}

/** How fast runs finish (succeeded or failed) and when the rest should be done, as measured by the server. */
export interface CampaignPace<Time = string> {
  /** Runs finished per second over the last ~20 s of readings; null until two readings a second apart. */
  ratePerSecond: number | null;
  /** Now + (queued + running) / rate; null when paused, done, or the rate is unknown or 0. */
  estimatedEndAt: Time | null;
}

/** One event-triggered flow's part of a campaign. */
export interface CampaignFlowProgress<Time = string> extends CampaignCounts, CampaignPace<Time> {
  flowId: string;
  /** Null when the flow was deleted since. */
  flowName: string | null;
  flowKey: string | null;
  startedAt: Time;
  updatedAt: Time;
}

/** A campaign: its totals over its flows, each flow, and whether its deliveries are paused. */
export interface CampaignProgress<Time = string> extends CampaignCounts, CampaignPace<Time> {
  campaignId: string;
  paused: boolean;
  pausedAt: Time | null;
  startedAt: Time;
  updatedAt: Time;
  flows: CampaignFlowProgress<Time>[];
}

/** Failed runs of a campaign (not retried yet) sharing an error code in one flow, with one of them. */
export interface CampaignFailureGroup {
  flowId: string;
  flowName: string | null;
  /** The run's error code (`RUN_DEADLINE` for timed-out runs, `UNKNOWN` when none was recorded). */
  code: string;
  count: number;
  /** The latest run that failed with this code (GET /executions/:id), with its message. */
  example: { executionId: string; message: string | null } | null;
}

/** GET /campaigns/:campaignId (and each `progress` event of its stream). */
export interface CampaignDetail<Time = string> extends CampaignProgress<Time> {
  failures: CampaignFailureGroup[];
}

/** GET /campaigns (and each `campaigns` event of its stream): the tenant's campaigns, latest activity first. */
export interface CampaignList<Time = string> {
  items: CampaignProgress<Time>[];
  /** Every event-triggered flow that ran, over all its campaigns (and its runs without one). */
  flows: CampaignFlowProgress<Time>[];
}

/** POST /campaigns/:campaignId/retry. */
export interface CampaignRetryRequest {
  /** Chosen by the caller, unique per action: a repeated request with the same id queues nothing again. */
  requestId: string;
  /** Only this flow's failed runs. */
  flowId?: string;
  /** Only failed runs with this error code. */
  code?: string;
}

/** The answer to a retry-all (202): what the request with this id queued, the first time it was made. */
export interface CampaignRetryResult {
  requestId: string;
  /** Failed runs queued again (each on its flow's currently published version). */
  queued: number;
  /** Failed runs left as they were: their flow is no longer published. */
  skipped: number;
  /** True when this request id had been used already (nothing was queued this time). */
  repeated: boolean;
}

/** POST /campaigns/:campaignId/pause and /resume. */
export interface CampaignPauseState<Time = string> {
  campaignId: string;
  paused: boolean;
  pausedAt: Time | null;
}

/** Stable codes in `details.code` of the campaign routes' errors. */
export type CampaignErrorCode = 'CAMPAIGN_NOT_FOUND' | 'CAMPAIGN_RETRY_REQUEST_REUSED';
