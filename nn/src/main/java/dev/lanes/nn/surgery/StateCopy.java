package dev.lanes.nn.surgery;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.Parameter;
import java.util.Map;
import java.util.Set;

/** Copies parameter values (dense or packed), trainable flags and buffers between models by path. */
final class StateCopy {
    private StateCopy() {}

    /**
     * Copies every parameter and buffer of {@code to} whose path is not in {@code skip} from the same path in
     * {@code from}; shapes must match. Packed parameters stay packed (their codes and scales are copied).
     */
    static void copy(Module from, Module to, Set<String> skip) {
        Map<String, Parameter> src = from.namedParameters();
        for (Map.Entry<String, Parameter> e : to.namedParameters().entrySet()) {
            if (skip.contains(e.getKey())) continue;
            Parameter s = src.get(e.getKey());
            if (s == null) throw new IllegalStateException("surgery: the new model has a parameter '" + e.getKey() + "' that the old one lacks");
            copyParameter(e.getKey(), s, e.getValue());
        }
        Map<String, Tensor> srcBuffers = from.namedBuffers();
        for (Map.Entry<String, Tensor> e : to.namedBuffers().entrySet()) {
            if (skip.contains(e.getKey())) continue;
            Tensor s = srcBuffers.get(e.getKey());
            if (s == null) throw new IllegalStateException("surgery: the new model has a buffer '" + e.getKey() + "' that the old one lacks");
            copyTensor(e.getKey(), s, e.getValue());
        }
    }

    static void copyParameter(String path, Parameter from, Parameter to) {
        Shapes.requireSame("surgery: parameter '" + path + "'", from.shape(), to.shape());
        if (from.isPacked()) to.setStorage(from.ternary().copy());
        else copyTensor(path, from.value(), to.value());
        to.setTrainable(from.trainable());
    }

    static void copyTensor(String path, Tensor from, Tensor to) {
        Shapes.requireSame("surgery: '" + path + "'", from.shape(), to.shape());
        System.arraycopy(from.data(), from.offset(), to.data(), to.offset(), from.size());
    }
}
