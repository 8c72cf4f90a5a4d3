package io.vigil.parsing;

import io.vigil.model.DeadLetterReason;

/** Why one reading or record cannot be read; no stack trace, it is expected input. */
final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;

    final DeadLetterReason reason;

    Rejection(DeadLetterReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }
}
