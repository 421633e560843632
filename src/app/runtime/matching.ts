// One set of matching, triage and wait-list services per running system. The feature's job handlers
// use it, and so can other features (the Slack feature calls accept/decline, the Telegram feature
// asks for a client's standing): `matchingServices(ctx)` returns the same instances for one context.

import { AssignmentService } from "../../modules/matching/assignment.service.ts";
import { CapacityService } from "../../modules/matching/capacity.service.ts";
import type { MatchingDeps } from "../../modules/matching/deps.ts";
import type { MatchingOptions } from "../../modules/matching/policy.ts";
import { RebalanceService } from "../../modules/matching/rebalance.service.ts";
import type { ClientNotifier, StaffNotifier } from "../../modules/notify/notifier.ts";
import { TriageService } from "../../modules/triage/triage.service.ts";
import { WaitlistRefresher } from "../../modules/waitlist/refresh.service.ts";
import { StandingRepository } from "../../modules/waitlist/standing.repository.ts";
import { SlackStaffNotifier } from "../../slack/outbox.ts";
import { clientNotifier } from "../../telegram/notifier.ts";
import type { AppContext } from "../feature.ts";

export interface MatchingServices {
  deps: MatchingDeps;
  assignment: AssignmentService;
  triage: TriageService;
  capacity: CapacityService;
  rebalance: RebalanceService;
  refresher: WaitlistRefresher;
  standing: StandingRepository;
  sweep(): Promise<SweepResult>;
}

export interface SweepResult {
  expired: number;
  triaged: number;
  assigned: number;
  notified: number;
}

export function createMatchingServices(deps: MatchingDeps): MatchingServices {
  const assignment = new AssignmentService(deps);
  const triage = new TriageService(deps);
  const refresher = new WaitlistRefresher(deps);
  const services: MatchingServices = {
    deps,
    assignment,
    triage,
    capacity: new CapacityService(deps),
    rebalance: new RebalanceService(deps, assignment),
    refresher,
    standing: new StandingRepository(deps.db, deps.org),
    sweep: async () => {
      // each step is safe to run concurrently with the event-driven jobs and with another sweep
      let expired = 0;
      for (const id of await assignment.overdueAssignmentIds())
        if ((await assignment.expire(id)).ok) expired++;
      let triaged = 0;
      for (const id of await triage.pendingIntakeIds()) {
        const r = await triage.run(id);
        if (r.status !== "already_triaged" && r.status !== "not_found") triaged++;
      }
      const pulled = await assignment.pull("sweep");
      const refreshed = await refresher.run();
      return { expired, triaged, assigned: pulled.assigned, notified: refreshed.notified };
    },
  };
  return services;
}

export interface MatchingWiring {
  /**
   * default: the Telegram feature's TelegramClientNotifier (enqueues telegram.send, paced per chat).
   */
  clientNotifier?: (ctx: AppContext) => ClientNotifier;
  /**
   * default: the Slack feature's SlackStaffNotifier (enqueues slack.deliver: assignment cards).
   * LogStaffNotifier only logs (tools, tests).
   */
  staffNotifier?: (ctx: AppContext) => StaffNotifier;
  options?: MatchingOptions;
}

const byContext = new WeakMap<AppContext, MatchingServices>();

/**
 * The services of this running system, created on first use. Every caller gets the same instances
 * (one team cache, one set of notifiers), so the wiring of the first call wins; the defaults are the
 * production notifiers, which is what every caller in the system wants.
 */
export function matchingServices(ctx: AppContext, wiring: MatchingWiring = {}): MatchingServices {
  let s = byContext.get(ctx);
  if (!s) {
    s = createMatchingServices({
      db: ctx.db,
      org: ctx.org,
      jobs: ctx.producer,
      clients: wiring.clientNotifier?.(ctx) ?? clientNotifier(ctx),
      staff: wiring.staffNotifier?.(ctx) ?? new SlackStaffNotifier(ctx.producer),
      log: ctx.log,
      now: ctx.now,
      cipher: ctx.cipher,
      ...(wiring.options ? { options: wiring.options } : {}),
    });
    byContext.set(ctx, s);
  }
  return s;
}
