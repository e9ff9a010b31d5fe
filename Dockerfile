# The packaged gateway: build the jar first (mvn -B package -DskipTests), then docker compose up.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 pasarela && mkdir -p /data && chown pasarela /data
COPY target/pasarela-*.jar /app/pasarela.jar
COPY config/ /app/config/
WORKDIR /app
USER pasarela
ENV PASARELA_DATA_DIR=/data
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/pasarela.jar"]
