# luoshi in a container: `docker build -t luoshi .` then
# `docker run -p 8080:8080 -v luoshi-data:/var/lib/luoshi -e LUOSHI_ADMIN_PASSWORD=… luoshi`.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p luoshi-cli

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/luoshi --create-home luoshi
COPY --from=build /src/target/release/luoshi /usr/bin/luoshi
USER luoshi
WORKDIR /var/lib/luoshi
ENV LUOSHI_DATABASE_URL=sqlite:///var/lib/luoshi/luoshi.db \
    LUOSHI_LISTEN=0.0.0.0:8080 \
    LUOSHI_BACKUP_DIR=/var/lib/luoshi/backups \
    LUOSHI_BACKUP_EVERY=6h
VOLUME /var/lib/luoshi
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q alive <&3"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/luoshi"]
CMD ["serve"]
