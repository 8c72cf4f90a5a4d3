package io.vigil.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * The CPU time this process has used, all threads together: the per-core measure of a benchmark
 * that runs beside other work on a shared machine, where wall-clock throughput also counts the time
 * the benchmark waited for a core.
 */
final class ProcessCpu {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {}

    /** CPU time used by this process so far, in nanoseconds. */
    static long nanos() {
        long nanos = OS.getProcessCpuTime();
        if (nanos < 0) {
            throw new IllegalStateException("This JVM does not report the process CPU time");
        }
        return nanos;
    }

    /** Microseconds of CPU time per item. */
    static double microsPer(long cpuNanos, long items) {
        return cpuNanos / 1000.0 / items;
    }
}
