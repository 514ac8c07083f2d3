package dev.lanes.nn.arch;

import java.util.Objects;

/**
 * y = relu?(main(x) + shortcut(x)), the shortcut being the identity when {@code shortcut} is null. A bypassed
 * block runs only the shortcut (the main path is kept in the spec so it can be restored or reported). Its
 * children are named {@code main}, {@code shortcut} (when present) and {@code relu} (when {@code postRelu}).
 */
public record ResidualSpec(LayerSpec main, LayerSpec shortcut, boolean postRelu, boolean bypassed) implements LayerSpec {
    public ResidualSpec {
        Objects.requireNonNull(main, "residual main path");
    }

    public boolean hasShortcut() { return shortcut != null; }

    public ResidualSpec bypass() { return new ResidualSpec(main, shortcut, postRelu, true); }
}
