// Writes legacy-v0.lanes with the model API as it was before the PyTorch names and Residual (commit 68b3321).
// Kept for the record; it does not compile against newer code (BasicBlock is gone). See README.md here.
import dev.lanes.engine.Kernels;
import dev.lanes.engine.Tensor;
import dev.lanes.nn.init.Init;
import dev.lanes.nn.io.ModelFile;
import dev.lanes.nn.layers.*;
import dev.lanes.nn.optim.Sgd;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

public class MakeLegacyFile {
    public static void main(String[] args) throws Exception {
        Sequential model = new Sequential()
                .add("conv1", new Conv2d(1, 4, 3, 1, 1, false)).add("bn1", new BatchNorm2d(4)).add("relu", new ReLU())
                .add("layer1", new Sequential(new BasicBlock(4, 4, 1), new BasicBlock(4, 8, 2)))
                .add("pool", new GlobalAvgPool()).add("fc", new Linear(8, 3));
        Init.initialize(model, 11);
        model.setInputGradNeeded(false);
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = Tensor.zeros(4, 1, 8, 8);
        float[] xd = x.data();
        for (int i = 0; i < xd.length; i++) xd[i] = (float) rng.nextGaussian();
        int[] labels = {0, 1, 2, 1};
        Sgd sgd = new Sgd(model.namedParameters(), 0.1f, 0.9f, 0f, false);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        for (int step = 0; step < 3; step++) { // moves weights, BN statistics and momentum away from their initial values
            sgd.zeroGrad();
            ce.forward(model.forward(x), labels);
            model.backward(ce.backward());
            sgd.step();
        }
        model.eval();
        Tensor y = model.forward(x).copy();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : sgd.state().entrySet()) tensors.put(ModelFile.OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        tensors.put("input", x);
        tensors.put("output", y);
        ModelFile.save(Path.of(args[0]), model, tensors, Map.of("kernels", Kernels.active().name(), "epoch", "1"));
    }
}
