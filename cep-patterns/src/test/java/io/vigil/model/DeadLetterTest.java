package io.vigil.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link DeadLetter}'s hash of a message: the same value however the payload is handed in. */
class DeadLetterTest {

    @Test
    void hashOfARawPayloadEqualsTheHashOfItsLatin1Text() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        assertSameHash("sensors/plant-a/pump-3/sound", everyByte);
        assertSameHash(null, everyByte);
        assertSameHash("sensors/x", new byte[0]);
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] payload = new byte[random.nextInt(2000)];
            random.nextBytes(payload);
            assertSameHash("sensors/site-" + i + "/dev/°C", payload);
        }
    }

    @Test
    void differentPayloadsHashDifferently() {
        assertThat(DeadLetter.hashLatin1("t", new byte[] {(byte) 0xc3, (byte) 0xa9}))
                .isNotEqualTo(
                        DeadLetter.hashLatin1("t", "é".getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static void assertSameHash(String topic, byte[] payload) {
        assertThat(DeadLetter.hashLatin1(topic, payload))
                .isEqualTo(
                        DeadLetter.hash(topic, new String(payload, StandardCharsets.ISO_8859_1)));
    }
}
