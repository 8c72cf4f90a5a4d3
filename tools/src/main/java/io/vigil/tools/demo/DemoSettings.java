package io.vigil.tools.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code vigil demo} was asked for; {@link DemoCommand} reads it from the command line.
 *
 * @param influxUrl InfluxDB to write to, or null to write line protocol to {@code output}
 * @param output the line-protocol file, or null for a new temporary file
 * @param webPortGiven whether {@code --web-port} was on the command line (a default port that is
 *     taken is replaced by a free one; a port asked for is not)
 */
record DemoSettings(
        String influxUrl,
        String influxDatabase,
        int webPort,
        boolean webPortGiven,
        int devices,
        long seed,
        Path output,
        Duration duration) {

    static final int DEFAULT_WEB_PORT = 8081;
    static final int DEFAULT_DEVICES = 40;
    static final long DEFAULT_SEED = 1;
    static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    static final Duration MIN_DURATION = Duration.ofMinutes(2);
    static final String DEFAULT_DATABASE = "vigil";
}
