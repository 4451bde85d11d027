/** The one name for a JSON object (a record RingCentral returns, an action input, a result): not null, not an array. */
export type JsonObject = Record<string, unknown>;
