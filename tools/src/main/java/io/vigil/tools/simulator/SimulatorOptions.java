package io.vigil.tools.simulator;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Configuration options of the sensor fleet simulator ({@code vigil simulate}). */
public final class SimulatorOptions {

    public static final ConfigOption<String> BROKER_URI =
            ConfigOptions.key("simulator.broker-uri")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "MQTT broker to publish to: tcp://host:port or ssl://host:port.");

    public static final ConfigOption<Integer> SITES =
            ConfigOptions.key("simulator.sites")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Number of sites, named plant-a, plant-b, ...");

    public static final ConfigOption<Integer> DEVICES =
            ConfigOptions.key("simulator.devices")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Devices per site, alternately microphones (mic-NN, sound in dB) and"
                                    + " pumps (pump-NN, temperature in C).");

    public static final ConfigOption<Duration> DURATION =
            ConfigOptions.key("simulator.duration")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription("Event-time span of the simulation.");

    public static final ConfigOption<String> START =
            ConfigOptions.key("simulator.start")
                    .stringType()
                    .defaultValue("now")
                    .withDescription(
                            "Event time of the first reading: 'now', an ISO-8601 instant or epoch"
                                    + " milliseconds. With 'now' and real-time pacing the"
                                    + " simulation starts now; with any other pacing it ends now,"
                                    + " so that no reading lies in the future.");

    public static final ConfigOption<Double> RATE =
            ConfigOptions.key("simulator.rate")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "Messages per second to publish, 0 for as fast as possible; when"
                                    + " unset, messages follow their event times in real time.");

    public static final ConfigOption<Long> SEED =
            ConfigOptions.key("simulator.seed")
                    .longType()
                    .defaultValue(1L)
                    .withDescription(
                            "Seed of the simulation: the same seed gives the same messages.");

    public static final ConfigOption<Integer> BURSTS =
            ConfigOptions.key("simulator.bursts")
                    .intType()
                    .defaultValue(5)
                    .withDescription("Sound bursts to inject (3 to 6 readings at 88 to 105 dB).");

    public static final ConfigOption<Integer> DRIFTS =
            ConfigOptions.key("simulator.drifts")
                    .intType()
                    .defaultValue(2)
                    .withDescription("Thermal drifts to inject (a steady rise of 3.5 to 5 C).");

    public static final ConfigOption<Integer> SILENCES =
            ConfigOptions.key("simulator.silences")
                    .intType()
                    .defaultValue(2)
                    .withDescription("Silent periods to inject (150 to 270 s without readings).");

    public static final ConfigOption<Double> MALFORMED_SHARE =
            ConfigOptions.key("simulator.malformed-share")
                    .doubleType()
                    .defaultValue(0.01)
                    .withDescription(
                            "Extra malformed messages, as a share of the valid messages (0.01 is"
                                    + " 1 %).");

    public static final ConfigOption<Duration> SOUND_PERIOD =
            ConfigOptions.key("simulator.sound-period")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("Time between two readings of a microphone (at most 2 s).");

    public static final ConfigOption<Duration> TEMPERATURE_PERIOD =
            ConfigOptions.key("simulator.temperature-period")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Time between two readings of a pump (at most 20 s).");

    public static final ConfigOption<Boolean> MIXED_PAYLOADS =
            ConfigOptions.key("simulator.mixed-payloads")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Send some readings as batches, with ISO-8601 times or as SenML;"
                                    + " otherwise every payload is one plain JSON reading.");

    public static final ConfigOption<String> LABELS =
            ConfigOptions.key("simulator.labels")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "File to write the ground truth to, one JSON episode per line; none"
                                    + " when unset.");

    public static final ConfigOption<Integer> QOS =
            ConfigOptions.key("simulator.qos")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "MQTT quality of service of the published messages: 0, 1 or 2.");

    public static final ConfigOption<Integer> MQTT_VERSION =
            ConfigOptions.key("simulator.mqtt-version")
                    .intType()
                    .defaultValue(5)
                    .withDescription("MQTT protocol version: 3 (3.1.1) or 5.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("simulator.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "MQTT user name; the password comes from the environment variable "
                                    + SimulatorCli.PASSWORD_ENV
                                    + ".");

    public static final ConfigOption<String> CLIENT_ID =
            ConfigOptions.key("simulator.client-id")
                    .stringType()
                    .defaultValue("vigil-simulator")
                    .withDescription("MQTT client identifier of the simulator.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT =
            ConfigOptions.key("simulator.max-in-flight")
                    .intType()
                    .defaultValue(1000)
                    .withDescription("Messages that may wait for their acknowledgement at once.");

    public static final ConfigOption<Duration> ACK_TIMEOUT =
            ConfigOptions.key("simulator.ack-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long to wait for the last acknowledgements after the last"
                                    + " message.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("simulator.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("How long to wait for the broker to accept the connection.");

    private SimulatorOptions() {}
}
