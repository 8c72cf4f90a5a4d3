package io.vigil.cep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Formatting shared by the alert messages, independent of the JVM's locale. */
final class AlertText {

    private AlertText() {}

    static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** {@code value} to {@code digits} significant digits, without trailing zeros: 21.74, 0.533. */
    static String significant(double value, int digits) {
        return new BigDecimal(value)
                .round(new MathContext(digits))
                .stripTrailingZeros()
                .toPlainString();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** " dB" for unit "dB", nothing when the reading carried no unit. */
    static String unit(String unit) {
        return unit == null || unit.isEmpty() ? "" : " " + unit;
    }
}
