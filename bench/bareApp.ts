/**
 * The reference of the cold-import figure: the smallest durable function app, one HTTP starter, one
 * orchestration and one activity with durable-functions, as the product's modules register theirs.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";

df.app.activity("bareHello", { handler: (name: string) => `Hello ${name}` });

df.app.orchestration("bareOrchestration", function* (context) {
  const greeting: unknown = yield context.df.callActivity("bareHello", "bench");
  return greeting;
});

app.http("bareStart", {
  route: "bare/start",
  methods: ["POST"],
  extraInputs: [df.input.durableClient()],
  handler: async (_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const client = df.getClient(context);
    const id = await client.startNew("bareOrchestration");
    return { status: 202, jsonBody: { id } };
  },
});
