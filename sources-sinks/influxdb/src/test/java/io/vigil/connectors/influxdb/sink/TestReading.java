package io.vigil.connectors.influxdb.sink;

import java.io.Serializable;

/** A stream element for the sink tests, with values chosen to stress line protocol. */
final class TestReading implements Serializable {

    private static final long serialVersionUID = 1L;

    static final long BASE_TIME = 1_764_316_800_000L;

    final long id;
    final String site;
    final String extraTagKey;
    final String extraTagValue;
    final String note;
    final double value;
    final long count;
    final boolean flag;

    TestReading(
            long id,
            String site,
            String extraTagKey,
            String extraTagValue,
            String note,
            double value,
            long count,
            boolean flag) {
        this.id = id;
        this.site = site;
        this.extraTagKey = extraTagKey;
        this.extraTagValue = extraTagValue;
        this.note = note;
        this.value = value;
        this.count = count;
        this.flag = flag;
    }

    static TestReading simple(long id) {
        return new TestReading(
                id, "site-" + (id % 3), "k_x", "v" + id, "n" + id, id * 0.5, id, id % 2 == 0);
    }

    /** The point written for this reading in measurement {@code measurement}. */
    InfluxDbPoint toPoint(String measurement) {
        return InfluxDbPoint.builder(measurement)
                .tag("site", site)
                .tag(extraTagKey, extraTagValue)
                .field("id", id)
                .field("note", note)
                .field("value", value)
                .field("count", count)
                .field("flag", flag)
                .timestamp(BASE_TIME + id)
                .build();
    }
}
