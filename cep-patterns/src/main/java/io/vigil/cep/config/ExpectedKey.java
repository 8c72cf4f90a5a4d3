package io.vigil.cep.config;

import java.io.Serializable;

/**
 * A key {@code site/device/metric} listed under {@code expected}: the silence patterns that watch
 * it alert when it sends nothing, even when it never sent anything.
 *
 * @param file the file that lists it
 * @param line the line where it is listed
 */
public record ExpectedKey(String site, String device, String metric, String file, int line)
        implements Serializable {

    /** Where it is listed, {@code FILE:LINE}. */
    public String origin() {
        return file + ":" + line;
    }

    /** {@code site/device/metric}, the key readings are partitioned by. */
    public String key() {
        return site + '/' + device + '/' + metric;
    }
}
