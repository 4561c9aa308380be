/**
 * The demo `npm start` sets up in the sandbox: one registry with a small image at two tags, three
 * Container Apps, and a target for each. `demo-single` and `demo-multi` deploy by tag (one per
 * revision mode); `demo-build` builds its image with ACR Tasks first, so the layer-cached build can
 * be seen on the first run. The README's examples use these targets, and its test runs them against
 * this very declaration and seeding.
 */
import { randomBytes } from "node:crypto";
import type { NotificationCapture } from "../sandbox/notifications/notificationCapture.js";
import type { Sandbox } from "../sandbox/server.js";
import { DEFAULT_WEBHOOK_SECRET_HEADER } from "../config/settings.js";
import { OVERRIDABLE_FIELDS, type TargetDefinition, type TargetsDocumentInput } from "../domain/target.js";

/** The settings the product's ACR webhook reads (src/config/settings.ts). */
const WEBHOOK_SECRET_SETTING = "ACA_ROLLOUT_WEBHOOK_SECRET";
const WEBHOOK_SECRET_HEADER_SETTING = "ACA_ROLLOUT_WEBHOOK_SECRET_HEADER";

/** The fixed subscription the demo resources live in (not a real subscription). */
export const DEMO_SUBSCRIPTION_ID = "de300000-0000-4000-8000-000000000001";
/** The demo resource group. */
export const DEMO_RESOURCE_GROUP = "rg-demo";
/** The demo registry's name and login server (ACR names need 5-50 letters or digits, so not just "demo"). */
export const DEMO_REGISTRY = { name: "demoacr", loginServer: "demoacr.azurecr.io" } as const;
/** The demo image: the apps run `tag`, `nextTag` is there to deploy, and `buildTag` is what a demo build pushes. */
export const DEMO_IMAGE = { repository: "demo/hello", tag: "v1", nextTag: "v2", buildTag: "v3" } as const;
/** The demo apps; `build` marks the one whose target builds. */
export const DEMO_APPS = [
  { name: "demo-single", activeRevisionsMode: "Single", build: false },
  { name: "demo-multi", activeRevisionsMode: "Multiple", build: false },
  { name: "demo-build", activeRevisionsMode: "Single", build: true },
] as const;

/**
 * The auto-rollout demo: app `demo-auto` runs `demo/auto:v1`, and its target deploys every `v*` tag
 * pushed to that repository. `npm start` gives the sandbox registry a webhook (as `az acr webhook
 * create --headers` would) that posts every push to the runtime's `POST /api/webhooks/acr` with the
 * shared secret, so a push through `POST $S/_sandbox/registries/images` deploys end to end.
 */
export const DEMO_AUTO = { app: "demo-auto", repository: "demo/auto", tag: "v1", nextTag: "v2", tagPolicy: { kind: "glob", pattern: "v*" } } as const;
/** The sandbox registry webhook `npm start` creates (ACR webhook names are 5-50 letters or digits). */
export const DEMO_WEBHOOK_NAME = "acarolloutdemo";

/** Where the demo build's context comes from (the sandbox plays the run; it fetches nothing). */
export const DEMO_BUILD_SOURCE = { kind: "git", url: "https://github.com/Azure-Samples/containerapps-albumapi-javascript.git", ref: "main" } as const;

/**
 * The app settings naming the demo targets' notification channels. `npm start` points them at the
 * sandbox's capture receiver (unless they are set already), so every demo deploy posts a Teams card,
 * a Slack message and a signed webhook event that `GET $S/_sandbox/notifications` shows.
 */
export const DEMO_NOTIFICATION_SETTINGS = {
  teams: "DEMO_TEAMS_WORKFLOW_URL",
  slack: "DEMO_SLACK_WEBHOOK_URL",
  webhook: "DEMO_WEBHOOK_URL",
  secret: "DEMO_WEBHOOK_SECRET",
} as const;

/** The targets `npm start` declares for the demo apps (named like the apps), unless the user declared their own. */
export function demoTargetsDocument(): TargetsDocumentInput {
  const notifications = {
    teams: [{ webhookUrlSetting: DEMO_NOTIFICATION_SETTINGS.teams }],
    slack: [{ webhookUrlSetting: DEMO_NOTIFICATION_SETTINGS.slack }],
    webhook: [{ urlSetting: DEMO_NOTIFICATION_SETTINGS.webhook, secretSetting: DEMO_NOTIFICATION_SETTINGS.secret }],
  };
  return {
    allow: { subscriptions: [DEMO_SUBSCRIPTION_ID], resourceGroups: [DEMO_RESOURCE_GROUP] },
    targets: [
      ...DEMO_APPS.map((app) => ({
        name: app.name,
        containerApp: { subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, containerApp: app.name },
        image: { loginServer: DEMO_REGISTRY.loginServer, repository: DEMO_IMAGE.repository },
        ...(app.build ? { build: { registry: { resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_REGISTRY.name }, source: { ...DEMO_BUILD_SOURCE } } } : {}),
        notifications,
        // The demo is for trying things: a request may bring a build and tune the policy.
        allowOverrides: [...OVERRIDABLE_FIELDS],
      })),
      {
        name: DEMO_AUTO.app,
        containerApp: { subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, containerApp: DEMO_AUTO.app },
        image: { loginServer: DEMO_REGISTRY.loginServer, repository: DEMO_AUTO.repository },
        notifications,
        autoRollout: { enabled: true, tagPolicy: { ...DEMO_AUTO.tagPolicy } },
        allowOverrides: [...OVERRIDABLE_FIELDS],
      },
    ],
  };
}

/**
 * Creates the demo images and apps in `sandbox` where they do not exist yet (a restarted sandbox keeps
 * what earlier runs and deploys made of them) and returns the image the apps were seeded with.
 * Fixed nonces give the demo images the same digests in every data dir.
 */
export async function seedDemoResources(sandbox: Sandbox): Promise<string> {
  const seedDemoImage = async (tag: string): Promise<string> =>
    (await sandbox.dataPlane.resolveTag(DEMO_REGISTRY.loginServer, DEMO_IMAGE.repository, tag)) ??
    sandbox.dataPlane.seedImage(DEMO_REGISTRY.loginServer, DEMO_IMAGE.repository, tag, { nonce: `demo-${tag}` });
  const autoDigest =
    (await sandbox.dataPlane.resolveTag(DEMO_REGISTRY.loginServer, DEMO_AUTO.repository, DEMO_AUTO.tag)) ??
    (await sandbox.dataPlane.seedImage(DEMO_REGISTRY.loginServer, DEMO_AUTO.repository, DEMO_AUTO.tag, { nonce: `demo-auto-${DEMO_AUTO.tag}` }));
  const [digest] = await Promise.all([seedDemoImage(DEMO_IMAGE.tag), seedDemoImage(DEMO_IMAGE.nextTag)]);
  const demoImage = `${DEMO_REGISTRY.loginServer}/${DEMO_IMAGE.repository}@${digest}`;
  const apps = [
    ...DEMO_APPS.map((app) => ({ name: app.name, activeRevisionsMode: app.activeRevisionsMode, image: demoImage })),
    { name: DEMO_AUTO.app, activeRevisionsMode: "Single", image: `${DEMO_REGISTRY.loginServer}/${DEMO_AUTO.repository}@${autoDigest}` },
  ] as const;
  for (const app of apps) {
    if (sandbox.apps.getApp({ subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, name: app.name })) continue;
    sandbox.apps.seedApp({
      subscriptionId: DEMO_SUBSCRIPTION_ID,
      resourceGroup: DEMO_RESOURCE_GROUP,
      name: app.name,
      activeRevisionsMode: app.activeRevisionsMode,
      containers: [{ name: "hello", image: app.image }],
      registries: [{ server: DEMO_REGISTRY.loginServer, identity: "system" }],
      identity: { type: "SystemAssigned" },
    });
  }
  return demoImage;
}

/**
 * Points the demo channels' settings at `capture` where they are not set already, with a fresh
 * webhook secret the receiver also knows, so it can say whether each signature checks out.
 */
export function wireDemoNotifications(env: NodeJS.ProcessEnv, capture: NotificationCapture): void {
  env[DEMO_NOTIFICATION_SETTINGS.teams] ||= capture.urlFor("teams", "demo");
  env[DEMO_NOTIFICATION_SETTINGS.slack] ||= capture.urlFor("slack", "demo");
  env[DEMO_NOTIFICATION_SETTINGS.webhook] ||= capture.urlFor("webhook", "demo");
  const secret = env[DEMO_NOTIFICATION_SETTINGS.secret] || randomBytes(24).toString("hex");
  env[DEMO_NOTIFICATION_SETTINGS.secret] = secret;
  capture.setWebhookSecret(secret);
}

/**
 * The shared secret the product's ACR webhook checks (`ACA_ROLLOUT_WEBHOOK_SECRET`): the user's own
 * when set, else a fresh random one for this run (the demo webhook is given it again at every start).
 */
export function demoWebhookSecret(env: NodeJS.ProcessEnv): string {
  const secret = env[WEBHOOK_SECRET_SETTING] || randomBytes(24).toString("hex");
  env[WEBHOOK_SECRET_SETTING] = secret;
  return secret;
}

/**
 * Gives the demo registry the webhook `az acr webhook create --uri <runtime>/api/webhooks/acr
 * --actions push --headers <header>=<secret>` would: every push reaches the runtime's ACR webhook.
 * Its URI and secret are not printed anywhere.
 */
export function wireDemoWebhook(sandbox: Sandbox, runtimeUrl: string, env: NodeJS.ProcessEnv): void {
  const registry = sandbox.acr.registries().find((candidate) => candidate.loginServer === DEMO_REGISTRY.loginServer);
  if (!registry) return;
  const header = env[WEBHOOK_SECRET_HEADER_SETTING]?.trim().toLowerCase() || DEFAULT_WEBHOOK_SECRET_HEADER;
  sandbox.acr.putWebhook(registry, DEMO_WEBHOOK_NAME, {
    location: registry.location,
    properties: { serviceUri: `${runtimeUrl}/api/webhooks/acr`, customHeaders: { [header]: demoWebhookSecret(env) }, actions: ["push"], status: "enabled", scope: "" },
  });
}

/** A curl-ready example request for the banner. */
export interface DeployExample {
  title: string;
  body: { target: string; tag: string };
}

/**
 * Deploy examples for the targets actually configured: the demo's real tags for the demo targets,
 * a `<tag>` placeholder for anyone else's; one by tag and, when a target builds, one that builds.
 */
export function deployExamples(targets: readonly TargetDefinition[]): DeployExample[] {
  const demoNames = new Set<string>(DEMO_APPS.map((app) => app.name));
  const isDemo = (target: TargetDefinition): boolean => demoNames.has(target.name) && target.image.loginServer === DEMO_REGISTRY.loginServer;
  const plain = targets.find((target) => !target.build);
  const building = targets.find((target) => target.build?.source !== undefined);
  const examples: DeployExample[] = [];
  if (plain) examples.push({ title: `Deploy a tag to ${plain.name}`, body: { target: plain.name, tag: isDemo(plain) ? DEMO_IMAGE.nextTag : "<tag>" } });
  if (building) {
    examples.push({ title: `Build with ACR Tasks (layer cache), then deploy, to ${building.name}`, body: { target: building.name, tag: isDemo(building) ? DEMO_IMAGE.buildTag : "<tag>" } });
  }
  return examples;
}
