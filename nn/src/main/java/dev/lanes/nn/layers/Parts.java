package dev.lanes.nn.layers;

import dev.lanes.engine.Shapes;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;

/**
 * Checks for layers built from given parameters: the layer reads its geometry from them, so a parameter must
 * have the rank and name the layer expects (its name is the last segment of its path in the model file).
 */
final class Parts {
    private Parts() {}

    static Parameter require(String layer, String role, Parameter p, int rank) {
        if (p == null) throw new IllegalArgumentException(layer + ": the " + role + " parameter is null");
        if (!p.name().equals(role)) {
            throw new IllegalArgumentException(layer + ": the " + role + " parameter must be named \"" + role + "\" but is named \"" + p.name() + "\"");
        }
        int[] s = p.shape();
        if (s.length != rank) {
            throw new IllegalArgumentException(layer + ": the " + role + " must have rank " + rank + " but has shape " + Shapes.toString(s));
        }
        for (int d : s) {
            if (d <= 0) throw new IllegalArgumentException(layer + ": the " + role + " has an empty dimension: " + Shapes.toString(s));
        }
        return p;
    }

    /** An optional per-output-channel vector ([channels]) such as a bias. */
    static Parameter requireVector(String layer, String role, Parameter p, int channels) {
        if (p == null) return null;
        require(layer, role, p, 1);
        if (p.shape()[0] != channels) {
            throw new IllegalArgumentException(layer + ": the " + role + " has shape " + Shapes.toString(p.shape()) + " but the layer has "
                    + channels + " channels");
        }
        return p;
    }

    /** A per-channel state tensor the kernels index from 0 (as parameter values are). */
    static Tensor requireBuffer(String layer, String role, Tensor t, int channels) {
        if (t == null) throw new IllegalArgumentException(layer + ": " + role + " is null");
        if (!t.hasShape(new int[]{channels})) {
            throw new IllegalArgumentException(layer + ": " + role + " has shape " + Shapes.toString(t.shape()) + " but must be [" + channels + "]");
        }
        if (t.offset() != 0 || t.data().length != t.size()) throw new IllegalArgumentException(layer + ": " + role + " must own its array from offset 0");
        return t;
    }
}
