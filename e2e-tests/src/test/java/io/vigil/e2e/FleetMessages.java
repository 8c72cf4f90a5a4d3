package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.tools.simulator.MqttFleetPublisher;
import io.vigil.tools.simulator.SimulatedMessage;
import java.util.List;

/** Sends a simulated fleet's messages to a job under test through the simulator's publisher. */
public final class FleetMessages {

    private FleetMessages() {}

    /** Publishes {@code messages} at QoS 1 as fast as the broker takes them; all must arrive. */
    public static void publish(String brokerUri, List<SimulatedMessage> messages) {
        MqttFleetPublisher.Report report =
                MqttFleetPublisher.builder()
                        .setBrokerUri(brokerUri)
                        .setQos(1)
                        .setPacing(MqttFleetPublisher.Pacing.unlimited())
                        .build()
                        .publish(messages);
        assertThat(report.isComplete()).as(report.toString()).isTrue();
    }
}
