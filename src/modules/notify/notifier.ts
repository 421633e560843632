// Modules reach people only through these interfaces; the Telegram and Slack adapters implement them
// (by enqueuing send jobs), so no module imports grammY or Bolt.
export type TemplateParams = Record<string, string | number>;

export interface ClientNotifier {
  /**
   * Sends a message to a client, rendered in their current language from an i18n key.
   * `key` makes it idempotent (same key → sent once); `asStatus` edits their one status message.
   */
  notify(
    clientId: string,
    template: string,
    params: TemplateParams,
    opts: { key: string; asStatus?: boolean },
  ): Promise<void>;
}

export interface StaffNotifier {
  /** an assignment card for the case manager; ids only, the Slack worker builds the card */
  assignmentOffered(assignmentId: string): Promise<void>;
  assignmentChanged(assignmentId: string): Promise<void>;
}
