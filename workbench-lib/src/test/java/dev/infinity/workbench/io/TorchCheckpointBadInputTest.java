package dev.infinity.workbench.io;

import dev.infinity.workbench.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of broken checkpoint gives one clear error naming the file; nothing crashes or allocates hugely. */
class TorchCheckpointBadInputTest {
    @TempDir Path tmp;

    private void assertFails(Path file, String expectedFragment) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> StateDict.load(file));
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expectedFragment), "message says '" + expectedFragment + "': " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one-line message");
    }

    @Test
    void validFixtureLoads() throws Exception {
        Path f = TorchZipFixture.stateDict("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3).write(tmp.resolve("ok.pth"));
        StateDict sd = StateDict.load(f);
        assertEquals(1, sd.size());
        assertArrayEquals(new long[] {2, 3}, sd.get("w").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, sd.get("w").toFloatArray());
    }

    @Test
    void truncatedZip() throws Exception {
        Path ok = TorchZipFixture.stateDict("w", new float[64], 8, 8).write(tmp.resolve("full.pth"));
        byte[] bytes = Files.readAllBytes(ok);
        Path cut = Files.write(tmp.resolve("cut.pth"), Arrays.copyOf(bytes, bytes.length / 2));
        assertFails(cut, "truncated");
    }

    @Test
    void wrongMagic() throws Exception {
        Path f = Files.writeString(tmp.resolve("text.pth"), "this is not a checkpoint at all");
        assertFails(f, "not a PyTorch checkpoint");
    }

    @Test
    void unsupportedOpcode() throws Exception {
        Path f = new TorchZipFixture().op(0x80, 2, '}', 0xff, '.').write(tmp.resolve("opcode.pth"));
        assertFails(f, "unsupported pickle opcode 0xff");
    }

    @Test
    void tensorRunsPastStorage() throws Exception {
        TorchZipFixture fx = new TorchZipFixture().op(0x80, 2, '}', '(').str("w")
                .tensor("0", 6, 0, new long[] {10}, new long[] {1}).op('u', '.').storage("0", new float[6]);
        assertFails(fx.write(tmp.resolve("past.pth")), "runs past its storage");
    }

    @Test
    void storageShorterThanDeclared() throws Exception {
        TorchZipFixture fx = new TorchZipFixture().op(0x80, 2, '}', '(').str("w")
                .tensor("0", 1_000_000, 0, new long[] {4}, new long[] {1}).op('u', '.').storage("0", new float[4]);
        assertFails(fx.write(tmp.resolve("short.pth")), "declares 1000000");
    }

    @Test
    void hugeShapeIsRejectedWithoutAllocating() throws Exception {
        TorchZipFixture fx = new TorchZipFixture().op(0x80, 2, '}', '(').str("w")
                .tensor("0", 4, 0, new long[] {1_000_000, 1_000_000}, new long[] {1_000_000, 1}).op('u', '.').storage("0", new float[4]);
        assertFails(fx.write(tmp.resolve("huge.pth")), "runs past its storage");
    }

    @Test
    void directoryInsteadOfFile() {
        assertFails(tmp, "is a directory");
    }

    @Test
    void missingFile() {
        assertFails(tmp.resolve("nope.pth"), "file not found");
    }

    @Test
    void cliPrintsOneLineAndExitsNonZero() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.pth"), "garbage!");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(new String[] {"inspect", f.toString()});
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(1, code);
        String msg = err.toString(StandardCharsets.UTF_8).trim();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains("bad.pth") && msg.contains("not a PyTorch checkpoint"), msg);
    }
}
