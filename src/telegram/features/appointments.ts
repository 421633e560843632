// The client's side in Telegram: /appointment shows the booked appointment (change / cancel) or offers
// free times; the inline buttons book, page to later times, move, cancel (with a confirmation) and say
// "none of these fit". Every button is signed; every action re-checks that the case or appointment
// belongs to the client pressing it.
import { Composer } from "grammy";
import type { AppContext } from "../../app/feature.ts";
import { type AppointmentsRuntime, appointmentsRuntime } from "../../app/runtime/appointments.ts";
import { liveAppointmentOfCase } from "../../modules/appointments/appointments.repository.ts";
import type { OfferReason } from "../../modules/appointments/appointments.service.ts";
import { formatWhen } from "../../modules/appointments/format.ts";
import type { Slot } from "../../modules/appointments/slots.ts";
import {
  appointmentsT,
  bidi,
  CALLBACK_PREFIX,
  loadAppointmentDetails,
  manageKeyboard,
  packUuid,
  type Rendered,
  renderCurrent,
  renderOffer,
  unpackTime,
  unpackUuid,
} from "../appointments-messages.ts";
import type { BotContext } from "../context.ts";

export type OfferIntro = OfferReason | "reschedule";

/** An offer message for a case (book mode) or for moving an appointment (move mode). */
export async function buildOffer(
  app: AppContext,
  rt: AppointmentsRuntime,
  args: {
    caseId: string;
    reason: OfferIntro;
    locale: string;
    after?: Date;
    proposed?: readonly Date[];
    move?: { appointmentId: string; currentStart: Date };
    /** slots already computed (e.g. the fresh offers of a lost race) */
    slots?: readonly Slot[];
  },
): Promise<{ rendered: Rendered; slots: Slot[]; cmId: string | null }> {
  const t = appointmentsT(app, args.locale);
  let slots: Slot[];
  let cmId: string | null;
  if (args.slots) {
    slots = [...args.slots];
    cmId =
      (await app.db.case.findUnique({ where: { id: args.caseId }, select: { cmId: true } }))?.cmId ?? null;
  } else {
    const offer = await rt.service.offerFor(args.caseId, {
      ...(args.after ? { after: args.after } : {}),
      ...(args.proposed ? { proposed: args.proposed } : {}),
      ...(args.move ? { excludeAppointmentId: args.move.appointmentId } : {}),
    });
    cmId = offer.cmId;
    slots = offer.slots;
  }
  if (args.move) slots = slots.filter((s) => s.startsAt.getTime() !== args.move!.currentStart.getTime());
  if (!cmId) return { rendered: { text: t("offer.no_case") }, slots: [], cmId: null };
  const cm = await app.db.caseManager.findUnique({ where: { id: cmId }, select: { name: true } });
  const name = cm?.name ?? "";
  if (slots.length === 0 && args.after) return { rendered: { text: t("offer.none_later") }, slots, cmId };
  const rendered = renderOffer({
    rt,
    t,
    locale: args.locale,
    slots,
    mode: args.move
      ? { kind: "move", appointmentId: args.move.appointmentId, caseId: args.caseId }
      : { kind: "book", caseId: args.caseId },
    intro: t(`offer.${args.reason}`, { name }),
    cmName: name,
  });
  return { rendered, slots, cmId };
}

type ReplyExtra = Parameters<BotContext["reply"]>[1];

/** Every text to the client goes out plain (no parse mode) and with bidi marks for ar/fa. */
const say = (ctx: BotContext, text: string, extra?: ReplyExtra) => ctx.reply(bidi(ctx.locale, text), extra);

const replyRendered = (ctx: BotContext, r: Rendered) =>
  say(ctx, r.text, r.keyboard ? { reply_markup: r.keyboard } : {});

/** Drops the buttons of the message the button was on (best effort: old messages cannot be edited). */
async function dropButtons(ctx: BotContext): Promise<void> {
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => {});
}

/** Replaces the text of the message the button was on and drops its buttons (best effort). */
async function settle(ctx: BotContext, text: string): Promise<void> {
  await ctx
    .editMessageText(bidi(ctx.locale, text), { reply_markup: { inline_keyboard: [] } })
    .catch(() => {});
}

export function appointmentsComposer(app: AppContext): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const rt = appointmentsRuntime(app);
  const tz = rt.timeZone;

  const showCurrentOrOffer = async (ctx: BotContext, reason: OfferReason) => {
    const t = appointmentsT(app, ctx.locale);
    const c = ctx.clientId ? await rt.service.openCaseOfClient(ctx.clientId) : null;
    if (!c) return say(ctx, t("offer.no_case"));
    const live = await liveAppointmentOfCase(app.db, c.id, app.now());
    if (live) {
      const d = await loadAppointmentDetails(app.db, live.id, app.cipher);
      if (d) return replyRendered(ctx, renderCurrent(rt, t, ctx.locale, d));
    }
    const { rendered } = await buildOffer(app, rt, { caseId: c.id, reason, locale: ctx.locale });
    return replyRendered(ctx, rendered);
  };

  composer.command(["appointment", "termin"], (ctx) => showCurrentOrOffer(ctx, "client_asked"));

  composer.on("callback_query:data", async (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!data.startsWith(`${CALLBACK_PREFIX}:`)) return next();
    const t = appointmentsT(app, ctx.locale);
    const decoded = rt.codec().decode(data);
    if (!decoded.ok) return ctx.answerCallbackQuery({ text: t("offer.expired"), show_alert: true });
    const [, op, a, b] = decoded.parts;
    const clientId = ctx.clientId;
    if (!clientId) return ctx.answerCallbackQuery({ text: t("errors.not_yours") });
    const actor = { kind: "client", clientId } as const;

    switch (op) {
      // book a slot: ap:b:<case>:<start>
      case "b": {
        const caseId = unpackUuid(a);
        const startsAt = unpackTime(b);
        if (!caseId || !startsAt) return ctx.answerCallbackQuery({ text: t("offer.expired") });
        const res = await rt.service.book({ caseId, startsAt, actor });
        if (res.ok) {
          await ctx.answerCallbackQuery({ text: t("toast.booked") });
          await settle(ctx, t("picked", { when: formatWhen(res.appointment.startsAt, ctx.locale, tz) }));
          return;
        }
        switch (res.reason) {
          case "slot_taken":
          case "slot_unavailable": {
            await ctx.answerCallbackQuery({ text: t("toast.taken") });
            await settle(ctx, t("offer.slot_taken_short"));
            const { rendered } = await buildOffer(app, rt, {
              caseId,
              reason: "slot_taken",
              locale: ctx.locale,
              slots: res.offers,
            });
            return replyRendered(ctx, rendered);
          }
          case "already_booked": {
            await ctx.answerCallbackQuery();
            await dropButtons(ctx);
            return say(
              ctx,
              t("errors.already_booked", { when: formatWhen(res.appointment.startsAt, ctx.locale, tz) }),
              {
                reply_markup: manageKeyboard(rt, t, res.appointment.id),
              },
            );
          }
          case "forbidden":
            return ctx.answerCallbackQuery({ text: t("errors.not_yours") });
          default:
            await ctx.answerCallbackQuery();
            return say(ctx, t("offer.no_case"));
        }
      }

      // later times: ap:n:<case|appt>:<b|m><after>
      case "n": {
        const id = unpackUuid(a);
        const after = unpackTime(b?.slice(1));
        if (!id || !after) return ctx.answerCallbackQuery({ text: t("offer.expired") });
        await ctx.answerCallbackQuery();
        if (b?.startsWith("m")) {
          const appt = await app.db.appointment.findUnique({
            where: { id },
            include: { case: { select: { clientId: true } } },
          });
          if (!appt || appt.case.clientId !== clientId) return say(ctx, t("errors.not_yours"));
          if (appt.status !== "booked") return say(ctx, t("errors.not_booked"));
          const { rendered } = await buildOffer(app, rt, {
            caseId: appt.caseId,
            reason: "reschedule",
            locale: ctx.locale,
            after,
            move: { appointmentId: appt.id, currentStart: appt.startsAt },
          });
          return replyRendered(ctx, rendered);
        }
        if (!(await rt.service.caseOfClient(clientId, id))) return say(ctx, t("errors.not_yours"));
        const { rendered } = await buildOffer(app, rt, {
          caseId: id,
          reason: "client_asked",
          locale: ctx.locale,
          after,
        });
        return replyRendered(ctx, rendered);
      }

      // show free times of a case: ap:o:<case>
      case "o": {
        const caseId = unpackUuid(a);
        await ctx.answerCallbackQuery();
        if (!caseId || !(await rt.service.caseOfClient(clientId, caseId)))
          return say(ctx, t("errors.not_yours"));
        return showCurrentOrOffer(ctx, "client_asked");
      }

      // none of the offered times fit: ap:x:<case>
      case "x": {
        const caseId = unpackUuid(a);
        if (!caseId || !(await rt.service.caseOfClient(clientId, caseId)))
          return ctx.answerCallbackQuery({ text: t("errors.not_yours") });
        await ctx.answerCallbackQuery();
        const messageId = ctx.callbackQuery.message?.message_id ?? 0;
        await rt.outbox.toStaff({ caseId }, "no_fit", `nofit.${caseId}.${messageId}`);
        await dropButtons(ctx);
        return say(ctx, t("offer.none_fit_sent"));
      }

      // start moving: ap:r:<appt>
      case "r": {
        const id = unpackUuid(a);
        const appt = id
          ? await app.db.appointment.findUnique({
              where: { id },
              include: { case: { select: { clientId: true } } },
            })
          : null;
        if (!appt || appt.case.clientId !== clientId)
          return ctx.answerCallbackQuery({ text: t("errors.not_yours") });
        await ctx.answerCallbackQuery();
        if (appt.status !== "booked") return say(ctx, t("errors.not_booked"));
        if (appt.startsAt.getTime() <= app.now().getTime()) return say(ctx, t("errors.past"));
        if (appt.rescheduleCount >= rt.config.maxReschedules) {
          await rt.outbox.toStaff(
            { appointmentId: appt.id, caseId: appt.caseId },
            "limit_reached",
            `limit.${appt.id}`,
          );
          return say(ctx, t("reschedule.limit", { times: appt.rescheduleCount }), {
            reply_markup: manageKeyboard(rt, t, appt.id),
          });
        }
        const { rendered } = await buildOffer(app, rt, {
          caseId: appt.caseId,
          reason: "reschedule",
          locale: ctx.locale,
          move: { appointmentId: appt.id, currentStart: appt.startsAt },
        });
        return replyRendered(ctx, rendered);
      }

      // move to a slot: ap:m:<appt>:<start>
      case "m": {
        const id = unpackUuid(a);
        const startsAt = unpackTime(b);
        if (!id || !startsAt) return ctx.answerCallbackQuery({ text: t("offer.expired") });
        const res = await rt.service.reschedule({ appointmentId: id, startsAt, actor });
        if (res.ok) {
          await ctx.answerCallbackQuery({ text: t("toast.moved") });
          await settle(ctx, t("picked", { when: formatWhen(res.appointment.startsAt, ctx.locale, tz) }));
          return;
        }
        await ctx.answerCallbackQuery();
        switch (res.reason) {
          case "slot_taken":
          case "slot_unavailable": {
            const appt = await app.db.appointment.findUniqueOrThrow({ where: { id } });
            await settle(ctx, t("offer.slot_taken_short"));
            const { rendered } = await buildOffer(app, rt, {
              caseId: appt.caseId,
              reason: "slot_taken",
              locale: ctx.locale,
              slots: res.offers,
              move: { appointmentId: id, currentStart: appt.startsAt },
            });
            return replyRendered(ctx, rendered);
          }
          case "limit_reached": {
            const appt = await app.db.appointment.findUniqueOrThrow({ where: { id } });
            await rt.outbox.toStaff(
              { appointmentId: id, caseId: appt.caseId },
              "limit_reached",
              `limit.${id}`,
            );
            return say(ctx, t("reschedule.limit", { times: res.max }), {
              reply_markup: manageKeyboard(rt, t, id),
            });
          }
          case "forbidden":
          case "not_found":
            return say(ctx, t("errors.not_yours"));
          case "past":
            return say(ctx, t("errors.past"));
          default:
            return say(ctx, t("errors.not_booked"));
        }
      }

      // ask before cancelling: ap:c:<appt>
      case "c": {
        const id = unpackUuid(a);
        const appt = id
          ? await app.db.appointment.findUnique({
              where: { id },
              include: { case: { select: { clientId: true } } },
            })
          : null;
        if (!appt || appt.case.clientId !== clientId)
          return ctx.answerCallbackQuery({ text: t("errors.not_yours") });
        await ctx.answerCallbackQuery();
        if (appt.status !== "booked") return say(ctx, t("errors.not_booked"));
        const codec = rt.codec();
        return say(ctx, t("cancel.confirm", { when: formatWhen(appt.startsAt, ctx.locale, tz) }), {
          reply_markup: {
            inline_keyboard: [
              [
                {
                  text: t("buttons.cancel_yes"),
                  callback_data: codec.encode(`${CALLBACK_PREFIX}:cy:${packUuid(appt.id)}`),
                },
                {
                  text: t("buttons.cancel_no"),
                  callback_data: codec.encode(`${CALLBACK_PREFIX}:cn:${packUuid(appt.id)}`),
                },
              ],
            ],
          },
        });
      }

      // cancel confirmed: ap:cy:<appt>
      case "cy": {
        const id = unpackUuid(a);
        if (!id) return ctx.answerCallbackQuery({ text: t("offer.expired") });
        const res = await rt.service.cancel({ appointmentId: id, actor });
        await ctx.answerCallbackQuery();
        if (res.ok) {
          await dropButtons(ctx);
          return say(ctx, t("cancel.done", { when: formatWhen(res.appointment.startsAt, ctx.locale, tz) }));
        }
        if (res.reason === "forbidden" || res.reason === "not_found") return say(ctx, t("errors.not_yours"));
        if (res.reason === "past") return say(ctx, t("errors.past"));
        return say(ctx, t("errors.not_booked"));
      }

      // keep it: ap:cn:<appt>
      case "cn": {
        await ctx.answerCallbackQuery();
        return settle(ctx, t("cancel.kept"));
      }

      default:
        return ctx.answerCallbackQuery({ text: t("offer.expired") });
    }
  });

  return composer;
}
