# Kiln's backend, built for PostgreSQL (the cluster's database; Quarkus fixes it at build time).
# Build from the repository root after `mvn -B -DskipTests package`:
#   docker build -f deploy/docker/backend.Dockerfile -t kiln-backend .
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/kiln kiln \
    && mkdir -p /var/lib/kiln && chown kiln /var/lib/kiln
COPY --chown=kiln backend/target/quarkus-app-postgresql/ /opt/kiln/
USER 10001
# The data directory keeps only upload buffers and the object cache when KILN_STORAGE_KIND=s3.
ENV KILN_DATA_DIR=/var/lib/kiln \
    QUARKUS_HTTP_PORT=8080 \
    JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=75 -Djava.awt.headless=true"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /q/health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /opt/kiln/quarkus-run.jar"]
