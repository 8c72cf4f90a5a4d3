package io.vigil.benchmarks;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.pipeline.SensorAnalyticsOptions;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 11, figure 4: readings per second and state bytes per key of Vigil's core on RocksDB with
 * the shipped checkpointing, from 1 000 to 1 000 000 keys ({@link SyntheticKeys}: the same readings
 * per key at every size, or, with {@code --min-readings}, the same readings per step, so that a
 * step of few keys is not over before its rate can be measured), as a table and a PNG plot
 * (log-scale keys; readings/s per core and bytes per key of a full checkpoint taken at 75 % of the
 * input).
 *
 * <pre>{@code
 * benchmarks/run.sh io.vigil.benchmarks.StateScaling --keys 1000,10000,100000,1000000 \
 *     --readings-per-key 3 --min-readings 3000000 --plot benchmarks/results/state-scaling.png
 * }</pre>
 */
public final class StateScaling {

    private StateScaling() {}

    /** One row of the table. */
    record Row(
            long keys,
            long readings,
            long millis,
            double perCore,
            long stateBytes,
            long savepointBytes) {
        double bytesPerKey() {
            return stateBytes < 0 ? Double.NaN : stateBytes / (double) keys;
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        PatternConfig patterns = PatternConfigLoader.load(settings.patterns);
        System.out.println(AnalyticsThroughput.machine());
        System.out.printf(
                "input: %d readings per key, at least %,d per step (more per key then), one every"
                        + " %s per key, even keys sound, odd keys temperature, parallelism %d%n",
                settings.readingsPerKey,
                settings.minReadings,
                settings.period,
                settings.parallelism);
        System.out.println(
                "settings: "
                        + CoreRun.describe(
                                CoreRun.shipped(settings.conf, Path.of("<a temporary dir>")))
                        + (settings.stateCacheKeys == null
                                ? ""
                                : ", analytics.state-cache-keys=" + settings.stateCacheKeys));
        if (settings.warmupReadings > 0) {
            // The first step would otherwise also pay for the JIT compiling the whole job.
            Row warmUp = step(settings.keys.get(0), settings.warmupReadings, settings, patterns);
            System.out.printf(
                    "warm-up (not measured): %,d keys, %,d readings, %,.0f readings/s per core%n",
                    warmUp.keys(), warmUp.readings(), warmUp.perCore());
        }
        List<Row> rows = new ArrayList<>();
        for (long keys : settings.keys) {
            long messages = Math.max(keys * settings.readingsPerKey, settings.minReadings);
            Row row = step(keys, messages, settings, patterns);
            rows.add(row);
        }
        System.out.println();
        System.out.println(table(rows));
        Row first = rows.get(0);
        Row last = rows.get(rows.size() - 1);
        System.out.printf(
                "RESULT scaling: readings/s per core %,.0f at %,d keys, %,.0f at %,d keys: drop"
                        + " %.2fx (goal <= 2x); state per key %.0f B .. %.0f B (goal <= 2048)%n",
                first.perCore(),
                first.keys(),
                last.perCore(),
                last.keys(),
                first.perCore() / last.perCore(),
                rows.stream()
                        .mapToDouble(Row::bytesPerKey)
                        .filter(d -> !Double.isNaN(d))
                        .min()
                        .orElse(Double.NaN),
                rows.stream()
                        .mapToDouble(Row::bytesPerKey)
                        .filter(d -> !Double.isNaN(d))
                        .max()
                        .orElse(Double.NaN));
        if (settings.plot != null) {
            plot(rows, settings.plot, settings.title);
            System.out.println("plot: " + settings.plot);
        }
    }

    /** Runs one step of {@code messages} readings over {@code keys} keys and prints its row. */
    private static Row step(long keys, long messages, Settings settings, PatternConfig patterns)
            throws Exception {
        messages -= messages % settings.parallelism;
        Path checkpoints = CoreRun.tempDir("vigil-bench-scaling-");
        try {
            Configuration config = CoreRun.shipped(settings.conf, checkpoints);
            if (settings.stateCacheKeys != null) {
                config.set(SensorAnalyticsOptions.STATE_CACHE_KEYS, settings.stateCacheKeys);
            }
            CoreRun.Outcome outcome =
                    CoreRun.run(
                            "scaling-" + keys,
                            config,
                            settings.parallelism,
                            patterns,
                            messages,
                            new SyntheticKeys(
                                    keys,
                                    settings.period.toMillis(),
                                    messages,
                                    settings.parallelism),
                            messages,
                            0.75,
                            true);
            double perCore = messages * 1000.0 / outcome.millis() / settings.parallelism;
            Row row =
                    new Row(
                            keys,
                            messages,
                            outcome.millis(),
                            perCore,
                            outcome.fullCheckpointBytes(),
                            outcome.savepointBytes());
            System.out.printf(
                    "%,9d keys: %,10d readings in %,8d ms (net runtime %,d ms) = %,10.0f"
                            + " readings/s per core; full checkpoint %,d B = %s B per key;"
                            + " canonical savepoint %,d B = %s B per key; checkpoints"
                            + " completed %d, failed %d; %s%s%n",
                    keys,
                    messages,
                    outcome.millis(),
                    outcome.netRuntimeMillis(),
                    perCore,
                    outcome.fullCheckpointBytes(),
                    CoreRun.perKey(outcome.fullCheckpointBytes(), keys),
                    outcome.savepointBytes(),
                    CoreRun.perKey(outcome.savepointBytes(), keys),
                    outcome.completedCheckpoints(),
                    outcome.failedCheckpoints(),
                    outcome.counts(),
                    outcome.checkpointSummary());
            return row;
        } finally {
            CoreRun.deleteRecursively(checkpoints);
        }
    }

    static String table(List<Row> rows) {
        StringBuilder out =
                new StringBuilder(
                        "| keys | readings | ms | readings/s per core | state bytes per key (full"
                                + " checkpoint) | bytes per key (canonical savepoint) |\n"
                                + "|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "| %,d | %,d | %,d | %,.0f | %s | %s |%n",
                            r.keys(),
                            r.readings(),
                            r.millis(),
                            r.perCore(),
                            CoreRun.perKey(r.stateBytes(), r.keys()),
                            CoreRun.perKey(r.savepointBytes(), r.keys())));
        }
        return out.toString();
    }

    /** Two panels side by side: readings/s per core and bytes per key, over keys on a log scale. */
    static void plot(List<Row> rows, Path file, String title) throws IOException {
        int width = 1000;
        int height = 420;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 20, 22);
        double[] keys = rows.stream().mapToDouble(Row::keys).toArray();
        panel(
                g,
                60,
                50,
                400,
                300,
                keys,
                rows.stream().mapToDouble(Row::perCore).toArray(),
                "readings/s per core",
                new Color(0x1f77b4),
                0);
        panel(
                g,
                560,
                50,
                400,
                300,
                keys,
                rows.stream().mapToDouble(Row::bytesPerKey).toArray(),
                "state bytes per key (full checkpoint)",
                new Color(0xd62728),
                2048);
        g.dispose();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(
            Graphics2D g,
            int x0,
            int y0,
            int w,
            int h,
            double[] xs,
            double[] ys,
            String label,
            Color color,
            double goal) {
        double maxY = goal;
        for (double y : ys) {
            if (!Double.isNaN(y)) {
                maxY = Math.max(maxY, y);
            }
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.15;
        double minX = Math.log10(xs[0]);
        double maxX = Math.log10(xs[xs.length - 1]);
        if (maxX - minX < 1) {
            maxX = minX + 1;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawRect(x0, y0, w, h);
        g.drawString(label, x0, y0 - 6);
        for (int i = 0; i <= 4; i++) {
            int y = y0 + h - i * h / 4;
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0 + 1, y, x0 + w - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,.0f", maxY * i / 4), 2 + x0 - 58, y + 4);
        }
        for (double decade = Math.ceil(minX); decade <= maxX; decade++) {
            int x = (int) (x0 + (decade - minX) / (maxX - minX) * w);
            g.drawLine(x, y0 + h, x, y0 + h + 4);
            g.drawString(
                    String.format(Locale.ROOT, "%,.0f", Math.pow(10, decade)), x - 20, y0 + h + 18);
        }
        g.drawString("keys (log scale)", x0 + w / 2 - 40, y0 + h + 36);
        if (goal > 0) {
            int gy = (int) (y0 + h - goal / maxY * h);
            g.setColor(Color.GRAY);
            g.setStroke(
                    new BasicStroke(
                            1,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10,
                            new float[] {6, 4},
                            0));
            g.drawLine(x0, gy, x0 + w, gy);
            g.drawString("goal " + (long) goal, x0 + 4, gy - 4);
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(2));
        int px = -1;
        int py = -1;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(ys[i])) {
                continue;
            }
            int x = (int) (x0 + (Math.log10(xs[i]) - minX) / (maxX - minX) * w);
            int y = (int) (y0 + h - ys[i] / maxY * h);
            g.fillOval(x - 4, y - 4, 8, 8);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
    }

    /** Command-line settings. */
    @Command(name = "StateScaling")
    static final class Settings extends PatternFileSettings {
        @Option(names = "--keys", split = ",", description = "key counts")
        List<Long> keys = List.of(1_000L, 10_000L, 100_000L, 1_000_000L);

        @Option(names = "--readings-per-key", description = "readings each key sends")
        int readingsPerKey = 4;

        @Option(
                names = "--min-readings",
                description =
                        "readings of a step at least: fewer keys then send more readings each, so"
                                + " that every step runs long enough to measure a rate")
        long minReadings = 0;

        @Option(
                names = "--warmup-readings",
                description =
                        "readings of an unmeasured first step at the first key count (0: none), so"
                                + " that the first measured step does not also pay for the JIT")
        long warmupReadings = 0;

        @Option(
                names = "--period",
                converter = AnalyticsThroughput.ShortDuration.class,
                description = "event time between a key's readings")
        Duration period = Duration.ofSeconds(30);

        @Option(names = "--parallelism", description = "parallelism (= cores it is given)")
        int parallelism = 2;

        @Option(names = "--plot", description = "the PNG to write")
        Path plot;

        @Option(names = "--title", description = "the plot's title")
        String title =
                "Vigil core on RocksDB, shipped checkpointing: scaling with the number of keys";

        @Option(
                names = "--state-cache-keys",
                description = "analytics.state-cache-keys of the run (default: the job's default)")
        Integer stateCacheKeys;

        @Option(names = "--conf", description = "the directory of the shipped config.yaml")
        Path conf = Path.of("flink-conf");
    }
}
