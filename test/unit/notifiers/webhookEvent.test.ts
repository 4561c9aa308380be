import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { buildWebhookEvent, signatureHeaderValue, webhookSignature } from "../../../src/notifiers/webhookEvent.js";
import { NOTICES, SUCCEEDED } from "./notices.js";

const schema: unknown = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../../docs/notification-event.v1.schema.json"), "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema as object);

describe("generic webhook event (schema v1)", () => {
  it.each(Object.entries(NOTICES))("%s: matches the documented schema", (_name, notice) => {
    const event = buildWebhookEvent(notice);
    expect(validate(event) ? [] : validate.errors).toEqual([]);
    expect(event).toMatchSnapshot();
  });

  it("signs `<t>.<body>` with HMAC-SHA256 as `t=<unix>,v1=<hex>`", () => {
    const body = JSON.stringify(buildWebhookEvent(SUCCEEDED));
    const expected = createHmac("sha256", "s3cret").update(`1764320400.${body}`).digest("hex");
    expect(webhookSignature("s3cret", 1764320400, body)).toBe(expected);
    expect(signatureHeaderValue("s3cret", 1764320400, body)).toBe(`t=1764320400,v1=${expected}`);
    // A published test vector, so a receiver in another language can check its implementation.
    expect(webhookSignature("whsec_test", 1700000000, '{"ok":true}')).toBe(createHmac("sha256", "whsec_test").update('1700000000.{"ok":true}').digest("hex"));
  });
});
