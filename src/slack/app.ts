// The Bolt app. In HTTP mode we do not let Bolt open its own port: its HTTPReceiver's request
// listener is mounted on our single HTTP server at /slack/events. In Socket Mode Bolt connects out.
// named imports: vitest's CommonJS interop hands a default import the App class, not the module
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { Logger } from "../lib/logger.ts";
import { guardSlackRequests, type ReplayStore } from "./guard.ts";

export type SlackApp = InstanceType<typeof App>;

export interface SlackDeps {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl: string;
  log: Logger;
  /** listeners by surface (actions, views, commands, events); each registers itself */
  features: ((app: SlackApp) => void)[];
  /** tests and the offline demo: skip auth.test against the Web API at start */
  botUserId?: string;
  botId?: string;
  /** HTTP mode: remembers accepted signatures so a replayed request is refused (see guard.ts) */
  replay?: ReplayStore;
}

export interface SlackRuntime {
  app: SlackApp;
  mode: "http" | "socket";
  /** present in HTTP mode: mount at /slack/events */
  requestListener?: (
    req: import("node:http").IncomingMessage,
    res: import("node:http").ServerResponse,
  ) => void;
}

function boltLogger(log: Logger) {
  return {
    debug: (...m: unknown[]) => log.debug({ src: "bolt" }, m.map(String).join(" ")),
    info: (...m: unknown[]) => log.info({ src: "bolt" }, m.map(String).join(" ")),
    warn: (...m: unknown[]) => log.warn({ src: "bolt" }, m.map(String).join(" ")),
    error: (...m: unknown[]) => log.error({ src: "bolt" }, m.map(String).join(" ")),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

export function createSlackApp(deps: SlackDeps): SlackRuntime {
  const common = {
    token: deps.botToken,
    logger: boltLogger(deps.log),
    clientOptions: { slackApiUrl: deps.apiUrl },
    ...(deps.botUserId
      ? { tokenVerificationEnabled: false, botUserId: deps.botUserId, botId: deps.botId ?? "B0" }
      : {}),
  };
  if (deps.appToken) {
    const app = new App({ ...common, appToken: deps.appToken, socketMode: true });
    for (const f of deps.features) f(app);
    return { app, mode: "socket" };
  }
  if (!deps.signingSecret) throw new Error("SLACK_SIGNING_SECRET is required for Slack over HTTP");
  const receiver = new HTTPReceiver({
    signingSecret: deps.signingSecret,
    endpoints: "/slack/events",
    logger: boltLogger(deps.log),
  });
  const app = new App({ ...common, receiver });
  for (const f of deps.features) f(app);
  // the guard verifies signature and timestamp itself and refuses replays before Bolt sees anything
  const requestListener = deps.replay
    ? guardSlackRequests(receiver.requestListener, {
        signingSecret: deps.signingSecret,
        replay: deps.replay,
        log: deps.log,
      })
    : receiver.requestListener;
  return { app, mode: "http", requestListener };
}
