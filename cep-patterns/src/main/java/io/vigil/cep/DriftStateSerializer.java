package io.vigil.cep;

import io.vigil.cep.DriftProgram.DriftState;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The serializer of {@link DriftState}: the readings of a stretch as columns, the way time-series
 * stores keep them, so that ten minutes of a temperature cost bytes per reading instead of the tens
 * that a POJO's arrays of longs, doubles, strings and ints cost.
 *
 * <ul>
 *   <li>times: the first in full, then each as its (zig-zag, variable-length) difference from the
 *       one before: a reading every 5 s takes 2 bytes;
 *   <li>values: when every value of the stretch is exactly {@code k / 10^s} for an integer {@code
 *       k} and one {@code s} of 0 to 4 (readings of a few decimals, as sensors send them), the
 *       differences of the {@code k}, variable-length; otherwise each value's 8 bytes. Decoding
 *       computes {@code k / 10^s} as the check did, so every value comes back bit for bit;
 *   <li>units: runs of one unit, each as its length and the unit once;
 *   <li>qualifying indexes: variable-length, one byte while a start has not qualified.
 * </ul>
 */
public final class DriftStateSerializer extends TypeSerializerSingleton<DriftState> {

    private static final long serialVersionUID = 1L;

    public static final DriftStateSerializer INSTANCE = new DriftStateSerializer();

    /** The largest decimal exponent tried for the values. */
    private static final int MAX_DECIMALS = 4;

    /** The value encoding of a stretch whose values are not all short decimals. */
    private static final int RAW = 0xFF;

    private static final double[] POWERS = {1, 10, 100, 1_000, 10_000};

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DriftState createInstance() {
        return new DriftState();
    }

    @Override
    public DriftState copy(DriftState from) {
        DriftState copy = new DriftState();
        copy.lastTimestamp = from.lastTimestamp;
        copy.cleanupAt = from.cleanupAt;
        copy.previousValue = from.previousValue;
        copy.expiryTimer = from.expiryTimer;
        copy.times = from.times.clone();
        copy.values = from.values.clone();
        copy.units = from.units.clone();
        copy.qualifiedAt = from.qualifiedAt.clone();
        return copy;
    }

    @Override
    public DriftState copy(DriftState from, DriftState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DriftState state, DataOutputView out) throws IOException {
        out.writeLong(state.lastTimestamp);
        out.writeLong(state.cleanupAt);
        out.writeLong(Double.doubleToRawLongBits(state.previousValue));
        out.writeLong(state.expiryTimer);
        int n = state.times.length;
        writeVarLong(out, n);
        if (n == 0) {
            return;
        }
        out.writeLong(state.times[0]);
        for (int i = 1; i < n; i++) {
            writeVarLong(out, zigZag(state.times[i] - state.times[i - 1]));
        }
        int decimals = decimals(state.values);
        out.writeByte(decimals);
        if (decimals == RAW) {
            for (double value : state.values) {
                // Raw bits: writeDouble would make every NaN the canonical one.
                out.writeLong(Double.doubleToRawLongBits(value));
            }
        } else {
            long previous = 0;
            for (double value : state.values) {
                long k = Math.round(value * POWERS[decimals]);
                writeVarLong(out, zigZag(k - previous));
                previous = k;
            }
        }
        int runStart = 0;
        writeVarLong(out, runs(state.units));
        for (int i = 1; i <= n; i++) {
            if (i == n || !Objects.equals(state.units[i], state.units[runStart])) {
                writeVarLong(out, i - runStart);
                StringValue.writeString(state.units[runStart], out);
                runStart = i;
            }
        }
        for (int qualified : state.qualifiedAt) {
            writeVarLong(out, qualified + 1L);
        }
    }

    @Override
    public DriftState deserialize(DataInputView in) throws IOException {
        DriftState state = new DriftState();
        state.lastTimestamp = in.readLong();
        state.cleanupAt = in.readLong();
        state.previousValue = Double.longBitsToDouble(in.readLong());
        state.expiryTimer = in.readLong();
        int n = (int) readVarLong(in);
        if (n == 0) {
            return state;
        }
        long[] times = new long[n];
        times[0] = in.readLong();
        for (int i = 1; i < n; i++) {
            times[i] = times[i - 1] + unZigZag(readVarLong(in));
        }
        double[] values = new double[n];
        int decimals = in.readUnsignedByte();
        if (decimals == RAW) {
            for (int i = 0; i < n; i++) {
                values[i] = Double.longBitsToDouble(in.readLong());
            }
        } else {
            long k = 0;
            for (int i = 0; i < n; i++) {
                k += unZigZag(readVarLong(in));
                values[i] = k / POWERS[decimals];
            }
        }
        String[] units = new String[n];
        long runs = readVarLong(in);
        int at = 0;
        for (long r = 0; r < runs; r++) {
            int length = (int) readVarLong(in);
            String unit = StringValue.readString(in);
            Arrays.fill(units, at, at + length, unit);
            at += length;
        }
        int[] qualifiedAt = new int[n];
        for (int i = 0; i < n; i++) {
            qualifiedAt[i] = (int) (readVarLong(in) - 1);
        }
        state.times = times;
        state.values = values;
        state.units = units;
        state.qualifiedAt = qualifiedAt;
        return state;
    }

    @Override
    public DriftState deserialize(DriftState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<DriftState> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * The fewest decimals (0 to {@link #MAX_DECIMALS}) with which every value is {@code k /
     * 10^decimals} exactly, or {@link #RAW}.
     */
    static int decimals(double[] values) {
        for (int decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
            if (allExact(values, POWERS[decimals])) {
                return decimals;
            }
        }
        return RAW;
    }

    private static boolean allExact(double[] values, double power) {
        for (double value : values) {
            // Beyond 2^53 not every integer k is a double; such values are raw.
            if (!(Math.abs(value * power) < 0x1p52)) {
                return false;
            }
            long k = Math.round(value * power);
            if (Double.doubleToRawLongBits(k / power) != Double.doubleToRawLongBits(value)) {
                return false;
            }
        }
        return true;
    }

    private static int runs(String[] units) {
        int runs = units.length == 0 ? 0 : 1;
        for (int i = 1; i < units.length; i++) {
            if (!Objects.equals(units[i], units[i - 1])) {
                runs++;
            }
        }
        return runs;
    }

    private static long zigZag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private static long unZigZag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    private static void writeVarLong(DataOutputView out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarLong(DataInputView in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("A variable-length number longer than 10 bytes");
    }

    /** Makes {@code TypeInformation.of(DriftState.class)} give this serializer. */
    public static final class Factory extends TypeInfoFactory<DriftState> {
        @Override
        public TypeInformation<DriftState> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new Info();
        }
    }

    /** The type information of {@link DriftState}: an atomic type with this serializer. */
    static final class Info extends TypeInformation<DriftState> {

        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<DriftState> getTypeClass() {
            return DriftState.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<DriftState> createSerializer(SerializerConfig config) {
            return INSTANCE;
        }

        @Override
        public String toString() {
            return "DriftState (columns)";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Info;
        }

        @Override
        public int hashCode() {
            return Info.class.hashCode();
        }

        @Override
        public boolean canEqual(Object other) {
            return other instanceof Info;
        }
    }

    /** The serializer's snapshot: one format, no parameters. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DriftState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
