package io.vigil.cep.config;

import java.io.Serializable;

/**
 * A key {@code site/device/metric} listed under {@code expected}: the silence patterns that watch
 * it alert when it sends nothing, even when it never sent anything.
 *
 * @param origin where it is listed, {@code FILE:LINE}
 */
public record ExpectedKey(String site, String device, String metric, String origin)
        implements Serializable {

    /** {@code site/device/metric}, the key readings are partitioned by. */
    public String key() {
        return site + '/' + device + '/' + metric;
    }
}
