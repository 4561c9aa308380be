/**
 * Lets the sandbox's background work (data-plane pushes, webhook deliveries) and the local runtime
 * (its timer invocations, which import their handler on first call, and its engine) finish. Work
 * crosses between them (an activity's build read finishes a run whose push sends a webhook, whose
 * handler raises an event), so it settles again until a whole pass started nothing new.
 */
interface BackgroundWork {
  dataPlane: { whenIdle(): Promise<void>; pushesStarted(): number };
  acr: { webhookDeliveriesIdle(): Promise<void>; webhookDeliveriesStarted(): number; logWritesIdle(): Promise<void> };
}

/** Resolves once the sandbox's pushes and deliveries and the runtime are idle with nothing new started. */
export async function settleWork(sandbox: BackgroundWork, runtime: { idle(): Promise<void> }): Promise<void> {
  const started = (): number => sandbox.dataPlane.pushesStarted() + sandbox.acr.webhookDeliveriesStarted();
  for (;;) {
    const before = started();
    await sandbox.dataPlane.whenIdle();
    await sandbox.acr.webhookDeliveriesIdle();
    // A run's final log copy (Azurite) is written when the run ends, like a push.
    await sandbox.acr.logWritesIdle();
    await runtime.idle();
    if (started() === before) return;
  }
}
