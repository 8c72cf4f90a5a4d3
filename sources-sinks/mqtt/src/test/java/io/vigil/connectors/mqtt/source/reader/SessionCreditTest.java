package io.vigil.connectors.mqtt.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionCreditTest {

    private final Map<String, Long> requested = new LinkedHashMap<>();

    private SessionCredit<String> credit(int capacity) {
        return new SessionCredit<>(
                capacity, (session, n) -> requested.merge(session, n, Long::sum));
    }

    @Test
    void oneSessionGetsTheWholeCapacityAndEachTakenMessageBack() {
        SessionCredit<String> credit = credit(20);
        credit.add("a");
        assertThat(requested).containsEntry("a", 20L);

        credit.taken("a");

        assertThat(requested).containsEntry("a", 21L);
        assertThat(credit.total()).isEqualTo(20);
    }

    @Test
    void severalSessionsShareTheCapacityAndNeverExceedItTogether() {
        SessionCredit<String> credit = credit(20);
        credit.add("a");
        credit.add("b");
        credit.add("c");

        // "a" was added alone and holds 20; the others wait until it drained below its share.
        assertThat(credit.total()).isEqualTo(20);
        assertThat(credit.share()).isEqualTo(6);
        for (int i = 0; i < 14; i++) {
            credit.taken("a");
            assertThat(credit.total()).isLessThanOrEqualTo(20);
        }
        assertThat(credit.granted("a")).isEqualTo(6);
        assertThat(credit.granted("b")).isEqualTo(6);
        assertThat(credit.granted("c")).isEqualTo(6);
        assertThat(credit.total()).isEqualTo(18);
    }

    @Test
    void moreSessionsThanCapacityTakeTurnsWithoutExceedingIt() {
        SessionCredit<String> credit = credit(2);
        credit.add("a");
        credit.add("b");
        credit.add("c");
        assertThat(credit.total()).isEqualTo(2);
        assertThat(credit.granted("c")).isZero();

        credit.taken("a");
        credit.taken("a");

        assertThat(credit.total()).isEqualTo(2);
        assertThat(credit.granted("a")).isZero();
        assertThat(credit.granted("b")).isEqualTo(1);
        assertThat(credit.granted("c")).isEqualTo(1);
    }
}
