package dev.lanes.training.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The {@code --out} folder of a training run: checked before any work, and held by one run at a time. */
final class RunFolder {
    private RunFolder() {}

    /**
     * Creates {@code dir} if needed and writes a probe file into it, so a read-only folder or a path that is
     * a file fails now, naming the path and the cause, and not after the first epoch.
     */
    static void requireWritable(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
        }
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + dir + " is not writable: " + e, e);
        }
    }

    /** An exclusive lock on {@code dir/.lock} for the life of a run; a second run on the folder is refused. */
    static Lock lock(Path dir) throws IOException {
        Path file = dir.resolve(".lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        }
        if (lock == null) {
            ch.close();
            throw new IllegalArgumentException("--out " + dir + " is in use by another lanes train (" + file
                    + " is locked); wait for it or pass another --out");
        }
        return new Lock(ch);
    }

    /** Released on close; the lock file stays, which is harmless (a lock, not its file, is what counts). */
    record Lock(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException { channel.close(); }
    }
}
