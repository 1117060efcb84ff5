package dev.glide.analysis.source;

/**
 * A source could not be read (unreachable, a query it refused); the window is then judged
 * INCONCLUSIVE.
 */
public class SourceException extends Exception {

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }

    public SourceException(String message) {
        super(message);
    }
}
