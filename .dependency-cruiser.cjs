// The dependency rule (docs/ARCHITECTURE.md): adapters (src/telegram, src/slack, src/app, src/http) →
// application and domain (src/modules) ← infrastructure (db, queue, config). Run by `npm run depcruise`
// in `npm run test:all`; a violation fails CI naming the import. Violations that predate a rule are
// listed in .dependency-cruiser-known-violations.json (the baseline): it may only shrink.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "modules-no-transports",
      comment:
        "src/modules holds decisions and use cases: no grammY, Bolt, BullMQ or Redis client, and no import of an adapter. Reach people and queues through ports.",
      severity: "error",
      from: { path: "^src/modules/" },
      to: {
        path: [
          "node_modules/(grammy|@grammyjs|@slack|bullmq|ioredis)/",
          "^src/(telegram|slack|app|http|devtools)/",
        ],
      },
    },
    {
      name: "modules-queue-types-only",
      comment: "use cases may name job payload types and the Producer port, never run queue code",
      severity: "error",
      from: { path: "^src/modules/" },
      to: { path: "^src/queue/(registry|scrub)\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "prisma-only-in-repositories",
      comment: "only repositories (and the db wiring) touch the generated Prisma client",
      severity: "error",
      from: {
        path: "^src/(modules|telegram|slack|http)/",
        pathNot: ["\\.repository\\.ts$"],
      },
      to: { path: ["^src/generated/prisma/", "^src/db/client\\.ts$"] },
    },
    {
      name: "no-module-cycles",
      comment: "modules form a DAG",
      severity: "error",
      from: { path: "^src/modules/" },
      to: { circular: true },
    },
    {
      name: "no-test-code-in-src",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
