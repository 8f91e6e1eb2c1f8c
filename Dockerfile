# Tide as a service: `docker build -t tide . && docker run -e OCEAN__PORT__CLIENT_ID=… -e OCEAN__PORT__CLIENT_SECRET=… tide`
# Without Port credentials it writes into the embedded local Port (data in /app/.tide, mount a volume to keep it).
FROM node:20-slim
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Tide binds 127.0.0.1 unless told otherwise; in a container the port must be reachable from outside it.
ENV NODE_ENV=production \
    APPLICATION__HOST=0.0.0.0 \
    APPLICATION__PORT=8000
EXPOSE 8000
# The integration to run: a bundled name (fake, http) or a folder copied into the image.
ENTRYPOINT ["npx", "tide", "sail"]
CMD ["fake"]
