/**
 * Function module the replay-cost scenario adds to the local runtime: an orchestration that calls a
 * trivial activity `input` times in sequence, so episode k replays a history of about 2k events.
 */
import * as df from "durable-functions";

/** The orchestration's name (bench/replayCost.ts starts it by this name). */
const REPLAY_ORCHESTRATION = "benchReplaySteps";

df.app.activity("benchReplayStep", { handler: (step: number) => step + 1 });

df.app.orchestration(REPLAY_ORCHESTRATION, function* (context) {
  const input: unknown = context.df.getInput();
  const steps = typeof input === "number" ? input : 0;
  let done = 0;
  for (let i = 0; i < steps; i++) {
    const next: unknown = yield context.df.callActivity("benchReplayStep", i);
    done = typeof next === "number" ? next : done;
  }
  return done;
});
