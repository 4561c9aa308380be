/**
 * The smoke request `readRevision` makes to a healthy revision: one GET of `https://<fqdn><path>`
 * (or `<ACA_ROLLOUT_INGRESS_PROXY>/<fqdn><path>`), a short timeout, no redirects followed, the body
 * read and dropped. It trusts the system CAs plus the configured extra CA (the sandbox's).
 */
import { request } from "node:https";
import { rootCertificates } from "node:tls";
import type { Settings } from "../config/settings.js";

/** How long a smoke request may take before it counts as unanswered. */
export const SMOKE_TIMEOUT_MS = 5_000;

/** What a smoke request saw: a status, or no answer and why. */
export interface SmokeResult {
  status: number | undefined;
  error?: string;
}

/** The URL the smoke request goes to. */
export function smokeUrl(fqdn: string, path: string, ingressProxy: string | undefined): string {
  const suffix = path.startsWith("/") ? path : `/${path}`;
  return ingressProxy ? `${ingressProxy.replace(/\/+$/, "")}/${fqdn}${suffix}` : `https://${fqdn}${suffix}`;
}

/** GETs `url`; never throws (a failure is an answer too: `status` undefined with the reason). */
export function smokeRequest(url: string, settings: Pick<Settings, "armCaPem">, timeoutMs = SMOKE_TIMEOUT_MS): Promise<SmokeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: SmokeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      url,
      {
        method: "GET",
        headers: { "user-agent": "aca-rollout-smoke", accept: "*/*" },
        ca: settings.armCaPem ? [...rootCertificates, settings.armCaPem] : undefined,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on("end", () => finish({ status: res.statusCode }));
        res.on("error", () => finish({ status: res.statusCode }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: undefined, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (error: NodeJS.ErrnoException) => finish({ status: undefined, error: error.code ?? error.message }));
    req.end();
  });
}
