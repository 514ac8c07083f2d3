package dev.lanes.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.training.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir Path tmp;

    static Path iris() {
        return TestData.mnistDir().getParent().resolve("iris").resolve("iris.csv");
    }

    @Test
    void readsTheBundledIris() throws IOException {
        TableDataset t = CsvReader.read(iris());
        assertEquals(150, t.size());
        assertArrayEquals(new int[] {4, 1, 1}, t.imageShape());
        assertEquals(List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), t.featureNames());
        assertEquals(List.of("setosa", "versicolor", "virginica"), t.classNames());
        assertArrayEquals(new int[] {50, 50, 50}, t.classCounts());
        float[] row = new float[4];
        assertEquals(0, t.get(0, row, 0));
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, row);
        assertEquals(2, t.label(149));
    }

    @Test
    void classColumnByNameQuotesCrlfBomAndNumericClasses() throws IOException {
        Path f = write("\uFEFFlabel,\"a, b\",c\r\n10,1.5,\"2\"\r\n2,3,4\r\n10,\"5\",6\r\n\r\n");
        TableDataset t = CsvReader.read(f, "label");
        assertEquals(List.of("a, b", "c"), t.featureNames());
        assertEquals(List.of("2", "10"), t.classNames(), "integer classes sort numerically");
        assertEquals(1, t.label(0));
        assertEquals(0, t.label(1));
        float[] row = new float[2];
        t.get(2, row, 0);
        assertArrayEquals(new float[] {5, 6}, row);
    }

    @Test
    void badTablesAreRefusedWithLineColumnAndOffset() throws IOException {
        refused("", 0, "empty");
        refused("a,b\n", 4, "no rows");
        refused("a\n1\n", 0, "features and a class");
        refused("a,a\n1,x\n", 2, "appears twice");
        refused("a,,c\n1,2,x\n", 2, "has no name");
        refused("a,b\n1,x\n1,2,x\n", 12, "line 3, column 3: the row has 3 fields but the header has 2");
        refused("a,b\n1,x\n1\n", 8, "line 3, column 1: the row has 1 fields");
        refused("a,b\n1,x\nfoo,x\n", 8, "line 3, column 1: 'foo' in column 'a' is not a number");
        refused("a,b\n,x\n", 4, "line 2, column 1: missing value");
        refused("a,b\nNaN,x\n", 4, "not a finite float");
        refused("a,b\n1,\n", 6, "line 2, column 2: the class column 'b' is empty");
        refused("a,b\n1,\"x\n", 6, "never closed");
        refused("a,b\n1,x\"y\n", 7, "a quote inside an unquoted field");
        refused("a,b\n1,\"x\"y\n", 9, "text after the closing quote");
        refused("a,b\n\n1,x\n", 4, "line 2 is blank");
        refused("a,b\r1,x\n", 3, "carriage return");
        Path bad = tmp.resolve("latin1.csv");
        Files.write(bad, new byte[] {'a', ',', 'b', '\n', '1', ',', (byte) 0xE9, '\n'});
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> CsvReader.read(bad));
        assertEquals(6, e.offset());
        assertThrows(IllegalArgumentException.class, () -> CsvReader.read(write("a,b\n1,x\n"), "nope"));
    }

    private void refused(String text, long offset, String message) throws IOException {
        Path f = write(text);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> CsvReader.read(f), text);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
    }

    private Path write(String text) throws IOException {
        Path f = Files.createTempFile(tmp, "t", ".csv");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }
}
