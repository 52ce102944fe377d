# Release image: the `jiebang` binary and its config/ folder.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin jiebang

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app jiebang \
    && mkdir -p /var/lib/jiebang/documents /var/lib/jiebang/spool \
    && chown -R jiebang /var/lib/jiebang
WORKDIR /app
COPY --from=build /src/target/release/jiebang /usr/local/bin/jiebang
COPY config ./config
USER jiebang
ENV JIEBANG_ENV=production
# Documents (docs/documents.md): a local store on a volume unless [documents.s3] is configured;
# the spool on the same volume, so that a received file is not copied across disks.
ENV JIEBANG__DOCUMENTS__DIR=/var/lib/jiebang/documents \
    JIEBANG__DOCUMENTS__SPOOL_DIR=/var/lib/jiebang/spool
VOLUME /var/lib/jiebang
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fs http://127.0.0.1:8080/ready || exit 1
CMD ["jiebang", "serve", "--bind", "0.0.0.0:8080"]
