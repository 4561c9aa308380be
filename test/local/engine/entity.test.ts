import * as df from "durable-functions";
import type { EntityContext, OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "./harness.js";

df.app.entity("Counter", (context: EntityContext<number>) => {
  const value = context.df.getState(() => 0) ?? 0;
  switch (context.df.operationName) {
    case "add":
      context.df.setState(value + (context.df.getInput<number>() ?? 0));
      break;
    case "get":
      context.df.return(value);
      break;
    case "forward":
      context.df.signalEntity(new df.EntityId("Counter", "forwarded"), "add", context.df.getInput<number>());
      break;
    case "delete":
      context.df.destructOnExit();
      break;
    default:
      throw new Error(`Counter has no operation ${context.df.operationName ?? "(none)"}`);
  }
});

df.app.orchestration("useCounter", function* (context: OrchestrationContext) {
  const counter = new df.EntityId("Counter", "shared");
  context.df.signalEntity(counter, "add", 5);
  const value: unknown = yield context.df.callEntity(counter, "get");
  return value;
});

df.app.orchestration("criticalSection", function* (context: OrchestrationContext) {
  const account = new df.EntityId("Counter", "account");
  const lock = (yield context.df.lock(account)) as df.DurableLock;
  const locked = context.df.isLocked().isLocked;
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  const before: unknown = yield context.df.callEntity(account, "get");
  yield context.df.callEntity(account, "add", 5);
  lock.release();
  return { before, locked };
});

describe("entities", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.engine.stop();
  });

  it("takes signals from clients and orchestrations and answers calls in order", async () => {
    await t.engine.signalEntity({ name: "Counter", key: "shared" }, "add", 10);
    await t.engine.idle();
    expect(await t.engine.readEntityState({ name: "Counter", key: "shared" })).toEqual({ exists: true, state: 10 });
    const id = await t.run("useCounter");
    // The orchestration's signal (add 5) is processed before its call (get), as messages from one sender stay in order.
    expect((await t.engine.getStatus(id))?.output).toBe(15);
    expect(await t.engine.readEntityState({ name: "counter", key: "shared" })).toEqual({ exists: true, state: 15 });
  });

  it("delivers signals entities send to other entities, and deletes state", async () => {
    await t.engine.signalEntity({ name: "Counter", key: "source" }, "forward", 7);
    await t.engine.idle();
    expect(await t.engine.readEntityState({ name: "Counter", key: "forwarded" })).toEqual({ exists: true, state: 7 });
    expect(await t.engine.readEntityState({ name: "Counter", key: "nobody" })).toEqual({ exists: false });
    await t.engine.signalEntity({ name: "Counter", key: "forwarded" }, "delete");
    await t.engine.idle();
    expect(await t.engine.readEntityState({ name: "Counter", key: "forwarded" })).toEqual({ exists: false });
    await expect(t.engine.signalEntity({ name: "NoSuchEntity", key: "k" }, "add", 1)).rejects.toThrow("doesn't exist");
  });

  it("holds other callers back while an orchestration holds the entity's lock", async () => {
    await t.engine.signalEntity({ name: "Counter", key: "account" }, "add", 100);
    await t.engine.idle();
    const id = await t.run("criticalSection");
    await t.advance(10_000);
    await t.engine.signalEntity({ name: "Counter", key: "account" }, "add", 1000);
    await t.advance(20_000);
    // The client's signal waits behind the lock.
    expect(await t.engine.readEntityState({ name: "Counter", key: "account" })).toEqual({ exists: true, state: 100 });
    await t.advance(30_000);
    expect((await t.engine.getStatus(id))?.output).toEqual({ before: 100, locked: true });
    expect(await t.engine.readEntityState({ name: "Counter", key: "account" })).toEqual({ exists: true, state: 1105 });
  });
});
