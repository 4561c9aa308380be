/**
 * The ARM error codes that mean "the app is busy with another operation; ask again later". A write
 * that gets one of these (with status 409) waits and retries; any other 409 is a failure that keeps
 * its code.
 *
 * Sources:
 * - `ContainerAppOperationInProgress`: what Container Apps answers today for a write during another
 *   operation ("Cannot modify a container app '…' because there is an active provisioning operation
 *   in progress."), microsoft/azure-container-apps#1731.
 * - `ContainerAppLockConflict`: what older deployments answered ("Cannot modify container App '…'
 *   because another modification is in progress. Please retry the operation."),
 *   microsoft/azure-container-apps#175.
 * - `ManagedEnvironmentOperationInProgress`: the app's managed environment is itself being changed
 *   ("Cannot modify Container Apps environment '…' because another operation is in progress."),
 *   microsoft/azure-container-apps#701.
 */
export const APP_BUSY_CODES = ["ContainerAppOperationInProgress", "ContainerAppLockConflict", "ManagedEnvironmentOperationInProgress"] as const;

/** One of {@link APP_BUSY_CODES}. */
export type AppBusyCode = (typeof APP_BUSY_CODES)[number];

/** Whether an ARM error code says the app is busy (wait and retry), as opposed to a real conflict. */
export function isAppBusyCode(code: string | undefined): code is AppBusyCode {
  return code !== undefined && (APP_BUSY_CODES as readonly string[]).includes(code);
}
