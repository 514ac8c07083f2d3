package dev.lanes.nn.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecJsonTest {

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> SpecJson.fromJson(json)).getMessage();
    }

    @Test
    void convIsWrittenAsDocumented() {
        assertEquals("{\"version\":1,\"type\":\"conv\",\"in\":1,\"out\":6,\"kernel\":[5,5],\"stride\":[1,1],\"padding\":[2,2],"
                        + "\"bias\":true,\"weight\":\"float\"}\n",
                SpecJson.toJson(ConvSpec.square(1, 6, 5, 1, 2, true)));
    }

    @Test
    void everyKindHasItsDocumentedFields() {
        assertEquals("{\"version\":1,\"type\":\"batch_norm\",\"channels\":6,\"momentum\":0.1,\"eps\":1.0E-5}\n", SpecJson.toJson(new BatchNormSpec(6)));
        assertEquals("{\"version\":1,\"type\":\"max_pool\",\"kernel\":2,\"stride\":2,\"padding\":0}\n", SpecJson.toJson(new MaxPoolSpec(2, 2, 0)));
        assertEquals("{\"version\":1,\"type\":\"avg_pool\",\"kernel\":3,\"stride\":1,\"padding\":1}\n", SpecJson.toJson(new AvgPoolSpec(3, 1, 1)));
        assertEquals("{\"version\":1,\"type\":\"adaptive_avg_pool\",\"output\":[2,3]}\n", SpecJson.toJson(new AdaptiveAvgPoolSpec(2, 3)));
        assertEquals("{\"version\":1,\"type\":\"linear\",\"in\":4,\"out\":2,\"bias\":false,\"weight\":\"ternary_per_channel\"}\n",
                SpecJson.toJson(new LinearSpec(4, 2, false, WeightFormat.TERNARY_PER_CHANNEL)));
        assertEquals("{\"version\":1,\"type\":\"dropout\",\"p\":0.5}\n", SpecJson.toJson(new DropoutSpec(0.5f)));
        assertEquals("{\"version\":1,\"type\":\"residual\",\"main\":{\"type\":\"relu\"},\"shortcut\":null,\"post_relu\":true,\"bypassed\":false}\n",
                SpecJson.toJson(new ResidualSpec(new ReluSpec(), null, true, false)));
        assertEquals("{\"version\":1,\"type\":\"sequence\",\"children\":[{\"name\":\"0\",\"spec\":{\"type\":\"flatten\"}},"
                        + "{\"name\":\"1\",\"spec\":{\"type\":\"identity\"}}]}\n",
                SpecJson.toJson(SequenceSpec.of(new FlattenSpec(), new IdentitySpec())));
        assertEquals("{\"version\":1,\"type\":\"global_avg_pool\"}\n", SpecJson.toJson(new GlobalAvgPoolSpec()));
    }

    @Test
    void largeSpecsGoOneFieldPerLineAndReadBack() {
        LayerSpec lenet = Examples.lenet();
        String json = SpecJson.toJson(lenet);
        assertTrue(json.startsWith("{\n  \"version\": 1,\n  \"type\": \"sequence\",\n  \"children\": [\n"), json);
        for (String line : json.split("\n")) assertTrue(line.length() <= JsonWriter.WIDTH, line);
        assertTrue(json.contains("\n    {\"name\":\"0\",\"spec\":{\"type\":\"conv\",\"in\":1,\"out\":6,"), json);
        assertEquals(lenet, SpecJson.fromJson(json));
        assertEquals(Examples.resnetLike(), SpecJson.fromJson(SpecJson.toJson(Examples.resnetLike())));
    }

    @Test
    void whitespaceAndFieldOrderAreFree() {
        String json = " {\r\n\t\"bias\" : false , \"weight\":\"float\", \"out\":3,\"in\":2,\"type\":\"linear\",\"version\":1}  ";
        assertEquals(new LinearSpec(2, 3, false), SpecJson.fromJson(json));
    }

    @Test
    void namesWithEscapesSurvive() {
        SequenceSpec s = new SequenceSpec(List.of(new SequenceSpec.Child("q\"\\\n\u0001ü\uD83D\uDE00", new ReluSpec())));
        String json = SpecJson.toJson(s);
        assertTrue(json.contains("q\\\"\\\\\\n\\u0001ü\uD83D\uDE00"), json);
        assertEquals(s, SpecJson.fromJson(json));
        assertEquals(new SequenceSpec(List.of(new SequenceSpec.Child("A/é", new ReluSpec()))),
                SpecJson.fromJson("{\"version\":1,\"type\":\"sequence\",\"children\":[{\"name\":\"\\u0041\\/\\u00e9\",\"spec\":{\"type\":\"relu\"}}]}"));
    }

    @Test
    void floatsAreExact() {
        BatchNormSpec b = new BatchNormSpec(3, Math.nextUp(0.1f), Float.MIN_VALUE);
        assertEquals(b, SpecJson.fromJson(SpecJson.toJson(b)));
        // read straight as a float, not rounded twice through a double (which would give the next float up)
        String justBelowAMidpoint = "1.00000017881393432617187499";
        assertEquals(Math.nextUp(1f), Float.parseFloat(justBelowAMidpoint));
        assertEquals(Math.nextUp(Math.nextUp(1f)), (float) Double.parseDouble(justBelowAMidpoint));
        assertEquals(new BatchNormSpec(1, 0.5f, Math.nextUp(1f)),
                SpecJson.fromJson("{\"version\":1,\"type\":\"batch_norm\",\"channels\":1,\"momentum\":0.5,\"eps\":" + justBelowAMidpoint + "}"));
    }

    @Test
    void aWrongFieldInsideASequenceNamesItsPathAndOffset() {
        String json = "{\"version\":1,\"type\":\"sequence\",\"children\":[{\"name\":\"a\",\"spec\":{\"type\":\"relu\"}},"
                + "{\"name\":\"b\",\"spec\":{\"type\":\"conv\",\"in\":1,\"out\":6,\"kernel\":[5,5,5],\"stride\":[1,1],\"padding\":[0,0],\"bias\":true,\"weight\":\"float\"}}]}";
        assertEquals("children[1].spec.kernel: expected an array of 2 ints at offset " + json.indexOf("[5,5,5]"), error(json));
        String floats = json.replace("[5,5,5]", "[5,5.0]");
        assertEquals("children[1].spec.kernel: expected an array of 2 ints at offset " + floats.indexOf("[5,5.0]"), error(floats));
    }

    @Test
    void unknownMissingAndMistypedFieldsAreRefused() {
        String unknown = "{\"version\":1,\"type\":\"relu\",\"inplace\":true}";
        assertEquals("inplace: unknown field for relu at offset " + unknown.indexOf("\"inplace\""), error(unknown));
        assertEquals("top level: missing field 'eps' at offset 0", error("{\"version\":1,\"type\":\"batch_norm\",\"channels\":2,\"momentum\":0.1}"));
        String mistyped = "{\"version\":1,\"type\":\"linear\",\"in\":\"4\",\"out\":2,\"bias\":true,\"weight\":\"float\"}";
        assertEquals("in: expected an int but found a string at offset " + mistyped.indexOf("\"4\""), error(mistyped));
        String big = "{\"version\":1,\"type\":\"max_pool\",\"kernel\":2147483648,\"stride\":1,\"padding\":0}";
        assertEquals("kernel: expected an int but found a number at offset " + big.indexOf("2147483648"), error(big));
        String format = "{\"version\":1,\"type\":\"linear\",\"in\":4,\"out\":2,\"bias\":true,\"weight\":\"int8\"}";
        assertTrue(error(format).startsWith("weight: unknown weight format 'int8', expected one of [float, ternary_per_tensor, ternary_per_channel] at offset "
                + format.indexOf("\"int8\"")), error(format));
        String type = "{\"version\":1,\"type\":\"gelu\"}";
        assertTrue(error(type).startsWith("type: unknown layer type 'gelu'"), error(type));
        assertTrue(error(type).endsWith("at offset " + type.indexOf("\"gelu\"")), error(type));
        String huge = "{\"version\":1,\"type\":\"dropout\",\"p\":1e99}";
        assertEquals("p: expected a finite float but 1e99 is out of range at offset " + huge.indexOf("1e99"), error(huge));
    }

    @Test
    void theVersionIsRequiredAtTheTopOnly() {
        assertEquals("top level: missing field 'version' at offset 0", error("{\"type\":\"relu\"}"));
        assertEquals("version: unsupported version 2 (this build reads 1) at offset 11", error("{\"version\":2,\"type\":\"relu\"}"));
        String nested = "{\"version\":1,\"type\":\"residual\",\"main\":{\"version\":1,\"type\":\"relu\"},\"shortcut\":null,\"post_relu\":false,\"bypassed\":false}";
        assertEquals("main.version: unknown field for relu at offset " + nested.indexOf("\"version\"", 5), error(nested));
    }

    @Test
    void valuesARecordRefusesNameWhereTheyCameFrom() {
        String json = "{\"version\":1,\"type\":\"sequence\",\"children\":[{\"name\":\"x\",\"spec\":{\"type\":\"batch_norm\",\"channels\":0,\"momentum\":0.1,\"eps\":1e-5}}]}";
        assertEquals("children[0].spec: batch norm channels must be >= 1 but was 0 at offset " + json.indexOf("{\"type\":\"batch_norm\""), error(json));
        String dotted = "{\"version\":1,\"type\":\"sequence\",\"children\":[{\"name\":\"a.b\",\"spec\":{\"type\":\"relu\"}}]}";
        assertEquals("children[0].name: child name must be non-empty without '.', but was 'a.b' at offset " + dotted.indexOf("\"a.b\""), error(dotted));
        String twice = "{\"version\":1,\"type\":\"sequence\",\"children\":[{\"name\":\"a\",\"spec\":{\"type\":\"relu\"}},{\"name\":\"a\",\"spec\":{\"type\":\"relu\"}}]}";
        assertEquals("children[1].name: duplicate child name 'a' at offset " + twice.lastIndexOf("\"a\""), error(twice));
    }

    @Test
    void syntaxErrorsNameThePathAndOffset() {
        assertEquals("top level: expected a value but the text ended at offset 0", error(""));
        assertEquals("type: unterminated string at offset 20", error("{\"version\":1,\"type\":\"rel"));
        assertEquals("top level: expected ',' or '}' but found the end of the text at offset 26", error("{\"version\":1,\"type\":\"relu\""));
        assertEquals("top level: unexpected 'x' after the value at offset 27", error("{\"version\":1,\"type\":\"relu\"}x"));
        assertEquals("type: duplicate field at offset 27", error("{\"version\":1,\"type\":\"relu\",\"type\":\"relu\"}"));
        assertEquals("top level: expected a field name in quotes but found '}' at offset 27", error("{\"version\":1,\"type\":\"relu\",}"));
        assertEquals("version: expected digits in a number at offset 12", error("{\"version\":-,\"type\":\"relu\"}"));
        assertEquals("version: expected a value but found ''' at offset 11", error("{\"version\":'1',\"type\":\"relu\"}"));
        assertEquals("children: expected ',' or ']' but found '}' at offset 78",
                error("{\"version\":1,\"type\":\"sequence\",\"children\":[{\"name\":\"a\",\"spec\":{\"type\":\"relu\"}}}"));
        assertEquals("top level: expected an object but found an array at offset 0", error("[]"));
    }

    @Test
    void deepNestingFailsWithAMessage() {
        String deep = "[".repeat(100_000);
        assertTrue(error(deep).contains("nested deeper than " + JsonReader.MAX_DEPTH + " levels at offset "), error(deep));
    }

    @Test
    void nonFiniteFloatsAreNotWritten() {
        var e = assertThrows(IllegalArgumentException.class, () -> SpecJson.toJson(new BatchNormSpec(2, 0.1f, Float.POSITIVE_INFINITY)));
        assertEquals("batch norm eps must be finite to be written as JSON but was Infinity", e.getMessage());
    }
}
