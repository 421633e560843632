// Entry point: `npm start [-- --role telegram|slack|worker|all]`. Parses the environment and the
// organisation file once, fails fast with every problem listed, then starts the system and stops it
// in order on SIGTERM/SIGINT.
import { parseArgs } from "node:util";
import { startSystem } from "./app/system.ts";
import { ConfigError, parseEnv, ROLES } from "./config/env.ts";
import { loadOrganisation, OrganisationFileError } from "./config/org.load.ts";
import { allFeatures } from "./features.ts";
import { RedisUnavailableError } from "./infra/redis.ts";
import { createLogger } from "./lib/logger.ts";
import { EncryptionKeyCheckError } from "./privacy/startup-check.ts";

export async function main(argv = process.argv.slice(2), source = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: "string" } },
    allowPositionals: false,
  });
  if (values.role && !(ROLES as readonly string[]).includes(values.role)) {
    console.error(`--role must be one of ${ROLES.join(", ")}`);
    return 1;
  }
  let env: ReturnType<typeof parseEnv>;
  let org: Awaited<ReturnType<typeof loadOrganisation>>;
  const problems: string[] = [];
  try {
    env = parseEnv({ ...source, ...(values.role ? { ANLAUF_ROLE: values.role } : {}) });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(e.message);
  }
  try {
    org = await loadOrganisation(source.ANLAUF_ORG || "orgs/bielefeld.yaml");
  } catch (e) {
    if (!(e instanceof OrganisationFileError)) throw e;
    problems.push(e.message);
  }
  if (problems.length) {
    console.error(`anlauf cannot start:\n${problems.join("\n")}`);
    return 1;
  }
  const log = createLogger(env!.LOG_LEVEL);
  if (org!.demo)
    log.warn(
      "the organisation file is marked demo: true: sample data, placeholders allowed; not for real clients",
    );
  try {
    const system = await startSystem({
      env: env!,
      org: org!,
      log,
      features: allFeatures(),
      allowPrivateRedis: source.ANLAUF_PRIVATE_REDIS === "1",
    });
    const stop = async (signal: string) => {
      log.info({ signal }, "stopping");
      await system.stop();
      log.info("stopped");
      process.exit(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
    return 0;
  } catch (e) {
    if (e instanceof RedisUnavailableError || e instanceof EncryptionKeyCheckError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) {
  main().then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (e: unknown) => {
      console.error("anlauf crashed during start:", e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}
