/**
 * ARM error replies of the Container Apps provider. The model throws {@link ArmRequestError}; route
 * handlers turn it into the reply. Codes follow what Azure answers for the same mistakes.
 */
import { armError, type SandboxReply } from "../../kernel/types.js";

/** A request the sandbox refuses, carrying the ARM error reply to send. */
export class ArmRequestError extends Error {
  constructor(readonly reply: SandboxReply) {
    super(describe(reply));
    this.name = "ArmRequestError";
  }
}

function describe(reply: SandboxReply): string {
  const body = reply.body as { error?: { code?: string; message?: string } } | undefined;
  return `${reply.status} ${body?.error?.code ?? ""}: ${body?.error?.message ?? ""}`;
}

/** 404 for a container app that does not exist. */
export function appNotFound(resourceGroup: string, name: string): ArmRequestError {
  return new ArmRequestError(
    armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.App/containerApps/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  );
}

/** 404 for a revision that does not exist. */
export function revisionNotFound(resourceGroup: string, appName: string, revisionName: string): ArmRequestError {
  return new ArmRequestError(
    armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.App/containerApps/${appName}/revisions/${revisionName}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  );
}

/** 400 for a body that is not a valid ContainerApp envelope. */
export function invalidRequestContent(message: string): ArmRequestError {
  return new ArmRequestError(armError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: ${message}`));
}

/** 400 in Azure's "field(s) are either invalid or missing" form used for template/configuration problems. */
export function invalidField(appName: string, field: string, value: string, detail: string): ArmRequestError {
  return new ArmRequestError(
    armError(
      400,
      "ContainerAppOperationError",
      `Failed to provision revision for container app '${appName}'. Error details: The following field(s) are either invalid or missing. Field '${field}' is invalid with details: 'Invalid value: "${value}": ${detail}';.`,
    ),
  );
}

/**
 * The codes Azure has answered a write with while the app (or its environment) was busy: today's
 * code, the one older deployments sent (microsoft/azure-container-apps#175) and the environment's own
 * (microsoft/azure-container-apps#701). A scenario setting picks which one the sandbox answers.
 */
export const BUSY_CODES = ["ContainerAppOperationInProgress", "ContainerAppLockConflict", "ManagedEnvironmentOperationInProgress"] as const;

/** One of {@link BUSY_CODES}. */
export type BusyCode = (typeof BUSY_CODES)[number];

/** 409 while a previous write on the app is still running (Azure refuses concurrent updates), worded as Azure words each code. */
export function operationInProgress(appName: string, environmentName: string, code: BusyCode = "ContainerAppOperationInProgress"): ArmRequestError {
  const messages: Record<BusyCode, string> = {
    ContainerAppOperationInProgress: `Cannot modify a container app '${appName}' because there is an active provisioning operation in progress.`,
    ContainerAppLockConflict: `Cannot modify container App '${appName}' because another modification is in progress. Please retry the operation.`,
    ManagedEnvironmentOperationInProgress: `Cannot modify Container Apps environment ${environmentName} because another operation is in progress.`,
  };
  return new ArmRequestError(armError(409, code, messages[code]));
}

/** 400 for a revision action Azure does not allow in the revision's current state. */
export function invalidRevisionOperation(message: string): ArmRequestError {
  return new ArmRequestError(armError(400, "ContainerAppInvalidRevisionOperation", message));
}

/** 409 when a seeded app already exists. */
export function appAlreadyExists(name: string): ArmRequestError {
  return new ArmRequestError(armError(409, "Conflict", `Container app '${name}' already exists in the sandbox.`));
}

/** 404 for an unknown long-running operation id. */
export function operationNotFound(operationId: string): ArmRequestError {
  return new ArmRequestError(armError(404, "OperationNotFound", `Operation '${operationId}' was not found.`));
}
