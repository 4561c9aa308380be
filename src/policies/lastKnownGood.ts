/**
 * The last known good a rollback returns to, cross-checked: the revision serving now (read from
 * Azure) is compared with the app template and with the last known good on record (the
 * `deployTarget` entity). The serving revision always wins; every disagreement is said aloud so the
 * status shows it.
 */

/** What serves now, as `inspectTarget` read it. */
export interface ServingState {
  /** The revision serving now, if any. */
  revision: string | undefined;
  /** The deployed container's image in that revision. */
  image: string;
  /** The same container's image in the app template. */
  templateImage: string;
}

/** The last known good on record. */
export interface RecordedKnownGood {
  revision: string;
  image: string;
}

/** Human notes on every way the record and the template disagree with what serves; empty when all agree. */
export function lastKnownGoodNotes(serving: ServingState, recorded: RecordedKnownGood | undefined): string[] {
  const notes: string[] = [];
  if (serving.revision !== undefined && serving.templateImage !== serving.image) {
    notes.push(`the app template names ${serving.templateImage}, but ${serving.revision} serves ${serving.image}: the serving revision is the last known good`);
  }
  if (recorded !== undefined && (recorded.revision.toLowerCase() !== (serving.revision ?? "").toLowerCase() || recorded.image !== serving.image)) {
    notes.push(
      serving.revision === undefined
        ? `the last known good on record is ${recorded.revision} (${recorded.image}), but no revision serves now`
        : `the last known good on record is ${recorded.revision} (${recorded.image}), but ${serving.revision} (${serving.image}) serves with traffic: rolling back to ${serving.revision} if needed`,
    );
  }
  return notes;
}
