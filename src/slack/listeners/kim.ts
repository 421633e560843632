// The /kim slash command: help, status, waitlist, caseload, absence, capacity, rebalance, report, triage.
// Acknowledged at once (empty ack); the answer follows privately through response_url.

import type { StaffActor } from "../../modules/staff/authorize.ts";
import { canProposeRebalance, hasOverview, isLead, overviewScope } from "../../modules/staff/identity.ts";
import { fmtDateTime, loadBar, type T } from "../blocks/common.ts";
import { deputyField } from "../blocks/deputy.ts";
import { helpText, KIM_SUBCOMMANDS, type KimSubcommand } from "../blocks/help.ts";
import { loadLines, waitlistText } from "../blocks/home.ts";
import { absenceModal, type Option } from "../blocks/modals.ts";
import { slackEscape } from "../escape.ts";
import {
  type Ack,
  guarded,
  type ListenerClient,
  type ListenerDeps,
  type Respond,
  unknownUserText,
  who,
} from "./common.ts";
import { deputyOptions, kimDeputy } from "./deputy.ts";
import { kimReport } from "./kim-report.ts";
import { parseCapacity, setCapacityChecked } from "./team.ts";
import { openTriageFromCommand } from "./triage.ts";

export interface CommandBody {
  user_id?: string;
  channel_id?: string;
  text?: string;
  trigger_id?: string;
  response_url?: string;
}

export interface CommandArgs {
  ack: Ack;
  body: CommandBody;
  client: ListenerClient;
  respond: Respond;
}

const isSub = (s: string): s is KimSubcommand => (KIM_SUBCOMMANDS as readonly string[]).includes(s);

export async function onKim(args: CommandArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  const reply = (r: string | Reply) =>
    args.respond({ response_type: "ephemeral", ...(typeof r === "string" ? { text: r } : r) });
  const asInteraction = {
    ack: args.ack,
    body: {
      user: { id: args.body.user_id ?? "" },
      ...(args.body.response_url ? { response_url: args.body.response_url } : {}),
    },
    client: args.client,
    respond: args.respond,
  };
  await guarded(asInteraction, deps, "kim", async () => {
    const { member, t, lng } = await who(deps, args.body.user_id);
    if (!member) {
      await reply(unknownUserText(deps));
      return;
    }
    const [rawSub = "help", ...rest] = (args.body.text ?? "").trim().split(/\s+/).filter(Boolean);
    const sub = rawSub.toLowerCase();
    if (!isSub(sub)) {
      await reply(`${t("kim.unknown", { sub: rawSub.slice(0, 30) })}\n\n${helpText(member, t)}`);
      return;
    }
    await reply(await answer(sub, rest, member, t, lng, args, deps));
  });
}

export { parseReportArgs } from "./kim-report.ts";

export interface Reply {
  text: string;
  blocks?: unknown[];
}

async function answer(
  sub: KimSubcommand,
  rest: string[],
  member: StaffActor,
  t: T,
  lng: string,
  args: CommandArgs,
  deps: ListenerDeps,
): Promise<string | Reply> {
  const { ports } = deps;
  const now = ports.now();
  switch (sub) {
    case "help":
      return helpText(member, t);
    case "status": {
      const home = await ports.queries.cmHome(member.id, now);
      const l = home.load;
      const lines = [
        `*${t("kim.status.title")}*`,
        l
          ? `\`${loadBar(l.openCases, l.capacity)}\` ${t("home.load_figures", { open: l.openCases, capacity: l.capacity, persons: l.openPersons })}`
          : "",
        t("kim.status.pending", { count: home.pending.length }),
        ...home.pending
          .slice(0, 5)
          .map(
            (p) =>
              `• ${p.referenceCode} · ${t("home.pending_until", { at: fmtDateTime(p.deadlineAt, lng) })}`,
          ),
        t("kim.status.absences", { count: home.absences.length }),
      ];
      return lines.filter(Boolean).join("\n");
    }
    case "waitlist":
      return `*${t("home.waitlist")}*\n${waitlistText(await ports.queries.waitlist(now), t, now)}`;
    case "caseload": {
      if (!hasOverview(member)) {
        const own = (await ports.queries.cmHome(member.id, now)).load;
        return own ? loadLines([own], t).join("\n") : t("errors.not_found");
      }
      const loads = await ports.queries.loads(overviewScope(member), now);
      const lines = loadLines(loads, t);
      // a slash-command answer holds 4000 characters comfortably with 50 lines
      return `*${t("kim.caseload.title")}*\n${lines.slice(0, 50).join("\n")}`;
    }
    case "absence": {
      if (!args.body.trigger_id) return t("errors.generic");
      const people: Option[] = [{ value: member.id, label: member.name }];
      await args.client.views.open({
        trigger_id: args.body.trigger_id,
        view: absenceModal(
          people,
          member.id,
          now,
          t,
          deputyField(await deputyOptions(deps, member, false), t),
        ),
      });
      return t("kim.absence.opened");
    }
    case "deputy":
      return kimDeputy(rest, member, t, lng, deps);
    case "capacity": {
      if (!isLead(member)) return t("errors.lead_only");
      if (rest.length < 2) return t("kim.capacity.usage");
      const who = rest[0]!;
      const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(who);
      const target = mention
        ? await ports.directory.bySlackUser(mention[1]!)
        : await ports.directory.byId(who);
      if (!target) return t("errors.not_found");
      const cases = parseCapacity(rest[1]);
      if (cases === undefined) return t("errors.invalid_number");
      return (await setCapacityChecked(deps, member, target.id, cases, t)).text;
    }
    case "rebalance": {
      if (!canProposeRebalance(member)) return t("errors.lead_only");
      const p = await ports.rebalance.propose(member.id);
      if (!p) return t("rebalance.even");
      await ports.outbox.refreshHome(member.slackUserId);
      const moves = p.moves
        .slice(0, 15)
        .map((m) => `• ${m.referenceCode}: ${slackEscape(m.fromName)} → ${slackEscape(m.toName)}`);
      return `*${t("rebalance.title", { count: p.moves.length, at: fmtDateTime(p.createdAt, lng) })}*\n${moves.join("\n")}\n${t("kim.rebalance.in_home")}`;
    }
    case "triage":
      return openTriageFromCommand(deps, args.client, args.body.trigger_id, rest[0], member, t);
    case "report":
      return kimReport(rest, member, t, lng, args.body.user_id, deps);
  }
}
