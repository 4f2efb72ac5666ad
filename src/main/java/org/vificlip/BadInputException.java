package org.vificlip;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Input the tool cannot use: a missing, truncated, corrupt or unsupported file, a mis-shaped tensor.
 * The message always names the file and the problem, because it is shown to the user as it is
 * (the command line prints it and exits non-zero; datasets log it and skip the item).
 */
public class BadInputException extends IOException {
    public BadInputException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public BadInputException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
