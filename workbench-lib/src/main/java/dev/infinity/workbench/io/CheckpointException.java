package dev.infinity.workbench.io;

import java.nio.file.Path;

/** A file that cannot be read as what it claims to be; the message names the file and the problem. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
