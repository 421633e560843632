// The vertical slices that make up anlauf, in the order their Telegram handlers should see updates.
import type { Feature } from "./app/feature.ts";

export function allFeatures(): Feature[] {
  return [];
}
