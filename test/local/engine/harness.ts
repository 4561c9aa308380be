/**
 * Shared set-up for engine tests: `@azure/functions-core` installed before the test file registers its
 * orchestrations, a virtual clock, and an engine that is stopped after each test.
 */
import { VirtualClock } from "../../../src/common/clock.js";
import { createEngine, type EngineOptions, type LocalOrchestrationEngine } from "../../../src/local/engine/engine.js";
import type { EngineLogger } from "../../../src/local/engine/invocation.js";
import { installCoreModule } from "../../../src/local/worker/coreModule.js";
import { FunctionRegistry } from "../../../src/local/worker/functionRegistry.js";

// @azure/functions-core must be provided before the test file's `df.app.*` calls, as the worker provides it.
installCoreModule();

/** The registered functions, as the engine sees them. */
export const registry: FunctionRegistry = new FunctionRegistry();

/** Log lines the engine produced, for assertions. */
export interface CollectedLog {
  level: string;
  message: string;
}

/** A running engine on a virtual clock. */
export interface TestEngine {
  engine: LocalOrchestrationEngine;
  clock: VirtualClock;
  logs: CollectedLog[];
  /** Advances virtual time, letting the engine go idle after every timer. */
  advance(ms: number): Promise<void>;
  /** Starts an orchestration and waits until the engine is idle. */
  run(name: string, input?: unknown, instanceId?: string): Promise<string>;
}

/** Creates an engine on a fresh virtual clock. */
export async function startTestEngine(options: Partial<EngineOptions> = {}): Promise<TestEngine> {
  const clock = (options.clock as VirtualClock | undefined) ?? new VirtualClock("2026-03-01T00:00:00.000Z");
  const logs: CollectedLog[] = [];
  const logger: EngineLogger = { log: (level, message) => logs.push({ level, message }) };
  const engine = await createEngine({ registry, clock, logger, ...options });
  return {
    engine,
    clock,
    logs,
    advance: (ms) => clock.advance(ms, () => engine.idle()),
    async run(name, input, instanceId) {
      const id = await engine.startNew(name, { input, instanceId });
      await engine.idle();
      return id;
    },
  };
}
