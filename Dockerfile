# expert-bridge control service. drachtio-server, FreeSWITCH and Redis run as
# their own containers: see docker-compose.yml.

# ---- build: compile TypeScript to dist/, bundle the console into dist/web ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts are needed: esbuild finds its binary in its platform
# package (@esbuild/linux-*) without its postinstall.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# The build also copies the Redis Lua scripts to dist/store/lua and bundles
# the browser console into dist/web.
RUN npm run build

# ---- runtime: production dependencies, dist/ and config/ only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
# The image's unprivileged user; nothing under /app needs to be written.
USER node
EXPOSE 3000
# No curl in slim images: node's fetch asks the process itself.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
