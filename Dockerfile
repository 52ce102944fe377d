# Release image: the `jiebang` binary and its config/ folder.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin jiebang

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app jiebang
WORKDIR /app
COPY --from=build /src/target/release/jiebang /usr/local/bin/jiebang
COPY config ./config
USER jiebang
ENV JIEBANG_ENV=production
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fs http://127.0.0.1:8080/ready || exit 1
CMD ["jiebang", "serve", "--bind", "0.0.0.0:8080"]
