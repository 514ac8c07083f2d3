package dev.lanes.training.experiment;

/**
 * What both arms of an experiment share: model, data folder, epochs, number of seeds, image limit, batch
 * size, peak learning rate (cosine-annealed to 0 at the last step) and compute threads.
 */
public record ExperimentOptions(String model, String data, int epochs, int seeds, int limit, int batch, double lr, int threads) {
    public ExperimentOptions {
        if (epochs < 1 || seeds < 1 || limit < 1 || batch < 1 || threads < 1 || !(lr > 0)) {
            throw new IllegalArgumentException("experiment options must be positive: epochs " + epochs + ", seeds " + seeds + ", limit "
                    + limit + ", batch " + batch + ", lr " + lr + ", threads " + threads);
        }
    }

    /** The same options for another zoo model (an arm that trains a different architecture). */
    public ExperimentOptions withModel(String otherModel) {
        return new ExperimentOptions(otherModel, data, epochs, seeds, limit, batch, lr, threads);
    }

    /** Seed of run {@code i} (0-based): initialisation, batch order and dropout; the same in both arms. */
    public long seed(int i) { return 1 + i; }
}
