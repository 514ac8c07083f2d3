package dev.lanes.nn.zoo;

import dev.lanes.nn.init.Init;
import dev.lanes.nn.layers.Flatten;
import dev.lanes.nn.layers.Linear;
import dev.lanes.nn.layers.ReLU;
import dev.lanes.nn.layers.Sequential;
import java.util.Locale;

/**
 * Multi-layer perceptrons by name: {@code mlp-H1[-H2...]} is flatten-fc(H1)-ReLU-fc(H2)-ReLU-...-fc(classes),
 * e.g. {@code mlp-16} for Iris or {@code mlp-256} for MNIST. Weights Kaiming-normal, biases zero ({@link Init});
 * layers are named fc1, relu1, fc2, ... so parameter paths read "fc1.weight".
 */
public final class Mlp {
    public static final String PREFIX = "mlp-";

    private Mlp() {}

    /** Whether {@code name} has the form {@code mlp-H1[-H2...]} (widths not yet checked). */
    public static boolean matches(String name) {
        return name.toLowerCase(Locale.ROOT).trim().matches("mlp(-\\d+)+");
    }

    /** The hidden widths named by {@code mlp-H1[-H2...]}; each must be in [1, 2{@literal ^}20]. */
    public static int[] hiddenWidths(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        if (!matches(n)) throw new IllegalArgumentException("an MLP is named mlp-H1[-H2...] (e.g. mlp-16, mlp-256-128) but got '" + name + "'");
        return WidthList.parse(n, PREFIX, "MLP '" + name + "'", 1 << 20);
    }

    /** The MLP {@code name} for inputs of {@code inFeatures} values (C·H·W of an image) and {@code numClasses} outputs. */
    public static Sequential create(String name, int inFeatures, int numClasses, long seed) {
        return create(inFeatures, numClasses, seed, hiddenWidths(name));
    }

    /** flatten-fc(hidden[0])-ReLU-...-fc(numClasses), initialised from {@code seed}, needing no input gradient. */
    public static Sequential create(int inFeatures, int numClasses, long seed, int... hidden) {
        if (inFeatures < 1 || numClasses < 1) {
            throw new IllegalArgumentException("MLP: input features and classes must be positive but are " + inFeatures + ", " + numClasses);
        }
        Sequential model = new Sequential().add("flatten", new Flatten());
        int in = inFeatures;
        for (int i = 0; i < hidden.length; i++) {
            model.add("fc" + (i + 1), new Linear(in, hidden[i])).add("relu" + (i + 1), new ReLU());
            in = hidden[i];
        }
        model.add("fc" + (hidden.length + 1), new Linear(in, numClasses));
        Init.initialize(model, seed);
        return model;
    }
}
