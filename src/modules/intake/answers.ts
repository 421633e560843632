// The vocabulary of the intake (the Klärungsbogen as data). Shared by the Telegram flow,
// triage, matching and the report, so every enum lives here exactly once.
import { z } from "zod";

export const TOPICS = [
  "education_language",
  "work",
  "housing",
  "health",
  "residence",
  "family",
  "livelihood",
  "leisure",
] as const;
export type Topic = (typeof TOPICS)[number];

export const URGENCY_SIGNALS = [
  "eviction",
  "benefits_loss",
  "health_emergency",
  "authority_deadline",
] as const;
export type UrgencySignal = (typeof URGENCY_SIGNALS)[number];

/** Existing support: SGB II job centre, SGB III employment agency, SGB VIII youth welfare, MBE, JMD. */
export const EXISTING_SUPPORT = ["sgb2", "sgb3", "sgb8", "mbe", "jmd"] as const;
export type ExistingSupport = (typeof EXISTING_SUPPORT)[number];

export const CONTACT_MODES = ["in_person", "phone", "video"] as const;
export type ContactMode = (typeof CONTACT_MODES)[number];

export const TIMES_OF_DAY = ["morning", "afternoon", "evening"] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

/** Client languages the bot speaks. `de-simple` is Leichte Sprache. */
export const CLIENT_LOCALES = [
  "de",
  "de-simple",
  "en",
  "ar",
  "fa",
  "ku",
  "tr",
  "ru",
  "uk",
  "pl",
  "bg",
  "ro",
] as const;
export type ClientLocale = (typeof CLIENT_LOCALES)[number];

/** Languages a person can say they speak (ISO 639-1/3 codes); wider than the bot's locales. */
export const SPOKEN_LANGUAGES = [
  "de",
  "en",
  "ar",
  "fa",
  "ku",
  "tr",
  "ru",
  "uk",
  "pl",
  "bg",
  "ro",
  "fr",
  "ti",
  "so",
  "ps",
  "el",
] as const;
export type SpokenLanguage = (typeof SPOKEN_LANGUAGES)[number];

export const HOUSEHOLD_KINDS = ["single", "family"] as const;

/**
 * Residence status categories of the handbook, coarse on purpose (no file numbers, no dates): asylum
 * procedure, recognised refugee, subsidiary protection, temporary protection for Ukraine (§ 24
 * AufenthG), EU citizen, family reunification, work or study, other / don't know.
 */
export const RESIDENCE_STATUSES = [
  "asylum",
  "refugee",
  "subsidiary",
  "ukraine24",
  "eu",
  "family",
  "work_study",
  "other",
] as const;
export type ResidenceStatus = (typeof RESIDENCE_STATUSES)[number];

/** The earliest year of arrival anyone can type (older answers are typos). */
export const ARRIVAL_YEAR_MIN = 1950;

/** A phone number as stored: international format, "+" and 7 to 15 digits (E.164). */
export const PHONE_E164 = /^\+[1-9]\d{6,14}$/;

export const intakeAnswersSchema = z
  .object({
    household: z.enum(HOUSEHOLD_KINDS),
    adults: z.int().min(1).max(20),
    children: z.int().min(0).max(20),
    /** district id (city) or municipality id (county) from the organisation file */
    districtId: z.string().min(1).max(64),
    topics: z.array(z.enum(TOPICS)).min(1),
    urgency: z.array(z.enum(URGENCY_SIGNALS)),
    languages: z.array(z.enum(SPOKEN_LANGUAGES)).min(1),
    existingSupport: z.array(z.enum(EXISTING_SUPPORT)),
    contactModes: z.array(z.enum(CONTACT_MODES)).min(1),
    timesOfDay: z.array(z.enum(TIMES_OF_DAY)).min(1),
    /** optional first name or pseudonym: personal, encrypted at rest */
    displayName: z.string().trim().min(1).max(64).optional(),
    // the optional "about you" steps (issue 12.1): each may be skipped, and for a client who already
    // had an intake they are not asked at all, so undefined means "not given", never "none"
    /** ISO 3166-1 alpha-2 (see countries.ts) */
    originCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    residenceStatus: z.enum(RESIDENCE_STATUSES).optional(),
    /** the year the person came to Germany, or … */
    arrivalYear: z.int().min(ARRIVAL_YEAR_MIN).max(2100).optional(),
    /** … "earlier" than the oldest year offered: they came before this year */
    arrivedBefore: z.int().min(ARRIVAL_YEAR_MIN).max(2100).optional(),
    /** personal, encrypted at rest; only asked when phone contact was chosen */
    phone: z.string().regex(PHONE_E164).optional(),
  })
  .refine((a) => a.household !== "single" || (a.adults === 1 && a.children === 0), {
    message: "a single household has one adult and no children",
    path: ["household"],
  })
  .refine((a) => a.arrivalYear === undefined || a.arrivedBefore === undefined, {
    message: "a year of arrival or 'earlier than', not both",
    path: ["arrivalYear"],
  })
  .refine((a) => a.phone === undefined || a.contactModes.includes("phone"), {
    message: "a phone number only with phone contact",
    path: ["phone"],
  });
export type IntakeAnswers = z.infer<typeof intakeAnswersSchema>;

export const personsIn = (a: Pick<IntakeAnswers, "adults" | "children">): number => a.adults + a.children;
