package dev.lanes.training.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads a whole data file into memory, gunzipping it when it starts with the gzip magic bytes 1f 8b. */
final class DataFiles {
    private DataFiles() {}

    static byte[] readAll(Path file) throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "data file not found");
        }
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b) return gunzip(file, raw);
        return raw;
    }

    private static byte[] gunzip(Path file, byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length * 4));
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
        } catch (EOFException e) {
            throw new CorruptDataException(file, out.size(), "gzip stream truncated after " + out.size()
                    + " decompressed bytes (compressed file is " + raw.length + " bytes)", e);
        } catch (ZipException e) {
            throw new CorruptDataException(file, out.size(), "corrupt gzip stream: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
