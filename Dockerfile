# syntax=docker/dockerfile:1
#
# One image per app of the management plane, from one Dockerfile:
#   docker build --build-arg APP=billing -t auraison/billing .
# skaffold.yaml builds each app this way. The image runs the service (`node apps/$APP/dist/main.js`) and,
# with another command, its migrations (`node apps/$APP/dist/migrate.js`, the migration Job).
#
# Stages: `manifests` keeps only the package.json files and the lockfile, so the two `npm ci` layers are
# rebuilt only when dependencies change; `build` installs everything and builds the app with Nx (its
# libraries first); `prod-deps` installs the production dependencies alone; `runtime` holds the built app,
# the libraries it imports and the production node_modules, without npm and as a non-root user.
#
# Every RUN line after a WORKDIR uses paths relative to it: tools/deploy/image.spec.ts runs those lines
# outside Docker to check that the bundle builds and starts with the production dependencies only.

ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS node

# ---- package.json files and the lockfile only ---------------------------------------------------------
FROM node AS manifests
WORKDIR /workspace
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

# ---- build: all dependencies, then the app and the libraries it uses ---------------------------------
FROM node AS build
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
WORKDIR /workspace
COPY --from=manifests /workspace ./
# No install scripts: the native binaries (swc, nx, buf) come as platform packages.
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --ignore-scripts --no-audit --no-fund
COPY . .
ARG APP
RUN test -n "$APP" && test -f "apps/$APP/package.json" || { echo "--build-arg APP=<one of: $(ls apps | tr '\n' ' ')>" >&2; exit 1; }
RUN npx nx run "$(node -p "require('./apps/$APP/package.json').name")":build --output-style=static
RUN node deploy/docker/assemble.mjs "$APP" .image

# ---- production dependencies only ---------------------------------------------------------------------
# Optional ones go too: here they are optional peers the dev tools satisfy (typescript for
# @nestjs/swagger's CLI plugin) and pg's Cloudflare Workers socket; tools/deploy/image.spec.ts starts
# every app on this set.
FROM node AS prod-deps
WORKDIR /workspace
COPY --from=manifests /workspace ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# ---- the base of the runtime image: Node without npm, npx, corepack or yarn ----------------------------
FROM node AS runtime-base
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*

# ---- runtime ----------------------------------------------------------------------------------------------
FROM runtime-base AS runtime
ARG APP
ENV NODE_ENV=production AURAISON_APP=${APP}
WORKDIR /app
COPY --from=prod-deps /workspace/node_modules ./node_modules
COPY --from=build /workspace/.image ./
# The workspace links of other apps, tools and libraries this app does not import point nowhere here.
RUN find node_modules/@auraison -xtype l -delete
# Files belong to root and are read-only for the service; uid 10001 matches the manifests' runAsUser.
USER 10001:10001
CMD ["/bin/sh", "-c", "exec node \"apps/${AURAISON_APP}/dist/main.js\""]
