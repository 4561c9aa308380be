/** The outcomes a deploy can end with: domain vocabulary the timeline, the API and the policies share. */

/** All outcomes, in the order a report lists them. */
export const DEPLOY_OUTCOMES = ["Succeeded", "Failed", "RolledBack", "Canceled", "Superseded", "Quarantined"] as const;

/**
 * - Succeeded: the new revision passed verification (possibly after a restart).
 * - Failed: it did not, and nothing restored a verified revision.
 * - RolledBack: it did not, and the previous revision is serving again (verified).
 * - Canceled: an operator canceled the deploy.
 * - Superseded: a newer deploy of the same app took over before this one finished.
 * - Quarantined: the digest to deploy (a tag resolved at run time) is quarantined for the app, so the
 *   deploy ended before any write to it.
 */
export type DeployOutcomeKind = (typeof DEPLOY_OUTCOMES)[number];
