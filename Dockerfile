# Arrgus: Docker image and Home Assistant add-on image (Supervisor 2026.04+ reads no build.yaml: FROM is pinned here).
FROM node:24.11.1-alpine3.22

LABEL io.hass.version="0.1.0" io.hass.type="addon" io.hass.arch="aarch64|amd64" \
      org.opencontainers.image.title="Arrgus" \
      org.opencontainers.image.description="Health monitor for home media stacks"

ENV NODE_ENV=production \
    ARRGUS_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY config.json ./

VOLUME /data
EXPOSE 8099 1883
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:8099/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--max-semi-space-size=4", "/app/bin/arrgus.js"]
CMD ["run"]
