// Reads an organisation file (YAML, or JSON, which is YAML too) and reports every problem at once
// with file:line:column, so whoever maintains the file fixes it in one round instead of one error
// per restart.
import { readFile } from "node:fs/promises";
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { isDemoFile, placeholderProblems } from "./org.placeholders.ts";
import {
  formatProblemPath,
  type Organisation,
  organisationFileSchema,
  organisationReferenceProblems,
  type ProblemPath,
  resolveOrganisation,
} from "./org.schema.ts";

export interface OrganisationProblem {
  file: string;
  /** 1-based; 0 when the problem concerns the whole file (e.g. it cannot be read). */
  line: number;
  /** 1-based; 0 together with line 0. */
  column: number;
  /** e.g. `caseManagers[3].agency`; empty for the document itself or a YAML syntax error. */
  path: string;
  message: string;
}

const formatProblem = (p: OrganisationProblem): string => {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where} ${p.message}`;
};

export class OrganisationFileError extends Error {
  override readonly name = "OrganisationFileError";
  readonly file: string;
  readonly problems: readonly OrganisationProblem[];

  constructor(file: string, problems: readonly OrganisationProblem[], options?: ErrorOptions) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super([`${file}: ${count} in the organisation file`, ...problems.map(formatProblem)].join("\n"), options);
    this.file = file;
    this.problems = problems;
  }
}

// ---------------------------------------------------------------------------------------------
// From a value path to a source position
// ---------------------------------------------------------------------------------------------

type Position = { line: number; column: number };

interface Located {
  /** Source offset of the node at the path, or of the nearest existing parent. */
  offset: number;
  /** Whether the whole path exists in the document. */
  complete: boolean;
}

const keyMatches = (key: unknown, segment: string | number): boolean =>
  isScalar(key) ? String(key.value) === String(segment) : String(key) === String(segment);

const startOf = (node: unknown): number | undefined =>
  typeof node === "object" && node !== null && "range" in node && Array.isArray(node.range)
    ? (node.range[0] as number)
    : undefined;

/**
 * Walks the document along a value path. We walk ourselves rather than use `doc.getIn` because
 * we need the nearest existing parent when the path ends in a missing key, and the key's position
 * when the value is empty (`agency:` with nothing after it).
 */
function locate(doc: Document, path: ProblemPath): Located {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let keyOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyMatches(item.key, segment));
      if (!pair) return { offset, complete: false };
      next = pair.value;
      keyOffset = startOf(pair.key);
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      next = node.items[segment];
    } else {
      return { offset, complete: false };
    }
    // An empty value (`key:`) has no useful range of its own: point at the key instead.
    const valueOffset = isScalar(next) && next.value === null ? undefined : startOf(next);
    offset = valueOffset ?? keyOffset ?? offset;
    node = next;
  }
  return { offset, complete: true };
}

/** Where the key `key` of the map at `path` is written, for unknown keys. */
function locateKey(doc: Document, path: ProblemPath, key: string): number | undefined {
  const map = doc.getIn(path, true) ?? (path.length === 0 ? doc.contents : undefined);
  if (!isMap(map)) return undefined;
  return startOf(map.items.find((item) => keyMatches(item.key, key))?.key);
}

// ---------------------------------------------------------------------------------------------
// Problems
// ---------------------------------------------------------------------------------------------

interface Context {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The document as plain data: what the schema saw. */
  value: unknown;
}

function positionOf(ctx: Context, offset: number): Position {
  const { line, col } = ctx.lineCounter.linePos(offset);
  return { line, column: col };
}

function problemAt(ctx: Context, offset: number, path: ProblemPath, message: string): OrganisationProblem {
  return { file: ctx.file, ...positionOf(ctx, offset), path: formatProblemPath(path), message };
}

function yamlProblems(ctx: Context): OrganisationProblem[] {
  return ctx.doc.errors.map((error) => {
    // The parser's own wording points at its API; say what is wrong with the file instead.
    const message =
      error.code === "MULTIPLE_DOCS"
        ? "the file must hold a single document (remove the second ---)"
        : error.message;
    return problemAt(ctx, error.pos[0], [], `YAML syntax: ${message}`);
  });
}

/** One problem per zod issue; an unknown-keys issue becomes one problem per key, at the key. */
function issueProblems(ctx: Context, issue: z.core.$ZodIssue): OrganisationProblem[] {
  const path = issue.path.filter((part) => typeof part !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const offset = locateKey(ctx.doc, path, key) ?? locate(ctx.doc, path).offset;
      return problemAt(ctx, offset, [...path, key], `unknown key "${key}"`);
    });
  }
  const found = locate(ctx.doc, path);
  return [problemAt(ctx, found.offset, path, issueMessage(issue, found, valueAt(ctx.value, path)))];
}

/** zod's "expected string, received undefined" reads oddly for a file: name the actual situation. */
function issueMessage(issue: z.core.$ZodIssue, found: Located, value: unknown): string {
  if (issue.code !== "invalid_type") return issue.message;
  if (!found.complete) return `required field is missing (expected ${issue.expected})`;
  if (value === null) return `is empty (expected ${issue.expected})`;
  return issue.message;
}

const valueAt = (root: unknown, path: ProblemPath): unknown =>
  path.reduce<unknown>(
    (value, part) =>
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined,
    root,
  );

function referenceProblems(ctx: Context, value: unknown): OrganisationProblem[] {
  return organisationReferenceProblems(value).map((problem) =>
    problemAt(ctx, locate(ctx.doc, problem.path).offset, problem.path, problem.message),
  );
}

const byPosition = (a: OrganisationProblem, b: OrganisationProblem): number =>
  a.line - b.line || a.column - b.column;

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/**
 * Parses and validates an organisation file. `fileName` only labels the problems.
 * Throws an `OrganisationFileError` listing every YAML, schema and reference problem.
 */
export function parseOrganisation(text: string, fileName: string): Organisation {
  const lineCounter = new LineCounter();
  // prettyErrors off: we format positions ourselves and want one-line messages.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const ctx: Context = { file: fileName, doc, lineCounter, value: undefined };
  const problems = yamlProblems(ctx);

  // Validate what the parser could make of the text even after a syntax error: the other
  // problems are still worth reporting in the same round.
  try {
    ctx.value = doc.toJS();
  } catch (error) {
    // e.g. too many alias expansions (a "billion laughs" file)
    problems.push(problemAt(ctx, 0, [], `YAML: ${error instanceof Error ? error.message : String(error)}`));
  }
  const value = ctx.value;

  const result = organisationFileSchema.safeParse(value);
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => issueProblems(ctx, issue)));
  // On valid structure, check the parsed file so the triage defaults are checked as well.
  problems.push(...referenceProblems(ctx, result.success ? result.data : value));
  if (!isDemoFile(value))
    for (const p of placeholderProblems(value))
      problems.push(problemAt(ctx, locate(ctx.doc, p.path).offset, p.path, p.message));

  if (problems.length > 0 || !result.success) {
    throw new OrganisationFileError(fileName, problems.sort(byPosition));
  }
  return resolveOrganisation(result.data);
}

/** Reads and parses an organisation file; an unreadable file is an `OrganisationFileError` too. */
export async function loadOrganisation(path: string): Promise<Organisation> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const message = `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
    throw new OrganisationFileError(path, [{ file: path, line: 0, column: 0, path: "", message }], {
      cause: error,
    });
  }
  return parseOrganisation(text, path);
}
