/** What an engine is built with (createEngine's options). */
import type { Clock } from "../../common/clock.js";
import type { FunctionRegistry } from "../worker/functionRegistry.js";
import type { OverridableStates } from "./api.js";
import type { EngineLogger, ExtraInputsProvider } from "./invocation.js";
import type { TimerLimits } from "./orchestratorInvoker.js";

/** How to build an engine. */
export interface EngineOptions {
  registry: FunctionRegistry;
  clock: Clock;
  /** Journal folder; undefined keeps everything in memory. */
  dataDir?: string;
  /** Names the journal file; default `LocalTaskHub`. */
  taskHubName?: string;
  /** Supplies values for declared extra inputs (e.g. the durable client binding), by input name. */
  extraInputs?: ExtraInputsProvider;
  logger?: EngineLogger;
  /** Timer limits advertised to the orchestrator; default Azure Storage's (6 days / 3-day slices). */
  timerLimits?: TimerLimits;
  /** Instance ids for `startNew` without one; default a dash-less UUID, like the extension. */
  newInstanceId?: () => string;
  /** Which existing instances `startNew` may replace (host.json's overridableExistingInstanceStates); default NonRunningStates. */
  overridableExistingInstanceStates?: OverridableStates;
  /** Maximum operations per entity batch; default 50. */
  maxEntityBatch?: number;
}
