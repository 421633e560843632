// The organisation file: one municipality's KIM setup (regions, agencies, offices, case managers,
// policy, triage rules, referral targets, deep links). This module is the public contract of that
// file. It has three layers, kept apart so the loader can report every problem in one go:
//
//   1. `organisationFileSchema`: the structure (types, formats, defaults). Objects are strict, so a
//      misspelt key is an error instead of a silently ignored setting.
//   2. `organisationReferenceProblems`: references between sections (unknown agency, duplicate
//      ids…). It reads its input defensively, so it also runs on a file that failed step 1.
//   3. `resolveOrganisation`: defaults that depend on other sections (an agency serves all regions,
//      a case manager is responsible for all regions of their agency, a county is region-bound).
//
// `organisationSchema` chains all three for callers that build an organisation in code (tests).
import { z } from "zod";
import { appointmentsConfigSchema } from "../modules/appointments/config.ts";
import {
  CONTACT_MODES,
  EXISTING_SUPPORT,
  type ExistingSupport,
  SPOKEN_LANGUAGES,
  TOPICS,
  URGENCY_SIGNALS,
  type UrgencySignal,
} from "../modules/intake/answers.ts";

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

export const MUNICIPALITY_KINDS = ["city", "county"] as const;
export const AGENCY_KINDS = ["municipal", "welfare"] as const;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const REFERRAL_TARGET_KINDS = [
  "jobcenter",
  "employment-agency",
  "youth-welfare",
  "mbe",
  "jmd",
  "immigration-office",
  "counselling",
  "other",
] as const;
export type ReferralTargetKind = (typeof REFERRAL_TARGET_KINDS)[number];

/** Referral value meaning "no referral: open or continue the case and just note the existing support". */
export const CONTINUE_WITHOUT_REFERRAL = "continue";

const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const SLACK_USER_ID = /^[UW][A-Z0-9]{6,}$/;
// C = public channel, G = private channel (older workspaces); a DM channel (D) is no relay target.
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;
// Telegram start parameters allow only these characters and at most 64 of them; 48 leaves room
// for a prefix the bot may add later (e.g. a campaign marker).
const DEEP_LINK_CODE = /^[A-Za-z0-9_-]{1,48}$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const POSTCODE = /^\d{5}$/;

// ---------------------------------------------------------------------------------------------
// Defaults (exported so code and docs can show them)
// ---------------------------------------------------------------------------------------------

export const DEFAULT_POLICY = {
  /** Bielefeld's figure: 26 cases per full-time case manager … */
  casesPerFte: 26,
  /** … with about 80 persons (cases are often families). */
  personsPerFte: 80,
  /** Hours a case manager has to accept an offered case before it goes to the next one. */
  acceptanceDeadlineHours: 48,
  /** Wait-list priority gained per day of waiting, so nobody waits forever behind urgent cases. */
  agingPointsPerDay: 1,
  /** Urgent cases wait in a fast lane; after this many days anyone joins it, so nobody starves. */
  starvationGuardDays: 120,
  /** Cases a case manager may be above their FTE share before others are preferred. */
  fairShareTolerance: 1,
} as const;

/**
 * SGB II/III/VIII have their own case management, so KIM refers instead of opening a second case
 * (Verweisberatung). MBE and JMD are counselling offers that KIM case management complements.
 * The ids are conventions: a file that keeps these defaults defines referral targets with them.
 */
export const DEFAULT_REFERRAL_FOR_EXISTING_SUPPORT: Readonly<Record<ExistingSupport, string>> = {
  sgb2: "jobcenter",
  sgb3: "employment-agency",
  sgb8: "youth-welfare",
  mbe: CONTINUE_WITHOUT_REFERRAL,
  jmd: CONTINUE_WITHOUT_REFERRAL,
};

/** An eviction or a health emergency outweighs about three weeks on the wait list. */
export const DEFAULT_URGENCY_WEIGHTS: Readonly<Record<UrgencySignal, number>> = {
  eviction: 20,
  health_emergency: 20,
  benefits_loss: 15,
  authority_deadline: 10,
};

export const DEFAULT_TRIAGE = {
  referralForExistingSupport: DEFAULT_REFERRAL_FOR_EXISTING_SUPPORT,
  /** Empty: which single topic may skip case management is a local decision with local targets. */
  simpleTopicReferral: {},
  urgencyWeights: DEFAULT_URGENCY_WEIGHTS,
  householdWeightPerPerson: 1,
  vulnerabilityPoints: 5,
} as const;

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const slug = () =>
  z.string().regex(SLUG, 'must be a lowercase slug (a-z, 0-9 and "-"), e.g. "social-office"');
const label = () => z.string().trim().min(1, "must not be empty").max(200);

/** A list of slugs or enum values in which every entry may appear only once. */
function uniqueList<T extends z.ZodType<string>>(item: T) {
  return z.array(item).superRefine((list, ctx) => {
    list.forEach((value, index) => {
      if (list.indexOf(value) !== index) {
        ctx.addIssue({ code: "custom", path: [index], message: `"${value}" is listed twice` });
      }
    });
  });
}

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const municipalitySchema = z.strictObject({
  id: slug(),
  name: label(),
  kind: z.enum(MUNICIPALITY_KINDS),
  timezone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone, e.g. "Europe/Berlin"')
    .default("Europe/Berlin"),
});

const districtSchema = z.strictObject({ id: slug(), name: label() });

const slackChannel = () => z.string().regex(SLACK_CHANNEL_ID, 'must be a Slack channel id, e.g. "C04ABCDEF"');

const regionSchema = z.strictObject({
  id: slug(),
  name: label(),
  districts: z.array(districtSchema).min(1, "a region holds at least one district"),
  /** where messages of a client still waiting (or pending acceptance) in this region go; omitted = not passed on */
  firstContactChannel: slackChannel().optional(),
});

const agencySchema = z.strictObject({
  id: slug(),
  name: label(),
  kind: z.enum(AGENCY_KINDS),
  /** Region ids the agency serves; omitted = all regions. */
  regions: uniqueList(slug()).min(1).optional(),
});

const addressSchema = z.strictObject({
  street: label(),
  // An unquoted postcode reaches us as a YAML number; accept it rather than make people quote.
  postcode: z.preprocess(
    (value) => (typeof value === "number" ? String(value) : value),
    z.string().regex(POSTCODE, 'must be a German postcode of five digits, e.g. "33602"'),
  ),
  city: label(),
});

const officeSchema = z.strictObject({
  id: slug(),
  agency: slug(),
  name: label(),
  address: addressSchema,
  district: slug().optional(),
  accessibilityNote: z.string().trim().min(1).max(500).optional(),
});

const consultationSlotSchema = z
  .strictObject({
    weekday: z.enum(WEEKDAYS),
    from: z.string().regex(CLOCK_TIME, 'must be a time "HH:MM", e.g. "09:00"'),
    to: z.string().regex(CLOCK_TIME, 'must be a time "HH:MM", e.g. "12:00"'),
    mode: z.enum(CONTACT_MODES),
    /** For in-person hours; omitted = the case manager's own office. */
    office: slug().optional(),
  })
  // "HH:MM" strings compare correctly as text.
  .refine((slot) => slot.from < slot.to, { path: ["to"], message: "must be later than from" });

const caseManagerSchema = z.strictObject({
  id: slug(),
  name: label(),
  agency: slug(),
  slackUserId: z.string().regex(SLACK_USER_ID, 'must be a Slack user id, e.g. "U04ABCDEF"'),
  fte: z
    .number()
    .gt(0, "must be more than 0")
    .max(1, "must be at most 1 (one full-time position)")
    .default(1),
  // Counselling happens in German at least; further languages are what matching looks for.
  languages: uniqueList(z.enum(SPOKEN_LANGUAGES))
    .min(1)
    .refine((languages) => languages.includes("de"), 'must include "de"'),
  /** Region ids the case manager is responsible for; omitted = all regions of their agency. */
  regions: uniqueList(slug()).min(1).optional(),
  /** Districts where they are the fixed local contact person ("feste Ansprechperson"). */
  districts: uniqueList(slug()).default([]),
  /** Expertise, a matching preference; empty = generalist. All case managers work across topics. */
  topics: uniqueList(z.enum(TOPICS)).default([]),
  /** Professional supervision (Fachaufsicht); escalations go here. */
  teamLead: z.boolean().default(false),
  /** Runs the weekly cross-agency meeting and the even distribution of requests. */
  coordinator: z.boolean().default(false),
  office: slug(),
  active: z.boolean().default(true),
  /** Replaces fte × casesPerFte, e.g. for someone who is training in. */
  capacityOverride: z.int().min(0).optional(),
  availability: z.array(consultationSlotSchema).default([]),
});

const policySchema = z.strictObject({
  casesPerFte: z.int().positive().default(DEFAULT_POLICY.casesPerFte),
  personsPerFte: z.int().positive().default(DEFAULT_POLICY.personsPerFte),
  /** Omitted = true for a county (case managers bound to regions), false for a city. */
  regionBound: z.boolean().optional(),
  acceptanceDeadlineHours: z.int().positive().default(DEFAULT_POLICY.acceptanceDeadlineHours),
  agingPointsPerDay: z.number().min(0).default(DEFAULT_POLICY.agingPointsPerDay),
  /** urgent cases go first; anyone who has waited this long joins them, so nobody starves */
  starvationGuardDays: z.int().positive().default(DEFAULT_POLICY.starvationGuardDays),
  fairShareTolerance: z.number().min(0).default(DEFAULT_POLICY.fairShareTolerance),
});

const points = () => z.number().min(0);

const triageSchema = z.strictObject({
  // A partial map in the file, merged over the defaults, so a file names only what differs.
  referralForExistingSupport: z
    .partialRecord(z.enum(EXISTING_SUPPORT), slug())
    .default({})
    .transform(
      (map): Record<ExistingSupport, string> => ({ ...DEFAULT_REFERRAL_FOR_EXISTING_SUPPORT, ...map }),
    ),
  simpleTopicReferral: z.partialRecord(z.enum(TOPICS), slug()).default({}),
  urgencyWeights: z
    .partialRecord(z.enum(URGENCY_SIGNALS), points())
    .default({})
    .transform((map): Record<UrgencySignal, number> => ({ ...DEFAULT_URGENCY_WEIGHTS, ...map })),
  householdWeightPerPerson: points().default(DEFAULT_TRIAGE.householdWeightPerPerson),
  vulnerabilityPoints: points().default(DEFAULT_TRIAGE.vulnerabilityPoints),
});

const referralTargetSchema = z.strictObject({
  id: slug(),
  name: label(),
  kind: z.enum(REFERRAL_TARGET_KINDS),
  address: addressSchema.optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()/-]{5,30}$/, 'must be a phone number, e.g. "+49 521 51-0"')
    .optional(),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. "https://www.bielefeld.de"' })
    .optional(),
  /** Opening hours as shown to clients, e.g. "Mo–Fr 8:00–12:30". */
  hours: z.string().trim().min(1).max(200).optional(),
});

const deepLinkSchema = z.strictObject({
  code: z
    .string()
    .regex(DEEP_LINK_CODE, "must be 1–48 characters of A-Z, a-z, 0-9, _ and - (Telegram start parameter)"),
  /** Where the link or QR code hangs, for the report, e.g. "poster-buergeramt". */
  source: slug(),
  /** Pre-selects the district in the intake. */
  district: slug().optional(),
});

const relaySchema = z.strictObject({
  /** no new client threads are opened here (security review 15.10, docs/slack.md); kept so threads opened there earlier still resolve */
  caseThreadChannel: slackChannel().optional(),
  digestChannel: slackChannel().optional(),
  reportChannel: slackChannel().optional(),
});

/**
 * Retention of personal data (optional section): erased this many days after all of a client's
 * requests were finished (cases closed, referrals made), or after an intake that was started but
 * never submitted fell silent. Defaults: 90 days (like Integreat) and 30 days.
 */
export const DEFAULT_RETENTION = { afterClosureDays: 90, abandonedIntakeDays: 30, enabled: true } as const;
export type RetentionConfig = z.output<typeof retentionSchema>;
/** The retention settings of an organisation, with the defaults when the section is absent. */
export const retentionOf = (org: { retention?: RetentionConfig | undefined }): RetentionConfig =>
  org.retention ?? { ...DEFAULT_RETENTION };

const retentionSchema = z.strictObject({
  afterClosureDays: z.int().min(1).max(3650).default(DEFAULT_RETENTION.afterClosureDays),
  abandonedIntakeDays: z.int().min(1).max(3650).default(DEFAULT_RETENTION.abandonedIntakeDays),
  /** false: the scheduled job only reports what it would erase (the CLI can still erase) */
  enabled: z.boolean().default(true),
});

/**
 * Monitoring of the case work (optional section): when the next contact is due after the last one,
 * when a case counts as silent, and when the daily digest goes out (cron in the municipality's zone).
 * Defaults: 6 weeks, 4 weeks, 07:30 on working days.
 */
export const DEFAULT_CASE_WORK = {
  nextContactDays: 42,
  silentAfterDays: 28,
  reassessmentMonths: 6,
  digestCron: "30 7 * * 1-5",
} as const;
// The scheduler would only refuse a bad pattern when the job is registered at start-up, far from the
// file; checking the five fields here names the field and the line instead.
const CRON_FIELDS = [
  ["minute", 0, 59],
  ["hour", 0, 23],
  ["day of month", 1, 31],
  ["month", 1, 12],
  ["weekday", 0, 7],
] as const;
/** Why `pattern` is not a five-field cron pattern of numbers, ranges, lists and steps, or null. */
export function cronProblem(pattern: string): string | null {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5) return 'must be a cron pattern with five fields, e.g. "30 7 * * 1-5"';
  for (const [i, field] of fields.entries()) {
    const [name, min, max] = CRON_FIELDS[i]!;
    for (const part of field.split(",")) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      const [lo, hi, step] = [m?.[2], m?.[3], m?.[4]].map((x) => (x === undefined ? undefined : Number(x)));
      const bad =
        !m ||
        (lo !== undefined && (lo < min || lo > max)) ||
        (hi !== undefined && (hi < min || hi > max || hi < (lo ?? min))) ||
        (step !== undefined && step < 1);
      if (bad)
        return `${name} "${part}" is not valid here (numbers ${min}–${max}, ranges a-b, lists a,b, steps */n)`;
    }
  }
  return null;
}
const caseWorkSchema = z.strictObject({
  nextContactDays: z.int().min(1).max(365).default(DEFAULT_CASE_WORK.nextContactDays),
  silentAfterDays: z.int().min(1).max(365).default(DEFAULT_CASE_WORK.silentAfterDays),
  reassessmentMonths: z.int().min(1).max(36).default(DEFAULT_CASE_WORK.reassessmentMonths),
  digestCron: z
    .string()
    .superRefine((v, ctx) => {
      const problem = cronProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default(DEFAULT_CASE_WORK.digestCron),
});
export type CaseWorkConfig = z.output<typeof caseWorkSchema>;
export const caseWorkOf = (org: { caseWork?: CaseWorkConfig | undefined }): CaseWorkConfig =>
  org.caseWork ?? { ...DEFAULT_CASE_WORK };

/** Structure and per-field defaults of the file; cross-references are checked separately. */
export const organisationFileSchema = z.strictObject({
  /** Sample data (the shipped files): placeholders such as "Musterweg 7" are allowed. */
  demo: z.boolean().optional(),
  municipality: municipalitySchema,
  regions: z.array(regionSchema).min(1),
  agencies: z.array(agencySchema).min(1),
  offices: z.array(officeSchema).min(1),
  caseManagers: z.array(caseManagerSchema).min(1),
  policy: policySchema.prefault({}),
  triage: triageSchema.prefault({}),
  referralTargets: z.array(referralTargetSchema).default([]),
  deepLinks: z.array(deepLinkSchema).default([]),
  relay: relaySchema.prefault({}),
  retention: retentionSchema.optional(),
  caseWork: caseWorkSchema.optional(),
  /** Appointments and reminders (optional; defaults in src/modules/appointments/config.ts). */
  appointments: appointmentsConfigSchema.optional(),
});

/** What the file may contain (before defaults). */
export type OrganisationInput = z.input<typeof organisationFileSchema>;
/** The file after per-field defaults, before cross-section defaults. */
export type OrganisationFile = z.output<typeof organisationFileSchema>;

// ---------------------------------------------------------------------------------------------
// Resolved types: what the rest of the application works with
// ---------------------------------------------------------------------------------------------

export type Municipality = OrganisationFile["municipality"];
export type Region = OrganisationFile["regions"][number];
export type District = Region["districts"][number];
export type Address = z.output<typeof addressSchema>;
export type Office = OrganisationFile["offices"][number];
export type ConsultationSlot = z.output<typeof consultationSlotSchema>;
export type TriageRules = OrganisationFile["triage"];
export type ReferralTarget = OrganisationFile["referralTargets"][number];
export type DeepLink = OrganisationFile["deepLinks"][number];
export type RelayConfig = OrganisationFile["relay"];

export type Agency = Omit<OrganisationFile["agencies"][number], "regions"> & {
  /** Resolved: the region ids the agency serves. */
  regions: string[];
};
export type CaseManagerConfig = Omit<OrganisationFile["caseManagers"][number], "regions"> & {
  /** Resolved: the region ids the case manager is responsible for. */
  regions: string[];
};
export type Policy = Omit<OrganisationFile["policy"], "regionBound"> & { regionBound: boolean };

export type Organisation = Omit<OrganisationFile, "agencies" | "caseManagers" | "policy"> & {
  agencies: Agency[];
  caseManagers: CaseManagerConfig[];
  policy: Policy;
};

/** Fills the defaults that depend on other sections. Expects a file without reference problems. */
export function resolveOrganisation(file: OrganisationFile): Organisation {
  const allRegions = file.regions.map((region) => region.id);
  const agencies: Agency[] = file.agencies.map((agency) => ({
    ...agency,
    regions: agency.regions ?? allRegions,
  }));
  const agencyRegions = new Map(agencies.map((agency) => [agency.id, agency.regions]));
  const caseManagers: CaseManagerConfig[] = file.caseManagers.map((cm) => ({
    ...cm,
    regions: cm.regions ?? agencyRegions.get(cm.agency) ?? allRegions,
    availability: cm.availability.map((slot) =>
      slot.mode === "in_person" && slot.office === undefined ? { ...slot, office: cm.office } : slot,
    ),
  }));
  const policy: Policy = {
    ...file.policy,
    regionBound: file.policy.regionBound ?? file.municipality.kind === "county",
  };
  return { ...file, agencies, caseManagers, policy };
}

// ---------------------------------------------------------------------------------------------
// Cross-references
// ---------------------------------------------------------------------------------------------

export type ProblemPath = (string | number)[];
export interface ReferenceProblem {
  path: ProblemPath;
  message: string;
}

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The object entries of a list with their indices; anything malformed is left to the schema. */
const entries = (value: unknown): [number, Loose][] =>
  Array.isArray(value)
    ? value.flatMap((item, index): [number, Loose][] => (isRecord(item) ? [[index, item]] : []))
    : [];

/** The string entries of a list with their indices. */
const texts = (value: unknown): [number, string][] =>
  Array.isArray(value)
    ? value.flatMap((item, index): [number, string][] => (typeof item === "string" ? [[index, item]] : []))
    : [];

/** `caseManagers[3].agency`: the path as people read it in messages. */
export const formatProblemPath = (path: readonly PropertyKey[]): string =>
  path
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      const key = String(part);
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join("");

const knownList = (ids: Iterable<string>): string => {
  const list = [...ids];
  return list.length === 0 ? "none defined" : `known: ${list.join(", ")}`;
};

class ProblemList {
  readonly items: ReferenceProblem[] = [];
  add(path: ProblemPath, message: string): void {
    this.items.push({ path, message });
  }
}

/** Collects ids of one kind; a repeated id is a problem at the repetition. */
function collectIds(
  items: [ProblemPath, Loose][],
  key: string,
  what: string,
  problems: ProblemList,
): Map<string, ProblemPath> {
  const seen = new Map<string, ProblemPath>();
  for (const [path, item] of items) {
    const id = text(item[key]);
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first) {
      problems.add([...path, key], `duplicate ${what} "${id}" (already used at ${formatProblemPath(first)})`);
    } else {
      seen.set(id, path);
    }
  }
  return seen;
}

const listed = (section: string, value: unknown): [ProblemPath, Loose][] =>
  entries(value).map(([index, item]) => [[section, index], item]);

/** Reports a reference to an id that is not defined. Returns whether the reference resolved. */
function checkRef(
  problems: ProblemList,
  path: ProblemPath,
  value: unknown,
  known: Map<string, unknown>,
  what: string,
  hint = "",
): boolean {
  const id = text(value);
  if (id === undefined) return false;
  if (known.has(id)) return true;
  problems.add(path, `unknown ${what} "${id}" (${knownList(known.keys())})${hint}`);
  return false;
}

interface Index {
  regions: Map<string, ProblemPath>;
  /** district id → region id */
  districtRegion: Map<string, string>;
  agencies: Map<string, Loose>;
  offices: Map<string, Loose>;
  referralTargets: Map<string, ProblemPath>;
}

function indexIds(org: Loose, problems: ProblemList): Index {
  const regionItems = listed("regions", org.regions);
  const regions = collectIds(regionItems, "id", "region id", problems);

  // District ids are unique across the whole file: the intake stores only the district id.
  const districtItems = regionItems.flatMap(([path, region]) =>
    entries(region.districts).map(([index, district]): [ProblemPath, Loose] => [
      [...path, "districts", index],
      district,
    ]),
  );
  collectIds(districtItems, "id", "district id", problems);
  const districtRegion = new Map<string, string>();
  for (const [, region] of regionItems) {
    const regionId = text(region.id);
    for (const [, district] of entries(region.districts)) {
      const id = text(district.id);
      if (id !== undefined && regionId !== undefined && !districtRegion.has(id))
        districtRegion.set(id, regionId);
    }
  }

  const byId = (section: string) => {
    const items = listed(section, org[section]);
    return new Map(
      items.flatMap(([, item]): [string, Loose][] => (text(item.id) ? [[text(item.id)!, item]] : [])),
    );
  };
  collectIds(listed("agencies", org.agencies), "id", "agency id", problems);
  collectIds(listed("offices", org.offices), "id", "office id", problems);
  collectIds(listed("caseManagers", org.caseManagers), "id", "case manager id", problems);
  collectIds(listed("caseManagers", org.caseManagers), "slackUserId", "Slack user id", problems);
  collectIds(listed("deepLinks", org.deepLinks), "code", "deep link code", problems);
  const referralTargets = collectIds(
    listed("referralTargets", org.referralTargets),
    "id",
    "referral target id",
    problems,
  );
  return { regions, districtRegion, agencies: byId("agencies"), offices: byId("offices"), referralTargets };
}

function checkAgenciesAndOffices(org: Loose, index: Index, problems: ProblemList): void {
  for (const [i, agency] of entries(org.agencies)) {
    for (const [j, region] of texts(agency.regions)) {
      checkRef(problems, ["agencies", i, "regions", j], region, index.regions, "region");
    }
  }
  for (const [i, office] of entries(org.offices)) {
    checkRef(problems, ["offices", i, "agency"], office.agency, index.agencies, "agency");
    checkRef(problems, ["offices", i, "district"], office.district, index.districtRegion, "district");
  }
}

/** The regions an agency serves, as the resolver will default them. */
function agencyRegionIds(index: Index, agencyId: string | undefined): string[] {
  const agency = agencyId === undefined ? undefined : index.agencies.get(agencyId);
  const explicit = agency && texts(agency.regions).map(([, id]) => id);
  return explicit && explicit.length > 0 ? explicit : [...index.regions.keys()];
}

/** The regions a case manager is responsible for, as the resolver will default them. */
function caseManagerRegionIds(index: Index, cm: Loose): string[] {
  const explicit = texts(cm.regions).map(([, id]) => id);
  return explicit.length > 0 ? explicit : agencyRegionIds(index, text(cm.agency));
}

function checkCaseManager(i: number, cm: Loose, index: Index, problems: ProblemList): void {
  const at = (...rest: ProblemPath): ProblemPath => ["caseManagers", i, ...rest];
  const agencyId = text(cm.agency);
  const agencyKnown = checkRef(problems, at("agency"), cm.agency, index.agencies, "agency");

  if (checkRef(problems, at("office"), cm.office, index.offices, "office") && agencyKnown) {
    const officeAgency = text(index.offices.get(text(cm.office)!)?.agency);
    if (officeAgency !== undefined && officeAgency !== agencyId) {
      problems.add(
        at("office"),
        `office "${text(cm.office)}" belongs to agency "${officeAgency}", not "${agencyId}"`,
      );
    }
  }

  const served = agencyRegionIds(index, agencyId);
  for (const [j, region] of texts(cm.regions)) {
    if (!checkRef(problems, at("regions", j), region, index.regions, "region") || !agencyKnown) continue;
    if (!served.includes(region)) {
      problems.add(
        at("regions", j),
        `agency "${agencyId}" does not serve region "${region}" (it serves: ${served.join(", ")})`,
      );
    }
  }

  const responsible = caseManagerRegionIds(index, cm);
  for (const [j, district] of texts(cm.districts)) {
    if (!checkRef(problems, at("districts", j), district, index.districtRegion, "district")) continue;
    const region = index.districtRegion.get(district)!;
    if (!responsible.includes(region)) {
      problems.add(
        at("districts", j),
        `district "${district}" lies in region "${region}", which this case manager is not responsible for`,
      );
    }
  }

  if (cm.teamLead === true && agencyKnown && index.agencies.get(agencyId!)?.kind !== "municipal") {
    // The municipality keeps professional supervision over all case managers, also at welfare agencies.
    problems.add(
      at("teamLead"),
      `a team lead must work at a municipal agency; "${agencyId}" is not municipal`,
    );
  }

  const slots = entries(cm.availability);
  for (const [k, slot] of slots) {
    checkRef(problems, at("availability", k, "office"), slot.office, index.offices, "office");
  }
  checkOverlappingSlots(slots, at, problems);
}

/** Two consultation hours of one person on the same weekday must not overlap (a copy-paste slip). */
function checkOverlappingSlots(
  slots: [number, Loose][],
  at: (...rest: ProblemPath) => ProblemPath,
  problems: ProblemList,
) {
  for (const [k, slot] of slots) {
    const overlapping = slots.find(
      ([other, earlier]) =>
        other < k &&
        earlier.weekday === slot.weekday &&
        typeof slot.from === "string" &&
        typeof slot.to === "string" &&
        typeof earlier.from === "string" &&
        typeof earlier.to === "string" &&
        slot.from < earlier.to &&
        earlier.from < slot.to,
    );
    if (overlapping) {
      problems.add(
        at("availability", k),
        `overlaps availability[${overlapping[0]}] on ${String(slot.weekday)}`,
      );
    }
  }
}

function checkCaseManagers(org: Loose, index: Index, problems: ProblemList): void {
  const caseManagers = entries(org.caseManagers);
  for (const [i, cm] of caseManagers) checkCaseManager(i, cm, index, problems);
  if (caseManagers.length === 0) return;

  const active = caseManagers.filter(([, cm]) => cm.active !== false);
  if (!active.some(([, cm]) => cm.teamLead === true)) {
    problems.add(
      ["caseManagers"],
      "no active team lead: missed acceptance deadlines need someone to escalate to",
    );
  }

  const policy = isRecord(org.policy) ? org.policy : {};
  const municipality = isRecord(org.municipality) ? org.municipality : {};
  const regionBound =
    typeof policy.regionBound === "boolean" ? policy.regionBound : municipality.kind === "county";
  if (!regionBound) return;
  // Region-bound assignment only offers a case to case managers of the client's region.
  const covered = new Set(active.flatMap(([, cm]) => caseManagerRegionIds(index, cm)));
  for (const [regionId, path] of index.regions) {
    if (!covered.has(regionId)) {
      problems.add(
        [...path, "id"],
        `no active case manager is responsible for region "${regionId}" (policy.regionBound is on)`,
      );
    }
  }
}

function checkTriage(org: Loose, index: Index, problems: ProblemList): void {
  for (const [i, target] of entries(org.referralTargets)) {
    if (target.id === CONTINUE_WITHOUT_REFERRAL) {
      problems.add(
        ["referralTargets", i, "id"],
        `"${CONTINUE_WITHOUT_REFERRAL}" is reserved (it means "no referral")`,
      );
    }
  }
  const triage = isRecord(org.triage) ? org.triage : {};
  const targets = new Map([...index.referralTargets, [CONTINUE_WITHOUT_REFERRAL, []]]);
  const existing = isRecord(triage.referralForExistingSupport) ? triage.referralForExistingSupport : {};
  for (const [support, target] of Object.entries(existing)) {
    const isDefault = DEFAULT_REFERRAL_FOR_EXISTING_SUPPORT[support as ExistingSupport] === target;
    const hint = isDefault
      ? "; this is the default: define a referral target with this id or set the mapping"
      : "";
    checkRef(
      problems,
      ["triage", "referralForExistingSupport", support],
      target,
      targets,
      "referral target",
      hint,
    );
  }
  const simple = isRecord(triage.simpleTopicReferral) ? triage.simpleTopicReferral : {};
  for (const [topic, target] of Object.entries(simple)) {
    checkRef(
      problems,
      ["triage", "simpleTopicReferral", topic],
      target,
      index.referralTargets,
      "referral target",
    );
  }
}

function checkDeepLinks(org: Loose, index: Index, problems: ProblemList): void {
  for (const [i, link] of entries(org.deepLinks)) {
    checkRef(problems, ["deepLinks", i, "district"], link.district, index.districtRegion, "district");
  }
}

/**
 * Every reference problem in an organisation file. Reads the input defensively (anything
 * malformed is the schema's business), so it can run on a file that failed the schema and all
 * problems are reported together. On schema output it also sees the triage defaults.
 */
export function organisationReferenceProblems(input: unknown): ReferenceProblem[] {
  const org = isRecord(input) ? input : {};
  const problems = new ProblemList();
  const index = indexIds(org, problems);
  checkAgenciesAndOffices(org, index, problems);
  checkCaseManagers(org, index, problems);
  checkTriage(org, index, problems);
  checkDeepLinks(org, index, problems);
  return problems.items;
}

/** Structure, references and resolution in one schema, for organisations built in code. */
export const organisationSchema = organisationFileSchema
  .superRefine((file, ctx) => {
    for (const problem of organisationReferenceProblems(file)) {
      ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
    }
  })
  .transform(resolveOrganisation);
