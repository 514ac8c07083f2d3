package dev.lanes.nn.io;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Module;
import dev.lanes.nn.layers.BatchNorm2d;
import dev.lanes.nn.layers.Residual;
import dev.lanes.nn.param.TernaryStorage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry names written by earlier versions, translated to today's for a given model. BatchNorm's entries were
 * {@code gamma}, {@code beta}, {@code runningMean} and {@code runningVar} (now PyTorch's {@code weight},
 * {@code bias}, {@code running_mean}, {@code running_var}); a ResNet basic block's children were
 * {@code conv1, bn1, conv2, bn2} and {@code shortcut.0, shortcut.1} (now {@code main.conv1} ... and
 * {@code shortcut.conv, shortcut.bn}, see {@link Residual#basicBlock}). The model decides:
 * an entry is renamed only when the file lacks the model's name but has its old name, so a file written today
 * is never touched.
 */
final class LegacyNames {
    private LegacyNames() {}

    /** The model's parameter and buffer paths by the name an earlier version gave them (only those that differ). */
    static Map<String, String> oldToNew(Module model) {
        Map<String, String> out = new LinkedHashMap<>();
        walk(model, "", "", out);
        return out;
    }

    private static void walk(Module m, String newPrefix, String oldPrefix, Map<String, String> out) {
        if (m.children().isEmpty()) { // a layer: its own entries, BatchNorm's under their old names
            boolean bn = m instanceof BatchNorm2d;
            for (String name : m.namedParameters().keySet()) put(out, oldPrefix + (bn ? oldBatchNormName(name) : name), newPrefix + name);
            for (String name : m.namedBuffers().keySet()) put(out, oldPrefix + (bn ? oldBatchNormName(name) : name), newPrefix + name);
            return;
        }
        if (m instanceof Residual r) { // the old BasicBlock: main's children sat in the block, the shortcut's were numbered
            walk(r.main(), newPrefix + "main.", oldPrefix, out);
            if (r.shortcut() != null) {
                List<Module> kids = r.shortcut().children();
                List<String> names = r.shortcut().childNames();
                for (int i = 0; i < kids.size(); i++) {
                    walk(kids.get(i), newPrefix + "shortcut." + names.get(i) + ".", oldPrefix + "shortcut." + i + ".", out);
                }
            }
            return;
        }
        List<Module> kids = m.children();
        List<String> names = m.childNames();
        for (int i = 0; i < kids.size(); i++) {
            String name = names.get(i);
            walk(kids.get(i), newPrefix + name + ".", oldPrefix + name + ".", out);
        }
    }

    private static String oldBatchNormName(String name) {
        return switch (name) {
            case "weight" -> "gamma";
            case "bias" -> "beta";
            case "running_mean" -> "runningMean";
            case "running_var" -> "runningVar";
            default -> name;
        };
    }

    private static void put(Map<String, String> out, String oldName, String newName) {
        if (!oldName.equals(newName)) out.put(oldName, newName);
    }

    /** {@code c} with old names renamed where the model wants the new name and the file lacks it. */
    static TensorFile.Contents translate(TensorFile.Contents c, Module model) {
        Map<String, String> rename = oldToNew(model);
        if (rename.isEmpty()) return c;
        Map<String, Tensor> params = renamed(c.parameters(), rename, c.parameters(), c.packed());
        Map<String, TernaryStorage> packed = renamed(c.packed(), rename, c.parameters(), c.packed());
        Map<String, Tensor> buffers = renamed(c.buffers(), rename, c.buffers(), Map.of());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) tensors.put(optimizerKey(e.getKey(), rename, c.tensors()), e.getValue());
        return new TensorFile.Contents(params, buffers, tensors, c.metadata(), packed);
    }

    private static <T> Map<String, T> renamed(Map<String, T> entries, Map<String, String> rename, Map<String, ?> names, Map<String, ?> moreNames) {
        Map<String, T> out = new LinkedHashMap<>();
        for (Map.Entry<String, T> e : entries.entrySet()) {
            String to = rename.get(e.getKey());
            boolean free = to != null && !names.containsKey(to) && !moreNames.containsKey(to);
            out.put(free ? to : e.getKey(), e.getValue());
        }
        return out;
    }

    /** "optimizer.KIND.PATH" with PATH translated (optimizer state is keyed by kind and parameter path). */
    private static String optimizerKey(String key, Map<String, String> rename, Map<String, Tensor> all) {
        if (!key.startsWith(ModelFile.OPTIMIZER_PREFIX)) return key;
        int dot = key.indexOf('.', ModelFile.OPTIMIZER_PREFIX.length());
        if (dot < 0) return key;
        String to = rename.get(key.substring(dot + 1));
        if (to == null) return key;
        String renamed = key.substring(0, dot + 1) + to;
        return all.containsKey(renamed) ? key : renamed;
    }
}
