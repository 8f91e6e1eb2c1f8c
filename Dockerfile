# Tide with its bundled integrations (fake, http, github), built from this repository:
#   docker build -t tide . && docker run -p 8000:8000 -e OCEAN__PORT__CLIENT_ID=… -e OCEAN__PORT__CLIENT_SECRET=… tide fake
# Your own integration: the Dockerfile `tide new` writes into its project (README: "As a service").

# Build: the package exactly as `npm pack` publishes it.
FROM node:20-slim AS build
WORKDIR /src
# better-sqlite3 (a development dependency here) compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp

# Run: the packed package and its production dependencies only, as a non-root user.
FROM node:20-slim
# tini runs as PID 1: it hands docker stop's SIGTERM to Tide, whose graceful shutdown reports a running
# resync as aborted and drains live events.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /tmp/port-tide-*.tgz /tmp/
RUN echo '{"name":"tide-image","private":true}' > package.json \
 && npm install --omit=dev --no-audit --no-fund /tmp/port-tide-*.tgz \
 && rm /tmp/port-tide-*.tgz \
 && mkdir .tide && chown node:node .tide
ENV NODE_ENV=production \
    APPLICATION__HOST=0.0.0.0 \
    APPLICATION__PORT=8000
USER node
EXPOSE 8000
# The integration to run: a bundled name (fake, http, github) or a folder mounted into the image.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/node_modules/port-tide/dist/tide.js", "sail"]
CMD ["fake"]
