package io.vigil.cep.config;

import java.util.Optional;

/** Reads a {@code silence} pattern into a {@link SilenceSpec}. */
final class SilenceReader extends PatternReader {

    static final String AFTER = "after";

    SilenceReader() {
        super(SilenceSpec.TYPE, AFTER);
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        return fields.duration(AFTER)
                .map(
                        after ->
                                new SilenceSpec(
                                        common.name(),
                                        common.severity(),
                                        common.metrics(),
                                        after,
                                        common.alerting()));
    }
}
