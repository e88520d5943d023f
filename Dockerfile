# consul-watchdog container image: build with Maven, run on a JRE.
#   docker build -t consul-watchdog .
#   docker run --rm -v /etc/consul-watchdog:/etc/consul-watchdog:ro -v cw-state:/var/lib/consul-watchdog \
#     -p 127.0.0.1:9464:9464 consul-watchdog run --config /etc/consul-watchdog/config.yml --listen 0.0.0.0:9464
# The systemd D-Bus executor needs the host's bus socket mounted; the SSH executor needs only the key.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
RUN mvn -B -ntp -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --home-dir /var/lib/consul-watchdog --create-home consul-watchdog
COPY --from=build /src/target/consul-watchdog.jar /usr/share/consul-watchdog/consul-watchdog.jar
COPY bin/consul-watchdog /usr/bin/consul-watchdog
COPY config/consul-watchdog.example.yml /usr/share/consul-watchdog/
USER consul-watchdog
EXPOSE 9464
ENTRYPOINT ["/usr/bin/consul-watchdog"]
CMD ["--help"]
