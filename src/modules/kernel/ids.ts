// Identifiers shared by every module and adapter. Depends on nothing, so any room may import it.

/** A UUID in its canonical text form (any version; our rows use v7). Ids from payloads are checked against it before any query. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: unknown): s is string => typeof s === "string" && UUID.test(s);
