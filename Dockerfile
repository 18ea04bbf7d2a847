# Beacon: build with Maven, run on a JRE as a non-root user.
#   docker build -t beacon:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# curl for the healthcheck; jemalloc for RocksDB, whose memory grows slowly under glibc's malloc
# (BENCHMARKS.md, Personal recommendations).
RUN apt-get update && apt-get install -y --no-install-recommends curl libjemalloc2 && rm -rf /var/lib/apt/lists/* \
    && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2 \
    && useradd --system --uid 10001 --home-dir /var/lib/beacon --create-home beacon
WORKDIR /app
COPY --from=build /src/query-service/target/beacon.jar /app/beacon.jar
COPY --from=build /src/query-service/target/lib /app/lib
USER 10001
# RocksDB state: mount a volume here so a restart does not restore from changelogs.
ENV BEACON_STATE_DIR=/var/lib/beacon/state
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2
VOLUME /var/lib/beacon
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS http://localhost:8080/health/readiness || exit 1
# KAFKA_BOOTSTRAP_SERVERS must be set: the embedded broker is for laptops, not containers.
ENTRYPOINT ["java", "-jar", "/app/beacon.jar", "start"]
