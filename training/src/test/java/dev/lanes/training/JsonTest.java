package dev.lanes.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedValuesAndEscapes() {
        String s = Json.object().put("a", 1).put("b", 0.25).put("nan", Double.NaN).put("s", "q\"\\\n")
                .put("list", List.of(1, "x")).put("m", Map.of("k", true)).put("d", new double[] {1.5, 2})
                .put("c", new int[][] {{1, 2}, {3, 4}}).put("n", null).toString();
        assertEquals("{\"a\": 1, \"b\": 0.25, \"nan\": null, \"s\": \"q\\\"\\\\\\n\", \"list\": [1, \"x\"], \"m\": {\"k\": true}, "
                + "\"d\": [1.5, 2], \"c\": [[1, 2], [3, 4]], \"n\": null}", s);
    }
}
