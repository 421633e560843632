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

/** Bolt's lines are free text: long ones are cut, they may quote what Slack sent. */
const BOLT_LINE_MAX = 300;
const line = (m: unknown[]): string => {
  const s = m.map((x) => (x instanceof Error ? `${x.name}: ${x.message}` : String(x))).join(" ");
  return s.length > BOLT_LINE_MAX ? `${s.slice(0, BOLT_LINE_MAX - 1)}…` : s;
};

/**
 * The logger Bolt, its receiver and its Web API client write to. Their debug lines are request and
 * response bodies (the event JSON, "http request body: …", "ack() … (body: …)"): message texts and
 * names of clients. They are dropped at every LOG_LEVEL; Bolt is told the level is INFO.
 */
export function boltLogger(log: Logger) {
  return {
    debug: (..._m: unknown[]) => {},
    info: (...m: unknown[]) => log.info({ src: "bolt" }, line(m)),
    warn: (...m: unknown[]) => log.warn({ src: "bolt" }, line(m)),
    error: (...m: unknown[]) => log.error({ src: "bolt" }, line(m)),
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
