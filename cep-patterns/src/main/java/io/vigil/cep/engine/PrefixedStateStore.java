package io.vigil.cep.engine;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The keyed state of one hosted pattern: every state it declares is stored under {@code
 * <prefix><name>}, so that patterns in one operator, and Flink CEP's shared buffers whose state
 * names are fixed, never share a state.
 *
 * <p>Only the state kinds the hosted patterns use are supported, with descriptors that carry their
 * serializers (as Flink CEP's do); the asynchronous state API (v2) is not.
 */
final class PrefixedStateStore extends SyncStateStore {

    private final KeyedStateStore delegate;
    private final String prefix;
    private final List<StateDescriptor<?, ?>> declared = new ArrayList<>();

    PrefixedStateStore(KeyedStateStore delegate, String prefix) {
        this.delegate = delegate;
        this.prefix = prefix;
    }

    /** Every state declared through this store so far, under its stored name. */
    List<StateDescriptor<?, ?>> declared() {
        return List.copyOf(declared);
    }

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        return delegate.getState(
                declare(
                        new ValueStateDescriptor<>(
                                name(descriptor.getName()), serializer(descriptor))));
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
        return delegate.getListState(
                declare(
                        new ListStateDescriptor<>(
                                name(descriptor.getName()), elementSerializer(descriptor))));
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
        requireSerializer(descriptor);
        return delegate.getMapState(
                declare(
                        new MapStateDescriptor<>(
                                name(descriptor.getName()),
                                descriptor.getKeySerializer(),
                                descriptor.getValueSerializer())));
    }

    private <D extends StateDescriptor<?, ?>> D declare(D descriptor) {
        if (!declared.contains(descriptor)) {
            declared.add(descriptor);
        }
        return descriptor;
    }

    @Override
    String refusal() {
        return "this kind of state is not offered to patterns";
    }

    @Override
    public String getBackendTypeIdentifier() {
        return delegate.getBackendTypeIdentifier();
    }

    private String name(String name) {
        return prefix + name;
    }

    private static <S extends org.apache.flink.api.common.state.State, T>
            org.apache.flink.api.common.typeutils.TypeSerializer<T> serializer(
                    StateDescriptor<S, T> descriptor) {
        requireSerializer(descriptor);
        return descriptor.getSerializer();
    }

    private static <T> org.apache.flink.api.common.typeutils.TypeSerializer<T> elementSerializer(
            ListStateDescriptor<T> descriptor) {
        requireSerializer(descriptor);
        return descriptor.getElementSerializer();
    }

    private static void requireSerializer(StateDescriptor<?, ?> descriptor) {
        if (!descriptor.isSerializerInitialized()) {
            throw new IllegalArgumentException(
                    String.format(
                            "State '%s' of a hosted pattern must be declared with a serializer",
                            descriptor.getName()));
        }
    }
}
