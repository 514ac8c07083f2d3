package dev.lanes.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tensor views share data, shapes are checked with messages naming both shapes, and the small helpers work. */
class TensorTest {
    @Test
    void reshapeAndSliceAreViewsOnTheSameArray() {
        Tensor t = Tensor.of(new float[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2);
        Tensor r = t.reshape(6, -1);
        assertArrayEquals(new int[]{6, 2}, r.shape());
        assertSame(t.data(), r.data());
        r.set(42f, 5, 1);
        assertEquals(42f, t.get(1, 2, 1));
        Tensor s = t.slice(1, 2);
        assertArrayEquals(new int[]{1, 3, 2}, s.shape());
        assertEquals(6, s.offset());
        s.fill(-1f);
        assertEquals(-1f, t.get(1, 0, 0));
        assertEquals(5f, t.get(0, 2, 1));
        assertEquals(-1f, s.reshape(-1).get(5));
        assertArrayEquals(new float[]{-1, -1, -1, -1, -1, -1}, s.toArray());
    }

    @Test
    void shapeErrorsNameBothShapes() {
        Tensor t = Tensor.zeros(2, 3);
        assertMessage(() -> t.reshape(4, 2), "[2, 3]", "[4, 2]");
        assertMessage(() -> t.reshape(4, -1), "[2, 3]", "[4, -1]");
        assertMessage(() -> t.reshape(-1, -1), "[2, 3]", "[-1, -1]");
        assertMessage(() -> t.copyFrom(Tensor.zeros(3, 2)), "[2, 3]", "[3, 2]");
        assertMessage(() -> t.allClose(Tensor.zeros(6), 0f, 0f), "[2, 3]", "[6]");
        assertMessage(() -> t.slice(1, 3), "[2, 3]");
        assertMessage(() -> t.get(2, 0), "[2, 0]", "[2, 3]");
        assertMessage(() -> Tensor.zeros(2, -1), "[2, -1]");
        assertMessage(() -> Tensor.of(new float[5], 2, 3), "[2, 3]", "5");
    }

    @Test
    void argmaxAllCloseAndCopies() {
        Tensor t = Tensor.of(new float[]{1, 7, 7, -2, -5, -1}, 2, 3);
        assertEquals(1, t.argmax(0)); // the first of equal maxima
        assertEquals(2, t.argmax(1));
        assertMessage(() -> t.argmax(2), "row 2", "[2, 3]");
        assertMessage(() -> Tensor.zeros(2, 0).argmax(0), "[2, 0]");
        Tensor c = t.copy();
        assertTrue(t.allClose(c, 0f, 0f));
        c.set(7.001f, 0, 1);
        assertFalse(t.allClose(c, 1e-4f, 0f));
        assertTrue(t.allClose(c, 0f, 1e-3f));
        assertEquals(0.001f, t.maxAbsDiff(c), 1e-5f);
        c.set(Float.NaN, 1, 1);
        assertFalse(t.allClose(c, 1f, 1f));
        assertTrue(Float.isNaN(t.maxAbsDiff(c)));
    }

    @Test
    void toStringShowsShapeAndNestedValues() {
        assertEquals("Tensor[2, 2] [[1.0, 2.0], [3.0, 4.0]]", Tensor.of(new float[]{1, 2, 3, 4}, 2, 2).toString());
        assertEquals("Tensor[3] [0.0, 0.0, 0.0]", Tensor.zeros(3).toString());
        assertEquals("Tensor[10, 10] (100 values)", Tensor.zeros(10, 10).toString());
    }

    private static void assertMessage(Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention " + f);
        }
    }
}
