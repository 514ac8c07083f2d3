package dev.lanes.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.engine.Tensor;
import dev.lanes.nn.Parameter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged model files: every truncation point, every single-bit flip, random multi-byte damage, and the same
 * damage behind a recomputed (valid) checksum, which is what reaches the structure parser. A read must either
 * succeed or throw a {@link CorruptFileException} naming the file and an offset inside it; a structurally valid
 * file that does not fit the model may throw the documented IllegalArgumentException naming the file. Anything
 * else (an out-of-memory error, a buffer or array exception) fails with its stack trace, and a refused load must
 * leave the model as it was.
 */
class ModelFileFuzzTest {
    @TempDir Path dir;

    /** A small saved model with metadata and an extra tensor: every entry kind occurs. */
    private byte[] sample() throws IOException {
        Path f = dir.resolve("sample.lanes");
        ModelFile.save(f, new TinyNet(3, 4, 2, 7), Map.of("extra", Tensor.full(0.5f, 2, 1)), Map.of("model", "tiny", "epoch", "3"));
        return Files.readAllBytes(f);
    }

    @Test
    void everyTruncationIsRefusedAtTheCut() throws IOException {
        byte[] good = sample();
        for (int cut = 0; cut < good.length; cut++) {
            CorruptFileException e = mustRefuse(Arrays.copyOf(good, cut), "cut at " + cut + " of " + good.length);
            assertEquals(cut, e.offset(), "cut at " + cut + ": " + e.getMessage());
        }
    }

    @Test
    void everyFlippedBitIsRefused() throws IOException {
        byte[] good = sample();
        for (int at = 0; at < good.length; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) (1 << bit);
                mustRefuse(bad, "bit " + bit + " of byte " + at);
            }
        }
    }

    @Test
    void randomDamageIsRefused() throws IOException {
        byte[] good = sample();
        SplittableRandom rnd = new SplittableRandom(21);
        for (int trial = 0; trial < 500; trial++) {
            byte[] bad = good.clone();
            int flips = 2 + rnd.nextInt(7);
            for (int i = 0; i < flips; i++) bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
            if (Arrays.equals(bad, good)) continue; // two flips of one byte may cancel
            mustRefuse(bad, "trial " + trial);
        }
    }

    /**
     * Behind a valid checksum the structure itself is parsed: every byte flipped (a random mask, plus a high bit
     * that turns a small count, rank, dimension or length into a huge one) must be read or refused cleanly.
     */
    @Test
    void damageBehindAValidChecksumIsReadOrRefusedCleanly() throws IOException {
        byte[] good = sample();
        SplittableRandom rnd = new SplittableRandom(22);
        for (int at = 0; at < good.length - 4; at++) {
            for (int mask : new int[] {1 + rnd.nextInt(255), 0x40, 0x80}) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) mask;
                readOrRefuse(withCrc(bad), "flip at " + at + " mask " + mask + " (checksum recomputed)");
            }
        }
        for (int trial = 0; trial < 300; trial++) {
            byte[] bad = good.clone();
            for (int i = 0, flips = 2 + rnd.nextInt(5); i < flips; i++) bad[rnd.nextInt(bad.length - 4)] ^= (byte) (1 + rnd.nextInt(255));
            readOrRefuse(withCrc(bad), "trial " + trial + " (checksum recomputed)");
        }
    }

    /** Loads {@code bytes} into a fresh model: must be refused with the file and an offset, model untouched. */
    private CorruptFileException mustRefuse(byte[] bytes, String what) throws IOException {
        Path f = Files.write(dir.resolve("damaged.lanes"), bytes);
        TinyNet net = new TinyNet(3, 4, 2, 99);
        Map<String, float[]> before = snapshot(net);
        try {
            ModelFile.load(f, net);
        } catch (CorruptFileException e) {
            assertNamesFile(e, f, bytes.length, what);
            assertUnchanged(before, net, what);
            return e;
        } catch (Throwable t) {
            fail(what + ": threw " + stackTrace(t));
        }
        return fail(what + ": a damaged file of " + bytes.length + " bytes was loaded");
    }

    /** Reads {@code bytes} as a tensor file and loads it into a model; either may succeed or refuse cleanly. */
    private void readOrRefuse(byte[] bytes, String what) throws IOException {
        Path f = Files.write(dir.resolve("damaged.lanes"), bytes);
        try {
            TensorFile.read(f);
        } catch (CorruptFileException e) {
            assertNamesFile(e, f, bytes.length, what);
        } catch (Throwable t) {
            fail(what + ": TensorFile.read threw " + stackTrace(t));
        }
        TinyNet net = new TinyNet(3, 4, 2, 99);
        Map<String, float[]> before = snapshot(net);
        try {
            ModelFile.load(f, net);
        } catch (CorruptFileException e) {
            assertNamesFile(e, f, bytes.length, what);
            assertUnchanged(before, net, what);
        } catch (IllegalArgumentException e) {
            // a well-formed file that does not fit this model (another name or shape): documented, and names the file
            assertTrue(e.getMessage() != null && e.getMessage().contains(f.toString()), what + ": message names no file: " + e.getMessage());
            assertUnchanged(before, net, what);
        } catch (Throwable t) {
            fail(what + ": ModelFile.load threw " + stackTrace(t));
        }
    }

    private static void assertNamesFile(CorruptFileException e, Path f, long size, String what) {
        assertEquals(f, e.file(), what);
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("byte offset " + e.offset()),
                what + ": message lacks the file or the offset: " + e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= size, what + ": offset outside the file in " + e.getMessage());
    }

    private static Map<String, float[]> snapshot(TinyNet net) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) values.put(e.getKey(), e.getValue().value().toArray());
        for (Map.Entry<String, Tensor> e : net.namedBuffers().entrySet()) values.put(e.getKey(), e.getValue().toArray());
        return values;
    }

    private static void assertUnchanged(Map<String, float[]> before, TinyNet net, String what) {
        Map<String, float[]> after = snapshot(net);
        for (Map.Entry<String, float[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), after.get(e.getKey()), what + ": a refused load changed " + e.getKey());
        }
    }

    /** {@code bytes} with its last four bytes replaced by the CRC-32 of the rest. */
    static byte[] withCrc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        byte[] out = bytes.clone();
        ByteBuffer.wrap(out).putInt(out.length - 4, (int) crc.getValue());
        return out;
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
