// A ClientNotifier that keeps every message in memory instead of sending: for tests and the bench.
// The running system uses the Telegram feature's notifier (src/telegram/notifier.ts).
import type { ClientNotifier, TemplateParams } from "./notifier.ts";

/** Keeps every message in memory; for tests and the bench. */
export class RecordingClientNotifier implements ClientNotifier {
  readonly sent: {
    clientId: string;
    template: string;
    params: TemplateParams;
    key: string;
    asStatus: boolean;
  }[] = [];
  private readonly keys = new Set<string>();

  async notify(
    clientId: string,
    template: string,
    params: TemplateParams,
    opts: { key: string; asStatus?: boolean },
  ): Promise<void> {
    if (this.keys.has(opts.key)) return;
    this.keys.add(opts.key);
    this.sent.push({ clientId, template, params, key: opts.key, asStatus: opts.asStatus ?? false });
  }
}
