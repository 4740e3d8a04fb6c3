# syntax=docker/dockerfile:1
# Arrgus: the Docker image and the Home Assistant add-on image (the Supervisor builds this file; since 2026.04 it reads
# no build.yaml and passes no BUILD_FROM, so the base is pinned here). Tags: see the README ("Container").
ARG NODE_IMAGE=node:24.11.1-alpine3.22

# Production dependencies only, without install scripts; the build tools stay in this stage.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Arrgus" \
      org.opencontainers.image.description="Health monitor for home media stacks: Plex, Jellyfin, Emby and *arr logs to issues, alerts and Home Assistant" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/arrgus/arrgus" \
      org.opencontainers.image.url="https://github.com/arrgus/arrgus" \
      org.opencontainers.image.documentation="https://github.com/arrgus/arrgus#readme" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/node:24.11.1-alpine3.22" \
      io.hass.version="${VERSION}" io.hass.type="addon" io.hass.arch="aarch64|amd64"

# ARRGUS_DROP_TO: the container may start as root only so that bin/arrgus.js can hand the data volume (created as root
# by Docker and by the Home Assistant Supervisor) to the unprivileged `node` user and switch to it before anything runs.
# ARRGUS_WEB__HOST: outside a container Arrgus binds 127.0.0.1 by default; in one the port is published instead.
ENV NODE_ENV=production \
    ARRGUS_DATA_DIR=/data \
    ARRGUS_WEB__HOST=0.0.0.0 \
    ARRGUS_DROP_TO=1000:1000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json config.json ./
COPY bin ./bin
COPY src ./src
RUN mkdir -p /data && chown node:node /data

# The compile cache (the type-stripped and compiled modules), filled here so that a fresh container does not strip
# types at every start (+38 MB of memory, a slower start). Node keys it by the user and the V8 flags: it is filled as
# the user the service becomes (ARRGUS_DROP_TO) with the ENTRYPOINT's flags, and stays writable for that user. The bin
# reads ARRGUS_COMPILE_CACHE after dropping privileges (NODE_COMPILE_CACHE would be applied by Node as root).
ENV ARRGUS_COMPILE_CACHE=/app/.compile-cache
RUN mkdir -p /app/.compile-cache && chown node:node /app/.compile-cache
USER node
RUN NODE_COMPILE_CACHE=/app/.compile-cache node --max-semi-space-size=4 \
      /app/bin/warm-compile-cache.js
USER root

VOLUME /data
EXPOSE 8099 1883
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8099/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=4", "/app/bin/arrgus.js"]
CMD ["run"]
