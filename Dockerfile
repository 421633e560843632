# syntax=docker/dockerfile:1
# Multi-stage image: dependencies and the TypeScript build in throwaway stages, a slim non-root runtime.
# Node 24 is an LTS line the stack is tested against (Node >= 20.19 works); override with
#   docker build --build-arg NODE_VERSION=26 .
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# only what `npm ci` (and its postinstall: prisma generate) needs, so this layer caches well
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/generate.mjs scripts/no-schema-engine.sh ./scripts/
# npm ci when the lock file is complete for this platform, npm install otherwise (scripts/install-deps.sh)
COPY scripts/install-deps.sh ./scripts/
RUN CI=true bash scripts/install-deps.sh

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    ANLAUF_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node prisma ./prisma
COPY --chown=node:node orgs ./orgs
COPY --chown=node:node locales ./locales
COPY --chown=node:node locales-staff ./locales-staff
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# one process runs everything; scale out with ANLAUF_ROLE=telegram|slack|worker per container
CMD ["node", "dist/src/main.js"]
