# Release image: the `jiebang` binary, its config/ folder and the built web client.

# The web client (web/): dependencies first, so that they are cached until the lock file changes.
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web/ ./
RUN npm run build

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin jiebang

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app jiebang \
    && mkdir -p /var/lib/jiebang/documents /var/lib/jiebang/spool /var/cache/jiebang/search \
    && chown -R jiebang /var/lib/jiebang /var/cache/jiebang
WORKDIR /app
COPY --from=build /src/target/release/jiebang /usr/local/bin/jiebang
COPY config ./config
COPY --from=web /web/dist ./web/dist
USER jiebang
ENV JIEBANG_ENV=production
# The web client, served at / (docs/api-conventions.md#the-web-client).
ENV JIEBANG__SERVER__WEB_DIR=/app/web/dist
# Documents (docs/documents.md): a local store on a volume unless [documents.s3] is configured;
# the spool on the same volume, so that a received file is not copied across disks.
ENV JIEBANG__DOCUMENTS__DIR=/var/lib/jiebang/documents \
    JIEBANG__DOCUMENTS__SPOOL_DIR=/var/lib/jiebang/spool
# The search index (docs/search.md): each container's own, outside the shared volume (two
# instances cannot share one folder); a new container rebuilds it from the database.
ENV JIEBANG__SEARCH__DIR=/var/cache/jiebang/search
VOLUME /var/lib/jiebang
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fs http://127.0.0.1:8080/ready || exit 1
CMD ["jiebang", "serve", "--bind", "0.0.0.0:8080"]
