package io.vigil.cep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.DriftProgram.DriftState;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Flink's serializer contract for {@link DriftStateSerializer}, and the size of a stretch. */
class DriftStateSerializerTest extends SerializerTestBase<DriftState> {

    @Override
    protected TypeSerializer<DriftState> createSerializer() {
        return DriftStateSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<DriftState> getTypeClass() {
        return DriftState.class;
    }

    @Override
    protected DriftState[] getTestData() {
        Random random = new Random(7);
        DriftState empty = new DriftState();
        DriftState decimals = stretch(120, 5_000, random, 2, "°C");
        DriftState raw = stretch(40, 1_000, random, -1, "°C");
        raw.values[3] = Double.NaN;
        raw.values[4] = -0.0;
        raw.values[5] = Double.MAX_VALUE;
        DriftState integers = stretch(10, 60_000, random, 0, "K");
        DriftState mixed = stretch(30, 2_000, random, 1, "°C");
        mixed.units[7] = null;
        mixed.units[8] = "°F";
        mixed.units[29] = "°F";
        mixed.qualifiedAt[2] = 17;
        mixed.qualifiedAt[9] = 29;
        mixed.times[12] = mixed.times[11]; // two readings at one time
        DriftState single = stretch(1, 1, random, 3, "");
        single.expiryTimer = 123_456L;
        single.cleanupAt = -5L;
        return new DriftState[] {empty, decimals, raw, integers, mixed, single};
    }

    @Test
    void tenMinutesOfATwoDecimalTemperatureTakeAFewBytesPerReading() throws Exception {
        DriftState state = stretch(120, 5_000, new Random(1), 2, "°C");
        DataOutputSerializer out = new DataOutputSerializer(64);
        DriftStateSerializer.INSTANCE.serialize(state, out);
        // 32 bytes of scalars, the first time in full, then about 2 + 1 + 1 per reading.
        assertThat(out.length()).isLessThan(32 + 8 + 10 + 120 * 5);
        assertThat(
                        DriftStateSerializer.INSTANCE.deserialize(
                                new org.apache.flink.core.memory.DataInputDeserializer(
                                        out.getCopyOfBuffer())))
                .isEqualTo(state);
    }

    @Test
    void valuesThatAreNotShortDecimalsComeBackBitForBit() throws Exception {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            DriftState state = stretch(1 + random.nextInt(50), 1_000, random, -1, "dB");
            for (int i = 0; i < state.values.length; i++) {
                state.values[i] = Double.longBitsToDouble(random.nextLong());
            }
            DataOutputSerializer out = new DataOutputSerializer(64);
            DriftStateSerializer.INSTANCE.serialize(state, out);
            DriftState back =
                    DriftStateSerializer.INSTANCE.deserialize(
                            new org.apache.flink.core.memory.DataInputDeserializer(
                                    out.getCopyOfBuffer()));
            for (int i = 0; i < state.values.length; i++) {
                assertThat(Double.doubleToRawLongBits(back.values[i]))
                        .isEqualTo(Double.doubleToRawLongBits(state.values[i]));
            }
        }
    }

    @Test
    void typeInformationOfTheStateIsThisSerializer() {
        assertThat(TypeInformation.of(DriftState.class).createSerializer(null))
                .isSameAs(DriftStateSerializer.INSTANCE);
    }

    /**
     * A stretch of {@code n} readings every {@code period} ms, values with {@code decimals}
     * decimals (-1: any double), all in {@code unit}.
     */
    private static DriftState stretch(int n, long period, Random random, int decimals, String u) {
        DriftState state = new DriftState();
        long time = 1_764_000_000_000L + random.nextInt(1000);
        double value = 20 + random.nextDouble() * 10;
        for (int i = 0; i < n; i++) {
            value += random.nextGaussian() * 0.1;
            double v =
                    decimals < 0
                            ? value
                            : Math.round(value * Math.pow(10, decimals)) / Math.pow(10, decimals);
            state.append(time + i * period, v, u);
        }
        state.previousValue = value;
        state.lastTimestamp = time + (n - 1) * period;
        state.cleanupAt = state.lastTimestamp + 600_000;
        return state;
    }
}
