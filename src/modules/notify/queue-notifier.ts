// A ClientNotifier that only enqueues: the Telegram worker renders the template in the client's language
// and sends it (job "telegram.send"). Used until/unless a process wires the Telegram feature's own
// notifier; both honour the same contract (ids and codes in, `key` makes the send idempotent).
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import type { ClientNotifier, TemplateParams } from "./notifier.ts";

export class QueueClientNotifier implements ClientNotifier {
  constructor(private readonly producer: Pick<Producer<Jobs>, "enqueue">) {}

  async notify(
    clientId: string,
    template: string,
    params: TemplateParams,
    opts: { key: string; asStatus?: boolean },
  ): Promise<void> {
    await this.producer.enqueue("telegram.send", {
      clientId,
      template,
      params,
      asStatus: opts.asStatus ?? false,
      key: opts.key,
    });
  }
}

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
