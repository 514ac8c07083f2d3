package dev.lanes.engine;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WorkspaceTest {
    @Test
    void reusesTheBufferWhileItIsLargeEnough() {
        float[] a = Workspace.floats(Workspace.SCRATCH, 1000);
        assertTrue(a.length >= 1000);
        assertSame(a, Workspace.floats(Workspace.SCRATCH, 10));
        float[] bigger = Workspace.floats(Workspace.SCRATCH, a.length + 1);
        assertTrue(bigger.length > a.length);
    }

    @Test
    void slotsAndThreadsAreSeparate() throws Exception {
        float[] mine = Workspace.floats(Workspace.CONV_COLUMNS, 64);
        assertNotSame(mine, Workspace.floats(Workspace.CONV_AUX, 64));
        float[] other = CompletableFuture.supplyAsync(() -> Workspace.floats(Workspace.CONV_COLUMNS, 64)).get();
        assertNotSame(mine, other);
    }
}
