package dev.lanes.nn.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SpecJsonProperties {

    @Provide
    Arbitrary<RandomSpecs.Net> nets() { return RandomSpecs.nets(); }

    @Property(tries = 300)
    void readingWhatWasWrittenGivesTheSameSpec(@ForAll("nets") RandomSpecs.Net net) {
        String json = SpecJson.toJson(net.spec());
        assertEquals(net.spec(), SpecJson.fromJson(json));
        assertEquals(json, SpecJson.toJson(net.spec()), "the same spec gives the same text");
        assertEquals(json, SpecJson.toJson(SpecJson.fromJson(json)), "text read back is written back unchanged");
        for (String line : json.split("\n"))
            assertTrue(line.length() <= JsonWriter.WIDTH || !line.trim().startsWith("{\"") && !line.trim().startsWith("["), line);
        // the compact form is the same JSON
        assertEquals(net.spec(), SpecJson.fromJson(JsonWriter.compact(JsonReader.parse(json))));
    }

    private static final String JSONISH = "{}[]:,\"\\ 0123456789-+.eEtrufalsn\u0000\u00e9x";

    /** Truncated or mutated text either still reads (then round-trips) or fails with a message naming an offset. */
    @Property(tries = 1000)
    void brokenTextFailsOnlyWithAPathAndOffset(@ForAll("nets") RandomSpecs.Net net, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(SpecJson.toJson(net.spec()));
        int edits = 1 + rng.nextInt(3);
        for (int e = 0; e < edits && text.length() > 0; e++) {
            int at = rng.nextInt(text.length());
            switch (rng.nextInt(4)) {
                case 0 -> text.setLength(at);
                case 1 -> text.deleteCharAt(at);
                case 2 -> text.insert(at, JSONISH.charAt(rng.nextInt(JSONISH.length())));
                default -> text.setCharAt(at, JSONISH.charAt(rng.nextInt(JSONISH.length())));
            }
        }
        LayerSpec read;
        try {
            read = SpecJson.fromJson(text.toString());
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().matches("(?s).*: .* at offset \\d+"), e.getMessage());
            int offset = Integer.parseInt(e.getMessage().replaceAll("(?s).* at offset (\\d+)$", "$1"));
            assertTrue(offset >= 0 && offset <= text.length(), e.getMessage());
            return;
        } catch (RuntimeException | StackOverflowError e) {
            fail("not an IllegalArgumentException for " + text, e);
            return;
        }
        assertEquals(read, SpecJson.fromJson(SpecJson.toJson(read)));
    }
}
