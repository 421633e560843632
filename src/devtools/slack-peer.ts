// A local stand-in for the Slack Web API (https://slack.com/api/<method>) for the offline demo and the
// tests: it records every call, answers like Slack does for the methods anlauf uses, and can be told
// to fail (429 with Retry-After, or an error) to exercise retries.
import { createServer, type Server } from "node:http";
import { listen } from "../http/server.ts";

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

/** A file shared through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface SlackFile {
  id: string;
  name: string;
  title: string;
  channel: string;
  content: Buffer;
}

export interface SlackPeer {
  url: string;
  calls: SlackCall[];
  /** the files completed so far, in order (uploads never completed are not shared, as in Slack) */
  files: SlackFile[];
  /** the next `n` calls of `method` answer 429 with Retry-After: `seconds` */
  rateLimitNext(method: string, n: number, seconds?: number): void;
  failNext(method: string, error: string, n?: number): void;
  waitFor(pred: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  close(): Promise<void>;
}

const BOT = { user_id: "UBOTANLAUF", bot_id: "BANLAUF", team_id: "TANLAUF", team: "anlauf (offline)" };

function parseBody(raw: string, type: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (type?.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** The file of an upload: the first part of a multipart body (how @slack/web-api posts it), else the body. */
function uploadedBytes(body: Buffer, type: string | undefined): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type ?? "");
  if (!type?.startsWith("multipart/") || !boundary) return body;
  const sep = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(sep);
  const head = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(Buffer.concat([Buffer.from("\r\n"), sep]), head);
  return start < 0 || head < 0 || end < 0 ? body : body.subarray(head + 4, end);
}

export async function startSlackPeer(port = 0, onCall?: (c: SlackCall) => void): Promise<SlackPeer> {
  const calls: SlackCall[] = [];
  const limits = new Map<string, { n: number; seconds: number }>();
  const failures = new Map<string, { n: number; error: string }>();
  const files: SlackFile[] = [];
  const uploads = new Map<string, { name: string; content?: Buffer }>();
  let seq = 0;
  let base = "";
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString("utf8");
      const upload = /^\/upload\/(F\w+)$/.exec(req.url ?? "");
      if (upload) {
        // the upload URL answers in plain text, like files.slack.com
        const pending = uploads.get(upload[1]!);
        const file = uploadedBytes(bytes, req.headers["content-type"]);
        if (pending) pending.content = file;
        calls.push({
          method: "files.upload",
          args: { file_id: upload[1], length: file.length },
          at: Date.now(),
        });
        res.writeHead(pending ? 200 : 404, { "content-type": "text/plain" });
        res.end(pending ? `OK - ${bytes.length}` : "not found");
        return;
      }
      const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && (req.url === "/" || req.url === "/calls")) return send(200, calls);
      const limit = limits.get(method);
      if (limit && limit.n > 0) {
        limit.n--;
        return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(limit.seconds) });
      }
      let args: Record<string, unknown>;
      try {
        args = parseBody(raw, req.headers["content-type"]);
      } catch {
        return send(200, { ok: false, error: "invalid_json" });
      }
      const call = { method, args, at: Date.now() };
      calls.push(call);
      onCall?.(call);
      const fail = failures.get(method);
      if (fail && fail.n > 0) {
        fail.n--;
        return send(200, { ok: false, error: fail.error });
      }
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, "0")}`;
      switch (method) {
        case "auth.test":
          return send(200, { ok: true, url: "http://localhost/", user: "anlauf", ...BOT });
        case "conversations.open":
          return send(200, { ok: true, channel: { id: `D${String(args.users ?? "X").replace(/\W/g, "")}` } });
        case "chat.postMessage":
          return send(200, { ok: true, channel: args.channel, ts, message: { ts, text: args.text } });
        case "chat.update":
        case "chat.delete":
          return send(200, { ok: true, channel: args.channel, ts: args.ts });
        case "chat.postEphemeral":
          return send(200, { ok: true, message_ts: ts });
        case "views.open":
        case "views.publish":
        case "views.update":
          return send(200, { ok: true, view: { id: `V${seq}`, ...((args.view as object) ?? {}) } });
        case "files.getUploadURLExternal": {
          const id = `F${String(++seq).padStart(8, "0")}`;
          uploads.set(id, { name: String(args.filename ?? "") });
          return send(200, { ok: true, upload_url: `${base}upload/${id}`, file_id: id });
        }
        case "files.completeUploadExternal": {
          const list = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : [];
          const unknown = list.find((f) => !uploads.get(String(f.id))?.content);
          if (list.length === 0 || unknown) return send(200, { ok: false, error: "invalid_arguments" });
          const done = list.map((f) => {
            const u = uploads.get(String(f.id))!;
            uploads.delete(String(f.id));
            return {
              id: String(f.id),
              name: u.name,
              title: f.title ?? u.name,
              channel: String(args.channel_id ?? ""),
              content: u.content!,
            };
          });
          files.push(...done);
          return send(200, { ok: true, files: done.map(({ content: _, ...f }) => f) });
        }
        case "users.info":
          return send(200, { ok: true, user: { id: args.user, tz: "Europe/Berlin", locale: "de-DE" } });
        default:
          return send(200, { ok: true });
      }
    });
  });
  const p = await listen(server, port, "127.0.0.1");
  base = `http://127.0.0.1:${p}/`;
  return {
    url: `http://127.0.0.1:${p}/api/`,
    calls,
    files,
    rateLimitNext: (method, n, seconds = 1) => limits.set(method, { n, seconds }),
    failNext: (method, error, n = 1) => failures.set(method, { n, error }),
    waitFor: async (pred, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = calls.find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error("slack peer: expected call did not arrive");
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
