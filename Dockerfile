# consul-watchdog container image: build with Maven, run on a JRE.
#
#   docker build -t consul-watchdog .
#   docker run -d --name consul-watchdog --stop-timeout 360 \
#     -v /etc/consul-watchdog:/etc/consul-watchdog:ro -v cw-state:/var/lib/consul-watchdog \
#     -p 127.0.0.1:9464:9464 consul-watchdog
#
# Listening: the default command serves /metrics and /health on 0.0.0.0:9464 INSIDE the container
# (--listen overrides the config's listen_address, whose default 127.0.0.1 would be unreachable from
# outside the container's network namespace). Publish the port on the host's loopback (as above) or
# on the address Prometheus scrapes; the HEALTHCHECK below asks 127.0.0.1:9464 from inside.
# Stopping: on SIGTERM a recovery under way finishes its step, then undoes what it changed (starts the
# servers it stopped) before the daemon exits: far longer than Docker's default 10 s grace period in the
# worst case. Give it 6 minutes like the systemd unit's TimeoutStopSec (docker run --stop-timeout 360;
# compose: stop_grace_period: 6m); without a recovery under way it exits in about a second.
# Executors: the systemd D-Bus executor needs the host's bus socket mounted; the SSH executor needs
# only the key and known_hosts (in /etc/consul-watchdog).

# Base images pinned by exact tag (Maven 3.9.9 on Temurin 17; Temurin 17.0.13+11 JRE on Ubuntu 22.04).
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
# the image needs only the jar: no Debian package, no distribution archive
RUN mvn -B -ntp -q package -DskipTests -Djdeb.skip=true -Dassembly.skipAssembly=true

FROM eclipse-temurin:17.0.13_11-jre-jammy
ARG VERSION=unknown
LABEL org.opencontainers.image.title="consul-watchdog" \
      org.opencontainers.image.description="Self-healing watchdog for HashiCorp Consul server clusters: detects and heals clusters stuck without a leader" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="NOASSERTION" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17.0.13_11-jre-jammy"
RUN useradd --system --home-dir /var/lib/consul-watchdog --create-home --shell /usr/sbin/nologin consul-watchdog
COPY --from=build /src/target/consul-watchdog.jar /usr/share/consul-watchdog/consul-watchdog.jar
COPY --from=build /src/target/completion/consul-watchdog /usr/share/bash-completion/completions/consul-watchdog
COPY bin/consul-watchdog /usr/bin/consul-watchdog
COPY config/consul-watchdog.example.yml /usr/share/consul-watchdog/
COPY config/prometheus/alerts.yml /usr/share/consul-watchdog/prometheus/
COPY config/grafana/consul-watchdog.json /usr/share/consul-watchdog/grafana/
USER consul-watchdog
VOLUME ["/var/lib/consul-watchdog"]
EXPOSE 9464
STOPSIGNAL SIGTERM
# /health over bash's /dev/tcp: the JRE image needs no curl or wget for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/bin/consul-watchdog"]
CMD ["run", "--config", "/etc/consul-watchdog/config.yml", "--listen", "0.0.0.0:9464"]
