package dev.lanes.training.experiment;

import dev.lanes.training.Json;

/**
 * One statement an experiment checks: what is claimed, where (the paper or "lanes" for the project's own
 * promises), what was measured, and whether the measurement supports it.
 */
public record Claim(String claim, String paper, String measured, boolean holds) {
    public Json toJson() {
        return Json.object().put("claim", claim).put("paper", paper).put("measured", measured).put("holds", holds);
    }
}
