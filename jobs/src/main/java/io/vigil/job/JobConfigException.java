package io.vigil.job;

/**
 * A job config file or command-line override that cannot be used; the message says where and why.
 */
public class JobConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public JobConfigException(String message) {
        super(message);
    }

    public JobConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
