# syntax=docker/dockerfile:1
#
# AIDA image: one binary, `aida serve` by default.
# Every dependency of today's binary is pure Go (SQLite through modernc.org,
# PostgreSQL through pgx, embedded NATS), so it is built without cgo as a
# static executable. The runtime is Debian slim with curl for the container
# healthcheck and CA certificates for TLS to PostgreSQL or NATS.

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/aida ./cmd/aida

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/aida --shell /usr/sbin/nologin aida \
    && mkdir -p /var/lib/aida \
    && chown aida:aida /var/lib/aida
COPY --from=build /out/aida /usr/local/bin/aida
USER aida
WORKDIR /var/lib/aida
ENV AIDA_ADDR=:8080 \
    AIDA_DATA_DIR=/var/lib/aida
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["aida"]
CMD ["serve"]
