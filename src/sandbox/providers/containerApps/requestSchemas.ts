/**
 * Validation of the bodies the provider accepts: the ContainerApp envelope of PATCH/PUT (loose, so
 * fields the sandbox does not model pass through) and the scenario seeding request. Only what the
 * sandbox acts on is checked; a wrong type there is a 400 like on Azure.
 */
import { z } from "zod";
import type { JsonObject, JsonValue } from "./json.js";

/** A container or init container as sent to ARM. */
export interface ContainerSpec {
  name: string;
  image: string;
  [key: string]: JsonValue;
}


const containerSchema = z.looseObject({ name: z.string().min(1), image: z.string().min(1) });

const templateSchema = z.looseObject({
  revisionSuffix: z.string().nullish(),
  containers: z.array(containerSchema).min(1).nullish(),
  initContainers: z.array(containerSchema).nullish(),
  scale: z.looseObject({ minReplicas: z.number().int().min(0).nullish(), maxReplicas: z.number().int().min(1).nullish() }).nullish(),
});

const trafficSchema = z.looseObject({
  revisionName: z.string().nullish(),
  weight: z.number().int().min(0).max(100).nullish(),
  latestRevision: z.boolean().nullish(),
  label: z.string().nullish(),
});

const ingressSchema = z.looseObject({
  external: z.boolean().nullish(),
  targetPort: z.number().int().min(1).max(65535).nullish(),
  traffic: z.array(trafficSchema).nullish(),
});

const configurationSchema = z.looseObject({
  activeRevisionsMode: z
    .string()
    .regex(/^(single|multiple)$/i, "the sandbox supports activeRevisionsMode 'Single' and 'Multiple'")
    .nullish(),
  ingress: ingressSchema.nullish(),
  registries: z.array(z.looseObject({ server: z.string().min(1) })).nullish(),
  secrets: z.array(z.looseObject({ name: z.string().min(1) })).nullish(),
});

/** The ContainerApp envelope of PATCH (merge) and PUT (replace). */
export const containerAppEnvelopeSchema = z.looseObject({
  location: z.string().min(1).optional(),
  tags: z.record(z.string(), z.string()).nullish(),
  identity: z.looseObject({ type: z.string().min(1) }).nullish(),
  properties: z
    .looseObject({
      managedEnvironmentId: z.string().min(1).nullish(),
      environmentId: z.string().min(1).nullish(),
      workloadProfileName: z.string().min(1).nullish(),
      configuration: configurationSchema.nullish(),
      template: templateSchema.nullish(),
    })
    .nullish(),
});

/** Container App names: 2-32 lowercase alphanumerics or '-', letter first, alphanumeric last, no '--'. */
export const containerAppNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, "a container app name must be 2-32 lower case alphanumeric characters or '-', start with a letter and end with an alphanumeric character")
  .refine((name) => !name.includes("--"), "a container app name cannot contain '--'");

/** Options for creating an app with one healthy, ready revision (programmatic API and control route). */
export interface SeedAppOptions {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Default "East US". */
  location?: string;
  /** Managed environment name in the same resource group; default "sandbox-env". */
  environmentName?: string;
  /** Default "Consumption". */
  workloadProfileName?: string;
  /** Default "Single". */
  activeRevisionsMode?: "Single" | "Multiple";
  /** App containers (several = sidecars). */
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  /** Suffix of the initial revision; default a generated 7-character one. */
  revisionSuffix?: string;
  /** `configuration.ingress`; default `{ external: true, targetPort: 80 }`; null = no ingress. */
  ingress?: JsonObject | null;
  /** `configuration.registries`, e.g. `[{ server: "myacr.azurecr.io", identity: "system" }]`. */
  registries?: JsonObject[];
  /** Other `properties.template` fields (scale, volumes, serviceBinds, ...). */
  template?: JsonObject;
  /** Other `properties.configuration` fields (secrets, dapr, maxInactiveRevisions, ...). */
  configuration?: JsonObject;
  /** `identity`, e.g. `{ type: "SystemAssigned" }`; default `{ type: "None" }`. */
  identity?: JsonObject;
  tags?: Record<string, string>;
}

/** Validates {@link SeedAppOptions} received as JSON. */
export const seedAppSchema = z.strictObject({
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  name: containerAppNameSchema,
  location: z.string().min(1).optional(),
  environmentName: z.string().min(1).optional(),
  workloadProfileName: z.string().min(1).optional(),
  activeRevisionsMode: z.enum(["Single", "Multiple"]).optional(),
  containers: z.array(containerSchema).min(1),
  initContainers: z.array(containerSchema).optional(),
  revisionSuffix: z.string().min(1).optional(),
  ingress: ingressSchema.nullable().optional(),
  registries: z.array(z.looseObject({ server: z.string().min(1) })).optional(),
  template: templateSchema.optional(),
  configuration: configurationSchema.optional(),
  identity: z.looseObject({ type: z.string().min(1) }).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

/** A one-line description of what failed validation, for the error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"}: ${issue.message}`).join("; ");
}
