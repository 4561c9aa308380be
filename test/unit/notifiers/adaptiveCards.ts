/** The `adaptivecards` package's own parser, loaded from its UMD bundle in Node, for the card checks. */
import { createRequire } from "node:module";

interface AdaptiveCardsModule {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void };
  SerializationContext: new (version?: unknown) => { eventCount: number; getEventAt(index: number): { message: string } };
  Versions: { v1_5: unknown };
}

const adaptiveCards = createRequire(import.meta.url)("adaptivecards/dist/adaptivecards.js") as AdaptiveCardsModule;

/** Every problem `card.parse` reports for `card` read as version 1.5 (empty when it parses cleanly). */
export function cardParseEvents(card: unknown): string[] {
  const context = new adaptiveCards.SerializationContext(adaptiveCards.Versions.v1_5);
  new adaptiveCards.AdaptiveCard().parse(card, context);
  return Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
}
