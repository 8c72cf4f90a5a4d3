package io.vigil.benchmarks;

/**
 * Hands a benchmark its inputs one after another and starts over at the end, so that each call
 * measures another input and the JIT cannot specialise on one.
 */
final class RoundRobin<T> {

    private final T[] inputs;
    private int next;

    RoundRobin(T[] inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("A benchmark needs at least one input");
        }
        this.inputs = inputs;
    }

    T next() {
        T input = inputs[next];
        next = next + 1 == inputs.length ? 0 : next + 1;
        return input;
    }
}
